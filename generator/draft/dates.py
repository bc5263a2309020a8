"""Dates of the source resolved against the publication date: "Friday", "April 2", "last month"."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from generator.draft.sentences import Sentence, find_sentences, sentence_at
from generator.numbers import MONTHS, WEEKDAYS, Number

Tense = Literal["past", "future"] | None

# What a sentence says of the time of a date it gives: the cue nearest before the date decides
# ("said on Friday", "will meet on Friday"), else the nearest after ("In July, prices rose").
_FUTURE_CUES = (
    r"will|won't|shall|'ll|would(?! have)|going to|about to|plans? to|planning to|aims? to"
    r"|(?:is|are|was|were|be|been) (?:due|expected|scheduled|set|slated|poised|likely|to)"
    r"|(?:due|scheduled|planned|slated) (?:for|on|in|to|by)|set (?:for|to)|next|upcoming|coming"
    r"|due(?! to (?:the|a|an|its|their|his|her|this|that|these|those)\b)"
    r"|expects?|expected|forecasts?|forecasted|predicts?|predicted|projects?|projected"
    r"|anticipates?|anticipated|ahead of|later this|beginning|starting|effective"
    r"|takes? effect|comes? into (?:force|effect)"
)
# Past forms that do not end in -ed. ("Last" and "ago" are not here: they belong to dates of
# their own, "last month's figures", and say nothing of the date beside them.)
_PAST_WORDS = (
    r"was|were|had|did|said|told|met|held|took|gave|made|came|went|began|fell|rose|won|lost"
    r"|left|sent|spent|saw|became|struck|led|paid|sold|bought|brought|ran|grew|knew|wrote|spoke"
    r"|stood|broke|chose|drew|drove|fled|flew|fought|hid|kept|laid|meant|sat|shot|sought"
    r"|stole|stuck|swore|threw|tore|wore|agreed|freed|previously"
)
# -ed words that look ahead or say nothing of time ("the expected vote", "a limited run").
_NOT_PAST = {
    "scheduled", "planned", "slated", "proposed", "intended", "targeted", "needed", "required",
    "aimed", "hoped",
    "supposed", "based", "related", "limited", "concerned", "interested", "involved", "detailed",
    "advanced", "balanced", "armed", "united", "postponed", "delayed", "rescheduled", "moved",
    "pushed", "deferred", "extended", "tied", "used", "red", "bed", "shed", "need", "speed",
}  # fmt: skip
# "Until" and "till" end a period that may lie either side of the story ("did not call until
# March 27", "an extension until 12 April"): the date beside them is the nearest.
_NEUTRAL_CUES = r"until|till"
_CUE = re.compile(
    rf"\b(?:(?P<future>{_FUTURE_CUES})|(?P<neutral>{_NEUTRAL_CUES})"
    rf"|(?P<past>{_PAST_WORDS}|[a-z]{{2,}}ed))\b",
    re.I,
)
CUE_BEFORE = 120  # characters of the sentence read before a date for its tense
CUE_AFTER = 80  # and after it, when nothing before says


def tense_at(text: str, start: int, end: int, low: int = 0, high: int | None = None) -> Tense:
    """The tense of the words around `text[start:end]` within `low:high` (its sentence)."""
    high = len(text) if high is None else high
    before = None
    for match in _CUE.finditer(text, max(low, start - CUE_BEFORE), start):
        if _counts(match):
            before = match
    if before is not None:
        return _tense_of(before)
    for match in _CUE.finditer(text, end, min(high, end + CUE_AFTER)):
        if _counts(match):
            return _tense_of(match)
    return None


def _tense_of(cue: re.Match[str]) -> Tense:
    return "future" if cue.group("future") else None if cue.group("neutral") else "past"


def _counts(match: re.Match[str]) -> bool:
    if match.group("future") or match.group("neutral"):
        return True
    word = match.group()
    # A past form is a lower-case word: "United" or "Red" begin a name.
    return word.islower() and word not in _NOT_PAST


_MONTH_NAMES = "January|February|March|April|June|July|August|September|October|November|December"
# Case-sensitive with capitals spelled out: an ignore-case scan of a whole article is slower.
# Every match opens with one of the characters of the look-ahead (a modifier's, a count's, a
# day's or a month's first letter, or a digit): it turns other places down at once and changes
# no match.
_RELATIVE = re.compile(
    r"(?=[LlNnTtMmWFSsYyAaEeIifJODdBbUu\d])(?:"
    r"\b(?P<weekday>(?:[Ll]ast |[Nn]ext |[Tt]his )?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))(?:'s)?\b"
    r"|\b(?P<day>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight)\b"
    r"|\b(?P<ago>(?:[Aa] few|[Ss]everal|[Aa] couple of|"
    r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)) "
    r"(?P<unit>days?|weeks?|months?|years?) ago)\b"
    r"|\b(?P<rel>(?P<which>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier this|[Ll]ater this) "
    r"(?P<span>week|month|year|weekend))\b"
    r"|\b(?P<bare>(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id|[Mm]id-|[Ii]n"
    r"|[Bb]y|[Uu]ntil|[Bb]efore|[Aa]fter|[Ss]ince|[Ff]rom|[Tt]hrough|[Dd]uring) ?)"
    r"(?P<month>" + _MONTH_NAMES + r"|May))\b(?!\s+\d))"
)
# A year a few words after a month names that month's year: "April Fools' Day 2020", "July of
# 2019", "May, 2020"; not a figure ("April 2,020 people") nor one across a sentence or a list.
_YEAR_AFTER = re.compile(
    r"(?:'s)?(?:\s+(?:of|[A-Z][\w'’]*|[a-z]+'s?)){0,3},?\s+(?P<year>1[6-9]\d\d|2[01]\d\d)\b(?![.,]?\d|%)"
)
_SMALL = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


@dataclass(frozen=True)
class DateMention:
    """A date written in the source and what it resolves to."""

    start: int
    end: int
    text: str
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD: the form is the precision
    until: str | None = None  # the end of a window ("a few days ago")


def resolve_month_day(month: int, day: int | None, published: dt.date, tense: Tense) -> str:
    """The year of a month (and day) written without one.

    In the past tense, the last such date up to publication; in the future tense, the next from
    publication; with no tense, the nearest (a tie goes to the past).
    """
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            when = dt.date(year, month, day or 1)
        except ValueError:
            continue
        candidates.append(when)
    if not candidates:
        return f"{published.year}-{month:02d}"
    # A month without a day is compared as a month: "in March" of a story of 14 March is this
    # March, in either tense.
    now = published if day else published.replace(day=1)
    if tense == "past" and any(when <= now for when in candidates):
        best = max(when for when in candidates if when <= now)
    elif tense == "future" and any(when >= now for when in candidates):
        best = min(when for when in candidates if when >= now)
    else:
        best = min(candidates, key=lambda when: (abs((when - now).days), when > now))
    return best.isoformat() if day else best.strftime("%Y-%m")


def resolve_number_date(number: Number, published: dt.date, tense: Tense = None) -> str | None:
    """The calendar date of a date figure; a day without a year takes its year by `tense`."""
    if not number.date:
        return None
    if not number.date.startswith("--"):
        return number.date
    month, day = int(number.date[2:4]), int(number.date[5:7])
    return resolve_month_day(month, day, published, tense)


def find_dates(
    text: str,
    published: dt.date,
    numbers: list[Number],
    sentences: list[Sentence] | None = None,
) -> list[DateMention]:
    """Every resolvable date of the source: written dates, weekdays, relative and bare months.

    A date without a year takes the tense of its sentence (see `tense_at`).
    """
    if sentences is None:
        sentences = find_sentences(text)

    def tense(start: int, end: int) -> Tense:
        sentence = sentence_at(sentences, start)
        return tense_at(text, start, end, sentence.start, sentence.end) if sentence else None

    found = _written_dates(
        [n for n in numbers if n.unit != "decade"],
        published,
        lambda number: (tense(number.start, number.end),),
    )
    # Overlap with a written date, in log time: starts sorted, and the furthest end so far.
    taken = sorted((d.start, d.end) for d in found)
    starts = [s for s, _ in taken]
    reach = list(itertools.accumulate((e for _, e in taken), max))
    for match in _relative_matches(text):
        before = bisect.bisect_left(starts, match.end())
        if before and reach[before - 1] > match.start():
            continue
        mention = _resolve(match, published, tense(*match.span()), text)
        if mention is not None:
            found.append(mention)
    found.sort(key=lambda d: d.start)
    return found


def possible_dates(text: str, published: dt.date, numbers: list[Number]) -> list[DateMention]:
    """Every date the source may be read to give: each date without a year (written, a weekday,
    a bare month) in each tense, so that a brief drafted by other rules, or dated by an editor
    who read the tense otherwise, is still proved."""
    tenses: tuple[Tense, ...] = ("past", "future", None)
    found = _written_dates(numbers, published, lambda number: tenses)
    for match in _relative_matches(text):
        for tense in tenses:
            mention = _resolve(match, published, tense, text)
            if mention is not None:
                found.append(mention)
    return found


def _written_dates(
    numbers: list[Number], published: dt.date, tenses: Callable[[Number], Iterable[Tense]]
) -> list[DateMention]:
    """The dates written as figures: a date without a year in each of the tenses given for it
    (`tenses`, asked only for those), a year as it is."""
    found: list[DateMention] = []
    for number in numbers:
        if number.kind == "date" and number.date:
            for tense in tenses(number) if number.date.startswith("--") else (None,):
                value = resolve_number_date(number, published, tense)
                if value:
                    found.append(DateMention(number.start, number.end, number.as_written, value))
        elif number.kind == "year" and number.date:
            found.append(DateMention(number.start, number.end, number.as_written, number.date))
    return found


_ANCHORS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tomorrow",
    "tonight",
    " ago",
    "week",
    "month",
    "year",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _relative_matches(text: str) -> list[re.Match[str]]:
    """Matches of the relative-date pattern, read only around the words it needs."""
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for anchor in _ANCHORS:
        index = lower.find(anchor)
        while index >= 0:
            spans.append((max(0, index - 30), min(len(text), index + len(anchor) + 12)))
            index = lower.find(anchor, index + len(anchor))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    matches: list[re.Match[str]] = []
    for low, high in merged:
        # Widen to word boundaries so that a window never cuts a word in two.
        while low > 0 and not text[low - 1].isspace():
            low -= 1
        while high < len(text) and not text[high].isspace():
            high += 1
        matches.extend(_RELATIVE.finditer(text, low, high))
    return matches


def _resolve(
    match: re.Match[str], published: dt.date, tense: Tense, text: str
) -> DateMention | None:
    start, end = match.span()
    written = match.group()
    groups = match.groupdict()
    if groups["weekday"]:
        words = groups["weekday"].lower().split()
        target = WEEKDAYS.index(words[-1])
        modifier = words[0] if len(words) == 2 else ""
        if modifier == "next" or (tense == "future" and modifier != "last"):
            delta = (target - published.weekday()) % 7 or (7 if modifier == "next" else 0)
            when = published + dt.timedelta(days=delta)
        else:
            delta = (published.weekday() - target) % 7
            if modifier == "last" and delta == 0:
                delta = 7
            when = published - dt.timedelta(days=delta)
        return DateMention(start, end, written, when.isoformat())
    if groups["day"]:
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[groups["day"].lower()]
        return DateMention(start, end, written, (published + dt.timedelta(days=offset)).isoformat())
    if groups["ago"]:
        count_word = (groups["n"] or "").lower()
        count = int(count_word) if count_word.isdigit() else _SMALL.get(count_word, 0)
        unit = groups["unit"].lower().rstrip("s")
        if unit == "year":
            year = published.year - (count or 2)
            return DateMention(
                start, end, written, str(year), None if count else str(published.year - 1)
            )
        days = {"day": 1, "week": 7, "month": 30}[unit]
        if count:
            when = published - dt.timedelta(days=count * days)
            value = when.isoformat() if unit == "day" else when.strftime("%Y-%m")
            return DateMention(start, end, written, value)
        # "a few days ago": a window, not a day
        first = published - dt.timedelta(days=7 * days)
        last = published - dt.timedelta(days=2 * days if unit == "day" else days)
        if first.strftime("%Y-%m") == last.strftime("%Y-%m"):
            return DateMention(start, end, written, first.strftime("%Y-%m"))
        return DateMention(start, end, written, first.isoformat(), last.isoformat())
    if groups["rel"]:
        which = groups["which"].lower()
        span = groups["span"].lower()
        step = -1 if which == "last" else 1 if which == "next" else 0
        if span in ("week", "weekend"):
            monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
            return DateMention(
                start, end, written, monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
            )
        if span == "month":
            month_index = published.year * 12 + published.month - 1 + step
            return DateMention(
                start, end, written, f"{month_index // 12}-{month_index % 12 + 1:02d}"
            )
        return DateMention(start, end, written, str(published.year + step))
    if groups["bare"]:
        month_name = groups["month"]
        modifier = (groups["mod"] or "").lower().strip("- ")
        if (
            month_name == "May"
            and modifier in ("", "in")
            and not written.lower().startswith("in may")
        ):
            return None  # "may" is a verb as often as a month; only "in May" counts
        if month_name[0].islower():
            return None
        month = MONTHS[month_name.lower()]
        written_year = _YEAR_AFTER.match(text, end)
        if written_year is not None:  # "April Fools' Day 2020", "July of 2019": that year's
            return DateMention(start, end, written, f"{written_year['year']}-{month:02d}")
        if modifier == "since":
            tense = "past"  # "since June": the last June up to the story
        if modifier in ("last", "next"):
            # The last such month before the story's, or the next after it.
            step = -1 if modifier == "last" else 1
            index = published.year * 12 + published.month - 1 + step
            while index % 12 != month - 1:
                index += step
            return DateMention(start, end, written, f"{index // 12}-{index % 12 + 1:02d}")
        if modifier == "this":
            return DateMention(start, end, written, f"{published.year}-{month:02d}")
        value = resolve_month_day(month, None, published, tense)
        return DateMention(start, end, written, value)
    return None
