"""Score `brief draft` against the hand-made gold of tests/gold/ and time it on one core.

Prints recall and precision per kind (numbers, parties, quotes, quote speakers) and articles
per second. Run from the project root: `python benchmarks/draft_quality.py`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from generator.draft import draft_brief  # noqa: E402
from generator.ingest import article_from_text  # noqa: E402
from generator.schema import Brief  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
ARTICLES = ROOT.parent / "shared" / "articles"


def load_gold() -> list[dict]:
    yaml = YAML(typ="safe")
    return [
        yaml.load(path.read_text(encoding="utf-8")) | {"file": path.name}
        for path in sorted(GOLD_DIR.glob("*.yaml"))
    ]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def match_numbers(found: list[str], gold: list[str]) -> tuple[int, int, int]:
    """(true positives, found, gold): equal text, or one holding the other with the same digits."""
    found_left = [_norm(f) for f in dict.fromkeys(_norm(f) for f in found)]
    gold_left = [_norm(g) for g in dict.fromkeys(_norm(g) for g in gold)]
    total_found, total_gold = len(found_left), len(gold_left)
    hits = 0
    for exact in (True, False):
        for g in list(gold_left):
            for f in found_left:
                same = (
                    f == g
                    if exact
                    else (f in g or g in f) and (_digits(f) == _digits(g) or not _digits(g))
                )
                if same:
                    hits += 1
                    gold_left.remove(g)
                    found_left.remove(f)
                    break
    return hits, total_found, total_gold


def match_parties(brief: Brief, gold: list[str]) -> tuple[int, int, int]:
    gold_sets = [{_norm(n) for n in entry.split("|")} for entry in gold]
    found_sets = [{_norm(p.name), *(_norm(a) for a in p.aliases)} for p in brief.parties]
    hits = 0
    used: set[int] = set()
    for names in gold_sets:
        for index, found in enumerate(found_sets):
            if index not in used and names & found:
                used.add(index)
                hits += 1
                break
    return hits, len(found_sets), len(gold_sets)


def match_quotes(brief: Brief, gold: list[dict]) -> tuple[int, int, int, int]:
    """(recalled, found, gold, recalled with the right speaker)."""
    names = {p.id: {_norm(p.name), *(_norm(a) for a in p.aliases)} for p in brief.parties}
    hits = right = 0
    matched: set[int] = set()
    for entry in gold:
        opening = _norm(entry["opens"])
        for index, quote in enumerate(brief.quotes):
            if index not in matched and _norm(quote.text).startswith(opening):
                matched.add(index)
                hits += 1
                speaker = _norm(entry["speaker"])
                if speaker in names.get(quote.speaker, set()) or any(
                    speaker.endswith(n) for n in names.get(quote.speaker, set())
                ):
                    right += 1
                break
    return hits, len(brief.quotes), len(gold), right


def score(
    gold: dict, path: Path
) -> tuple[tuple[str, str | None, dt.date], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Draft one gold article: its (text, title, date) and its numbers, parties, quotes matched."""
    article = article_from_text(path.read_text(encoding="utf-8"))
    published = dt.date.fromisoformat(str(gold["published"]))
    brief = draft_brief(
        article.text,
        title=article.title,
        published=published,
        url=None,
        outlet=None,
        author=None,
    )
    n = match_numbers([f.as_written for f in brief.numbers], gold.get("numbers") or [])
    p = match_parties(brief, gold.get("parties") or [])
    q = match_quotes(brief, gold.get("quotes") or [])
    return (article.text, article.title, published), n, p, q


def main() -> None:
    golds = load_gold()
    texts: list[tuple[str, str | None, dt.date]] = []
    totals = {k: [0, 0, 0] for k in ("numbers", "parties", "quotes")}
    speakers = 0
    rows = []
    for gold in golds:
        path = ARTICLES / gold["article"]
        if not path.is_file():
            print(f"skipped {gold['article']}: not in {ARTICLES}")
            continue
        article, n, p, q = score(gold, path)
        texts.append(article)
        for key, value in (("numbers", n), ("parties", p), ("quotes", q[:3])):
            for i in range(3):
                totals[key][i] += value[i]
        speakers += q[3]
        rows.append((gold["article"][:40], n, p, q))
    if "-v" in sys.argv:
        for name, n, p, q in rows:
            print(
                f"{name:42} numbers {n[0]}/{n[1]}/{n[2]}  parties {p[0]}/{p[1]}/{p[2]}  "
                f"quotes {q[0]}/{q[1]}/{q[2]}"
            )
    print(f"{'kind':10} {'recall':>8} {'precision':>10}   (hits / found / gold)")
    for key, (hits, found, gold_count) in totals.items():
        recall = hits / gold_count if gold_count else 1.0
        precision = hits / found if found else 1.0
        print(f"{key:10} {recall:8.1%} {precision:10.1%}   ({hits} / {found} / {gold_count})")
    quote_hits = totals["quotes"][0]
    print(
        f"{'speakers':10} {speakers / quote_hits if quote_hits else 1:8.1%} {'':10}   "
        "(right speaker among recalled quotes)"
    )
    # Speed on one core: draft every article, several rounds, after one warm-up round. The
    # figure is CPU time of this process (one core), which other work on the machine disturbs
    # less than the wall clock; both are printed.
    rounds = 10
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for text, title, published in texts:
            draft_brief(text, title=title, published=published, url=None, outlet=None, author=None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = rounds * len(texts)
    words = sum(len(t.split()) for t, _, _ in texts) * rounds
    print(
        f"speed: {count / cpu:.0f} articles/s on one core ({words / cpu:,.0f} words/s; "
        f"{count / wall:.0f} articles/s by the wall clock) over {count} drafts"
    )


if __name__ == "__main__":
    main()
