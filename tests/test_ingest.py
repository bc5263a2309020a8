"""Reading article files: encodings, refusals and markup stripped, each a clean text or a clear
error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import SourceError
from generator.ingest import MAX_ARTICLE_BYTES, load_article

ARTICLE = (
    "Acme to cut 1,200 jobs\n\n"
    "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce.\n\n"
    "\u201cWe have to act now,\u201d chief executive Jane Roe told reporters.\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
    ],
)
def test_unicode_encodings_with_and_without_a_bom_read_the_same(tmp_path, encoding, prefix):
    path = write(tmp_path, "a.txt", prefix + ARTICLE.encode(encoding))
    article = load_article(path)
    assert article.text == ARTICLE
    assert article.title == "Acme to cut 1,200 jobs"


def test_cp1252_is_decoded_with_its_curly_quotes_and_euro(tmp_path):
    text = (
        ARTICLE.replace("8%", "\u20ac5m") + "Caf\u00e9 owners \u2013 all of them \u2013 agreed.\n"
    )
    article = load_article(write(tmp_path, "a.txt", text.encode("cp1252")))
    assert "\u201cWe have to act now,\u201d" in article.text
    assert "\u20ac5m" in article.text and "Caf\u00e9" in article.text


def test_line_ends_controls_and_blank_runs_are_normalised(tmp_path):
    raw = "Title\r\n\r\n\r\n\r\nFirst\x07 para.  \r\nSecond\u0085 para.\r\n"
    article = load_article(write(tmp_path, "a.txt", raw.encode("utf-8")))
    assert article.text == "Title\n\nFirst para.\nSecond para.\n"


def test_nfc_normalisation_joins_combining_accents(tmp_path):
    article = load_article(
        write(tmp_path, "a.txt", "Mari\u0301a Jose\u0301 Catala\u0301 spoke.\n".encode())
    )
    assert "Mar\u00eda Jos\u00e9 Catal\u00e1" in article.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \r\n\t\n", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (bytes(range(256)) * 4, "NUL"),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "neither UTF-8 nor cp1252"),
    ],
)
def test_binary_and_empty_files_are_refused_with_a_clear_error(tmp_path, data, message):
    with pytest.raises(SourceError, match=message):
        load_article(write(tmp_path, "a.txt", data))


def test_a_20_mb_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.write(b"Words and more words. " * (20_000_000 // 22))
    with pytest.raises(SourceError, match=f"larger than {MAX_ARTICLE_BYTES:,} bytes"):
        load_article(path)


def test_a_missing_file_and_a_folder_are_clear_errors(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load_article(tmp_path / "nope.txt")
    with pytest.raises(SourceError, match="folder"):
        load_article(tmp_path)


SCRIPTED_PAGE = (
    """<!doctype html><html><head>
<title>Acme cuts 1,200 jobs | Daily News</title>
<meta property="og:title" content="Acme cuts 1,200 jobs">
<meta property="og:site_name" content="Daily News">
<meta property="og:url" content="javascript:alert(1)">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-01-06T10:00:00Z">
"""
    + "<script>document.write('<p>INJECTED 999 people</p>')</script>\n" * 200
    + """
<style>p { color: red }</style></head>
<body><nav><a href="/">Home</a></nav>
<article><h1>Acme cuts 1,200 jobs</h1>
<p>Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce, as sales fell
for a third year running at its plants in Springfield and Shelbyville.</p>
<script>alert("x")</script>
<p>"We have to act now," chief executive Jane Roe told reporters at the company's headquarters,
where <a href="javascript:alert(2)">staff</a> gathered <img src=x onerror=alert(3)> outside.</p>
<p>The company employs about 15,000 people and had revenue of $2.3 billion last year, according
to its annual report published in March.</p>
</article><footer>Copyright</footer></body></html>
"""
)


def test_html_full_of_script_tags_gives_the_article_text_only(tmp_path):
    article = load_article(write(tmp_path, "page.html", SCRIPTED_PAGE.encode()))
    assert "Acme Corp said on Monday it would cut 1,200 jobs" in article.text
    assert "INJECTED" not in article.text and "alert" not in article.text
    assert "<" not in article.text and "javascript" not in article.text
    assert article.title == "Acme cuts 1,200 jobs"
    assert article.published == dt.date(2025, 1, 6)
    assert article.url is None  # a javascript: address never reaches the brief
    assert article.author == "Jane Doe"


def test_html_is_recognised_on_standard_input_by_its_content(tmp_path):
    result = CliRunner().invoke(
        cli, ["draft", "-", "--format", "json", "--project", str(tmp_path)], input=SCRIPTED_PAGE
    )
    assert result.exit_code == 0, result.output
    assert "INJECTED" not in result.output


def test_a_page_of_scripts_only_is_a_clear_error(tmp_path):
    page = "<html><head>" + "<script>var a = 1;</script>" * 500 + "</head><body></body></html>"
    with pytest.raises(SourceError, match="no article text"):
        load_article(write(tmp_path, "page.html", page.encode()))


def test_markdown_keeps_words_and_drops_links_images_and_html(tmp_path):
    text = (
        "# Acme cuts jobs\n\nAcme [said](javascript:alert(1)) it will cut **1,200** jobs.\n\n"
        "![chart](http://x/y.png)\n\n<script>alert(1)</script>\n\n- Roe: *we act now*\n"
    )
    article = load_article(write(tmp_path, "a.md", text.encode()))
    assert article.title == "Acme cuts jobs"
    assert "Acme said it will cut 1,200 jobs." in article.text
    assert "javascript" not in article.text and "chart" not in article.text
    assert "Roe: we act now" in article.text


def test_a_title_like_a_path_never_becomes_one(tmp_path):
    page = SCRIPTED_PAGE.replace("Acme cuts 1,200 jobs", "../../../tmp/x")
    project = tmp_path / "project"
    project.mkdir()
    result = CliRunner().invoke(
        cli, ["draft", str(write(tmp_path, "p.html", page.encode())), "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    created = [p for p in (project / "content").iterdir()]
    assert [p.name for p in created] == ["2025-01-06-tmp-x"]
    assert not (tmp_path / "tmp").exists()


def test_a_page_is_read_in_the_encoding_it_declares_and_without_its_hidden_text(tmp_path):
    """A page that is not UTF-8 is decoded as its <meta charset> says (not as cp1252), and
    text no reader sees (hidden, display: none) is not the article's."""
    body = (
        "<p>Правительство объявило новые меры поддержки работников завода в понедельник.</p>"
        "<p hidden>Hidden text</p><p style='display: none'>Invisible text</p>"
        "<p aria-hidden='true'>Decoration</p>"
        "<p>Второй абзац статьи о мерах поддержки работников и их семей.</p>"
    )
    page = (
        '<html><head><meta charset="windows-1251"><title>Мир и труд</title></head>'
        f"<body><article><h1>Мир и труд</h1>{body}</article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1251"))
    article = load_article(path)
    assert article.title == "Мир и труд"
    assert "Правительство объявило" in article.text and "Второй абзац" in article.text
    for hidden in ("Hidden text", "Invisible text", "Decoration"):
        assert hidden not in article.text
