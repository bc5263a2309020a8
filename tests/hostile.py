"""A library of briefs whose every free-text field, and whose source, holds script payloads."""

from __future__ import annotations

import json
from pathlib import Path

# Each payload names a number (alert(N)) so that a dialog, if one ever fires, says which it was.
# Line-safe payloads may go in one-line fields; the others only where text may span lines.
LINE_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[x](javascript:alert(3))",
    "javascript:alert(4)",
    '" onmouseover="alert(5)',
    "' onfocus='alert(6)' autofocus='",
    "{{ 7*7 }}",
    "{% raw %}",
    "{# comment #}",
    "| a | b |",
    "</textarea><script>alert(8)</script>",
    "]]><script>alert(9)</script>",
    "<!-- open comment",
    "</script><script>alert(10)</script>",
    "&lt;script&gt;alert(11)&lt;/script&gt;",
    "&#60;script&#62;alert(12)&#60;/script&#62;",
    "data:text/html,<script>alert(13)</script>",
    "vbscript:msgbox(14)",
    "<svg onload=alert(15)>",
    '<a href="javascript:alert(16)">link</a>',
    '{: onclick="alert(17)" }',
    '<div markdown="1">*alert(18)*</div>',
    '<iframe srcdoc="<script>alert(19)</script>"></iframe>',
    "<details open ontoggle=alert(20)>",
    "![x](javascript:alert(21))",
    "<javascript:alert(22)>",
    "${alert(23)}",
    "`<script>alert(24)</script>`",
    "\\<script>alert(25)\\</script>",
    "javascript&colon;alert(26)",
    '<math><mi xlink:href="javascript:alert(27)">x</mi></math>',
    '<base href="javascript:alert(28)//">',
    "<style>@import 'javascript:alert(29)'</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(30)">',
    "*a* _b_ **c** ~~d~~ ^e^ ==f== :smile: $x$",
    "[^note]",
    '<form action="javascript:alert(31)"><button>go</button></form>',
    "&quot; onmouseover=&quot;alert(32)",
    "line\u2028separator\u2029paragraph <script>alert(33)</script>",
]
BLOCK_PAYLOADS = [
    "\n# heading injected\n",
    "line one\u2028line two\u2029line three",
    "\n\n<script>alert(40)</script>\n\n",
    "\n| x | y |\n| --- | --- |\n| <img src=x onerror=alert(41)> | z |\n",
    "\n```\n</code></pre><script>alert(42)</script>\n```\n",
    "\n[r]: javascript:alert(43)\n[click][r]\n",
    "\n{% for x in range(3) %}{{ x }}{% endfor %}\n",
    "\n- list\n\n    indented <script>alert(44)</script>\n",
]
PAYLOADS = LINE_PAYLOADS + BLOCK_PAYLOADS
MARKERS = [f"alert({n})" for n in range(1, 45)]

SOURCE_PROSE = (
    "Acme Corp said on Monday it would spend $1.4 billion on new plants.\n"
    "The first of them will open in June.\n"
    '"We have to act now," chief executive Jane Roe told reporters.\n'
)


def pick(payloads: list[str], seed: int, count: int = 4) -> str:
    """`count` payloads starting at `seed`, joined by spaces."""
    return " ".join(payloads[(seed + k) % len(payloads)] for k in range(count))


# The same library with plain words in place of payloads: what the generator and theme emit on
# their own, so that a scan can tell their markup from markup a payload made.
_WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
]
BENIGN_LINE = [f"{_WORDS[n % 10]} {_WORDS[n // 10 % 10]} words" for n in range(len(LINE_PAYLOADS))]
BENIGN_BLOCK = [f"{_WORDS[n % 10]} block words" for n in range(len(BLOCK_PAYLOADS))]


def hostile_source(benign: bool = False) -> str:
    """The article: every payload on a line of its own, then prose the figures cite."""
    payloads = BENIGN_LINE + BENIGN_BLOCK if benign else PAYLOADS
    return (
        "\n".join(p.replace("\n", " ") if "\n" in p.strip() else p for p in payloads)
        + "\n"
        + SOURCE_PROSE
    )


def _q(text: str) -> str:
    # JSON strings are YAML 1.2 double-quoted scalars; \u escapes keep every byte printable.
    return json.dumps(text, ensure_ascii=True)


def hostile_brief(index: int, status: str = "published", benign: bool = False) -> str:
    """A brief whose every free-text field holds payloads; offsets vary so fields see them all."""
    n = 0
    line_payloads = BENIGN_LINE if benign else LINE_PAYLOADS
    payloads = BENIGN_LINE + BENIGN_BLOCK if benign else PAYLOADS

    def line() -> str:
        nonlocal n
        n += 1
        return _q(pick(line_payloads, index * 11 + n * 3))

    def text() -> str:
        nonlocal n
        n += 1
        return _q(pick(payloads, index * 7 + n * 5, 5))

    def evidence() -> str:
        nonlocal n
        n += 1
        return _q(line_payloads[(index * 5 + n) % len(line_payloads)])

    title = _q(pick(line_payloads, index * 13, 6))
    quote_text = line_payloads[(index + 3) % len(line_payloads)]
    tags = ", ".join(_q(line_payloads[(index + k) % len(line_payloads)].lower()) for k in range(3))
    return f"""\
---
title: {title}
slug: hostile-{index}
date: 2025-01-0{index + 1}
status: {status}
source:
  outlet: {line()}
  author: {line()}
  title: {line()}
  url: "https://example.com/{index}/{"plain" if benign else "javascript:alert(1)?q=%3Cscript%3E#x"}"
bottom_line: {text()}
key_points:
  - {text()}
  - {text()}
why_it_matters: {text()}
parties:
  - id: acme
    name: {line()}
    kind: organization
    role: {line()}
    aliases: [{line()}, {line()}]
    stance: {text()}
    evidence: {evidence()}
  - id: roe
    name: {line()}
    kind: person
    evidence: {evidence()}
actions:
  - actor: acme
    action: {line()}
    target: roe
    date: 2025-01
    status: announced
    evidence: {evidence()}
numbers:
  - as_written: $1.4 billion
    kind: money
    value: 1400000000
    currency: USD
    unit: {line()}
    measures: {line()}
    party: acme
    evidence: would spend $1.4 billion on new plants
outlook:
  - what: {line()}
    trigger: {line()}
    kind: open_question
    basis: editor_judgment
  - what: {line()}
    when: 2025-06
    kind: scheduled
    evidence: {evidence()}
quotes:
  - speaker: roe
    text: {_q(quote_text)}
    channel: {line()}
    evidence: {_q(quote_text)}
tags: [{tags}]
---

{notes_body(benign)}
"""


def notes_body(benign: bool = False) -> str:
    """The analyst's Markdown: every payload, plus the Markdown-only tricks."""
    if benign:
        return "\n\n".join(BENIGN_LINE + BENIGN_BLOCK + ["[click](https://example.com/)"] * 10)
    tricks = [
        "[click](javascript:alert(50))",
        "[click](JaVaScRiPt:alert(51))",
        "[click](java\tscript:alert(52))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCg1Myk8L3NjcmlwdD4=)",
        "[click](vbscript:msgbox(54))",
        '<https://example.com/"onmouseover="alert(55)>',
        '![img](x" onerror="alert(56))',
        "[ref][bad]\n\n[bad]: javascript:alert(57)",
        "<div onclick=alert(58)>raw html</div>",
        "{{ 7*7 }} and {% raw %} and {# c #}",
    ]
    return "\n\n".join(PAYLOADS + tricks)


def write_hostile_library(project: Path, briefs: int = 3, benign: bool = False) -> list[str]:
    """Write `briefs` hostile bundles (the last a draft) under project/content; return their
    slugs."""
    slugs = []
    for index in range(briefs):
        folder = project / "content" / f"hostile-{index}"
        folder.mkdir(parents=True, exist_ok=True)
        status = "draft" if index == briefs - 1 and briefs > 1 else "published"
        (folder / "brief.md").write_text(hostile_brief(index, status, benign), encoding="utf-8")
        (folder / "source.txt").write_text(hostile_source(benign), encoding="utf-8")
        slugs.append(f"hostile-{index}")
    return slugs
