"""The `brief` command: parse options, call one function, report."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import BriefError, Problem, ProblemsError

PROJECT_OPTION = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (holds mkdocs.yml and content/).",
)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brief")
def cli() -> None:
    """Turn news articles into structured, source-grounded briefs and publish them."""


@cli.command()
@PROJECT_OPTION
@click.option("--drafts", is_flag=True, help="Include briefs with status: draft, marked as drafts.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: site_dir of mkdocs.yml, or site/).")
def build(project_dir: Path, drafts: bool, site_dir: Path | None) -> None:
    """Check every brief, render the pages and build the site with MkDocs."""
    from generator.build import build_project

    result = build_project(project_dir, drafts=drafts, site_dir=site_dir)
    _report(result.warnings)
    click.echo(result.summary())


@cli.command()
@PROJECT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(project_dir: Path, strict: bool, output: str) -> None:
    """Validate every brief and prove it against its source, without building."""
    from generator.build import check_library
    from generator.content import load_library
    from generator.site import load_settings

    settings = load_settings(project_dir)
    try:
        library = load_library(settings.content_dir)
        problems = list(library.problems) + check_library(library)
        count = len(library.bundles)
    except ProblemsError as exc:
        problems = exc.problems
        count = len({p.path for p in problems})
    if strict:
        problems = [Problem(p.path, p.line, p.field, p.message, "error") for p in problems]
    errors = [p for p in problems if p.severity == "error"]
    if output == "json":
        click.echo(json.dumps({"briefs": count, "problems": [p.as_dict() for p in problems]}, indent=2))
        if errors:
            sys.exit(1)
        return
    if errors:
        raise ProblemsError(problems, "fix them and check again")
    _report(problems)
    warned = f", {len(problems)} warning{'s' if len(problems) != 1 else ''}" if problems else ""
    click.echo(f"Checked {count} brief{'s' if count != 1 else ''}: no errors{warned}.")


@cli.command()
@PROJECT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; the default is this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
def serve(project_dir: Path, host: str, port: int) -> None:
    """Preview the site, drafts included, rebuilding and reloading on every edit."""
    from generator.serve import serve_project

    serve_project(project_dir, host, port)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a brief's front matter."""
    from generator.schema import brief_json_schema

    click.echo(json.dumps(brief_json_schema(), indent=2, ensure_ascii=False))


@cli.command("new")
@PROJECT_OPTION
@click.argument("title")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The brief's date (default: today).")
def new(project_dir: Path, title: str, day: datetime.datetime | None) -> None:
    """Make a new brief bundle, content/<date>-<slug>/, from the archetype; never overwrites."""
    from generator.scaffold import create_brief
    from generator.site import load_settings

    settings = load_settings(project_dir)
    today = day.date() if day else datetime.date.today()
    folder = create_brief(settings.project_dir, settings.content_dir, title, today)
    shown = folder.relative_to(settings.project_dir).as_posix()
    click.echo(f"Created {shown}/brief.md; paste the article into {shown}/source.txt")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Make a new project in DIRECTORY: mkdocs.yml and one example brief that builds at once."""
    from generator.scaffold import create_project

    create_project(directory)
    click.echo(f"Created a project in {directory}; build it with `brief build --project {directory}`")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except BriefError as exc:  # pragma: no cover - click handles ClickException itself
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
