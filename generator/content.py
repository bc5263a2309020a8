"""Content bundles to Brief objects: every file validated, every error of every file collected."""

from __future__ import annotations

import contextlib
import difflib
import errno
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.cache import LoadCache, write_bytes
from generator.cache import key as cache_key
from generator.errors import Problem, ProblemsError
from generator.frontmatter import Parsed, YamlProblem, dotted, parse_yaml, split_front_matter
from generator.grounding import SourceText, locate_quote
from generator.schema import RESERVED_SLUGS, Brief, Span, coercion_message, slugify

BRIEF_FILE = "brief.md"
SOURCE_FILE = "source.txt"
PARTIES_FILE = "parties.yaml"
MAX_CONTENT_BYTES = 1_000_000
MAX_SOURCE_BYTES = 5_000_000


@dataclass
class Bundle:
    """One brief as loaded: the model, its files, the source text and the line of every field."""

    brief: Brief
    brief_path: Path
    source_path: Path
    display_path: str
    source: SourceText
    parsed: Parsed
    digest: str = ""  # sha256 of brief.md + source.txt: what the incremental build keys on
    # The check's findings as [line, field, message, severity], when the loader checked it.
    findings: list[list[Any]] | None = None

    @cached_property
    def slug(self) -> str:  # asked for page after page: kept once known
        assert self.brief.slug is not None
        return self.brief.slug

    def line_of(self, *path: str | int) -> int:
        return self.parsed.line_of(tuple(path))


@dataclass
class Library:
    """Every brief of a project, newest first, and the problems found while loading."""

    bundles: list[Bundle]
    content_dir: Path
    problems: list[Problem] = field(default_factory=list)
    parties_registry: Any = None  # generator.parties.Registry, when content/parties.yaml exists
    party_index: Any = None  # generator.parties.PartyIndex of `bundles`, once resolved

    @property
    def briefs(self) -> list[Brief]:
        return [b.brief for b in self.bundles]

    def published(self) -> list[Bundle]:
        return [b for b in self.bundles if b.brief.status == "published"]


def display(path: Path, root: Path | None = None) -> str:
    """A path as the user should read it: relative to the current directory when inside it."""
    # Compared as text, as Path.relative_to does (lexically): a thousand briefs are shown for
    # every build, and pathlib's parsing costs more than the comparison.
    text = str(path)
    for base in (os.getcwd(), str(root.parent) if root else None):
        if base is None:
            continue
        if text == base:
            return "."
        prefix = base if base.endswith("/") else base + "/"
        if text.startswith(prefix):
            return text[len(prefix) :]
    return path.as_posix()


def find_briefs(content_dir: Path) -> list[Path]:
    """Every `brief.md` one level below `content_dir`, sorted; links out of `content_dir` are
    skipped."""
    if not content_dir.is_dir():
        return []
    root = content_dir.resolve()
    found = []
    with os.scandir(content_dir) as entries:
        for entry in entries:
            if entry.name.startswith((".", "_")) or not _is_dir(entry):
                continue
            brief_path = Path(entry.path) / BRIEF_FILE
            if not brief_path.is_file():
                continue
            # Resolving every path is slow on large libraries: only links need it.
            if (entry.is_symlink() or brief_path.is_symlink()) and not _inside(brief_path, root):
                continue
            found.append(brief_path)
    return sorted(found)


def find_outside_links(content_dir: Path) -> list[Problem]:
    """A problem for every bundle folder, brief.md or parties.yaml that links out of content_dir."""
    if not content_dir.is_dir():
        return []
    root = content_dir.resolve()
    problems: list[Problem] = []
    # Each candidate file, and whether its folder (a bundle's) is a link: scandir knows that.
    candidates: list[tuple[Path, bool]] = [(content_dir / PARTIES_FILE, False)]
    with os.scandir(content_dir) as entries:
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_symlink() and _loops(Path(entry.path)):
                problems.append(
                    Problem(
                        display(Path(entry.path), content_dir),
                        0,
                        "",
                        "symbolic link loop; it was not read",
                    )
                )
                continue
            if _is_dir(entry):
                candidates.append((Path(entry.path) / BRIEF_FILE, entry.is_symlink()))
    for path, folder_linked in sorted(candidates):
        # Only a link (the file's or its folder's) can lead out; resolving every path is slow.
        linked = folder_linked or os.path.islink(path)
        if linked and (path.is_file() or path.is_symlink()) and not _inside(path, root):
            folder = path.parent if folder_linked else path
            what = "folder" if folder != path else path.name
            problems.append(
                Problem(
                    display(folder, content_dir),
                    1 if folder == path else 0,
                    "",
                    f"{what} is a symbolic link that leads outside {root.name}/; it was not read",
                )
            )
    return problems


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # a link loop, or a folder we may not read
        return False


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


def _root(brief_path: Path, content_dir: Path | None) -> Path:
    return (content_dir if content_dir is not None else brief_path.parent.parent).resolve()


def refuse_outside(path: Path, root: Path, what: str) -> None:
    """Refuse a file that a symbolic link (its own or a folder's) leads out of `root`."""
    if not _inside(path, root):
        raise YamlProblem(
            1, "", f"{what} is a symbolic link that leads outside {root.name}/; it was not read"
        )


# Control characters other than tab and newline (after CR/LF folding), and non-characters: no
# field may hold them, and YAML would otherwise report them in its own words, or not at all in
# the Markdown body.
_RAW_CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def refuse_control(text: str) -> None:
    """Raise YamlProblem at the line (and field) of the first control character of a content
    file."""
    bad = _RAW_CONTROL.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    message = f"control character U+{ord(bad.group()):04X} is not allowed"
    raise YamlProblem(line, _field_at(_RAW_CONTROL.sub(" ", text), line), message)


def _field_at(text: str, line: int) -> str:
    """The dotted field whose value is on `line` of a brief.md, or '' when none is."""
    try:
        yaml_text, _, body_line = split_front_matter(text)
        if line >= body_line:
            return "notes"
        parsed = parse_yaml(yaml_text, line_offset=1)
    except YamlProblem:
        return ""
    at = [path for path, found in parsed.lines.items() if found == line and path]
    return dotted(max(at, key=len)) if at else ""


def read_text_file(path: Path, limit: int, what: str) -> str:
    """Read a UTF-8 text file no larger than `limit`; raise YamlProblem (line 1) otherwise."""
    try:
        info = path.stat()
    except OSError as exc:
        raise YamlProblem(0, "", f"cannot read {what}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise YamlProblem(1, "", f"{what} is not a regular file; it was not read")
    size = info.st_size
    if size > limit:
        raise YamlProblem(1, "", f"{what} is {size:,} bytes; the limit is {limit:,}")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)  # the file may have grown since stat(): read no more
    if len(data) > limit:
        raise YamlProblem(1, "", f"{what} is larger than the limit of {limit:,} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise YamlProblem(line, "", f"{what} holds a NUL byte: it is not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(
            line, "", f"{what} is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_brief(
    brief_path: Path, content_dir: Path | None = None, cache: LoadCache | None = None
) -> tuple[Bundle | None, list[Problem]]:
    """Load one bundle; return it (or None) and every problem found in it."""
    shown = display(brief_path, content_dir)
    problems: list[Problem] = []
    if cache is not None:
        cached = _load_cached(brief_path, shown, cache)
        if cached is not None:
            return cached, []

    def problem(line: int, field_: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(shown, line, field_, message, severity))  # type: ignore[arg-type]

    try:
        refuse_outside(brief_path, _root(brief_path, content_dir), "brief.md")
        text = read_text_file(brief_path, MAX_CONTENT_BYTES, "brief.md")
        refuse_control(text)
        yaml_text, body, _body_line = split_front_matter(text)
        parsed = parse_yaml(yaml_text, line_offset=1)
    except YamlProblem as exc:
        problem(exc.line, exc.field, exc.message)
        return None, problems
    data = parsed.data
    if not isinstance(data, dict):
        problem(2, "", f"front matter must be a mapping of fields, got {type(data).__name__}")
        return None, problems
    if "notes" in data:
        problem(
            parsed.line_of(("notes",)),
            "notes",
            "the analyst's notes are the Markdown body below the front matter, not a field",
        )
        data = {k: v for k, v in data.items() if k != "notes"}
    folder = brief_path.parent.name
    if "slug" not in data:
        data = {**data, "slug": slugify(folder)}
        if not data["slug"]:
            problem(1, "slug", f"folder name {folder!r} gives an empty slug; set `slug:`")
            return None, problems
        if data["slug"] in RESERVED_SLUGS:
            problem(
                1,
                "slug",
                f"folder name {folder!r} gives the reserved slug {data['slug']!r}; set `slug:`",
            )
            return None, problems
    brief: Brief | None = None
    try:
        brief = Brief.model_validate({**data, "notes": body})
    except ValidationError as exc:
        for line, field_, message in validation_problems(exc, parsed):
            problem(line, field_, message)

    # References and evidence are checked on the data as written, so that one wrong type does
    # not hide the other mistakes of the same file.
    for line, field_, message in check_references(data, parsed):
        problem(line, field_, message)
    source_path = brief_path.parent / SOURCE_FILE
    try:
        if not source_path.exists():
            raise YamlProblem(0, "", "")
        refuse_outside(source_path, _root(brief_path, content_dir), "source.txt")
        source_text = read_text_file(source_path, MAX_SOURCE_BYTES, "source.txt")
    except YamlProblem as exc:
        message = exc.message or "source.txt is missing: every brief needs the article it briefs"
        problems.append(Problem(display(source_path, content_dir), exc.line, "", message))
        return None, problems
    source = SourceText(source_text)
    if brief is None or problems:
        # A brief that cannot be read is reported whole: its evidence too, so that one wrong type
        # does not hide the other mistakes. A valid brief is proved by generator.check instead,
        # beside the source's digest, so that drafts may only warn.
        for line, field_, message in check_evidence(data, parsed, source):
            problem(line, field_, message)
        return None, problems
    bundle = Bundle(brief, brief_path, source_path, shown, source, parsed)
    locate_spans(bundle)
    bundle.digest = bundle_digest(brief_path, source_path)
    if cache is not None and bundle.digest:
        cache.put(bundle.digest, {"brief": brief.model_dump_json()})
        cache.put_lines(bundle.digest, [[list(path), line] for path, line in parsed.lines.items()])
    return bundle, problems


# Digests by the files' size, change times and inode, with when each was taken: a long-lived
# process (brief serve) reads only the files that changed since the last build, and so does a
# new one, from what the last build left in the cache folder (`seed_digests`, `keep_digests`).
_DIGESTS: dict[tuple[str, str], tuple[tuple[int, ...], str, int]] = {}
# A digest is trusted by its files' metadata only once both files are older than it by this
# much: a file rewritten within one tick of the file system's clock (a second or two on some)
# after it was read keeps its time stamps, and would otherwise keep a stale digest. Git's index
# calls such entries "racily clean" and reads them again; so does this.
SETTLED_NS = 2_000_000_000


def bundle_digest(
    brief_path: Path,
    source_path: Path,
    stats: tuple[os.stat_result, os.stat_result] | None = None,
) -> str:
    """sha256 over a bundle's two files, as bytes: what cached results are keyed on.

    `stats`: the two files' stat results, when the caller has them already.
    """
    try:
        a, b = stats or (brief_path.stat(), source_path.stat())
    except OSError:
        return ""
    key = (str(brief_path), str(source_path))
    signature = (
        a.st_size,
        a.st_mtime_ns,
        a.st_ctime_ns,
        a.st_ino,
        b.st_size,
        b.st_mtime_ns,
        b.st_ctime_ns,
        b.st_ino,
    )
    known = _DIGESTS.get(key)
    if known is not None and known[0] == signature and _settled(signature, known[2]):
        return known[1]
    taken = _CLOCK[0] if _CLOCK else time.time_ns()
    digest = hashlib.sha256()
    # The folder name is an input too: it is the slug of a brief that sets none.
    digest.update(brief_path.parent.name.encode("utf-8", "surrogateescape") + b"\0")
    try:
        digest.update(brief_path.read_bytes())
        digest.update(b"\0")
        digest.update(source_path.read_bytes())
    except OSError:
        return ""
    _DIGESTS[key] = (signature, digest.hexdigest(), taken)
    return digest.hexdigest()


def _settled(signature: tuple[int, ...], taken: int) -> bool:
    """Whether a digest taken at `taken` may stand for files of this `signature`."""
    _, mtime_a, ctime_a, _, _, mtime_b, ctime_b, _ = signature
    return taken - max(mtime_a, ctime_a, mtime_b, ctime_b) > SETTLED_NS


# The file system's time when the library began to load, as it stamps files (see `_read_clock`):
# digests taken during the load count as taken then, which is never later than they were.
_CLOCK: list[int] = []
CLOCK_FILE = "clock"


def _read_clock(folder: Path | None) -> None:
    """Read the file system's clock by stamping a file of the cache folder with its time now.

    A network file system stamps files with its server's clock, which may run behind this
    machine's: a digest then compared with this machine's time would look settled too soon.
    Where the folder cannot be written, this machine's clock is used.
    """
    _CLOCK.clear()
    if folder is None:
        return
    probe = folder / CLOCK_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.touch()  # its times set to now, by the file system
        _CLOCK.append(os.stat(probe).st_mtime_ns)
    except OSError:
        return


DIGESTS_FILE = "stat-digests"  # no .json: LoadCache.save prunes entries by that suffix
_SEEDED: set[Path] = set()  # the cache folders whose digests this process has read


def seed_digests(cache: LoadCache) -> None:
    """Know the digests the last build of this cache folder took, once per process."""
    folder = cache.folder
    if folder is None or folder in _SEEDED:
        return
    _SEEDED.add(folder)
    import orjson

    try:
        data = (folder / DIGESTS_FILE).read_bytes()
        stored = orjson.loads(data)
    except (OSError, ValueError):
        return  # none yet, or damaged: the digests are taken again
    if not isinstance(stored, dict) or stored.get("key") != cache_key():
        return
    digests = stored.get("digests")
    if not isinstance(digests, dict):
        return
    _KEPT[folder] = hashlib.sha256(data).digest()
    for name, value in digests.items():
        brief_name, _, source_name = name.partition("\0")
        if (
            isinstance(value, list)
            and len(value) == 10
            and all(isinstance(v, int) for v in value[:8] + value[9:])
            and isinstance(value[8], str)
        ):
            _DIGESTS.setdefault((brief_name, source_name), (tuple(value[:8]), value[8], value[9]))


def keep_digests(cache: LoadCache, bundles: Iterable[Bundle]) -> None:
    """Leave the settled digests of these bundles to the next build, if any changed."""
    folder = cache.folder
    if folder is None:
        return
    kept = {}
    for bundle in bundles:
        key = (str(bundle.brief_path), str(bundle.source_path))
        known = _DIGESTS.get(key)
        if known is not None and known[1] == bundle.digest and _settled(known[0], known[2]):
            kept["\0".join(key)] = [*known[0], known[1], known[2]]
    import orjson

    data = orjson.dumps({"key": cache_key(), "digests": kept})
    written = hashlib.sha256(data).digest()
    if written != _KEPT.get(folder):
        with contextlib.suppress(OSError):  # a time saver only: `brief check` of a read-only copy
            folder.mkdir(parents=True, exist_ok=True)
            write_bytes(folder / DIGESTS_FILE, data)
            _KEPT[folder] = written


# The sha256 of the digests file this process last read or wrote, by cache folder.
_KEPT: dict[Path, bytes] = {}


# Briefs validated in this process, by digest, with their findings and line maps: the same bytes
# give the same brief, so a long-lived process (brief serve) validates each version of a brief
# once, and reads its line map (for a finding's line) once.
_MEMO: dict[str, tuple[Brief, SourceText, list[list[Any]] | None, Parsed]] = {}


def _load_cached(brief_path: Path, shown: str, cache: LoadCache) -> Bundle | None:
    source_path = brief_path.parent / SOURCE_FILE
    # One lstat per file (a thousand briefs are looked at for every build): a link, or anything
    # but a plain file, is left to the full load path, which decides what it means.
    try:
        brief_stat, source_stat = os.lstat(brief_path), os.lstat(source_path)
        folder_is_link = stat.S_ISLNK(os.lstat(brief_path.parent).st_mode)
    except OSError:
        return None
    if not (stat.S_ISREG(brief_stat.st_mode) and stat.S_ISREG(source_stat.st_mode)):
        return None
    too_big = brief_stat.st_size > MAX_CONTENT_BYTES or source_stat.st_size > MAX_SOURCE_BYTES
    if too_big or (folder_is_link and not _inside(brief_path, brief_path.parent.parent.resolve())):
        return None  # refused, with its message, by the full load path; never read whole here
    digest = bundle_digest(brief_path, source_path, (brief_stat, source_stat))
    if not digest:
        return None
    memo = _MEMO.get(digest)
    if memo is not None:
        cache.used.add(digest)
        brief, source, findings, parsed = memo
    else:
        entry = cache.get(digest)
        if not entry or "brief" not in entry:
            return None
        try:
            brief = Brief.model_validate_json(entry["brief"])
        except (ValidationError, ValueError, TypeError, KeyError):
            return None
        findings = entry.get("check")
        parsed = Parsed(None, None, _lines_from(cache, digest, brief_path))
        # The source is read when a page or a check needs its text: an edit needs few of them.
        source = _SourceFile(source_path)
        _MEMO[digest] = (brief, source, findings, parsed)
    return Bundle(brief, brief_path, source_path, shown, source, parsed, digest, findings)


class _SourceFile(SourceText):
    """The source of a brief loaded from the cache: read from its file on first use.

    Its digest was matched a moment ago, so the file read is the one the brief was checked
    against; one that vanished or changed into something unreadable since reads as empty, and
    the next build reports it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def text(self) -> str:  # type: ignore[override]
        try:
            return read_text_file(self.path, MAX_SOURCE_BYTES, SOURCE_FILE)
        except YamlProblem:
            return ""


def _lines_from(
    cache: LoadCache, digest: str, brief_path: Path
) -> Callable[[], dict[tuple[str | int, ...], int]]:
    """Read a brief's line map when a finding needs one: from the cache, or the file again."""

    def lines() -> dict[tuple[str | int, ...], int]:
        stored = cache.get_lines(digest)
        if stored is not None:
            return {tuple(path): int(line) for path, line in stored}
        text = read_text_file(brief_path, MAX_CONTENT_BYTES, "brief.md")
        yaml_text, _, _ = split_front_matter(text)
        return parse_yaml(yaml_text, line_offset=1).lines

    return lines


def validation_problems(exc: ValidationError, parsed: Parsed) -> Iterator[tuple[int, str, str]]:
    """One (line, dotted field, message) per Pydantic error, in the words an editor needs."""
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        kind = error["type"]
        message = str(error["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        friendly = coercion_message(error)
        if friendly is not None:
            message = friendly
        elif kind == "extra_forbidden":
            allowed = _allowed_fields(loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            message = "unknown field" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        elif kind == "missing":
            message = "required field is missing"
        elif kind in ("too_long", "string_too_long") and isinstance(error.get("input"), str):
            ctx = error.get("ctx") or {}
            # the length is counted after stripping, as the limit is
            limit = ctx.get("max_length")
            actual = ctx.get("actual_length", len(error["input"].strip()))
            message = f"at most {limit} characters, got {actual}"
        elif kind in ("too_short", "string_too_short") and isinstance(error.get("input"), str):
            ctx = error.get("ctx") or {}
            limit = ctx.get("min_length", 1)
            message = "must not be empty" if limit == 1 else f"at least {limit} characters"
        elif kind == "too_long":
            ctx = error.get("ctx") or {}
            message = f"at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
        elif (
            "input" in error
            and kind not in ("missing",)
            and not isinstance(error["input"], dict | list)
        ):
            given = error["input"]
            shown = _clip(repr(given) if not isinstance(given, str) else repr(given[:60]), 80)
            if "got" not in message and shown not in message:
                message = f"{message}, got {shown}"
        yield parsed.line_of(loc), dotted(loc) or "(front matter)", message


def _is_union_tag(part: Any) -> bool:
    # Pydantic names the member of a union it tried, e.g. `function-after[...]`: not a field.
    return isinstance(part, str) and (
        "[" in part or part.startswith(("function-", "lax-", "json-"))
    )


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    from generator import schema

    model: Any = Brief
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in candidates:
            inner = [candidate, *getattr(candidate, "__args__", ())]
            found = next(
                (c for c in inner if isinstance(c, type) and issubclass(c, schema.Model)), None
            )
            if found:
                model = found
                break
        else:
            return []
    return list(model.model_fields)


REFERENCES = (
    ("actions", "actor"),
    ("actions", "target"),
    ("numbers", "party"),
    ("quotes", "speaker"),
)
EVIDENCE_LISTS = ("parties", "actions", "numbers", "outlook", "quotes")


def _items(data: dict[str, Any], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(name)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def check_references(data: dict[str, Any], parsed: Parsed) -> Iterator[tuple[int, str, str]]:
    """Every party id used by an action, figure or quote names a party of this brief."""
    seen: dict[str, int] = {}
    for index, party in _items(data, "parties"):
        party_id = party.get("id")
        if not isinstance(party_id, str):
            continue
        if party_id in seen:
            path = ("parties", index, "id")
            yield (
                parsed.line_of(path),
                dotted(path),
                f"duplicate party id {party_id!r} (also parties[{seen[party_id]}])",
            )
        seen.setdefault(party_id, index)
    ids = list(seen)
    for name, key in REFERENCES:
        for index, item in _items(data, name):
            value = item.get(key)
            if not isinstance(value, str) or value in seen:
                continue
            hint = difflib.get_close_matches(value, ids, n=1, cutoff=0.5)
            if hint:
                suffix = f" (did you mean {hint[0]!r}?)"
            else:
                suffix = f" (parties: {', '.join(ids)})" if ids else " (the brief lists no parties)"
            path = (name, index, key)
            yield (
                parsed.line_of(path),
                dotted(path),
                f"{value!r} is not a party of this brief{suffix}",
            )


def evidence_fields(brief: Brief) -> Iterator[tuple[tuple[str | int, ...], Span]]:
    """Every evidence span of a brief with its path."""
    for name in EVIDENCE_LISTS:
        for index, item in enumerate(getattr(brief, name)):
            span = getattr(item, "evidence", None)
            if span is not None:
                yield (name, index, "evidence"), span


def _evidence_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return value["text"]
    return None


def check_evidence(
    data: dict[str, Any], parsed: Parsed, source: SourceText
) -> Iterator[tuple[int, str, str]]:
    """Evidence and quotes that are not in the source are errors, with the closest passage."""
    for name in EVIDENCE_LISTS:
        for index, item in _items(data, name):
            text = _evidence_text(item.get("evidence"))
            if text is None or not text.strip() or source.locate(text.strip()) is not None:
                continue
            path = (name, index, "evidence")
            yield (
                parsed.line_of(path),
                dotted(path),
                "evidence is not in source.txt" + _did_you_mean(source, text),
            )
    for index, quote in _items(data, "quotes"):
        text = quote.get("text")
        if isinstance(text, str) and text.strip() and locate_quote(source, text.strip()) is None:
            path = ("quotes", index, "text")
            yield (
                parsed.line_of(path),
                dotted(path),
                "quote is not verbatim in source.txt" + _did_you_mean(source, text),
            )


def _did_you_mean(source: SourceText, text: str) -> str:
    hint = source.closest(text)
    return f' (did you mean: "{_clip(hint)}"?)' if hint else ""


def locate_spans(bundle: Bundle) -> None:
    """Compute the offsets of every evidence span in the source."""
    for _, span in evidence_fields(bundle.brief):
        found = bundle.source.locate(span.text)
        if found is not None:
            span.start, span.end = found


def _clip(text: str, size: int = 120) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_library(
    content_dir: Path, *, drafts: bool = True, jobs: int = 1, cache: LoadCache | None = None
) -> Library:
    """Load every bundle of `content_dir`; raise ProblemsError listing every error of every file."""
    paths = find_briefs(content_dir)
    bundles: list[Bundle] = []
    problems: list[Problem] = []
    if cache is not None:
        seed_digests(cache)
        _read_clock(cache.folder)
    for bundle, found in _load_all(paths, content_dir, jobs, cache):
        problems.extend(found)
        if bundle is not None:
            bundles.append(bundle)
    if cache is not None:
        keep_digests(cache, bundles)
    problems.extend(find_outside_links(content_dir))
    registry = None
    parties_path = content_dir / PARTIES_FILE
    if parties_path.is_symlink() and not _inside(parties_path, content_dir.resolve()):
        pass  # reported by find_outside_links
    elif parties_path.exists():
        from generator.parties import load_registry

        registry, found = load_registry(parties_path, content_dir)
        problems.extend(found)
    if cache is not None:  # keep the memo to this library
        live = {b.digest for b in bundles}
        for digest in [d for d in _MEMO if d not in live]:
            del _MEMO[digest]
    by_slug: dict[str, Bundle] = {}
    for bundle in bundles:
        other = by_slug.get(bundle.slug)
        if other is not None:
            problems.append(
                Problem(
                    bundle.display_path,
                    bundle.line_of("slug"),
                    "slug",
                    f"slug {bundle.slug!r} is also used by {other.display_path}",
                )
            )
            continue
        by_slug[bundle.slug] = bundle
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(problems)
    kept = [b for b in by_slug.values() if drafts or b.brief.status == "published"]
    kept.sort(key=lambda b: (b.brief.date, b.slug), reverse=True)
    library = Library(kept, content_dir, problems, registry)
    # Look-alike parties across briefs are worth a warning with or without a registry.
    from generator.parties import resolve_parties

    library.problems.extend(resolve_parties(library))
    return library


PARALLEL_FROM = 64  # below this many unloaded briefs, a second process costs more than it saves


def _load_all(
    paths: Iterable[Path], content_dir: Path, jobs: int, cache: LoadCache | None
) -> Iterator[tuple[Bundle | None, list[Problem]]]:
    paths = list(paths)
    if jobs <= 1 or len(paths) < PARALLEL_FROM:
        for path in paths:
            yield load_brief(path, content_dir, cache)
        return
    # Cached briefs load here; the rest are parsed, validated and checked by worker processes.
    todo: list[Path] = []
    for path in paths:
        bundle = (
            _load_cached(path, display(path, content_dir), cache) if cache is not None else None
        )
        if bundle is None:
            todo.append(path)
        else:
            yield bundle, []
    if len(todo) < PARALLEL_FROM:
        for path in todo:
            yield load_brief(path, content_dir, cache)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Small chunks: a worker holds, and sends back, one chunk of briefs at a time.
    size = max(8, min(64, len(todo) // (jobs * 8)))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    # fork: the workers start with every module already imported (no second start-up cost).
    folder = cache.folder if cache is not None else None
    from generator.processes import libc, orphan_proof

    libc()  # found here, inherited by the workers (see orphan_proof)
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=orphan_proof,
        initargs=(os.getpid(),),
    )
    try:
        for results, digests in pool.map(
            _load_chunk, chunks, [content_dir] * len(chunks), [folder] * len(chunks)
        ):
            for digest_key, known in digests.items():
                _DIGESTS[digest_key] = known
            for bundle, problems in results:
                if (
                    bundle is not None
                    and cache is not None
                    and folder is not None
                    and bundle.digest
                ):
                    # The worker wrote the cache entry and the line map: read them back only
                    # when a finding needs a line.
                    cache.used.add(bundle.digest)
                    bundle.parsed = Parsed(
                        None, None, _lines_from(cache, bundle.digest, bundle.brief_path)
                    )
                    _MEMO[bundle.digest] = (
                        bundle.brief,
                        bundle.source,
                        bundle.findings,
                        bundle.parsed,
                    )
                yield bundle, problems
    except BaseException:
        # Ctrl-C, or a failure here: the chunks not started are dropped, not loaded first.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _load_chunk(
    paths: list[Path], content_dir: Path, cache_folder: Path | None
) -> tuple[list[tuple[Bundle | None, list[Problem]]], dict[tuple[str, str], Any]]:
    """In a worker: load and check briefs; write what the cache keeps of them here, in parallel.

    What goes back to the parent is lean: the model, the source and the findings; not the YAML
    data, nor the line map when the cache holds it. With them, the digests taken here, for the
    parent to leave to the next build (`keep_digests`).
    """
    import gc

    from generator.check import check_bundle

    gc.enable()  # a worker's parsing leaves garbage; the parent may load with the collector off
    cache = LoadCache.open(cache_folder) if cache_folder is not None else None
    out: list[tuple[Bundle | None, list[Problem]]] = []
    for path in paths:
        bundle, problems = load_brief(path, content_dir)
        if bundle is None:
            out.append((None, problems))
            continue
        bundle.findings = [[p.line, p.field, p.message, p.severity] for p in check_bundle(bundle)]
        if cache is not None and bundle.digest:
            cache.put(
                bundle.digest, {"brief": bundle.brief.model_dump_json(), "check": bundle.findings}
            )
            cache.put_lines(bundle.digest, [[list(k), v] for k, v in bundle.parsed.lines.items()])
            bundle.parsed = Parsed(None, {})
        else:
            bundle.parsed = Parsed(None, bundle.parsed.lines)
        bundle.source.__dict__.pop("_normal", None)  # recomputed on demand; not worth the transfer
        out.append((bundle, problems))
    if cache is not None:
        with contextlib.suppress(OSError):  # a time saver only: see keep_digests
            cache.write()
    digests = {}
    for bundle, _ in out:
        if bundle is not None:
            digest_key = (str(bundle.brief_path), str(bundle.source_path))
            if digest_key in _DIGESTS:
                digests[digest_key] = _DIGESTS[digest_key]
    return out, digests
