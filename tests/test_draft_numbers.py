"""The shared number grammar as drafting reads it: what counts as a figure, and how it reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.numbers import find_numbers, parse_number


def written(text: str) -> list[str]:
    return [n.as_written for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It raised the fee from £6 to £10 a leg.", ["£6", "£10"]),
        ("Inflation will stay between 3% and 6% until 2008.", ["between 3% and 6%", "2008"]),
        ("A 3% to 3.5% improvement is expected.", ["3% to 3.5%"]),
        ("The two leaders met after four hurricanes hit.", ["four"]),
        ("He went to No 10 and BBC Radio 4 to revoke article 50.", []),
        ("The rate went up to 5.5% from 5.4%.", ["5.5%", "5.4%"]),
        ("A fight erupted around 7 a.m. on Monday.", ["around 7 a.m."]),
        ("About 3 in 10 voters and a 2-to-1 lead.", ["About 3 in 10", "2-to-1"]),
        (
            "It fell two-tenths of a percentage point to 8.4 percent.",
            ["two-tenths of a percentage point", "8.4 percent"],
        ),
        ("The Fed meets on June 13-14 in the 2030s.", ["June 13-14", "2030s"]),
        ("A 14-story block and a 512kbps line 6km long.", ["14-story", "512kbps", "6km"]),
        ("Sales of 6.8bn rand and the 418bn-rand budget.", ["6.8bn rand", "418bn-rand"]),
        ("Trump was up 5 or 6 points, a seven-month high.", ["5 or 6 points", "seven-month"]),
        ("It is a G-20 matter for COVID-19 in a third quarter.", []),
    ],
)
def test_figures_found_in_context(text, expected):
    assert written(text) == expected


def test_values_units_and_qualifiers():
    point = find_numbers("It fell two-tenths of a percentage point.")[0]
    assert (point.kind, point.value, point.unit) == ("percent", Decimal("0.2"), "percentage points")
    change = find_numbers("went up to 5.5% from 5.4%")[0]
    assert change.qualifier == "exact"
    ceiling = find_numbers("earning up to £820,000 a year")[0]
    assert (ceiling.qualifier, ceiling.currency, ceiling.value) == ("up_to", "GBP", 820000)
    dollars = find_numbers("a deficit of 567 mln dlrs")[0]
    assert (dollars.kind, dollars.currency, dollars.value) == ("money", "$", 567_000_000)


@pytest.mark.parametrize(
    "as_written",
    ["four", "two", "No 10", "16-year", "one-third", "a quarter of a percentage point"],
)
def test_parse_number_reads_a_figure_written_alone(as_written):
    # An editor's `as_written` is read without its sentence: the context rules do not apply.
    assert parse_number(as_written) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # durations count even after "the": they name a span of time, not a set
        (
            "Rents rose over the past five years and the next two months.",
            ["five years", "two months"],
        ),
        ("Sales fell in the three previous months.", ["three previous months"]),
        ("The club waited nine days, then an eleven-week run began.", ["nine days", "eleven-week"]),
        ("One year later nothing had changed.", []),
        # "a dozen", "a hundred", "a million" with what they count
        ("A dozen more towns and a hundred people joined.", ["A dozen", "a hundred"]),
        ("Each team spends a million euros a year.", ["a million euros"]),
        ("There are a million reasons, she joked, and half a million fans.", ["a million"]),
        # fractions written as "half"
        (
            "Turnout was half its usual level and about half of the seats changed.",
            ["half", "about half"],
        ),
        ("Growth slowed in the second half of the year; the cake was cut in half.", []),
        # multipliers
        (
            "Exports were twice the 40,000 forecast, more than three times as many.",
            ["twice", "40,000", "more than three times"],
        ),
        ("The twice-married singer would think twice, once or twice.", ["twice-married"]),
        # ranks counted with a cardinal
        ("The three biggest lenders and his two top aides met.", ["three biggest"]),
        # decades written as words, only after "the"
        ("Prices last hit this level in the eighties; she is in her sixties.", ["eighties"]),
        ("It recalls the early nineties.", ["early nineties"]),
        # numbers that are part of a name
        ("Under the 22nd Amendment, on Fifth Avenue, near the 3rd US fleet.", ["3rd"]),
        ("The FTSE 100 and the S&P 500 rose, as did Standard & Poor's 500 index.", []),
        ("She hosted ITV'3's quiz for 12 weeks.", ["12"]),
        # a comma before one or two digits keeps every digit as written
        ("He earned up to £48,50 for each article and 3,5% interest.", ["up to £48,50", "3,5%"]),
    ],
)
def test_spelled_out_and_unusual_forms(text, expected):
    assert written(text) == expected


@pytest.mark.parametrize(
    ("as_written", "kind", "value", "unit"),
    [
        ("three months", "count", Decimal(3), "months"),
        ("two previous months", "count", Decimal(2), "months"),
        ("a dozen", "count", Decimal(12), None),
        ("a billion dollars", "money", Decimal(10**9), "dollars"),
        ("about half", "ratio", Decimal("0.5"), "fraction"),
        ("twice", "count", Decimal(2), "times"),
        ("more than three times", "count", Decimal(3), "times"),
        ("two largest", "rank", Decimal(2), "largest"),
        ("seventies", "year", Decimal(1970), "decade"),
        ("up to £135,00", "money", Decimal("135.00"), None),
    ],
)
def test_new_forms_read_back_alone(as_written, kind, value, unit):
    # `brief check` re-reads a drafted figure's as_written alone: it must read the same.
    number = parse_number(as_written)
    assert number is not None and number.as_written == as_written
    assert (number.kind, number.value, number.unit) == (kind, value, unit)


def _measures_of(text: str) -> dict[str, str]:
    import datetime as dt

    from generator.draft.figures import draft_figures
    from generator.draft.sentences import find_sentences

    figures = draft_figures(
        text, find_numbers(text), find_sentences(text), [], [], dt.date(2024, 5, 1)
    )
    return {str(f.fields["as_written"]): str(f.fields["measures"]) for f in figures}


@pytest.mark.parametrize(
    ("text", "as_written", "measures"),
    [
        # the noun phrase after the number
        ("The plant employs 1,200 workers in the town.", "1,200", "workers"),
        # else the clause before it, without its verb of change
        ("Quarterly revenue rose 12% after a strong season.", "12%", "Quarterly revenue"),
        ("The main index fell 3% later in the day.", "3%", "The main index"),
        ("Turnover for the year was up 4.5% to £2.1bn.", "£2.1bn", "Turnover for the year"),
        (
            "The plan cuts the sales tax from 20% to 18% and raises pensions by 5%.",
            "18%",
            "The plan cuts the sales tax",
        ),
        # a figure before it in its clause measures something of its own
        (
            "The plan cuts the sales tax from 20% to 18% and raises pensions by 5%.",
            "5%",
            "raises pensions",
        ),
        ("It pays out state pensions worth £9bn.", "£9bn", "pays out state pensions"),
    ],
)
def test_a_figure_measures_the_words_that_name_it(text, as_written, measures):
    assert _measures_of(text)[as_written] == measures


def test_an_amount_restated_in_another_currency_measures_what_the_first_does():
    found = _measures_of("The group made a net profit of €40m ($43m; £35m) in the half.")
    assert found["€40m"] == found["$43m"] == found["£35m"] == "The group made a net profit"


def test_a_time_of_day_is_kept_as_the_24_hour_clock_reads_it_and_shown_so():
    from decimal import Decimal

    from generator.numbers import find_numbers
    from generator.render import format_clock

    text = "Polls open at 7 a.m., close at 5 p.m. and count from 12 a.m.; trading ends at 1405 GMT."
    values = {n.as_written: n.value for n in find_numbers(text)}
    assert values == {
        "7 a.m.": Decimal(700),
        "5 p.m.": Decimal(1700),
        "12 a.m.": Decimal(0),
        "1405 GMT": Decimal(1405),
    }
    assert [format_clock(v) for v in values.values()] == ["07:00", "17:00", "00:00", "14:05"]


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("The tariffs put 1.5m jobs at stake.", "1.5m", "1500000"),
        ("Some 40k people marched.", "Some 40k", "40000"),
        ("Output fell by 10m barrels.", "10m", "10000000"),
    ],
)
def test_a_letter_of_scale_before_a_count_of_things_is_read(text, written, value):
    """ "1.5m jobs" is a figure (and a number prose must ground); "a 5m wall" stays unread,
    metres as likely as millions."""
    from decimal import Decimal

    from generator.numbers import find_numbers

    found = {n.as_written: n.value for n in find_numbers(text)}
    assert found == {written: Decimal(value)}
    assert find_numbers("They built a 5m wall.") == []


@pytest.mark.parametrize(
    ("text", "written", "value", "unit"),
    [
        ("a 25-percent tariff", "25-percent", "25", "percent"),
        ("a 0.5-percentage-point cut", "0.5-percentage-point", "0.5", "percentage points"),
        ("a 25-percentage-point gap", "25-percentage-point", "25", "percentage points"),
        ("up 5 per-cent", "5 per-cent", "5", "percent"),
    ],
)
def test_a_percentage_as_a_compound_adjective_is_a_percentage(text, written, value, unit):
    """ "A 25-percentage-point gap" was read as the count "25-percentage"."""
    from decimal import Decimal

    from generator.numbers import find_numbers

    (number,) = find_numbers(text)
    assert (number.as_written, number.kind, number.value, number.unit) == (
        written, "percent", Decimal(value), unit,
    )  # fmt: skip
