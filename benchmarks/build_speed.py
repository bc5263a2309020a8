"""Build speed and memory: `brief build` against bare `mkdocs build` of the same pages.

    python benchmarks/build_speed.py                 # 100, 1,000 and 5,000 briefs
    python benchmarks/build_speed.py --sizes 100 1000

For each size it makes a synthetic library (benchmarks/synthetic.py) and prints, each measured in a
fresh process: a cold `brief build` (no cache, no previous site) with the seconds of load+validate,
check, render and the MkDocs stage, pages per second and peak memory; bare `mkdocs build` of the
very pages brief rendered, with the same theme and plugins, and the ratio; then the incremental
figures: `brief build` with nothing changed, and after one brief was edited.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

CONFIG = "site_name: Bench\ntheme:\n  name: material\nplugins:\n  - search\n"


def _child(args: list[str], cwd: Path, memory: bool = False) -> tuple[float, float, str]:
    """Run a command in a fresh process; return wall seconds, its peak memory in MB, stdout.

    With `memory`, the memory is that of the whole process tree (brief forks workers): the
    largest sum, over the run, of the proportional set size (PSS) of the process and all its
    descendants, sampled every 100 ms. PSS shares pages that forked processes have in common
    among them, so the sum counts each page once. Sampling costs CPU on large processes (a
    fifth of a core every 20 ms), so runs timed for their own sake (edits) are not sampled.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        if memory:
            while process.poll() is None:
                peak = max(peak, _tree_pss_kb(process.pid))
                time.sleep(0.1)
        process.wait()
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stdout}\n{stderr}")
    return seconds, peak / 1024, stdout


def _tree_pss_kb(pid: int) -> int:
    """The summed PSS (kB) of a process and its descendants; 0 for those that already ended."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def one_build(project: Path) -> None:
    """In a child process: one build of `project`, printing its stage timings as JSON."""
    from generator.build import build_project

    started = time.perf_counter()
    result = build_project(project)
    total = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": result.mode,
                "pages": result.pages,
                "total": total,
                **result.timings,
            }
        )
    )


def _edit(brief: Path, n: int) -> None:
    text = brief.read_text()
    brief.write_text(text.replace('title: "', f'title: "Edited {"abcdefgh"[n]}: ', 1))


def serve_edits(project: Path) -> None:
    """In a child process, as `brief serve` does: a preview build, then edits rebuilt warm."""
    from generator.build import build_project, warm_up
    from generator.serve import settle

    preview = project / ".brief" / "preview"
    build_project(project, drafts=True, site_dir=preview, warm=True)
    settle(1)  # as brief serve does once a build is served
    warm_up(project, drafts=True, site_dir=preview)  # as it does once it serves (here: a no-op)
    briefs = sorted((project / "content").glob("*/brief.md"))
    times, timings = [], {}
    for n in range(5):
        _edit(briefs[len(briefs) // 3 + n], n)
        started = time.perf_counter()
        result = build_project(project, drafts=True, site_dir=preview, warm=True)
        times.append(time.perf_counter() - started)
        settle(n + 2)
        timings = result.timings
    print(json.dumps({"edits": times, "timings": timings}))


def bare_build(config: Path) -> None:
    """In a child process: plain `mkdocs build`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(config)))


def bench(size: int, work: Path) -> dict[str, float]:
    from synthetic import make_library

    project = work / f"lib-{size}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    (project / "mkdocs.yml").write_text(CONFIG)
    folders = make_library(project / "content", size)

    py = sys.executable
    me = str(Path(__file__).resolve())
    # Byte-compiled first, as pip compiles a package it installs: an environment that does not
    # write bytecode (PYTHONDONTWRITEBYTECODE) would otherwise compile brief's modules again in
    # every process, a quarter of a second that no installed brief pays.
    compileall.compile_dir(str(REPO / "generator"), quiet=1)
    wall, peak, out = _child([py, me, "--one", str(project)], project, memory=True)
    cold = json.loads(out.strip().splitlines()[-1])

    # Bare MkDocs on exactly the pages brief staged, same theme, plugins and extensions.
    staged = next((project / ".brief").glob("docs-*"))
    bare_config = project / "bare.yml"
    bare_config.write_text(
        CONFIG
        + f"docs_dir: {staged}\nsite_dir: {project / 'bare-site'}\n"
        + "markdown_extensions: [tables, md_in_html, attr_list, toc]\n"
        + "validation:\n  nav:\n    omitted_files: ignore\n"
        + "nav:\n  - Home: index.md\n"
    )
    bare_wall, bare_peak, _ = _child([py, me, "--bare", str(bare_config)], project, memory=True)

    unchanged_wall, _, out = _child(
        [py, "-m", "generator.cli", "build", "--project", str(project)], project
    )
    # The first edit after a full build also links the site's second tree; later ones do not.
    edits = []
    for n in range(3):
        _edit(folders[len(folders) // 2 + n] / "brief.md", n)
        edit_wall, _, out = _child(
            [py, "-m", "generator.cli", "build", "--project", str(project)], project
        )
        edits.append(edit_wall)
    _, _, out = _child([py, me, "--serve", str(project)], project)
    serve = json.loads(out.strip().splitlines()[-1])

    ours = cold["load"] + cold["check"] + cold["render"]
    return {
        "briefs": size,
        "pages": cold["pages"],
        "load_validate_s": cold["load"],
        "check_s": cold["check"],
        "render_s": cold["render"],
        "own_stages_briefs_per_s": size / ours if ours else 0.0,
        "mkdocs_stage_s": cold["mkdocs"],
        "total_s": wall,
        "pages_per_s": cold["pages"] / wall,
        "peak_mb": peak,
        "bare_mkdocs_s": bare_wall,
        "bare_mkdocs_peak_mb": bare_peak,
        "ratio_to_bare": wall / bare_wall,
        "unchanged_s": unchanged_wall,
        "first_edit_s": edits[0],
        "one_edit_s": sorted(edits[1:])[0],
        "one_edit_serve_s": sorted(serve["edits"])[len(serve["edits"]) // 2],
        "serve_timings": serve["timings"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="build the libraries here and keep them")
    args = parser.parse_args()
    if args.one:
        one_build(args.one)
        return
    if args.bare:
        bare_build(args.bare)
        return
    if args.serve:
        serve_edits(args.serve)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="brief-bench-"))
    rows = []
    try:
        for size in sorted(args.sizes):
            row = bench(size, work)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    columns = [
        ("briefs", "briefs", "{:>7}"),
        ("pages", "pages", "{:>6}"),
        ("load", "load_validate_s", "{:>6.2f}"),
        ("check", "check_s", "{:>6.2f}"),
        ("render", "render_s", "{:>6.2f}"),
        ("own/s", "own_stages_briefs_per_s", "{:>7.0f}"),
        ("mkdocs", "mkdocs_stage_s", "{:>7.2f}"),
        ("total", "total_s", "{:>7.2f}"),
        ("pages/s", "pages_per_s", "{:>8.0f}"),
        ("peak MB", "peak_mb", "{:>8.0f}"),
        ("bare MB", "bare_mkdocs_peak_mb", "{:>8.0f}"),
        ("bare", "bare_mkdocs_s", "{:>7.2f}"),
        ("ratio", "ratio_to_bare", "{:>6.2f}"),
        ("unchanged", "unchanged_s", "{:>9.2f}"),
        ("1st edit", "first_edit_s", "{:>8.2f}"),
        ("1 edit", "one_edit_s", "{:>7.2f}"),
        ("serve", "one_edit_serve_s", "{:>6.2f}"),
    ]
    widths = [len(fmt.format(0)) for _, _, fmt in columns]
    print(
        " ".join(f"{title:>{width}}" for (title, _, _), width in zip(columns, widths, strict=True))
    )
    for row in rows:
        print(" ".join(fmt.format(row[key]) for _, key, fmt in columns))


if __name__ == "__main__":
    main()
