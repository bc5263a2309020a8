"""Dates of the source resolved against the publication date: "Friday", "April 2", "last month"."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass

from generator.alternation import build_alternation
from generator.numbers import MONTHS, Number

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FUTURE = re.compile(
    r"\b(?:"
    + build_alternation(
        r"will|shall|plans?|planned|expected|due|set to|scheduled|next|ahead of|going to|'ll"
    )
    + r")\b",
    re.I,
)  # the words grouped by first letter for a fast scan (see generator.alternation)
_MONTH_NAMES = "January|February|March|April|June|July|August|September|October|November|December"
# Case-sensitive with capitals spelled out: an ignore-case scan of a whole article is slower.
# Every match opens with one of the characters of the look-ahead (a modifier's, a count's, a
# day's or a month's first letter, or a digit): it turns other places down at once and changes
# no match.
_RELATIVE = re.compile(
    r"(?=[LlNnTtMmWFSsYyAaEeIifJOD\d])(?:"
    r"\b(?P<weekday>(?:[Ll]ast |[Nn]ext |[Tt]his )?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))(?:'s)?\b"
    r"|\b(?P<day>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight)\b"
    r"|\b(?P<ago>(?:[Aa] few|[Ss]everal|[Aa] couple of|"
    r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)) "
    r"(?P<unit>days?|weeks?|months?|years?) ago)\b"
    r"|\b(?P<rel>(?P<which>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier this|[Ll]ater this) "
    r"(?P<span>week|month|year|weekend))\b"
    r"|\b(?P<bare>(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id|[Mm]id-|[Ii]n) ?)"
    r"(?P<month>" + _MONTH_NAMES + r"|May))\b(?!\s+\d))"
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


def resolve_month_day(month: int, day: int | None, published: dt.date, future: bool) -> str:
    """The year of a month (and day) written without one: the nearest to publication."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            when = dt.date(year, month, day or 1)
        except ValueError:
            continue
        candidates.append(when)
    if not candidates:
        return f"{published.year}-{month:02d}"

    def distance(when: dt.date) -> tuple[int, int]:
        ahead = when > published
        # A written date within a few months either side is the nearest; a tie goes by tense.
        return abs((when - published).days), 0 if ahead == future else 1

    best = min(candidates, key=distance)
    return best.isoformat() if day else best.strftime("%Y-%m")


def resolve_number_date(number: Number, published: dt.date, future: bool = False) -> str | None:
    """The calendar date of a date figure; a day without a year takes the nearest year."""
    if not number.date:
        return None
    if not number.date.startswith("--"):
        return number.date
    month, day = int(number.date[2:4]), int(number.date[5:7])
    return resolve_month_day(month, day, published, future)


def find_dates(
    text: str, published: dt.date, numbers: list[Number], future_at: list[bool] | None = None
) -> list[DateMention]:
    """Every resolvable date of the source: written dates, weekdays, relative and bare months."""
    found: list[DateMention] = []
    for index, number in enumerate(numbers):
        if number.kind == "date":
            future = future_at[index] if future_at else False
            value = resolve_number_date(number, published, future)
            if value:
                found.append(DateMention(number.start, number.end, number.as_written, value))
        elif number.kind == "year" and number.date and number.unit != "decade":
            found.append(DateMention(number.start, number.end, number.as_written, number.date))
    # Overlap with a written date, in log time: starts sorted, and the furthest end so far.
    taken = sorted((d.start, d.end) for d in found)
    starts = [s for s, _ in taken]
    reach = list(itertools.accumulate((e for _, e in taken), max))
    for match in _relative_matches(text):
        before = bisect.bisect_left(starts, match.end())
        if before and reach[before - 1] > match.start():
            continue
        window = text[max(0, match.start() - 80) : match.end() + 40]
        future = bool(_FUTURE.search(window))
        mention = _resolve(match, published, future)
        if mention is not None:
            found.append(mention)
    found.sort(key=lambda d: d.start)
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


def _resolve(match: re.Match[str], published: dt.date, future: bool) -> DateMention | None:
    start, end = match.span()
    written = match.group()
    groups = match.groupdict()
    if groups["weekday"]:
        words = groups["weekday"].lower().split()
        target = WEEKDAYS.index(words[-1])
        modifier = words[0] if len(words) == 2 else ""
        if modifier == "next" or (future and modifier != "last"):
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
        if modifier == "last":
            future = False
        elif modifier == "next":
            future = True
        value = resolve_month_day(month, None, published, future)
        return DateMention(start, end, written, value)
    return None
