"""Hostile articles for `brief draft`: a clean draft or one clear error, in bounded time and memory.

Each case runs `brief draft` in a subprocess limited to 1 GiB of address space and 60 s; it must
exit 0 with a brief the schema accepts and no trace of the page's code, or exit 1 with one line.
"""

from __future__ import annotations

import gzip
import json
import random
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import BriefError
from generator.schema import Brief

from .conftest import MINIMAL_SOURCE, REPO, tree_bytes

pytest.importorskip("generator.ingest")
pytest.importorskip("generator.draft")

GIB = 1 << 30
ARTICLE = (
    "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce.\n\n"
    '"We have to act now," chief executive Jane Roe told reporters in Toronto.\n\n'
    "The company, which employs 15,000 people, expects savings of $200 million by 2026.\n"
)
PARAGRAPHS = "".join(f"<p>{p}</p>\n" for p in ARTICLE.split("\n\n"))


def page(head: str = "", body: str = PARAGRAPHS, doctype: str = "<!doctype html>") -> str:
    return f"{doctype}<html><head>{head}</head><body><article>{body}</article></body></html>"


SCRIPTS = page(
    head=(
        "<title>../../../tmp/x</title><script>alert(1)</script>"
        "<style>body{background:url(javascript:alert(2))}</style>"
        '<meta property="og:url" content="javascript:alert(3)">'
    ),
    body=(
        "<h1>Acme cuts jobs<script>alert(4)</script></h1>"
        + PARAGRAPHS.replace("</p>", ' <a href="javascript:alert(5)">more</a></p>', 1)
        + '<img src=x onerror=alert(6)><iframe srcdoc="<script>alert(7)</script>"></iframe>'
        + "<template><p>alert(8)</p></template><svg onload=alert(9)></svg>"
    ),
)
XXE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
    '<!ENTITY a "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>\n"
    + page(body=PARAGRAPHS.replace("</p>", " &xxe; &i;</p>", 1), doctype="")
)


@dataclass
class Draft:
    """An article file and what `brief draft` must answer."""

    data: bytes
    name: str = "article.html"
    error: str | None = None  # the one line on stderr, after the file name; None: a clean draft
    check: Callable[[dict, str], None] | None = None


def _no_code(brief: dict, source: str) -> None:
    text = json.dumps(brief) + source
    for n in range(1, 10):
        assert f"alert({n})" not in text
    assert "root:x:0" not in text and "onerror" not in text and "<script" not in text
    assert brief["source"].get("url") is None
    assert brief["title"] == "Acme cuts jobs"


def _no_entities(brief: dict, source: str) -> None:
    assert "root:x" not in source and "lollol" not in source


def _montreal(brief: dict, source: str) -> None:
    assert "Montréal" in source and "Ã" not in source


def _random_bytes(size: int, seed: int, alphabet: bytes | None = None) -> bytes:
    rng = random.Random(seed)
    if alphabet:
        return bytes(rng.choice(alphabet) for _ in range(size))
    return rng.randbytes(size)


LONG_TEXT = "Acme Corp said on Monday it would cut 1,200 jobs in Toronto, Jane Roe said. " * 14_000
CONTROLS = bytes(range(1, 9)) + bytes(range(14, 32))
MONTREAL = (
    "<p>Café Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its staff, "
    "in Montréal.</p>"
)

CASES: dict[str, Draft] = {
    "scripts-styles-handlers": Draft(SCRIPTS.encode(), check=_no_code),
    "xxe-and-entity-bomb": Draft(XXE.encode(), check=_no_entities),
    "gzip-bomb": Draft(
        gzip.compress(b"<p>" + b"a" * 100_000_000 + b"</p>", 9),
        error="this is a gzip archive, not a text article",
    ),
    "gzip-bomb-named-txt": Draft(
        gzip.compress(b"a" * 100_000_000, 9),
        name="article.txt",
        error="this is a gzip archive, not a text article",
    ),
    "utf8-labelled-utf16": Draft(
        page('<meta charset="utf-16">', MONTREAL).encode("utf-8"), check=_montreal
    ),
    "cp1252-labelled-utf8": Draft(
        page('<meta charset="utf-8">', MONTREAL).encode("cp1252"), check=_montreal
    ),
    "utf16-with-bom": Draft(page("", MONTREAL).encode("utf-16"), check=_montreal),
    "shift-jis-labelled-latin1": Draft(
        page(
            '<meta charset="iso-8859-1">',
            "<p>東京で株価が下落した。Acme Corp said on Monday it would cut 1,200 jobs.</p>",
        ).encode("shift_jis"),
        error="neither UTF-8 nor cp1252 text (byte 0x81); save it as UTF-8",
    ),
    "random-binary": Draft(
        _random_bytes(100_000, 1),
        name="article.txt",
        error="holds NUL bytes: a binary file, not a text article",
    ),
    "control-characters": Draft(
        _random_bytes(20_000, 2, CONTROLS + b"abc "),
        name="article.txt",
        error="17348 control characters: a binary file, not a text article",
    ),
    "png-named-html": Draft(
        b"\x89PNG\r\n\x1a\n" + _random_bytes(5_000, 3),
        error="this is a PNG image, not a text article",
    ),
    "pdf-named-txt": Draft(
        b"%PDF-1.7\n" + _random_bytes(5_000, 4),
        name="article.txt",
        error="this is a PDF document, not a text article",
    ),
    "empty": Draft(b"", name="article.txt", error="is empty"),
    "only-markup": Draft(
        page("", "<div><span></span></div>" * 10).encode(), error="holds no article text"
    ),
    "over-5-mb": Draft(
        b"a" * 5_000_001,
        name="article.txt",
        error="larger than 5,000,000 bytes; an article is far smaller (is this the right file?)",
    ),
    "five-mb-of-markup": Draft(
        page("", "<span>a</span>" * 350_000).encode(), error="holds no article text"
    ),
    "deep-nesting": Draft(
        page("", "<div>" * 50_000 + PARAGRAPHS + "</div>" * 50_000).encode(),
        error="holds no article text",
    ),
    "long-text-one-line": Draft(
        LONG_TEXT[:100_000].encode(), name="article.txt", check=lambda b, s: None
    ),
    # Markdown's raw HTML is not rendered: it stays the article's literal words, which every page
    # shows escaped (test_pages_hostile); the headline and text must still be plain lines.
    "markdown-with-html": Draft(
        (
            "# Acme <script>alert(1)</script> cuts\n\n"
            + ARTICLE
            + "\n<img src=x onerror=alert(2)>\n"
        ).encode(),
        name="article.md",
    ),
}


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def draft(path: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """`brief draft` as a user runs it, in at most 1 GiB and 60 s."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", "draft", str(path), "--date", "2025-01-06", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        timeout=60,
        preexec_fn=limit_memory,
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_article_gives_clean_draft_or_one_line(name, tmp_path):
    case = CASES[name]
    article = tmp_path / case.name
    article.write_bytes(case.data)
    result = draft(article, "--format", "json")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    if case.error is not None or result.returncode != 0:
        assert case.error is not None, stderr
        assert result.returncode == 1
        assert stderr.splitlines() == [f"{article}: {case.error}"]
        return
    brief = json.loads(result.stdout)
    Brief.model_validate(brief)  # a draft the schema accepts, whatever came in
    if case.check is not None:
        from generator.ingest import load_article

        case.check(brief, load_article(article).text)


def test_gzip_bomb_on_standard_input_is_refused(tmp_path):
    result = draft(Path("-"), "--format", "json", stdin=gzip.compress(b"a" * 50_000_000, 9))
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "standard input: this is a gzip archive, not a text article"
    ]


def test_hostile_title_cannot_place_a_bundle_outside_content(make_project):
    project = make_project({"content/acme/source.txt": MINIMAL_SOURCE})
    before = tree_bytes(project / "content")
    article = project.parent / "article.html"
    article.write_text(
        page(
            head="<title>../../../tmp/escape</title>",
            body="<h1>../../../../tmp/escape</h1>" + PARAGRAPHS,
        ),
        encoding="utf-8",
    )
    result = draft(article, "--project", str(project))
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.decode().strip())
    assert (
        written.parent == (project / "content").resolve() or written.parent == project / "content"
    )
    assert written.name.replace("-", "").isalnum() and written.name == written.name.lower()
    assert len(written.name.encode()) <= 80
    after = tree_bytes(project / "content")
    assert {k: v for k, v in after.items() if k in before} == before  # nothing existing changed
    assert not (project.parent / "tmp").exists() and not Path("/tmp/escape").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--url",
            "javascript:alert(1)",
            "--url: only http:// and https:// addresses are allowed, got 'javascript:alert(1)'",
        ),
        (
            "--url",
            "data:text/html,<script>alert(1)</script>",
            "--url: only http:// and https:// addresses are allowed, "
            "got 'data:text/html,<script>alert(1)</script>'",
        ),
        ("--date", "2025-13-45", "--date: expected YYYY-MM-DD, got '2025-13-45'"),
    ],
)
def test_hostile_options_are_refused(option, value, message, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = draft(article, option, value, "--format", "json")
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [message]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2_000)
    | st.text(max_size=2_000).map(str.encode)
    | st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "&amp;",
                "&#0;",
                "<![CDATA[",
                "]]>",
                "<h1>",
                "Acme said 1,200 jobs.",
                "\u2028",
                "\x00",
                "\xff",
                "\ufeff",
                " ",
                "\n",
            ]
        ),
        max_size=60,
    ).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
    kind=st.sampled_from(["txt", "md", "html"]),
)
def test_any_bytes_draft_or_raise_our_error(tmp_path: Path, data: bytes, kind: str):
    """The drafting pipeline in process: only the project's own error type ever escapes."""
    import datetime as dt

    from generator.draft import draft_brief
    from generator.ingest import load_article

    article = tmp_path / f"article.{kind}"
    article.write_bytes(data)
    try:
        loaded = load_article(article, kind=kind)
        draft_brief(
            loaded.text,
            title=loaded.title,
            published=dt.date(2025, 1, 6),
            url=loaded.url,
            outlet=loaded.outlet,
            author=loaded.author,
        )
    except BriefError as exc:
        assert "\n" not in exc.format_message()
