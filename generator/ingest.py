"""Article files to normalised plain text: decode, refuse what is not an article, strip markup."""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator.errors import SourceError

MAX_ARTICLE_BYTES = 5_000_000
MAX_TITLE_CHARS = 300
MAX_HTML_ELEMENTS = 100_000
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

# Magic numbers of the binary files most often passed by mistake.
_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x7fELF", "a program"),
    (b"{\\rtf", "an RTF document"),
]
# Every C0/C1 control but tab and newline; the schema refuses them in any text field.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ufeff]")
_HTML_START = re.compile(
    rb"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|p|div)\b", re.I | re.S
)


@dataclass
class Article:
    """An article as plain text, with what its file told about it."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None


def read_article_bytes(path: Path | None, limit: int = MAX_ARTICLE_BYTES) -> bytes:
    """Read at most `limit` bytes of a file, or of standard input when `path` is None."""
    try:
        if path is None:
            stream: BinaryIO = sys.stdin.buffer
            data = stream.read(limit + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a folder, not an article file") from None
    except OSError as exc:
        raise SourceError(f"{path or 'standard input'}: cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise SourceError(
            f"{path or 'standard input'}: larger than {limit:,} bytes; an article is far smaller "
            "(is this the right file?)"
        )
    return data


def decode_article(data: bytes, name: str = "article") -> str:
    """Bytes to text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", data
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise SourceError(f"{name}: this is {what}, not a text article")
        if b"\x00" in data:
            raise SourceError(f"{name}: holds NUL bytes: a binary file, not a text article")
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8" or data.startswith(b"\xef\xbb\xbf"):
            raise SourceError(f"{name}: not valid {encoding.upper()} text") from None
        declared = _declared_charset(body)
        try:
            text = body.decode(declared or "cp1252")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{name}: neither UTF-8 nor {declared or 'cp1252'} text "
                f"(byte 0x{body[exc.start]:02x}); save it as UTF-8"
            ) from None
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise SourceError(
            f"{name}: {controls} control characters: a binary file, not a text article"
        )
    return text


# A page's own word on its encoding: <meta charset>, <meta http-equiv=... charset=...> or
# <?xml encoding=...?>, read from its first bytes as browsers do.
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The encoding a page declares, when Python knows it (and it is not UTF-8, tried first)."""
    import codecs

    found = _CHARSET.search(data[:4096])
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("iso8859-1", "ascii"):
        return "cp1252"  # as browsers read these labels (the WHATWG Encoding Standard)
    return None if name in ("utf-8", "utf-16", "utf-32") else name


def normalise_text(text: str) -> str:
    """NFC, `\\n` line ends, no control characters, no trailing blanks, at most one blank line."""
    text = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text).replace("\t", " ")
    lines = [re.sub(r"[ \u00a0]+$", "", line) for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def clean_line(text: str | None, limit: int = MAX_TITLE_CHARS) -> str | None:
    """Metadata as one safe line: no controls, collapsed white space, cut at a word."""
    if not text:
        return None
    line = re.sub(r"\s+", " ", _CONTROL.sub("", unicodedata.normalize("NFC", text))).strip()
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0] + "…"
    return line or None


def load_article(path: Path | None, *, kind: str | None = None) -> Article:
    """Read an article file (or standard input) as `txt`, `md` or `html` and normalise it."""
    name = "standard input" if path is None else str(path)
    data = read_article_bytes(path)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError(f"{name}: is empty")
    if kind is None:
        suffix = path.suffix.lower() if path is not None else ""
        if suffix in HTML_SUFFIXES:
            kind = "html"
        elif suffix in MARKDOWN_SUFFIXES:
            kind = "md"
        else:
            kind = "html" if _HTML_START.match(data[:2000].lstrip(b"\xef\xbb\xbf")) else "txt"
    text = decode_article(data, name)
    if kind == "html":
        article = article_from_html(text)
    elif kind == "md":
        article = article_from_markdown(text)
    else:
        article = article_from_text(text)
    if not article.text.strip():
        raise SourceError(f"{name}: holds no article text")
    return article


def article_from_text(text: str) -> Article:
    """A plain-text article; a short first line followed by a blank line is its headline."""
    text = normalise_text(text)
    first, _, rest = text.partition("\n")
    title = None
    if (
        rest.startswith("\n")
        and 0 < len(first) <= MAX_TITLE_CHARS
        and not first.rstrip().endswith((".", ":"))
    ):
        title = clean_line(first)
    return Article(text=text, title=title)


def article_from_markdown(text: str) -> Article:
    """A Markdown article as text: headings and paragraphs kept, markup, links and HTML dropped."""
    from markdown_it import MarkdownIt

    # Parse raw HTML and every link so that they can be dropped: with HTML off, or with a
    # `javascript:` address refused, markdown-it would keep them as literal text.
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    tokens = md.parse(normalise_text(text))
    blocks: list[str] = []
    title: str | None = None
    for index, token in enumerate(tokens):
        if token.type != "inline" or token.children is None:
            continue
        pieces: list[str] = []
        for child in token.children:
            if child.type in ("text", "code_inline"):
                pieces.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                pieces.append(" " if child.type == "softbreak" else "\n")
            elif child.type == "image":
                continue  # alt text and addresses are not the article's words
        block = "".join(pieces).strip()
        if not block:
            continue
        opener = tokens[index - 1] if index else None
        if (
            title is None
            and opener is not None
            and opener.type == "heading_open"
            and opener.tag == "h1"
        ):
            title = clean_line(block)
        blocks.append(block)
    return Article(text=normalise_text("\n\n".join(blocks)) if blocks else "", title=title)


def article_from_html(html: str) -> Article:
    """A web page's main text and metadata via trafilatura; scripts, styles and links dropped."""
    import trafilatura

    html, elements = _without_code(html)
    document = None
    # trafilatura takes minutes on a page of hundreds of thousands of elements (a few MB of
    # markup); no article needs that many, so such a page gets the plain fallback below.
    if elements <= MAX_HTML_ELEMENTS:
        document = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            include_links=False,
            include_images=False,
            with_metadata=True,
            deduplicate=True,
        )
    text = ""
    title = outlet = author = url = None
    published: dt.date | None = None
    if document is not None:
        get = (
            document.get if isinstance(document, dict) else lambda key: getattr(document, key, None)
        )
        text = get("text") or ""
        title = clean_line(get("title"))
        outlet = clean_line(get("sitename"))
        author = clean_line(get("author"))
        url = get("url")
        published = _parse_date(get("date"))
    # trafilatura ends a paragraph with one newline
    text = re.sub(r"\n+", "\n\n", text) if text.strip() else _fallback_html_text(html)
    text = normalise_text(text) if text.strip() else ""
    if title and text and not text.startswith(title):
        # The headline is part of what the brief may quote: keep it in the source text.
        text = f"{title}\n\n{text}"
    if url and not re.match(r"^https?://[^\s<>\"'`]+$", url, re.I):
        url = None  # only plain web addresses may reach the brief (no javascript:, data:)
    return Article(
        text=text, title=title, published=published, url=url, outlet=outlet, author=author
    )


def _without_code(html: str) -> tuple[str, int]:
    """The page without script, style and template elements, and how many elements it has.

    trafilatura drops those from the body, but not from the headline it reads out of an <h1>:
    their text is no article's words.
    """
    import lxml.etree
    import lxml.html

    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a declared encoding in str
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html, 0
    # Hidden elements too: no reader of the page sees their words.
    hidden = (
        "//script | //style | //template | //*[@hidden] | //*[@aria-hidden='true']"
        " | //*[contains(translate(@style, ' ', ''), 'display:none')]"
        " | //*[contains(translate(@style, ' ', ''), 'visibility:hidden')]"
    )
    for element in tree.xpath(hidden):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element
    return lxml.html.tostring(tree, encoding="unicode"), sum(1 for _ in tree.iter())


def _fallback_html_text(html: str) -> str:
    """Text of a page trafilatura found no article in: scripts, styles and comments removed."""
    import lxml.html
    from lxml_html_clean import Cleaner

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types on pages with no content
        return ""
    cleaner = Cleaner(
        scripts=True,
        javascript=True,
        style=True,
        comments=True,
        links=True,
        meta=True,
        page_structure=False,
        forms=True,
        embedded=True,
        frames=True,
    )
    tree = cleaner.clean_html(tree)
    blocks = []
    for element in tree.iter("h1", "h2", "h3", "p", "li", "blockquote", "pre"):
        words = " ".join(element.text_content().split())
        if words:
            blocks.append(words)
    return "\n\n".join(blocks)


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None
