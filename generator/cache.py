"""What a build remembers between runs: loaded briefs by content digest, and the last site's state.

Nothing here is trusted for correctness by time alone: a brief is reused only when the sha256 of
its brief.md and source.txt is the one it was loaded from, and the whole cache is dropped when the
generator's version or the cache format changes. The files are JSON, never pickle: the state
folder is data, not code.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__

CACHE_FORMAT = 6  # 4: the loader refuses more; 5: digests cover the folder name; 6: dates proved


def key() -> str:
    """What a cached file must name to be trusted: this generator's version and cache format."""
    return f"{CACHE_FORMAT}:{__version__}"


@dataclass
class LoadCache:
    """Loaded briefs by digest, one small JSON file each: the brief, its line map, its findings.

    One file per digest keeps an edit's cost to one write, however large the library.
    """

    folder: Path | None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    pending_lines: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path | None) -> LoadCache:
        return cls(folder)

    def _file(self, digest: str) -> Path | None:
        if self.folder is None or not digest.isalnum():
            return None
        return self.folder / f"{digest}.json"

    def get(self, digest: str) -> dict[str, Any] | None:
        entry = self.entries.get(digest)
        if entry is None:
            path = self._file(digest)
            data = read_json(path) if path is not None and path.is_file() else None
            # A damaged or foreign entry is ignored and rebuilt, never trusted.
            if not isinstance(data, dict) or data.get("key") != key():
                return None
            entry = self.entries[digest] = data
        self.used.add(digest)
        return entry

    def put(self, digest: str, entry: dict[str, Any]) -> None:
        self.entries[digest] = {"key": key(), **entry}
        self.used.add(digest)
        self.changed.add(digest)

    def update(self, digest: str, **values: Any) -> None:
        entry = self.entries.setdefault(digest, {"key": key()})
        entry.update(values)
        self.used.add(digest)
        self.changed.add(digest)

    def put_lines(self, digest: str, lines: list[Any]) -> None:
        """Line maps live in files of their own: read only when a finding needs a line."""
        self.pending_lines[digest] = lines

    def get_lines(self, digest: str) -> list[Any] | None:
        if digest in self.pending_lines:
            return self.pending_lines[digest]
        path = self._file(digest)
        data = read_json(path.with_suffix(".lines")) if path is not None else None
        return data if isinstance(data, list) else None

    def save(self) -> None:
        """Write the entries this run added; remove those no brief uses any more."""
        if self.folder is None:
            return
        self.write()
        for path in self.folder.iterdir():
            if path.suffix in (".json", ".lines") and path.stem not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()

    def write(self) -> None:
        """Write the entries this process added (a load worker's share), removing none."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for digest in self.changed:
            path = self._file(digest)
            if path is not None:
                _write_entry(path, self.entries[digest])
        for digest, lines in self.pending_lines.items():
            path = self._file(digest)
            if path is not None:
                _write_entry(path.with_suffix(".lines"), lines)
        self.changed.clear()
        self.pending_lines.clear()


def _write_entry(path: Path, data: Any) -> None:
    """Write a cache entry in place, not atomically: an entry is trusted only once it parses
    and names this version (`get`, `get_lines`), so one cut short by a crash is rebuilt. A cold
    build writes two per brief, and the atomic write's temporary file and rename cost as much
    again as the write (0.2 against 0.1 ms a file here, more as the folder fills)."""
    import orjson

    path.write_bytes(orjson.dumps(data))


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically: a crash leaves the old file or the new one, never half of one."""
    import orjson  # a large library's build state is megabytes, written at every build

    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, orjson.dumps(data))


def write_bytes(path: Path, data: bytes | list[bytes]) -> None:
    """Write a file atomically, in a folder that exists (see `write_json`); `data` may come in
    parts."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json(path: Path) -> Any:
    import orjson

    try:
        return orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
