"""Drafting a brief from an article's text, offline, every item tied to the article's words.

One module per kind of fact (figures, dates, parties, quotes, actions, outlook, summary), each a
plain function of the text and of what the others found; `draft_brief` runs them top to bottom.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from generator.draft.sentences import find_sentences, one_line, sentence_at
from generator.errors import BriefError
from generator.numbers import find_numbers
from generator.schema import MAX_ITEMS, MAX_TEXT, RESERVED_SLUGS, SLUG_MAX_BYTES, Brief, slugify

if TYPE_CHECKING:
    from generator.draft.quotes import QuoteDraft

MAX_PARTIES = 60


def draft_brief(
    text: str,
    *,
    title: str | None,
    published: dt.date | None,
    url: str | None,
    outlet: str | None,
    author: str | None,
) -> Brief:
    """A draft brief of `text`: every figure, party, quote, action and outlook item with
    evidence."""
    # The kinds of fact are imported here, not with the package: `brief check` reads dates
    # with generator.draft.dates and needs none of the rest.
    from generator.draft.actions import draft_actions
    from generator.draft.dates import find_dates
    from generator.draft.figures import draft_figures
    from generator.draft.outlook import draft_outlook
    from generator.draft.parties import find_parties
    from generator.draft.quotes import find_quotation_marks, find_quotes
    from generator.draft.summary import draft_summary

    if published is None:
        raise BriefError(
            "no publication date: pass --date YYYY-MM-DD (relative dates resolve against it)"
        )
    sentences = find_sentences(text)
    numbers = find_numbers(text)
    parties, mentions = find_parties(text)
    parties = [p for p in parties if p.evidence is not None][:MAX_PARTIES]
    kept = {p.name for p in parties}
    mentions = [m for m in mentions if m.party in kept]
    ids = {p.name: p.id for p in parties}
    dates = find_dates(text, published, numbers, sentences)
    pairs = find_quotation_marks(text)
    quotes = find_quotes(text, parties, mentions, sentences, pairs)
    quoted = [m.span(1) for m in pairs]
    figures = draft_figures(text, numbers, sentences, parties, mentions, published)
    actions = draft_actions(text, sentences, parties, mentions, dates, quoted)
    outlook = draft_outlook(text, sentences, dates, published)

    facts: dict[int, float] = {}
    for number in numbers:
        sentence = sentence_at(sentences, number.start)
        if sentence is not None and number.kind not in ("year",):
            facts[sentence.start] = facts.get(sentence.start, 0.0) + 1.0
    for mention in mentions:
        sentence = sentence_at(sentences, mention.start)
        if sentence is not None:
            facts[sentence.start] = facts.get(sentence.start, 0.0) + 0.5
    for action in actions:
        sentence = sentence_at(sentences, action.start)
        if sentence is not None:
            facts[sentence.start] = facts.get(sentence.start, 0.0) + 1.0
    bottom_line, key_points = draft_summary(text, sentences, facts, title)

    heading = title or one_line(sentences[0].text if sentences else text, 300)
    locate = _Locator(text)
    data: dict[str, Any] = {
        "title": one_line(heading, 300),
        "slug": _slug(heading),
        "date": published,
        "status": "draft",
        "source": {
            "title": one_line(title, 300) if title else None,
            "published": published,
            "url": url,
            "outlet": one_line(outlet, 300) if outlet else None,
            "author": one_line(author, 300) if author else None,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
        "bottom_line": one_line(bottom_line, MAX_TEXT),
        "key_points": [one_line(p, MAX_TEXT) for p in key_points],
        "parties": [
            {
                "id": p.id,
                "name": one_line(p.name, 300),
                "kind": p.kind,
                "role": one_line(p.role, 300) if p.role else None,
                "aliases": [one_line(a, 300) for a in p.aliases if a.strip()],
                "evidence": locate(text[p.evidence[0] : p.evidence[1]].strip()),
            }
            for p in parties
            if p.evidence is not None
        ],
        "numbers": [locate.fields(f.fields) for f in figures[:MAX_ITEMS]],
        "actions": [locate.fields(a.fields) for a in actions],
        "outlook": [locate.fields(o.fields) for o in outlook],
        "quotes": [
            {
                "speaker": ids[q.speaker],
                "text": q.text,
                "channel": one_line(q.channel, 300) if q.channel else None,
                "evidence": locate(text[q.evidence[0] : q.evidence[1]].strip()),
            }
            for q in _distinct(quotes)
            if q.speaker in ids
            and len(q.text) <= MAX_TEXT
            and q.evidence[1] - q.evidence[0] <= MAX_TEXT
        ][:MAX_ITEMS],
    }
    return Brief.model_validate(data)


def _distinct(quotes: list[QuoteDraft]) -> list[QuoteDraft]:
    """Each quotation once: an article that repeats a quotation lists it once."""
    seen: set[str] = set()
    kept = []
    for quote in quotes:
        if quote.text not in seen:
            seen.add(quote.text)
            kept.append(quote)
    return kept


def _slug(title: str) -> str:
    slug = slugify(title, 60) or "article"
    return f"{slug}-brief" if slug in RESERVED_SLUGS else slug


class _Locator:
    """Evidence with its offsets: the first place the source holds its exact text."""

    # The offsets go into the data before validation: setting them on the validated models
    # afterwards cost a search and two attribute writes per span. Every evidence here is already
    # stripped, so validation leaves its text, and these offsets, as they are (the test that
    # every span is an exact slice of the source would catch one that is not).

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, int] = {}

    def __call__(self, evidence: str) -> str | dict[str, Any]:
        index = self.found.get(evidence)
        if index is None:
            index = self.found[evidence] = self.text.find(evidence)
        if index < 0 or not evidence:
            return evidence
        return {"text": evidence, "start": index, "end": index + len(evidence)}

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        evidence = fields.get("evidence")
        if not isinstance(evidence, str):
            return fields
        return {**fields, "evidence": self(evidence)}


# --- writing ---------------------------------------------------------------------------------


def brief_data(brief: Brief) -> dict[str, Any]:
    """The brief as front-matter data: no empty fields, evidence as plain text, no notes."""
    data = brief.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    data.pop("notes", None)
    data.pop("schema_version", None)
    for name in ("parties", "actions", "numbers", "outlook", "quotes"):
        for item in data.get(name, []):
            if isinstance(item.get("evidence"), dict):
                item["evidence"] = item["evidence"]["text"]
            if name == "actions" and item.get("negated") is False:
                del item["negated"]
            if name == "numbers" and item.get("qualifier") == "exact":
                del item["qualifier"]
            if name == "parties" and not item.get("aliases"):
                item.pop("aliases", None)
            if name == "outlook" and item.get("basis") == "stated_in_source":
                del item["basis"]
    for name in ("key_points", "parties", "actions", "numbers", "outlook", "quotes", "tags"):
        if not data.get(name):
            data.pop(name, None)
    return data


def render_front_matter(brief: Brief) -> str:
    """YAML that the strict loader reads back as this brief: every string double-quoted."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def quote(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: quote(v) for k, v in value.items()}
        if isinstance(value, list):
            return [quote(v) for v in value]
        if isinstance(value, str):
            return DoubleQuotedScalarString(value)
        if isinstance(value, dt.date):
            return DoubleQuotedScalarString(value.isoformat())
        return value

    class Representer(RoundTripRepresenter):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # content files hold no anchors or aliases

    def represent_decimal(representer: Any, value: Decimal) -> Any:
        plain = format(value, "f")
        tag = (
            "tag:yaml.org,2002:int" if re.fullmatch(r"-?\d+", plain) else "tag:yaml.org,2002:float"
        )
        return representer.represent_scalar(tag, plain)

    Representer.add_representer(Decimal, represent_decimal)
    yaml = YAML(typ="rt")
    yaml.Representer = Representer
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(quote(brief_data(brief)), stream)
    return stream.getvalue()


def render_brief_file(brief: Brief) -> str:
    """The whole brief.md: front matter and an empty body for the analyst's notes."""
    return f"---\n{render_front_matter(brief)}---\n"


# A brief's slug in its front matter: a top-level key, quoted or not.
_SLUG_LINE = re.compile(r"^slug:[ \t]*['\"]?([a-z0-9-]+)['\"]?[ \t]*(?:#.*)?$", re.M)


def _unique_slug(content_dir: Path, brief: Brief) -> Brief:
    """The brief with a slug no bundle of `content_dir` has: the same article drafted under
    another date, or two articles with one headline, must not make a library that will not
    build ("slug ... is also used by ...")."""
    taken = set()
    if content_dir.is_dir():
        for brief_path in content_dir.glob("*/brief.md"):
            try:
                head = brief_path.read_text(encoding="utf-8", errors="replace")[:65536]
            except OSError:
                continue
            found = _SLUG_LINE.search(head.split("\n---", 1)[0])
            taken.add(found.group(1) if found else brief_path.parent.name)
    slug = brief.slug or "article"
    if slug not in taken:
        return brief
    stem = slug[: SLUG_MAX_BYTES - 4].rstrip("-")
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return brief.model_copy(update={"slug": f"{stem}-{number}"})


def write_bundle(content_dir: Path, brief: Brief, source_text: str) -> Path:
    """Create `content/<date>-<slug>/` with source.txt and brief.md; never overwrite anything."""
    from generator.frontmatter import YamlProblem, parse_yaml

    if not (content_dir / f"{brief.date.isoformat()}-{brief.slug or 'article'}").exists():
        brief = _unique_slug(content_dir, brief)  # else refused below, as it was
    document = render_brief_file(brief)
    try:
        parsed = parse_yaml(render_front_matter(brief))
        Brief.model_validate({**parsed.data, "notes": ""})
    except (YamlProblem, ValidationError) as exc:  # pragma: no cover - a bug in drafting
        raise BriefError(
            f"the drafted brief does not read back ({exc}); nothing was written"
        ) from None
    folder = f"{brief.date.isoformat()}-{brief.slug or 'article'}"
    bundle_dir = content_dir / folder
    try:
        content_dir.mkdir(parents=True, exist_ok=True)
        os.mkdir(bundle_dir)
    except FileExistsError:
        raise BriefError(
            f"{bundle_dir}: already exists; nothing was written "
            "(move it away or draft under another date)"
        ) from None
    except OSError as exc:
        raise BriefError(f"{bundle_dir}: cannot create: {exc.strerror}") from None
    try:
        with open(bundle_dir / "source.txt", "x", encoding="utf-8", newline="") as handle:
            handle.write(source_text)
        with open(bundle_dir / "brief.md", "x", encoding="utf-8", newline="") as handle:
            handle.write(document)
    except OSError as exc:
        raise BriefError(f"{bundle_dir}: cannot write: {exc.strerror}") from None
    return bundle_dir
