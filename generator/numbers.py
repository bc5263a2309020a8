"""Numbers as written in news text: find them, and read their value, unit, currency and qualifier.

One grammar serves drafting (find every figure in an article) and checking (re-read a figure's
`as_written` and compare it with the value an editor typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from generator.alternation import build_alternation

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

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

WORD_NUMBERS: dict[str, int | Decimal] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12, "half": Decimal("0.5"),
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
}  # fmt: skip
# Multipliers written as one word: "twice the 169,000 figure".
MULTIPLIER_WORDS = {"twice": 2, "thrice": 3}
# Decades written as words: "the seventies" is the 1970s (the century is the 20th by convention).
DECADE_WORDS = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
    "seventies": 1970, "eighties": 1980, "nineties": 1990,
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
CODES = {
    "USD", "CAD", "AUD", "NZD", "GBP", "EUR", "JPY", "CNY", "INR", "CHF",
    "HKD", "SGD", "BRL", "ZAR", "RUB", "KRW", "MXN", "SEK", "NOK", "DKK",
}  # fmt: skip
CURRENCY_WORDS = {
    "dollars": "$", "dollar": "$", "pounds": "GBP", "pound": "GBP", "euros": "EUR", "euro": "EUR",
    "yen": "JPY", "yuan": "CNY", "rupees": "INR", "rand": "ZAR", "francs": "CHF", "pence": "GBX",
    "cents": "$c", "p": "GBX", "dlrs": "$", "dlr": "$", "pesos": "MXN", "won": "KRW",
    "rupee": "INR", "franc": "CHF",
}  # fmt: skip
DOLLAR_CODES = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}

QUALIFIERS = [
    (r"more than|over|above|in excess of|upwards of|greater than|exceeding", "more_than"),
    (r"less than|fewer than|under|below|short of", "less_than"),
    (r"at least|no fewer than|no less than|a minimum of|a minimum", "at_least"),
    (r"up to|as many as|as much as|at most|no more than|a maximum of", "up_to"),
    (
        r"about|around|roughly|approximately|nearly|almost|some|close to|an estimated|estimated|"
        r"circa|approx\.?|~",
        "approx",
    ),
]

# A comma before one or two digits ("£135,00", "3,5%") is read as a decimal comma, so the figure
# keeps every digit as written instead of stopping at the comma.
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUM_FIRST = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3},\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+"
_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _cased(words: list[str]) -> str:
    """An alternation matching each word in lower case or with a capital, without re.I (faster)."""
    return "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in words)


_WORD_NUM = (
    r"(?:[Aa]\s(?:dozen|hundred|thousand|million|billion|trillion)|(?:"
    + _cased(_TENS)
    + r")[-\s](?:"
    + "|".join(_UNITS)
    + r")|"
    + _cased(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
            "hundred",
            "dozen",
            "half",
        ]
    )
    + ")"
)
_SCALE = (
    r"(?:[Tt]housand|[Mm]illion|[Bb]illion|[Tt]rillion|mln|bln|trn|mn|bn|tn|k|m|b|M|B|K|BN|MN)\b"
)
_SYMBOL = r"(?:US\$|C\$|CA\$|A\$|AU\$|NZ\$|HK\$|S\$|R\$|\$|£|€|¥|₹|₩|₽)"
_CODE = r"(?:" + "|".join(sorted(CODES)) + r")"
# "25%", "25 per cent", and as a compound adjective, "a 25-percent tariff", "a
# 0.5-percentage-point cut".
_PERCENT = (
    r"(?:%|[\s-]?[Pp]er[\s-]?[Cc]ent\b|[\s-]?[Pp]ercent\b|[\s-]?pct\b"
    r"|[\s-]?percentage[\s-]points?\b)"
)
_QUAL = r"(?:" + "|".join(q for q, _ in QUALIFIERS) + r")"
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_MONTH = rf"(?:{build_alternation(_MONTH_NAMES)})\.?"  # by first letter: see generator.alternation
_RANK_WORD = (
    r"(?:largest|biggest|highest|lowest|smallest|most|least|best|worst|fastest|slowest|strongest|"
    r"weakest|richest|poorest|busiest|oldest|youngest|longest|deadliest|heaviest|greatest|"
    r"largest-ever|costliest|cheapest|closest|top|ranked)"
)
# Cardinals before a superlative rank a group ("the two largest economies"); "top" and "ranked"
# after a cardinal count ("two top aides"), so they are left out.
_CARDINALS = frozenset(
    ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
)
_CARDINAL_RANK = re.compile(
    r"[-\s](" + _RANK_WORD.removeprefix("(?:").removesuffix(")").replace("|top|ranked", "") + r")\b"
)
_CURWORD = (
    r"(?:dollars|dollar|pounds|euros|yen|yuan|rupees|rupee|rand|pesos|won|francs|pence|cents|"
    r"dlrs|dlr)"
)
# Measures written onto a number ("6km", "512kbps"); "m" is left out: "5m" is money as often as
# metres.
_UNIT_SUFFIX = (
    r"(?:km|kbps|mbps|gbps|kg|mph|kph|km/h|ft|mm|cm|mw|gw|kw|kwh|ghz|mhz|gb|mb|tb|sq\s?km)"
)
_FRACTION_WORD = r"(?:half|halves|thirds?|quarters?|fifths?|tenths?)"
_FRACTIONS = {"half": 2, "halve": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
# A span of time after a spelled-out number makes it a duration, a figure even after "the":
# "the next three years", "the two previous months".
_TIME_UNIT = (
    r"(?:(?:previous|prior|last|next|past|final|coming|first|following|straight|consecutive)\s)?"
    r"(?:days?|weeks?|months?|years?|decades?|centuries|century|hours?|minutes?|seconds?)\b"
)

_AMOUNT = (
    rf"(?:(?P<sym>{_SYMBOL})\s?|(?P<code>{_CODE})\s?)?"
    rf"(?P<num>{_NUM_FIRST})"
    rf"(?:\s?(?P<scale>{_SCALE}))?"
    rf"(?:(?P<join>\s?(?:-|–|to|and|or)\s?)(?:{_SYMBOL})?(?P<num2>{_NUM})(?:\s?(?P<scale2>{_SCALE}))?)?"
    rf"(?P<pct>{_PERCENT}|\s(?P<points>points?)\b)?"
    rf"(?(pct)(?:(?P<join2>\s(?:-|–|to|and)\s|[-–])(?P<num3>{_NUM})(?P<pct2>{_PERCENT}))?)"
    rf"(?:\s(?P<code2>{_CODE})\b)?"
    rf"(?:[\s-](?P<curword>{_CURWORD})\b)?"
    rf"(?P<usuffix>\s?{_UNIT_SUFFIX}\b)?"
    rf"(?P<decade>s\b)?"
    rf"(?P<hyunit>-(?!to\b)[a-z]+\b(?!-\d))?"
)


_ORDINALS = "|".join(ORDINAL_WORDS)


def _first_letters(words: str) -> str:
    """The first characters of `words` (a|b|c), escaped for a character class."""
    return "".join(sorted({re.escape(word[0]) for word in words.split("|")}))


PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            # Every date opens with a month's capital or a digit: the look-ahead turns any other
            # place down at once, and changes no match.
            rf"(?=[{_first_letters(_MONTH_NAMES)}\d])(?:"
            rf"\b(?P<month>{_MONTH})\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:[-–](?P<day2>\d{{1,2}}))?(?:,?\s(?P<year>(?:19|20)\d{{2}}))?\b"
            rf"|\b(?P<day_b>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month_b>{_MONTH})(?:,?\s(?P<year_b>(?:19|20)\d{{2}}))?\b"
            rf"|\b(?P<month_c>{_MONTH})\s(?P<year_c>(?:19|20)\d{{2}})\b)"
        ),
    ),
    (
        "time",
        re.compile(
            r"(?<![\w.,])(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s?(?P<half>a\.m\.|p\.m\.|am\b|pm\b)"
            r"|(?<![\w.,])(?P<hhmm>[0-2]\d[0-5]\d)\s(?:GMT|BST|EST|EDT|ET|UTC|CET)\b",
            re.I,
        ),
    ),
    (
        "rank",
        re.compile(
            # Every rank opens with a digit or an ordinal's first letter (see the date pattern).
            rf"\b(?=[\d{_first_letters(_ORDINALS)}])"
            rf"(?P<ord>{build_alternation(_ORDINALS)}|\d+(?:st|nd|rd|th))"
            rf"[-\s](?P<rank>{_RANK_WORD})\b",
            re.I,
        ),
    ),
    ("ordinal", re.compile(r"(?<![\w.,])(?P<ord>\d+(?:st|nd|rd|th))\b")),
    (
        "ratio",
        re.compile(
            r"(?<![\w.,-])(?P<a>\d+)(?:\s(?:in|out of)\s|-to-|\sto\s(?=\d+\s(?:ratio|margin)))"
            r"(?P<b>\d+)\b(?![.,]\d)",
            re.I,
        ),
    ),
    (
        "fraction",
        re.compile(
            rf"\b(?P<frac>(?:a|one|two|three|four|five|six|seven|eight|nine)[-\s]{_FRACTION_WORD}"
            r"|half(?![\w-]))"
            r"(?P<ofpoint>\sof\sa\spercentage\spoint)?(?P<of>\sof\b)?",
            re.I,
        ),
    ),
    (
        "amount",
        re.compile(
            # Every amount opens with a digit, a point, a currency symbol or a code's capital
            # (see the date pattern).
            rf"(?=[\d.{_first_letters('|'.join([*SYMBOLS, *CODES]))}])(?<![\w.,])(?<![A-Za-z]-)"
            + _AMOUNT
            + r"(?![\w])",
        ),
    ),
    (
        "multiplier",
        re.compile(r"\b(?P<mult>" + _cased(list(MULTIPLIER_WORDS)) + r")(?:-[a-z]+\b)?(?![\w-])"),
    ),
    (
        "decade",
        re.compile(
            r"\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[-\s])?(?P<decade>"
            + _cased(list(DECADE_WORDS))
            + r")\b"
        ),
    ),
    (
        "words",
        re.compile(
            rf"\b(?P<word>{_WORD_NUM})(?:\s(?P<scale>thousand|million|billion|trillion))?"
            rf"(?:(?P<pct>\s(?:per\s?cent|percent))|\s(?P<curword>pence|pounds|dollars|euros|cents)"
            rf"|\s(?P<tunit>{_TIME_UNIT})|\s(?P<times>times)\b)?"
            r"(?P<hyunit>-(?!and\b)[a-z]+\b(?!-\d))?(?!-)\b",
        ),
    ),
]

# A word number is a figure when it counts something the story reports ("four hurricanes"), not
# when it names a set the story already holds ("the two leaders").
_DETERMINER = re.compile(
    r"(?:\b(?:the|its|their|his|her|these|those|both|all|our|your|my|each|every|whose)|\w['’]s)"
    r"\s+(?:[\w-]+\s+)?$",
    re.I,
)
_KEEP_BEFORE = re.compile(r"(?:\b(?:only|just|all but)\s|(?:^|[.!?]\s+|\n))$", re.I)
# Words that make the number after them a name: "No 10", "Radio 4", "article 50".
_LABELS = frozenset(
    "No No. Nos Nos. Number Radio Channel Article article Section section Chapter chapter Clause "  # noqa: SIM905 (a word list)
    "clause Room Flight Route Gate Platform Version version Proposition Prop Prop. Title Rule "
    "Highway Interstate Apollo Windows Formula Pier Phase Level Grade Series Model Type Class Form "
    "Schedule Act Resolution Bill "
    # Stock indexes: "S&P 500", "Standard & Poor's 500 index", "FTSE 100".
    "S&P Poor's Poor’s FTSE Nikkei Stoxx STOXX Russell CAC DAX Fortune Seng ASX MSCI IBEX "
    "Sensex".split()
)


def _label_before(text: str, start: int) -> bool:
    """Is the number at `start` part of a name, after a word like "No", "Radio" or "FTSE"?"""
    if start < 2 or not text[start - 1].isspace():
        return False
    space = max(
        text.rfind(" ", max(0, start - 16), start - 1),
        text.rfind("\n", max(0, start - 16), start - 1),
    )
    return text[space + 1 : start - 1].lstrip("([{\"'“‘-") in _LABELS


# A capitalised word after a digit ordinal makes both a name: "the 14th Amendment", "5th Avenue".
_NAME_AFTER = re.compile(r"\s[A-Z][a-z]")
# "the second half", "cut in half": a period or a verb's object, not a share of something.
_HALF_NOT_AFTER = re.compile(
    r"\b(?:the|a|an|other|in|by|and|first|second|third|fourth|last|latter|former)\s$", re.I
)
_HALF_OF = re.compile(
    r"\s(?:the|their|its|his|her|our|your|my|this|that|these|those|all|what)\b", re.I
)
_APOSTROPHE_BEFORE = re.compile(r"[A-Za-z]['’]")
_IDIOM_BEFORE = re.compile(r"\b(?:once or|think|thinks|thought|thinking)\s$", re.I)
# Decades written as words are dates only after "the": "in his seventies" is an age.
_THE_BEFORE = re.compile(r"\b[Tt]he\s$")
_MOTION_UP = re.compile(
    r"\b(?:went|go|goes|going|gone|moved|moves|move|rose|rise|rises|risen|jumped|climbed|edged|"
    r"inched|crept|shot|revised|ramped|stepped|scaled|bumped|pushed|push|pushes|ticked)\s$",
    re.I,
)
_PLURAL_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,3}?(?:[a-z]+s|people|children|men|women|staff|aircraft|police|personnel)\b"
)
_OF_THE = re.compile(r"\s+of\s+(?:the|them|its|their|these|those)\b", re.I)
_HALF_BEFORE = re.compile(r"\bhalf[\s-]$", re.I)
_MORE_AFTER = re.compile(r"\s+(?:more|other|or so)\b")


@dataclass(frozen=True)
class Number:
    """A number found in text."""

    start: int
    end: int
    as_written: str
    kind: str  # percent | money | count | quantity | ordinal | rank | ratio | date | year
    value: Decimal | None
    value_high: Decimal | None = None
    unit: str | None = None
    currency: str | None = None  # ISO code, or "$" when the symbol alone cannot tell
    qualifier: str = "exact"
    date: str | None = None  # YYYY, YYYY-MM, YYYY-MM-DD, or --MM-DD when no year is written


def _decimal(text: str) -> Decimal | None:
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _qualifier(text: str | None) -> str:
    if not text:
        return "exact"
    lowered = re.sub(r"\s+", " ", text.lower())
    for pattern, name in QUALIFIERS:
        if re.fullmatch(pattern, lowered):
            return name
    return "exact"


# A count of things after a number: a plural word, or one of the plurals without an s.
_COUNTED_AFTER = re.compile(
    r"\s+(?!(?:is|was|has|as|its|this|his|us|yes|plus|minus|less|across|thus|versus)\b)"
    r"(?:[a-z]{2,}s|people|children|staff|workers|personnel|men|women|cattle|sheep)\b"
)


def _scaled(value: Decimal | None, scale: str | None, money: bool) -> Decimal | None:
    if value is None or not scale:
        return value
    key = scale.lower()
    if key in ("m", "b", "k") and not money:
        return None  # "5m" is five metres as often as five million: only money takes the letter
    factor = SCALES.get(key)
    return value * factor if factor else value


def _word_value(word: str) -> Decimal | None:
    word = re.sub(r"[\s-]+", " ", word.lower()).removeprefix("a ")
    if word in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[word])
    parts = word.split(" ")
    if len(parts) == 2 and parts[0] in WORD_NUMBERS and parts[1] in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[parts[0]]) + Decimal(WORD_NUMBERS[parts[1]])
    return None


def _keep_word(match: re.Match[str], text: str) -> bool:
    """Decide from its neighbours whether a spelled-out number is a figure of the story."""
    groups = match.groupdict()
    word = re.sub(r"\s+", " ", groups["word"].lower())
    before = text[max(0, match.start() - 40) : match.start()]
    if word.startswith("a ") and _HALF_BEFORE.search(before):
        return False  # "half a million": the "a million" alone would misread it
    if groups.get("scale") or groups.get("pct") or groups.get("curword"):
        return True
    after = text[match.end() : match.end() + 40]
    if word.startswith("a "):
        # "a dozen more", "a billion dollars", "a hundred years": a count; "a million" alone is
        # a manner of speaking.
        return bool(groups.get("tunit") or _MORE_AFTER.match(after) or _PLURAL_AFTER.match(after))
    if word in ("one", "half", "hundred", "dozen"):
        return False
    if groups.get("hyunit") or groups.get("tunit"):
        return True  # "a seven-month high", "the next three years": durations name no set
    if _DETERMINER.search(before):
        return False
    if groups.get("times") or _KEEP_BEFORE.search(before) or not before:
        return True
    return bool(_OF_THE.match(after) or _PLURAL_AFTER.match(after))


def _date(groups: dict[str, str | None], written: str, start: int, end: int) -> Number | None:
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
        date = (
            f"{year}-{month_number:02d}-{int(day):02d}"
            if year
            else f"--{month_number:02d}-{int(day):02d}"
        )
    else:
        date = f"{year}-{month_number:02d}"
    return Number(start, end, written, "date", None, date=date)


def _from_match(kind: str, match: re.Match[str], text: str, context: bool) -> list[Number]:
    groups = match.groupdict()
    start, end = match.span()
    written = text[start:end]
    if kind == "date":
        found = _date(groups, written, start, end)
        return [found] if found else []
    if kind == "time":
        # A time of day is kept as the 24-hour clock reads it, HHMM: "5 p.m." is 1700.
        if groups.get("hhmm"):
            value = Decimal(groups["hhmm"])
        else:
            hour = int(groups["hour"])
            if hour <= 12:
                hour = hour % 12 + (12 if groups["half"].lower().startswith("p") else 0)
            value = Decimal(hour * 100 + int(groups.get("minute") or 0))
        return [
            Number(
                start,
                end,
                written,
                "quantity",
                value,
                unit="time",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]
    if kind == "rank":
        ordinal = groups["ord"].lower()
        place = ORDINAL_WORDS.get(ordinal)
        if place is None:
            place = int(re.sub(r"\D", "", ordinal))
        return [Number(start, end, written, "rank", Decimal(place), unit=groups["rank"].lower())]
    if kind == "ordinal":
        if context and (_NAME_AFTER.match(text, end) or _APOSTROPHE_BEFORE.match(text, start - 2)):
            return []  # "the 14th Amendment" names a law, it counts nothing
        return [Number(start, end, written, "ordinal", Decimal(re.sub(r"\D", "", groups["ord"])))]
    if kind == "words" and groups["word"].lower() in _CARDINALS and end == match.end("word"):
        # Read after the word, not by a scan of its own: few number words are followed by a rank.
        rank = _CARDINAL_RANK.match(text, end)
        if rank:
            count = Decimal(WORD_NUMBERS[groups["word"].lower()])
            written = text[start : rank.end()]
            return [Number(start, rank.end(), written, "rank", count, unit=rank.group(1))]
    if kind == "multiplier":
        if context and _IDIOM_BEFORE.search(text[max(0, start - 12) : start]):
            return []  # "once or twice", "think twice"
        value = Decimal(MULTIPLIER_WORDS[groups["mult"].lower()])
        return [
            Number(
                start, end, written, "count", value, unit="times",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]  # fmt: skip
    if kind == "decade":
        if context and not _THE_BEFORE.search(text[max(0, start - 4) : start]):
            return []
        value = Decimal(DECADE_WORDS[groups["decade"].lower()])
        return [
            Number(
                start, end, written, "year", value, unit="decade",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]  # fmt: skip
    if kind == "ratio":
        a, b = int(groups["a"]), int(groups["b"])
        if context and not (
            a > 0 and (a < b <= 10 or b in (100, 1000) or "-to-" in written or a > b)
        ):
            return []
        if context and "-to-" not in written and " to " not in written and a >= b:
            return []
        return [
            Number(
                start,
                end,
                written,
                "ratio",
                Decimal(a),
                unit=f"in {b}" if " to " not in written and "-to-" not in written else f"to {b}",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]
    if kind == "fraction" and groups["frac"].lower() == "half":
        if context and (
            _HALF_NOT_AFTER.search(text[max(0, match.start("frac") - 10) : match.start("frac")])
            or not (groups.get("of") or _HALF_OF.match(text, end))
        ):
            return []  # "half of the deficit", "half their 1960 levels"; not "the second half"
        end = match.start("of") if groups.get("of") else end
        return [
            Number(
                start, end, text[start:end], "ratio", Decimal("0.5"), unit="fraction",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]  # fmt: skip
    if kind == "fraction":
        head, _, tail = re.split(r"([-\s])", groups["frac"].lower(), maxsplit=1)
        parts = 1 if head in ("a", "one") else WORD_NUMBERS.get(head, 1)
        denominator = _FRACTIONS.get(tail.rstrip("s"), _FRACTIONS.get(tail))
        if denominator is None:
            return []
        value = (Decimal(parts) / Decimal(denominator)).quantize(Decimal("0.0001")).normalize()
        if groups.get("ofpoint"):
            return [
                Number(
                    start,
                    end,
                    written,
                    "percent",
                    value,
                    unit="percentage points",
                    qualifier=_qualifier(groups.get("qual")),
                )
            ]
        if context and not groups.get("of") and (head == "a" or "-" not in groups["frac"]):
            return []  # "a third quarter", "a third-party": an ordinal, not a share
        end = match.start("of") if groups.get("of") else end
        written = text[start:end]
        return [
            Number(
                start,
                end,
                written,
                "ratio",
                value,
                unit="fraction",
                qualifier=_qualifier(groups.get("qual")),
            )
        ]
    if kind == "words":
        if context and not _keep_word(match, text):
            return []
        said = _word_value(groups["word"])
        if said is None:
            return []
        value = said * SCALES.get((groups.get("scale") or "").lower(), 1)
        percent = bool(groups.get("pct"))
        curword = (groups.get("curword") or "").lower()
        qualifier = _qualifier(groups.get("qual"))
        if curword:
            currency = CURRENCY_WORDS.get(curword)
            return [
                Number(
                    start,
                    end,
                    written,
                    "money",
                    value,
                    unit=curword,
                    currency=currency,
                    qualifier=qualifier,
                )
            ]
        tunit = (groups.get("tunit") or "").rsplit(" ", 1)[-1] or None
        if groups.get("times"):
            tunit = "times"
        unit = "percent" if percent else tunit or (groups.get("hyunit") or "").lstrip("-") or None
        return [
            Number(
                start,
                end,
                written,
                "percent" if percent else "count",
                value,
                unit=unit,
                qualifier=qualifier,
            )
        ]
    return _amount(match, text, context)


def _amount(match: re.Match[str], text: str, context: bool) -> list[Number]:
    groups = match.groupdict()
    start, end = match.span()
    written = text[start:end]
    if context and _label_before(text, match.start("num")):
        return []  # "No 10" names a place, it counts nothing
    if start >= 2 and text[start - 1] in "'’" and text[start - 2].isalpha():
        return []  # "BBC'2's": a typo inside a name (a qualifier before would be words)
    if (groups.get("num2") or groups.get("num3")) and context:
        join = (groups.get("join") or groups.get("join2") or "").strip().lower()
        before = text[max(0, start - 20) : start].lower()
        from_to = (
            join == "to"
            and re.search(r"\bfrom\s$", before)
            and not re.search(r"rang\w*\sfrom\s$", before)
        )
        mixed = join == "or" and bool(groups.get("sym") or groups.get("code"))
        if from_to or mixed or (join == "and" and not groups.get("between")):
            return _split_range(match, text)
    if (
        context
        and groups.get("qual")
        and groups["qual"].lower() == "up to"
        and _MOTION_UP.search(text[max(0, start - 12) : start])
    ):
        groups = {**groups, "qual": None}  # "went up to 5.5%" is a movement, not a ceiling
        start = (
            match.start("sym")
            if groups.get("sym")
            else match.start("code")
            if groups.get("code")
            else match.start("num")
        )
        written = text[start:end]
    symbol = groups.get("sym")
    code = groups.get("code") or groups.get("code2")
    curword = (groups.get("curword") or "").lower()
    money = bool(symbol or code or curword)
    # "1.5m jobs", "40k people": a letter of scale before a count of things is a scale there.
    lettered = money or bool(_COUNTED_AFTER.match(text, end))
    value = _scaled(_decimal(groups["num"]), groups.get("scale"), lettered)
    if value is None:
        return []
    high = None
    if groups.get("num3"):
        high = _decimal(groups["num3"])
    elif groups.get("num2"):
        high = _scaled(
            _decimal(groups["num2"]), groups.get("scale2") or groups.get("scale"), lettered
        )
        if groups.get("scale2") and not groups.get("scale"):
            value = _scaled(value, groups.get("scale2"), lettered)
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
    if groups.get("points"):
        return [
            Number(start, end, written, "quantity", value, high, unit="points", qualifier=qualifier)
        ]
    if pct:
        unit = "percentage points" if "point" in pct else "percent"
        return [Number(start, end, written, "percent", value, high, unit=unit, qualifier=qualifier)]
    if money:
        money_unit = curword if curword in ("pence", "cents", "p") else None
        return [
            Number(
                start,
                end,
                written,
                "money",
                value,
                high,
                unit=money_unit,
                currency=currency,
                qualifier=qualifier,
            )
        ]
    raw = groups["num"]
    suffix = (groups.get("usuffix") or "").strip().lower()
    if suffix:
        return [
            Number(start, end, written, "quantity", value, high, unit=suffix, qualifier=qualifier)
        ]
    year_like = re.fullmatch(r"(?:1[5-9]|20)\d\d", raw) and not groups.get("scale")
    if high is None and year_like and groups.get("decade") and raw.endswith("0"):
        return [
            Number(start, end, written, "year", value, date=raw, unit="decade", qualifier=qualifier)
        ]
    if groups.get("decade"):
        return []
    hyunit = (groups.get("hyunit") or "").lstrip("-").lower() or None
    if high is None and year_like and not hyunit:
        return [Number(start, end, written, "year", value, date=raw, qualifier=qualifier)]
    return [Number(start, end, written, "count", value, high, unit=hyunit, qualifier=qualifier)]


_SINGLE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s)?(?<![\w.,])"
    rf"(?:(?P<sym>{_SYMBOL})\s?|(?P<code>{_CODE})\s?)?(?P<num>{_NUM_FIRST})(?:\s?(?P<scale>{_SCALE}))?"
    rf"(?P<pct>{_PERCENT}|\s(?P<points>points?)\b)?(?:\s(?P<code2>{_CODE})\b)?"
    rf"(?:[\s-](?P<curword>{_CURWORD})\b)?(?![\w])",
    re.I,
)


def _split_range(match: re.Match[str], text: str) -> list[Number]:
    """Read "from £6 to £10" as two figures: a change, not a range."""
    found: list[Number] = []
    position = match.start()
    for _ in range(2):
        single = _SINGLE.search(text, position, match.end())
        if single is None:
            break
        found.extend(_amount(single, text, context=False))
        position = single.end()
    return found


_HINTS = {
    "time": ("a.m", "p.m", "am", "pm", "gmt", "bst", "est", "edt", "utc", "cet", " et"),
    "rank": (
        "largest",
        "biggest",
        "highest",
        "lowest",
        "smallest",
        "most",
        "least",
        "best",
        "worst",
        "fastest",
        "slowest",
        "strongest",
        "weakest",
        "richest",
        "poorest",
        "busiest",
        "oldest",
        "youngest",
        "longest",
        "deadliest",
        "heaviest",
        "greatest",
        "costliest",
        "cheapest",
        "closest",
        "top",
        "ranked",
    ),
    "fraction": ("half", "halves", "third", "quarter", "fifth", "tenth"),
    "ratio": (" in ", " out of ", "-to-", " to "),
    # Every month name holds its three-letter form: testing those alone gives the same answer.
    "date": tuple(sorted({month[:3] for month in MONTHS})),
}
_WORD_HINTS = {"multiplier": frozenset(MULTIPLIER_WORDS), "decade": frozenset(DECADE_WORDS)}
_DIGIT_KINDS = {"date", "time", "ordinal", "ratio", "amount"}
# Patterns whose every match starts where a run of digits starts (a look-behind refuses a word
# character before the first digit): they are tried at those places only, not scanned for.
_AT_DIGITS_KINDS = {"time", "ordinal", "ratio"}
_DIGITS = re.compile(r"\d+")
_SPACE_AFTER = re.compile(r"\s|$")


def _digit_windows(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Stretches of text around every digit, merged (wide enough for a month or a unit word),
    and where every run of digits starts."""
    windows: list[tuple[int, int]] = []
    starts: list[int] = []
    for match in _DIGITS.finditer(text):
        starts.append(match.start())
        low = max(0, match.start() - 12)
        end = min(len(text), match.end() + 60)
        if windows and end <= windows[-1][1]:
            continue  # the window already reaches the first space after `end`, or beyond
        space = _SPACE_AFTER.search(text, end)
        high = space.start() if space else len(text)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], high))
        else:
            windows.append((low, high))
    return windows, starts


# Words that can start a spelled-out number, fraction or rank: where the word patterns look.
_NUMBER_WORDS = (
    frozenset(WORD_NUMBERS)
    | frozenset(ORDINAL_WORDS)
    | {"halves", "thirds", "quarter", "quarters", "fifths", "tenths"}
    | frozenset(MULTIPLIER_WORDS)
    | frozenset(DECADE_WORDS)
)
_SCALE_WORDS = frozenset(("thousand", "million", "billion", "trillion"))
_NUMBER_WORDS_ASCII = {word.encode("ascii"): word for word in _NUMBER_WORDS}
# Every byte but a-z read as a space: split() then gives the words that [a-z]+ would find, for
# a fraction of the cost of a regex scan (characters beyond ASCII are encoded as "?").
_ONLY_LOWER = bytes(byte if 0x61 <= byte <= 0x7A else 0x20 for byte in range(256))


def _word_windows(lower: str) -> tuple[list[tuple[int, int]], set[str]]:
    """Stretches of text around every spelled-out number or fraction word, merged; the words."""
    spans: list[tuple[int, int]] = []
    words = set(lower.encode("ascii", "replace").translate(_ONLY_LOWER).split())
    present = {_NUMBER_WORDS_ASCII[key] for key in _NUMBER_WORDS_ASCII.keys() & words}
    for word in present:
        index = lower.find(word)
        while index >= 0:
            end = index + len(word)
            if (
                not (index and lower[index - 1].isalpha())
                and not (end < len(lower) and lower[end].isalpha())
                # "million" alone follows digits (their window holds it); "a million" is a number
                and (word not in _SCALE_WORDS or lower.endswith("a ", 0, index))
            ):
                space = _SPACE_AFTER.search(lower, min(len(lower), end + 60))
                spans.append((max(0, index - 12), space.start() if space else len(lower)))
            index = lower.find(word, end)
    return _merge(spans), present


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


# The last word of every qualifier: only a number after one of these can have a qualifier.
_QUALIFIER_ENDS = frozenset(
    word.split()[-1].lower() for pattern, _ in QUALIFIERS for word in pattern.split("|")
) | {"between", "approx", "approx."}
# Every qualifier as literal words, longest first: "no more than" before "more than".
_QUALIFIER_PHRASES = sorted(
    {
        phrase.replace("\\.?", "").replace("\\.", ".")
        for pattern, _ in QUALIFIERS
        for phrase in pattern.split("|")
    }
    | {"approx."},
    key=len,
    reverse=True,
)
# A qualifier and a space ending the text, not the tail of a longer word (see _ends_with_word);
# the leftmost match is the longest phrase.
_QUALIFIER_AT_END = re.compile(
    r"(?<![\w'’])(?:" + "|".join(re.escape(p) for p in _QUALIFIER_PHRASES) + r") \Z"
)
_QUALIFIER_REACH = max(len(p) for p in _QUALIFIER_PHRASES) + 1


class _Found:
    """A pattern's match with the qualifier written before it ("more than", "between") joined."""

    def __init__(self, match: re.Match[str], start: int, extra: dict[str, str | None]) -> None:
        self.match = match
        self._start = start
        self._groups = {**match.groupdict(), **extra}

    def groupdict(self) -> dict[str, str | None]:
        return self._groups

    def span(self) -> tuple[int, int]:
        return self._start, self.match.end()

    def start(self, name: str | None = None) -> int:
        return self._start if name is None else self.match.start(name)

    def end(self, name: str | None = None) -> int:
        return self.match.end() if name is None else self.match.end(name)


def _ends_with_word(window: str, phrase: str) -> bool:
    """Does `window` end with `phrase` and a space, the phrase not the tail of a longer word?"""
    if not window.endswith(phrase + " "):
        return False
    before = len(window) - len(phrase) - 2
    return before < 0 or not (window[before].isalnum() or window[before] in "_'’")


def _with_prefix(match: re.Match[str], text: str) -> _Found:
    """The match with a qualifier ("more than") or "between" written just before it joined."""
    start = match.start()
    if not start or text[start - 1] != " ":
        # No space before: no qualifier either ("" is none of their last words). Lower-casing
        # makes no character a space, so this is the test below, without the slice.
        return _Found(match, start, {"qual": None, "between": None})
    window = text[max(0, start - 40) : start].lower()
    last = window[:-1].rsplit(" ", 1)[-1] if window.endswith(" ") else ""
    if last not in _QUALIFIER_ENDS:
        return _Found(match, start, {"qual": None, "between": None})
    qual = between = None
    rest = window
    if _ends_with_word(rest, "between"):
        between, rest = "between ", rest[: -len("between ")]
    # The longest qualifier that ends the window: one search instead of a test per phrase.
    found = _QUALIFIER_AT_END.search(rest, max(0, len(rest) - _QUALIFIER_REACH))
    if found:
        qual = found.group()[:-1]
    if qual is None and between is None:
        return _Found(match, start, {"qual": None, "between": None})
    length = (len(qual) + 1 if qual else 0) + (len(between) if between else 0)
    begin = start - length
    return _Found(
        match,
        begin,
        {"qual": text[begin : begin + len(qual)] if qual else None, "between": between},
    )


def find_numbers(text: str, *, context: bool = True) -> list[Number]:
    """Every number in `text`, left to right; where patterns overlap, the earliest, longest wins.

    With `context`, the words around a number decide doubtful cases: "the two leaders" and
    "No 10" are not figures, "from 30 to 29" is two figures, not a range.
    """
    found: list[Number] = []
    lower = text.lower()
    windows, digit_starts = _digit_windows(text)
    word_windows, words = _word_windows(lower)
    for kind, pattern in PATTERNS:
        hints = _HINTS.get(kind)
        if hints is not None and not any(hint in lower for hint in hints):
            continue  # a cheap substring test saves a scan of the whole text
        if kind in _WORD_HINTS and words.isdisjoint(_WORD_HINTS[kind]):
            continue  # "twice", "the seventies": rare words, looked for only when written
        # Patterns only read the stretches of text around a digit or a number word.
        if kind in _AT_DIGITS_KINDS:
            # As finditer would: the first match at or after the end of the one before.
            after = 0
            for start in digit_starts:
                if start < after:
                    continue
                match = pattern.match(text, start)
                if match is not None:
                    found.extend(_from_match(kind, _with_prefix(match, text), text, context))  # type: ignore[arg-type]
                    after = match.end()
            continue
        if kind in _DIGIT_KINDS:
            spans = windows
        elif kind == "rank":
            spans = _merge(windows + word_windows)
        else:
            spans = word_windows
        for low, high in spans:
            for match in pattern.finditer(text, low, high):
                if match.end() == match.start():
                    continue
                found.extend(_from_match(kind, _with_prefix(match, text), text, context))  # type: ignore[arg-type]
    # Earlier patterns are more specific (a date before its day, a rank before its ordinal).
    order = {kind: i for i, (kind, _) in enumerate(PATTERNS)}
    found.sort(key=lambda n: (n.start, -(n.end - n.start), order.get(n.kind, 99)))
    kept: list[Number] = []
    taken_until = -1
    for number in found:
        if number.start < taken_until:
            continue
        kept.append(number)
        taken_until = number.end
    return kept


def parse_number(as_written: str) -> Number | None:
    """Read one number written alone ('$1.4 billion', 'more than 75%'); None when it holds none."""
    numbers = find_numbers(as_written, context=False)
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
        return stated in DOLLAR_CODES or stated == "$c"
    return found == stated or (found == "GBX" and stated == "GBP")
