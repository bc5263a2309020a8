"""The pages across briefs: parties, timeline, what to watch, numbers, topics, archive, feed, API.

`SiteData` gathers everything once from the library (canonical parties, dated events, outlook
items, figures, topics, months); each `render_*` turns one view of it into a `Page`. Text from
content reaches Markdown only through the environment's `finalize` or `md()`, HTML and SVG only
through `html_text()`, XML through ElementTree after `clean()` (an RSS description, which readers
render as HTML, HTML-escaped first), JSON with `<`, `>` and `&` as \\u escapes.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import heapq
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

import jinja2
from markupsafe import Markup

from generator import __version__
from generator.content import Bundle, Library
from generator.markup import clean, html_text, json_for_html, md, script_safe_json
from generator.parties import CanonicalParty, PartyIndex, build_party_index
from generator.render import (
    Memo,
    Page,
    _relative,
    front_matter,
    page_key,
    partial_date,
    templates_key,
)
from generator.schema import (
    Action,
    Figure,
    OutlookItem,
    Quote,
    brief_json_schema,
    date_precision,
    slugify,
)
from generator.site import TEMPLATE_SUFFIX

KIND_TITLES = {
    "person": "People",
    "country": "Countries",
    "organization": "Organisations",
    "group": "Groups",
}
KIND_LABELS = {
    "person": "Person",
    "country": "Country",
    "organization": "Organisation",
    "group": "Group",
}
SCHEMA_TYPES = {
    "person": "Person",
    "country": "Country",
    "organization": "Organization",
    "group": "Organization",
}
MAX_RELATED = 5
RELATED_WINDOW = 50  # briefs on each side, in time, that one shared party offers as related


def period_start(value: str) -> dt.date:
    """The first day of a partial date: `2025-04` starts on 1 April 2025."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(value: str) -> dt.date:
    """The last day of a partial date: `2025-04` ends on 30 April 2025."""
    precision = date_precision(value)
    start = period_start(value)
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


@dataclass
class Event:
    """One dated thing on the timeline: an action taken or an outlook item expected."""

    date: str
    kind: str  # "action" or "outlook"
    bundle: Bundle
    text: str
    party_ids: tuple[str, ...] = ()
    status: str = ""

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (
            self.date,
            0 if self.kind == "action" else 1,
            self.bundle.brief.date.isoformat(),
            self.bundle.slug,
        )


@dataclass
class WatchItem:
    item: OutlookItem
    bundle: Bundle
    due: bool  # its date (or window) has passed: time to follow it up


@dataclass
class SiteData:
    """Everything the cross-brief pages show, gathered once from the library."""

    library: Library
    index: PartyIndex
    today: dt.date
    site_url: str | None = None
    directory_urls: bool = True
    by_slug: dict[str, Bundle] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)  # page path -> key of its last render
    rank: dict[str, tuple[int, str]] = field(default_factory=dict)  # newest first, then slug
    positions: dict[str, dict[str, int]] = field(default_factory=dict)  # party -> slug -> index
    key_base: str = ""  # templates, settings and the party index: part of every page's key
    templates_key: str = ""  # the templates alone, once a party page needs it
    topics: dict[str, tuple[str, list[Bundle]]] = field(
        default_factory=dict
    )  # slug -> (tag, briefs)
    warm: bool = False  # the process builds again (brief serve): keep what the next build reuses
    related_slugs: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    memo: Memo = field(default_factory=Memo)
    canonical_found: dict[str, tuple[str, ...]] = field(default_factory=dict)
    every: str = ""  # see every_key
    share: tuple[int, int] | None = None  # (k, n): this process renders the k-th of n shares
    # Each brief's title, escaped once: a brief is linked from page after page of listings.
    # (Whole links, by the folder each was made for, took 30 MB at 5,000 briefs.)
    titles: dict[str, Markup] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        library: Library,
        *,
        site_url: str | None = None,
        directory_urls: bool = True,
        today: dt.date | None = None,
        warm: bool = False,
        memo: Memo | None = None,
    ) -> SiteData:
        index = library.party_index or build_party_index(library.bundles, library.parties_registry)
        data = cls(library, index, today or dt.date.today(), site_url or None, directory_urls)
        data.warm = warm
        data.by_slug = {b.slug: b for b in library.bundles}
        data.memo = memo if memo is not None else Memo()
        # Related briefs follow from each brief's date and parties alone: while those stay the
        # same (an edit of a brief's text), the last build's choice holds.
        shape = page_key(
            repr((RELATED_WINDOW, MAX_RELATED)),
            *(
                f"{b.slug}|{b.brief.date.isoformat()}|{','.join(data.canonical_ids(b.slug))}"
                for b in library.bundles
            ),
        )
        if data.memo.last("related_from").get("shape") == shape:
            with contextlib.suppress(TypeError, ValueError):
                data.related_slugs = {
                    str(slug): [(str(other), int(count)) for other, count in pairs]
                    for slug, pairs in data.memo.last("related").items()
                }
        data.memo.new["related_from"] = {"shape": shape}
        data.memo.new["related"] = data.related_slugs  # filled as briefs ask for theirs
        data.key_base = page_key(
            repr(sorted(index.parties.items())),
            repr(sorted(index.canonical.items())),
            repr((site_url, directory_urls, data.today.isoformat())),
        )
        for bundle in library.bundles:
            # Two tags of one brief may share a slug ("U.S." and "us"): list the brief once.
            for slug, tag in {topic_slug(tag): tag for tag in reversed(bundle.brief.tags)}.items():
                data.topics.setdefault(slug, (tag, []))[1].append(bundle)
        return data

    @property
    def bundles(self) -> list[Bundle]:
        return self.library.bundles

    def mine(self, index: int) -> bool:
        """Whether the index-th producer of pages (a brief, a party, a section) is this
        process's to render."""
        return self.share is None or index % self.share[1] == self.share[0]

    def every_key(self) -> str:
        """What every brief is, by slug and digest: part of the key of a page made from all."""
        if not self.every:
            self.every = page_key(*sorted(f"{b.slug}:{b.digest}" for b in self.bundles))
        return self.every

    def canonical_ids(self, slug: str) -> tuple[str, ...]:
        """Where the parties of a brief lead, in the brief's order."""
        found = self.canonical_found.get(slug)
        if found is None:
            found = self.canonical_found[slug] = tuple(
                self.index.of(slug, p.id) for p in self.by_slug[slug].brief.parties
            )
        return found

    def party(self, bundle: Bundle, local_id: str) -> CanonicalParty:
        return self.index.parties[self.index.of(bundle.slug, local_id)]

    def party_link(self, bundle: Bundle, local_id: str, from_dir: str) -> Markup:
        """A link to a party's page, with the name the brief gives it."""
        local = bundle.brief.party(local_id)
        name = local.name if local else local_id
        canonical = self.index.of(bundle.slug, local_id)
        return Markup(f"[{md(name)}]({_relative(f'parties/{canonical}.md', from_dir)})")

    def brief_link(self, bundle: Bundle, from_dir: str) -> Markup:
        """A link to a brief's page; a draft says so."""
        title = self.titles.get(bundle.slug)
        if title is None:
            title = self.titles[bundle.slug] = md(bundle.brief.title)
        text = f"[{title}]({_relative(f'briefs/{bundle.slug}.md', from_dir)})"
        if bundle.brief.status == "draft":
            text += " **(draft)**"
        return Markup(text)

    def topic_link(self, tag: str, from_dir: str) -> Markup:
        return Markup(f"[{md(tag)}]({_relative(f'topics/{topic_slug(tag)}.md', from_dir)})")

    def url_of(self, path: str) -> str | None:
        """The absolute address of a page (`briefs/x.md`), when the site's address is known."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + page_url(path, self.directory_urls)

    def events(self) -> list[Event]:
        """Every dated action and outlook item across the library, in date order."""
        found: list[Event] = []
        for bundle in self.bundles:
            for action in bundle.brief.actions:
                if action.date:
                    ids = tuple(
                        self.index.of(bundle.slug, p) for p in (action.actor, action.target) if p
                    )
                    found.append(
                        Event(
                            action.date,
                            "action",
                            bundle,
                            action_text(bundle, action),
                            ids,
                            action.status,
                        )
                    )
            for item in bundle.brief.outlook:
                if item.when:
                    found.append(
                        Event(
                            item.when, "outlook", bundle, item.what, (), item.kind.replace("_", " ")
                        )
                    )
        found.sort(key=lambda e: e.sort_key)
        return found

    def watch(self) -> tuple[list[WatchItem], list[WatchItem], list[WatchItem]]:
        """Outlook items: upcoming by date, past due (oldest first), and undated."""
        upcoming: list[WatchItem] = []
        due: list[WatchItem] = []
        undated: list[WatchItem] = []
        for bundle in self.bundles:
            for item in bundle.brief.outlook:
                if not item.when:
                    undated.append(WatchItem(item, bundle, False))
                elif period_end(item.until or item.when) < self.today:
                    due.append(WatchItem(item, bundle, True))
                else:
                    upcoming.append(WatchItem(item, bundle, False))
        upcoming.sort(key=lambda w: (w.item.when or "", w.bundle.slug))
        due.sort(key=lambda w: (w.item.when or "", w.bundle.slug))
        undated.sort(key=lambda w: (-w.bundle.brief.date.toordinal(), w.bundle.slug))
        return upcoming, due, undated

    def related(self, bundle: Bundle) -> list[tuple[Bundle, int]]:
        """Other briefs sharing parties with this one: most shared first, then newest."""
        slugs = self.related_slugs.get(bundle.slug)
        if slugs is None or any(slug not in self.by_slug for slug, _ in slugs):  # or damaged
            slugs = self.related_slugs[bundle.slug] = [
                (other.slug, count) for other, count in self._related(bundle)
            ]
        return [(self.by_slug[slug], count) for slug, count in slugs]

    def _related(self, bundle: Bundle) -> list[tuple[Bundle, int]]:
        # Each shared party offers the briefs nearest in time to this one, RELATED_WINDOW on each
        # side: a party named in thousands of briefs would otherwise make this quadratic in the
        # size of the library, for lists of five.
        mine = {self.index.of(bundle.slug, p.id) for p in bundle.brief.parties}
        shared: Counter[str] = Counter()
        for party_id in mine:
            slugs = self.index.briefs[party_id]
            if len(slugs) <= 2 * RELATED_WINDOW + 1:
                shared.update(slugs)
                continue
            where = self.positions.get(party_id)
            if where is None:
                where = self.positions[party_id] = {slug: i for i, slug in enumerate(slugs)}
            at = where[bundle.slug]
            shared.update(slugs[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])
        shared.pop(bundle.slug, None)
        if not self.rank:
            self.rank = {b.slug: (-b.brief.date.toordinal(), b.slug) for b in self.bundles}
        rank = self.rank
        best = heapq.nsmallest(
            MAX_RELATED, ((-count, rank[slug]) for slug, count in shared.items())
        )
        return [(self.by_slug[slug], -count) for count, (_, slug) in best]

    def months(self) -> dict[str, list[Bundle]]:
        found: dict[str, list[Bundle]] = {}
        for bundle in self.bundles:
            found.setdefault(_brief_month(bundle), []).append(bundle)
        return found


@functools.lru_cache(maxsize=4096)
def topic_slug(tag: str) -> str:
    slug = slugify(tag) or "topic-" + "-".join(f"{ord(c):x}" for c in tag)[:60]
    # "index" would be the topics index itself; a month-like name would shadow a month page.
    return f"topic-{slug}" if slug == "index" or re.fullmatch(r"\d{4}-\d{2}", slug) else slug


def page_url(path: str, directory_urls: bool = True) -> str:
    """The address MkDocs gives the page at `path`: `briefs/x.md` -> `briefs/x/`."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def action_text(bundle: Bundle, action: Action) -> str:
    brief = bundle.brief
    actor = brief.party(action.actor)
    target = brief.party(action.target) if action.target else None
    text = (
        f"{actor.name if actor else action.actor}{' did not' if action.negated else ''} "
        f"{action.action}"
    )
    if target is not None:
        text += f" (aimed at {target.name})"
    return text


# -- Pages ---------------------------------------------------------------------------------


def _render(
    env: jinja2.Environment,
    name: str,
    path: str,
    sources: Iterable[Bundle],
    *,
    key_extra: str = "",
    key_base: str | None = None,
    **context: Any,
) -> Page:
    """Render a page, unless its key (its template, sources and the library's parties) is known.

    `key_base` replaces `data.key_base` for a page that shows less of the library than every page.
    """
    data: SiteData | None = context.get("data")
    every = data is not None and sources is data.bundles  # a page made from every brief
    sources = list(sources)
    key = ""
    if data is not None:
        made_of = (
            data.every_key()
            if every
            else page_key(*sorted(f"{b.slug}:{b.digest}" for b in sources))
        )
        key = page_key(
            data.key_base if key_base is None else key_base, name, path, key_extra, made_of
        )
        if data.known.get(path) == key and all(b.digest for b in sources):
            return Page(path, None, frozenset(b.slug for b in sources), key)
    template = env.get_template(f"{name}{TEMPLATE_SUFFIX}")
    from_dir = path.rsplit("/", 1)[0] if "/" in path else ""
    text = template.render(
        rel=lambda target: Markup(_relative(target, from_dir)), from_dir=from_dir, **context
    )
    return Page(path, text, frozenset(b.slug for b in sources), key)


@dataclass
class PartyItems:
    """What one brief says of one party: its role, actions, actions aimed at it, quotes, figures."""

    bundle: Bundle
    role: str | None
    actions: list[Action]
    aimed: list[Action]
    quotes: list[Quote]
    figures: list[Figure]

    def __len__(self) -> int:
        # The brief's line under "Briefs" counts too: a brief that only names the party is shown.
        return 1 + len(self.actions) + len(self.aimed) + len(self.quotes) + len(self.figures)


def party_items(data: SiteData, party: CanonicalParty) -> list[PartyItems]:
    """What each brief naming the party says of it, newest brief first."""
    found = []
    for slug in data.index.briefs[party.id]:
        bundle = data.by_slug[slug]
        brief = bundle.brief
        local_ids = {p.id for p in brief.parties if data.index.of(slug, p.id) == party.id}
        roles = [p.role for p in brief.parties if p.id in local_ids and p.role]
        found.append(
            PartyItems(
                bundle,
                roles[0] if roles else None,
                [a for a in brief.actions if a.actor in local_ids],
                [a for a in brief.actions if a.target in local_ids and a.actor not in local_ids],
                [q for q in brief.quotes if q.speaker in local_ids],
                [f for f in brief.numbers if f.party in local_ids],
            )
        )
    return found


def _party_sections(items: list[PartyItems]) -> dict[str, Any]:
    """A party page's lists from its briefs' items: actions in date order, undated last."""

    def by_date(pair: tuple[Action, Bundle]) -> tuple[bool, str, str]:
        action, bundle = pair
        # Undated actions go after the dated, in the order of their briefs' dates.
        return (action.date is None, action.date or "", bundle.brief.date.isoformat())

    return {
        "appearances": [(i.bundle, i.role) for i in items],
        "actions": sorted(((a, i.bundle) for i in items for a in i.actions), key=by_date),
        "aimed": sorted(((a, i.bundle) for i in items for a in i.aimed), key=by_date),
        "quotes": [(q, i.bundle) for i in items for q in i.quotes],
        "figures": [(f, i.bundle) for i in items for f in i.figures],
    }


def _party_key_base(
    data: SiteData, env: jinja2.Environment, party: CanonicalParty, items: list[PartyItems]
) -> str:
    """A party page's key base: templates, settings, the party, where its briefs' parties lead."""
    # Not `data.key_base`: it holds the whole index, which changes with every brief added anywhere,
    # and would re-render every month page of every party for each new brief.
    if not data.templates_key:
        data.templates_key = templates_key(env)
    links = sorted(f"{i.bundle.slug}:{','.join(data.canonical_ids(i.bundle.slug))}" for i in items)
    return page_key(
        data.templates_key, repr((data.site_url, data.directory_urls)), repr(party), *links
    )


def render_party(data: SiteData, env: jinja2.Environment, party: CanonicalParty) -> list[Page]:
    """A party's page: who it is and what its briefs of the latest months say of it.

    Its briefs, actions, quotes and figures are grouped by the month of their brief, so a brief's
    items stay together; older months have pages of their own, so a page stays small however
    many briefs name the party, and an edit re-renders only the page that shows the brief.

    A party whose briefs, and what they name, are as the last build saw them has the pages it
    had then: they are not gathered again (the page keys say the same).
    """
    inputs = page_key(
        data.templates_key,
        repr((data.site_url, data.directory_urls, party)),
        *(
            f"{slug}:{data.by_slug[slug].digest}:{','.join(data.canonical_ids(slug))}"
            for slug in data.index.briefs[party.id]
        ),
    )
    last = _made(data.memo.last("parties").get(party.id))
    if (
        last is not None
        and last[0] == inputs
        and all(data.known.get(p.path) == p.key for p in last[1])
    ):
        data.memo.section("parties")[party.id] = data.memo.last("parties")[party.id]
        return last[1]
    pages = _render_party(data, env, party)
    if all(data.by_slug[slug].digest for slug in data.index.briefs[party.id]):
        data.memo.section("parties")[party.id] = [
            inputs,
            [[p.path, sorted(p.sources), p.key] for p in pages],
        ]
    return pages


def _made(value: Any) -> tuple[str, list[Page]] | None:
    """A party's entry in the last build's memo, `[inputs, [[path, sources, key], ...]]`, as its
    inputs and its pages (text not known); None when it is not that."""
    try:
        inputs, made = value
        pages = [
            Page(str(path), None, frozenset(map(str, sources)), str(key))
            for path, sources, key in made
        ]
    except (TypeError, ValueError):
        return None
    return (inputs, pages) if isinstance(inputs, str) else None


def _render_party(data: SiteData, env: jinja2.Environment, party: CanonicalParty) -> list[Page]:
    months = _by_month(party_items(data, party), lambda i: _brief_month(i.bundle))
    recent = _recent(months, weight=lambda items: sum(len(i) for i in items))
    older = {m: months[m] for m in months if m not in recent}
    shown = [i for m in recent for i in months[m]]
    description = html_text(party.description or party.name)[:300]
    pages = [
        _render(
            env, "party", f"parties/{party.id}.md", (i.bundle for i in shown),
            # The older months' list shows how many briefs each has: part of what this page shows.
            key_extra="|".join(f"{m}:{len(v)}" for m, v in older.items()),
            key_base=_party_key_base(data, env, party, shown),
            meta=Markup(front_matter(party.name, description=description)),
            party=party, kind_title=KIND_LABELS[party.kind], older=older, since=recent[-1],
            month_title=month_title, data=data, **_party_sections(shown),
        )
    ]  # fmt: skip
    for month, items in older.items():
        pages.append(
            _render(
                env, "party_month", f"parties/{party.id}/{month}.md", (i.bundle for i in items),
                key_base=_party_key_base(data, env, party, items),
                meta=Markup(
                    front_matter(f"{party.name}: {month_title(month)}", description=description)
                ),
                party=party, kind_title=KIND_LABELS[party.kind], month=month,
                month_title=month_title, data=data, **_party_sections(items),
            )
        )  # fmt: skip
    return pages


def render_parties_index(data: SiteData, env: jinja2.Environment) -> Page:
    groups: list[tuple[str, list[CanonicalParty]]] = []
    for kind, title in KIND_TITLES.items():
        members = sorted(
            (p for p in data.index.parties.values() if p.kind == kind),
            key=lambda p: p.name.casefold(),
        )
        if members:
            groups.append((title, members))
    return _render(
        env, "parties", "parties/index.md", data.bundles,
        meta=Markup(front_matter("Parties")), groups=groups, data=data,
    )  # fmt: skip


# Listing pages are split by month, like an archive: a page stays small however large the
# library grows, and an edit re-renders (and MkDocs rebuilds) only the months it touches.
# The section index shows the newest whole months up to about this many items.
RECENT_ITEMS = 60
FEED_ITEMS = 50  # the newest published briefs; readers' feed clients keep the older ones


def _month_of(value: str) -> str:
    return value[:7] if len(value) >= 7 else f"{value[:4]}-01"


def _brief_month(bundle: Bundle) -> str:
    """The month a brief is listed under, as its actions' months are read: YYYY-MM."""
    return _month_of(bundle.brief.date.isoformat())


def _by_month(items: list[Any], month_of: Callable[[Any], str]) -> dict[str, list[Any]]:
    """Items grouped by month, newest month first, each month's items in their given order."""
    months: dict[str, list[Any]] = {}
    for item in items:
        months.setdefault(month_of(item), []).append(item)
    return dict(sorted(months.items(), reverse=True))


def _recent(months: dict[str, list[Any]], weight: Callable[[list[Any]], int] = len) -> list[str]:
    """The newest whole months that together hold about RECENT_ITEMS items, as `weight` counts."""
    chosen: list[str] = []
    count = 0
    for month, items in months.items():
        size = weight(items)
        if chosen and count + size > RECENT_ITEMS:
            break
        chosen.append(month)
        count += size
    return chosen


def _month_pages(
    env: jinja2.Environment,
    name: str,
    section: str,
    title: str,
    months: dict[str, list[Any]],
    sources: Callable[[list[Any]], Iterable[Bundle]],
    **context: Any,
) -> list[Page]:
    return [
        _render(
            env, name, f"{section}/{month}.md", sources(items),
            meta=Markup(front_matter(f"{title}: {month_title(month)}")),
            month=month, month_title=month_title, items=items, **context,
        )
        for month, items in months.items()
    ]  # fmt: skip


def render_timeline(data: SiteData, env: jinja2.Environment) -> list[Page]:
    events = data.events()
    months = _by_month(events, lambda e: _month_of(e.date))
    recent = _recent(months)
    shown = [e for month in sorted(recent) for e in months[month]]
    index = _render(
        env, "timeline", "timeline.md", data.bundles,
        meta=Markup(front_matter("Timeline")), events=shown, all_events=len(events),
        months=months, month_title=month_title, chart=timeline_svg(events), data=data,
    )  # fmt: skip
    chronological = {m: months[m] for m in sorted(months)}
    return [index, *_month_pages(
        env, "timeline_month", "timeline", "Timeline", chronological,
        lambda items: (e.bundle for e in items), data=data,
    )]  # fmt: skip


def render_watch(data: SiteData, env: jinja2.Environment) -> list[Page]:
    upcoming, due, undated = data.watch()
    due_months = _by_month(due, lambda w: _month_of(w.item.when or ""))
    undated_months = _by_month(undated, lambda w: _brief_month(w.bundle))
    recent_due = _recent(due_months)
    recent_undated = _recent(undated_months)
    index = _render(
        env, "watch", "watch.md", data.bundles,
        meta=Markup(front_matter("What to watch")),
        upcoming=upcoming,
        due=[w for m in sorted(recent_due) for w in due_months[m]],
        undated=[w for m in recent_undated for w in undated_months[m]],
        older_due=[m for m in due_months if m not in recent_due],
        older_undated=[m for m in undated_months if m not in recent_undated],
        month_title=month_title, today=data.today, data=data,
    )  # fmt: skip
    older_due = {m for m in due_months if m not in recent_due}
    older_undated = {m for m in undated_months if m not in recent_undated}
    pages = [index]
    for month in sorted(older_due | older_undated, reverse=True):
        due_items = due_months[month] if month in older_due else []
        undated_items = undated_months[month] if month in older_undated else []
        pages.append(
            _render(
                env, "watch_month", f"watch/{month}.md",
                [w.bundle for w in due_items + undated_items],
                key_extra=f"{len(due_items)}|{len(undated_items)}",
                meta=Markup(front_matter(f"What to watch: {month_title(month)}")),
                month=month, month_title=month_title, due=due_items, undated=undated_items,
                today=data.today, data=data,
            )
        )  # fmt: skip
    return pages


def render_numbers(data: SiteData, env: jinja2.Environment) -> list[Page]:
    figures = [(f, b) for b in data.bundles for f in b.brief.numbers]
    months = _by_month(figures, lambda pair: _brief_month(pair[1]))
    recent = _recent(months)
    index = _render(
        env, "numbers", "numbers.md", data.bundles,
        meta=Markup(front_matter("By the numbers")),
        figures=[pair for month in recent for pair in months[month]],
        months=months, recent=recent, month_title=month_title, data=data,
    )  # fmt: skip
    return [index, *_month_pages(
        env, "numbers_month", "numbers", "By the numbers", months,
        lambda items: (b for _, b in items), data=data,
    )]  # fmt: skip


def render_topics(data: SiteData, env: jinja2.Environment) -> list[Page]:
    topics = sorted(data.topics.items(), key=lambda item: item[1][0])
    pages = [
        _render(
            env,
            "topics",
            "topics/index.md",
            data.bundles,
            meta=Markup(front_matter("Topics")),
            topics=topics,
            data=data,
        )
    ]
    for slug, (tag, bundles) in topics:
        # A topic lists its newest months; older months have pages of their own.
        months = _by_month(bundles, _brief_month)
        recent = _recent(months)
        older = {m: months[m] for m in months if m not in recent}
        pages.append(
            _render(
                env,
                "topic",
                f"topics/{slug}.md",
                [b for m in recent for b in months[m]],
                key_extra="|".join(f"{m}:{len(v)}" for m, v in older.items()),
                meta=Markup(front_matter(f"Topic: {tag}")),
                tag=tag,
                slug=slug,
                bundles=[b for m in recent for b in months[m]],
                older=older,
                month_title=month_title,
                data=data,
            )
        )
        pages += _month_pages(
            env, "topic_month", f"topics/{slug}", f"Topic: {tag}", older,
            lambda items: items, tag=tag, slug=slug, data=data,
        )  # fmt: skip
    return pages


def render_archive(data: SiteData, env: jinja2.Environment) -> list[Page]:
    months = data.months()
    pages = [
        _render(
            env,
            "archive",
            "archive/index.md",
            data.bundles,
            meta=Markup(front_matter("Archive")),
            months=months,
            month_title=month_title,
            data=data,
        )
    ]
    pages += _month_pages(
        env, "archive_month", "archive", "Archive", months, lambda items: items, data=data
    )
    return pages


def month_title(month: str) -> str:
    return partial_date(month)


def brief_context(data: SiteData, bundle: Bundle) -> dict[str, Any]:
    """What a brief page adds about the rest of the site: party, topic and related links."""
    from_dir = "briefs"
    return {
        "site": {
            "parties": [
                _party_with_names(data, bundle, p.id, from_dir) for p in bundle.brief.parties
            ],
            "topics": [data.topic_link(t, from_dir) for t in bundle.brief.tags],
            "related": [
                (data.brief_link(other, from_dir), shared) for other, shared in data.related(bundle)
            ],
            "timeline": Markup(_relative("timeline.md", from_dir)),
            "watch": Markup(_relative("watch.md", from_dir)),
        }
    }


def _party_with_names(data: SiteData, bundle: Bundle, local_id: str, from_dir: str) -> Markup:
    """A party link followed by the names the registry knows it by that this brief does not use."""
    local = bundle.brief.party(local_id)
    canonical = data.party(bundle, local_id)
    shown = {n.casefold() for n in (local.name, *local.aliases)} if local else set()
    others = [n for n in (canonical.name, *canonical.aliases) if n.casefold() not in shown]
    link = data.party_link(bundle, local_id, from_dir)
    if not others:
        return link
    # Written out so that the site's search finds this brief by any of the party's names.
    return Markup(f"{link} (also {md(', '.join(others))})")


def brief_jsonld(data: SiteData, bundle: Bundle) -> str:
    """schema.org metadata of a brief, as JSON safe inside a <script> element."""
    brief = bundle.brief
    acting = {a.actor for a in brief.actions} | {a.target for a in brief.actions if a.target}

    def thing(party_id: str) -> dict[str, Any]:
        local = brief.party(party_id)
        assert local is not None
        canonical = data.party(bundle, party_id)
        item: dict[str, Any] = {
            "@type": SCHEMA_TYPES[canonical.kind],
            "name": clean(canonical.name),
        }
        names = [
            clean(n)
            for n in (local.name, *local.aliases, *canonical.aliases)
            if clean(n) != item["name"]
        ]
        if names:
            item["alternateName"] = list(dict.fromkeys(names))
        url = data.url_of(f"parties/{canonical.id}.md")
        if url:
            item["url"] = url
        return item

    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": clean(brief.title)[:110],
        "description": clean(brief.bottom_line),
        "datePublished": brief.date.isoformat(),
        "about": [thing(p.id) for p in brief.parties if p.id in acting],
        "mentions": [thing(p.id) for p in brief.parties if p.id not in acting],
        "keywords": [clean(t) for t in brief.tags],
    }
    url = data.url_of(f"briefs/{bundle.slug}.md")
    if url:
        doc["url"] = url
    if brief.source.url:
        doc["isBasedOn"] = brief.source.url
    return json_for_html(doc)


def render_feed(data: SiteData, site_name: str) -> Page:
    """An RSS 2.0 feed of the published briefs, newest first; never a draft."""
    published = data.library.published()
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = clean(site_name)
    ET.SubElement(channel, "link").text = data.site_url or "./"
    ET.SubElement(channel, "description").text = clean(f"Briefs published on {site_name}")
    if published:
        ET.SubElement(channel, "lastBuildDate").text = _rfc822(max(b.brief.date for b in published))
    for bundle in published[:FEED_ITEMS]:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = clean(bundle.brief.title)  # plain text, by the spec
        path = f"briefs/{bundle.slug}.md"
        ET.SubElement(item, "link").text = data.url_of(path) or page_url(path, data.directory_urls)
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = bundle.slug
        ET.SubElement(item, "pubDate").text = _rfc822(bundle.brief.date)
        ET.SubElement(item, "description").text = feed_text(bundle.brief.bottom_line)
        for tag in bundle.brief.tags:
            ET.SubElement(item, "category").text = clean(tag)
    ET.indent(rss)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
    return Page("feed.xml", text, frozenset(b.slug for b in published[:FEED_ITEMS]))


def feed_text(text: str) -> str:
    """Text for an RSS description, HTML-escaped before XML escapes it again.

    An item's description is HTML once the XML is decoded, and readers render it: escaped
    twice, `<script>` reaches the reader as the text `&lt;script&gt;`.
    """
    return html.escape(clean(text), quote=False)


def _rfc822(day: dt.date) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


def brief_data(bundle: Bundle) -> dict[str, Any]:
    """A brief as JSON data that validates against `api/schema.json` (the notes are the body)."""
    return bundle.brief.model_dump(mode="json", exclude={"notes"}, exclude_none=True)


def render_api(data: SiteData) -> Iterator[Page]:
    """`api/briefs.json` (every published brief), one file per brief, and the schema.

    A brief's file is named by its digest as a key: a build that knows it does not write it
    again. A warm process (brief serve) keeps each brief's JSON for the list of all of them.
    """
    published = data.library.published()
    # The schema is this version's: a build that knows the key does not make it again (30 ms).
    key = page_key("api/schema.json", __version__)
    if data.known.get("api/schema.json") == key:
        yield Page("api/schema.json", None, frozenset(), key)
    else:
        yield Page("api/schema.json", _schema_json(), frozenset(), key)
    # pydantic writes JSON in Rust: a large library's API costs milliseconds, not seconds.
    each: list[bytes] = []
    kept: dict[str, str] = {}
    for bundle in published:
        path = f"api/briefs/{bundle.slug}.json"
        key = page_key("api", bundle.digest) if bundle.digest else ""
        text = _API_JSON.get(bundle.digest) if bundle.digest else None
        if text is None:
            text = script_safe_json(
                bundle.brief.model_dump_json(exclude={"notes"}, exclude_none=True)
            )
        if data.warm and bundle.digest:
            kept[bundle.digest] = text
        each.append(text.encode())
        if key and data.known.get(path) == key:
            yield Page(path, None, frozenset({bundle.slug}), key)
        else:
            yield Page(path, text + "\n", frozenset({bundle.slug}), key)
    _API_JSON.clear()  # only this library's briefs, and only in a warm process
    _API_JSON.update(kept)
    slugs = frozenset(b.slug for b in published)
    yield Page("api/briefs.json", None, slugs, parts=_briefs_json(each))


# Each published brief's API JSON by digest, kept by a warm process (render_api).
_API_JSON: dict[str, str] = {}


def _briefs_json(each: list[bytes]) -> list[bytes]:
    """Every brief's JSON in one list, in parts: 20 MB at 5,000 briefs, never joined in memory
    (joined, and then encoded, it was held two and three times over at the build's peak)."""
    parts = [b'{"briefs": [']
    for index, item in enumerate(each):
        parts += (b",\n", item) if index else (item,)
    parts.append(b"]}\n")
    each.clear()
    return parts


@functools.cache
def _schema_json() -> str:
    """`api/schema.json`: the same for every build of this version."""
    return _json(brief_json_schema())


def _json(value: Any) -> str:
    return script_safe_json(json.dumps(value, ensure_ascii=False, indent=2)) + "\n"


def render_site_pages(
    data: SiteData, env: jinja2.Environment, site_name: str, first: int = 0
) -> Iterator[Page]:
    """Every page across briefs, the feed and the API, one at a time.

    Each party and each section is one producer of pages, numbered from `first`: a process
    that renders a share of the site renders the producers `data.mine` gives it.
    """
    index = first
    for party in data.index.parties.values():
        if data.mine(index):
            yield from render_party(data, env, party)
        index += 1
    sections: list[Callable[[], Iterable[Page]]] = [
        lambda: [render_parties_index(data, env)],
        lambda: render_timeline(data, env),
        lambda: render_watch(data, env),
        lambda: render_numbers(data, env),
        lambda: render_topics(data, env),
        lambda: render_archive(data, env),
        lambda: [render_feed(data, site_name)],
        lambda: render_api(data),
    ]
    for section in sections:
        if data.mine(index):
            yield from section()
        index += 1


# -- The timeline chart ------------------------------------------------------------------------

CHART_WIDTH = 760
LABEL_WIDTH = 230
ROW_HEIGHT = 26
TOP = 14
AXIS_HEIGHT = 30
MAX_LABEL = 34
MAX_ROWS = 40


def timeline_svg(events: list[Event]) -> Markup:
    """The timeline as an inline SVG: one row per brief, one mark per event, months along the axis.

    Built at build time from escaped text: the page needs no script and fetches nothing.
    """
    if not events:
        return Markup("")
    newest = sorted(
        {e.bundle.slug: e.bundle for e in events}.values(), key=lambda b: (b.brief.date, b.slug)
    )
    # A row per brief: past MAX_ROWS briefs the chart shows the latest ones; the list has them all.
    rows = newest[-MAX_ROWS:]
    row_of = {bundle.slug: index for index, bundle in enumerate(rows)}
    events = [e for e in events if e.bundle.slug in row_of]
    first = min(period_start(e.date) for e in events)
    last = max(period_end(e.date) for e in events)
    first = dt.date(first.year, first.month, 1)
    last_month = dt.date(last.year, last.month, 1)
    last = dt.date(
        last.year, last.month, calendar.monthrange(last.year, last.month)[1]
    ) + dt.timedelta(days=1)
    span = max((last - first).days, 1)
    left, right = LABEL_WIDTH + 10, CHART_WIDTH - 14
    height = TOP + len(rows) * ROW_HEIGHT + AXIS_HEIGHT

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - first).days / span

    parts = [
        f'<svg class="brief-timeline-chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" aria-labelledby="timeline-chart-title">',
        '<title id="timeline-chart-title">'
        "Timeline of dated actions and outlook events, by brief</title>",
    ]
    axis_y = TOP + len(rows) * ROW_HEIGHT
    months = _month_ticks(first, last_month)
    if len(months) > 36:  # years apart: one line a year keeps the chart legible
        months = [m for m in months if m.month == 1 or m == first]
    step = max(1, len(months) // 8)
    for index, month in enumerate(months):
        x = x_of(month)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{axis_y}" '
            'stroke="currentColor" stroke-opacity="0.12"/>'
        )
        if index % step == 0:
            label = (
                month.strftime("%b %Y") if month.month == 1 or index == 0 else month.strftime("%b")
            )
            parts.append(
                f'<text x="{x + 2:.1f}" y="{axis_y + 18}" font-size="11" fill="currentColor">'
                f"{label}</text>"
            )
    for row, bundle in enumerate(rows):
        y = TOP + row * ROW_HEIGHT + ROW_HEIGHT / 2
        title = bundle.brief.title
        label = title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1].rstrip() + "…"
        draft = " (draft)" if bundle.brief.status == "draft" else ""
        parts.append(
            f'<text x="0" y="{y + 4:.1f}" font-size="12" fill="currentColor">'
            f"<title>{html_text(title + draft)}</title>{html_text(label + draft)}</text>"
        )
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            'stroke="currentColor" stroke-opacity="0.25"/>'
        )
    for event in events:
        y = TOP + row_of[event.bundle.slug] * ROW_HEIGHT + ROW_HEIGHT / 2
        tip = f"{partial_date(event.date)}: {event.text}"
        tip_el = f"<title>{html_text(tip)}</title>"
        colour = "#1e88e5" if event.kind == "action" else "#e65100"
        if date_precision(event.date) == "day":
            x = x_of(period_start(event.date))
            if event.kind == "action":
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">{tip_el}</circle>'
                )
            else:
                parts.append(
                    f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="none" '
                    f'stroke="{colour}" stroke-width="2" transform="rotate(45 {x:.1f} {y:.1f})">'
                    f"{tip_el}</rect>"
                )
        else:
            x1 = x_of(period_start(event.date))
            x2 = max(x_of(period_end(event.date) + dt.timedelta(days=1)), x1 + 6)
            parts.append(
                f'<rect x="{x1:.1f}" y="{y - 4:.1f}" width="{x2 - x1:.1f}" height="8" rx="4" '
                f'fill="{colour}" '
                f'fill-opacity="0.35">{tip_el}</rect>'
            )
    parts.append("</svg>")
    if len(newest) > len(rows):
        parts.append(
            f'<p class="brief-timeline-note">The chart shows the latest {len(rows)} of '
            f"{len(newest)} briefs; the list below has every event.</p>"
        )
    return Markup(f'<div class="brief-timeline" markdown="0">{"".join(parts)}</div>')


def _month_ticks(first: dt.date, last_month: dt.date) -> list[dt.date]:
    months = []
    current = first
    while current <= last_month:
        months.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months
