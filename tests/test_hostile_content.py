"""Hostile content files: each gives one exact `path:line: field: message` line, never a traceback.

Every case runs `brief check` and `brief build` in a project whose content/ is compared byte for
byte before and after: no command changes a content file.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import ProblemsError
from generator.frontmatter import YamlProblem, parse_yaml

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, tree_bytes

BRIEF = "content/acme/brief.md"
SOURCE = "content/acme/source.txt"


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` that holds `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def swap(old: str, new: str) -> str:
    assert old in MINIMAL_BRIEF, old
    return MINIMAL_BRIEF.replace(old, new, 1)


@dataclass
class Case:
    """A brief.md (and source.txt) and the one line `brief check` must print about it."""

    brief: str | bytes = MINIMAL_BRIEF
    source: str | bytes = MINIMAL_SOURCE
    expected: str = ""
    folder: str = "acme"


def brief_case(brief: str, needle: str, rest: str) -> Case:
    """A broken brief whose error is on the first line holding `needle`."""
    return Case(brief=brief, expected=f"{BRIEF}:{line_of(brief, needle)}: {rest}")


TITLE = "title: Acme to cut 1,200 jobs"
BOTTOM = "bottom_line: Acme will cut 1,200 jobs, about 8% of its staff."

ALIAS = swap(TITLE, "title: &t Acme to cut 1,200 jobs\nwhy_it_matters: *t")
DUP_TOP = swap("tags: [jobs]", "tags: [jobs]\ntitle: Second title")
DUP_NESTED = swap("    name: Acme Corp\n", "    name: Acme Corp\n    name: Acme Inc\n")
LONG_TITLE = swap(TITLE, "title: " + "x" * 301)
DEEP = swap("tags: [jobs]", "tags: " + "[" * 25 + "]" * 25)
MANY_ITEMS = swap("tags: [jobs]", "tags: [" + ", ".join(f"t{n}" for n in range(51)) + "]")

CASES: dict[str, Case] = {
    # YAML: anchors, aliases, tags, duplicate keys, syntax
    "anchor-and-alias": brief_case(
        ALIAS, "&t", "YAML anchor 't' is not allowed in content; write the value out"
    ),
    "undefined-alias": brief_case(
        swap(TITLE, "title: *nothing"), "*nothing", "invalid YAML: found undefined alias"
    ),
    "duplicate-key": brief_case(
        DUP_TOP,
        "Second title",
        f"title: duplicate key (first set on line {line_of(DUP_TOP, TITLE)})",
    ),
    "duplicate-nested-key": brief_case(
        DUP_NESTED,
        "Acme Inc",
        f"parties[0].name: duplicate key (first set on line {line_of(DUP_NESTED, 'Acme Corp')})",
    ),
    "python-tag": brief_case(
        swap(TITLE, "title: !!python/object/apply:os.system [id]"),
        "!!python",
        "title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed in content",
    ),
    "local-tag": brief_case(
        swap(TITLE, "title: !x Acme"), "!x", "title: YAML tag '!x' is not allowed in content"
    ),
    "merge-key": brief_case(
        swap("tags: [jobs]", "source:\n  <<: {outlet: AP}"),
        "<<",
        "source: YAML merge keys are not allowed",
    ),
    "mapping-as-key": brief_case(
        swap("tags: [jobs]", "? [a, b]\n: x"), "? [a, b]", "keys must be plain words"
    ),
    "tab-indent": brief_case(
        swap("    name: Acme Corp", "\tname: Acme Corp"),
        "\tname",
        "invalid YAML: found a tab character that violates indentation",
    ),
    "bad-unicode-escape": brief_case(
        swap(TITLE, 'title: "Acme \\ud800"'),
        "ud800",
        "invalid YAML: found invalid Unicode character escape code",
    ),
    "front-matter-list": Case(
        brief="---\n- a\n- b\n---\n",
        expected=f"{BRIEF}:2: front matter must be a mapping of fields, got list",
    ),
    "no-front-matter": Case(
        brief="# Just Markdown\n",
        expected=(
            f"{BRIEF}:1: expected YAML front matter between '---' lines at the top of the file"
        ),
    ),
    "notes-as-field": brief_case(
        swap("tags: [jobs]", "notes: sneaky"),
        "notes: sneaky",
        "notes: the analyst's notes are the Markdown body below the front matter, not a field",
    ),
    "script-as-field-name": brief_case(
        swap("tags: [jobs]", "<script>alert(1)</script>: x"),
        "<script>",
        "<script>alert(1)</script>: unknown field",
    ),
    # Strict types: nothing silently becomes a date, a number or text
    "integer-title": brief_case(
        swap(TITLE, "title: 1200"),
        "title: 1200",
        "title: expected text, got the number 1200; quote it",
    ),
    "decimal-bottom-line": brief_case(
        swap(BOTTOM, "bottom_line: 1.10"),
        "bottom_line",
        "bottom_line: expected text, got the number 1.10; quote it",
    ),
    "boolean-channel": brief_case(
        swap("channel: reporters", "channel: true"),
        "channel: true",
        "quotes[0].channel: expected text, got the boolean true; quote it",
    ),
    "integer-date": brief_case(
        swap("date: 2025-01-06", "date: 20250106"),
        "date: 2025",
        "date: expected a date as YYYY-MM-DD, got 20250106",
    ),
    "year-as-date": brief_case(
        swap("date: 2025-01-06", "date: 1742"),
        "date: 1742",
        "date: expected a date as YYYY-MM-DD, got 1742",
    ),
    "integer-partial-date": brief_case(
        swap("    status: planned", "    status: planned\n    date: 2025"),
        "    date: 2025",
        "actions[0].date: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got 2025",
    ),
    "impossible-date": brief_case(
        swap("    status: planned", "    status: planned\n    date: 2025-02-30"),
        "2025-02-30",
        "actions[0].date: '2025-02-30' is not a calendar date (day is out of range for month)",
    ),
    "nan-value": brief_case(
        swap("value: 1200", "value: .nan"),
        ".nan",
        "numbers[0].value: '.nan' is not a finite number",
    ),
    "inf-value": brief_case(
        swap("value: 1200", "value: -.inf"),
        "-.inf",
        "numbers[0].value: '-.inf' is not a finite number",
    ),
    "huge-exponent": brief_case(
        swap("value: 1200", "value: 1e999999999"),
        "1e999",
        "numbers[0].value: '1e999999999' is out of range",
    ),
    "quoted-huge-exponent": brief_case(
        swap("value: 1200", 'value: "1e-999999999"'),
        "1e-999",
        "numbers[0].value: must be between 10^-30 and 10^30 in size, or 0, got '1e-999999999'",
    ),
    "five-thousand-digits": brief_case(
        swap("value: 1200", "value: " + "9" * 5000),
        "9999",
        "numbers[0].value: a number of 5000 characters; the limit is 40 (quote it if it is text)",
    ),
    # Limits
    "title-301-characters": brief_case(
        LONG_TITLE, "xxxx", "title: at most 300 characters, got 301"
    ),
    "nested-25-deep": brief_case(
        DEEP, "[[[[", "tags" + "[0]" * 20 + ": nested deeper than 20 levels"
    ),
    "51-tags": brief_case(MANY_ITEMS, "t50", "tags: at most 50 items, got 51"),
    "brief-over-1mb": Case(
        brief=MINIMAL_BRIEF + "x" * 1_000_000,
        expected=(
            f"{BRIEF}:1: brief.md is {len(MINIMAL_BRIEF) + 1_000_000:,} bytes; "
            "the limit is 1,000,000"
        ),
    ),
    "source-over-5mb": Case(
        source=MINIMAL_SOURCE + "y" * 5_000_000,
        expected=(
            f"{SOURCE}:1: source.txt is {len(MINIMAL_SOURCE) + 5_000_000:,} bytes; "
            "the limit is 5,000,000"
        ),
    ),
    # Encoding, NUL and control characters
    "latin-1-brief": Case(
        brief=swap(TITLE, "title: Acmé").encode("latin-1"),
        expected=f"{BRIEF}:2: brief.md is not UTF-8 (byte 0xe9); save it as UTF-8",
    ),
    "utf-16-brief": Case(
        brief=MINIMAL_BRIEF.encode("utf-16"),
        expected=f"{BRIEF}:1: brief.md holds a NUL byte: it is not a text file",
    ),
    "latin-1-source": Case(
        source=(MINIMAL_SOURCE + "Café\n").encode("latin-1"),
        expected=f"{SOURCE}:4: source.txt is not UTF-8 (byte 0xe9); save it as UTF-8",
    ),
    "nul-in-brief": Case(
        brief=swap(BOTTOM, BOTTOM + "\0"),
        expected=f"{BRIEF}:5: brief.md holds a NUL byte: it is not a text file",
    ),
    "nul-in-source": Case(
        source=MINIMAL_SOURCE + "\0",
        expected=f"{SOURCE}:4: source.txt holds a NUL byte: it is not a text file",
    ),
    "escaped-nul-in-title": brief_case(
        swap(TITLE, 'title: "Acme\\0"'),
        "title:",
        "title: control character U+0000 is not allowed, got 'Acme\\x00'",
    ),
    "bell-in-title": brief_case(
        swap(TITLE, "title: Acme\x07 cuts"),
        "title:",
        "title: control character U+0007 is not allowed",
    ),
    "escape-in-key-point": brief_case(
        swap("tags: [jobs]", "key_points:\n  - Jobs \x1b[2J cleared"),
        "Jobs",
        "key_points[0]: control character U+001B is not allowed",
    ),
    "next-line-in-role": brief_case(
        swap("    role: Chief executive of Acme", "    role: Chief\x85executive"),
        "role:",
        "parties[1].role: control character U+0085 is not allowed",
    ),
    "bell-in-notes": brief_case(
        swap("Notes with", "Notes\x07 with"),
        "Notes",
        "notes: control character U+0007 is not allowed",
    ),
    "newline-in-title": brief_case(
        swap(TITLE, 'title: "Acme\\n# heading"'),
        "title:",
        "title: must be a single line, got 'Acme\\n# heading'",
    ),
    # Unsafe addresses and evidence
    "javascript-url": brief_case(
        swap("tags: [jobs]", "source:\n  url: javascript:alert(1)"),
        "url:",
        "source.url: only http:// and https:// addresses without spaces are allowed, "
        "got 'javascript:alert(1)'",
    ),
    "data-url": brief_case(
        swap("tags: [jobs]", "source:\n  url: data:text/html,<script>alert(1)</script>"),
        "url:",
        "source.url: only http:// and https:// addresses without spaces are allowed, "
        "got 'data:text/html,<script>alert(1)</script>'",
    ),
    "vbscript-url": brief_case(
        swap("tags: [jobs]", "source:\n  url: vbscript:msgbox(1)"),
        "url:",
        "source.url: only http:// and https:// addresses without spaces are allowed, "
        "got 'vbscript:msgbox(1)'",
    ),
    "quote-in-url": brief_case(
        swap("tags: [jobs]", "source:\n  url: 'https://x.org/\" onmouseover=\"alert(1)'"),
        "url:",
        "source.url: only http:// and https:// addresses without spaces are allowed, "
        "got 'https://x.org/\" onmouseover=\"alert(1)'",
    ),
    "script-as-party-id": brief_case(
        swap("  - id: acme", "  - id: <script>"),
        "<script>",
        "parties[0].id: String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$', got '<script>'",
    ),
    "script-evidence-not-in-source": brief_case(
        swap("    evidence: Acme Corp", "    evidence: <script>alert(1)</script>"),
        "<script>",
        "parties[0].evidence: evidence is not in source.txt",
    ),
    # Slugs
    "slug-climbs-out": brief_case(
        swap("status: published", "status: published\nslug: ../../etc"),
        "slug:",
        "slug: slug must be lower-case letters, digits and single hyphens, "
        "e.g. 'etc', got '../../etc'",
    ),
    "slug-reserved": brief_case(
        swap("status: published", "status: published\nslug: search"),
        "slug:",
        "slug: 'search' is a reserved name",
    ),
    "slug-81-bytes": brief_case(
        swap("status: published", "status: published\nslug: " + "a" * 81),
        "slug:",
        "slug: at most 80 characters, got 81",
    ),
    "slug-empty": brief_case(
        swap("status: published", "status: published\nslug: ''"), "slug:", "slug: must not be empty"
    ),
    "folder-without-ascii": Case(
        folder="日本",
        expected=(
            "content/日本/brief.md:1: slug: folder name '日本' gives an empty slug; set `slug:`"
        ),
    ),
    "folder-reserved": Case(
        folder="Search",
        expected=(
            "content/Search/brief.md:1: slug: folder name 'Search' "
            "gives the reserved slug 'search'; set `slug:`"
        ),
    ),
    "folder-device-name": Case(
        folder="CON",
        expected=(
            "content/CON/brief.md:1: slug: folder name 'CON' "
            "gives the reserved slug 'con'; set `slug:`"
        ),
    ),
    "folder-with-newline": Case(
        folder="a\nb",
        brief=swap("status: published", "status: published\nslug: ../x"),
        expected=(
            "content/a\\nb/brief.md:5: slug: "
            "slug must be lower-case letters, digits and single hyphens, e.g. 'x', got '../x'"
        ),
    ),
}


def write_case(project: Path, case: Case) -> None:
    folder = project / "content" / case.folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (("brief.md", case.brief), ("source.txt", case.source)):
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--project", str(project)])


def assert_refused(project: Path, expected: str, *commands: str) -> None:
    """Each command exits 1 printing `expected`, without a traceback, and leaves content/ as it
    was."""
    before = tree_bytes(project / "content")
    for command in commands:
        result = run(project, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert result.exit_code == 1, result.output
        assert expected in result.output.splitlines(), result.output
        assert "Traceback" not in result.output
        assert tree_bytes(project / "content") == before
    assert not (project / "site").exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_brief_gives_one_clear_line(name, make_project, monkeypatch):
    case = CASES[name]
    project = make_project({})
    write_case(project, case)
    monkeypatch.chdir(project)
    assert_refused(project, case.expected, "check", "build")


def test_duplicate_slug_names_both_files(make_project, monkeypatch):
    project = make_project({})
    write_case(project, Case(folder="acme"))
    write_case(
        project,
        Case(folder="other", brief=swap("status: published", "status: published\nslug: acme")),
    )
    monkeypatch.chdir(project)
    assert_refused(
        project,
        "content/other/brief.md:5: slug: slug 'acme' is also used by content/acme/brief.md",
        "check",
        "build",
    )


BOMB_464 = """\
---
title: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
j: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i]
---
"""


def test_alias_bomb_fails_small(make_project, monkeypatch):
    assert 440 <= len(BOMB_464) <= 480  # the size of the bomb that took 23 GB elsewhere
    project = make_project({})
    write_case(project, Case(brief=BOMB_464))
    monkeypatch.chdir(project)
    tracemalloc.start()
    try:
        assert_refused(
            project,
            f"{BRIEF}:2: YAML anchor 'a' is not allowed in content; write the value out",
            "check",
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # 9**9 expanded nodes would need gigabytes


def test_alias_refused_even_without_anchor_scan():
    # The composer-level guard: a node met twice is an alias, whatever reached it.
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: &x [1]\nb: *x\n")
    assert info.value.line == 1
    assert "anchor 'x'" in info.value.message


def link_outside(project: Path, tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return secret


@dataclass
class LinkCase:
    arrange: Callable[[Path, Path], None]
    expected: str


def _bundle_dir_link(project: Path, secret: Path) -> None:
    holder = secret.parent / "holder"
    write_case(holder, Case())  # a valid bundle, but outside content/
    (project / "content").mkdir(exist_ok=True)
    (project / "content" / "stolen").symlink_to(holder / "content" / "acme")


def _brief_link(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "acme" / "brief.md").unlink()
    (project / "content" / "acme" / "brief.md").symlink_to(secret)


def _source_link(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "acme" / "source.txt").unlink()
    (project / "content" / "acme" / "source.txt").symlink_to(secret)


def _parties_link(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "parties.yaml").symlink_to(secret)


def _source_fifo(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "acme" / "source.txt").unlink()
    os.mkfifo(project / "content" / "acme" / "source.txt")


def _link_loop(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "loop").symlink_to("loop")


def _dangling_brief(project: Path, secret: Path) -> None:
    write_case(project, Case())
    (project / "content" / "acme" / "brief.md").unlink()
    (project / "content" / "acme" / "brief.md").symlink_to(secret.parent / "gone")


LINK_CASES = {
    "link-loop": LinkCase(_link_loop, "content/loop: symbolic link loop; it was not read"),
    "dangling-brief-link": LinkCase(
        _dangling_brief,
        f"{BRIEF}:1: brief.md is a symbolic link that leads outside content/; it was not read",
    ),
    "bundle-folder-links-out": LinkCase(
        _bundle_dir_link,
        "content/stolen: folder is a symbolic link that leads outside content/; it was not read",
    ),
    "brief-links-to-passwd": LinkCase(
        _brief_link,
        f"{BRIEF}:1: brief.md is a symbolic link that leads outside content/; it was not read",
    ),
    "source-links-to-passwd": LinkCase(
        _source_link,
        f"{SOURCE}:1: source.txt is a symbolic link that leads outside content/; it was not read",
    ),
    "parties-links-to-passwd": LinkCase(
        _parties_link,
        "content/parties.yaml:1: parties.yaml is a symbolic link that leads outside content/; "
        "it was not read",
    ),
    "source-is-a-fifo": LinkCase(
        _source_fifo, f"{SOURCE}:1: source.txt is not a regular file; it was not read"
    ),
}


@pytest.mark.parametrize("name", sorted(LINK_CASES))
def test_links_out_of_content_are_refused_unread(name, make_project, tmp_path, monkeypatch):
    project = make_project({})
    secret = link_outside(project, tmp_path)
    LINK_CASES[name].arrange(project, secret)
    monkeypatch.chdir(project)
    result = run(project, "check")
    assert result.exit_code == 1, result.output
    assert LINK_CASES[name].expected in result.output.splitlines(), result.output
    assert "root:x:0" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_link_inside_content_is_followed(make_project, monkeypatch):
    project = make_project({})
    write_case(project, Case())
    (project / "content" / "shared.txt").write_text(MINIMAL_SOURCE, encoding="utf-8")
    (project / "content" / "acme" / "source.txt").unlink()
    (project / "content" / "acme" / "source.txt").symlink_to(project / "content" / "shared.txt")
    monkeypatch.chdir(project)
    result = run(project, "check")
    assert result.exit_code == 0, result.output


SITE_DIRS = {
    ".": "holds the project; choose a folder of its own such as 'site'",
    "..": "holds the project; choose a folder of its own such as 'site'",
    "content": "'content' would overwrite content/",
    "content/acme": "'acme' would overwrite content/",
    ".git": "'.git' would overwrite .git/",
}


@pytest.mark.parametrize("value", sorted(SITE_DIRS))
@pytest.mark.parametrize("where", ["option", "mkdocs.yml"])
def test_site_dir_that_would_destroy_the_project_is_refused(
    value, where, minimal_project, monkeypatch
):
    project = minimal_project
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    monkeypatch.chdir(project)
    before = tree_bytes(project)
    if where == "option":
        result = CliRunner().invoke(cli, ["build", "--project", str(project), "--site-dir", value])
        prefix = "--site-dir: site_dir: "
    else:
        config = project / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8") + f"site_dir: '{value}'\n", encoding="utf-8"
        )
        before = tree_bytes(project)
        result = CliRunner().invoke(cli, ["build", "--project", str(project)])
        prefix = f"mkdocs.yml:{line_of(config.read_text(encoding='utf-8'), 'site_dir')}: site_dir: "
    assert result.exit_code == 1, result.output
    (line,) = [out for out in result.output.splitlines() if out.startswith(prefix)]
    assert line.endswith(SITE_DIRS[value]), line
    assert tree_bytes(project) == before


def test_site_dir_holding_git_is_refused(minimal_project, monkeypatch):
    project = minimal_project
    (project / "public" / ".git").mkdir(parents=True)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "--project", str(project), "--site-dir", "public"])
    assert result.exit_code == 1
    assert (
        f"--site-dir: site_dir: {project.resolve() / 'public'} holds a .git folder; "
        "it would be deleted" in result.output
    )
    assert (project / "public" / ".git").is_dir()


def test_problems_of_many_files_are_all_reported(make_project, monkeypatch):
    project = make_project({})
    for name in ("integer-title", "nul-in-source", "slug-reserved"):
        case = CASES[name]
        write_case(project, Case(brief=case.brief, source=case.source, folder=name))
    monkeypatch.chdir(project)
    with pytest.raises(ProblemsError) as info:
        from generator.content import load_library

        load_library(Path("content"))
    assert {p.path.split("/")[1] for p in info.value.problems} == {
        "integer-title",
        "nul-in-source",
        "slug-reserved",
    }


def test_cached_brief_that_becomes_a_link_out_is_refused(minimal_project, tmp_path, monkeypatch):
    """The build's load cache keys on content, so the link check must not hide behind it."""
    project = minimal_project
    monkeypatch.chdir(project)
    assert run(project, "build").exit_code == 0
    bundle = project / "content" / "2025-01-06-acme-cuts"
    outside = tmp_path / "elsewhere.md"
    outside.write_bytes((bundle / "brief.md").read_bytes())  # the very bytes the cache knows
    (bundle / "brief.md").unlink()
    (bundle / "brief.md").symlink_to(outside)
    before = tree_bytes(project / "site")
    result = run(project, "build")
    assert result.exit_code == 1
    assert (
        "content/2025-01-06-acme-cuts/brief.md:1: brief.md is a symbolic link that leads outside "
        "content/; it was not read"
    ) in result.output.splitlines()
    assert tree_bytes(project / "site") == before


PARTIES = "parties:\n  - id: acme\n    name: Acme Corp\n    kind: organization\n"
PARTIES_CASES = {
    "alias": (
        "parties:\n  - &p {id: acme, name: Acme Corp, kind: organization}\n  - *p\n",
        "content/parties.yaml:2: YAML anchor 'p' is not allowed in content; write the value out",
    ),
    "duplicate-key": (
        PARTIES + "    name: Acme Inc\n",
        "content/parties.yaml:5: parties[0].name: duplicate key (first set on line 3)",
    ),
    "nul": (
        PARTIES + "\0",
        "content/parties.yaml:5: parties.yaml holds a NUL byte: it is not a text file",
    ),
    "latin-1": (
        PARTIES.replace("Acme Corp", "Acmé").encode("latin-1"),
        "content/parties.yaml:3: parties.yaml is not UTF-8 (byte 0xe9); save it as UTF-8",
    ),
    "integer-name": (
        PARTIES.replace("Acme Corp", "1200"),
        "content/parties.yaml:3: parties[0].name: expected text, got the number 1200; quote it",
    ),
    "script-id": (
        PARTIES.replace("id: acme", "id: <script>"),
        "content/parties.yaml:2: parties[0].id: String should match pattern "
        "'^[a-z0-9]+(?:-[a-z0-9]+)*$', got '<script>'",
    ),
    "over-2-mb": (
        PARTIES + "#" * 2_000_000,
        f"content/parties.yaml:1: parties.yaml is {len(PARTIES) + 2_000_000:,} bytes; "
        "the limit is 2,000,000",
    ),
}


@pytest.mark.parametrize("name", sorted(PARTIES_CASES))
def test_hostile_parties_file_gives_one_clear_line(name, make_project, monkeypatch):
    pytest.importorskip("generator.parties")
    data, expected = PARTIES_CASES[name]
    project = make_project({})
    write_case(project, Case())
    path = project / "content" / "parties.yaml"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    monkeypatch.chdir(project)
    assert_refused(project, expected, "check", "build")
