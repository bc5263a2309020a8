"""Paragraphs and sentences of a source text, by offset, so every extract is an exact slice."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from operator import attrgetter

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "capt", "lt", "sgt", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "inc", "co", "corp", "ltd", "vs", "etc", "jr", "sr", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m",
    "p.m", "mt", "ft", "fig", "approx", "dept", "est", "rev", "hon", "messrs", "n.z", "d.c",
}  # fmt: skip
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]]*$")
_LINE = re.compile(r"[^\n]+")
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the source: its offsets, its text and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int


_START = attrgetter("start")


def find_paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of every paragraph (blocks separated by blank lines, or by single lines)."""
    spans = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def find_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text` with exact offsets; abbreviations and initials do not split."""
    sentences: list[Sentence] = []
    for index, (p_start, p_end) in enumerate(find_paragraphs(text)):
        begin = p_start
        for match in _END.finditer(text, p_start, p_end):
            stop = match.end()
            # The word runs to `stop` without a space: the search can start after the last one.
            low = max(begin, stop - 40)
            low = max(low, text.rfind(" ", low, stop) + 1)
            word = _LAST_WORD.search(text, low, stop)
            token = word.group(1).lower().rstrip(".") if word else ""
            if match.group().startswith(".") and (
                token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())
            ):
                continue  # "Mr. Smith", "George W. Bush"
            sentences.append(Sentence(begin, stop, text[begin:stop], index))
            begin = stop
            while begin < p_end and text[begin].isspace():
                begin += 1
        if begin < p_end:
            sentences.append(Sentence(begin, p_end, text[begin:p_end], index))
    return sentences


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence holding `offset`."""
    # Sentences are in text order and do not overlap: the last one starting at or before
    # `offset` is the only one that can hold it.
    index = bisect.bisect_right(sentences, offset, key=_START) - 1
    if index >= 0 and offset < sentences[index].end:
        return sentences[index]
    return None


def clip_evidence(text: str, sentence: Sentence, start: int, end: int, limit: int = 1000) -> str:
    """The sentence around `start:end`, or for a run-on sentence a window of whole words in it."""
    if sentence.end - sentence.start <= limit:
        return sentence.text.strip()
    low = max(sentence.start, start - limit // 2)
    high = min(sentence.end, max(end, start) + limit // 2)
    while low > sentence.start and not text[low - 1].isspace():
        low += 1  # start on a word
    while high < sentence.end and not text[high].isspace():
        high -= 1
    return text[min(low, start) : max(high, end)].strip()


def one_line(text: str, limit: int = 300) -> str:
    """Collapse white space and cut at a word so the text fits a one-line field."""
    line = " ".join(text.split())  # str.split and re's \s agree on what white space is
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
