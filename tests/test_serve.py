"""`brief serve`: edits show up in the served page; a broken file shows its error and the last
good page stays."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import REPO


def _until(check: Callable[[], object], timeout: float = 60.0) -> object:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    raise AssertionError("condition not met in time")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


@contextlib.contextmanager
def _serve(project: Path) -> Iterator[tuple[str, Path, list[str]]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--project", str(project), "--port", "0"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(
        target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True
    ).start()  # type: ignore[union-attr]
    try:
        line = _until(lambda: next((ln for ln in output if "Serving the preview on" in ln), None))
        url = re.search(r"http://\S+/", str(line)).group(0)  # type: ignore[union-attr]
        yield url, project, output
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def served(minimal_project: Path) -> Iterator[tuple[str, Path, list[str]]]:
    with _serve(minimal_project) as found:
        yield found


def test_serve_on_an_up_to_date_preview_serves_it_and_rebuilds_on_edit(minimal_project: Path):
    """A second `brief serve` finds its preview up to date: it serves it at once, loads the
    library while serving, and an edit is built as usual."""
    with _serve(minimal_project) as (url, _, _):
        _until(lambda: _get(url + "briefs/2025-01-06-acme-cuts/")[0] == 200)
    with _serve(minimal_project) as (url, project, output):
        assert any("Site is up to date" in line for line in output)
        page_url = url + "briefs/2025-01-06-acme-cuts/"
        assert "Acme to cut 1,200 jobs" in _get(page_url)[1]
        brief = project / "content" / "2025-01-06-acme-cuts" / "brief.md"
        brief.write_text(brief.read_text().replace("title: Acme to cut", "title: Acme will cut"))
        _until(lambda: "Acme will cut 1,200 jobs" in _get(page_url)[1])


def test_serve_listens_on_loopback_and_rebuilds_on_edit(served):
    url, project, _ = served
    assert url.startswith("http://127.0.0.1:")
    page_url = url + "briefs/2025-01-06-acme-cuts/"
    status, page = _get(page_url)
    assert status == 200 and "Acme to cut 1,200 jobs" in page
    assert "/__brief__/status" in page  # the live-reload script
    brief = project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(
        brief.read_text().replace(
            "title: Acme to cut 1,200 jobs", "title: Acme cuts 1,200 jobs after all"
        )
    )
    _until(lambda: "Acme cuts 1,200 jobs after all" in _get(page_url)[1])


def test_serve_shows_an_error_and_keeps_the_last_good_page(served):
    url, project, output = served
    page_url = url + "briefs/2025-01-06-acme-cuts/"
    _until(lambda: _get(page_url)[0] == 200)
    brief = project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(brief.read_text().replace("kind: person", "kind: <script>alert(1)</script>"))
    page = str(
        _until(lambda: (lambda t: t if "brief-build-error" in t else None)(_get(page_url)[1]))
    )
    assert "Acme to cut 1,200 jobs" in page  # the last good preview
    assert "parties[1].kind" in page
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    _until(lambda: any("parties[1].kind" in line for line in output))
    assert any("The last good preview is still served." in line for line in output)


def test_a_preview_freezes_what_lives_on_and_frees_it_now_and_then():
    """Between builds the preview's objects are frozen (the cycle collector skips them); every
    FULL_COLLECT_EVERY builds they are walked again, so garbage among them is freed."""
    import gc
    import weakref

    from generator.serve import FULL_COLLECT_EVERY, settle

    class Node:
        me: object = None

    try:
        settle(1)
        assert gc.get_freeze_count() > 0
        held = [Node()]  # lives through a build: frozen with the rest
        held[0].me = held[0]  # a cycle: only the cycle collector can free it
        kept = weakref.ref(held[0])
        settle(2)
        held.clear()  # now garbage, among the frozen
        settle(3)
        assert kept() is not None  # frozen: not walked by the collector
        settle(FULL_COLLECT_EVERY)
        assert kept() is None
    finally:
        gc.unfreeze()


def test_serve_redirects_a_folder_to_its_slash_answers_404_and_sees_a_new_templates_folder(
    served,
):
    """ "/briefs" is the folder "/briefs/" (its links are relative); a missing page is the site's
    404 page; a templates/ folder made while serving is watched like the others."""
    import http.client
    from urllib.parse import urlsplit

    url, project, _ = served
    _until(lambda: _get(url + "briefs/2025-01-06-acme-cuts/")[0] == 200)
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    connection.request("GET", "/briefs/2025-01-06-acme-cuts?x=1")
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (
        301,
        "/briefs/2025-01-06-acme-cuts/?x=1",
    )
    connection.close()
    status, page = _get(url + "no-such-page/")
    assert status == 404 and "/__brief__/status" in page and "404" in page
    templates = project / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text(
        (REPO / "templates" / "brief.md.j2").read_text(encoding="utf-8") + "{% if %}\n"
    )
    page_url = url + "briefs/2025-01-06-acme-cuts/"
    _until(lambda: "brief-build-error" in _get(page_url)[1])
    (templates / "brief.md.j2").unlink()
    _until(lambda: "brief-build-error" not in _get(page_url)[1])


def test_a_port_in_use_is_a_one_line_error_before_any_build(served, minimal_project: Path):
    url = served[0]
    port = url.rstrip("/").rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--project", str(minimal_project),
         "--port", port],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1:" + port in result.stderr
    assert "Traceback" not in result.stderr and "Built" not in result.stdout


def test_a_first_build_that_fails_does_not_speak_of_a_last_good_preview(minimal_project: Path):
    brief = minimal_project / "content" / "2025-01-06-acme-cuts" / "brief.md"
    brief.write_text(brief.read_text().replace("kind: person", "kind: nobody"))
    with _serve(minimal_project) as (url, _, output):

        def failed() -> str | None:
            status, page = _get(url)
            return page if status == 503 and "brief-build-error" in page else None

        page = str(_until(failed))
        assert "cannot be built yet" in page and "last good" not in page
        _until(lambda: any("No preview yet" in line for line in output))
        assert not any("last good preview" in line for line in output)
