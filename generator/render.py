"""Brief and Library to Markdown pages through Jinja templates; every value escaped on output.

The environment's `finalize` escapes every `{{ expression }}` for Markdown unless it is already
`Markup` (text we built ourselves). A template that forgets a filter therefore shows text, never
structure. Content never becomes template source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.content import Bundle, Library
from generator.errors import Problem
from generator.markup import clean, html_text, json_for_html, md, render_notes, safe_url
from generator.proof import PublishSource, render_proof
from generator.schema import Brief, date_precision
from generator.site import TEMPLATE_SUFFIX, default_templates_dir


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md(value)


@lru_cache(maxsize=8)
def _environment(
    project_templates: Path | None,
    overrides: tuple[str, ...] = (),
    bytecode_dir: Path | None = None,
) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if project_templates is not None:  # may not exist yet: the loader looks at each render
        loaders.append(jinja2.FileSystemLoader(project_templates))
    loaders.append(jinja2.FileSystemLoader(default_templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # the output is Markdown: `finalize` escapes for Markdown instead
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
        # Compiled templates kept between runs, like Python's __pycache__: compiling them costs a
        # command more than rendering the pages one edit touches. Keyed on each template's source.
        bytecode_cache=(
            jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir is not None else None
        ),
    )
    env.filters.update(
        md=md,
        html=lambda v: Markup(html_text(v)),
        long_date=long_date,
        partial_date=partial_date,
        link=link,
        url=lambda v: safe_url(v) or "",
        notes=lambda v: render_notes(v),
        number=format_number,
        clock=format_clock,
        label=lambda v: md(str(v).replace("_", " ")),
        json_html=lambda v: Markup(json_for_html(v)),
    )
    return env


def environment(
    project_dir: Path | None = None, bytecode_dir: Path | None = None
) -> jinja2.Environment:
    """The Jinja environment of a project; a new one when its set of override files changes.

    With `bytecode_dir`, compiled templates are kept there for the next process.
    """
    templates = (project_dir / "templates").resolve() if project_dir else None
    overrides: tuple[str, ...] = ()
    if templates is not None and templates.is_dir():
        # Jinja caches a template by name: an override added later must get a fresh environment.
        overrides = tuple(
            sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*.j2"))
        )
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
    return _environment(templates, overrides, bytecode_dir)


def long_date(value: dt.date | str | None) -> str:
    """`2025-03-28` as `28 March 2025`; partial dates as `March 2025` or `2025`."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return partial_date(value)


def partial_date(value: str | None) -> str:
    if not value:
        return ""
    precision = date_precision(value)
    parts = [int(p) for p in value.split("-")]
    if precision == "year":
        return str(parts[0])
    day = dt.date(parts[0], parts[1], parts[2] if precision == "day" else 1)
    return f"{day:%B %Y}" if precision == "month" else f"{day.day} {day:%B %Y}"


def format_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}".rstrip("0").rstrip(".")


def format_clock(value: Decimal | None) -> str:
    """A time of day, kept as HHMM (see generator.numbers), as a clock shows it: 17:05."""
    if value is None:
        return ""
    if value != value.to_integral_value() or not 0 <= value < 2400 or value % 100 >= 60:
        return format_number(value)
    return f"{int(value) // 100:02d}:{int(value) % 100:02d}"


def link(text: Any, href: str) -> Markup:
    """A Markdown link to a page of our own (href is ours, text is escaped)."""
    return Markup(f"[{md(text)}]({href})")


@dataclass
class Page:
    """One page of the site: its path under docs/, its text, and the briefs its content came from.

    `key` digests everything the page is made from; a page whose key a caller already knows is
    not rendered again and comes back with `text` None. A file too large to hold twice comes as
    `parts`, its bytes in order, with `text` None: it is never made one string.
    """

    path: str
    text: str | None
    sources: frozenset[str] = field(default_factory=frozenset)
    key: str = ""
    parts: list[bytes] | None = None


@dataclass
class Memo:
    """What one build worked out that the next may reuse, kept in the build's state as JSON.

    `old` is what the last build wrote, `new` what this one writes: the related briefs of every
    brief and what they followed from, and what each brief and party page was made from. A
    page whose inputs are those of the last build is the page the last build made, so it is not
    worked out again (its key is known). Anything malformed reads as nothing.
    """

    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)

    def last(self, section: str) -> dict[str, Any]:
        value = self.old.get(section)
        return value if isinstance(value, dict) else {}

    def section(self, section: str) -> dict[str, Any]:
        found: dict[str, Any] = self.new.setdefault(section, {})
        return found

    @staticmethod
    def merge(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """What processes that each rendered a share of the pages worked out, as one."""
        merged: dict[str, Any] = {}
        for part in parts:
            for section, entries in part.items():
                merged.setdefault(section, {}).update(entries)
        return merged


def templates_key(env: jinja2.Environment) -> str:
    """A digest of every template the environment can load: part of every page's key."""
    digest = hashlib.sha256()
    for name in sorted(env.list_templates()):
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        digest.update(f"{name}|{filename}\n".encode() + source.encode())
    return digest.hexdigest()


def page_key(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def front_matter(title: str, **meta: Any) -> str:
    """Page metadata for MkDocs. The title is HTML-escaped here: MkDocs and themes print it raw."""
    data = {"title": html_text(title)}
    for key, value in meta.items():
        if value is not None:
            data[key] = value
    # JSON is YAML; ensure_ascii keeps every character a YAML reader could refuse out of the file.
    return f"---\n{json.dumps(data, ensure_ascii=True)}\n---\n\n"


def brief_url(slug: str, from_dir: str = "") -> str:
    """A relative link to a brief page from a page in `from_dir`."""
    return _relative(f"briefs/{slug}.md", from_dir)


def _relative(target: str, from_dir: str) -> str:
    depth = len([p for p in from_dir.split("/") if p])
    return "../" * depth + target


def sorted_actions(brief: Brief) -> list[Any]:
    """Actions in date order; undated ones keep their order, after the dated."""
    indexed = list(enumerate(brief.actions))
    indexed.sort(key=lambda pair: (pair[1].date is None, pair[1].date or "", pair[0]))
    return [action for _, action in indexed]


def render_brief(
    bundle: Bundle,
    env: jinja2.Environment,
    context: dict[str, Any] | None = None,
    jsonld: str | None = None,
    publish_source: PublishSource = "full",
    problems: list[Problem] | None = None,
) -> Page:
    """One brief's page; `problems` are its check findings when the caller has them already."""
    brief = bundle.brief
    template = env.get_template(f"brief{TEMPLATE_SUFFIX}")
    parties = {p.id: p for p in brief.parties}
    text = template.render(
        brief=brief,
        parties=parties,
        actions=sorted_actions(brief),
        source_url=safe_url(brief.source.url),
        proof=render_proof(bundle, publish_source, problems),
        meta=Markup(
            front_matter(
                brief.title,
                description=html_text(brief.bottom_line)[:300],
                brief_status=brief.status,
                jsonld=jsonld,
            )
        ),
        **(context or {}),
    )
    return Page(f"briefs/{bundle.slug}.md", text, frozenset({bundle.slug}))


def render_home(bundles: Iterable[Bundle], env: jinja2.Environment, site_name: str) -> Page:
    items = list(bundles)
    template = env.get_template(f"home{TEMPLATE_SUFFIX}")
    text = template.render(
        bundles=items,
        site_name=site_name,
        meta=Markup(front_matter(site_name)),
        brief_url=brief_url,
    )
    return Page("index.md", text, frozenset(b.slug for b in items))


def render_pages(
    library: Library,
    project_dir: Path | None,
    site_name: str,
    known: dict[str, str] | None = None,
    **options: Any,
) -> list[Page]:
    """Every page of the site, as a list (see `iter_pages`)."""
    return list(iter_pages(library, project_dir, site_name, known, **options))


def iter_pages(
    library: Library,
    project_dir: Path | None,
    site_name: str,
    known: dict[str, str] | None = None,
    *,
    site_url: str | None = None,
    directory_urls: bool = True,
    today: dt.date | None = None,
    publish_source: PublishSource = "full",
    problems: list[Problem] | None = None,
    bytecode_dir: Path | None = None,
    warm: bool = False,
    memo: Memo | None = None,
    share: tuple[int, int] | None = None,
) -> Iterator[Page]:
    """Every page of the site, one at a time: Markdown pages, the feed and the JSON API.

    A build writes each page as it comes, so the texts of all pages are never held at once.

    Brief pages whose key is in `known` are not rendered again; their key covers what the rest of
    the library adds to them (party links, related briefs, JSON-LD). `problems` are the check's
    findings, handed to each brief's proof so it is not checked twice. `memo` holds what the last
    build worked out (see `Memo`) and receives what this one does. `share` (k, n): only the k-th
    of n shares of the pages, for n processes that render side by side.
    """
    from generator.pages import SiteData, brief_context, brief_jsonld, render_site_pages

    env = environment(project_dir, bytecode_dir)
    base = templates_key(env)
    known = known or {}
    memo = memo if memo is not None else Memo()
    data = SiteData.build(
        library,
        site_url=site_url,
        directory_urls=directory_urls,
        today=today,
        warm=warm,
        memo=memo,
    )
    data.known = known
    data.templates_key = base
    data.key_base = page_key(data.key_base, base, publish_source)
    data.share = share
    last, made = memo.last("briefs"), memo.section("briefs")
    for index, bundle in enumerate(library.bundles):
        if not data.mine(index):
            continue
        path = f"briefs/{bundle.slug}.md"
        # What the page is made of, named cheaply: its bytes, the party index and settings, and
        # the briefs it lists as related. A page made from these by the last build is that
        # build's page: the links and JSON-LD its key is otherwise computed from are skipped.
        inputs = (
            page_key(
                data.key_base,  # the templates, settings and party index
                bundle.digest,
                *(
                    f"{other.slug}:{other.digest}:{shared}"
                    for other, shared in data.related(bundle)
                ),
            )
            if bundle.digest
            else ""
        )
        if inputs:
            made[path] = inputs
            if last.get(path) == inputs and known.get(path):
                yield Page(path, None, frozenset({bundle.slug}), known[path])
                continue
        context, jsonld = brief_context(data, bundle), brief_jsonld(data, bundle)
        across = json.dumps(context, default=str, sort_keys=True) + jsonld
        key = page_key(
            base, publish_source, bundle.digest or bundle.brief.model_dump_json(), across
        )
        if known.get(path) == key:
            yield Page(path, None, frozenset({bundle.slug}), key)
            continue
        page = render_brief(
            bundle, env, context, jsonld, publish_source=publish_source, problems=problems
        )
        page.key = key
        yield page
    if data.mine(len(library.bundles)):
        yield render_home(library.bundles[:HOME_BRIEFS], env, site_name)
    yield from render_site_pages(data, env, site_name, len(library.bundles) + 1)


HOME_BRIEFS = 30  # the home page is bounded: older briefs are in the archive


__all__ = [
    "Memo",
    "Page",
    "clean",
    "environment",
    "iter_pages",
    "render_brief",
    "render_home",
    "render_pages",
]
