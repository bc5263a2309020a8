"""What comes next: sentences that say what will or may happen, with their date or trigger."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from generator.alternation import build_alternation
from generator.draft.dates import DateMention
from generator.draft.sentences import Sentence, one_line

MAX_OUTLOOK = 15
# Both searched in the lower-cased sentence; the words grouped by first letter for a fast scan
# (see generator.alternation).
_EXPECTED = re.compile(
    r"\b(?:"
    + build_alternation(
        r"will|'ll|plans? to|planned|planning|expected to|expects? to|is expected|are expected|"
        r"ahead of|set to|is due|are due|due to|scheduled|going to|intends? to|aims? to|forecasts?|"
        r"projected|predicted|next (?:week|month|year|election|general election|meeting|round)|"
        r"later this (?:week|month|year)|upcoming|coming (?:days|weeks|months)|soon"
    )
    + r")\b",
)
_EXPECTED_WORDS = (
    "will",
    "'ll",
    "plan",
    "expect",
    "ahead of",
    "set to",
    "due",
    "schedul",
    "going to",
    "intend",
    "aim",
    "forecast",
    "project",
    "predict",
    "next ",
    "later this",
    "upcoming",
    "coming ",
    "soon",
)
_RISK_WORDS = (
    "could",
    "may",
    "might",
    "risk",
    "threat",
    "warn",
    "danger",
    "fear",
    "possib",
    "edge of",
)
_STRONG_RISK = re.compile(r"\b(?:could|may|might|risk|threat|edge of)\b")
_RISK = re.compile(
    r"\b(?:"
    + build_alternation(
        r"could|may|might|risks?|threats?|threaten(?:s|ed)?|warn(?:s|ed)?|danger|fear|possible|"
        r"possibility|edge of"
    )
    + r")\b",
)
_SCHEDULED = re.compile(
    r"\b(?:scheduled|is due|are due|due to|set to|begin(?:s|ning)?|start(?:s|ing)?|take effect|"
    r"takes effect|meets)\b",
    re.I,
)
_TRIGGER = re.compile(
    r"\b(?:(?:right|soon|shortly|immediately|just|days|weeks|months)\s+)?"
    r"(?:after|before|ahead of|until|once|when|following)\s+"
    r"(?!(?:he|she|it|they|we|I|the\s+(?:call|meeting))\b)[^,.;:\"“”]{6,90}",
    re.I,
)
# The ignore-case patterns below are searched only in sentences whose lower case holds one of
# their words. The words avoid i, k and s, whose ignore-case matches go beyond what str.lower
# gives ("ı", "K", "ſ"): so a sentence without them cannot match, and the test is exact.
_TRIGGER_WORDS = ("after", "before", "ahead", "unt", "once", "when", "follow")
_SCHEDULED_WORDS = ("chedu", "due", "et to", "beg", "tart", "effect", "meet")
_LIKELIHOOD = [
    (
        re.compile(r"\b(?:almost certain(?:ly)?|virtually certain)\b", re.I),
        "almost_certain",
        ("certa",),
    ),
    (
        re.compile(r"\b(?:very likely|highly likely|high probability)\b", re.I),
        "highly_likely",
        ("ely", "probab"),
    ),
    (re.compile(r"\bunlikely\b", re.I), "unlikely", ("unl",)),
    (
        re.compile(r"\b(?:likely|probably|expected)\b", re.I),
        "likely",
        ("ely", "probab", "expected"),
    ),
]


def _holds_any(low: str, words: tuple[str, ...]) -> bool:
    return any(word in low for word in words)


@dataclass(frozen=True)
class OutlookDraft:
    fields: dict[str, object]
    start: int
    end: int


def _after(value: str, published: dt.date) -> bool:
    """Does a partial date lie after publication (a month or year counts when it ends after)?"""
    if len(value) == 10:
        return value > published.isoformat()
    if len(value) == 7:
        return value > published.strftime("%Y-%m")
    return value > str(published.year)


def draft_outlook(
    text: str,
    sentences: list[Sentence],
    dates: list[DateMention],
    published: dt.date,
) -> list[OutlookDraft]:
    """Outlook items from sentences with a future marker or a date after publication."""
    items: list[OutlookDraft] = []
    ahead_dates = [d for d in dates if _after(d.value, published)]
    # `find_dates` gives the dates in text order: a sentence's dates are found by bisection, not
    # by a test of every date for every sentence.
    ahead_starts = [d.start for d in ahead_dates]
    # A word the whole text does not hold in lower case, no sentence of it holds (the words are
    # ASCII, and str.lower maps each character alone): test each sentence for the others only.
    text_low = text.lower()
    expected_words = [w for w in _EXPECTED_WORDS if w in text_low]
    risk_words = [w for w in _RISK_WORDS if w in text_low]
    for sentence in sentences:
        body = sentence.text
        if len(body) > 600 or body.count(" ") < 4:
            continue
        ahead = (
            ahead_dates[
                bisect.bisect_left(ahead_starts, sentence.start) : bisect.bisect_left(
                    ahead_starts, sentence.end
                )
            ]
            if ahead_dates
            else []
        )
        low = body.lower()
        # Substring tests first: most sentences hold none of the words, and `in` is cheap.
        expected = _looking_ahead(low) if any(w in low for w in expected_words) else None
        risky = not expected or not ahead
        risk = _RISK.search(low) if risky and any(w in low for w in risk_words) else None
        if not (ahead or expected) and not (risk and _STRONG_RISK.search(low)):
            continue
        fields: dict[str, object] = {
            "what": one_line(_clause(body, expected or risk)),
            "evidence": body.strip(),
        }
        if ahead:
            fields["when"] = ahead[0].value
            if ahead[0].until:
                fields["until"] = ahead[0].until
        elif expected and _holds_any(low, _TRIGGER_WORDS):
            trigger = _TRIGGER.search(body)
            if trigger:
                fields["trigger"] = one_line(trigger.group().strip())
        if ahead and _holds_any(low, _SCHEDULED_WORDS) and _SCHEDULED.search(body):
            fields["kind"] = "scheduled"
        elif risk and not expected:
            fields["kind"] = "risk"
        else:
            fields["kind"] = "expected"
        for pattern, likelihood, words in _LIKELIHOOD:
            if _holds_any(low, words) and pattern.search(body):
                fields["likelihood"] = likelihood
                break
        items.append(OutlookDraft(fields, sentence.start, sentence.end))
        if len(items) >= MAX_OUTLOOK:
            break
    return items


# What turns a word of expectation to the past: "had forecast", "than expected", "as planned",
# "previously projected" compare with what was expected, they expect nothing.
_LOOKED_AHEAD_BEFORE = re.compile(r"(?:\bhad (?:been )?|\bthan |\bas |\bpreviously )$")


def _looking_ahead(low: str) -> re.Match[str] | None:
    """The first word of expectation of a lower-cased sentence that looks ahead."""
    for match in _EXPECTED.finditer(low):
        if not _LOOKED_AHEAD_BEFORE.search(low, max(0, match.start() - 20), match.start()):
            return match
    return None


def _clause(body: str, marker: re.Match[str] | None) -> str:
    """The clause of a sentence that holds its future marker, for the one-line `what`."""
    if marker is None or len(body) <= 200:
        return body.strip()
    pieces = re.split(r"(?<=[,;:])\s", body)
    position = 0
    for index, piece in enumerate(pieces):
        if position <= marker.start() < position + len(piece) + 1:
            chosen = " ".join(pieces[max(0, index - 1) : index + 2])
            return chosen.strip(" ,;:")
        position += len(piece) + 1
    return body.strip()
