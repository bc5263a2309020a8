"""Parties the drafter finds in small invented stories: party members, lower-case institutions,
organisations named by what they are, and one party per entity."""

from __future__ import annotations

import datetime as dt

from generator.draft import draft_brief
from generator.draft.parties import find_parties


def names(text: str) -> dict[str, list[str]]:
    """Each party's name and aliases."""
    return {p.name: p.aliases for p in find_parties(text)[0]}


def test_a_speakers_party_comes_from_the_role_before_the_name():
    found = names("Labour leader Jane Smith condemned the plan. Tory critics stayed quiet.")
    assert "Jane Smith" in found
    assert "Labour" in found["Labour Party"]
    found = names("Rates rose, veteran Democratic strategist Ron Vale said on Monday.")
    assert "Democratic Party" in found and "Ron Vale" in found


def test_a_past_role_or_another_partys_name_adds_no_party():
    assert "Conservative Party" not in names("The former Conservative minister Al Dunn spoke.")
    found = names("The Social Democratic leader Taro Sato won the vote.")
    assert "Democratic Party" not in found and "Taro Sato" in found


def test_a_member_written_after_the_name():
    found = names("The plan is a mistake, said Sen. Ann Lee, R-Ohio. Mr Lee later left.")
    assert "Republican Party" in found
    assert "R-Ohio" not in found["Republican Party"]  # the state is no name of the party
    found = names("Taxes are too low, said Rep. Bo Kent, Texas Democrat.")
    assert "Democratic Party" in found


def test_the_speaker_is_the_person_not_the_party_in_their_role():
    text = (
        "Polls tightened in August. Democratic pollster Jo Park said the race was "
        "\u201cnow a real toss-up for both sides\u201d.\n"
    )
    brief = draft_brief(
        text, title=None, published=dt.date(2024, 9, 1), url=None, outlet=None, author=None
    )
    speakers = {q.speaker for q in brief.quotes}
    assert speakers == {"park"}
    assert "democratic-party" in {p.id for p in brief.parties}
    assert all(a.actor != "democratic-party" for a in brief.actions)


def test_institutions_written_in_lower_case():
    found = names(
        "The European commission president spoke to the European parliament. "
        "Members of the Labour party were absent."
    )
    assert "European commission" in found["European Commission"]
    assert "European parliament" in found["European Parliament"]
    assert "Labour Party" in found
    assert "eurozone" in names("Growth in the eurozone slowed.")


def test_organisations_named_by_a_description_when_they_speak():
    found = names(
        "Exports fell, the statistics department said. Costs rose, according to the state "
        "audit office. Harbour state port authorities said a ship sank."
    )
    assert {"statistics department", "state audit office"} <= set(found)
    assert not {"company", "department", "press office"} & set(
        names("The company said so. The department said so. Its press office said so.")
    )


def test_names_that_hold_a_possessive_or_of_the():
    found = names(
        "Stores like Harrow\u2019s Inc (HRW.N) cut jobs. The Committee for a Fair Budget said "
        "debt rose. He wrote for News of the World. The U.S. Trade Representative\u2019s Office "
        "acted."
    )
    assert {
        "Harrow\u2019s Inc",
        "Committee for a Fair Budget",
        "News of the World",
        "U.S. Trade Representative\u2019s Office",
    } <= set(found)


def test_one_party_per_entity():
    found = names(
        "The National Audit Office said costs rose. The NAO added that delays grew. "
        "President Li spoke first. Later Li Wen met the press."
    )
    assert "NAO" in found["National Audit Office"] and "NAO" not in found
    assert "Li" in found["Li Wen"] and "Li" not in found
    people = {p.name: p.id for p in find_parties("President Li spoke. Later Li Wen left.")[0]}
    assert people["Li Wen"] == "li"  # the surname written first gives the id


def test_a_month_as_a_surname_and_a_letter_ending_a_name():
    found = names("Anna May\u2019s plan failed. A group known as Bloco Forte A.\n")
    assert "Anna May" in found
    assert "Bloco Forte A" in found
    assert "Monday May" not in names("On Monday May 5 the vote took place.")


def test_a_forum_is_a_party_but_its_summit_is_an_event():
    assert "G8" in names("The G8 agreed to cut debt.")
    assert "G20" not in names("They met at the G-20 summit in Osaka.")


def test_an_organisation_named_again_without_its_country_is_the_same_party():
    found = names(
        "The US Federal Reserve raised rates on Monday. The Federal Reserve said inflation "
        "was high. The U.S. Supreme Court ruled on Friday. The Supreme Court said the law stands."
    )
    assert found == {
        "Federal Reserve": ["US Federal Reserve"],
        "Supreme Court": ["U.S. Supreme Court"],
    }


def test_a_name_after_what_a_firm_is_is_the_firm_and_a_month_abbreviation_is_no_party():
    found = {
        p.name: p.kind
        for p in find_parties(
            "Barclays held merger talks with US bank Wells Fargo. A tie-up with California-based "
            "Wells Fargo would be big, officials said ahead of the Oct. 27 election."
        )[0]
    }
    assert found["Wells Fargo"] == "organization"
    assert "Oct" not in found


def test_words_that_only_look_like_names_are_no_parties():
    found = names(
        "LA CROSSE, Wis. (AP) - The Midwestern vote matters, Ana Ruiz said on Monday. "
        "Staff at Number 10 and at the retailer Me+Em were asked. Shares in One.Tel rose. "
        "The Japan-U.S. Status of Forces Agreement stands, Ruiz said. The Ruizes were there, "
        "Ruiz told the Today programme, quoting Pitt the Younger."
    )
    assert "Ana Ruiz" in found
    for junk in ("Wis", "Midwestern", "Number", "Me", "Em", "One", "Tel", "S. Status", "Ruizes",
                 "Today", "Younger"):  # fmt: skip
        assert junk not in found, junk


def test_a_role_after_a_longer_name_is_not_the_end_of_that_name():
    roles = {
        p.name: p.role
        for p in find_parties(
            "Democratic Party for the People leader Yuichiro Tamaki urged action. "
            "Bank of England governor Andrew Bailey agreed. "
            "The Conservative leader Pierre Poilievre did not."
        )[0]
        if p.kind == "person"
    }
    assert roles == {
        "Yuichiro Tamaki": "leader",
        "Andrew Bailey": "governor",
        "Pierre Poilievre": "Conservative leader",
    }
