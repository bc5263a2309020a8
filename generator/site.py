"""Staging pages and building them with MkDocs; the only module that imports mkdocs.

MkDocs empties its site dir before it reads a page, so a failed build would leave nothing. We
build into a fresh directory beside `site/` and swap it in only when MkDocs succeeds, with one
atomic exchange where the kernel offers it. A lock keeps two builds from interleaving.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.cache import write_bytes
from generator.errors import BuildError, LockedError, Problem, ProblemsError
from generator.processes import (
    INHERITED_LOCKS,
    cores,
    libc,
    orphan_proof,
    outcome,
    raise_failure,
    run_forked,
)

TEMPLATE_SUFFIX = ".md.j2"
STATE_DIR = ".brief"
PREVIEW = "preview"


@dataclass
class Settings:
    """A project's settings: mkdocs.yml, with brief's own under its `brief:` key."""

    project_dir: Path
    config_path: Path | None
    mkdocs: dict[str, Any]
    content_dir: Path
    site_dir: Path
    site_name: str
    site_url: str | None = None
    publish_source: str = "full"  # or "evidence": only the passages the brief cites
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state_dir(self) -> Path:
        return self.project_dir / STATE_DIR


def load_settings(project_dir: Path, site_dir: Path | None = None) -> Settings:
    """Read mkdocs.yml (when present) and check where the site may be written."""
    from mkdocs.utils.yaml import yaml_load

    project_dir = project_dir.resolve()
    config_path: Path | None = project_dir / "mkdocs.yml"
    data: dict[str, Any] = {}
    if config_path is not None and config_path.is_file():
        try:
            with config_path.open("rb") as fd:
                loaded = yaml_load(fd)
        except Exception as exc:  # the YAML library's own error types vary
            line, message = _yaml_error(exc)
            # An error found at the end of the file ("found '<stream end>'") is on its last line.
            last = len(config_path.read_text(encoding="utf-8", errors="replace").splitlines())
            line = max(1, min(line, last))
            raise ProblemsError(
                [Problem(str(config_path.name), line, "", f"invalid YAML: {message}")],
                "nothing was built",
            ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ProblemsError(
                [Problem("mkdocs.yml", 1, "", "must be a mapping")], "nothing was built"
            )
        data = dict(loaded or {})
    else:
        config_path = None
    brief = data.pop("brief", None) or {}
    if not isinstance(brief, dict):
        raise ProblemsError(
            [Problem("mkdocs.yml", 1, "brief", "must be a mapping")], "nothing was built"
        )
    problems: list[Problem] = []
    unknown = set(brief) - {"content_dir", "publish_source"}
    for key in sorted(unknown):
        problems.append(
            Problem(
                "mkdocs.yml", 1, f"brief.{key}", "unknown setting (content_dir, publish_source)"
            )
        )
    publish_source = brief.get("publish_source", "full")
    if publish_source not in ("full", "evidence"):
        problems.append(
            Problem(
                "mkdocs.yml",
                1,
                "brief.publish_source",
                f"expected 'full' or 'evidence', got {publish_source!r}",
            )
        )
    content_dir = _inside_project(
        project_dir, str(brief.get("content_dir", "content")), "brief.content_dir", problems
    )
    site = site_dir if site_dir is not None else Path(str(data.get("site_dir", "site")))
    site_path = (project_dir / site).resolve() if not site.is_absolute() else site.resolve()
    where = (
        ("--site-dir", 0)
        if site_dir is not None
        else ("mkdocs.yml", _key_line(config_path, "site_dir"))
    )
    for problem in check_site_dir(site_path, project_dir, content_dir):
        problems.append(Problem(where[0], where[1], problem.field, problem.message))
    if problems:
        raise ProblemsError([placed(p, config_path) for p in problems], "nothing was built")
    return Settings(
        project_dir=project_dir,
        config_path=config_path,
        mkdocs=data,
        content_dir=content_dir,
        site_dir=site_path,
        site_name=str(data.get("site_name") or "Briefings"),
        site_url=data.get("site_url"),
        publish_source=publish_source,
        extra=dict(data.get("extra") or {}),
    )


def _key_line(config_path: Path | None, key: str) -> int:
    """The line of a top-level `key:` in mkdocs.yml (1 when it is not written there)."""
    if config_path is None:
        return 1
    lines = config_path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)


def _yaml_error(exc: Exception) -> tuple[int, str]:
    """The line of a YAML error in mkdocs.yml, and what is wrong there, on one line."""
    mark = getattr(exc, "problem_mark", None)
    text = str(exc).replace("\\n", "\n")
    text = text.split("parsing the configuration file: ", 1)[-1]
    found = re.search(r'\s*in "[^"]*", line (\d+), column (\d+)', text)
    line = int(mark.line) + 1 if mark is not None else int(found.group(1)) if found else 1
    if found:
        text = text[: found.start()] + f" (column {found.group(2)})" + text[found.end() :]
    return line, " ".join(text.replace("\n", "; ").split())


def placed(problem: Problem, config_path: Path | None) -> Problem:
    """A problem of mkdocs.yml placed at the line of the setting it names (`brief.content_dir`
    under `brief:`), when it was placed at line 1 for want of one."""
    if problem.path != "mkdocs.yml" or problem.line != 1 or not problem.field:
        return problem
    keys = problem.field.split(".")
    line = _key_line(config_path, keys[0])
    if len(keys) > 1 and line > 1 and config_path is not None:
        lines = config_path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number in range(line, len(lines)):
            text = lines[number]
            if text and not text[0].isspace() and not text.startswith("#"):
                break  # the next top-level key: the setting is not written under this one
            if re.match(rf"\s+{re.escape(keys[1])}\s*:", text):
                line = number + 1
                break
    return Problem(problem.path, line, problem.field, problem.message, problem.severity)


def _inside_project(project_dir: Path, value: str, name: str, problems: list[Problem]) -> Path:
    path = (project_dir / value).resolve()
    try:
        path.relative_to(project_dir)
    except ValueError:
        problems.append(Problem("mkdocs.yml", 1, name, f"{value!r} is outside the project"))
    return path


def check_site_dir(site_dir: Path, project_dir: Path, content_dir: Path) -> Iterator[Problem]:
    """Refuse a site_dir whose replacement would destroy the project or its content."""
    if site_dir in (project_dir, *project_dir.parents) or site_dir == Path(site_dir.anchor):
        yield Problem(
            "mkdocs.yml",
            1,
            "site_dir",
            f"{site_dir} holds the project; choose a folder of its own such as 'site'",
        )
        return
    if site_dir == project_dir / STATE_DIR / PREVIEW:
        return  # brief serve's own preview
    for protected in (
        content_dir,
        project_dir / "templates",
        project_dir / STATE_DIR,
        project_dir / ".git",
    ):
        if (
            site_dir == protected
            or protected.is_relative_to(site_dir)
            or site_dir.is_relative_to(protected)
        ):
            yield Problem(
                "mkdocs.yml", 1, "site_dir", f"{site_dir.name!r} would overwrite {protected.name}/"
            )
            return
    if (site_dir / ".git").exists():
        yield Problem(
            "mkdocs.yml", 1, "site_dir", f"{site_dir} holds a .git folder; it would be deleted"
        )
        return
    if site_dir.is_file() or site_dir.is_symlink():
        yield Problem("mkdocs.yml", 1, "site_dir", f"{site_dir} is a file, not a folder")
    elif site_dir.is_dir() and not _is_a_built_site(site_dir):
        with os.scandir(site_dir) as entries:
            names = sorted(entry.name for entry in entries)
        if names:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            yield Problem(
                "mkdocs.yml",
                1,
                "site_dir",
                f"{site_dir} holds files that are not a built site ({shown}); a build replaces "
                "the whole folder: choose a new or empty folder",
            )


def _is_a_built_site(folder: Path) -> bool:
    """Whether a folder is the output of a site build (brief's or MkDocs'), which a build may
    replace: its home page and a sitemap, 404 page or search index beside it."""
    return (folder / "index.html").is_file() and any(
        (folder / name).is_file() for name in ("sitemap.xml", "404.html", SEARCH_INDEX)
    )


@contextlib.contextmanager
def build_lock(settings: Settings, wait: bool = False) -> Iterator[None]:
    """Hold the project's build lock; another build in progress is an error (or waited for)."""
    settings.state_dir.mkdir(exist_ok=True)
    lock_path = settings.state_dir / "build.lock"
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockedError(
                "another `brief build` is running in this project; try again when it ends"
            ) from None
        # A forked worker closes its copy (processes.orphan_proof): only this process holds it.
        INHERITED_LOCKS.add(handle.fileno())
        try:
            yield
        finally:
            INHERITED_LOCKS.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


def stage_pages(
    pages: Iterable[tuple[str, str | bytes | list[bytes] | None]], staging_dir: Path
) -> tuple[int, set[str]]:
    """Write pages under `staging_dir`, only those whose content changed (see `prune_staged`).

    A page given as None is known unchanged: its staged file is kept as it is. A page given in
    parts (a list of bytes) is written part by part.
    Returns the number of files written and the set of all staged relative paths.
    """
    staging_dir.mkdir(parents=True, exist_ok=True)
    wanted: set[str] = set()
    written = 0
    for rel, content in pages:
        check_page_path(rel)
        wanted.add(rel)
        if content is None:
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = staging_dir / rel
        try:
            size = len(data) if isinstance(data, bytes) else sum(map(len, data))
            if target.stat().st_size == size and _same_bytes(target, data):
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        written += 1
    return written, wanted


def _same_bytes(path: Path, data: bytes | list[bytes]) -> bool:
    """Whether the file at `path` holds `data` (of its size), read in the pieces it is given in."""
    if isinstance(data, bytes):
        return path.read_bytes() == data
    with path.open("rb") as handle:
        return all(handle.read(len(part)) == part for part in data)


def prune_staged(staging_dir: Path, wanted: set[str]) -> None:
    """Remove the staged files that are no page of this build."""
    for rel, path in _files(staging_dir):
        if rel not in wanted:
            os.unlink(path)


def _files(root: Path) -> Iterator[tuple[str, str]]:
    """Every file below `root`: its path relative to `root` (with `/`) and its full path."""
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in names:
            yield prefix + name, os.path.join(folder, name)


def _fill(source: Path, target: Path, skip: set[str], put: Callable[[str, str], Any]) -> None:
    """`put` every file of `source` into `target` that `target` lacks and `skip` does not name."""
    made: set[str] = set()
    for rel, path in _files(source):
        if rel in skip:
            continue
        dest = os.path.join(target, rel)
        if os.path.lexists(dest):
            continue
        folder = os.path.dirname(dest)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        put(path, dest)


_PAGE_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


def check_page_path(rel: str) -> None:
    """Refuse a page path that could leave the staging folder or name a hidden or odd file.

    Page paths are built from slugs, which the schema limits to [a-z0-9-]; this is the last
    gate, for every page any module renders.
    """
    if not _PAGE_PATH.fullmatch(rel) or ".." in rel.split("/") or len(rel.encode()) > 1000:
        raise BuildError(f"refusing to write page {rel!r}: not a plain relative path")


def default_templates_dir() -> Path:
    """The packaged templates: inside the package when installed, at the repository top
    otherwise."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / f"brief{TEMPLATE_SUFFIX}").is_file():
            return candidate
    raise RuntimeError("the default templates are missing from this installation")


def theme_dir() -> Path:
    """The packaged theme overrides (JSON-LD in the head, styles for briefs)."""
    return default_templates_dir() / "theme"


def builder_versions() -> list[str]:
    """The versions of MkDocs and Material, read from the packages themselves: asking the
    installed distributions' metadata costs a one-edit build 15 ms."""
    import mkdocs

    try:
        import material
    except ImportError:
        return [mkdocs.__version__, "-"]
    return [mkdocs.__version__, str(getattr(material, "__version__", "-"))]


def mkdocs_config(settings: Settings, docs_dir: Path, site_dir: Path, nav: list[Any]) -> Any:
    """The MkDocs configuration: the project's mkdocs.yml with our staging, nav and theme."""
    from mkdocs.config.defaults import MkDocsConfig

    data = dict(settings.mkdocs)
    theme = data.get("theme") or {"name": "material"}
    if isinstance(theme, str):
        theme = {"name": theme}
    theme = dict(theme)
    theme.setdefault("custom_dir", str(theme_dir()))
    # Material loads Google Fonts by default: a briefing site makes no third-party requests.
    theme.setdefault("font", False)
    data["theme"] = theme
    data["docs_dir"] = str(docs_dir)
    data["site_dir"] = str(site_dir)
    data.setdefault("site_name", settings.site_name)
    data["nav"] = nav
    data["plugins"] = search_plugins(data.get("plugins"))
    validation = dict(data.get("validation") or {})
    nav_validation = dict(validation.get("nav") or {})
    nav_validation.setdefault("omitted_files", "ignore")  # the nav is bounded on purpose
    validation["nav"] = nav_validation
    data["validation"] = validation
    extensions = list(data.get("markdown_extensions") or [])
    for name in ("tables", "md_in_html", "attr_list", "toc"):
        if not any((e == name or (isinstance(e, dict) and name in e)) for e in extensions):
            extensions.append(name)
    data["markdown_extensions"] = extensions
    config = MkDocsConfig(
        config_file_path=str(settings.config_path or settings.project_dir / "mkdocs.yml")
    )
    config.load_dict(data)
    errors, _warnings = config.validate()
    if errors:
        raise ProblemsError(
            [
                placed(Problem("mkdocs.yml", 1, str(name), str(message)), settings.config_path)
                for name, message in errors
            ],
            "nothing was built",
        )
    return config


# Material's recommended separator, plus `$` and `%`: "(BGL)", "$4.8" and "87%" are indexed as
# `bgl`, `4.8` and `87`, so a search for an alias or a figure finds the brief that names it.
SEARCH_SEPARATOR = r'[\s\-,:!=\[\]()"/$%]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;'


def search_plugins(plugins: Any) -> Any:
    """The plugins with our search separator, unless the project chose its own."""
    if plugins is None:
        plugins = ["search"]
    if not isinstance(plugins, list):
        return plugins  # MkDocs reports what is wrong with it
    out: list[Any] = []
    for plugin in plugins:
        if plugin == "search":
            plugin = {"search": {"separator": SEARCH_SEPARATOR}}
        elif isinstance(plugin, dict) and isinstance(plugin.get("search"), dict):
            plugin = {"search": {"separator": SEARCH_SEPARATOR, **plugin["search"]}}
        out.append(plugin)
    return out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _Only:
    """An in-process MkDocs plugin: only the given files count as modified in a dirty build.

    MkDocs' own dirty mode trusts modification times and writes into the site it updates; we
    instead build the changed pages into an empty folder and link the rest from the last site.
    """

    def __init__(self, rebuild: set[str], assets: bool = False) -> None:
        self.rebuild = rebuild
        self.assets = assets  # also copy every file that is not a page (theme, feed, API)

    def on_files(self, files: Any, config: Any) -> Any:
        for file in files:
            # Asked when MkDocs reads and writes the file, not now: see _AwaitPages.
            file.is_modified = functools.partial(self._modified, file)
        return files

    def _modified(self, file: Any) -> bool:
        return file.src_uri in self.rebuild or (self.assets and not file.is_documentation_page())


class _ThemeCache:
    """An in-process MkDocs plugin: the theme's compiled templates are kept between builds.

    Compiling Material's templates costs half a second per build; a rebuild after one edit must
    not pay it again. The bytecode lives beside the build state, like Python's __pycache__.
    """

    def __init__(self, folder: Path) -> None:
        import jinja2

        folder.mkdir(parents=True, exist_ok=True)
        self.cache = jinja2.FileSystemBytecodeCache(str(folder))

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        env.bytecode_cache = self.cache
        return env


def dest_uri(src_uri: str, use_directory_urls: bool = True) -> str:
    """Where MkDocs writes a staged file: `briefs/x.md` -> `briefs/x/index.html`."""
    from mkdocs.structure.files import File

    return File(src_uri, "/docs", "/site", use_directory_urls).dest_uri


def run_mkdocs(
    settings: Settings, docs_dir: Path, nav: list[Any], jobs: int = 1
) -> tuple[Path, list[str]]:
    """Build all of `docs_dir` into a new directory beside site_dir; return it and MkDocs'
    warnings.

    Many pages are built in parts side by side by `jobs` processes (see `_build_parts`). A
    partial build (only the files an edit changed) is an `EditBuild`.
    """
    out_dir = _build_dir(settings)
    try:
        pages = _staged_pages(docs_dir)
        if jobs > 1 and len(pages) >= PARALLEL_PAGES:
            messages = _build_parts(settings, docs_dir, nav, out_dir, pages, jobs)
        else:
            messages = _build_one(settings, docs_dir, nav, out_dir, None, True)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return out_dir, messages


def _build_dir(settings: Settings) -> Path:
    """A new folder beside the site for MkDocs to build into (`recover` removes those a crash
    left)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parent = settings.site_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{settings.site_dir.name}.build-", dir=parent))


# A part of a full build: big enough that MkDocs' own set-up (config, theme, files, nav,
# sitemap) stays a small share of it, small enough that the pages a process holds stay few.
PART_PAGES = 1200
PARALLEL_PAGES = 400  # below this, one process is quicker than starting several


def _staged_pages(docs_dir: Path) -> list[str]:
    """The Markdown pages staged in `docs_dir`, as MkDocs names them (src_uri)."""
    return sorted(
        rel
        for rel, _path in _files(docs_dir)
        if rel.endswith(".md") and not any(part.startswith(".") for part in rel.split("/"))
    )


def _build_one(
    settings: Settings,
    docs_dir: Path,
    nav: list[Any],
    out_dir: Path,
    rebuild: set[str] | None,
    assets: bool,
    only: _Only | None = None,
) -> list[str]:
    """One MkDocs build into `out_dir`: every page, or only `rebuild` (and the assets if asked).

    `only`, when given, decides which files are built instead (`rebuild` then only says that
    the build is a partial one).
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = mkdocs_config(settings, docs_dir, out_dir, nav)
        config.plugins["brief-theme-cache"] = _ThemeCache(settings.state_dir / "jinja")
        if rebuild is not None:
            config.plugins["brief-only"] = only or _Only(rebuild, assets)
        with (
            _without_theme_files()
            if rebuild is not None and not assets
            else contextlib.nullcontext()
        ):
            build(config, dirty=rebuild is not None)
    except (MkDocsException, OSError, SystemExit) as exc:
        raise BuildError(f"MkDocs failed: {exc}; the previous site is unchanged") from None
    finally:
        logger.removeHandler(handler)
    return [r.getMessage() for r in handler.records if "'dirty' build" not in r.getMessage()]


@contextlib.contextmanager
def _without_theme_files() -> Iterator[None]:
    """A partial build that copies no asset needs no list of the theme's files.

    Listing them walks every file of the theme (Material ships thousands of icons): a third of
    what MkDocs costs to rebuild one page. Pages name their assets by path, not through the
    list, so the pages come out the same (tests/test_incremental.py compares whole sites).
    """
    from mkdocs.structure.files import Files

    listing = Files.add_files_from_theme
    Files.add_files_from_theme = lambda self, env, config: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        Files.add_files_from_theme = listing  # type: ignore[method-assign]


def _build_parts(
    settings: Settings,
    docs_dir: Path,
    nav: list[Any],
    out_dir: Path,
    pages: list[str],
    jobs: int,
) -> list[str]:
    """Build all pages in parts, `jobs` processes at a time, each part in a fresh process.

    Every part is the same partial build as an incremental one (`_Only`), so MkDocs still sees
    every page for links, nav and the sitemap; the first part also copies the assets. Each
    part's pages are then moved into `out_dir` and their search entries merged. A fresh process
    per part keeps memory to one part's pages, whatever the size of the library.
    """
    import mkdocs.commands.build  # noqa: F401  (imported once here, inherited by every part)

    count = max(jobs, -(-len(pages) // PART_PAGES))
    parts = [set(pages[i::count]) for i in range(count)]  # interleaved: big pages spread out
    part_dirs = [out_dir] + [
        Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.part-", dir=out_dir.parent))
        for _ in parts[1:]
    ]
    tasks = [
        (settings, docs_dir, nav, part_dir, part, index == 0)
        for index, (part_dir, part) in enumerate(zip(part_dirs, parts, strict=True))
    ]
    try:
        results = run_forked(_build_part, tasks, jobs)
        failed = [error for error, _ in results if error]
        if failed:
            raise BuildError(f"MkDocs failed: {failed[0]}; the previous site is unchanged")
        messages = list(dict.fromkeys(m for _, found in results for m in found))
        _merge_parts(out_dir, part_dirs[1:])
    finally:
        for part_dir in part_dirs[1:]:
            shutil.rmtree(part_dir, ignore_errors=True)
    return messages


def _build_part(task: tuple[Any, ...]) -> tuple[str, list[str]]:
    """In a worker process: one part of a full build; (error message or "", warnings)."""
    settings, docs_dir, nav, part_dir, part, assets = task
    try:
        return "", _build_one(settings, docs_dir, nav, part_dir, part, assets)
    except BuildError as exc:
        return str(exc).removeprefix("MkDocs failed: ").split("; the previous")[0], []
    except Exception as exc:  # reported by the parent as a failed build, like any MkDocs error
        return f"{type(exc).__name__}: {exc}", []


class EditBuild:
    """The MkDocs stage of a partial build, started in a forked process before the pages are
    rendered.

    Before it reads a page, MkDocs costs a one-edit build about a third of a second: importing it
    and its theme, reading the configuration, listing the staged files, making the nav. Started
    as the build starts, that runs on a second core while this process loads and renders;
    `build` then names the files to build, and half of the pages are built by a process forked
    for them (see `_AwaitPages`). Before it builds, the staged files are listed again: when the
    build added or removed one since MkDocs listed them, MkDocs starts again from the new list.
    """

    def __init__(self, settings: Settings, docs_dir: Path, nav: list[Any]) -> None:
        import multiprocessing

        self.out_dir = _build_dir(settings)
        context = multiprocessing.get_context("fork")
        libc()  # found here, inherited (see orphan_proof)
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=_edit_process,
            args=(settings, docs_dir, nav, self.out_dir, theirs, os.getpid()),
        )
        self.process.start()
        theirs.close()

    def build(self, rebuild: set[str], removed: set[str]) -> None:
        """Have MkDocs build the staged files `rebuild` (`removed` are gone); see `result`."""
        try:
            self.connection.send((rebuild, removed))
        except OSError:
            pass  # it is gone: `result` says so
        except BaseException:
            self.cancel()
            raise

    def result(self) -> tuple[Path, list[str], dict[str, str]]:
        """Wait for `build`: the folder it built into, MkDocs' warnings, and where MkDocs writes
        each file it was given (see `dest_uri`)."""
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            self.cancel()  # and waits for it: its exit code is known
            raise BuildError(
                f"the MkDocs process ended without an answer (exit code {self.process.exitcode});"
                " the previous site is unchanged"
            ) from None
        except BaseException:
            self.cancel()
            raise
        self.process.join()
        self.connection.close()
        if kind != "ok":
            shutil.rmtree(self.out_dir, ignore_errors=True)
            raise_failure(kind, value)
        messages, dests = value
        return self.out_dir, messages, dests

    def cancel(self) -> None:
        """Stop the process (the build failed before MkDocs) and remove what it wrote."""
        if self.process.is_alive():
            self.process.kill()  # and with it the process it forked (see orphan_proof)
        self.process.join()
        self.connection.close()
        shutil.rmtree(self.out_dir, ignore_errors=True)
        for part in self.out_dir.parent.glob(f"{self.out_dir.name}.part-*"):
            shutil.rmtree(part, ignore_errors=True)


class _Stale(Exception):
    """The staged files changed between MkDocs' listing and the build: list them again."""


class _AwaitPages(_Only):
    """An in-process MkDocs plugin for `EditBuild`: MkDocs lists the files and makes the nav,
    then waits here for the files to build, and shares the pages with a forked process."""

    def __init__(self, connection: Any, docs_dir: Path) -> None:
        super().__init__(set())
        self.connection = connection
        self.docs_dir = docs_dir
        self.seen: set[str] = set()
        self.asked: set[str] = set()  # every file to build, whichever process builds it
        self.removed: set[str] = set()
        self.report: int | None = None  # in the forked process: where its answer goes
        self.helper: tuple[int, int, Path] | None = None  # its pid, answer and folder

    def on_files(self, files: Any, config: Any) -> Any:
        self.seen = {file.src_uri for file in files}
        return super().on_files(files, config)

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        try:
            self.asked, self.removed = self.connection.recv()
        except (EOFError, OSError):
            os._exit(0)  # the build gave up before MkDocs, or died: no one to answer
        self.rebuild = set(self.asked)
        if self.seen != {rel for rel, _path in _files(self.docs_dir)}:
            raise _Stale
        self._share(files, config)
        return nav

    def _share(self, files: Any, config: Any) -> None:
        """Fork a process for about half of the pages to build, by the size of their Markdown.

        It writes into a folder of its own (its pages and search index), which `merge` moves
        into this build's folder.
        """
        pages = [f for f in files if f.src_uri in self.rebuild and f.is_documentation_page()]
        if len(pages) < 2 or cores() < 2:
            return
        sizes = {f.src_uri: os.path.getsize(f.abs_src_path) for f in pages}
        loads, theirs = [0, 0], set()
        for uri in sorted(sizes, key=lambda uri: (-sizes[uri], uri)):
            side = 0 if loads[0] <= loads[1] else 1
            loads[side] += sizes[uri]
            if side:
                theirs.add(uri)
        out_dir = Path(config["site_dir"])
        part_dir = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.part-", dir=out_dir.parent))
        me = os.getpid()
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            orphan_proof(me)
            self.report, self.rebuild = writer, theirs
            config["site_dir"] = str(part_dir)
            # The sitemap, the 404 page and any extra template: made by the other process.
            config.theme.static_templates = set()
            config["extra_templates"] = []
            for file in files:
                file.dest_dir = str(part_dir)
                file.__dict__.pop("abs_dest_path", None)
            return
        os.close(writer)
        self.rebuild -= theirs
        self.helper = (pid, reader, part_dir)

    def merge(self, out_dir: Path) -> list[str]:
        """Wait for the forked process; move its pages and search entries into `out_dir`."""
        assert self.helper is not None
        import pickle

        pid, reader, part_dir = self.helper
        try:
            with os.fdopen(reader, "rb") as answer:
                data = answer.read()
            os.waitpid(pid, 0)
            try:
                kind, value = pickle.loads(data)
            except Exception:  # it died without a word
                raise BuildError(
                    "a MkDocs process ended without an answer; the previous site is unchanged"
                ) from None
            messages: list[str] = raise_failure(kind, value)
            _merge_parts(out_dir, [part_dir])
        finally:
            shutil.rmtree(part_dir, ignore_errors=True)
        return messages


def _edit_process(
    settings: Settings, docs_dir: Path, nav: list[Any], out_dir: Path, connection: Any, parent: int
) -> None:
    """The process of an `EditBuild` (and, from `_AwaitPages._share` on, of its helper too)."""
    orphan_proof(parent)
    waiting = _AwaitPages(connection, docs_dir)
    answer = outcome(_edit_build, (settings, docs_dir, nav, out_dir, waiting))
    if waiting.report is not None:  # the forked helper: its answer goes to the process above
        import pickle

        with os.fdopen(waiting.report, "wb") as report:
            report.write(pickle.dumps(answer if answer[0] != "ok" else ("ok", answer[1][0])))
        os._exit(0)
    if waiting.helper is not None:
        helped = outcome(waiting.merge, out_dir)
        if answer[0] == "ok" and helped[0] == "ok":
            messages, dests = answer[1]
            answer = ("ok", (list(dict.fromkeys(messages + helped[1])), dests))
        elif answer[0] == "ok":
            answer = helped
    connection.send(answer)
    connection.close()


def _edit_build(task: tuple[Any, ...]) -> tuple[list[str], dict[str, str]]:
    settings, docs_dir, nav, out_dir, waiting = task
    import mkdocs.commands.build  # noqa: F401  (first: what this process is started early for)

    try:
        messages = _build_one(settings, docs_dir, nav, out_dir, set(), False, only=waiting)
    except _Stale:  # listed again, with the files to build known by now
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir()
        messages = _build_one(settings, docs_dir, nav, out_dir, waiting.asked, False)
    if waiting.report is not None:
        return messages, {}
    directory_urls = use_directory_urls(settings)
    dests = {path: dest_uri(path, directory_urls) for path in waiting.asked | waiting.removed}
    return messages, dests


def _merge_parts(out_dir: Path, part_dirs: list[Path]) -> None:
    """Move the files of partial builds into `out_dir`, their search entries into its index."""
    docs = _index_docs(out_dir)
    for part_dir in part_dirs:
        docs.extend(_index_docs(part_dir))
        _move_new_files(part_dir, out_dir)
    _write_index_docs(out_dir, docs)


def _index_docs(site_dir: Path) -> list[dict[str, Any]]:
    import orjson

    path = site_dir / SEARCH_INDEX
    if not path.is_file():
        return []
    docs: list[dict[str, Any]] = orjson.loads(path.read_bytes()).get("docs", [])
    return docs


def _write_index_docs(site_dir: Path, docs: list[dict[str, Any]]) -> None:
    import orjson

    path = site_dir / SEARCH_INDEX
    if not path.is_file():
        return
    index = orjson.loads(path.read_bytes())
    index["docs"] = docs
    path.write_bytes(orjson.dumps(index))


def _move_new_files(part_dir: Path, out_dir: Path) -> None:
    """Move the files a part wrote into `out_dir`, except those the first part wrote already.

    Those are the sitemap, the 404 page and the search index: the same in every part.
    """
    _fill(part_dir, out_dir, set(), os.rename)


def use_directory_urls(settings: Settings) -> bool:
    return bool(settings.mkdocs.get("use_directory_urls", True))


def assemble(old_site: Path, new_dir: Path, dropped: set[str]) -> None:
    """Complete a partial build: link every file of the last site it did not write or drop."""
    _fill(old_site, new_dir, dropped, _link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def sync_shadow(site_dir: Path, shadow: Path, lag: list[str] | None) -> None:
    """Make the shadow tree equal to the site: relink the files in `lag`, or link every file.

    The two trees share the inodes of the files they have in common; no build ever writes into
    a file in place (new files replace old ones by rename), so sharing them is safe.
    """
    if lag is None or not shadow.is_dir():
        if shadow.exists():
            discard(shadow)
        fresh = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
        assemble(site_dir, fresh, set())
        os.rename(fresh, shadow)
        return
    for rel in lag:
        source, target = site_dir / rel, shadow / rel
        if os.path.isfile(source):
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.brief-link")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            os.link(source, temporary)
            os.replace(temporary, target)
        else:
            _remove_file(shadow, rel)


def apply_changes(new_dir: Path, tree: Path, removed: set[str]) -> list[str]:
    """Move every file of a partial build into `tree` and delete `removed`; return what changed."""
    changed: list[str] = []
    made: set[Path] = set()
    for rel, path in _files(new_dir):
        target = tree / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(path, target)
        changed.append(rel)
    written = set(changed)
    for rel in sorted(removed - written):
        _remove_file(tree, rel)
        changed.append(rel)
    shutil.rmtree(new_dir, ignore_errors=True)  # empty folders only by now
    return changed


def _remove_file(tree: Path, rel: str) -> None:
    """Delete `tree/rel` and the folders it leaves empty, up to `tree`."""
    path = tree / rel
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        os.unlink(path)
    folder = path.parent
    while folder != tree and tree in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def can_exchange(site_dir: Path, other: Path) -> bool:
    """Whether `site_dir` can be swapped with the folder `other`: the kernel call, one file
    system."""
    if _renameat2() is None:
        return False
    try:
        return site_dir.stat().st_dev == other.parent.stat().st_dev
    except OSError:
        return False


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step; False where the kernel cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


SEARCH_INDEX = "search/search_index.json"


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def last_search_entries(site_dir: Path, layout: Any) -> dict[str, bytes | memoryview]:
    """Each page's entries in the search index of the site at `site_dir` (see `_page_chunks`);
    none when it has no index."""
    path = site_dir / SEARCH_INDEX
    return _page_chunks(path, layout) if path.is_file() else {}


def finish_search_index(
    new_dir: Path, last: dict[str, bytes | memoryview], dropped_pages: set[str]
) -> dict[str, Any] | None:
    """Write the whole search index in a canonical page order; return its layout.

    A partial build indexes only the pages it built: their entries replace those of the last
    site's index (`last`, from `last_search_entries`); entries of pages that were removed are
    dropped. The layout says where each page's entries lie in the file: while it still
    describes the file, the next build does not parse it; each page's entries are copied as
    the bytes they were (a one-edit build at 1,000 briefs would otherwise read and write again
    8 MB of JSON).
    """
    import orjson  # the index is megabytes: it is read and written again at every build

    path = new_dir / SEARCH_INDEX
    if not path.is_file():
        return None
    index = orjson.loads(path.read_bytes())
    chunks = _chunks_of(index)
    for page, chunk in last.items():
        if page not in chunks and page not in dropped_pages:
            chunks[page] = chunk
    index.setdefault("docs", [])
    # The bytes orjson.dumps(index) would give, with the docs in order of location and each
    # page's entries in their own order: compact JSON is its values joined by "," and ":".
    pieces: list[bytes | memoryview] = [b"{"]
    size = 1
    pages: list[list[Any]] = []

    def add(piece: bytes | memoryview) -> None:
        nonlocal size
        pieces.append(piece)
        size += len(piece)

    for n, (key, value) in enumerate(index.items()):
        add((b"," if n else b"") + orjson.dumps(key) + b":")
        if key != "docs":
            add(orjson.dumps(value))
            continue
        add(b"[")
        for page in sorted(chunks):
            if len(pages):
                add(b",")
            pages.append([page, size, size + len(chunks[page])])
            add(chunks[page])
        add(b"]")
    add(b"}")
    path.unlink()
    path.write_bytes(b"".join(pieces))
    stat = path.stat()
    return {"file": [stat.st_ino, stat.st_size, stat.st_mtime_ns], "pages": pages}


def _page_chunks(path: Path, layout: Any) -> dict[str, bytes | memoryview]:
    """Each page's entries in the index at `path`, as JSON without the list's brackets.

    Cut from the file by `layout` when it describes this very file: same inode, size and
    modification time, and at every place it names, that page's entries start and end. Parsed
    otherwise.
    """
    import orjson

    data = path.read_bytes()
    try:
        stat = os.stat(path)
        file = [stat.st_ino, len(data), stat.st_mtime_ns]
        if layout["file"] == file and stat.st_size == len(data):
            view = memoryview(data)
            found: dict[str, bytes | memoryview] = {}
            for page, start, end in layout["pages"]:
                lead = b'{"location":' + orjson.dumps(page)[:-1]  # the page, then `"` or `#`
                if not (
                    0 < start < end < len(data)
                    and data[start - 1] in b"[,"
                    and data.startswith(lead, start)
                    and data[start + len(lead)] in b'"#'
                    and data[end - 1] == ord("}")
                    and data[end] in b",]"
                ):
                    raise ValueError(page)
                found[page] = view[start:end]
            return found
    except (OSError, LookupError, TypeError, ValueError):
        pass  # not the file the layout was made for
    return _chunks_of(orjson.loads(data))


def _chunks_of(index: dict[str, Any]) -> dict[str, bytes | memoryview]:
    """Each page's entries of a parsed index, as JSON without the list's brackets."""
    import orjson

    return {
        page: orjson.dumps(entries)[1:-1]
        for page, entries in _by_page(index.get("docs", [])).items()
    }


def _by_page(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search entries grouped by the page they are on, in their order."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for entry in docs:
        pages.setdefault(_page_of(entry["location"]), []).append(entry)
    return pages


_RENAME_EXCHANGE = 2


def _renameat2() -> Any:
    return getattr(libc(), "renameat2", None)


def swap_into_place(new_dir: Path, site_dir: Path) -> None:
    """Make `new_dir` the site: one atomic exchange where possible; the old site is removed
    after."""
    if not site_dir.exists():
        os.rename(new_dir, site_dir)
        return
    if exchange(new_dir, site_dir):
        discard(new_dir)  # it now holds the old site
        return
    # Two renames; a crash between them is repaired by recover() at the next build.
    old = site_dir.with_name(f".{site_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(site_dir, old)
    os.rename(new_dir, site_dir)
    discard(old)


def discard(folder: Path) -> None:
    """Remove a folder that is no longer the site, without making the user wait for it.

    It is renamed to a `.trash-` name first (instant), so a crash leaves only garbage that
    `recover` clears; the slow deletion runs in a detached process that outlives this one.
    """
    import subprocess

    trash = folder.with_name(f".{folder.name.lstrip('.')}.trash-{os.getpid()}-{id(folder)}")
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(trash, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(trash)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def recover(site_dir: Path, state_dir: Path | None = None) -> None:
    """Finish or undo a swap that a crash interrupted, and remove abandoned build folders.

    Call it holding the build lock, before building: no other build is running then. In
    `state_dir`, second trees given up on are removed too, should their deletion have died.
    """
    if state_dir is not None:
        for stale in state_dir.glob(".shadow-*.trash-*"):
            if not _younger_than(stale, 600):
                shutil.rmtree(stale, ignore_errors=True)
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists() and not site_dir.exists():
        os.rename(old, site_dir)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    for pattern in (f".{site_dir.name}.build-*", f".{site_dir.name}.old.trash-*"):
        for stale in site_dir.parent.glob(pattern):
            if ".trash-" in stale.name and _younger_than(stale, 600):
                continue  # a detached `rm` is still deleting it: do not wait for it here
            shutil.rmtree(stale, ignore_errors=True)


def _younger_than(path: Path, seconds: float) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False
