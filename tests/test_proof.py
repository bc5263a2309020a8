"""The proof on the page: the verified count, links between items and spans, the source view."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.content import load_library
from generator.numbers import find_numbers
from generator.proof import Item, find_span_ids, render_proof, render_source_view
from generator.render import environment, render_brief
from generator.schema import Span

from .conftest import ARTICLES, MINIMAL_BRIEF, MINIMAL_SOURCE, MKDOCS_YML, SEED

SEED_PAGE = "briefs/2025-03-28-trump-carney-call/index.html"


class Marks(HTMLParser):
    """The marks of a source view: their text, attributes, and whether any nests in another."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, str]] = []
        self.depth = 0
        self.nested = False
        self.text: list[str] = []
        self.backs: list[str] = []
        self._in_back = False
        self._in_p = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark":
            self.nested |= self.depth > 0
            self.depth += 1
            self.marks.append({k: v or "" for k, v in attrs} | {"text": ""})
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.backs.append(href)
            self._in_back = True
        elif tag == "p":
            if self.text:
                self.text.append("\n\n")
            self._in_p = True
        elif tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.depth -= 1
        elif tag == "a":
            self._in_back = False
        elif tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._in_back or not self._in_p:
            return
        self.text.append(data)
        if self.depth:
            self.marks[-1]["text"] += data


def load_minimal(make_project, source: str = MINIMAL_SOURCE, brief: str = MINIMAL_BRIEF):
    project = make_project({"content/acme/brief.md": brief, "content/acme/source.txt": source})
    (bundle,) = load_library(project / "content").bundles
    return project, bundle


def test_seed_page_matches_golden(file_regression):
    """The seed page as Markdown; regenerate with `pytest tests/test_proof.py --force-regen`."""
    (bundle,) = load_library(SEED.parent).bundles
    page = render_brief(bundle, environment(None))
    file_regression.check(page.text, extension=".md", basename="seed_brief_page")


def test_seed_page_counts_every_item_verified():
    (bundle,) = load_library(SEED.parent).bundles
    proof = render_proof(bundle)
    assert proof.summary == "31 of 31 items verified against the source"
    page = render_brief(bundle, environment(None)).text
    assert (
        "**Proof:** 31 of 31 items verified against the source ([see the source](#source))." in page
    )


def test_overlapping_spans_become_nested_free_segments(make_project):
    _, bundle = load_minimal(make_project)
    proof = render_proof(bundle)
    parser = Marks()
    parser.feed(str(proof.source_view))
    assert not parser.nested
    # The full source, every character, in order: the view hides nothing and adds nothing.
    assert "".join(parser.text) == MINIMAL_SOURCE.strip()
    # Each segment names exactly the items whose spans cover it.
    position = 0
    for mark in parser.marks:
        start = MINIMAL_SOURCE.index(mark["text"], position)
        end = position = start + len(mark["text"])
        covering = sorted(
            item.key
            for item in proof.items
            if item.span and item.span.start <= start and end <= item.span.end
        )
        assert sorted(mark["data-items"].split()) == covering, mark
    # "chief executive Jane Roe" (a party) lies inside the quote's sentence: one segment, two items.
    roe = next(m for m in parser.marks if m["text"] == "chief executive Jane Roe")
    assert roe["data-items"] == "parties-1 quotes-0"
    assert roe["id"] == "src-parties-1"
    # Every item links to its span's first mark, and every span links back to its item.
    ids = {m["id"] for m in parser.marks if "id" in m}
    for item in proof.items:
        assert proof.span_ids[item.key] in ids
        assert f"#{item.item_id}" in parser.backs
    # The action and the figure that cite the same words share the mark they link to.
    assert proof.span_ids["actions-0"] == proof.span_ids["numbers-0"] == "src-actions-0"


def test_item_links_point_at_their_spans(make_project):
    _, bundle = load_minimal(make_project)
    page = render_brief(bundle, environment(None)).text
    figure = (
        '<a class="brief-ref" id="item-numbers-1" href="#src-numbers-1" title="Show in the source">'
    )
    assert f"| {figure}about 8&#37;</a> |" in page
    assert '<a class="brief-ref" id="item-quotes-0" href="#src-quotes-0"' in page
    assert '<mark class="brief-span" id="src-numbers-1" data-items="numbers-1"' in page


HOSTILE = (
    MINIMAL_SOURCE
    + "\n# Heading?\n\n<script>alert(1)</script> **bold** [x](javascript:alert(1)) "
    + '<img src=x onerror="alert(2)"> {: onclick="alert(3)" } | a | b | \x02wzxhzdk:0\x03 &amp; '
    + "{{ site_name }} {% raw %}\n\n    indented code\n"
)


def test_hostile_source_stays_plain_text(make_project):
    project, _ = load_minimal(make_project, HOSTILE)
    result = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    page = (project / "site" / "briefs" / "acme" / "index.html").read_text(encoding="utf-8")
    view = page[page.index('<div class="brief-source') :]
    view = view[: view.index("</div>")]
    for structure in (
        "<script",
        "<img",
        "<strong",
        "<h1",
        "<pre",
        "<code",
        "<table",
        'onclick="',
        'href="javascript',
    ):
        assert structure not in view, structure
    parser = Marks()
    parser.feed(view)
    shown = "".join(parser.text)
    # Every character of the article is shown as text: control characters dropped, paragraphs
    # trimmed (the indented line is text, not a code block).
    paragraphs = re.split(r"\n\s*\n", HOSTILE.replace("\x02", "").replace("\x03", ""))
    assert shown == "\n\n".join(p.strip() for p in paragraphs if p.strip())


def test_evidence_mode_publishes_only_the_cited_passages(make_project):
    source = MINIMAL_SOURCE + "\nAn uncited paragraph the publisher may not republish.\n"
    project = make_project(
        {"content/acme/brief.md": MINIMAL_BRIEF, "content/acme/source.txt": source}
    )
    (project / "mkdocs.yml").write_text(
        MKDOCS_YML + "brief:\n  publish_source: evidence\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    page = (project / "site" / "briefs" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "uncited paragraph" not in page
    assert "Acme Corp said on Monday" not in page  # "said on Monday" is cited by no item
    assert 'id="source">Cited passages</h2>' in page
    view = page[page.index('<div class="brief-source brief-source-evidence"') :]
    view = view[: view.index("</div>")]
    parser = Marks()
    parser.feed(view)
    cited = [html.unescape(m["text"]) for m in parser.marks]
    assert "".join(cited) == "".join(
        re.sub(r"\s+", " ", p)
        for p in [
            "Acme Corp",
            "it would cut 1,200 jobs",
            "about 8% of its workforce",
            MINIMAL_SOURCE.split("\n\n")[1].strip(),
        ]
    )
    # Omissions are shown: "said on Monday", ", ", "." and the uncited paragraph.
    assert parser.text.count("[…]") == 4


def test_source_view_is_searchable_as_plain_words(make_project):
    project, _ = load_minimal(make_project)
    result = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    index = json.loads((project / "site" / "search" / "search_index.json").read_text("utf-8"))
    (section,) = [d for d in index["docs"] if d["location"] == "briefs/acme/#source"]
    assert section["title"] == "Source"
    # Marks and back links do not break the article's words apart for the search engine.
    words = re.sub(r"<[^>]+>", "", section["text"])
    assert "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce." in words
    assert "chief executive Jane Roe told reporters" in html.unescape(words)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(alphabet="ab <&\"'\n*#|", min_size=1, max_size=60))
    solid = [i for i, c in enumerate(text) if not c.isspace()]
    if not solid:
        return text, []
    pairs = draw(st.lists(st.tuples(st.sampled_from(solid), st.sampled_from(solid)), max_size=8))
    return text, [(min(a, b), max(a, b) + 1) for a, b in pairs]


@settings(max_examples=150, deadline=None)
@given(text_and_spans())
def test_any_spans_render_as_the_exact_text_in_nested_free_segments(case):
    text, pairs = case
    items = [
        Item("numbers", i, f"figure: {i}", Span(text=text[s:e] or "x", start=s, end=e), True)
        for i, (s, e) in enumerate(pairs)
    ]
    ids = find_span_ids(items)
    parser = Marks()
    parser.feed(str(render_source_view(text, items, ids)))
    assert not parser.nested
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text)]
    assert "".join(parser.text) == "\n\n".join(p for p in paragraphs if p)
    marked_ids = {m["id"] for m in parser.marks if "id" in m}
    assert set(ids.values()) <= marked_ids
    assert {f"#{item.item_id}" for item in items} <= set(parser.backs)


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="the shared articles are not here")
def test_real_articles_keep_every_word_with_every_number_and_sentence_marked():
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        # A figure for every number, and an action for every sentence that holds one: the
        # overlaps a drafted brief has.
        pairs = [(n.start, n.end) for n in find_numbers(text)]
        pairs += [
            (m.start(), m.end())
            for m in re.finditer(r"[^\s.!?][^.!?\n]*[.!?]", text)
            if any(m.start() <= s < m.end() for s, _ in pairs)
        ]
        items = [
            Item("numbers", i, f"figure: {i}", Span(text=text[s:e], start=s, end=e), True)
            for i, (s, e) in enumerate(pairs)
        ]
        ids = find_span_ids(items)
        parser = Marks()
        parser.feed(str(render_source_view(text, items, ids)))
        assert not parser.nested, path.name
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text)]
        shown = "".join(parser.text)
        assert shown == "\n\n".join(p for p in paragraphs if p), path.name
        assert {f"#{item.item_id}" for item in items} <= set(parser.backs), path.name
