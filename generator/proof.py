"""The proof on the page: how many items the source verifies, and the source with every span marked.

The source view is HTML built here, character by character escaped, because the article is
untrusted: it sits in the Markdown page inside a `markdown="0"` block, so no Markdown structure,
raw HTML or entity of the article reaches the reader. Evidence spans may overlap (a figure's words
inside an action's sentence), and HTML elements may not: the text is split at every span boundary
into segments, and each segment is one `<mark>` that names every item covering it.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup

from generator.content import Bundle
from generator.errors import Problem
from generator.markup import md
from generator.schema import Span

PublishSource = Literal["full", "evidence"]
ITEM_LISTS = ("parties", "actions", "numbers", "outlook", "quotes")
LABELS = {
    "parties": "party",
    "actions": "action",
    "numbers": "figure",
    "outlook": "outlook",
    "quotes": "quote",
}
# Characters that have no place in HTML text: C0/C1 controls (but tab and newline), the Unicode
# non-characters, and the line separators some Markdown and JavaScript tools treat as newlines.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_BREAKS = re.compile("[\u2028\u2029]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Item:
    """One item of a brief that cites the source: a party, action, figure, outlook item or quote."""

    kind: str  # the list it is in: parties, actions, numbers, outlook, quotes
    index: int
    label: str  # what a reader sees of it, for link titles
    span: Span | None
    verified: bool

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.index}"

    @property
    def item_id(self) -> str:
        return f"item-{self.key}"

    @property
    def located(self) -> bool:
        return self.span is not None and self.span.start is not None and self.span.end is not None


@dataclass
class Proof:
    """What a brief page shows of its proof: the count, each item's link, and the source view."""

    items: list[Item]
    mode: PublishSource
    source_view: Markup
    span_ids: dict[str, str]  # item key -> id of the <mark> where its span starts
    by_object: dict[int, Item]  # id() of a schema object -> its item, for the template's links

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def verified(self) -> int:
        return sum(item.verified for item in self.items)

    @property
    def summary(self) -> str:
        """`23 of 23 items verified against the source`, and what the others are."""
        if not self.items:
            return "no item of this brief cites the source"
        plural = "s" if self.total != 1 else ""
        text = f"{self.verified} of {self.total} item{plural} verified against the source"
        unsourced = sum(item.span is None for item in self.items)
        unproved = self.total - self.verified - unsourced
        if unsourced:
            text += f"; {unsourced} without evidence (the editor's judgment)"
        if unproved:
            text += f"; {unproved} not proved"
        return text

    def link(self, obj: Any, text: Any) -> Markup:
        """The item's text on the page, linking to its span in the source view."""
        item = self.by_object.get(id(obj))
        if item is None:
            return md(text)
        span_id = self.span_ids.get(item.key)
        if span_id is None:
            title = "not found in the source" if item.span is not None else "the editor's judgment"
            return Markup(
                f'<span class="brief-ref brief-unproved" id="{item.item_id}" title="{title}">'
                f"{md(text)}</span>"
            )
        return Markup(
            f'<a class="brief-ref" id="{item.item_id}" href="#{span_id}" '
            f'title="Show in the source">{md(text)}</a>'
        )


def find_items(bundle: Bundle, problems: list[Problem]) -> list[Item]:
    """Every item of the brief that should cite the source; verified when found and unfaulted."""
    brief = bundle.brief
    faulted = {p.field.split(".", 1)[0] for p in problems if p.path == bundle.display_path}
    items: list[Item] = []
    for kind in ITEM_LISTS:
        for index, obj in enumerate(getattr(brief, kind)):
            span: Span | None = getattr(obj, "evidence", None)
            located = span is not None and span.start is not None
            items.append(
                Item(
                    kind,
                    index,
                    _label(bundle, kind, obj),
                    span,
                    located and f"{kind}[{index}]" not in faulted,
                )
            )
    return items


def _label(bundle: Bundle, kind: str, obj: Any) -> str:
    if kind == "parties":
        return f"party: {obj.name}"
    if kind == "actions":
        actor = bundle.brief.party(obj.actor)
        return f"action: {actor.name if actor else obj.actor} {obj.action}"
    if kind == "numbers":
        return f"figure: {obj.as_written}"
    if kind == "outlook":
        return f"outlook: {obj.what}"
    text = obj.text if len(obj.text) <= 80 else obj.text[:77] + "..."
    return f"quote: {text}"


def render_proof(
    bundle: Bundle, mode: PublishSource = "full", problems: list[Problem] | None = None
) -> Proof:
    """The proof of one brief: its items checked against the source, and the source view.

    `problems` are the check's findings when the caller has them (a build): no second check.
    """
    if problems is None:
        from generator.check import check_bundle

        problems = check_bundle(bundle)
    items = find_items(bundle, problems)
    by_object = {id(getattr(bundle.brief, item.kind)[item.index]): item for item in items}
    span_ids = find_span_ids(items)
    source_view = render_source_view(bundle.source.text, items, span_ids, mode)
    return Proof(items, mode, source_view, span_ids, by_object)


def find_span_ids(items: list[Item]) -> dict[str, str]:
    """Each located item's target: the id of the segment where its span starts.

    Spans starting at one offset share their first segment, named after the first such item.
    """
    by_start: dict[int, str] = {}
    ids: dict[str, str] = {}
    for item in items:
        if not item.located:
            continue
        assert item.span is not None and item.span.start is not None
        ids[item.key] = by_start.setdefault(item.span.start, f"src-{item.key}")
    return ids


def render_source_view(
    text: str, items: list[Item], span_ids: dict[str, str], mode: PublishSource = "full"
) -> Markup:
    """The source as HTML, every evidence span marked; `evidence` keeps only the cited passages."""
    spans = [
        (item.span.start, item.span.end, item)
        for item in items
        if item.located
        and item.span is not None
        and item.span.start is not None
        and item.span.end is not None
    ]
    regions = list(_paragraphs(text))
    if mode == "evidence":
        regions = [piece for region in regions for piece in _covered(region, spans)]
    starts = {
        item.span.start: span_ids[item.key]
        for item in items
        if item.key in span_ids and item.span is not None and item.span.start is not None
    }
    out = [f'<div class="brief-source brief-source-{mode}" markdown="0">']
    if not regions and mode == "evidence":
        out.append("<p><em>This brief cites no passage of its source.</em></p>")
    previous_end = 0
    for begin, end in regions:
        if mode == "evidence" and text[previous_end:begin].strip():
            out.append('<p class="brief-gap">[…]</p>')
        out.append("<p>" + "".join(_render_region(text, begin, end, spans, starts)) + "</p>")
        previous_end = end
    if mode == "evidence" and regions and text[previous_end:].strip():
        out.append('<p class="brief-gap">[…]</p>')
    out.append("</div>")
    return Markup("\n".join(out) + "\n")


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each paragraph: text between blank lines, its outer space trimmed."""
    position = 0
    for match in [*_PARAGRAPH.finditer(text), None]:
        stop = match.start() if match else len(text)
        chunk = text[position:stop]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            yield position + lead, position + trail
        if match:
            position = match.end()


def _covered(
    region: tuple[int, int], spans: list[tuple[int, int, Item]]
) -> Iterator[tuple[int, int]]:
    """The parts of a region that spans cover, overlapping and touching spans merged."""
    begin, end = region
    pieces = sorted((max(s, begin), min(e, end)) for s, e, _ in spans if s < end and e > begin)
    current: list[int] | None = None
    for s, e in pieces:
        if current is not None and s <= current[1]:
            current[1] = max(current[1], e)
            continue
        if current is not None:
            yield current[0], current[1]
        current = [s, e]
    if current is not None:
        yield current[0], current[1]


def _render_region(
    text: str, begin: int, end: int, spans: list[tuple[int, int, Item]], starts: dict[int, str]
) -> Iterator[str]:
    """One region as nested-free segments, each marked with every item covering it."""
    inside = [(s, e, item) for s, e, item in spans if s < end and e > begin]
    cuts = sorted({begin, end} | {p for s, e, _ in inside for p in (s, e) if begin < p < end})
    for a, b in itertools.pairwise(cuts):
        covering = [item for s, e, item in inside if s <= a and b <= e]
        chunk = _escape(text[a:b])
        if not covering:
            yield chunk
        else:
            keys = " ".join(item.key for item in covering)
            id_attr = f' id="{starts[a]}"' if a in starts else ""
            many = " brief-overlap" if len(covering) > 1 else ""
            title = ", ".join(f"{LABELS[item.kind]} {item.index + 1}" for item in covering)
            attributes = f'class="brief-span{many}"{id_attr} data-items="{keys}" title="{title}"'
            yield f"<mark {attributes}>{chunk}</mark>"
        ending = [item for s, e, item in inside if e == b]
        if ending:
            yield "".join(_back_link(item) for item in ending)


def _back_link(item: Item) -> str:
    # The label is drawn by CSS from data-label: text here would run into the article's words in
    # the search index ("Trump↩party").
    title = html.escape(f"Back to the {item.label}", quote=True)
    return (
        f'<a class="brief-back" href="#{item.item_id}" title="{title}" aria-label="{title}" '
        f'data-label="{LABELS[item.kind]}"></a>'
    )


def _escape(text: str) -> str:
    """Source text as HTML text: every special character escaped, line breaks kept."""
    text = _BREAKS.sub(" ", _UNSAFE.sub("", text))
    return html.escape(text, quote=True).replace("\n", "<br>")
