"""The whole build, read top to bottom: settings, load, check, render, stage, MkDocs, swap."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator import site
from generator.content import Library, load_library
from generator.errors import Problem, ProblemsError
from generator.render import Page, render_pages

# Sections only: briefs, parties and topics are reached from these pages, so the nav stays short.
NAV = [
    {"Home": "index.md"},
    {"Timeline": "timeline.md"},
    {"What to watch": "watch.md"},
    {"By the numbers": "numbers.md"},
    {"Parties": "parties/index.md"},
    {"Topics": "topics/index.md"},
    {"Archive": "archive/index.md"},
]


@dataclass
class BuildResult:
    briefs: int
    pages: int
    written: int
    seconds: float
    site_dir: Path
    warnings: list[Problem]

    def summary(self) -> str:
        return (
            f"Built {self.briefs} brief{'s' if self.briefs != 1 else ''}, {self.pages} pages "
            f"into {self.site_dir.name}/ in {self.seconds:.2f} s"
        )


def check_library(library: Library) -> list[Problem]:
    """Prove every brief against its source; drafts' errors become warnings."""
    from generator.check import check_bundle

    problems: list[Problem] = []
    for bundle in library.bundles:
        for problem in check_bundle(bundle):
            if bundle.brief.status == "draft" and problem.severity == "error":
                problem = Problem(problem.path, problem.line, problem.field, problem.message, "warning")
            problems.append(problem)
    return problems


def render_site(library: Library, settings: site.Settings) -> list[Page]:
    return render_pages(
        library,
        settings.project_dir,
        settings.site_name,
        site_url=settings.site_url,
        directory_urls=bool(settings.mkdocs.get("use_directory_urls", True)),
    )


def build_project(project_dir: Path, *, drafts: bool = False, site_dir: Path | None = None) -> BuildResult:
    """Build the site of the project in `project_dir`; the previous site stays until this succeeds."""
    started = time.perf_counter()
    settings = site.load_settings(project_dir, site_dir)
    with site.build_lock(settings):
        site.recover(settings.site_dir)
        library = load_library(settings.content_dir, drafts=drafts)
        problems = list(library.problems) + check_library(library)
        if any(p.severity == "error" for p in problems):
            raise ProblemsError(problems, "nothing was built; the previous site is unchanged")
        pages = render_site(library, settings)
        written, _ = site.stage_pages(((p.path, p.text) for p in pages), settings.staging_dir)
        out_dir, mkdocs_warnings = site.run_mkdocs(settings, settings.staging_dir, NAV)
        site.swap_into_place(out_dir, settings.site_dir)
    warnings = [p for p in problems if p.severity == "warning"]
    warnings += [Problem("mkdocs", 0, "", message, "warning") for message in mkdocs_warnings]
    return BuildResult(
        briefs=len(library.bundles),
        pages=len(pages),
        written=written,
        seconds=time.perf_counter() - started,
        site_dir=settings.site_dir,
        warnings=warnings,
    )
