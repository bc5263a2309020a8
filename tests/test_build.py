"""End to end: content to site/, escaping of hostile text, and a failed build that changes
nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build_project
from generator.cli import cli
from generator.errors import ProblemsError

from .conftest import MINIMAL_SOURCE, tree_bytes

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "\n# heading",
    "|",
]


def test_seed_builds_a_site(seed_project: Path):
    result = CliRunner().invoke(cli, ["build", "--project", str(seed_project)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^Built 1 brief, \d+ pages into site/ in \d+\.\d\d s$", result.output, re.M)
    raw = (
        seed_project / "site" / "briefs" / "2025-03-28-trump-carney-call" / "index.html"
    ).read_text()
    assert "<title>Trump and Carney agree to meet after Canada&#x27;s election" in raw
    page = _visible_text(raw)
    assert "$1.4 billion" in page and "more than 75%" in page
    assert "Truth Social" in page
    home = (seed_project / "site" / "index.html").read_text()
    assert 'href="briefs/2025-03-28-trump-carney-call/"' in home


def _hostile_brief(payload: str) -> tuple[str, str]:
    """A brief whose every free-text field holds `payload`; the source holds it too."""
    one_line = payload.replace("\n", " ").strip() or "x"
    source = MINIMAL_SOURCE + f"\nThe word was {one_line} said Jane Roe.\n"
    quoted = (
        repr(payload).replace("'", '"')
        if "'" not in payload
        else '"' + payload.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    )
    q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'  # noqa: E731
    del quoted
    brief = f"""\
---
title: {q("Title " + one_line)}
date: 2025-01-06
status: published
source:
  outlet: {q(one_line)}
  author: {q(one_line)}
bottom_line: {q("Bottom " + payload)}
key_points: [{q("Point " + payload)}]
why_it_matters: {q("Matters " + payload)}
parties:
  - id: acme
    name: {q("Acme " + one_line)}
    kind: organization
    role: {q(one_line)}
    aliases: [{q(one_line)}]
    stance: {q(payload)}
    evidence: Acme Corp
actions:
  - actor: acme
    action: {q("did " + one_line)}
    status: taken
    evidence: {q(one_line)}
outlook:
  - what: {q("Watch " + one_line)}
    trigger: {q(one_line)}
    kind: risk
    evidence: {q(one_line)}
quotes:
  - speaker: acme
    text: {q(one_line)}
    channel: {q(one_line)}
    evidence: {q(one_line)}
tags: [{q(one_line)}]
---

Notes: {payload}
"""
    return brief, source


@pytest.mark.parametrize("payload", HOSTILE, ids=["script", "js-link", "jinja", "heading", "pipe"])
def test_hostile_strings_show_as_literal_text(make_project, payload: str):
    brief, source = _hostile_brief(payload)
    project = make_project(
        {"content/hostile/brief.md": brief, "content/hostile/source.txt": source}
    )
    build_project(project)
    html_files = list((project / "site").rglob("*.html"))
    assert html_files
    for path in html_files:
        text = path.read_text()
        assert "<script>alert(1)</script>" not in text, path
        assert 'href="javascript:' not in text.lower(), path
        assert (
            "49" not in re.sub(r"<[^>]+>", "", text)
            or "7*7" in text
            or "7&#42;7" in text
            or "7*7" in text
        )
    page = (project / "site" / "briefs" / "hostile" / "index.html").read_text()
    # no heading made from front matter; the notes are Markdown, their headings start at h3
    assert page.count("<h1") == 1 and page.count("<h2") == page.count("<h2 id=")
    body = page.split("<article", 1)[1]
    one_line = payload.replace("\n", " ").strip()
    if payload == "{{ 7*7 }}":
        assert "{{ 7*7 }}" in _visible_text(body)
    elif payload == "|":
        # a table cell holding '|' keeps the parties table at four columns
        # (the party's name links to its evidence in the source view)
        row = re.search(r"<tr>\s*<td>(?:<a [^>]*>)?Acme &#124;.*?</tr>", body, re.S)
        assert row is not None and row.group(0).count("<td") == 4
    elif payload == "\n# heading":
        assert "<h1" not in body.split("</h1>", 1)[1]
        assert "# heading" in _visible_text(body.split("brief-notes")[0])
        assert "<h3>heading</h3>" in body  # from the notes: demoted below the page's sections
    else:
        assert one_line in _visible_text(body)


def _visible_text(html_text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_failed_build_leaves_previous_site_unchanged(minimal_project: Path):
    build_project(minimal_project)
    before = tree_bytes(minimal_project / "site")
    brief = minimal_project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(brief.read_text().replace("kind: person", "kind: persona"))
    with pytest.raises(ProblemsError) as info:
        build_project(minimal_project)
    assert "parties[1].kind" in info.value.format_message()
    assert info.value.format_message().endswith(
        "nothing was built; the previous site is unchanged."
    )
    assert tree_bytes(minimal_project / "site") == before


def test_build_error_exits_1_without_traceback(minimal_project: Path):
    brief = minimal_project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(brief.read_text().replace("status: published", "status: publish"))
    result = CliRunner().invoke(cli, ["build", "--project", str(minimal_project)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "content/2025-01-06-acme-cuts/brief.md:4: status: "
        "Input should be 'draft' or 'published', got 'publish'" in result.output
    )


def test_project_templates_override_defaults_file_by_file(minimal_project: Path):
    (minimal_project / "templates").mkdir()
    (minimal_project / "templates" / "home.md.j2").write_text(
        "{{ meta }}\n# Custom home\n\n{% for b in bundles %}- {{ b.brief.title }}\n{% endfor %}\n"
    )
    build_project(minimal_project)
    home = (minimal_project / "site" / "index.html").read_text()
    assert "Custom home" in home and "Acme to cut 1,200 jobs" in home
    brief_page = (
        minimal_project / "site" / "briefs" / "2025-01-06-acme-cuts" / "index.html"
    ).read_text()
    assert "Bottom line:" in brief_page  # the packaged brief template still serves


def test_drafts_are_left_out_unless_asked(minimal_project: Path):
    brief = minimal_project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(brief.read_text().replace("status: published", "status: draft"))
    result = build_project(minimal_project)
    assert result.briefs == 0
    assert not (minimal_project / "site" / "briefs" / "2025-01-06-acme-cuts").exists()
    result = build_project(minimal_project, drafts=True)
    page = (minimal_project / "site" / "briefs" / "2025-01-06-acme-cuts" / "index.html").read_text()
    assert "Draft" in page and "not published" in page


def test_the_command_line_freezes_the_library_it_loads_and_a_library_call_does_not(
    minimal_project: Path,
):
    """`brief build` ends after its build: what it loads is frozen out of the cycle collector.
    A program that calls build_project keeps its heap as it was."""
    import gc

    gc.unfreeze()
    try:
        build_project(minimal_project, incremental=False)  # loads in a process of its own
        brief = minimal_project / "content" / "2025-01-06-acme-cuts" / "brief.md"
        brief.write_text(brief.read_text().replace("title: Acme to cut", "title: Acme will cut"))
        build_project(minimal_project)  # an edit: loads here
        assert gc.get_freeze_count() == 0
        brief.write_text(brief.read_text().replace("title: Acme will cut", "title: Acme to cut"))
        result = CliRunner().invoke(cli, ["build", "--project", str(minimal_project)])
        assert result.exit_code == 0, result.output
        assert "rebuilt" in result.output  # an incremental build, which loads in this process
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_brief_check_freezes_what_it_loads_and_leaves_the_collector_on(minimal_project: Path):
    """`brief check` ends after its check: the collector is off while it loads and what it
    loaded is frozen; the collector is on again afterwards, and a library call freezes nothing."""
    import gc

    from generator.build import check_project
    from generator.site import load_settings

    gc.unfreeze()
    try:
        check_project(load_settings(minimal_project))
        assert gc.get_freeze_count() == 0
        result = CliRunner().invoke(cli, ["check", "--project", str(minimal_project)])
        assert result.exit_code == 0, result.output
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        gc.unfreeze()


MKDOCS_YML = """\
site_name: Briefs
theme:
  name: material
plugins:
  - search
brief:
  content_dir: content
  publish_source: full
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("", "foo: [\n"), "mkdocs.yml:9: invalid YAML: while parsing a flow node; expected the"),
        (
            ("publish_source: full", "publish_source: fulll"),
            "mkdocs.yml:8: brief.publish_source: expected 'full' or 'evidence', got 'fulll'",
        ),
        (
            ("content_dir: content", "content_dir: ../elsewhere"),
            "mkdocs.yml:7: brief.content_dir: '../elsewhere' is outside the project",
        ),
        (("  - search", "  - nosuchplugin"), 'mkdocs.yml:4: plugins: The "nosuchplugin" plugin'),
    ],
)
def test_a_mistake_in_mkdocs_yml_is_placed_at_its_line(minimal_project: Path, change, expected):
    old, new = change
    text = MKDOCS_YML.replace(old, new) if old else MKDOCS_YML + new
    (minimal_project / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--project", str(minimal_project)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(expected), first
    assert "\\n" not in first and "Traceback" not in result.output


def test_every_page_names_the_feed_and_the_home_page_is_titled_once(minimal_project: Path):
    build_project(minimal_project)
    home = (minimal_project / "site" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", home).group(1)  # type: ignore[union-attr]
    assert " - " not in title
    for page in ("index.html", "briefs/2025-01-06-acme-cuts/index.html"):
        text = (minimal_project / "site" / page).read_text(encoding="utf-8")
        assert re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]*feed\.xml', text)
