"""Print how long proving and rendering the proof take: the seed brief, and a large article."""

from __future__ import annotations

import time
from pathlib import Path

from generator.check import check_bundle
from generator.content import load_library
from generator.proof import Item, find_span_ids, render_proof, render_source_view
from generator.schema import Span

REPO = Path(__file__).resolve().parent.parent


def timed(label: str, repeat: int, action: object) -> None:
    started = time.perf_counter()
    for _ in range(repeat):
        action()  # type: ignore[operator]
    print(f"{label}: {(time.perf_counter() - started) / repeat * 1000:.1f} ms")


def main() -> None:
    (bundle,) = load_library(REPO / "content").bundles
    timed("check_bundle, seed brief", 20, lambda: check_bundle(bundle))
    problems = check_bundle(bundle)
    timed(
        "render_proof, seed brief (findings given)",
        20,
        lambda: render_proof(bundle, "full", problems),
    )
    sentence = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "
    text = "\n\n".join(sentence * 3 for _ in range(4000))
    items = [
        Item("numbers", i, f"figure: {i}", Span(text=text[s : s + 200], start=s, end=s + 200), True)
        for i, s in enumerate((i * 2003) % (len(text) - 300) for i in range(500))
    ]
    ids = find_span_ids(items)
    print(f"large article: {len(text):,} characters, {len(items)} overlapping spans")
    timed("render_source_view, full", 3, lambda: render_source_view(text, items, ids, "full"))
    timed(
        "render_source_view, evidence", 3, lambda: render_source_view(text, items, ids, "evidence")
    )


if __name__ == "__main__":
    main()
