"""Shared fixtures: small projects built in tmp_path from a dict of file texts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "content" / "2025-03-28-trump-carney-call"
ARTICLES = REPO.parent / "shared" / "articles"

MINIMAL_SOURCE = (
    "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce.\n\n"
    '"We have to act now," chief executive Jane Roe told reporters.\n'
)
MINIMAL_BRIEF = """\
---
title: Acme to cut 1,200 jobs
date: 2025-01-06
status: published
bottom_line: Acme will cut 1,200 jobs, about 8% of its staff.
parties:
  - id: acme
    name: Acme Corp
    kind: organization
    evidence: Acme Corp
  - id: roe
    name: Jane Roe
    kind: person
    role: Chief executive of Acme
    evidence: chief executive Jane Roe
actions:
  - actor: acme
    action: plans to cut 1,200 jobs
    status: planned
    evidence: it would cut 1,200 jobs
numbers:
  - as_written: "1,200"
    kind: count
    value: 1200
    unit: jobs
    measures: jobs Acme will cut
    party: acme
    evidence: it would cut 1,200 jobs
  - as_written: about 8%
    kind: percent
    value: 8
    unit: percent
    qualifier: approx
    measures: share of Acme's workforce to be cut
    party: acme
    evidence: about 8% of its workforce
quotes:
  - speaker: roe
    text: We have to act now
    channel: reporters
    evidence: '"We have to act now," chief executive Jane Roe told reporters.'
tags: [jobs]
---

Notes with *emphasis*.
"""

MKDOCS_YML = "site_name: Test briefs\ntheme:\n  name: material\nplugins:\n  - search\n"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A project in tmp_path: mkdocs.yml plus the files given (relative path -> text)."""

    def make(files: dict[str, str | bytes], with_config: bool = True) -> Path:
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        if with_config:
            (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        return write_files(project, files)

    return make


@pytest.fixture
def minimal_project(make_project: Callable[..., Path]) -> Path:
    return make_project(
        {
            "content/2025-01-06-acme-cuts/brief.md": MINIMAL_BRIEF,
            "content/2025-01-06-acme-cuts/source.txt": MINIMAL_SOURCE,
        }
    )


@pytest.fixture
def seed_project(make_project: Callable[..., Path]) -> Path:
    project = make_project({})
    shutil.copytree(SEED, project / "content" / SEED.name)
    return project


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path: to compare trees byte for byte."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# The Calder library of the site tests (parties, timeline, feeds, browser).
from .site_fixtures import calder_library, calder_project  # noqa: E402, F401
