"""Word alternations grouped by first letter match exactly what the plain alternations match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.alternation import build_alternation
from generator.draft import actions, quotes
from generator.numbers import _MONTH_NAMES

# The word lists drafting scans with grouped alternations, with and without ignore-case.
WORD_LISTS = [
    (quotes._SPEECH, re.I),
    (actions._ALL_VERBS, 0),
    (_MONTH_NAMES, 0),
    (r"could|may|might|risks?|threats?|threaten(?:s|ed)?|warn(?:s|ed)?|edge of", 0),
    (r"will|shall|plans?|planned|next|ahead of|going to|'ll", re.I),
]


def words_of(pattern: str) -> list[str]:
    """Words and phrases the pattern is made of, for texts that come near to matching it."""
    plain = re.sub(r"\\w\+|\(\?!.*?\)|[()?:|+*\\]", " ", pattern)
    return sorted({word for word in plain.split() if word})


@pytest.mark.parametrize(("pattern", "flags"), WORD_LISTS)
def test_grouped_alternation_finds_the_same_matches(pattern: str, flags: int) -> None:
    plain = re.compile(rf"\b(?:{pattern})\b", flags)
    grouped = re.compile(rf"\b(?:{build_alternation(pattern)})\b", flags)
    pieces = words_of(pattern)
    # Case variants, and the letters ignore-case folds beyond str.lower ("ſ", "ı", "K").
    pieces += [p.upper() for p in pieces] + [p.capitalize() for p in pieces]
    pieces += [p.replace("s", "ſ").replace("i", "ı").replace("k", "K") for p in pieces]
    pieces += ["the", "not", "on", "for", "to", "x", "'", "-", "1", ",", "\n"]

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=12), st.sampled_from(["", " ", "  "]))
    def check(words: list[str], gap: str) -> None:
        text = gap.join(words)
        expected = [(m.span(), m.group()) for m in plain.finditer(text)]
        assert [(m.span(), m.group()) for m in grouped.finditer(text)] == expected

    check()


def test_groups_by_first_letter_keeping_the_order_within_a_letter() -> None:
    assert build_alternation("said|says|told|(?:did|does) not") == (
        "s(?:aid|ays)|t(?:old)|d(?:id not|oes not)"
    )


@pytest.mark.parametrize("pattern", ["[Ss]aid|told", r"\w+ed|said", "s?aid|told"])
def test_what_cannot_be_grouped_is_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        build_alternation(pattern)
