"""Pages built from hostile briefs: nothing content-derived executes, links nowhere unsafe, or
shapes.

The site is built from a library in which every free-text field of every brief, the source and
the analyst's notes hold script payloads (tests/hostile.py). A static scan reads EVERY HTML, XML
and JSON file of the built site, whatever pages exist; a real browser loads every HTML page and
the search box, and counts dialogs.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest

from generator.build import build_project

from .browser import CHROMIUM, launch, serve
from .conftest import REPO, tree_bytes
from .hostile import LINE_PAYLOADS, write_hostile_library

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
    "srcset", "ping", "manifest", "codebase", "longdesc", "usemap", "dynsrc", "lowsrc", "icon",
}  # fmt: skip
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.I)
# Elements no brief page needs and every payload wants; the theme itself uses none of them.
FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "textarea", "math",
    "details", "marquee", "img", "video", "audio", "portal",
}  # fmt: skip
# Unescaped payload text: if any of these is in a file's raw text, a payload became markup.
RAW_FRAGMENTS = [
    "<script>alert", "</script><script>", "<img src=x", "<svg onload", "<iframe", "<details open",
    "<base href", '<form action="javascript:',
    '<meta http-equiv="refresh" content="0;url=javascript:',
    "<div onclick", "<math>", "<style>@import", '<a href="javascript:', "<div markdown",
]  # fmt: skip
# What Markdown would make of payload text: `*a*`, `**c**`, `[x](...)`, `` `<script>...` ``.
MARKUP_FROM_TEXT = {
    "a", "b", "c", "d", "e", "f", "x", "link", "click", "more", "alert(18)",
    "<script>alert(24)</script>",
}  # fmt: skip


def build_library(root: Path, benign: bool) -> Path:
    project = root / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")  # the real theme features
    write_hostile_library(project, benign=benign)
    before = tree_bytes(project / "content")
    result = build_project(project, drafts=True)
    assert tree_bytes(project / "content") == before
    return result.site_dir


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of hostile briefs (one a draft) built with --drafts; returns the site folder."""
    return build_library(tmp_path_factory.mktemp("hostile"), benign=False)


@pytest.fixture(scope="module")
def own_elements(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Counter[str]]:
    """Forbidden-list elements the generator and theme emit themselves, by page, from the same
    library with plain words in place of payloads: only more of them than that is content's."""
    site_dir = build_library(tmp_path_factory.mktemp("benign"), benign=True)
    counts: dict[str, Counter[str]] = {}
    for path in site_files(site_dir, ".html", ".htm"):
        doc = lxml.html.document_fromstring(read_file(path))
        tags = Counter(
            e.tag for e in doc.iter() if isinstance(e.tag, str) and e.tag in FORBIDDEN_ELEMENTS
        )
        counts[path.relative_to(site_dir).as_posix()] = tags
    return counts


def allowed_for(rel: str, own: dict[str, Counter[str]]) -> Counter[str]:
    """The page's own count, or for a page named after content (a topic), the most its section
    has."""
    if rel in own:
        return own[rel]
    section = rel.split("/", 1)[0]
    merged: Counter[str] = Counter()
    for other, counts in own.items():
        if other.split("/", 1)[0] == section:
            merged |= counts
    return merged


def site_files(site_dir: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.is_file() and p.name.endswith(suffixes))


def clean_url(value: str) -> str:
    # Browsers drop leading spaces and control characters and ignore tabs and newlines in a scheme.
    return re.sub(r"[\x00-\x20\x7f]+", "", value)


def scan_html(
    text: str, where: str, structure: bool = True, allowed: Counter[str] | None = None
) -> list[str]:
    """Every content-derived handler, unsafe URL, forbidden element or markup leak in one page.

    `structure` also looks for Markdown structure made from field text (headings, emphasis, links,
    split tables) outside the analyst's notes; the search index mirrors pages without that mark.
    """
    found = []
    for fragment in RAW_FRAGMENTS:
        if fragment.lower() in text.lower():
            found.append(f"{where}: unescaped {fragment!r}")
    doc = lxml.html.document_fromstring(text)
    forbidden: Counter[str] = Counter()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "srcdoc":
                found.append(f"{where}: <{tag} {name}={value[:60]!r}>")
            if name in URL_ATTRIBUTES and UNSAFE_SCHEME.match(clean_url(value)):
                found.append(f"{where}: <{tag} {name}={value[:60]!r}>")
            if name == "style" and re.search(r"javascript|expression\(|url\(", value, re.I):
                found.append(f"{where}: <{tag} style={value[:60]!r}>")
        if tag in FORBIDDEN_ELEMENTS:
            forbidden[tag] += 1
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        if tag == "script":
            found.extend(scan_script(element, where))
        if tag == "style" and re.search(r"alert\(|@import|javascript", element.text or "", re.I):
            found.append(f"{where}: <style> with content text")
        if tag == "table":
            widths = {len(row.xpath("./th|./td")) for row in element.iter("tr")}
            if len(widths) > 1:
                found.append(
                    f"{where}: a table whose rows have {sorted(widths)} cells: a '|' split one"
                )
        if not structure or element.xpath("ancestor-or-self::*[contains(@class, 'brief-notes')]"):
            continue  # the analyst's notes are Markdown by design
        words = element.text_content().strip()
        if re.fullmatch(r"h[1-6]", tag) and "heading injected" in words:
            found.append(f"{where}: <{tag}> made from text: {words[:60]!r}")
        if tag == "a" and words in MARKUP_FROM_TEXT:
            found.append(f"{where}: <a> made from text: {words[:60]!r}")
        if tag in ("em", "strong", "code", "del", "s", "sup", "sub") and words in MARKUP_FROM_TEXT:
            found.append(f"{where}: <{tag}> made from text: {words[:60]!r}")
    for tag, count in sorted((forbidden - (allowed or Counter())).items()):
        found.append(f"{where}: {count} <{tag}> element(s) more than the generator itself makes")
    return found


def scan_script(element: lxml.html.HtmlElement, where: str) -> list[str]:
    body = element.text or ""
    if element.get("type") == "application/ld+json":
        try:
            json.loads(body)
        except ValueError:
            return [f"{where}: JSON-LD that is not JSON (a payload broke out): {body[:80]!r}"]
        if re.search(r"</|<!--|\]\]>", body):
            return [f"{where}: JSON-LD holding raw '</', '<!--' or ']]>'"]
        return []
    if "alert(" in body or "7*7" in body:
        return [f"{where}: <script> holding content text: {body[:80]!r}"]
    return []


def json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def scan_text_blob(text: str, where: str) -> list[str]:
    """A JSON string or XML text that a page may insert as HTML (search results, feeds)."""
    if "<" not in text:
        return [f"{where}: unescaped {f!r}" for f in RAW_FRAGMENTS if f.lower() in text.lower()]
    return scan_html(f"<html><body>{text}</body></html>", where, structure=False)


def read_file(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def test_static_scan_of_every_file(hostile_site: Path, own_elements: dict[str, Counter[str]]):
    html_files = site_files(hostile_site, ".html", ".htm")
    data_files = site_files(
        hostile_site, ".xml", ".xml.gz", ".json", ".rss", ".atom", ".jsonld", ".webmanifest"
    )
    assert len(html_files) >= 5 and data_files
    found: list[str] = []
    for path in html_files:
        rel = path.relative_to(hostile_site).as_posix()
        found += scan_html(read_file(path), rel, allowed=allowed_for(rel, own_elements))
    for path in data_files:
        where = path.relative_to(hostile_site).as_posix()
        text = read_file(path)
        if where.startswith("search/"):
            # The theme inserts the search index's strings into pages as HTML.
            for string in json_strings(json.loads(text)):
                found += scan_text_blob(string, where)
        elif ".json" in path.name or path.suffix in (".jsonld", ".webmanifest"):
            # Data whose strings are text; still, the file escapes '<' (\u003c) so that no
            # sniffing browser or page that inlines it meets raw markup.
            json.loads(text)
            found += [
                f"{where}: unescaped {f!r}" for f in RAW_FRAGMENTS if f.lower() in text.lower()
            ]
        else:
            root = ElementTree.fromstring(text)  # well-formed: no payload broke the XML
            for element in root.iter():
                # RSS descriptions and Atom content/summary are HTML once decoded; titles and
                # categories are plain text, which ElementTree escaped.
                name = element.tag.rsplit("}", 1)[-1]
                if name in ("description", "content", "summary", "encoded") and element.text:
                    found += scan_text_blob(element.text, f"{where} <{name}>")
            found += scan_text_blob(text, where)
    assert found == []


def test_template_syntax_shows_literally(hostile_site: Path):
    for slug in ("hostile-0", "hostile-1", "hostile-2"):
        page = lxml.html.document_fromstring(
            read_file(hostile_site / "briefs" / slug / "index.html")
        )
        words = page.text_content()
        assert "{{ 7*7 }}" in words and "{% raw %}" in words and "{# comment #}" in words
        assert "49" not in words  # no template ever evaluated a payload
        assert "{% for x in range(3) %}{{ x }}{% endfor %}" in words


def test_payloads_show_as_text_in_titles_and_nav(hostile_site: Path):
    page = lxml.html.document_fromstring(
        read_file(hostile_site / "briefs" / "hostile-0" / "index.html")
    )
    title = page.findtext(".//title") or ""
    assert title.startswith(" ".join(LINE_PAYLOADS[:6]))  # shown, not parsed: the raw title escaped
    home = lxml.html.document_fromstring(read_file(hostile_site / "index.html"))
    links = [a.text_content().strip() for a in home.iter("a")]
    assert " ".join(LINE_PAYLOADS[:6]) in links


# ---------------------------------------------------------------------------------------------
# The real browser


@pytest.fixture(scope="module")
def browser_page(hostile_site: Path):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine")
    sync_api = pytest.importorskip("playwright.sync_api")
    with serve(hostile_site) as base, sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        # Only our own server: fonts and anything else from the web are refused, not waited for.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base) else route.abort()
            ),
        )
        page = context.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog: object) -> None:
            dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        page.set_default_timeout(15_000)
        yield page, base, dialogs
        browser.close()


# Fire every handler a payload might have planted, and list links whose scheme would run code.
POKE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'load', 'error']) {
      if (type === 'click' && (el.tagName === 'A' || el.closest('form, label, button'))) continue;
      try { el.dispatchEvent(new Event(type, {bubbles: false})); } catch (e) {}
    }
    for (const attr of ['href', 'src', 'action', 'formAction']) {
      const value = el[attr];
      if (typeof value === 'string' && /^(javascript|vbscript|data):/i.test(value)) {
        bad.push(el.tagName + ' ' + attr + '=' + value.slice(0, 60));
      }
    }
  }
  return bad;
}"""


@pytest.mark.browser
def test_every_page_in_a_real_browser_fires_no_dialog(browser_page, hostile_site: Path):
    page, base, dialogs = browser_page
    pages = [p.relative_to(hostile_site).as_posix() for p in site_files(hostile_site, ".html")]
    bad_links: list[str] = []
    for rel in pages:
        page.goto(base + rel, wait_until="load")
        page.wait_for_function("() => document.readyState === 'complete'")
        bad_links += [f"{rel}: {b}" for b in page.evaluate(POKE)]
    # Search highlighting puts the query into the page: a payload there must stay text too.
    page.goto(
        base + "briefs/hostile-0/?h=%3Cimg%20src%3Dx%20onerror%3Dalert(90)%3E", wait_until="load"
    )
    page.evaluate(POKE)
    assert bad_links == []
    assert dialogs == []
    assert len(pages) >= 5


SEARCHES = [
    "<img src=x onerror=alert(91)>",
    "onerror",
    "January",
    "<script>alert(92)</script>",
    "alert",
    "script",
    "onmouseover",
    "javascript",
    '" onfocus="alert(93)" autofocus="',
    "{{ 7*7 }}",
    "textarea",
]


@pytest.mark.browser
def test_search_for_payloads_fires_no_dialog(browser_page):
    page, base, dialogs = browser_page
    page.goto(base, wait_until="load")
    shown = 0
    found: list[str] = []
    page.keyboard.press("s")  # Material's shortcut opens the search box
    box = page.locator("input.md-search__input")
    for query in SEARCHES:
        box.fill("")
        box.press_sequentially(query)  # the theme searches on key events, as a reader types
        page.wait_for_function(
            "() => /matching/i.test("
            "document.querySelector('.md-search-result__meta')?.textContent || '')"
        )
        shown += page.locator(".md-search-result__item").count()
        results = page.inner_html(".md-search-result")
        # The theme folds extra matches of a page into <details> of its own: not content's.
        theirs = Counter({"details": results.count("<details")})
        found += scan_html(
            f"<html><body>{results}</body></html>", f"search {query!r}", False, theirs
        )
        found += [f"search {query!r}: {b}" for b in page.evaluate(POKE)]
    assert shown > 0  # the search did show hostile briefs' sections
    assert found == []
    assert dialogs == []
