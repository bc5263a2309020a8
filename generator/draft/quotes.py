"""Direct quotations, their speaker (said, wrote, told, according to) and the channel used."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from generator.alternation import build_alternation
from generator.draft.parties import Mention, PartyDraft
from generator.draft.sentences import Sentence, find_sentences, sentence_at

MIN_WORDS = 4
_OPEN = '"“'
# A quotation opens with “, or with " not after a word character. The pattern starts with the
# quote marks themselves, so the scan skips to them instead of trying every position.
_PAIRS = re.compile(r"[“\"](?<!\w\")([^“”\"\n]+)([”\"]|(?=\n)|$)")
_SPEECH = (
    r"said|says|say|told|tells|wrote|writes|added|adds|argued|explained|noted|warned|insisted|"
    r"tweeted|stated|declared|asked|replied|responded|reacted|commented|posted|continued|went on|"
    r"saying|according to|read|reads|cautioned|conceded|admitted|acknowledged|urged|recalled|"
    r"called(?! (?:on|for)\b)|describ(?:ed|ing)|declaring|pledg(?:ed|ing)|promis(?:ed|ing)|"
    r"vow(?:ed|ing)|"
    r"insisting|appealing|criticis(?:e|ed|ing)|criticiz(?:e|ed|ing)|respond(?:ed|ing)|telling|writing|adding"
)
_SAY = re.compile(rf"\b(?:{build_alternation(_SPEECH)})\b", re.I)  # see generator.alternation
_PRONOUN = re.compile(r"^\s*(?:he|she|they|it)\b", re.I)
_CHANNELS = [
    (
        re.compile(
            r"\b(?:on|in a post on|in a (?:social media )?post on|via) "
            r"(Truth Social|Twitter|X|Facebook|Instagram|TikTok|Threads|Bluesky|"
            r"LinkedIn|Telegram)\b"
        ),
        None,
    ),
    (re.compile(r"\btweet(?:ed|s)?\b", re.I), "Twitter"),
    (
        re.compile(
            r"\b(?:told|during|at|in) (?:a |the )?"
            r"(news conference|press conference|press briefing|briefing)\b",
            re.I,
        ),
        None,
    ),
    (re.compile(r"\btold (reporters|journalists)\b", re.I), None),
    (
        re.compile(
            r"\bin (?:a |an )(statement|interview|written statement|letter|speech|email|memo)\b",
            re.I,
        ),
        None,
    ),
    (re.compile(r"\btold (?:the )?((?:[A-Z][\w'’]*\s?)+)"), None),
    (re.compile(r"\bspeaking (?:on|to) ((?:[A-Z][\w'’]*\s?)+)"), None),
    (re.compile(r"\bthe (statement|letter|report|memo) (?:read|said)\b", re.I), None),
]

# Words each channel pattern cannot match without, tested before the pattern is searched: in
# the window as written for the case-sensitive patterns, in its lower case for the others, and
# then spelled without i, k or s, whose ignore-case matches go beyond what str.lower gives.
_CHANNEL_WORDS: list[tuple[tuple[str, ...], bool]] = [
    (
        (
            "Truth Social",
            "Twitter",
            "X",
            "Facebook",
            "Instagram",
            "TikTok",
            "Threads",
            "Bluesky",
            "LinkedIn",
            "Telegram",
        ),
        False,
    ),
    (("tweet",), True),
    (("conference", "ef"), True),  # "briefing"
    (("told",), True),
    (("tatement", "nterv", "letter", "peech", "ema", "memo"), True),
    (("told ",), False),
    (("speaking ",), False),
    (("tatement", "letter", "report", "memo"), True),
]


@dataclass(frozen=True)
class QuoteDraft:
    """A quotation: its words, the passage that holds it and who said it."""

    text: str
    evidence: tuple[int, int]
    speaker: str | None  # PartyDraft.name
    channel: str | None


_PREPOSITION_BEFORE = re.compile(
    r"\b(?:to|from|with|by|of|for|at|on|against|about|than|like|between|and)\s+(?:the\s+)?$", re.I
)


_DESCRIPTION = re.compile(r"\bthe ((?:[a-z-]+ ){0,2}[a-z-]+)\s+(?:\w+\s+)?$")
_OPENING_MARK = re.compile(r"[“\"]")
_CLOSING_MARK = re.compile(r"[”\"]")
_PERSON_PRONOUN_END = re.compile(r"\b(?:he|she|they)\s*$", re.I)
_PERSON_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|they)\s+(?:\w+\s+)?$", re.I)
_IT_END = re.compile(r"\bit\s*$", re.I)
_BEING_ASKED = re.compile(r"\b(?:was|were|been|being) asked\b")
_WAS_ASKED = re.compile(r"\b(?:was|were) asked\b")
_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")
_SENTENCE_END = re.compile(r"[.!?]")
_STOP = re.compile(r"[.?!] ")
_BREAK = re.compile(r"\n")
_SAID_AROUND = re.compile(r"\b(?:said|says|told|wrote|added)\s+(?:the\s+)?$")
_SAY_NEXT = re.compile(r"\s+(?:said|says|told|wrote|added|tweeted|argued|warned)\b")


class _Speakers:
    """Who speaks: mentions outside quotations, read as subjects or as objects."""

    def __init__(
        self,
        text: str,
        mentions: list[Mention],
        kinds: dict[str, str],
        quoted: list[tuple[int, int]],
    ) -> None:
        self.text = text
        self.kinds = kinds
        inside = _inside_any(quoted)
        # In text order, so that the lookups below bisect to the mentions they need. A party
        # named in a person's role is not the speaker: the person is.
        self.mentions = sorted(
            (m for m in mentions if not inside(m.start) and not m.in_role), key=_start
        )
        self.starts = [m.start for m in self.mentions]
        self.free: dict[int, bool] = {}  # read once per mention, when first asked
        self.subjects = self._find_subjects()

    def _free(self, mention: Mention) -> bool:
        """Is the mention no preposition's object ("to Carney"), so that it can be a speaker?"""
        free = self.free.get(mention.start)
        if free is None:
            start = mention.start
            before = self.text[max(0, start - 14) : start]
            free = self.free[start] = not _PREPOSITION_BEFORE.search(before)
        return free

    def _find_subjects(self) -> set[int]:
        """Offsets of mentions that open their sentence or clause: the likely subjects."""
        subjects: set[int] = set()
        last_boundary = -1
        seen_in_sentence = False
        # Where sentences and lines end (". ", "? ", "! ", a line break), found once.
        stops = [m.start() for m in _STOP.finditer(self.text)]
        breaks = [m.start() for m in _BREAK.finditer(self.text)]
        for mention in self.mentions:
            floor = max(0, mention.start - 1000)  # a boundary further back does not count
            # The last stop wholly before the mention, or the last line break, from `floor` on.
            stop = bisect.bisect_right(stops, mention.start - 2) - 1
            line = bisect.bisect_right(breaks, mention.start - 1) - 1
            boundary = max(
                stops[stop] if stop >= 0 and stops[stop] >= floor else -1,
                breaks[line] if line >= 0 and breaks[line] >= floor else -1,
            )
            if boundary != last_boundary:
                last_boundary, seen_in_sentence = boundary, False
            if not seen_in_sentence and self._free(mention):
                subjects.add(mention.start)
                seen_in_sentence = True
            elif _SAID_AROUND.search(
                self.text[max(0, mention.start - 12) : mention.start]
            ) or _SAY_NEXT.match(self.text, mention.end):
                subjects.add(mention.start)  # "..., the OECD said": the speaker is a subject too
        return subjects

    def _between(self, low: int, high: int) -> list[Mention]:
        """The mentions that start in [low, high), in text order."""
        return self.mentions[
            bisect.bisect_left(self.starts, low) : bisect.bisect_left(self.starts, high)
        ]

    def first_free(self, start: int, end: int) -> str | None:
        for mention in self._between(start, end):
            if mention.end <= end and self._free(mention):
                return mention.party
        return None

    def nearest_before(self, offset: int, floor: int) -> str | None:
        candidates = [m for m in self._between(floor, offset) if m.end <= offset and self._free(m)]
        for mention in reversed(candidates):
            if self.kinds.get(mention.party) == "person":
                return mention.party
        return candidates[-1].party if candidates else None

    def first_after(self, offset: int, limit: int) -> str | None:
        for mention in self._between(offset, limit):
            if mention.end <= limit:
                return mention.party
        return None

    def last_subject(self, offset: int, person: bool) -> str | None:
        """Who a pronoun points back to: the last party named as a subject before `offset`."""
        for index in range(bisect.bisect_left(self.starts, offset) - 1, -1, -1):
            mention = self.mentions[index]
            if mention.end > offset:
                continue
            if offset - mention.start > (1500 if person else 300):
                break
            if (
                self.kinds.get(mention.party) == "person"
            ) == person and mention.start in self.subjects:
                return mention.party
        return None


def _start(mention: Mention) -> int:
    return mention.start


def _inside_any(spans: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    starts = [s for s, _ in spans]

    def inside(offset: int) -> bool:

        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and spans[index][0] <= offset < spans[index][1]

    return inside


def _by_role(head: str, roles: dict[str, str]) -> str | None:
    """ "the prime minister said": the person whose role the description names."""
    found = _DESCRIPTION.search(head)
    if not found:
        return None
    description = found.group(1)
    for role, name in roles.items():
        if role.endswith(description) or description.endswith(role):
            return name
    return None


def _channel(window: str) -> str | None:
    low = window.lower()
    for (pattern, fixed), (words, lowered) in zip(_CHANNELS, _CHANNEL_WORDS, strict=True):
        if not any(word in (low if lowered else window) for word in words):
            continue  # the pattern needs one of these words: no need to scan for it
        match = pattern.search(window)
        if match:
            if fixed:
                return fixed
            value = match.group(1).strip()
            return value or None
    return None


def find_quotation_marks(text: str) -> list[re.Match[str]]:
    """Every passage in quotation marks: group 1 the words, group 2 the closing mark."""
    return list(_PAIRS.finditer(text))


def find_quotes(
    text: str,
    parties: list[PartyDraft],
    mentions: list[Mention],
    sentences: list[Sentence] | None = None,
    pairs: list[re.Match[str]] | None = None,
) -> list[QuoteDraft]:
    """Every direct quotation of at least four words whose speaker the text names."""
    kinds = {p.name: p.kind for p in parties}
    pairs = pairs if pairs is not None else find_quotation_marks(text)
    spans = [m.span(1) for m in pairs]
    who = _Speakers(text, mentions, kinds, spans)
    sentences = sentences if sentences is not None else find_sentences(text)
    roles = {p.role.lower(): p.name for p in parties if p.kind == "person" and p.role}
    quotes: list[QuoteDraft] = []
    previous: tuple[str | None, str | None, int] | None = None  # speaker, channel, end
    quoted_before = ""  # every quotation so far, joined: a later fragment of one is a re-quote
    for match in pairs:
        inner = match.group(1)
        closing = match.group(2)
        open_at = match.start()
        quote_text = inner.strip().rstrip(",").strip()
        line_start = text.rfind("\n", max(0, open_at - 2000), open_at) + 1
        line_end = text.find("\n", match.end(), match.end() + 2000)
        line_end = min(len(text), match.end() + 2000) if line_end < 0 else line_end
        after_start = match.end()
        closing_sentence = sentence_at(sentences, max(open_at, match.end() - 1))
        after_end = min(line_end, closing_sentence.end) if closing_sentence else line_end
        after_end = max(after_end, after_start)
        after = text[after_start:after_end]
        opening_sentence = sentence_at(sentences, open_at)
        clause_start = max(line_start, opening_sentence.start) if opening_sentence else line_start
        clause_start = max(clause_start, open_at - 400)
        before = text[clause_start:open_at]
        before_tail = _CLOSING_MARK.split(before)[-1]
        speaker = channel = None
        evidence_start, evidence_end = open_at, match.end()
        verb_after = _SAY.search(after[:100]) if closing else None
        if verb_after and not _OPENING_MARK.search(after, 0, verb_after.start()):
            evidence_end = after_end
            head = after[: verb_after.start()]
            if _PERSON_PRONOUN_END.search(head):
                speaker = who.last_subject(open_at, person=True)
            elif _IT_END.search(head):
                speaker = who.last_subject(open_at, person=False)
            else:
                verb_at = after_start + verb_after.start()
                speaker = who.nearest_before(verb_at, after_start) or who.first_after(
                    verb_at, after_end
                )
            channel = _channel(after)
        # The speech verbs before the quotation are read only when no speaker came after it.
        verbs_before = (
            list(_SAY.finditer(before))
            if speaker is None and not _BEING_ASKED.search(before_tail)
            else []
        )
        if verbs_before:
            verb = verbs_before[-1]
            verb_at = clause_start + verb.start()
            head = before[: verb.start()]
            # "..., the prime minister said only:": a role just before the verb is who speaks,
            # not the first name of the clause ("when Noda pressed Ishiba, the prime minister").
            speaker = _by_role(head, roles) or who.first_free(clause_start, verb_at)
            if _PERSON_PRONOUN_BEFORE.search(head) and (
                speaker is None or kinds.get(speaker) != "person"
            ):
                speaker = who.last_subject(clause_start, person=True)
            if speaker is None:
                speaker = _by_role(head, roles)
            if speaker is not None:
                evidence_start = clause_start
                channel = _channel(before)
        if speaker is None and previous is not None and not _WAS_ASKED.search(before_tail):
            gap = text[previous[2] : open_at]
            continued = open_at == line_start and not _THREE_LETTERS.search(gap)
            same_sentence = len(gap) < 40 and "\n" not in gap and not _SENTENCE_END.search(gap)
            if continued or same_sentence:
                speaker, channel = previous[0], previous[1]
        previous = (speaker, channel, max(evidence_end, match.end())) if speaker else None
        kept = speaker is not None and len(quote_text.split()) >= MIN_WORDS
        # A phrase of an earlier quotation quoted again (a law's words) is not new speech. Read
        # for the first few hundred quotations only: a text of thousands stays linear.
        repeated = (
            kept
            and len(quote_text) < 100
            and len(quotes) < 300
            and quote_text in quoted_before
            and f"\x00{quote_text}\x00" not in quoted_before
        )
        quoted_before += f"\x00{quote_text}\x00"
        if len(quoted_before) > 40_000:
            quoted_before = quoted_before[-20_000:]
        if not kept or repeated:
            continue
        evidence_text = text[evidence_start:evidence_end].strip()
        offset = text.find(evidence_text, evidence_start)
        quotes.append(
            QuoteDraft(quote_text, (offset, offset + len(evidence_text)), speaker, channel)
        )
    return quotes
