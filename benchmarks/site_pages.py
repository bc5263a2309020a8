"""Time rendering the pages across briefs for a large library: the Calder briefs copied N times.

    python benchmarks/site_pages.py [N]

Prints the number of briefs and pages and the seconds spent loading and rendering (no MkDocs).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.content import load_library  # noqa: E402
from generator.render import render_pages  # noqa: E402

LIBRARY = ROOT / "tests" / "fixtures" / "library"


def make_library(target: Path, copies: int) -> None:
    """`copies` copies of every Calder bundle, each under its own slug and year."""
    for copy in range(copies):
        for bundle in sorted(LIBRARY.iterdir()):
            if not bundle.is_dir():
                continue
            folder = target / f"{bundle.name}-{copy}"
            shutil.copytree(bundle, folder)
            brief = folder / "brief.md"
            text = brief.read_text(encoding="utf-8")
            brief.write_text(
                re.sub(r"^tags: \[", f"tags: [batch {copy % 50}, ", text, flags=re.M),
                encoding="utf-8",
            )
    shutil.copy(LIBRARY / "parties.yaml", target / "parties.yaml")


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        make_library(content, copies)
        started = time.perf_counter()
        library = load_library(content)
        loaded = time.perf_counter()
        pages = render_pages(library, None, "Benchmark")
        rendered = time.perf_counter()
    print(f"{len(library.bundles)} briefs, {len(pages)} pages")
    print(f"load   {loaded - started:6.2f} s")
    print(f"render {rendered - loaded:6.2f} s")


if __name__ == "__main__":
    main()
