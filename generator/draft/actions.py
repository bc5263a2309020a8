"""Who did what to whom: a party, then its verb, read for status (taken, threatened, planned...)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from generator.alternation import build_alternation
from generator.draft.dates import DateMention
from generator.draft.parties import Mention, PartyDraft
from generator.draft.sentences import Sentence, one_line

MAX_ACTIONS = 40
_THREAT = r"threaten(?:s|ed|ing)?|warn(?:s|ed)? (?:of|that)"
_PLAN = (
    r"will|would|'ll|plans? to|planned to|planning to|intends? to|intended to|is to|are to|"
    r"aims? to|"
    r"is set to|are set to|is due to|are due to|expects? to|agreed to|pledged to|promised to|"
    r"vowed to|is going to|are going to|hopes? to|wants? to|seeks? to|is expected to|"
    r"are expected to"
)
_PROPOSE = (
    r"proposed|proposes|propose|called for|calls for|urged|urges|suggested|suggests|recommended"
)
_ANNOUNCE = (
    r"announced|announces|unveiled|unveils|said|says|declared|confirmed|stated|told|wrote|"
    r"revealed|reported"
)
_TAKEN = (
    r"put|cut|raised|imposed|signed|made|won|lost|rose|fell|killed|introduced|launched|approved|"
    r"passed|rejected|blocked|voted|condemned|criticized|criticised|defended|accepted|received|"
    r"earned|paid|spent|bought|sold|hit|closed|opened|ended|began|started|struck|upheld|ruled|"
    r"agreed|met|called|sent|took|gave|held|reached|added|dropped|slipped|jumped|climbed|increased|"
    r"decreased|declined|reduced|lowered|cancelled|canceled|delayed|suspended|resigned|fired|"
    r"appointed|elected|arrested|charged|sued|attacked|invaded|seized|released|found|blamed|"
    r"reported|created|hired|shed|posted|forecast|predicted|revised|warned|insisted|reacted|"
    r"stressed|promised|pledged|vowed|threatened|declined|refused|failed|denied|dodged|"
    r"brokered|backed|praised|reprimanded|issued|lashed|sided|joined|argued|claimed"
)
_TAKEN_FORMS = (
    r"has \w+ed|have \w+ed|had \w+ed|(?:did|does|do|has|have|had) (?:not|never) \w+"
    r"|(?:didn't|doesn't|don't|hasn't|haven't) \w+|never \w+ed"
)
_VERB = re.compile(
    rf"\b(?P<threat>{_THREAT})\b|\b(?P<plan>{_PLAN})\b|\b(?P<propose>{_PROPOSE})\b"
    rf"|\b(?P<announce>{_ANNOUNCE})\b|\b(?P<taken>{_TAKEN}|{_TAKEN_FORMS})\b",
)  # case-sensitive: a verb after its subject is in lower case, and the scan is faster


# Where the first verb of any kind starts, found fast (see generator.alternation); `_VERB.match`
# at that place then reads which verb it is, with _VERB's own order of preference.
_ALL_VERBS = "|".join((_THREAT, _PLAN, _PROPOSE, _ANNOUNCE, _TAKEN, _TAKEN_FORMS))
_ANY_VERB = re.compile(rf"\b(?:{build_alternation(_ALL_VERBS)})\b")
_NOUN_THREAT = re.compile(r"\bthreats? (?:of|to)\b[^.;]*", re.I)
_NEGATION = re.compile(r"\b(?:not|n't|never|no longer|declined to|refused to|failed to)\b", re.I)
# Up to six words between a subject and its verb, with no "and" or "or" among them.
_GAP = re.compile(r"^(?:['’]s)?(?P<gap>(?:\s+(?!and\b|or\b)[\w'’-]+){0,6}?)\s+(?=\S)")
_PUNCTUATION = re.compile(r"[,;:.\"“”()]")
_POSSESSIVE = re.compile(r"^['’]s\b")
# A period after a lone letter is an abbreviation's ("a.m.", "U.S."): cutting there would leave
# "around 7 a", a number the source does not hold.
_CLAUSE_END = re.compile(
    r"[;:!?]|(?<![^A-Za-z][A-Za-z])\.(?!\d)|,\s(?:and|but|while|which|who|as|although)\b|\s[—–]\s"
)


def _inside(spans: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    """A test of whether an offset falls in one of the sorted, disjoint `spans`."""
    import bisect

    starts = [start for start, _ in spans]

    def inside(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and spans[index][0] <= offset < spans[index][1]

    return inside


@dataclass(frozen=True)
class ActionDraft:
    fields: dict[str, object]
    start: int
    end: int


def _status(match: re.Match[str]) -> str:
    if match.group("threat"):
        return "threatened"
    if match.group("plan"):
        return "planned"
    if match.group("propose"):
        return "proposed"
    if match.group("announce"):
        word = match.group("announce").lower()
        return "reported" if word == "reported" else "announced"
    return "taken"


def draft_actions(
    text: str,
    sentences: list[Sentence],
    parties: list[PartyDraft],
    mentions: list[Mention],
    dates: list[DateMention],
    quoted: list[tuple[int, int]],
) -> list[ActionDraft]:
    """Actions of the parties: subject, verb within a few words, the clause that follows."""
    ids = {p.name: p.id for p in parties}
    actions: list[ActionDraft] = []
    seen: set[tuple[str, int]] = set()
    by_sentence: dict[int, list[Mention]] = {}
    index = 0
    for mention in mentions:
        while index < len(sentences) and sentences[index].end <= mention.start:
            index += 1
        if index < len(sentences) and sentences[index].start <= mention.start:
            by_sentence.setdefault(index, []).append(mention)
    inside = _inside(quoted)
    for number, sentence in enumerate(sentences):
        found = by_sentence.get(number, [])
        if not found or (inside(sentence.start) and inside(sentence.end - 1)):
            continue
        for mention in found:
            if inside(mention.start) or mention.in_role:
                continue  # quoted, or a party in a person's role: the person acts
            tail = text[mention.end : min(sentence.end, mention.end + 700)]
            verb = _ANY_VERB.search(tail, 0, 80)
            if verb is not None:
                verb = _VERB.match(tail, verb.start(), 80)
            if (
                verb is None
                or _GAP.match(tail) is None
                or _PUNCTUATION.search(tail, 0, verb.start())
            ):
                continue
            if _POSSESSIVE.match(tail) and not verb.group("threat"):
                continue  # "Trump's hawkish policies": a possessive, not a subject
            clause_start = mention.end + verb.start()
            rest = text[clause_start : min(sentence.end, clause_start + 700)]
            stop = _CLAUSE_END.search(rest, len(verb.group()))
            clause = rest[: stop.start()] if stop else rest
            if len(clause) > 600:
                clause = clause[:600].rsplit(" ", 1)[0]  # a run-on sentence: its first words
            clause = clause.strip().rstrip(",")
            if len(clause.split()) < 2:
                continue
            key = (ids[mention.party], sentence.start)
            if key in seen:
                continue
            seen.add(key)
            status = _status(verb)
            evidence_start = mention.start
            evidence_end = clause_start + len(clause)
            actions.append(
                _action(
                    text,
                    mention,
                    ids,
                    status,
                    clause,
                    evidence_start,
                    evidence_end,
                    mentions,
                    dates,
                    tail[: verb.start()],
                    sentence,
                )
            )
        if "threat" not in sentence.text:
            continue
        for threat in _NOUN_THREAT.finditer(text, sentence.start, sentence.end):
            before = [m for m in found if m.end <= threat.start()]
            if not before:
                continue
            actor = before[-1]
            clause = threat.group().split(",")[0].strip()
            key = (ids[actor.party], threat.start())
            if key in seen or len(clause.split()) < 3:
                continue
            seen.add(key)
            start = threat.start()
            actions.append(
                _action(
                    text,
                    actor,
                    ids,
                    "threatened",
                    clause,
                    start,
                    start + len(clause),
                    mentions,
                    dates,
                    "",
                    sentence,
                )
            )
        if len(actions) >= MAX_ACTIONS:
            break  # the rest would be cut below: do not spend minutes finding them
    return actions[:MAX_ACTIONS]


DATE_BEFORE = 80  # characters before an action's words where its date may be ("On Sunday, ...")
DATE_AFTER = 40  # and after them ("..., effective June 1")


def _action(
    text: str,
    actor: Mention,
    ids: dict[str, str],
    status: str,
    clause: str,
    start: int,
    end: int,
    mentions: list[Mention],
    dates: list[DateMention],
    between: str,
    sentence: Sentence,
) -> ActionDraft:
    evidence = text[start:end].strip()
    fields: dict[str, object] = {
        "actor": ids[actor.party],
        "action": one_line(clause),
        "status": status,
        "evidence": evidence,
    }
    if _NEGATION.search(between) or _NEGATION.search(clause[:40]):
        fields["negated"] = True
    # Mentions and dates are in text order: bisect to the window instead of scanning them all,
    # which made a long article quadratic (minutes for a few megabytes).
    low = start + len(text[start:end]) - len(clause)
    targets = [m for m in _window(mentions, low, end) if m.party != actor.party]
    if targets:
        fields["target"] = ids[targets[0].party]
    # The action's date is one its own sentence gives: in its words first, then before them
    # ("On Sunday, Lammy said"), then after them; never a date of the next sentence.
    low, high = max(sentence.start, start - DATE_BEFORE), min(sentence.end, end + DATE_AFTER)
    dated = [
        d
        for d in _window(dates, low, high)
        if d.until is None and not _SINCE.search(text, max(0, d.start - 12), d.start)
    ]
    when = (
        [d for d in dated if start <= d.start < end]
        or [d for d in dated if d.start < start and _leads_in(text, sentence, d, start)][-1:]
        or [d for d in dated if d.start >= end]
    )
    if when:
        fields["date"] = when[0].value
    return ActionDraft(fields, start, end)


# A date after "since" starts a period ("since 2011"): it is not when an action was taken.
_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.I)
# What introduces the date of the words after it: "On Sunday, ...", "During the Saturday
# debate, ...", "Last week, ..."; not "results to March 2005, ..." nor "a July 2019 report from".
_LEAD = re.compile(
    r"\b(?:on|in|at|during|after|before|over|early|late|mid|last|this)\s+(?:the\s+)?$", re.I
)
_GAP = re.compile(r"(?:\s+[\w'’-]+){0,2}\s*,\s*|\s*")


def _leads_in(text: str, sentence: Sentence, date: DateMention, start: int) -> bool:
    """Whether a date before an action's words is the action's: it opens the sentence or a
    phrase of time ("On Sunday", "During the Saturday debate"), and a comma at most two words
    on leads to the action."""
    if not _GAP.fullmatch(text, date.end, start):
        return False
    opening = text[sentence.start : date.start].strip(" \"'“‘(")
    return not opening or bool(_LEAD.search(text, max(sentence.start, date.start - 20), date.start))


def _window(items: list[Any], low: int, high: int) -> list[Any]:
    """The items (sorted by `.start`) whose start is in [low, high)."""
    index = bisect.bisect_left(items, low, key=lambda item: item.start)
    found = []
    while index < len(items) and items[index].start < high:
        found.append(items[index])
        index += 1
    return found
