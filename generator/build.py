"""The whole build, read top to bottom: settings, load, check, render, stage, MkDocs, swap.

Incremental by construction: briefs are loaded and checked once per content digest (cache.py),
only pages whose Markdown changed are built by MkDocs (the rest is linked from the last site),
and a build whose inputs did not change at all returns at once. The result is the same site a
clean build makes, search index included (tests/test_incremental.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__, site
from generator.cache import LoadCache, read_json, write_json
from generator.errors import Problem, ProblemsError

if TYPE_CHECKING:  # the up-to-date path must not pay for pydantic, jinja and markdown
    from generator.content import Library
    from generator.render import Memo, Page

# Sections only: briefs, parties and topics are reached from these pages, so the nav stays short.
NAV = [
    {"Home": "index.md"},
    {"Timeline": "timeline.md"},
    {"What to watch": "watch.md"},
    {"By the numbers": "numbers.md"},
    {"Parties": "parties/index.md"},
    {"Topics": "topics/index.md"},
    {"Archive": "archive/index.md"},
]
UNCHANGED = "nothing was built; the previous site is unchanged"
CACHE_DIR = "cache"


@dataclass
class BuildResult:
    briefs: int
    pages: int
    written: int
    seconds: float
    site_dir: Path
    warnings: list[Problem]
    mode: str = "full"  # full | incremental | unchanged
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        if self.mode == "unchanged":
            return (
                f"Site is up to date: {self.briefs} brief{'s' if self.briefs != 1 else ''}, "
                f"nothing changed ({self.seconds:.2f} s)"
            )
        how = f", {self.written} rebuilt" if self.mode == "incremental" else ""
        return (
            f"Built {self.briefs} brief{'s' if self.briefs != 1 else ''}, {self.pages} pages{how} "
            f"into {self.site_dir.name}/ in {self.seconds:.2f} s"
        )


def check_library(library: Library, cache: LoadCache | None = None) -> list[Problem]:
    """Prove every brief against its source; drafts' errors become warnings."""
    from generator.check import check_bundle

    problems: list[Problem] = []
    for bundle in library.bundles:
        entry = (
            cache.get(bundle.digest)
            if cache is not None and bundle.digest and bundle.findings is None
            else None
        )
        if bundle.findings is not None:  # the loader checked it already
            found = [Problem(bundle.display_path, *item) for item in bundle.findings]
        elif entry is not None and "check" in entry:
            found = [Problem(bundle.display_path, *item) for item in entry["check"]]
        else:
            found = check_bundle(bundle)
            if cache is not None and bundle.digest:
                cache.update(
                    bundle.digest, check=[[p.line, p.field, p.message, p.severity] for p in found]
                )
        for problem in found:
            if bundle.brief.status == "draft" and problem.severity == "error":
                problem = Problem(
                    problem.path, problem.line, problem.field, problem.message, "warning"
                )
            problems.append(problem)
    return problems


@contextlib.contextmanager
def _loading(freeze: bool) -> Iterator[None]:
    """Load the library; with `freeze` (a process that ends after this command), with the cycle
    collector off, since loading makes objects by the hundred thousand and hardly any garbage,
    and what was loaded frozen out of its way afterwards: it lives until the process ends."""
    if not freeze:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def check_project(settings: site.Settings, freeze: bool = False) -> tuple[int, list[Problem]]:
    """Load and prove every brief, drafts included: (how many, every problem found).

    With the build's cache: a brief whose files are those it was checked from is not read,
    validated and proved again. The cache is written where it can be; a project that cannot be
    written to is checked all the same. Raises ProblemsError when a brief cannot be loaded.
    `freeze`: this process ends after the check (the command line), so the collector stays off
    while the library loads and what it loaded is frozen out of its way, as in `prepare_pages`.
    """
    from generator.content import load_library

    cache = LoadCache.open(settings.state_dir / CACHE_DIR)
    with _loading(freeze):
        library = load_library(settings.content_dir, cache=cache, jobs=_jobs())
    problems = list(library.problems) + check_library(library, cache)
    with contextlib.suppress(OSError):
        cache.write()
    return len(library.bundles), problems


def render_site(
    library: Library,
    settings: site.Settings,
    known: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    warm: bool = False,
    memo: Memo | None = None,
    share: tuple[int, int] | None = None,
) -> Iterator[Page]:
    from generator.render import iter_pages

    return iter_pages(
        library,
        settings.project_dir,
        settings.site_name,
        known,
        publish_source=settings.publish_source,  # type: ignore[arg-type]
        problems=problems,
        site_url=settings.site_url,
        directory_urls=site.use_directory_urls(settings),
        bytecode_dir=settings.state_dir / "jinja-pages",
        warm=warm,
        memo=memo,
        share=share,
    )


class Laps:
    """Seconds per stage: `lap("load")` ends the stage called load and starts the next."""

    def __init__(self, timings: dict[str, float] | None = None) -> None:
        self.timings = timings if timings is not None else {}
        self.clock = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self.clock
        self.clock = now


@dataclass
class Prepared:
    """What the stages before MkDocs hand on: findings, page hashes and keys, nothing bulky."""

    problems: list[Problem]
    hashes: dict[str, str]  # page path -> sha256 of its text
    keys: dict[str, str]  # page path -> what its text was made from
    briefs: int
    digests: set[str]  # the load cache entries in use
    timings: dict[str, float]
    memo: dict[str, Any]  # what the next build may reuse (render.Memo)


def prepare_pages(
    settings: site.Settings,
    drafts: bool,
    cache: LoadCache,
    old: dict[str, str],
    known: dict[str, str] | None,
    warm: bool = False,
    last_memo: dict[str, Any] | None = None,
    jobs: int = 1,
    freeze: bool = False,
) -> Prepared:
    """Load, check, render and stage every page; raise ProblemsError on any error.

    `warm`: this process builds again later (brief serve) and keeps what it can reuse then.
    `last_memo`: what the last build worked out (render.Memo), with `known` its page keys.
    `jobs` > 1 renders in that many forked processes, each its share of the pages. `freeze`
    (for a process that ends after the build): the collector is off while the library loads,
    and the loaded library is then frozen out of Python's cycle collector, which would walk its
    hundreds of thousands of objects at every collection while they are made and while the
    pages are rendered and built (a tenth of a one-edit build at 1,000 briefs); forked render
    processes then also leave its pages shared.
    """
    from generator.content import load_library
    from generator.render import Memo

    lap = Laps()
    try:
        with _loading(freeze):
            library = load_library(settings.content_dir, drafts=drafts, cache=cache, jobs=_jobs())
    except ProblemsError as exc:
        raise ProblemsError(exc.problems, UNCHANGED) from None
    lap("load")
    problems = list(library.problems) + check_library(library, cache)
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(problems, UNCHANGED)
    lap("check")
    staging_dir = _staging_dir(settings, drafts)
    task = _RenderTask(library, problems, settings, staging_dir, old, known, warm, last_memo)
    if jobs > 1 and PARALLEL_RENDER <= len(library.bundles) <= PARALLEL_RENDER_MAX:
        from generator.processes import run_forked

        # Forked after loading: every process starts with the library, renders its share.
        shares = run_forked(task.render, [(k, jobs) for k in range(jobs)], jobs)
    else:
        shares = [task.render(None)]
    hashes: dict[str, str] = {}
    keys: dict[str, str] = {}
    for share_hashes, share_keys, _ in shares:
        hashes.update(share_hashes)
        keys.update(share_keys)
    memo = Memo.merge(share_memo for _, _, share_memo in shares)
    site.prune_staged(staging_dir, set(hashes))
    lap("render")  # and stage: each page is written as it is rendered
    briefs = len(library.bundles)
    return Prepared(problems, hashes, keys, briefs, set(cache.used), lap.timings, memo)


# Below this many briefs, one process renders quicker than it forks a second. Above the most,
# one process renders too: a forked process copies every page of the library it touches (Python
# counts references in place), so each would hold a library of its own. At 5,000 briefs two
# render processes took the build's peak from 288 to 434 MB; at 1,000, from 169 to 183 MB.
PARALLEL_RENDER = 200
PARALLEL_RENDER_MAX = 2500


@dataclass
class _RenderTask:
    library: Library
    problems: list[Problem]
    settings: site.Settings
    staging_dir: Path
    old: dict[str, str]
    known: dict[str, str] | None
    warm: bool
    last_memo: dict[str, Any] | None

    def render(
        self, share: tuple[int, int] | None
    ) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
        """Render and stage every page, or a share of them: (hashes, keys, what to remember)."""
        from generator.render import Memo

        hashes: dict[str, str] = {}
        keys: dict[str, str] = {}
        memo = Memo(self.last_memo or {})
        old, staging_dir = self.old, self.staging_dir

        def rendered() -> Iterator[tuple[str, bytes | list[bytes] | None]]:
            # Each page is hashed and staged as it is rendered: no build holds every page's text.
            for page in render_site(
                self.library,
                self.settings,
                self.known,
                self.problems,
                self.warm,
                memo,
                share,
            ):
                path, key = page.path, page.key
                data: bytes | list[bytes] | None = page.parts
                if data is None and page.text is not None:
                    data = page.text.encode()
                del page  # its text: the encoded bytes are all that is needed from here
                if data is None:
                    hashes[path] = old[path]
                else:
                    digest = hashlib.sha256()
                    for part in [data] if isinstance(data, bytes) else data:
                        digest.update(part)
                    hashes[path] = digest.hexdigest()
                    if hashes[path] == old.get(path) and (staging_dir / path).is_file():
                        data = None  # staged by the last build as it is now: not read back
                if key:
                    keys[path] = key
                yield path, data

        try:
            site.stage_pages(rendered(), staging_dir)
        except Exception as exc:
            problem = _template_problem(exc, self.settings.project_dir / "templates")
            if problem is None:
                raise
            raise ProblemsError([problem], UNCHANGED) from None
        return hashes, keys, memo.new


def _template_problem(exc: Exception, templates: Path) -> Problem | None:
    """A project template's mistake as `path:line: template: message`; None for anything else.

    A syntax error names its line; an error while rendering (an undefined name, a filter given
    the wrong thing) is placed at the deepest line of a project template in its traceback, as
    Jinja reports it there.
    """
    import jinja2

    from generator.content import display

    root = str(templates.resolve()) + os.sep
    if isinstance(exc, jinja2.TemplateSyntaxError) and (exc.filename or "").startswith(root):
        return Problem(display(Path(exc.filename or "")), exc.lineno, "template", exc.message or "")
    place = None
    frame = exc.__traceback__
    while frame is not None:
        name = frame.tb_frame.f_code.co_filename
        if name.startswith(root) and name.endswith(site.TEMPLATE_SUFFIX):
            place = (name, frame.tb_lineno)
        frame = frame.tb_next
    if place is None:
        return None
    message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return Problem(display(Path(place[0])), place[1], "template", message)


def _prepare_in_child(task: tuple[site.Settings, bool, Path | None]) -> Prepared:
    """In a forked process: a full build's stages before MkDocs."""
    settings, drafts, folder = task
    cache = LoadCache.open(folder)
    prepared = prepare_pages(settings, drafts, cache, {}, None, jobs=_jobs(), freeze=True)
    cache.write()  # what this process loaded; the parent removes stale entries after the swap
    return prepared


def _inputs(settings: site.Settings, drafts: bool) -> str:
    """A fingerprint of everything a build reads, from file metadata: cheap enough to run first."""
    digest = hashlib.sha256()
    digest.update(
        f"{__version__}|{drafts}|{dt.date.today().isoformat()}|{settings.site_dir}\n".encode()
    )
    roots = [settings.content_dir, settings.project_dir / "templates", site.default_templates_dir()]
    files: list[str] = [str(p) for p in (settings.config_path,) if p is not None]
    for root in roots:
        if root.is_dir():
            files.extend(_walk_names(root))
    links, linked = _linked_bundles(settings.content_dir)
    digest.update("".join(f"{link}\n" for link in links).encode("utf-8", "surrogateescape"))
    files.extend(linked)
    for name in files:  # as text: pathlib's parsing costs more than the stat, per file
        try:
            stat = os.stat(name)
        except OSError:
            continue
        digest.update(f"{name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _linked_bundles(content_dir: Path) -> tuple[list[str], list[str]]:
    """The bundle folders that are links, with where they lead, and their files: a walk does
    not enter them, yet a link added, changed or removed, or a file behind one edited, changes
    the site (or, for a link that leads out of the content folder, what the load reports)."""
    links: list[str] = []
    files: list[str] = []
    with contextlib.suppress(OSError), os.scandir(content_dir) as entries:
        for entry in entries:
            if entry.is_symlink():
                with contextlib.suppress(OSError):
                    links.append(f"{entry.path} -> {os.readlink(entry.path)}")
                files += [os.path.join(entry.path, name) for name in ("brief.md", "source.txt")]
    return sorted(links), sorted(files)


def _walk_names(root: Path) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def _walk(root: Path) -> Iterable[Path]:
    return (Path(name) for name in _walk_names(root))


def _config_key(settings: site.Settings, drafts: bool) -> str:
    """What makes a last site unusable as a base: another generator, theme, config or template
    set."""
    versions = site.builder_versions()
    digest = hashlib.sha256(f"{__version__}|{versions}|{drafts}|{settings.site_dir}".encode())
    if settings.config_path is not None:
        digest.update(settings.config_path.read_bytes())
    for root in (settings.project_dir / "templates", site.default_templates_dir()):
        if root.is_dir():
            for path in _walk(root):
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _jobs() -> int:
    """Worker processes for loading: one per core this process may use, at most four."""
    from generator.processes import cores

    return max(1, min(4, cores()))


def _site_key(settings: site.Settings, drafts: bool) -> str:
    """Each (site folder, drafts) pair keeps its own staging and state: `serve` and `build`
    differ."""
    return hashlib.sha256(f"{settings.site_dir}|{drafts}".encode()).hexdigest()[:12]


def _site_id(site_dir: Path) -> list[int] | None:
    try:
        stat = site_dir.stat()
    except OSError:
        return None
    return [stat.st_dev, stat.st_ino]


def build_project(
    project_dir: Path,
    *,
    drafts: bool = False,
    site_dir: Path | None = None,
    incremental: bool = True,
    warm: bool = False,
    freeze: bool = False,
) -> BuildResult:
    """Build the site of the project in `project_dir`; the previous site stays until this succeeds.

    `freeze`: this process ends after the build (the command line), so the library it loads
    is frozen out of Python's cycle collector, which would otherwise walk it again and again
    (see `prepare_pages`).

    `warm` keeps what a full build loads in this process, for the next build to reuse: what a
    long-lived process (brief serve) wants; otherwise a full build loads in a process of its own.
    """
    started = time.perf_counter()
    settings = site.load_settings(project_dir, site_dir)
    with site.build_lock(settings):
        site.recover(settings.site_dir, settings.state_dir)
        state_path = _state_path(settings, drafts)
        state = read_json(state_path) if incremental else None
        state = state if isinstance(state, dict) else {}
        inputs = _inputs(settings, drafts)
        site_id = _site_id(settings.site_dir)
        if _up_to_date(state, inputs, site_id):
            return BuildResult(
                state.get("briefs", 0), len(state.get("pages", {})), 0,
                time.perf_counter() - started, settings.site_dir, [], "unchanged",
            )  # fmt: skip

        config_key = _config_key(settings, drafts)
        base_ok = (
            incremental
            and state.get("config") == config_key
            and state.get("site_id") == site_id
            and site_id is not None
            and isinstance(state.get("pages"), dict)
            and isinstance(state.get("keys"), dict)
        )
        old: dict[str, str] = state["pages"] if base_ok else {}
        known: dict[str, str] | None = state["keys"] if base_ok else None
        last_memo = state.get("memo") if base_ok and isinstance(state.get("memo"), dict) else {}
        cache = LoadCache.open(settings.state_dir / CACHE_DIR)
        staging_dir = _staging_dir(settings, drafts)
        # A process of its own gets MkDocs ready while this one loads and renders (in a warm
        # process, brief serve, MkDocs is imported already: the rest still takes a tenth of a
        # second, and the pages are still shared between two processes).
        ready = site.EditBuild(settings, staging_dir, NAV) if base_ok else None
        if base_ok or warm:
            try:
                prepared = prepare_pages(
                    settings, drafts, cache, old, known, warm, last_memo, freeze=freeze
                )
            except BaseException:
                if ready is not None:
                    ready.cancel()
                raise
        else:
            # A full build loads and renders in a process of its own, which hands back only
            # hashes and findings: the briefs' memory goes back to the system before MkDocs runs.
            from generator.processes import run_forked

            prepared = run_forked(_prepare_in_child, [(settings, drafts, cache.folder)], 1)[0]
        problems, hashes = prepared.problems, prepared.hashes
        lap = Laps(dict(prepared.timings))
        if ready is not None:
            rebuild = {path for path, value in hashes.items() if old.get(path) != value}
            removed = set(old) - set(hashes)
            ready.build(rebuild, removed)
            # While MkDocs builds the pages: what publishing them needs that they do not change.
            cache.used.update(prepared.digests)
            cache.save()
            shadow_dir = _level_shadow(settings, drafts)
            last_search = site.last_search_entries(settings.site_dir, state.get("search"))
            out_dir, mkdocs_warnings, dests = ready.result()
            pages_gone = {_location(dests[path]) for path in removed | rebuild}
            search = site.finish_search_index(out_dir, last_search, pages_gone)
            lap("mkdocs")
            gone = {dests[path] for path in removed}
            if shadow_dir is not None:
                shadow = _publish_by_shadow(settings, drafts, shadow_dir, out_dir, gone)
            else:  # no atomic exchange here: a whole new tree, as a full build
                shadow = None
                site.assemble(
                    settings.site_dir, out_dir, {dests[path] for path in removed | rebuild}
                )
                site.swap_into_place(out_dir, settings.site_dir)
            mode, written = "incremental", len(rebuild) + len(removed)
        else:
            out_dir, mkdocs_warnings = site.run_mkdocs(settings, staging_dir, NAV, jobs=_jobs())
            search = site.finish_search_index(out_dir, {}, set())
            lap("mkdocs")
            site.swap_into_place(out_dir, settings.site_dir)
            shadow = None
            second = _shadow_dir(settings, drafts)
            _forget_shadow(settings, drafts)
            if second.exists():  # some version behind: of no use now
                site.discard(second)
            if warm and site.can_exchange(settings.site_dir, second):
                # A live preview links its second tree now, so that its first edit is quick too.
                site.sync_shadow(settings.site_dir, second, None)
                shadow = {"id": _site_id(second), "lag": []}
            mode, written = "full", len(hashes)
        if warm:
            _WARM.add(state_path)
        cache.used.update(prepared.digests)
        cache.save()
        write_json(
            state_path,
            {
                "inputs": inputs,
                "config": config_key,
                "site_id": _site_id(settings.site_dir),
                "briefs": prepared.briefs,
                "pages": hashes,
                "keys": prepared.keys,
                "memo": prepared.memo,
                "search": search,  # where each page's entries lie in the site's search index
            },
        )
        if shadow is None:  # not used, or discarded: a record left from before would lie
            _forget_shadow(settings, drafts)
        else:  # known again, now that the site and its state are written
            write_json(_shadow_record(settings, drafts), shadow)
        lap("swap")
    warnings = [p for p in problems if p.severity == "warning"]
    warnings += [Problem("mkdocs", 0, "", message, "warning") for message in mkdocs_warnings]
    return BuildResult(
        briefs=prepared.briefs,
        pages=len(hashes),
        written=written,
        seconds=time.perf_counter() - started,
        site_dir=settings.site_dir,
        warnings=warnings,
        mode=mode,
        timings=lap.timings,
    )


# The builds (by state file) whose briefs and page keys this process holds: see `warm_up`.
_WARM: set[Path] = set()


def warm_up(project_dir: Path, *, drafts: bool = False, site_dir: Path | None = None) -> bool:
    """Load the library of an up-to-date site and work out its pages' keys; change nothing.

    A live preview that starts on an up-to-date site has loaded nothing: without this, its
    first edit would pay for loading every brief. The pages all come out as staged (their keys
    are known), so nothing is written. Returns whether there was anything to load: not when
    this process holds the build already, nor when the site is not up to date (the next build
    loads it), nor when the library no longer loads.
    """
    settings = site.load_settings(project_dir, site_dir)
    with site.build_lock(settings):
        state_path = _state_path(settings, drafts)
        state = read_json(state_path)
        if state_path in _WARM or not isinstance(state, dict):
            return False
        pages, keys, memo = state.get("pages"), state.get("keys"), state.get("memo")
        if (
            not _up_to_date(state, _inputs(settings, drafts), _site_id(settings.site_dir))
            or not isinstance(pages, dict)
            or not isinstance(keys, dict)
        ):
            return False
        cache = LoadCache.open(settings.state_dir / CACHE_DIR)
        try:
            prepare_pages(
                settings, drafts, cache, pages, keys, True, memo if isinstance(memo, dict) else {}
            )
        except ProblemsError:
            return False
        _WARM.add(state_path)
        return True


def _up_to_date(state: dict[str, Any], inputs: str, site_id: list[int] | None) -> bool:
    """Whether the last build's state says the site is built from exactly these inputs."""
    return bool(site_id) and state.get("inputs") == inputs and state.get("site_id") == site_id


def _state_path(settings: site.Settings, drafts: bool) -> Path:
    """What the last build of this site left: its inputs, pages, keys and memo."""
    return settings.state_dir / f"state-{_site_key(settings, drafts)}.json"


def _staging_dir(settings: site.Settings, drafts: bool) -> Path:
    """Where the pages are staged for MkDocs."""
    return settings.state_dir / f"docs-{_site_key(settings, drafts)}"


def _shadow_dir(settings: site.Settings, drafts: bool) -> Path:
    """The site one build behind, in the state folder: see `_level_shadow`."""
    return settings.state_dir / f"shadow-{_site_key(settings, drafts)}"


def _shadow_record(settings: site.Settings, drafts: bool) -> Path:
    """What the shadow is known to be: its folder's id and the files it lags the site by.

    A file of its own, so that marking the shadow unknown does not write the whole state.
    """
    return settings.state_dir / f"shadow-{_site_key(settings, drafts)}.json"


def _forget_shadow(settings: site.Settings, drafts: bool) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_shadow_record(settings, drafts))


def _level_shadow(settings: site.Settings, drafts: bool) -> Path | None:
    """Bring the shadow level with the site, to publish a partial build through; None where it
    cannot be (see `_publish_by_shadow`).

    The shadow is the site one build behind: the files the last build changed are relinked into
    it. That needs nothing of this build, so it is done while MkDocs builds the pages.
    """
    shadow = _shadow_dir(settings, drafts)
    if not site.can_exchange(settings.site_dir, shadow):
        return None
    recorded = read_json(_shadow_record(settings, drafts))
    known: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
    shadow_id = _site_id(shadow)
    lag = known.get("lag") if shadow_id and known.get("id") == shadow_id else None
    # From here until it is recorded again the shadow is neither version: a build that dies on
    # the way leaves it unknown, and the next one builds it again from the site.
    _forget_shadow(settings, drafts)
    site.sync_shadow(settings.site_dir, shadow, lag if isinstance(lag, list) else None)
    write_json(_shadow_record(settings, drafts), {"id": _site_id(shadow), "lag": []})
    return shadow


def _publish_by_shadow(
    settings: site.Settings, drafts: bool, shadow: Path, out_dir: Path, gone: set[str]
) -> dict[str, Any]:
    """Publish a partial build through the shadow (level with the site, `_level_shadow`);
    return the shadow's new state.

    The shadow is given this build's files, then exchanged with the site in one atomic step:
    the work is that of the change, however large the site, and a reader (or a crash) sees the
    last site or the new one, never a mix.
    """
    _forget_shadow(settings, drafts)
    changed = site.apply_changes(out_dir, shadow, gone)
    if not site.exchange(shadow, settings.site_dir):
        raise OSError("the site and its shadow could not be exchanged")
    return {"id": _site_id(shadow), "lag": changed}


def _location(dest: str) -> str:
    """The search-index location of a page written at `dest`."""
    if dest == "index.html":
        return ""
    if dest.endswith("/index.html"):
        return dest[: -len("index.html")]
    return dest
