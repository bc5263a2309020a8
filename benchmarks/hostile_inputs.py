"""Time and peak memory of `brief draft` on the largest hostile inputs it accepts or refuses.

Run: python benchmarks/hostile_inputs.py   (from the repository root; takes about a minute)

Each input runs in a subprocess limited to 1 GiB of address space; the figures printed are wall
seconds and the child's peak resident memory. The issue's bound is 60 s and 1 GiB per input.
"""

from __future__ import annotations

import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCE = (
    "Acme Corp said on Monday it would cut 1,200 jobs in Toronto, chief executive Jane Roe said. "
)


def inputs() -> dict[str, tuple[str, bytes]]:
    """Name -> (file name, bytes): each just under or over a limit."""
    near_limit = (SENTENCE * (4_990_000 // len(SENTENCE)))[:4_990_000]
    return {
        "4.99 MB of text, one line": ("a.txt", near_limit.encode()),
        "4.99 MB of text, a paragraph per sentence": (
            "a.txt",
            near_limit.replace(". ", ".\n\n").encode()[:4_990_000],
        ),
        "4.8 MB of markup (560,000 elements)": ("a.html", ("<p><span>a</span>" * 280_000).encode()),
        "4.9 MB page, 120,000 short paragraphs": (
            "a.html",
            ("<p>Acme said on Monday jobs go.</p>" * 120_000).encode(),
        ),
        "gzip bomb (100 MB inside)": ("a.html", gzip.compress(b"a" * 100_000_000, 9)),
        "5,000,001 bytes": ("a.txt", b"a" * 5_000_001),
    }


def limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, (file_name, data) in inputs().items():
            path = Path(folder) / file_name
            path.write_bytes(data)
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "generator.cli", "draft", str(path),
                 "--date", "2025-01-06", "--format", "json"],
                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit,
            )  # fmt: skip
            stderr = process.stderr.read() if process.stderr else b""
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss  # KiB on Linux
            answer = (
                "draft"
                if process.returncode == 0
                else stderr.decode().strip().split(": ", 1)[-1][:70]
            )
            print(f"{name:48} {len(data):>10,} B {seconds:6.1f} s {peak / 1024:6.0f} MiB  {answer}")


if __name__ == "__main__":
    main()
