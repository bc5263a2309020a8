"""Locating evidence in the source text: exactly, or after normalising white space, quotes and
dashes."""

from __future__ import annotations

import difflib
import re
from array import array
from collections.abc import Sequence
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
    def _normal(self) -> tuple[str, Sequence[int]]:
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
        # One machine word per character, not a Python int object: sources can be megabytes.
        return "".join(out), array("q", offsets)

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

    def closest(self, evidence: str) -> str | None:
        """The passage of the source most like `evidence`, for a 'did you mean' hint."""
        needle = normalise(evidence)
        if not needle:
            return None
        normal, _ = self._normal
        size = min(len(needle), len(normal))
        best_ratio, best_start = 0.0, None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(needle)
        # Candidate windows start at word boundaries; a stride keeps this linear in the source.
        starts = [0] + [m.end() for m in re.finditer(r"\s+", normal)]
        stride = max(1, len(starts) // 400)
        for begin in starts[::stride]:
            matcher.set_seq1(normal[begin : begin + size])
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best_start = ratio, begin
        if best_start is None or best_ratio < 0.6:
            return None
        return _whole_words(normal, best_start, size, needle, matcher)


def _whole_words(
    normal: str, begin: int, size: int, needle: str, matcher: difflib.SequenceMatcher[str]
) -> str:
    """The best window from `begin`, ending at a word boundary, trimmed like the needle."""
    # A suggestion about as long as the evidence: editors change a word more often than they cut.
    low, high = begin + max(1, size * 4 // 5), min(len(normal), begin + size * 4 // 3 + 1)
    ends = [low + m.start() for m in re.finditer(r"\s", normal[low:high])]
    if high == len(normal):
        ends.append(high)
    best_ratio, best = -1.0, normal[begin : begin + size]
    for end in ends or [begin + size]:
        window = normal[begin:end]
        # Drop punctuation the editor left out: an opening quote mark, a closing comma.
        if needle[:1].isalnum():
            window = window.lstrip("\"'([")
        if needle[-1:].isalnum():
            window = window.rstrip("\"'.,;:!?)]")
        matcher.set_seq1(window)
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best = ratio, window
    return best.strip()


def quote_parts(text: str) -> list[str]:
    """A quote split at its omissions ('...' or '…') into the parts that must appear in order."""
    parts = re.split(r"\s*(?:\.\.\.|\u2026|\[\.\.\.\])\s*", text)
    return [p.strip() for p in parts if p.strip()]


def locate_quote(source: SourceText, text: str) -> tuple[int, int] | None:
    """Find a quote's parts in order; return the span from the first part to the last."""
    spans = locate_quote_parts(source, text)
    return (spans[0][0], spans[-1][1]) if spans else None


def locate_quote_parts(source: SourceText, text: str) -> list[tuple[int, int]] | None:
    """Where each part of a quote is in the source, in order (see `quote_parts`); None when one
    is not there."""
    parts = quote_parts(text)
    if not parts:
        return None
    position = 0
    spans: list[tuple[int, int]] = []
    for part in parts:
        found = _locate_words(source, part, position)
        if found is None:
            return None
        spans.append(found)
        position = found[1]
    return spans


def _locate_words(source: SourceText, part: str, position: int) -> tuple[int, int] | None:
    """Where a part of a quote is in the source as whole words: "end" is not in "tremendous",
    and "It was a very product" is not a quote of "productive"."""
    text = source.text
    while True:
        found = source.locate(part, position)
        if found is None:
            return None
        start, end = found
        cut_before = start > 0 and text[start - 1].isalnum() and part[0].isalnum()
        cut_after = end < len(text) and text[end].isalnum() and part[-1].isalnum()
        if not (cut_before or cut_after):
            return found
        position = start + 1
