"""User-facing errors: every problem is one `path:line: field: message` line, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, Literal

import click

Severity = Literal["error", "warning"]


# A file name or message holding a line break or a terminal escape would forge or hide lines.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one place in one file."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        path, field_, message = (_printable(s) for s in (self.path, self.field, self.message))
        location = f"{path}:{self.line}" if self.line else path
        prefix = "warning: " if self.severity == "warning" else ""
        where = f"{location}: {field_}: " if field_ else f"{location}: "
        return f"{where}{prefix}{message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class BriefError(click.ClickException):
    """An error in the user's input or environment: printed without a traceback, exit status 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class ProblemsError(BriefError):
    """Several problems, collected over every file, reported at once."""

    def __init__(self, problems: Iterable[Problem], action: str = "nothing was written") -> None:
        self.problems = sorted(problems)
        self.action = action
        super().__init__(self._summary())

    def _summary(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        files = {p.path for p in errors}
        n, m = len(errors), len(files)
        return (
            f"Aborted: {n} error{'s' if n != 1 else ''} in {m} file{'s' if m != 1 else ''}; "
            f"{self.action}."
        )

    def format_message(self) -> str:
        lines = [p.format() for p in self.problems]
        lines.append(self._summary())
        return "\n".join(lines)


class SourceError(BriefError):
    """An article that cannot be read as text: binary, empty, too large, undecodable."""


class BuildError(BriefError):
    """The site could not be built; the previous site is left as it was."""


class LockedError(BriefError):
    """Another build holds the lock on this project."""
