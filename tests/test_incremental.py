"""The incremental path is correct: after an edit, an addition and a deletion, the site equals a clean build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.build import build_project

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, tree_bytes


def _bundle(n: int) -> dict[str, str]:
    brief = MINIMAL_BRIEF.replace(
        "title: Acme to cut 1,200 jobs", f"title: Acme story {'ABCDEFGHIJ'[n]} cuts 1,200 jobs"
    )
    brief = brief.replace("date: 2025-01-06", f"date: 2025-01-{n + 1:02d}")
    return {f"content/story-{n}/brief.md": brief, f"content/story-{n}/source.txt": MINIMAL_SOURCE}


@pytest.fixture
def library(make_project) -> Path:
    files: dict[str, str] = {}
    for n in range(4):
        files.update(_bundle(n))
    return make_project(files)


def _clean_build_of(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """A clean build of the same content in another folder."""
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".brief", ".site*"))
    build_project(clean, incremental=False)
    return tree_bytes(clean / "site")


def _assert_same_site(project: Path, tmp_path: Path) -> None:
    got = tree_bytes(project / "site")
    want = _clean_build_of(project, tmp_path)
    assert sorted(got) == sorted(want)
    different = [path for path in want if got[path] != want[path]]
    assert different == []
    index = json.loads(got["search/search_index.json"])
    assert index["docs"], "the search index is whole"
    shutil.rmtree(tmp_path / "clean")


def test_nothing_changed_returns_at_once(library: Path):
    first = build_project(library)
    assert first.mode == "full"
    before = tree_bytes(library / "site")
    again = build_project(library)
    assert again.mode == "unchanged"
    assert tree_bytes(library / "site") == before


def test_edit_rebuilds_only_what_changed_and_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    brief = library / "content" / "story-2" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme story C", "Acme story Cee, edited"))
    result = build_project(library)
    assert result.mode == "incremental"
    assert 0 < result.written < result.pages
    page = (library / "site" / "briefs" / "story-2" / "index.html").read_text()
    assert "Acme story Cee, edited" in page
    index = (library / "site" / "search" / "search_index.json").read_text()
    assert "Acme story Cee, edited" in index and "Acme story D" in index
    _assert_same_site(library, tmp_path)


def test_added_brief_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    for rel, text in _bundle(7).items():
        path = library / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = build_project(library)
    assert result.mode == "incremental"
    assert (library / "site" / "briefs" / "story-7" / "index.html").is_file()
    _assert_same_site(library, tmp_path)


def test_deleted_brief_equals_a_clean_build(library: Path, tmp_path: Path):
    build_project(library)
    shutil.rmtree(library / "content" / "story-1")
    result = build_project(library)
    assert result.mode == "incremental"
    assert not (library / "site" / "briefs" / "story-1").exists()
    assert "story-1" not in (library / "site" / "search" / "search_index.json").read_text()
    _assert_same_site(library, tmp_path)


def test_template_change_rebuilds_everything(library: Path, tmp_path: Path):
    build_project(library)
    (library / "templates").mkdir()
    (library / "templates" / "home.md.j2").write_text(
        "{{ meta }}\n# All briefs\n\n{% for b in bundles %}- {{ b.brief.title }}\n{% endfor %}"
    )
    result = build_project(library)
    assert result.mode == "full"
    assert "All briefs" in (library / "site" / "index.html").read_text()
    _assert_same_site(library, tmp_path)
