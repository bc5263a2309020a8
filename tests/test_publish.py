"""Publishing refuses the unproven: a published brief with an error stops the build; drafts warn."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import cli

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, tree_bytes

DIGEST = hashlib.sha256(MINIMAL_SOURCE.encode()).hexdigest()
PROVEN = MINIMAL_BRIEF.replace(
    "status: published\n", f"status: published\nsource:\n  sha256: {DIGEST}\n"
)
BOTTOM = "bottom_line: Acme will cut 1,200 jobs, about 8% of its staff."
UNPROVEN_BOTTOM = "bottom_line: Acme will cut 1,500 jobs, about 8% of its staff."


def build(project: Path, *options: str) -> Result:
    return CliRunner().invoke(cli, ["build", "--project", str(project), *options])


def test_unproven_published_brief_stops_the_build_and_keeps_the_site(make_project):
    project = make_project(
        {
            "content/acme/brief.md": PROVEN,
            "content/acme/source.txt": MINIMAL_SOURCE,
            "content/other/brief.md": PROVEN.replace(
                "title: Acme to cut", "title: Again, Acme to cut"
            ),
            "content/other/source.txt": MINIMAL_SOURCE,
        }
    )
    first = build(project)
    assert first.exit_code == 0, first.output
    before = tree_bytes(project / "site")
    assert "briefs/acme/index.html" in before

    brief_path = project / "content" / "acme" / "brief.md"
    brief_path.write_text(PROVEN.replace(BOTTOM, UNPROVEN_BOTTOM), encoding="utf-8")
    source_path = project / "content" / "acme" / "source.txt"
    source_path.write_text(MINIMAL_SOURCE.replace("on Monday", "on Tuesday"), encoding="utf-8")
    failed = build(project)

    assert failed.exit_code == 1
    new_digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    lines = PROVEN.splitlines()
    assert failed.output.splitlines() == [
        f"content/acme/brief.md:{lines.index(f'  sha256: {DIGEST}') + 1}: source.sha256: "
        f"source.txt has changed since the brief was written (now {new_digest[:12]}...); "
        "review the brief against it, then record the new digest",
        f"content/acme/brief.md:{lines.index(BOTTOM) + 1}: bottom_line: number '1,500' is not "
        "in the source",
        "Aborted: 2 errors in 1 file; nothing was built; the previous site is unchanged.",
    ]
    assert tree_bytes(project / "site") == before


def test_unproven_draft_only_warns(make_project):
    draft = (
        PROVEN.replace("status: published", "status: draft")
        .replace(BOTTOM, UNPROVEN_BOTTOM)
        .replace("evidence: about 8% of its workforce", "evidence: about 8% of its staff")
    )
    project = make_project(
        {
            "content/acme/brief.md": PROVEN,
            "content/acme/source.txt": MINIMAL_SOURCE,
            "content/draft/brief.md": draft.replace(
                "title: Acme to cut", "title: Draft of Acme to cut"
            ),
            "content/draft/source.txt": MINIMAL_SOURCE,
        }
    )
    result = build(project, "--drafts")
    assert result.exit_code == 0, result.output
    lines = PROVEN.splitlines()
    bottom = lines.index(BOTTOM) + 1
    evidence = lines.index("    evidence: about 8% of its workforce") + 1
    warnings = [line for line in result.output.splitlines() if line.startswith("content/draft/")]
    assert warnings == [
        f"content/draft/brief.md:{bottom}: bottom_line: warning: number '1,500' is not in the "
        "source",
        f"content/draft/brief.md:{evidence}: numbers[1].evidence: warning: evidence is not in "
        'source.txt (did you mean: "about 8% of its workforce"?)',
    ]
    page = (project / "site" / "briefs" / "draft" / "index.html").read_text(encoding="utf-8")
    # The draft's page says what is not proved, and the unfound figure links nowhere.
    summary = "5 of 6 items verified against the source; 1 not proved (see the source)"
    assert summary in html.unescape(re.sub(r"<[^>]+>", "", page))
    assert (
        '<span class="brief-ref brief-unproved" id="item-numbers-1" '
        'title="not found in the source">' in page
    )
