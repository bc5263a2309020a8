"""A bottom line from the lede and key points chosen by the facts they hold; both extractive."""

from __future__ import annotations

import re

from generator.draft.sentences import Sentence, one_line

MAX_KEY_POINTS = 5
# "WASHINGTON (Reuters) - ", "RIO DE JANEIRO (AP) — ": the dateline is not part of the lede;
# nor is "(AP) — " where the place ended in an abbreviation that ended a sentence too
# ("LA CROSSE, Wis. (AP) — ").
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .,'’]+(?:\([A-Za-z.]+\))?,?(?: [A-Z][a-z]+\.? \d{1,2})?"
    r"|\((?:[A-Z][A-Za-z.]*)(?:[ /-][A-Z][A-Za-z.]*)?\))\s*[-–—]\s+"
)

_FULL_STOP = re.compile(r"[.!?][\"'”’)]*$")


def strip_dateline(sentence: str) -> str:
    """The lede without its dateline."""
    return _DATELINE.sub("", sentence, count=1)


def _headings(sentences: list[Sentence]) -> set[int]:
    """Sentences alone in their paragraph without a full stop: headlines and crossheads."""
    found = set()
    for index, sentence in enumerate(sentences):
        alone = (index == 0 or sentences[index - 1].paragraph != sentence.paragraph) and (
            index == len(sentences) - 1 or sentences[index + 1].paragraph != sentence.paragraph
        )
        if alone and not _FULL_STOP.search(sentence.text.strip()):
            found.add(sentence.start)
    return found


def draft_summary(
    text: str,
    sentences: list[Sentence],
    facts: dict[int, float],
    title: str | None,
) -> tuple[str, list[str]]:
    """The bottom line (lede) and up to five key points, each a sentence of the article."""
    headings = _headings(sentences)
    body = [s for s in sentences if s.start not in headings and s.text.count(" ") >= 5]
    if not body:
        body = [s for s in sentences if s.text.strip()]
    if not body:
        return one_line(title or text, 300), []
    lede = body[0]
    bottom = strip_dateline(lede.text.strip())
    used = {lede.start}
    if len(bottom) < 80 and len(body) > 1 and body[1].paragraph == lede.paragraph:
        bottom = f"{bottom} {body[1].text.strip()}"
        used.add(body[1].start)
    scored = []
    for position, sentence in enumerate(body):
        if sentence.start in used or len(sentence.text) > 400:
            continue
        score = facts.get(sentence.start, 0.0)
        if sentence.text.startswith(('"', "“")):
            score -= 1.5  # a quotation is better read in `quotes`
        score += max(0.0, 2.0 - position * 0.25)  # news puts what matters first
        scored.append((score, sentence.start, sentence))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen = sorted(
        (s for score, _, s in scored[:MAX_KEY_POINTS] if score > 0), key=lambda s: s.start
    )
    # Both are stripped already, so joining the words collapses white space as re.sub would.
    points = [" ".join(strip_dateline(s.text.strip()).split()) for s in chosen]
    return " ".join(bottom.split()), points
