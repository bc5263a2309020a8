"""One party across briefs: the registry, aliases, look-alike warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_library
from generator.errors import ProblemsError
from generator.parties import build_party_index, load_registry

from .site_fixtures import copy_library


def test_registry_unifies_ids_and_aliases(calder_library):
    index = build_party_index(calder_library.bundles, calder_library.parties_registry)
    # `union` in one brief is the registry's `hwu` by its name; `hwu` elsewhere by its id.
    assert index.of("2025-02-20-calder-talks-collapse", "union") == "hwu"
    assert index.of("2025-01-10-calder-strike-vote", "hwu") == "hwu"
    assert index.parties["hwu"].description == "The dockworkers' union at the Port of Calder."
    assert index.briefs["hwu"] == [
        "2025-04-08-calder-deal",
        "2025-03-15-calder-mediator",
        "2025-02-20-calder-talks-collapse",
        "2025-02-03-calder-port-shut",
        "2025-01-10-calder-strike-vote",
    ]
    assert index.problems == []


def test_alias_resolves_case_insensitively(tmp_path: Path):
    project = copy_library(tmp_path / "p")
    registry = project / "content" / "parties.yaml"
    registry.write_text(
        registry.read_text().replace(
            "aliases: [HWU, the union]", "aliases: [hwu union, HARBOUR   workers union]"
        ),
        encoding="utf-8",
    )
    library = load_library(project / "content")
    index = build_party_index(library.bundles, library.parties_registry)
    assert index.of("2025-02-20-calder-talks-collapse", "union") == "hwu"


def test_lookalike_ids_warn_naming_both(tmp_path: Path):
    project = copy_library(tmp_path / "p", registry=False)
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.output.splitlines() if "looks like" in line]
    assert warning.startswith(
        "content/2025-02-20-calder-talks-collapse/brief.md:13: parties[0].id: warning: "
    )
    assert (
        "'union' looks like party 'hwu' of content/2025-01-10-calder-strike-vote/brief.md"
        in warning
    )
    assert "'Harbour Workers Union'" in warning


def test_registry_errors_are_path_line_field_lines(tmp_path: Path):
    path = tmp_path / "content" / "parties.yaml"
    path.parent.mkdir()
    path.write_text(
        "parties:\n"
        "  - id: hwu\n"
        "    name: Harbour Workers Union\n"
        "    kind: union\n"
        "  - id: Bad Id\n"
        "    name: X\n"
        "    kind: person\n"
        "  - id: reyes\n"
        "    name: Ana Reyes\n"
        "    kind: person\n"
        "    descripton: Mayor\n"
        "  - id: okafor\n"
        "    name: Tom Okafor\n"
        "    kind: person\n"
        "  - id: port\n"
        "    name: Port\n"
        "    kind: organization\n"
        "    aliases: [tom OKAFOR]\n",
        encoding="utf-8",
    )
    registry, problems = load_registry(path, path.parent)
    lines = [p.format() for p in problems]
    assert any(line.startswith("content/parties.yaml:4: parties[0].kind: ") for line in lines), (
        lines
    )
    assert any(line.startswith("content/parties.yaml:5: parties[1].id: ") for line in lines), lines
    assert any(
        line.startswith(
            "content/parties.yaml:11: parties[2].descripton: "
            "unknown field (did you mean 'description'?)"
        )
        for line in lines
    ), lines
    assert any(
        "content/parties.yaml:18: parties[4].aliases[0]: 'tom OKAFOR' already names party 'okafor'"
        in line
        for line in lines
    ), lines
    assert registry.parties == {}


def test_broken_registry_stops_the_build(tmp_path: Path):
    project = copy_library(tmp_path / "p")
    (project / "content" / "parties.yaml").write_text(
        "parties:\n  - id: hwu\n    id: again\n", encoding="utf-8"
    )
    with pytest.raises(ProblemsError) as caught:
        load_library(project / "content")
    assert any(p.line == 3 and "duplicate key" in p.message for p in caught.value.problems)


def test_one_id_for_two_kinds_warns(tmp_path: Path):
    project = copy_library(tmp_path / "p", registry=False)
    brief = project / "content" / "2025-03-15-calder-mediator" / "brief.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(
        text.replace(
            "  - id: blue-gull\n    name: Blue Gull Lines\n    kind: organization",
            "  - id: blue-gull\n    name: Blue Gull Lines\n    kind: group",
        ),
        encoding="utf-8",
    )
    library = load_library(project / "content")
    (clash,) = [p for p in library.problems if "kind" in p.field]
    assert clash.path == "content/2025-03-15-calder-mediator/brief.md"
    assert clash.message.startswith(
        "party 'blue-gull' is a group here but an organization in "
        "content/2025-02-20-calder-talks-collapse/brief.md"
    )


def test_a_process_reuses_its_party_index_only_while_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """brief serve loads the library at every edit: the party index is built again only when
    parties, dates or the registry change, or the lines a warning points to move."""
    project = copy_library(tmp_path / "p", registry=False)
    monkeypatch.chdir(project)
    content = project / "content"
    warned = content / "2025-02-20-calder-talks-collapse" / "brief.md"

    def lookalike(library: object) -> str:
        problems = library.problems  # type: ignore[attr-defined]
        (line,) = [p.format() for p in problems if "looks like" in p.message]
        return str(line)

    first = load_library(content)
    assert lookalike(first).startswith(f"{warned.relative_to(project)}:13: parties[0].id:")

    other = content / "2025-04-08-calder-deal" / "brief.md"
    other.write_text(other.read_text().replace("title: ", "title: Revised, ", 1))
    again = load_library(content)
    assert again.party_index is first.party_index  # a title: the same index

    # The same title on two lines: the warning's line follows the parties down by one.
    warned.write_text(warned.read_text().replace("title: ", "title: >-\n  ", 1))
    moved = load_library(content)
    assert lookalike(moved).startswith(f"{warned.relative_to(project)}:14: parties[0].id:")

    (content / "parties.yaml").write_text(
        "parties:\n  - id: hwu\n    name: Harbour Workers Union\n    kind: organization\n"
        "    aliases: [union]\n",
        encoding="utf-8",
    )
    registered = load_library(content)
    assert registered.party_index is not moved.party_index
    assert not [p for p in registered.problems if "looks like" in p.message]


def test_a_surname_or_a_name_a_brief_gives_two_parties_is_no_lookalike():
    """Kofi Rossi and Lena Rossi share a surname, not a name; "Bank", which one brief gives to
    two central banks, tells no party apart: no warning. One name for one party still warns."""
    from types import SimpleNamespace

    from generator.parties import find_lookalikes

    def party(pid: str, name: str, kind: str, *aliases: str) -> SimpleNamespace:
        return SimpleNamespace(id=pid, name=name, kind=kind, aliases=list(aliases))

    def bundle(path: str, *parties: SimpleNamespace) -> SimpleNamespace:
        return SimpleNamespace(
            brief=SimpleNamespace(parties=list(parties)),
            display_path=path,
            line_of=lambda *keys: 1,
        )

    kofi, lena = (
        party("kofi-rossi", "Kofi Rossi", "person", "Rossi"),
        party("lena-rossi", "Lena Rossi", "person", "Rossi"),
    )
    brazil = party("brazil-central-bank", "Brazil Central Bank", "organization", "Bank")
    france = party("france-central-bank", "France Central Bank", "organization", "Bank")
    bank = party("bank", "Bank", "organization")
    one, two, three = bundle("a", kofi, brazil, france), bundle("b", lena), bundle("c", bank)
    seen = {
        "kofi-rossi": [(one, kofi)],
        "brazil-central-bank": [(one, brazil)],
        "france-central-bank": [(one, france)],
        "lena-rossi": [(two, lena)],
        "bank": [(three, bank)],
    }
    assert list(find_lookalikes(seen)) == []  # type: ignore[arg-type]
    ross = party("ross", "Kofi Rossi", "person")
    seen["ross"] = [(bundle("d", ross), ross)]
    (warning,) = find_lookalikes(seen)  # type: ignore[arg-type]
    assert "'ross' looks like party 'kofi-rossi'" in warning.message
