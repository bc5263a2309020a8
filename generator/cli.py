"""The `brief` command: parse options, call one function, report."""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the `--llm*` options to a command (as `llm`, `llm_*`); see generator.llm."""
    options = [
        click.option(
            "--llm", is_flag=True,
            help="Draft with a language model at an OpenAI-compatible endpoint "
            "(sends the article there).",
        ),
        click.option(
            "--llm-base-url", metavar="URL",
            help="The endpoint, e.g. http://127.0.0.1:11434/v1 "
            "[env: BRIEF_LLM_BASE_URL, OPENAI_BASE_URL]",
        ),
        click.option(
            "--llm-model", metavar="NAME", help="The model, e.g. llama3.1 [env: BRIEF_LLM_MODEL]"
        ),
        click.option(
            "--llm-api-key", metavar="KEY",
            help="The API key, if the endpoint needs one [env: BRIEF_LLM_API_KEY, OPENAI_API_KEY]",
        ),
        click.option(
            "--llm-timeout", type=float, metavar="SECONDS", default=None,
            help="Seconds to wait for each reply (default 120).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


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
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: site_dir of mkdocs.yml, or site/).",
)
def build(project_dir: Path, drafts: bool, site_dir: Path | None) -> None:
    """Check every brief, render the pages and build the site with MkDocs."""
    from generator.build import build_project

    result = build_project(project_dir, drafts=drafts, site_dir=site_dir, freeze=True)
    _report(result.warnings)
    click.echo(result.summary())


@cli.command()
@PROJECT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(project_dir: Path, strict: bool, output: str) -> None:
    """Validate every brief and prove it against its source, without building."""
    from generator.build import check_project
    from generator.site import load_settings

    settings = load_settings(project_dir)
    try:
        count, problems = check_project(settings, freeze=True)
    except ProblemsError as exc:
        problems = exc.problems
        count = len({p.path for p in problems})
    if strict:
        problems = [Problem(p.path, p.line, p.field, p.message, "error") for p in problems]
    errors = [p for p in problems if p.severity == "error"]
    if output == "json":
        click.echo(
            json.dumps({"briefs": count, "problems": [p.as_dict() for p in problems]}, indent=2)
        )
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
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default is this machine only.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free port).",
)
def serve(project_dir: Path, host: str, port: int) -> None:
    """Preview the site, drafts included, rebuilding and reloading on every edit."""
    from generator.serve import serve_project

    serve_project(project_dir, host, port)


@cli.command()
@click.argument("article", metavar="PATH|-")
@click.option(
    "--date", "published", help="Publication date, YYYY-MM-DD; resolves 'Friday', 'April 2'."
)
@click.option("--url", help="The article's address (http or https).")
@click.option("--outlet", help="The publication, e.g. 'Associated Press'.")
@click.option("--author", help="The byline.")
@click.option("--title", help="The headline, when the file does not give it.")
@click.option(
    "--as",
    "kind",
    type=click.Choice(["txt", "md", "html"]),
    help="Read the file as this format (default: from its name or content).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["bundle", "json", "yaml"]),
    default="bundle",
    show_default=True,
    help="Write a bundle into content/, or print the brief.",
)
@PROJECT_OPTION
@llm_options
def draft(
    article: str,
    published: str | None,
    url: str | None,
    outlet: str | None,
    author: str | None,
    title: str | None,
    kind: str | None,
    output: str,
    project_dir: Path,
    **llm: Any,
) -> None:
    """Draft a brief from an article file (txt, md, html) or standard input, offline."""
    from generator.draft import draft_brief, render_front_matter, write_bundle
    from generator.ingest import clean_line, load_article

    date = _parse_date_option(published)
    if url is not None and not _web_address(url):
        raise BriefError(f"--url: only http:// and https:// addresses are allowed, got {url!r}")
    loaded = load_article(None if article == "-" else Path(article), kind=kind)
    brief = draft_brief(
        loaded.text,
        title=clean_line(title) or loaded.title,
        published=date or loaded.published,
        url=url or loaded.url,
        outlet=clean_line(outlet) or loaded.outlet,
        author=clean_line(author) or loaded.author,
    )
    if llm["llm"]:
        from generator.llm import check_draft, draft_with_options

        source = brief.source
        brief = draft_with_options(
            llm, loaded.text, date=brief.date, base=brief, article_path=article,
            title=source.title, published=source.published, url=source.url, outlet=source.outlet,
            author=source.author, echo=lambda line: click.echo(line, err=True),
        )  # fmt: skip
        check_draft(brief, loaded.text, write_bundle)
    if output == "json":
        click.echo(brief.model_dump_json(indent=2, exclude_none=True, exclude={"notes"}))
        return
    if output == "yaml":
        click.echo(render_front_matter(brief), nl=False)
        return
    from generator.site import load_settings

    content_dir = load_settings(project_dir).content_dir
    bundle_dir = write_bundle(content_dir, brief, loaded.text)
    click.echo(str(bundle_dir))


def _parse_date_option(value: str | None) -> datetime.date | None:
    import datetime

    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise BriefError(f"--date: expected YYYY-MM-DD, got {value!r}") from None


def _web_address(url: str) -> bool:
    import re

    return bool(re.match(r"^https?://[^\s<>\"'`]+$", url, re.I))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a brief's front matter."""
    from generator.schema import brief_json_schema

    click.echo(json.dumps(brief_json_schema(), indent=2, ensure_ascii=False))


@cli.command("new")
@PROJECT_OPTION
@click.argument("title")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The brief's date (default: today).",
)
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
    click.echo(
        f"Created a project in {directory}; build it with `brief build --project {directory}`"
    )


def main() -> None:
    try:
        cli(standalone_mode=True)
    except BriefError as exc:  # pragma: no cover - click handles ClickException itself
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
