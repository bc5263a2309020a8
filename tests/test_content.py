"""Loading content: every error of every file, each as path:line: field: message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_library
from generator.errors import ProblemsError

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, SEED


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--project", str(project)], catch_exceptions=False)


def test_seed_brief_checks_clean():
    result = CliRunner().invoke(cli, ["check", "--project", str(SEED.parent.parent)])
    assert result.exit_code == 0, result.output
    assert "Checked 1 brief: no errors." in result.output


def test_seed_brief_loads_with_offsets():
    library = load_library(SEED.parent)
    (bundle,) = library.bundles
    brief = bundle.brief
    assert brief.slug == "2025-03-28-trump-carney-call"
    for figure in brief.numbers:
        span = figure.evidence
        assert bundle.source.text[span.start : span.end] == span.text
    as_written = [f.as_written for f in brief.numbers]
    assert as_written == [
        "25%",
        "second-largest",
        "more than 75%",
        "March 14",
        "March 27",
        "51st",
        "$1.4 billion",
        "April 2",
    ]


def test_three_planted_mistakes_give_three_lines(make_project):
    broken = (
        MINIMAL_BRIEF.replace("value: 1200", "value: twelve hundred")
        .replace("  - actor: acme", "  - actor: acmee")
        .replace("evidence: about 8% of its workforce", "evidence: about 9% of its staff")
    )
    project = make_project(
        {"content/acme/brief.md": broken, "content/acme/source.txt": MINIMAL_SOURCE}
    )
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "Aborted: 3 errors in 1 file; fix them and check again."
    body = lines[:-1]
    assert len(body) == 3, result.output
    brief_lines = MINIMAL_BRIEF.splitlines()
    actor_line = brief_lines.index("  - actor: acme") + 1
    value_line = brief_lines.index("    value: 1200") + 1
    evidence_line = brief_lines.index("    evidence: about 8% of its workforce") + 1
    assert body[0].startswith(
        f"content/acme/brief.md:{actor_line}: actions[0].actor: "
        "'acmee' is not a party of this brief (did you mean 'acme'?)"
    ) or any(
        line.startswith(
            f"content/acme/brief.md:{actor_line}: actions[0].actor: 'acmee' is not a party"
        )
        for line in body
    )
    assert any(
        line.startswith(f"content/acme/brief.md:{value_line}: numbers[0].value: ")
        and "twelve hundred" in line
        for line in body
    )
    assert any(
        line.startswith(
            f"content/acme/brief.md:{evidence_line}: numbers[1].evidence: "
            "evidence is not in source.txt"
        )
        for line in body
    )


def test_errors_of_every_file_are_collected(make_project):
    project = make_project(
        {
            "content/a/brief.md": MINIMAL_BRIEF.replace("kind: person", "kind: persn"),
            "content/a/source.txt": MINIMAL_SOURCE,
            "content/b/brief.md": MINIMAL_BRIEF.replace("date: 2025-01-06", "date: 20250106"),
            "content/b/source.txt": MINIMAL_SOURCE,
        }
    )
    with pytest.raises(ProblemsError) as info:
        load_library(project / "content")
    paths = sorted({p.path for p in info.value.problems})
    assert paths == ["content/a/brief.md", "content/b/brief.md"] or all(
        p.endswith(("a/brief.md", "b/brief.md")) for p in paths
    )
    messages = [p.format() for p in info.value.problems]
    assert any("parties[1].kind" in m and "persn" in m for m in messages)
    assert any(m.split(": ", 2)[1] == "date" and "20250106" in m for m in messages)


def test_unknown_field_suggests_the_known_one(make_project):
    project = make_project(
        {
            "content/a/brief.md": MINIMAL_BRIEF.replace("bottom_line:", "botom_line:"),
            "content/a/source.txt": MINIMAL_SOURCE,
        }
    )
    result = run(project, "check")
    assert result.exit_code == 1
    assert "botom_line: unknown field (did you mean 'bottom_line'?)" in result.output
    assert "bottom_line: required field is missing" in result.output


def test_yaml_no_stays_text_and_duplicate_keys_fail(make_project):
    text = MINIMAL_BRIEF.replace("tags: [jobs]", "tags: [NO]\ntags: [yes]")
    project = make_project({"content/a/brief.md": text, "content/a/source.txt": MINIMAL_SOURCE})
    result = run(project, "check")
    assert result.exit_code == 1
    line = text.splitlines().index("tags: [yes]") + 1
    assert (
        f"content/a/brief.md:{line}: tags: duplicate key (first set on line {line - 1})"
        in result.output
    )


def test_missing_source_is_reported(make_project):
    project = make_project({"content/a/brief.md": MINIMAL_BRIEF})
    result = run(project, "check")
    assert result.exit_code == 1
    assert "content/a/source.txt: source.txt is missing" in result.output


def test_schema_command_prints_json_schema():
    import json

    result = CliRunner().invoke(cli, ["schema"])
    schema = json.loads(result.output)
    assert schema["properties"]["bottom_line"]["description"].startswith("Bottom line up front")
    assert "notes" not in schema["properties"]
    assert schema["additionalProperties"] is False


def test_text_limits_count_characters_after_stripping(make_project):
    padded = f'title: "  {"A" * 300}  "'
    too_long = f'title: "  {"A" * 301}  "'
    files = {
        "content/a/brief.md": MINIMAL_BRIEF.replace("title: Acme to cut 1,200 jobs", padded),
        "content/a/source.txt": MINIMAL_SOURCE,
        "content/b/brief.md": MINIMAL_BRIEF.replace(
            "title: Acme to cut 1,200 jobs", too_long
        ).replace(
            "bottom_line: Acme will cut 1,200 jobs, about 8% of its staff.", 'bottom_line: "   "'
        ),
        "content/b/source.txt": MINIMAL_SOURCE,
    }
    result = run(make_project(files), "check")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if "brief.md:" in line]
    assert [line.split(": ", 1)[1] for line in problems] == [
        "title: at most 300 characters, got 301",
        "bottom_line: must not be empty",
    ]
    assert all("content/b/" in line for line in problems)


def test_schema_checks_party_ids():
    import json

    import jsonschema

    schema = json.loads(CliRunner().invoke(cli, ["schema"]).output)
    party = {"id": "Acme Corp", "name": "Acme Corp", "kind": "organization"}
    document = {"title": "t", "date": "2025-01-06", "bottom_line": "b", "parties": [party]}
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        jsonschema.validate(document, schema)
    jsonschema.validate({**document, "parties": [{**party, "id": "acme"}]}, schema)
