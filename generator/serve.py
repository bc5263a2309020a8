"""`brief serve`: a live preview on 127.0.0.1 that rebuilds on every edit and reloads the browser.

The preview is an ordinary incremental build (drafts included) into the project's state folder,
served by a small threaded HTTP server. A failed rebuild keeps the last good preview up and shows
the problems, escaped, in the terminal and on every page.
"""

from __future__ import annotations

import contextlib
import gc
import html
import http.server
import json
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import click

from generator.build import build_project, warm_up
from generator.errors import BriefError, ProblemsError
from generator.site import PREVIEW, STATE_DIR, load_settings

EVENTS_PATH = "/__brief__/status"
# Polls the server's build counter and reloads the page when a new build (or error) lands.
RELOAD_SCRIPT = (
    """<script>(function(){var v=null;function poll(){fetch("%s",{cache:"no-store"})
.then(function(r){return r.json()}).then(function(s){if(v!==null&&s.version!==v){location.reload()}
v=s.version;setTimeout(poll,400)}).catch(function(){setTimeout(poll,1000)})}poll()})();</script>"""  # noqa: UP031 (JS braces)
    % EVENTS_PATH
)


@dataclass
class Preview:
    """The state the server shows: the last good build, and the problems of the latest attempt."""

    project_dir: Path
    site_dir: Path
    version: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    echo: Callable[[str], None] = click.echo
    builds: int = 0

    def rebuild(self) -> None:
        try:
            self._rebuild()
        finally:
            self.builds += 1
            settle(self.builds)  # once the build is served: the reader does not wait for it

    def _rebuild(self) -> None:
        started = time.perf_counter()
        try:
            result = build_project(self.project_dir, drafts=True, site_dir=self.site_dir, warm=True)
        except ProblemsError as exc:
            lines = [p.format() for p in exc.problems] + [exc._summary()]
            self._failed(lines)
            return
        except BriefError as exc:
            self._failed([exc.format_message()])
            return
        with self.lock:
            self.errors = []
            self.version += 1
        for warning in result.warnings:
            self.echo(warning.format())
        self.echo(f"{result.summary()} (preview, {time.perf_counter() - started:.2f} s)")

    def _failed(self, lines: list[str]) -> None:
        for line in lines:
            self.echo(line)
        if (self.site_dir / "index.html").is_file():
            self.echo("The last good preview is still served.")
        else:
            self.echo("No preview yet: it is built once these are fixed.")
        with self.lock:
            self.errors = lines
            self.version += 1


FULL_COLLECT_EVERY = 50


def settle(builds: int) -> None:
    """After a build in a long-lived process: collect what it left, freeze what lives on.

    A preview holds the briefs it loaded, hundreds of thousands of objects that live for the
    whole session. Frozen, they are no longer walked by Python's cycle collector during every
    build (about a tenth of an edit's time at 1,000 briefs). Every FULL_COLLECT_EVERY builds
    they are unfrozen and walked once, so that what has since become garbage is freed.
    """
    if builds % FULL_COLLECT_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def error_banner(errors: list[str], last_good: bool = True) -> str:
    """The problems of the latest build as an escaped HTML banner."""
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in errors)
    what = (
        "the last rebuild failed; this is the last good preview."
        if last_good
        else "the preview cannot be built yet; it is built once these are fixed."
    )
    return (
        '<div id="brief-build-error" role="alert" '
        'style="position:fixed;z-index:10000;left:0;right:0;'
        "bottom:0;max-height:40vh;overflow:auto;background:#b00020;color:#fff;padding:1em;"
        f'font:14px/1.4 monospace"><strong>brief: {what}</strong><ul>{items}</ul></div>'
    )


def make_handler(preview: Preview) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        server_version = "brief-serve"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(preview.site_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the terminal shows builds and errors, not every request

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS_PATH:
                with preview.lock:
                    body = json.dumps({"version": preview.version, "errors": preview.errors})
                self._send(200, "application/json", body.encode())
                return
            folder = self._folder_without_slash(path)
            if folder:
                # "/parties" is the folder "/parties/": its page's relative links need the slash
                query = urlsplit(self.path).query
                self.send_response(301)
                self.send_header("Location", folder + (f"?{query}" if query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = self._file_for(path)
            status = 200
            if target is None and not preview.site_dir.exists():
                self._send_error_page()
                return
            if target is None and not self._exists(path):
                target, status = self._file_for("/404.html"), 404  # the site's own page
                if target is None:
                    self._send(404, "text/plain; charset=utf-8", b"Not found\n")
                    return
            if target is None or target.suffix != ".html":
                super().do_GET()
                return
            text = target.read_text(encoding="utf-8", errors="replace")
            with preview.lock:
                errors = list(preview.errors)
            extra = RELOAD_SCRIPT + (error_banner(errors) if errors else "")
            text = (
                text.replace("</body>", extra + "</body>", 1) if "</body>" in text else text + extra
            )
            self._send(status, "text/html; charset=utf-8", text.encode("utf-8"))

        def _inside(self, url_path: str) -> Path | None:
            root = preview.site_dir.resolve()
            candidate = (root / unquote(url_path).lstrip("/")).resolve()
            return candidate if candidate.is_relative_to(root) else None

        def _exists(self, url_path: str) -> bool:
            candidate = self._inside(url_path)
            return candidate is not None and candidate.exists()

        def _folder_without_slash(self, url_path: str) -> str | None:
            """The address with its slash, for a folder asked for without one."""
            if url_path.endswith("/"):
                return None
            candidate = self._inside(url_path)
            return url_path + "/" if candidate is not None and candidate.is_dir() else None

        def _file_for(self, url_path: str) -> Path | None:
            candidate = self._inside(url_path)
            if candidate is None:
                return None
            if candidate.is_dir():
                candidate = candidate / "index.html"
            return candidate if candidate.is_file() else None

        def _send_error_page(self) -> None:
            with preview.lock:
                errors = list(preview.errors)
            shown = (
                error_banner(errors, last_good=False)
                if errors
                else "<p>The preview is being built; this page reloads when it is ready.</p>"
            )
            body = (
                "<!doctype html><html><head><meta charset=utf-8><title>brief preview</title></head>"
                f"<body>{shown}{RELOAD_SCRIPT}</body></html>"
            )
            self._send(503, "text/html; charset=utf-8", body.encode("utf-8"))

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def watch_paths(project_dir: Path, existing: bool = True) -> list[Path]:
    settings = load_settings(project_dir)
    paths = [settings.content_dir, project_dir / "templates"]
    if settings.config_path is not None:
        paths.append(settings.config_path)
    return [p for p in paths if p.exists() or not existing]


def serve_project(
    project_dir: Path, host: str = "127.0.0.1", port: int = 8000, debounce: float = 0.15
) -> None:
    """Build, serve and rebuild on change until interrupted."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    project_dir = project_dir.resolve()
    preview = Preview(project_dir, project_dir / STATE_DIR / PREVIEW)
    # Listen first: a port in use is said at once, before a build the user would wait for.
    try:
        server = http.server.ThreadingHTTPServer((host, port), make_handler(preview))
    except OSError as exc:
        raise BriefError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
            "choose another --port (0 picks a free one)"
        ) from None
    server.daemon_threads = True
    preview.rebuild()
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            name = Path(str(event.src_path)).name
            if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
                return  # editors' temporary files
            changed.set()

    # A folder moved out and back gets a second watch in watchdog, which warns at length.
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"watchdog\.")
    observer = Observer()
    handler = OnChange()
    watched: dict[Path, Any] = {}

    def watch(path: Path) -> None:
        """Watch a folder of the project again, as it is now (made anew by a checkout, say)."""
        if path in watched:
            with contextlib.suppress(KeyError, ValueError):
                observer.unschedule(watched.pop(path))
        if path.is_dir():
            watched[path] = observer.schedule(handler, str(path), recursive=True)

    class OnProjectChange(FileSystemEventHandler):
        """The project folder itself: templates/ or content/ made, removed or made again."""

        def on_any_event(self, event: Any) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            paths = {Path(str(event.src_path)), Path(str(getattr(event, "dest_path", "") or "."))}
            for path in paths & folders:
                watch(path)
                changed.set()
            if project_dir / "mkdocs.yml" in paths:  # saved in place, or renamed over
                changed.set()

    folders = {p for p in watch_paths(project_dir, existing=False) if p.suffix != ".yml"}
    for path in folders:
        watch(path)
    observer.schedule(OnProjectChange(), str(project_dir), recursive=False)
    observer.start()

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(
        f"Serving the preview on http://{shown_host}:{server.server_address[1]}/ (Ctrl+C to stop)"
    )
    # The site was up to date: load its briefs now, while it is served, so that the first edit
    # is as quick as the next. An edit made meanwhile is built right after.
    if warm_up(project_dir, drafts=True, site_dir=preview.site_dir):
        settle(preview.builds)
    try:
        while True:
            changed.wait()
            time.sleep(debounce)  # let an editor finish writing (save = several events)
            changed.clear()
            preview.rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.shutdown()
