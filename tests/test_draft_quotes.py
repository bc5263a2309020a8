"""Quotations the drafter keeps in small invented stories."""

from __future__ import annotations

from generator.draft.parties import find_parties
from generator.draft.quotes import find_quotes


def quotes(text: str) -> list[tuple[str | None, str]]:
    parties, mentions = find_parties(text)
    return [(q.speaker, q.text) for q in find_quotes(text, parties, mentions)]


def test_a_phrase_of_an_earlier_quotation_quoted_again_is_not_new_speech():
    found = quotes(
        "The law says \u201cevery person born here is a citizen of the state\u201d in full. "
        "Governor Ann Bell argued that the children are not \u201ca citizen of the state\u201d "
        "at all. Mayor Jo Park said: \u201cwe will keep every promise we made\u201d."
    )
    assert found == [("Jo Park", "we will keep every promise we made")]


def test_a_quotation_repeated_whole_keeps_its_speaker():
    found = quotes(
        "Mayor Jo Park said: \u201cwe will keep every promise we made\u201d. Later Park said "
        "\u201cwe will keep every promise we made\u201d again."
    )
    assert found == [("Jo Park", "we will keep every promise we made")] * 2


def test_a_role_just_before_the_speech_verb_is_the_speaker_not_the_first_name():
    found = quotes(
        "Prime Minister Ana Silva met the press. When opposition leader Rui Costa pressed "
        "Silva to act, the prime minister said only: \u201cdeterrence is working well for us "
        "today.\u201d"
    )
    assert found == [("Ana Silva", "deterrence is working well for us today.")]
