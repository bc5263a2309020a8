"""Builds that fail, collide or die: the last good site/ stays byte for byte, and content/ too."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import site
from generator.build import build_project
from generator.content import _load_chunk
from generator.errors import BriefError

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, REPO, tree_bytes

TITLE = "title: Acme to cut 1,200 jobs"


def brief_cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args, "--project", str(project)]


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        brief_cli(project, "build", *args), cwd=REPO, capture_output=True, text=True, timeout=120
    )


def retitle(project: Path, title: str) -> None:
    brief = project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(MINIMAL_BRIEF.replace(TITLE, f"title: {title}"), encoding="utf-8")


def test_second_build_fails_while_the_lock_is_held(minimal_project):
    project = minimal_project
    assert run_build(project).returncode == 0
    before_site = tree_bytes(project / "site")
    retitle(project, "A title the locked build must not publish")
    before_content = tree_bytes(project / "content")
    lock_path = project / site.STATE_DIR / "build.lock"
    with lock_path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        blocked = run_build(project)
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert blocked.returncode == 1
    assert blocked.stderr.strip().splitlines() == [
        "another `brief build` is running in this project; try again when it ends"
    ]
    assert tree_bytes(project / "site") == before_site
    assert tree_bytes(project / "content") == before_content
    assert run_build(project).returncode == 0
    assert (
        b"A title the locked build must not publish"
        in (project / "site" / "index.html").read_bytes()
    )


def test_builds_cannot_interleave_in_one_process(minimal_project):
    settings = site.load_settings(minimal_project)
    with (
        site.build_lock(settings),
        pytest.raises(BriefError, match="another `brief build` is running"),
    ):
        build_project(minimal_project)


def test_failed_build_leaves_previous_site(minimal_project):
    project = minimal_project
    build_project(project)
    before = tree_bytes(project / "site")
    retitle(project, "Acme cut 9,999 jobs")  # a number the source does not hold: the build stops
    result = run_build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("the previous site is unchanged.")
    assert tree_bytes(project / "site") == before


def test_mkdocs_failure_leaves_previous_site(minimal_project):
    project = minimal_project
    build_project(project)
    before = tree_bytes(project / "site")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "markdown_extensions:\n  - no_such_extension\n"
    )
    result = run_build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert tree_bytes(project / "site") == before
    assert not list(project.glob(".site.build-*"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{% if %}", "template: Expected an expression, got 'end of statement block'"),
        ("{{ brief.nonexistent.deeper }}", "template: 'generator.schema.Brief object' has no"),
        ("{{ brief.title | int(1, 2, 3) }}", "template: TypeError: do_int() takes"),
    ],
)
def test_a_mistake_in_a_project_template_is_its_path_and_line(minimal_project, line, message):
    """A template the project overrides is the user's: its mistake is reported at its line,
    with no traceback, and the last site stays."""
    project = minimal_project
    build_project(project)
    before = tree_bytes(project / "site")
    template = project / "templates" / "brief.md.j2"
    template.parent.mkdir()
    default = (REPO / "templates" / "brief.md.j2").read_text(encoding="utf-8")
    template.write_text(default + line + "\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{template}:{len(default.splitlines()) + 1}: {message}"), lines
    assert lines[-1].endswith("the previous site is unchanged.")
    assert tree_bytes(project / "site") == before


def test_a_site_dir_holding_other_files_is_refused_not_emptied(minimal_project, tmp_path):
    """A build replaces its whole site folder: a folder that is not a built site (a thesis, a
    home folder) is refused, untouched; a new folder, an empty one or a built site is used."""
    project = minimal_project
    mine = project / "mydocs"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious", encoding="utf-8")
    for folder in (mine, tmp_path / "outside"):
        folder.mkdir(exist_ok=True)
        (folder / "keep.txt").write_text("keep", encoding="utf-8")
        result = run_build(project, "--site-dir", str(folder))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "holds files that are not a built site" in result.stderr
        assert (folder / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_build(project, "--site-dir", str(empty)).returncode == 0
    assert (empty / "index.html").is_file()
    retitle(project, "Acme to cut 1,200 jobs now")
    assert run_build(project, "--site-dir", str(empty)).returncode == 0  # a built site: replaced


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _lock_is_free(project: Path) -> bool:
    with (project / ".brief" / "build.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_killed_build_leaves_no_worker_holding_the_lock(make_project):
    """Kill a build while its worker processes run: they die with it, and the next build is
    not told that another one is running."""
    files = {}
    for n in range(100):  # enough unloaded briefs for the load to use worker processes
        files[f"content/2025-01-06-acme-{n}/brief.md"] = MINIMAL_BRIEF
        files[f"content/2025-01-06-acme-{n}/source.txt"] = MINIMAL_SOURCE
    project = make_project(files)
    process = subprocess.Popen(
        brief_cli(project, "build"), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(process.pid)
    assert workers, "the build forked no worker to kill it under"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 10
    alive = workers
    while time.monotonic() < deadline:
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
        if not alive and _lock_is_free(project):
            break
        time.sleep(0.05)
    assert alive == [] and _lock_is_free(project)
    assert run_build(project).returncode == 0


@pytest.mark.parametrize("edit", [False, True], ids=["full build", "edit"])
def test_ctrl_c_stops_a_build_and_its_processes_without_a_traceback(make_project, edit):
    """Ctrl-C reaches every process of the build (the terminal signals the whole group): the
    build stops, its worker processes with it, each without a traceback of its own, and the
    site and the next build are as before."""
    files = {}
    for n in range(100):
        files[f"content/2025-01-06-acme-{n}/brief.md"] = MINIMAL_BRIEF
        files[f"content/2025-01-06-acme-{n}/source.txt"] = MINIMAL_SOURCE
    project = make_project(files)
    if edit:
        assert run_build(project).returncode == 0
        brief = project / "content" / "2025-01-06-acme-7" / "brief.md"
        brief.write_text(brief.read_text().replace("Acme to cut", "Acme is to cut"))
    before = tree_bytes(project / "site") if edit else {}
    process = subprocess.Popen(
        brief_cli(project, "build"),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and process.poll() is None and time.monotonic() < deadline:
        children = _children(process.pid)  # seen once: a short-lived one may be gone again
        time.sleep(0.005)
    assert children, "the build forked no process to interrupt"
    time.sleep(0.2)  # into their work
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "Process " not in err, err
    assert not list(project.glob(".site.build-*"))
    if process.returncode != 0 and edit:  # stopped (a quick edit may finish first)
        assert tree_bytes(project / "site") == before
    assert run_build(project).returncode == 0


def _interrupted(work):
    """`work`, after the process it runs in is sent Ctrl-C's signal."""

    def run(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return work(*args, **kwargs)

    return run


def _load_chunk_interrupted(*args):
    """A load worker's task, sent by name (its pool pickles it), after Ctrl-C's signal."""
    os.kill(os.getpid(), signal.SIGINT)
    return _load_chunk(*args)


def test_forked_processes_leave_ctrl_c_to_the_build(make_project, monkeypatch):
    """Every process a build forks ignores SIGINT: the build's own process stops them."""
    from generator import content
    from generator.processes import run_forked

    assert run_forked(_interrupted(lambda x: x * 2), [1, 2], 2) == [2, 4]
    files = {}
    for n in range(100):  # enough unloaded briefs for the load to use worker processes
        files[f"content/2025-01-06-acme-{n}/brief.md"] = MINIMAL_BRIEF
        files[f"content/2025-01-06-acme-{n}/source.txt"] = MINIMAL_SOURCE
    project = make_project(files)
    monkeypatch.setattr(content, "_load_chunk", _load_chunk_interrupted)
    assert build_project(project).mode == "full"
    monkeypatch.setattr(site, "_edit_build", _interrupted(site._edit_build))
    brief = project / "content" / "2025-01-06-acme-7" / "brief.md"
    brief.write_text(brief.read_text().replace("Acme to cut", "Acme is to cut"))
    assert build_project(project).mode == "incremental"


def test_recover_finishes_a_swap_cut_between_its_two_renames(tmp_path):
    site_dir = tmp_path / "site"
    old = tmp_path / ".site.old"
    old.mkdir()
    (old / "index.html").write_text("last good", encoding="utf-8")
    (tmp_path / ".site.build-x1").mkdir()
    site.recover(site_dir)
    assert (site_dir / "index.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_recover_drops_the_old_copy_when_the_swap_finished(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("new", encoding="utf-8")
    (tmp_path / ".site.old").mkdir()
    site.recover(tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_sigkill_at_any_moment_leaves_the_last_good_site(minimal_project, tmp_path):
    """Kill `brief build` at moments spread over a whole build; site/ is always a whole site."""
    project = minimal_project
    assert run_build(project).returncode == 0
    # Each kill lands in an edit's build: its length is measured on one, not asserted.
    retitle(project, "Acme version zero")
    started = time.monotonic()
    assert run_build(project).returncode == 0
    duration = time.monotonic() - started  # where to aim the kills
    content_before = tree_bytes(project / "content")
    good = tree_bytes(project / "site")
    rng = random.Random(8)
    kills = 6
    outcomes: list[str] = []
    for n in range(kills):
        retitle(project, f"Acme version {'abcdefghij'[n]}")
        # One random moment inside each sixth of the build, from interpreter start to the swap.
        delay = duration * (n + rng.random()) / kills
        process = subprocess.Popen(
            brief_cli(project, "build"), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        after = tree_bytes(project / "site")
        if process.returncode == -signal.SIGKILL and after == good:
            outcomes.append("previous")
            continue
        # The build got to its swap before the kill: then site/ must be that whole new site.
        assert process.returncode in (0, -signal.SIGKILL), (
            process.stderr.read() if process.stderr else ""
        )
        reference = tmp_path / f"reference-{n}"
        assert run_build(project, "--site-dir", str(reference)).returncode == 0
        assert after == tree_bytes(reference), f"kill {n} after {delay:.2f}s left a mixed site"
        good = after
        outcomes.append("new")
    assert outcomes.count("previous") >= kills // 2, outcomes
    retitle(project, "Acme after the kills")
    final = run_build(project)
    assert final.returncode == 0, final.stderr
    assert b"Acme after the kills" in (project / "site" / "index.html").read_bytes()
    # Abandoned build folders are cleaned up (the last old site may still be in the trash,
    # which a detached process empties).
    assert [p.name for p in project.glob(".site.*") if ".trash-" not in p.name] == []
    assert {k: v for k, v in tree_bytes(project / "content").items() if "brief.md" not in k} == {
        k: v for k, v in content_before.items() if "brief.md" not in k
    }
    print(f"build {duration:.2f}s; kills: {outcomes}")


@pytest.mark.parametrize(
    "rel",
    [
        "../escape.md",
        "briefs/../../escape.md",
        "/etc/passwd",
        "briefs/.hidden.md",
        "a\nb.md",
        "briefs//x.md",
        "",
        "briefs/x.md\x00",
    ],
)
def test_page_paths_cannot_leave_the_staging_folder(rel, tmp_path):
    with pytest.raises(BriefError, match="not a plain relative path"):
        site.stage_pages([(rel, "text")], tmp_path / "docs")
    assert sorted(p.name for p in tmp_path.rglob("*")) in ([], ["docs"])


def test_plain_page_paths_are_staged(tmp_path):
    site.stage_pages([("briefs/2025-01-06-acme.md", "a"), ("index.md", "b")], tmp_path / "docs")
    assert tree_bytes(tmp_path / "docs") == {"briefs/2025-01-06-acme.md": b"a", "index.md": b"b"}


def test_recover_removes_a_second_tree_whose_deletion_died(tmp_path):
    state = tmp_path / ".brief"
    stale = state / ".shadow-abc.trash-1-2"
    (stale / "briefs").mkdir(parents=True)
    (stale / "briefs" / "index.html").write_text("old", encoding="utf-8")
    fresh = state / ".shadow-abc.trash-3-4"
    fresh.mkdir()
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    site.recover(tmp_path / "site", state)
    assert not stale.exists()
    assert fresh.exists()  # a detached `rm` may still be at work on it


def test_a_page_given_in_parts_is_staged_as_their_bytes(tmp_path):
    """The list of every brief's JSON comes in parts, never joined in memory: it is staged as
    their bytes, and staged again only when they differ from the file."""
    docs = tmp_path / "docs"
    parts = [b'{"briefs": [', b'{"a": 1}', b",\n", b'{"b": 2}', b"]}\n"]
    assert site.stage_pages([("api/briefs.json", parts)], docs)[0] == 1
    assert (docs / "api/briefs.json").read_bytes() == b"".join(parts)
    assert site.stage_pages([("api/briefs.json", list(parts))], docs)[0] == 0
    changed = [*parts[:3], b'{"b": 3}', parts[4]]  # same size, other bytes
    assert site.stage_pages([("api/briefs.json", changed)], docs)[0] == 1
    assert (docs / "api/briefs.json").read_bytes() == b"".join(changed)
