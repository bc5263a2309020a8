"""The drafter against the hand-made gold of tests/gold/: the issue's quality targets hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "articles"


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "draft_quality", REPO / "benchmarks" / "draft_quality.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="shared articles absent")
def test_recall_and_precision_meet_the_targets_on_the_gold_set():
    bench = _benchmark()
    totals = {"numbers": [0, 0, 0], "parties": [0, 0, 0], "quotes": [0, 0, 0]}
    right = 0
    for gold in bench.load_gold():
        _, numbers, parties, quotes = bench.score(gold, ARTICLES / gold["article"])
        found = {"numbers": numbers, "parties": parties, "quotes": quotes}
        for kind, counts in found.items():
            for i in range(3):
                totals[kind][i] += counts[i]
        right += found["quotes"][3]
    hits, found_count, gold_count = totals["numbers"]
    assert hits / gold_count >= 0.95 and hits / found_count >= 0.95
    hits, _, gold_count = totals["parties"]
    assert hits / gold_count >= 0.90
    hits, _, gold_count = totals["quotes"]
    assert hits / gold_count >= 0.90
    assert right / hits >= 0.90  # recalled quotes carry the right speaker


def test_gold_files_hold_annotations_only():
    for path in sorted((REPO / "tests" / "gold").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert len(text) < 4000, path.name  # lists of numbers, names and openings, no article text
