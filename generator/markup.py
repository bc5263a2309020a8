"""Escaping untrusted text for the places it lands: Markdown, HTML, attributes, URLs, JSON in HTML.

Every string that comes from a content file or an article passes through one of these before it
reaches a page. Markdown text is escaped with numeric character references rather than backslashes:
Python-Markdown, markdown-it and every other CommonMark-ish parser leave `&#42;` as a literal `*`,
so no punctuation can open emphasis, a link, a table cell, a heading, a list or raw HTML.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

# Every ASCII punctuation mark that means something to some Markdown flavour or extension
# (emphasis, links, code, tables, headings, lists, attribute lists, emoji, HTML, entities, math).
_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~^=:\"'&$@%"
_MD_TABLE = {ord(c): f"&#{ord(c)};" for c in _MD_SPECIAL}
_MD_TABLE[ord("&")] = "&amp;"
_MD_TABLE[ord("<")] = "&lt;"
_MD_TABLE[ord(">")] = "&gt;"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029]")
_SPACE = re.compile(r"\s+")

SAFE_SCHEMES = ("http", "https", "mailto")


def clean(text: Any) -> str:
    """Drop control characters and fold all white space to single spaces."""
    text = str(text)
    # Most text has neither: a printable string holds no control character and no white space
    # but the plain space (tabs, breaks and other spaces are not printable).
    if text.isprintable() and "  " not in text:
        return text.strip()
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


_MD_ANY = re.compile("[" + re.escape(_MD_SPECIAL) + "]")


def md(text: Any) -> Markup:
    """Untrusted text as a run of literal Markdown text, on one line."""
    if isinstance(text, Markup):
        return text
    text = clean(text)
    return Markup(text.translate(_MD_TABLE) if _MD_ANY.search(text) else text)


def html_text(text: Any) -> str:
    """Untrusted text for HTML text or a quoted attribute value."""
    return html.escape(clean(text), quote=True)


def safe_url(url: Any) -> str | None:
    """An http, https or mailto URL, percent-encoded so it cannot break out of a link; else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    return quote(url, safe=":/?#[]@!$&*+,;=%~-._")


def json_for_html(data: Any) -> str:
    """JSON that is safe inside a <script> element or an HTML attribute."""
    return script_safe_json(json.dumps(data, ensure_ascii=False, sort_keys=False, default=str))


def script_safe_json(text: str) -> str:
    """Serialised JSON with `<`, `>`, `&`, `'` and line separators as \\u escapes.

    Those characters occur in JSON only inside strings, where the escape means the same; no
    browser that sniffs a file, and no page that inlines it, then meets markup.
    """
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _validate_link(url: str) -> bool:
    url = url.strip()
    if url.startswith(("#", "/", "./", "../")) and not url.startswith("//"):
        return True
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        return ":" not in url.split("/", 1)[0]
    return scheme in SAFE_SCHEMES


# js-default: no raw HTML; images off so that notes never make the page fetch anything.
_NOTES = MarkdownIt("js-default", {"typographer": False, "linkify": False}).enable("table")
_NOTES.disable("image")
_NOTES.validateLink = _validate_link  # type: ignore[method-assign]


def _demote_headings(state: Any) -> None:
    # Notes sit under the page's "Analyst's notes" heading: their headings start at h3.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"


_NOTES.core.ruler.push("demote_headings", _demote_headings)


def render_notes(text: str) -> Markup:
    """An analyst's Markdown notes as HTML: no raw HTML, only safe links, images as links."""
    if not text.strip():
        return Markup("")
    rendered = _NOTES.render(text)
    return Markup(f'<div class="brief-notes" markdown="0">\n{rendered}</div>\n')
