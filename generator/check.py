"""Proving a brief against its source: digest, evidence, quotes, figures, and numbers in prose.

Loading refuses a brief that does not fit the schema; a brief that does is proved here, every
finding collected: the source's digest, each evidence span and quote found in the source (or the
closest passage offered), each figure re-read from its own words, and every number or date an
editor typed into prose matched against the brief's grounded figures and dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from generator.content import Bundle, evidence_fields, source_digest
from generator.errors import Problem
from generator.frontmatter import dotted
from generator.grounding import SourceText, locate_quote, locate_quote_parts, normalise
from generator.numbers import (
    MONTHS,
    WEEKDAYS,
    Number,
    currency_matches,
    find_numbers,
    parse_number,
)
from generator.schema import Figure


def check_bundle(bundle: Bundle) -> list[Problem]:
    """Every finding about one brief, errors and warnings, in file order."""
    problems = [
        Problem(bundle.display_path, line, field, message, severity)  # type: ignore[arg-type]
        for line, field, message, severity in _findings(bundle)
    ]
    return sorted(problems, key=lambda p: (p.line, p.field))


Finding = tuple[int, str, str, str]


def _findings(bundle: Bundle) -> Iterator[Finding]:
    yield from check_digest(bundle)
    yield from check_grounding(bundle)
    yield from check_quotes(bundle)
    yield from check_figures(bundle)
    # The source's numbers are read once, and only if a date or a number of prose needs them.
    source_numbers = functools.cache(lambda: find_numbers(bundle.source.text))
    proofs = date_proofs(bundle, source_numbers)
    yield from check_dates(bundle, proofs)
    yield from check_prose(bundle, proofs, source_numbers)


def check_digest(bundle: Bundle) -> Iterator[Finding]:
    """The source still has the sha256 recorded in the brief."""
    recorded = bundle.brief.source.sha256
    actual = source_digest(bundle.source.text)
    path = ("source", "sha256")
    if recorded is None:
        yield (
            bundle.parsed.line_of(("source",)), dotted(path),
            f"no digest of source.txt is recorded; add `sha256: {actual}`", "warning",
        )  # fmt: skip
    elif recorded != actual:
        yield (
            bundle.parsed.line_of(path),
            dotted(path),
            f"source.txt has changed since the brief was written (now {actual[:12]}...); "
            "review the brief against it, then record the new digest",
            "error",
        )


def check_grounding(bundle: Bundle) -> Iterator[Finding]:
    """Every evidence text and quote is in the source, exactly or normalised; else the closest."""
    # Read from the model, not the YAML: a bundle from the load cache has no parsed data.
    source = bundle.source
    for path, span in evidence_fields(bundle.brief):
        if span.start is None or span.end is None:
            message = "evidence is not in source.txt" + _did_you_mean(source, span.text)
            yield bundle.parsed.line_of(path), dotted(path), message, "error"
    for index, quote in enumerate(bundle.brief.quotes):
        if locate_quote(source, quote.text) is None:
            path = ("quotes", index, "text")
            message = "quote is not verbatim in source.txt" + _did_you_mean(source, quote.text)
            yield bundle.parsed.line_of(path), dotted(path), message, "error"


def _did_you_mean(source: SourceText, text: str) -> str:
    hint = source.closest(text)
    return f' (did you mean: "{_clip(hint)}"?)' if hint else ""


def _clip(text: str, size: int = 120) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


# Words whose loss turns what was said around: an omission ("...") must not leave them out.
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|none|nobody|nothing|cannot|without)\b|n['\u2019]t\b", re.I
)


def check_quotes(bundle: Bundle) -> Iterator[Finding]:
    """Each quote's words lie inside the passage it cites, and no omission in it leaves out a
    negation of the source ("we do not ... have" quoted as "we do ... have")."""
    for index, quote in enumerate(bundle.brief.quotes):
        parts = locate_quote_parts(bundle.source, quote.text)
        found = (parts[0][0], parts[-1][1]) if parts else None
        for (_, gap_start), (gap_end, _) in itertools.pairwise(parts or []):
            left_out = _NEGATION.search(bundle.source.text, gap_start, gap_end)
            if left_out:
                path = ("quotes", index, "text")
                yield (
                    bundle.parsed.line_of(path),
                    dotted(path),
                    f"the omission (...) leaves out {left_out.group()!r} of the source: a cut "
                    "must not turn around what was said",
                    "error",
                )
                break
        span = quote.evidence
        if found is None or span.start is None or span.end is None:
            continue  # reported on load
        if not (span.start <= found[0] and found[1] <= span.end):
            # the words exist, but elsewhere than the cited passage
            inside = locate_quote(type(bundle.source)(span.text), quote.text)
            if inside is None:
                path = ("quotes", index, "evidence")
                yield (
                    bundle.parsed.line_of(path),
                    dotted(path),
                    "the quote's words are not in its evidence",
                    "warning",
                )


def written_in(written: str, text: str) -> bool:
    """Whether `written` stands in `text` as words of its own, not as the end or the start of a
    longer number or word: "5%" is not in "25%", "March 1" not in "March 14", "4 billion" not in
    "$1.4 billion", "1st" not in "51st"."""
    needle, hay = normalise(written), normalise(text)
    if not needle:
        return False
    start = hay.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (_joined(hay, start - 1, needle[0], -1) or _joined(hay, end, needle[-1], 1)):
            return True
        start = hay.find(needle, start + 1)
    return False


def _joined(hay: str, at: int, edge: str, step: int) -> bool:
    """Whether the character of `hay` at `at` continues the word or number that ends (step -1:
    starts) with `edge`: a letter or digit beside a letter or digit, or a decimal point or
    thousands separator between digits ("1.4", "1,000")."""
    if not 0 <= at < len(hay):
        return False
    beside = hay[at]
    if beside.isalnum() and edge.isalnum():
        return True
    further = at + step
    return edge.isdigit() and beside in ".," and 0 <= further < len(hay) and hay[further].isdigit()


def check_figures(bundle: Bundle) -> Iterator[Finding]:
    """Each figure's `as_written` is inside its evidence, and its value and unit re-read from it."""
    for index, figure in enumerate(bundle.brief.numbers):
        base = ("numbers", index)
        if not written_in(figure.as_written, figure.evidence.text):
            path = (*base, "as_written")
            yield (
                bundle.parsed.line_of(path),
                dotted(path),
                f"{figure.as_written!r} is not in its evidence",
                "error",
            )
            continue
        parsed = parse_number(figure.as_written)
        if parsed is None:
            path = (*base, "as_written")
            yield (
                bundle.parsed.line_of(path),
                dotted(path),
                "holds no number that can be read",
                "warning",
            )
            continue
        yield from _compare(bundle, base, figure, parsed)


def _compare(
    bundle: Bundle, base: tuple[str | int, ...], figure: Figure, parsed: Number
) -> Iterator[Finding]:
    line = bundle.parsed.line_of

    def finding(name: str, message: str, severity: str = "error") -> Finding:
        path = (*base, name)
        return line(path), dotted(path), message, severity

    if figure.kind == "date" or parsed.kind == "date":
        if parsed.date and figure.date and not _same_date(parsed.date, figure.date):
            yield finding(
                "date",
                f"{figure.date} does not match {figure.as_written!r} (reads as {parsed.date})",
            )
        return
    if parsed.value is not None and figure.value is not None and parsed.value != figure.value:
        yield finding(
            "value",
            f"{_plain(figure.value)} does not match {figure.as_written!r}, "
            f"which reads as {_plain(parsed.value)}",
        )
    if (
        parsed.value_high is not None
        and figure.value_high is not None
        and parsed.value_high != figure.value_high
    ):
        yield finding(
            "value_high", f"{_plain(figure.value_high)} does not match {figure.as_written!r}"
        )
    if parsed.unit and figure.unit and _unit(parsed.unit) != _unit(figure.unit):
        yield finding(
            "unit",
            f"{figure.unit!r} does not match {figure.as_written!r}, which reads as {parsed.unit!r}",
        )
    if parsed.kind == "money" and not currency_matches(parsed.currency, figure.currency):
        yield finding("currency", f"{figure.currency} does not match {figure.as_written!r}")
    if parsed.kind == "percent" and figure.kind not in ("percent", "ratio"):
        yield finding(
            "kind", f"{figure.as_written!r} is a percentage, not a {figure.kind}", "warning"
        )
    if parsed.value_high is None and figure.value_high is not None:
        yield finding("value_high", f"{figure.as_written!r} gives no second value")
    if _opposed(parsed.qualifier, figure.qualifier):
        yield finding(
            "qualifier", f"{figure.qualifier} does not match {figure.as_written!r}, which reads "
            f"as {parsed.qualifier}",
        )  # fmt: skip
    elif parsed.qualifier not in ("exact", figure.qualifier) and figure.qualifier == "exact":
        yield finding(
            "qualifier", f"{figure.as_written!r} reads as {parsed.qualifier}, not exact", "warning"
        )
    elif parsed.qualifier == "exact" and figure.qualifier in _BOUNDS:
        yield finding(
            "qualifier",
            f"{figure.as_written!r} reads as exact, not {figure.qualifier}: write the words that "
            "bound it in `as_written`",
            "warning",
        )


# A figure's bounds, by the side they bound it from.
_BOUNDS = {"more_than": 1, "at_least": 1, "less_than": -1, "up_to": -1}


def _opposed(read: str, stated: str) -> bool:
    """Whether two qualifiers bound a value from opposite sides ("more than" and "up to")."""
    return _BOUNDS.get(read, 0) * _BOUNDS.get(stated, 0) < 0


DateProof = tuple[tuple[str | int, ...], str, bool]


def date_proofs(bundle: Bundle, source_numbers: Callable[[], list[Number]]) -> list[DateProof]:
    """Each action's date and each outlook item's dates, and whether the source gives it:
    written in it, or read from it against the story's date ("on Friday", "next month",
    "April 2"). A date may be less precise than the source's ("2025-03" for "March 14"), never
    more."""
    from generator.draft.dates import possible_dates

    brief = bundle.brief
    stated: list[tuple[tuple[str | int, ...], str | None]] = [
        (("actions", index, "date"), action.date) for index, action in enumerate(brief.actions)
    ]
    for index, item in enumerate(brief.outlook):
        stated += [(("outlook", index, name), getattr(item, name)) for name in ("when", "until")]
    dated = [(path, value) for path, value in stated if value]
    if not dated:
        return []
    published = brief.source.published or brief.date
    text = bundle.source.text
    given = [(d.value, d.until) for d in possible_dates(text, published, source_numbers())]
    given += [(brief.date.isoformat(), None), (published.isoformat(), None)]
    return [
        (path, value, any(_within(value, low, high) for low, high in given))
        for path, value in dated
    ]


def check_dates(bundle: Bundle, proofs: list[DateProof]) -> Iterator[Finding]:
    """A date of an action or an outlook item that the source does not give is an error."""
    published = (bundle.brief.source.published or bundle.brief.date).isoformat()
    for path, value, given in proofs:
        if not given:
            yield (
                bundle.parsed.line_of(path), dotted(path),
                f"{value} is not a date the source gives (as written, or read against "
                f"{published}, the story's date)", "error",
            )  # fmt: skip


def _within(value: str, low: str, high: str | None) -> bool:
    """Whether a stated date is the source's date `low` (or lies in the window low..high), at
    the stated date's precision or a coarser one."""
    if high is None:
        return low.startswith(value)
    size = len(value)
    return len(low) >= size and low[:size] <= value <= high[:size]


# Spellings of one unit that an editor may type: '%' is 'percent', 'pp' is 'percentage points'.
UNIT_SPELLINGS = {
    "%": "percent",
    "per cent": "percent",
    "pct": "percent",
    "pp": "percentage points",
    "points": "percentage points",
    "percentage point": "percentage points",
}


def _unit(unit: str) -> str:
    key = normalise(unit).lower()
    return UNIT_SPELLINGS.get(key, key)


def _no_finer(read: str, grounded: str) -> bool:
    """Whether a date read in prose says no more than a grounded date does: "March 2025" is
    within 2025-03-20, but "March 20, 2025" is not within 2025-03, which gives no day."""
    if read.startswith("--"):
        return grounded[4:] == read[1:]
    return grounded.startswith(read)


def _same_date(read: str, stated: str) -> bool:
    if read.startswith("--"):
        return stated[4:] == read[1:] or stated[5:] == read[2:]
    return stated.startswith(read) or read.startswith(stated)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _prose(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], str]]:
    brief = bundle.brief
    yield ("bottom_line",), brief.bottom_line
    for index, point in enumerate(brief.key_points):
        yield ("key_points", index), point
    if brief.why_it_matters:
        yield ("why_it_matters",), brief.why_it_matters
    yield ("title",), brief.title
    for index, item in enumerate(brief.outlook):
        yield ("outlook", index, "what"), item.what
        if item.trigger:
            yield ("outlook", index, "trigger"), item.trigger
    for index, action in enumerate(brief.actions):
        yield ("actions", index, "action"), action.action
    for index, figure in enumerate(brief.numbers):
        yield ("numbers", index, "measures"), figure.measures
    for index, party in enumerate(brief.parties):
        for name in ("role", "stance"):
            if getattr(party, name):
                yield ("parties", index, name), getattr(party, name)
    for index, quote in enumerate(brief.quotes):
        if quote.channel:
            yield ("quotes", index, "channel"), quote.channel


# Words in double quotation marks, straight or curly: what prose presents as quoted.
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


# Their names as written: "March", not "mar"; "Monday" (as weekday() counts them).
_MONTHS = [max((n for n, i in MONTHS.items() if i == m), key=len).title() for m in range(1, 13)]
_WEEKDAYS = [day.title() for day in WEEKDAYS]
# Capitalised, as names: "may" and "august" in lower case are other words.
_CALENDAR_WORD = re.compile(r"\b(" + "|".join(_MONTHS + _WEEKDAYS) + r")\b")


def _calendar_words(text: str) -> Iterator[tuple[str, int]]:
    """The month and weekday names in a text ("in October", "said Monday"), where they are."""
    for match in _CALENDAR_WORD.finditer(text):
        yield match.group(), match.start()


def _calendar_of(source: str, dates: set[str]) -> set[str]:
    """The month and weekday names a brief may use in prose: those its source writes, and the
    month (and weekday) of each date that grounds prose."""
    names = {word for word, _ in _calendar_words(source)}
    for value in dates:
        parts = value.split("-")
        if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
            names.add(_MONTHS[int(parts[1]) - 1])
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            with contextlib.suppress(ValueError):
                names.add(_WEEKDAYS[dt.date(*map(int, parts)).weekday()])
    return names


def _fits(number: Number, figure: Figure | Number) -> bool:
    """Whether a number in prose can be `figure` (a Figure or a Number of the source, of its
    value): a percentage is a percentage (and percentage points are not percent), money is
    money, and a currency that both name for sure is the same. A bare number fits any figure
    of its value; "$" alone names no currency for sure."""
    if number.kind in ("percent", "money") and figure.kind != number.kind:
        return False
    if _opposed(number.qualifier, figure.qualifier):
        return False  # "less than 75%" is not the figure "more than 75%"
    if number.kind == "percent" and number.unit and figure.unit:
        return _points(number.unit) == _points(figure.unit)
    if number.kind == "money" and number.currency:
        if isinstance(figure, Figure):
            # The currency the editor stated, unless it was only guessed from context ("$"
            # in prose is some dollar: not the pounds of a figure in GBP) ...
            sure = figure.currency and figure.currency_basis != "context"
            if sure and not currency_matches(number.currency, figure.currency):
                return False
            # ... and the one its own words name ("$" names a dollar, not pounds).
            read = parse_number(figure.as_written)
            written = read.currency if read is not None else None
        else:
            written = figure.currency
        named = not number.currency.startswith("$")
        if named and written and not currency_matches(written, number.currency):
            return False
    return True


def _points(unit: str) -> bool:
    return "point" in unit.lower()


def check_prose(
    bundle: Bundle, proofs: list[DateProof], source_numbers: Callable[[], list[Number]]
) -> Iterator[Finding]:
    """A number or date typed into prose must be one of the brief's grounded figures or dates."""
    brief = bundle.brief
    figures: dict[Decimal | None, list[Figure]] = {}
    for figure in brief.numbers:
        for value in (figure.value, figure.value_high):
            if value is not None:
                figures.setdefault(value, []).append(figure)
    written = {normalise(f.as_written).lower() for f in brief.numbers}
    dates = {f.date for f in brief.numbers if f.date}
    # The dates of actions and outlook items ground prose only where the source gives them.
    dates |= {value for _, value, given in proofs if given}
    dates.add(brief.date.isoformat())
    if brief.source.published:
        dates.add(brief.source.published.isoformat())
    source_values: dict[Decimal | None, list[Number]] = {}
    calendar: set[str] | None = None  # the month and weekday names the source grounds
    source_dates: set[str] = set()
    source_read = False
    for path, text in _prose(bundle):
        for quoted in _QUOTED.finditer(text):
            words = (quoted.group(1) or quoted.group(2)).strip()
            if words and locate_quote(bundle.source, words) is None:
                yield (
                    bundle.parsed.line_of(path), dotted(path),
                    f"quotation {_clip(words, 60)!r} is not in the source, word for word", "error",
                )  # fmt: skip
        numbers = find_numbers(text)
        for word, start in _calendar_words(text):
            if any(n.start <= start < n.end for n in numbers):
                continue  # part of a date read below
            if calendar is None:
                calendar = _calendar_of(bundle.source.text, dates)
            if word not in calendar:
                yield (
                    bundle.parsed.line_of(path), dotted(path),
                    f"{word!r} is not in the source, nor the day or month of a date it gives",
                    "error",
                )  # fmt: skip
        for number in numbers:
            if normalise(number.as_written).lower() in written:
                continue
            is_date = number.kind in ("date", "year")
            if is_date and number.date and any(_no_finer(number.date, d) for d in dates):
                continue
            if not is_date and any(_fits(number, f) for f in figures.get(number.value, [])):
                continue
            if (
                not source_read
            ):  # read the source's numbers only when the brief's do not explain one
                source_read = True
                for found in source_numbers():
                    if found.value is not None:
                        source_values.setdefault(found.value, []).append(found)
                    if found.date:
                        source_dates.add(found.date)
            if is_date:
                grounded_in_source = bool(number.date) and any(
                    _same_date(number.date or "", d) or _same_date(d, number.date or "")
                    for d in source_dates
                )
                kind = "date"
            else:
                grounded_in_source = any(
                    _fits(number, found) for found in source_values.get(number.value, [])
                )
                kind = "number"
            if path[0] in ("actions", "numbers", "parties", "quotes") and grounded_in_source:
                continue  # these words echo their evidence; the figure is listed elsewhere
            if grounded_in_source:
                yield (
                    bundle.parsed.line_of(path), dotted(path),
                    f"{kind} {number.as_written!r} is in the source but not among this brief's "
                    f"{'figures' if kind == 'number' else 'dates'}; add it to `numbers`", "warning",
                )  # fmt: skip
            else:
                yield (
                    bundle.parsed.line_of(path), dotted(path),
                    f"{kind} {number.as_written!r} is not in the source", "error",
                )  # fmt: skip
