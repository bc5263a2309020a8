"""Long alternations of words, rewritten so that Python's regex engine scans them fast.

The engine tries an alternation one branch at a time at every place it looks, testing the first
character of each branch. Grouped by first letter ("said|says|told" -> "s(?:aid|ays)|t(?:old)"),
a place is turned down after one test per letter instead of one per word. The branches keep
their order within each letter, and branches with another first letter could not match there,
so the pattern matches exactly what the plain alternation matches, with the same preference.
"""

from __future__ import annotations

import re


def build_alternation(pattern: str) -> str:
    """The alternation `pattern` (words, phrases, small groups) grouped by first letter."""
    if "[" in pattern:
        raise ValueError("character classes are not supported")
    branches: dict[str, list[str]] = {}
    for alternative in _split_alternatives(pattern):
        first, rest = alternative[0], alternative[1:]
        if not (first.isalpha() or first == "'") or rest.startswith(("?", "*", "+", "{")):
            raise ValueError(f"cannot group {alternative!r} by its first letter")
        branches.setdefault(first, []).append(rest)
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in branches.items())


def _split_alternatives(pattern: str) -> list[str]:
    """Split a pattern at its top-level bars, a leading group spelled out ("(?:a|b) c")."""
    parts: list[str] = []
    depth = start = 0
    for index, char in enumerate(pattern):
        if pattern[index - 1 : index] == "\\":
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    spelled: list[str] = []
    for part in parts:
        if part.startswith("(?:"):
            close = part.index(")")
            words = part[3:close]
            if "(" in words or "\\" in words:
                raise ValueError(f"cannot spell out the group leading {part!r}")
            # "(?:a|b) c" tries "a c" then "b c": the same order spelled out.
            spelled.extend(word + part[close + 1 :] for word in words.split("|"))
        else:
            spelled.append(part)
    return spelled
