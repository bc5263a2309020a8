"""Print what the LLM grounding gate costs: grading a careful reply for each shared article.

The reply is the rules' own draft written as a model would answer (figures by candidate id), so
the figures show the gate's cost per article next to a model's seconds per request, and how many
items it refuses (none is the goal: the gate must not drop what the rules ground).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from generator.draft import draft_brief
from generator.ingest import load_article
from generator.llm import ArticleFacts, Grader, Ledger, find_windows
from generator.schema import Brief

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO.parent / "shared" / "articles"


def reply_from(brief: Brief, facts: ArticleFacts) -> dict[str, Any]:
    def candidate(figure: Any) -> str:
        start, end = figure.evidence.start, figure.evidence.end
        for key, number in facts.candidates.items():
            if number.as_written == figure.as_written and start <= number.start < end:
                return key
        return "none"

    data = brief.model_dump(mode="json", exclude_none=True)
    for name in ("parties", "actions", "quotes", "outlook"):
        for item in data[name]:
            item["evidence"] = item["evidence"]["text"]
            item.pop("basis", None)
    data["numbers"] = [
        {"candidate": candidate(f), "measures": f.measures, "evidence": f.evidence.text}
        | ({"party": f.party} if f.party else {})
        | ({"currency": f.currency} if f.currency else {})
        for f in brief.numbers
    ]
    for name in ("schema_version", "slug", "date", "status", "source", "notes"):
        data.pop(name, None)
    return data


def main() -> None:
    paths = sorted(ARTICLES.glob("*.txt"))
    if not paths:
        print(f"no articles in {ARTICLES}")
        return
    total_items = total_refused = 0
    total_time = 0.0
    windows = 0
    for path in paths:
        article = load_article(path)
        published = article.published or dt.date(2025, 1, 6)
        brief = draft_brief(
            article.text, title=article.title, published=published, url=None, outlet=None,
            author=None,
        )  # fmt: skip
        facts = ArticleFacts.of(article.text, article.title, brief.date, published)
        reply = reply_from(brief, facts)
        started = time.perf_counter()
        grader = Grader(facts, Ledger(), "")
        refused = grader.regrade(grader.grade(reply))
        total_time += time.perf_counter() - started
        total_items += grader.ledger.count + len(refused)
        total_refused += len(refused)
        windows += len(find_windows(article.text))
    print(f"articles: {len(paths)}, windows of 6,000 characters: {windows}")
    print(f"items graded: {total_items}, refused: {total_refused}")
    print(f"grading: {total_time / len(paths) * 1000:.1f} ms per article (mean)")


if __name__ == "__main__":
    main()
