"""Numbers as written in news text: find them, and read their value, unit, currency and qualifier.

One grammar serves drafting (find every figure in an article) and checking (re-read a figure's
`as_written` and compare it with the value an editor typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12, "half": Decimal("0.5"),
}  # fmt: skip

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

SCALES = {
    "thousand": 10**3, "k": 10**3, "million": 10**6, "mln": 10**6, "mn": 10**6, "m": 10**6,
    "billion": 10**9, "bln": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12,
    "trn": 10**12, "tr": 10**12,
}  # fmt: skip

# symbol -> (ISO code when unambiguous, family for ambiguous symbols)
SYMBOLS = {
    "US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
    "HK$": "HKD", "S$": "SGD", "R$": "BRL", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₽": "RUB", "$": "$",
}  # fmt: skip
CODES = {"USD", "CAD", "AUD", "NZD", "GBP", "EUR", "JPY", "CNY", "INR", "CHF", "HKD", "SGD", "BRL", "ZAR", "RUB", "KRW", "MXN", "SEK", "NOK", "DKK"}  # fmt: skip
CURRENCY_WORDS = {
    "dollars": "$", "dollar": "$", "pounds": "GBP", "pound": "GBP", "euros": "EUR", "euro": "EUR",
    "yen": "JPY", "yuan": "CNY", "rupees": "INR", "rand": "ZAR", "francs": "CHF", "pence": "GBX",
    "cents": "$c", "p": "GBX",
}  # fmt: skip
DOLLAR_CODES = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}

QUALIFIERS = [
    (r"more than|over|above|in excess of|upwards of|greater than|exceeding", "more_than"),
    (r"less than|fewer than|under|below|short of", "less_than"),
    (r"at least|no fewer than|no less than|a minimum of|a minimum", "at_least"),
    (r"up to|as many as|as much as|at most|no more than|a maximum of", "up_to"),
    (r"about|around|roughly|approximately|nearly|almost|some|close to|an estimated|estimated|circa|approx\.?|~", "approx"),
]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORD_NUM = r"(?:a\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen|half)"
_SCALE = r"(?:thousand|million|billion|trillion|mln|bln|trn|mn|bn|tn|k|m|b)\b"
_SYMBOL = r"(?:US\$|C\$|CA\$|A\$|AU\$|NZ\$|HK\$|S\$|R\$|\$|£|€|¥|₹|₩|₽)"
_CODE = r"(?:" + "|".join(sorted(CODES)) + r")"
_PERCENT = r"(?:%|\s?per\s?cent\b|\s?percent\b|\s?pct\b|\s?percentage points?\b|\s?points?\b(?=\s))"
_QUAL = r"(?:" + "|".join(q for q, _ in QUALIFIERS) + r")"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_RANK_WORD = r"(?:largest|biggest|highest|lowest|smallest|most|least|best|worst|fastest|slowest|strongest|weakest|richest|poorest|busiest|oldest|youngest|longest|deadliest|heaviest|greatest)"

_AMOUNT = (
    rf"(?:(?P<sym>{_SYMBOL})\s?|(?P<code>{_CODE})\s?)?"
    rf"(?P<num>{_NUM})"
    rf"(?:\s?(?P<scale>{_SCALE}))?"
    rf"(?:(?:\s?(?:-|–|to|and)\s?)(?:{_SYMBOL})?(?P<num2>{_NUM})(?:\s?(?P<scale2>{_SCALE}))?)?"
    rf"(?P<pct>{_PERCENT})?"
    rf"(?:\s(?P<code2>{_CODE})\b)?"
    rf"(?:\s(?P<curword>dollars|pounds|euros|yen|yuan|rupees|pence|cents)\b)?"
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            rf"\b(?P<month>{_MONTH})\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s(?P<year>(?:19|20)\d{{2}}))?\b"
            rf"|\b(?P<day_b>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month_b>{_MONTH})(?:,?\s(?P<year_b>(?:19|20)\d{{2}}))?\b"
            rf"|\b(?P<month_c>{_MONTH})\s(?P<year_c>(?:19|20)\d{{2}})\b"
        ),
    ),
    ("rank", re.compile(rf"\b(?P<ord>{'|'.join(ORDINAL_WORDS)}|\d+(?:st|nd|rd|th))[-\s](?P<rank>{_RANK_WORD})\b", re.I)),
    ("ordinal", re.compile(r"\b(?P<ord>\d+(?:st|nd|rd|th))\b")),
    (
        "amount",
        re.compile(
            rf"(?:(?P<qual>{_QUAL})\s)?(?:between\s)?"
            + r"(?<![\w.,])"
            + _AMOUNT
            + r"(?![\w])",
            re.I,
        ),
    ),
    (
        "words",
        re.compile(
            rf"(?:(?P<qual>{_QUAL})\s)?\b(?P<word>{_WORD_NUM})(?:\s(?P<scale>thousand|million|billion|trillion))?(?P<pct>\s(?:per\s?cent|percent))?\b",
            re.I,
        ),
    ),
]


@dataclass(frozen=True)
class Number:
    """A number found in text."""

    start: int
    end: int
    as_written: str
    kind: str  # percent | money | count | ordinal | rank | date | year
    value: Decimal | None
    value_high: Decimal | None = None
    unit: str | None = None
    currency: str | None = None  # ISO code, or "$" when the symbol alone cannot tell
    qualifier: str = "exact"
    date: str | None = None  # YYYY, YYYY-MM, YYYY-MM-DD, or --MM-DD when no year is written


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _qualifier(text: str | None) -> str:
    if not text:
        return "exact"
    lowered = text.lower()
    for pattern, name in QUALIFIERS:
        if re.fullmatch(pattern, lowered):
            return name
    return "exact"


def _scaled(value: Decimal | None, scale: str | None, money: bool) -> Decimal | None:
    if value is None or not scale:
        return value
    key = scale.lower()
    if key in ("m", "b", "k") and not money:
        return None  # "5m" is five metres as often as five million: only money takes the letter
    factor = SCALES.get(key)
    return value * factor if factor else value


def _from_match(kind: str, match: re.Match[str], text: str) -> Number | None:
    groups = match.groupdict()
    start, end = match.span()
    written = text[start:end]
    if kind == "date":
        month = groups.get("month") or groups.get("month_b") or groups.get("month_c")
        day = groups.get("day") or groups.get("day_b")
        year = groups.get("year") or groups.get("year_b") or groups.get("year_c")
        month_number = MONTHS.get(month.rstrip(".").lower()) if month else None
        if month_number is None:
            return None
        if month == "May" and not day and not year:
            return None
        if day and not 1 <= int(day) <= 31:
            return None
        if day:
            date = f"{year}-{month_number:02d}-{int(day):02d}" if year else f"--{month_number:02d}-{int(day):02d}"
        else:
            date = f"{year}-{month_number:02d}"
        return Number(start, end, written, "date", None, date=date)
    if kind == "rank":
        ordinal = groups["ord"].lower()
        value = ORDINAL_WORDS.get(ordinal)
        if value is None:
            value = int(re.sub(r"\D", "", ordinal))
        return Number(start, end, written, "rank", Decimal(value), unit=groups["rank"].lower())
    if kind == "ordinal":
        return Number(start, end, written, "ordinal", Decimal(re.sub(r"\D", "", groups["ord"])))
    if kind == "words":
        word = re.sub(r"\s+", " ", groups["word"].lower())
        base = WORD_NUMBERS.get(word) or WORD_NUMBERS.get(word.removeprefix("a "))
        if base is None:
            return None
        value = Decimal(base) * SCALES.get((groups.get("scale") or "").lower(), 1)
        percent = bool(groups.get("pct"))
        return Number(
            start, end, written, "percent" if percent else "count", value,
            unit="percent" if percent else None, qualifier=_qualifier(groups.get("qual")),
        )  # fmt: skip
    symbol = groups.get("sym")
    code = groups.get("code") or groups.get("code2")
    curword = (groups.get("curword") or "").lower()
    money = bool(symbol or code or curword)
    value = _scaled(_decimal(groups["num"]), groups.get("scale"), money)
    if value is None:
        return None
    high = None
    if groups.get("num2"):
        high = _scaled(_decimal(groups["num2"]), groups.get("scale2") or groups.get("scale"), money)
        if groups.get("scale2") and not groups.get("scale"):
            value = _scaled(value, groups.get("scale2"), money)
    pct = (groups.get("pct") or "").strip().lower()
    currency = None
    if symbol:
        currency = SYMBOLS.get(symbol.upper() if symbol[0].isalpha() else symbol, "$")
    if code:
        currency = code.upper()
    if curword and not currency:
        currency = CURRENCY_WORDS.get(curword)
    qualifier = _qualifier(groups.get("qual"))
    if high is not None:
        qualifier = "range"
    if pct:
        unit = "percentage points" if "point" in pct else "percent"
        return Number(start, end, written, "percent", value, high, unit=unit, qualifier=qualifier)
    if money:
        return Number(start, end, written, "money", value, high, currency=currency, qualifier=qualifier)
    raw = groups["num"]
    if high is None and re.fullmatch(r"(?:1[5-9]|20)\d\d", raw) and not groups.get("scale"):
        return Number(start, end, written, "year", value, date=raw, qualifier=qualifier)
    return Number(start, end, written, "count", value, high, qualifier=qualifier)


def find_numbers(text: str) -> list[Number]:
    """Every number in `text`, left to right; where patterns overlap, the earliest, longest wins."""
    found: list[Number] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            number = _from_match(kind, match, text)
            if number is not None:
                found.append(number)
    # Earlier patterns are more specific (a date before its day, a rank before its ordinal).
    order = {kind: i for i, (kind, _) in enumerate(PATTERNS)}
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[Number] = []
    taken_until = -1
    for number in found:
        if number.start < taken_until:
            continue
        kept.append(number)
        taken_until = number.end
    del order
    return kept


def parse_number(as_written: str) -> Number | None:
    """Read one number written alone ('$1.4 billion', 'more than 75%'); None when it holds none."""
    numbers = find_numbers(as_written)
    if not numbers:
        return None
    # the longest match is the figure; a leading qualifier is part of it
    return max(numbers, key=lambda n: n.end - n.start)


def currency_matches(found: str | None, stated: str | None) -> bool:
    """Does a currency read from text agree with the one an editor stated?"""
    if found is None or stated is None:
        return found is None or stated is not None
    if found == "$":
        return stated in DOLLAR_CODES
    if found == "$c":
        return True
    return found == stated or (found == "GBX" and stated == "GBP")
