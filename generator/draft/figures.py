"""Every number of the source as a figure: its value, what it measures, and whose it is."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from generator.draft.dates import resolve_number_date
from generator.draft.parties import Mention, PartyDraft
from generator.draft.sentences import Sentence, clip_evidence, one_line, sentence_at
from generator.numbers import Number

# The dollar of each country that writes its currency with "$".
DOLLAR_COUNTRIES = {
    "United States": "USD", "Canada": "CAD", "Australia": "AUD", "New Zealand": "NZD",
    "Hong Kong": "HKD", "Singapore": "SGD", "Mexico": "MXN", "Taiwan": "TWD",
}  # fmt: skip
_STOP_AFTER = re.compile(
    r"^(?:is|are|was|were|has|have|had|will|would|could|should|may|might|can|that|which|who|"
    r"said|says|according|but|while|as|when|after|before|since|because|if|than|from|to|in|on|"
    r"at|by|for|with|against|compared|instead|and|or|this|last|next|a|an)$",
    re.I,
)


@functools.lru_cache(maxsize=4096)
def _is_stop_word(word: str) -> bool:
    """Does the word end what a number measures ("is", "said", "from")?"""
    # An ignore-case match of forty words costs a microsecond or more; stories repeat words.
    return _STOP_AFTER.match(word) is not None


# A number with thousands commas is one word: cut at its comma, "169" would be a new number.
_MEASURE_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[\w'’%$£€.-]+|[,;:()—–\"“”]")
_WORD_START = re.compile(r"[\w$£€]")
_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")
_CLAUSE_BREAK = re.compile(r"[,;:](?:\s|$)|[()—–\"“”]")
_SCALE_AT_END = re.compile(r"\b(?:mln|bln|million|billion|bn|trillion)$", re.I)
_CODE_WRITTEN = re.compile(r"\b[A-Z]{3}\b")
_SYMBOL_WRITTEN = re.compile(r"[£€¥₹₩₽]|[A-Z]{1,2}\$")
_LEAD_OF = re.compile(r"^(?:of|in|on)\s+", re.I)
_FUTURE = re.compile(
    r"\b(?:will|would|plans?|expected|due|set to|scheduled|next|ahead|beginning|starting|from)\b",
    re.I,
)
_MONEY_CONTEXT = re.compile(
    r"^\s*(?:[,;.)]|$|against|from|in|for|at|to|and|compared|a\s|the\s|up|down|revised|unchanged)",
    re.I,
)


@dataclass(frozen=True)
class FigureDraft:
    """A figure with the fields of `schema.Figure`, ready to validate."""

    fields: dict[str, object]
    start: int
    end: int


def decide_dollar(text: str, parties: list[PartyDraft]) -> str:
    """The dollar a story means by "$": the dollar country it names most, else the US dollar."""
    counts: Counter[str] = Counter()
    for party in parties:
        if party.kind == "country" and party.name in DOLLAR_COUNTRIES:
            counts[party.name] = len(party.mentions)
    if not counts:
        return "USD"
    return DOLLAR_COUNTRIES[counts.most_common(1)[0][0]]


def _measures(number: Number, sentence: Sentence, text: str) -> str:
    """The phrase a number modifies: the words after it, else the clause before it."""
    after = text[number.end : min(sentence.end, number.end + 200)]
    after = _LEAD_OF.sub("", after.lstrip(" -–—"))
    words: list[str] = []
    for found in _MEASURE_WORD.finditer(after):
        word = found.group()
        if not _WORD_START.match(word) or (words and _is_stop_word(word)):
            break
        words.append(word.rstrip("."))
        if len(words) >= 8:
            break
    while words and _is_stop_word(words[-1]):
        words.pop()
    if words and not (len(words) == 1 and _is_stop_word(words[0])):
        phrase = " ".join(words)
        if _THREE_LETTERS.search(phrase):
            return one_line(phrase)
    before = text[max(sentence.start, number.start - 200) : number.start]
    clause = _CLAUSE_BREAK.split(before)[-1].strip()
    clause_words = clause.split()[-8:]
    phrase = " ".join(clause_words).strip()
    return one_line(phrase) if _THREE_LETTERS.search(phrase) else one_line(sentence.text, 120)


def _party_for(
    number: Number,
    sentence: Sentence,
    mentions: list[Mention],
    starts: list[int],
    ids: dict[str, str],
) -> str | None:
    """The party named last before the number in its sentence, else the first named after it."""
    inside = mentions[
        bisect.bisect_left(starts, sentence.start) : bisect.bisect_left(starts, sentence.end)
    ]
    before = [m for m in inside if m.end <= number.start]
    chosen = before[-1] if before else (inside[0] if inside else None)
    return ids.get(chosen.party) if chosen else None


def draft_figures(
    text: str,
    numbers: list[Number],
    sentences: list[Sentence],
    parties: list[PartyDraft],
    mentions: list[Mention],
    published: dt.date,
) -> list[FigureDraft]:
    """One figure per distinct number as written, with its first sentence as evidence."""
    dollar = decide_dollar(text, parties)
    ids = {p.name: p.id for p in parties}
    mentions = sorted(mentions, key=lambda m: m.start)  # in text order, to bisect
    starts = [m.start for m in mentions]
    money_in_sentence: dict[int, tuple[str, str]] = {}
    figures: list[FigureDraft] = []
    seen: set[str] = set()
    for number in numbers:
        sentence = sentence_at(sentences, number.start)
        if sentence is None:
            continue
        if number.kind == "money" and number.currency:
            money_in_sentence[sentence.start] = _currency(number, dollar, text)
    for number in numbers:
        key = number.as_written.lower()
        if key in seen:
            continue
        sentence = sentence_at(sentences, number.start)
        if sentence is None or not number.as_written.strip():
            continue
        seen.add(key)
        fields: dict[str, object] = {
            "as_written": number.as_written,
            "kind": number.kind,
            "qualifier": number.qualifier,
            "measures": _measures(number, sentence, text),
            "evidence": clip_evidence(text, sentence, number.start, number.end),
        }
        if number.kind == "date":
            future = bool(_FUTURE.search(sentence.text))
            fields["date"] = resolve_number_date(number, published, future)
        else:
            fields["value"] = _plain(number.value)
            if number.value_high is not None:
                fields["value_high"] = _plain(number.value_high)
                fields["qualifier"] = "range"
            if number.date:
                fields["date"] = number.date
        kind = number.kind
        if kind == "count" and number.value is not None and _SCALE_AT_END.search(number.as_written):
            # "738 mln" beside "567 mln dlrs": the same money, its unit left unwritten
            context = money_in_sentence.get(sentence.start)
            if context and _MONEY_CONTEXT.match(text[number.end : number.end + 12]):
                kind = fields["kind"] = "money"
                fields["currency"], fields["currency_basis"] = context
        if kind == "money" and "currency" not in fields:
            fields["currency"], fields["currency_basis"] = _currency(number, dollar, text)
        if number.unit and kind not in ("date",):
            fields["unit"] = number.unit
        party = _party_for(number, sentence, mentions, starts, ids)
        if party:
            fields["party"] = party
        figures.append(FigureDraft(fields, number.start, number.end))
    return figures


def _currency(number: Number, dollar: str, text: str) -> tuple[str, str]:
    """ISO code and how it was decided: written code, unambiguous symbol, word, or the story's
    country."""
    written = number.as_written
    found = number.currency or "$"
    if _CODE_WRITTEN.search(written) and found not in ("$", "$c"):
        return found, "code"
    if found in ("$", "$c"):
        return dollar, "context"
    if found == "GBX":
        return "GBX", "word"
    if _SYMBOL_WRITTEN.search(written):
        return found, "symbol"
    return found, "word"


def _plain(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    normal = value.normalize()
    # Decimal("1E+9") prints in exponent form: quantize keeps it a plain integer.
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
