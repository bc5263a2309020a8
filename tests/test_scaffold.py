"""`brief init` makes a project that builds at once; `brief new` makes a bundle, never
overwriting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_library

REPO = Path(__file__).resolve().parent.parent


def brief(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_then_build_in_an_empty_directory(tmp_path: Path):
    target = tmp_path / "newsroom"
    target.mkdir()
    made = brief("init", str(target))
    assert made.returncode == 0, made.stderr
    built = brief("build", "--project", str(target))
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # no warnings: the example is grounded and its digest recorded
    site = target / "site"
    assert (site / "index.html").is_file()
    (page,) = (site / "briefs").glob("*/index.html")
    html = page.read_text(encoding="utf-8")
    assert "Mill Street bridge" in html
    assert (site / "feed.xml").is_file() and (site / "api/briefs.json").is_file()
    assert (site / "parties/ortiz/index.html").is_file()


def test_init_refuses_a_folder_with_files(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not an empty folder; nothing was written" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_makes_a_draft_bundle_that_loads(minimal_project: Path):
    title = 'Port deal: "talks" <resume> & more'
    result = CliRunner().invoke(
        cli, ["new", title, "--date", "2025-06-01", "--project", str(minimal_project)]
    )
    assert result.exit_code == 0, result.output
    folder = minimal_project / "content" / "2025-06-01-port-deal-talks-resume-more"
    assert (folder / "source.txt").read_text(encoding="utf-8") == ""
    library = load_library(minimal_project / "content")
    bundle = next(b for b in library.bundles if b.slug == folder.name)
    assert bundle.brief.title == title
    assert bundle.brief.status == "draft"
    assert bundle.brief.date.isoformat() == "2025-06-01"
    # A draft is not published by a plain build.
    built = CliRunner().invoke(cli, ["build", "--project", str(minimal_project)])
    assert built.exit_code == 0, built.output
    assert not (minimal_project / "site" / "briefs" / folder.name).exists()


def test_new_never_overwrites(minimal_project: Path):
    args = ["new", "Second look", "--date", "2025-06-02", "--project", str(minimal_project)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    brief_path = minimal_project / "content" / "2025-06-02-second-look" / "brief.md"
    brief_path.write_text(
        brief_path.read_text(encoding="utf-8") + "\nMy edits.\n", encoding="utf-8"
    )
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1
    assert "already exists; nothing was written" in again.output
    assert brief_path.read_text(encoding="utf-8").endswith("My edits.\n")


def test_new_uses_the_projects_own_archetype(minimal_project: Path):
    (minimal_project / "templates").mkdir()
    (minimal_project / "templates" / "archetype.md.j2").write_text(
        "---\ntitle: {{ title }}\ndate: {{ date }}\nstatus: draft\n"
        "bottom_line: House style.\ntags: [house]\n---\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["new", "House", "--date", "2025-06-03", "--project", str(minimal_project)]
    )
    assert result.exit_code == 0, result.output
    library = load_library(minimal_project / "content")
    assert next(b for b in library.bundles if b.slug == "2025-06-03-house").brief.tags == ["house"]


def test_new_refuses_a_title_without_words(minimal_project: Path):
    result = CliRunner().invoke(cli, ["new", "!!!", "--project", str(minimal_project)])
    assert result.exit_code == 1
    assert "no letters or digits" in result.output


def test_new_writes_a_title_in_any_script_as_it_reads(minimal_project: Path):
    title = "Zürich café talks — São Paulo"
    result = CliRunner().invoke(
        cli, ["new", title, "--date", "2025-06-01", "--project", str(minimal_project)]
    )
    assert result.exit_code == 0, result.output
    brief = next((minimal_project / "content").glob("2025-06-01-*/brief.md"))
    assert f'title: "{title}"' in brief.read_text(encoding="utf-8")
