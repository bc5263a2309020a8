"""Locating evidence in the source text: exactly, or after normalising white space, quotes and dashes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

# Typographic variants an editor's keyboard or a copy-paste may swap for one another.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
        "\u2026": "...",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold quotes, dashes and ellipses, collapse white space: the form evidence is matched in."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


@dataclass
class SourceText:
    """A source with its normalised form and the map back to original offsets, computed once."""

    text: str

    @cached_property
    def _normal(self) -> tuple[str, list[int]]:
        out: list[str] = []
        offsets: list[int] = []
        in_space = True  # drop leading space, as normalise() does
        for index, char in enumerate(self.text):
            folded = char.translate(_FOLD)
            if folded.isspace():
                if in_space:
                    continue
                in_space = True
                out.append(" ")
                offsets.append(index)
                continue
            in_space = False
            for piece in folded:
                out.append(piece)
                offsets.append(index)
        offsets.append(len(self.text))
        return "".join(out), offsets

    def locate(self, evidence: str, start: int = 0) -> tuple[int, int] | None:
        """The offsets of `evidence` in the source, exactly or after normalising; None if absent."""
        if not evidence:
            return None
        index = self.text.find(evidence, start)
        if index >= 0:
            return index, index + len(evidence)
        return self.locate_normalised(evidence, start)

    def locate_normalised(self, evidence: str, start: int = 0) -> tuple[int, int] | None:
        needle = normalise(evidence)
        if not needle:
            return None
        normal, offsets = self._normal
        # first normalised index at or after `start`
        lo = 0
        if start:
            import bisect

            lo = bisect.bisect_left(offsets, start)
        index = normal.find(needle, lo)
        if index < 0:
            return None
        end_index = index + len(needle) - 1
        return offsets[index], offsets[end_index] + 1

    def contains(self, evidence: str) -> bool:
        return self.locate(evidence) is not None

    def closest(self, evidence: str) -> str | None:
        """The passage of the source most like `evidence`, for a 'did you mean' hint."""
        needle = normalise(evidence)
        if not needle:
            return None
        normal, _ = self._normal
        size = len(needle)
        if size > len(normal):
            size = len(normal)
        best_ratio, best = 0.0, None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(needle)
        # Candidate windows start at word boundaries; a stride keeps this linear in the source.
        starts = [0] + [m.end() for m in re.finditer(r"\s+", normal)]
        stride = max(1, len(starts) // 400)
        for begin in starts[::stride]:
            window = normal[begin : begin + size]
            matcher.set_seq1(window)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best = ratio, window
        if best is None or best_ratio < 0.6:
            return None
        return best.strip()


def quote_parts(text: str) -> list[str]:
    """A quote split at its omissions ('...' or '…') into the parts that must appear in order."""
    parts = re.split(r"\s*(?:\.\.\.|\u2026|\[\.\.\.\])\s*", text)
    return [p.strip() for p in parts if p.strip()]


def locate_quote(source: SourceText, text: str) -> tuple[int, int] | None:
    """Find a quote's parts in order; return the span from the first part to the last."""
    parts = quote_parts(text)
    if not parts:
        return None
    position = 0
    first: int | None = None
    end = 0
    for part in parts:
        found = source.locate(part, position)
        if found is None:
            return None
        if first is None:
            first = found[0]
        position = end = found[1]
    assert first is not None
    return first, end
