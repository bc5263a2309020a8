"""Sizes of the party pages of a synthetic library, and what an edit of one brief re-renders.

    python benchmarks/party_pages.py [N]

Makes N synthetic briefs (default 1,000), renders every page (no MkDocs) and prints the largest
`parties/` pages; then edits the most-named party's newest and oldest briefs and adds a brief,
rendering again with the last render's keys after each, and prints how many party pages (and how
many bytes of Markdown, which MkDocs would rebuild) each change re-rendered.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
START = dt.date(2023, 1, 1)  # as synthetic.make_library

from synthetic import _pool, make_brief, make_library  # noqa: E402

from generator.content import load_library  # noqa: E402
from generator.render import render_pages  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        folders = make_library(content, count)
        library = load_library(content)
        started = time.perf_counter()
        pages = render_pages(library, None, "Benchmark")
        rendered = time.perf_counter() - started
        parties = {
            p.path: len((p.text or "").encode()) for p in pages if p.path.startswith("parties/")
        }
        print(f"{len(library.bundles)} briefs, {len(pages)} pages, render {rendered:.2f} s")
        print(f"party pages: {len(parties)}, {sum(parties.values()) / 1e6:.2f} MB in all")
        for path, size in sorted(parties.items(), key=lambda item: -item[1])[:5]:
            print(f"  {size / 1e3:7.1f} KB  {path}")

        # Edits of the most-named party's newest and oldest briefs, and a brief added.
        index = library.party_index
        assert index is not None
        busiest = max(index.briefs, key=lambda party_id: len(index.briefs[party_id]))
        print(f"most-named party: {busiest!r}, {len(index.briefs[busiest])} briefs")
        folders_by_slug = {f.name: f for f in folders}
        for what, slug in [
            ("edit its newest brief", index.briefs[busiest][0]),
            ("edit its oldest brief", index.briefs[busiest][-1]),
            ("add a brief", None),
        ]:
            if slug is None:
                rng = random.Random(count)
                slug, text, source = make_brief(count, rng, _pool(random.Random(7)), START)
                (content / slug).mkdir()
                (content / slug / "brief.md").write_text(text, encoding="utf-8")
                (content / slug / "source.txt").write_text(source, encoding="utf-8")
            else:
                brief = folders_by_slug[slug] / "brief.md"
                text = brief.read_text(encoding="utf-8")
                brief.write_text(text.replace('title: "', 'title: "Edited: ', 1), encoding="utf-8")
            known = {p.path: p.key for p in pages if p.key}
            pages = render_pages(load_library(content), None, "Benchmark", known)
            redone = [p.text for p in pages if p.text is not None and p.path.startswith("parties/")]
            size = sum(len(text.encode()) for text in redone if text is not None)
            print(f"{what}: {len(redone)} party pages re-rendered, {size / 1e3:.1f} KB")


if __name__ == "__main__":
    main()
