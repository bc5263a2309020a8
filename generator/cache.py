"""What a build remembers between runs: loaded briefs by content digest, and the last site's state.

Nothing here is trusted for correctness by time alone: a brief is reused only when the sha256 of
its brief.md and source.txt is the one it was loaded from, and the whole cache is dropped when the
generator's version or the cache format changes. The files are JSON, never pickle: the state
folder is data, not code.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__

CACHE_FORMAT = 2


def _key() -> str:
    return f"{CACHE_FORMAT}:{__version__}"


@dataclass
class LoadCache:
    """Loaded briefs by digest: the brief as JSON, its line map, and its check findings."""

    path: Path | None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    dirty: bool = False

    @classmethod
    def open(cls, path: Path | None) -> LoadCache:
        if path is None or not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)  # a damaged cache is rebuilt, never trusted
        if not isinstance(data, dict) or data.get("key") != _key() or not isinstance(data.get("entries"), dict):
            return cls(path)
        return cls(path, data["entries"])

    def get(self, digest: str) -> dict[str, Any] | None:
        entry = self.entries.get(digest)
        if entry is not None:
            self.used.add(digest)
        return entry

    def put(self, digest: str, entry: dict[str, Any]) -> None:
        self.entries[digest] = entry
        self.used.add(digest)
        self.dirty = True

    def update(self, digest: str, **values: Any) -> None:
        entry = self.entries.setdefault(digest, {})
        entry.update(values)
        self.used.add(digest)
        self.dirty = True

    def save(self) -> None:
        """Write the entries used by this run (older ones are dropped)."""
        if self.path is None:
            return
        if not self.dirty and set(self.entries) == self.used:
            return
        kept = {digest: self.entries[digest] for digest in self.used if digest in self.entries}
        write_json(self.path, {"key": _key(), "entries": kept})


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"), ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
