"""The Calder library: six short briefs of invented news on one story, written for these tests.

Five are published and one is a draft; `parties.yaml` unifies the union's two ids.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.content import Library, load_library
from generator.render import Page, render_pages

LIBRARY = Path(__file__).resolve().parent / "fixtures" / "library"
TODAY = dt.date(2025, 3, 20)  # between the briefs: some outlook items ahead, some past due
MKDOCS_YML = "site_name: Calder briefs\ntheme:\n  name: material\nplugins:\n  - search\n"


def copy_library(project: Path, registry: bool = True) -> Path:
    """A project holding the Calder library (with or without parties.yaml)."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    shutil.copytree(LIBRARY, project / "content")
    if not registry:
        (project / "content" / "parties.yaml").unlink()
    return project


@pytest.fixture
def calder_project(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "calder")


@pytest.fixture
def calder_library() -> Library:
    return load_library(LIBRARY, drafts=True)


def pages_by_path(library: Library, today: dt.date = TODAY, **options: object) -> dict[str, Page]:
    pages = render_pages(library, None, "Calder briefs", today=today, **options)  # type: ignore[arg-type]
    return {page.path: page for page in pages}
