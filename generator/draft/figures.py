"""Every number of the source as a figure: its value, what it measures, and whose it is."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from generator.draft.dates import resolve_number_date, tense_at
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


# Words that do not name what a number measures when they follow it ("rose 2% later", "20% each")
# or that end the clause before it ("profits rose", "up from", "worth"): function words, verbs
# of change and of saying, adverbs of time and degree.
_NOT_A_MEASURE = frozenset(
    """
    a about above across after again against ago ahead all almost along already also although
    among an and another any apiece are around as at be been before behind below between both
    but by came can climbed could currently dipped down dropped during each earlier either
    else even ever fell for from gained grew had has have having here higher hit however if in
    increased decreased declined instead into is it its jumped just last later less lower made
    may might more most much nearly next nor not now of off on once only or other our out over
    overall per plunged previously reached recently respectively rising falling rose said saw
    says since slid slipped so soared some still such than that the their them then there these
    they this those through to today tomorrow too totalled totaled toward towards under until
    up upon very via was were what when where whereas which while who whom whose will with
    within worth would yesterday yet
    """.split()  # noqa: SIM905 - a word list reads better as words
)
_NUMBER_TOKEN = re.compile(r"[\d$£€¥]")
# Words of a unit or a period: no phrase of them alone says what a figure measures.
_UNITS_AND_TIMES = frozenset(
    {
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "quarter",
        "calendar",
        "billion",
        "million",
        "bn",
        "mln",
        "dlrs",
        "dollars",
        "percent",
        "points",
        "pence",
    }
)
_FIGURE_TOKEN = re.compile(r"[%$£€¥]|\d[.,]\d|\d(?:bn|m|mln|k)\b", re.I)
_CONVERSION_GAP = re.compile(r"\s*(?:\(|[;,/]|\bor\b)\s*(?:about|around|some|roughly)?\s*", re.I)


def _measures(number: Number, sentence: Sentence, text: str) -> str:
    """What a number measures: the noun phrase after it ("13,000 jobs"), else the clause before
    it, without the verb of change and the figures that end it ("Turnover for the quarter was
    up 4.3% to" -> "Turnover for the quarter"), else its sentence."""
    after = text[number.end : min(sentence.end, number.end + 200)]
    after = _LEAD_OF.sub("", after.lstrip(" -–—"))
    words: list[str] = []
    for found in _MEASURE_WORD.finditer(after):
        word = found.group()
        if not _WORD_START.match(word) or _is_stop_word(word) or _not_a_measure(word):
            break
        words.append(word.rstrip("."))
        if len(words) >= 8:
            break
    phrase = " ".join(words)
    if words and _THREE_LETTERS.search(phrase):
        return one_line(phrase)
    before = text[max(sentence.start, number.start - 200) : number.start]
    clause = _CLAUSE_BREAK.split(before)[-1].split()
    # The verb of change, the figures and the small words that lead up to the number go:
    # "Turnover ... was up 4.3% to", "cutting corporate tax from 30% to", "tax cuts worth".
    _trim_end(clause)
    # Another figure earlier in the clause measures something of its own: what follows the
    # last one is this number's ("from 30% to 29% and offering income tax cuts worth").
    figures = [i for i, word in enumerate(clause) if _FIGURE_TOKEN.search(word)]
    if figures:
        rest = clause[figures[-1] + 1 :]
        if any(
            _THREE_LETTERS.search(w) and w.lower() not in _UNITS_AND_TIMES and not _not_a_measure(w)
            for w in rest
        ):
            clause = rest
        else:  # "... 4.4% this year": the subject before the figures says more
            clause = clause[: figures[0]]
            _trim_end(clause)
    while clause and _not_a_measure(clause[0]) and clause[0].lower() not in ("the", "a", "an"):
        clause.pop(0)  # "and offering income tax cuts" -> "offering income tax cuts"
    phrase = " ".join(clause[-8:])
    return one_line(phrase) if _THREE_LETTERS.search(phrase) else one_line(sentence.text, 120)


def _trim_end(clause: list[str]) -> None:
    """Drop the small words and the figures that end a clause leading up to a number."""
    while clause and (_not_a_measure(clause[-1]) or _NUMBER_TOKEN.search(clause[-1])):
        clause.pop()


def _not_a_measure(word: str) -> bool:
    return word.lower().strip(".,;:'’\"") in _NOT_A_MEASURE


# A sentence led by a pronoun speaks of a party named before it: a name after the number is
# more likely the other side ("He has given nearly £1 million to the Labour Party").
_PRONOUN_LEAD = re.compile(r"(?:he|she|it|they|his|her|its|their)\b", re.I)
# A clause that sets another subject beside the first ("3 in 10 say X, while 2 in 10 say Y"):
# a name before it is not the figure's after it.
_TURN = re.compile(r",\s+(?:while|whereas)\b")


def _party_for(
    number: Number,
    sentence: Sentence,
    mentions: list[Mention],
    starts: list[int],
    ids: dict[str, str],
    text: str,
) -> str | None:
    """The party named last before the number in its clause, else the first named after it
    (unless a pronoun leads the sentence: then the party is one named before it)."""
    inside = mentions[
        bisect.bisect_left(starts, sentence.start) : bisect.bisect_left(starts, sentence.end)
    ]
    turns = [m.end() for m in _TURN.finditer(text, sentence.start, number.start)]
    low = turns[-1] if turns else sentence.start
    before = [m for m in inside if low <= m.start and m.end <= number.start]
    if before:
        return ids.get(before[-1].party)
    pronoun_led = _PRONOUN_LEAD.match(text, sentence.start)
    after = [m for m in inside if m.start >= number.end]
    return ids.get(after[0].party) if after and not pronoun_led else None


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
    last_money: tuple[int, str] | None = None  # where the last amount ended, what it measures
    for number in numbers:
        key = number.as_written.lower()
        if key in seen and number.kind != "money":
            continue  # listed once, at its first mention; an amount may be restated after it
        sentence = sentence_at(sentences, number.start)
        if sentence is None or not number.as_written.strip():
            continue
        measures = _measures(number, sentence, text)
        if number.kind == "money":
            # "a profit of £75m ($141m)", "6.8bn rand ($1.2bn; £910m)": the same amount again,
            # in another currency, measures what the first one does.
            if last_money is not None and _CONVERSION_GAP.fullmatch(
                text[last_money[0] : number.start]
            ):
                measures = last_money[1]
            last_money = (number.end, measures)
        if key in seen:
            continue
        seen.add(key)
        fields: dict[str, object] = {
            "as_written": number.as_written,
            "kind": number.kind,
            "qualifier": number.qualifier,
            "measures": measures,
            "evidence": clip_evidence(text, sentence, number.start, number.end),
        }
        if number.kind == "date":
            tense = tense_at(text, number.start, number.end, sentence.start, sentence.end)
            fields["date"] = resolve_number_date(number, published, tense)
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
        party = _party_for(number, sentence, mentions, starts, ids, text)
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
