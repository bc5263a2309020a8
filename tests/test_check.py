"""`brief check` as a proof: each planted mistake gives its one `path:line: field: message` line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cache import LoadCache
from generator.check import check_bundle
from generator.cli import cli
from generator.content import load_library

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE, SEED

BRIEF_PATH = "content/acme/brief.md"
DIGEST = hashlib.sha256(MINIMAL_SOURCE.encode()).hexdigest()
# The minimal brief with the digest of its source recorded, as `brief draft` writes it.
BOTTOM_1500 = "bottom_line: Acme will cut 1,500 jobs, about 8% of its staff."
PROVEN = MINIMAL_BRIEF.replace(
    "status: published\n", f"status: published\nsource:\n  sha256: {DIGEST}\n"
)


def line_of(text: str, line: str) -> int:
    """The 1-based number of the line of `text` that is exactly `line`."""
    return text.splitlines().index(line) + 1


def check(project: Path, *options: str) -> Result:
    return CliRunner().invoke(cli, ["check", "--project", str(project), *options])


def findings(result: Result) -> list[str]:
    """The finding lines of a failed check, without the summary line."""
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Aborted: "), result.output
    return lines[:-1]


@pytest.fixture
def planted(make_project: Callable[..., Path]) -> Callable[[str, str], Path]:
    """A project holding one brief and its source, each possibly with a planted mistake."""

    def make(brief: str = PROVEN, source: str = MINIMAL_SOURCE) -> Path:
        return make_project({BRIEF_PATH: brief, "content/acme/source.txt": source})

    return make


def test_proven_minimal_brief_passes_strict(planted):
    result = check(planted(), "--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 1 brief: no errors.\n"


def test_seed_brief_passes_strict():
    result = check(SEED.parent.parent, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 1 brief: no errors.\n"


def test_stale_evidence_after_a_source_edit(planted):
    edited = MINIMAL_SOURCE.replace("about 8% of its workforce", "about 8 percent of its staff")
    new_digest = hashlib.sha256(edited.encode()).hexdigest()
    result = check(planted(source=edited))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(PROVEN, f'  sha256: {DIGEST}')}: source.sha256: source.txt has "
        f"changed since the brief was written (now {new_digest[:12]}...); review the brief "
        "against it, then record the new digest",
        f"{BRIEF_PATH}:{line_of(PROVEN, '    evidence: about 8% of its workforce')}: "
        "numbers[1].evidence: evidence is not in source.txt "
        '(did you mean: "about 8 percent of its staff"?)',
    ]


def test_quote_with_one_word_changed(planted):
    brief = PROVEN.replace("text: We have to act now", "text: We have to move now")
    result = check(planted(brief))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '    text: We have to move now')}: quotes[0].text: "
        'quote is not verbatim in source.txt (did you mean: "We have to act now"?)'
    ]


def test_quote_with_an_omission_is_found_in_parts(planted):
    source = MINIMAL_SOURCE.replace('"We have to act now,"', '"We have to act now, and fast,"')
    digest = hashlib.sha256(source.encode()).hexdigest()
    brief = PROVEN.replace(DIGEST, digest).replace(
        "text: We have to act now", "text: We have to ... fast"
    )
    brief = brief.replace(
        """evidence: '"We have to act now," chief""",
        """evidence: '"We have to act now, and fast," chief""",
    )
    assert check(planted(brief, source), "--strict").exit_code == 0
    swapped = brief.replace("text: We have to ... fast", "text: fast ... We have to")
    result = check(planted(swapped, source))
    assert findings(result)[0].startswith(
        f"{BRIEF_PATH}:{line_of(swapped, '    text: fast ... We have to')}: quotes[0].text: "
        "quote is not verbatim in source.txt"
    )


def test_number_in_bottom_line_not_in_source(planted):
    brief = PROVEN.replace(
        "bottom_line: Acme will cut 1,200 jobs", "bottom_line: Acme will cut 1,500 jobs"
    )
    result = check(planted(brief))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, BOTTOM_1500)}: "
        "bottom_line: number '1,500' is not in the source"
    ]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("$8", "about $8"),
        ("8 percentage points", "about 8 percentage points"),
        ("1,200%", "1,200%"),
    ],
    ids=["money for a percentage", "points for percent", "a percentage for a count"],
)
def test_a_number_in_prose_must_be_a_figure_of_its_kind_not_only_of_its_value(
    planted, written, shown
):
    """The bottom line's 8% is the figure "about 8%"; written as $8 or as 8 percentage points
    it is another number, which the source does not give."""
    bottom = f"bottom_line: Acme will cut 1,200 jobs, about {written} of its staff."
    brief = PROVEN.replace("bottom_line: Acme will cut 1,200 jobs, about 8% of its staff.", bottom)
    if written == "1,200%":
        bottom = "bottom_line: Acme will cut 1,200% of its staff."
        brief = PROVEN.replace(
            "bottom_line: Acme will cut 1,200 jobs, about 8% of its staff.", bottom
        )
    result = check(planted(brief))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, bottom)}: bottom_line: number {shown!r} is not in the source"
    ]


def test_a_currency_named_for_sure_must_be_the_figures(planted):
    source = MINIMAL_SOURCE.replace("cut 1,200 jobs", "cut 1,200 jobs and save 5 million euros")
    digest = hashlib.sha256(source.encode()).hexdigest()
    figure = (
        "  - as_written: 5 million euros\n    kind: money\n    value: 5000000\n"
        "    currency: EUR\n    currency_basis: word\n    measures: savings\n"
        "    evidence: save 5 million euros\n"
    )
    brief = PROVEN.replace(DIGEST, digest).replace("quotes:\n", figure + "quotes:\n", 1)
    brief = brief.replace(
        "evidence: it would cut 1,200 jobs", "evidence: it would cut 1,200 jobs and save"
    )
    cases = (("€5 million", True), ("5m euros", True), ("£5 million", False), ("$5 million", False))
    for prose, ok in cases:
        bottom = f"bottom_line: Acme will cut 1,200 jobs, about 8% of its staff, to save {prose}."
        mutated = brief.replace(
            "bottom_line: Acme will cut 1,200 jobs, about 8% of its staff.", bottom
        )
        result = check(planted(mutated, source), "--strict")
        assert (result.exit_code == 0) is ok, (prose, result.output)


def test_date_in_key_points_must_be_grounded(planted):
    brief = PROVEN.replace(
        "parties:\n", "key_points:\n  - The cuts start on March 3.\nparties:\n", 1
    )
    result = check(planted(brief))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '  - The cuts start on March 3.')}: key_points[0]: "
        "date 'March 3' is not in the source"
    ]


def test_number_in_source_but_not_a_figure_warns_and_fails_strict(planted):
    # A number the source holds but no figure of the brief: a warning, an error under --strict.
    source = MINIMAL_SOURCE + "The plan was drawn up by 40 managers.\n"
    digest = hashlib.sha256(source.encode()).hexdigest()
    prose = "why_it_matters: The plan was drawn up by 40 managers."
    brief = PROVEN.replace(DIGEST, digest).replace("parties:\n", f"{prose}\nparties:\n", 1)
    project = planted(brief, source)
    line = line_of(brief, prose)
    expected = (
        f"{BRIEF_PATH}:{line}: why_it_matters: warning: number '40' is in the source but not "
        "among this brief's figures; add it to `numbers`"
    )
    relaxed = check(project)
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines()[0] == expected
    strict = check(project, "--strict")
    assert strict.exit_code == 1
    assert findings(strict) == [expected.replace("warning: ", "")]


def test_value_not_matching_as_written(planted):
    brief = PROVEN.replace("    value: 1200\n", "    value: 12000\n")
    result = check(planted(brief))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '    value: 12000')}: numbers[0].value: "
        "12000 does not match '1,200', which reads as 1200"
    ]


def test_unit_not_matching_as_written(planted):
    brief = PROVEN.replace(
        "    value: 8\n    unit: percent\n", "    value: 8\n    unit: percentage points\n"
    )
    result = check(planted(brief))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '    unit: percentage points')}: numbers[1].unit: "
        "'percentage points' does not match 'about 8%', which reads as 'percent'"
    ]


def test_unit_spelt_another_way_matches(planted):
    brief = PROVEN.replace("    value: 8\n    unit: percent\n", '    value: 8\n    unit: "%"\n')
    assert check(planted(brief), "--strict").exit_code == 0


def test_as_written_not_inside_its_evidence(planted):
    brief = PROVEN.replace("  - as_written: about 8%\n", "  - as_written: about 9%\n")
    result = check(planted(brief))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '  - as_written: about 9%')}: numbers[1].as_written: "
        "'about 9%' is not in its evidence"
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [("200", "200"), ("1,2", "1.2"), ("0 jobs", "0"), ("ut 1,200", "1200")],
    ids=["the end of a number", "the start of a number", "a digit of a number", "a cut word"],
)
def test_as_written_must_stand_in_its_evidence_as_words_of_its_own(planted, written, value):
    """'5%' is not in '25%', nor 'March 1' in 'March 14': an `as_written` found only inside a
    longer number or word is not in its evidence."""
    brief = PROVEN.replace('  - as_written: "1,200"\n', f'  - as_written: "{written}"\n')
    brief = brief.replace("    value: 1200\n", f"    value: {value}\n")
    result = check(planted(brief))
    line = line_of(brief, f'  - as_written: "{written}"')
    assert f"{BRIEF_PATH}:{line}: numbers[0].as_written: {written!r} is not in its evidence" in (
        findings(result)
    )


def test_an_omission_that_leaves_out_a_negation_is_an_error(planted):
    source = MINIMAL_SOURCE.replace(
        '"We have to act now,"', '"We do not have to act now, but we will,"'
    )
    digest = hashlib.sha256(source.encode()).hexdigest()
    evidence = """evidence: '"We do not have to act now, but we will," chief"""
    brief = PROVEN.replace(DIGEST, digest).replace(
        """evidence: '"We have to act now," chief""", evidence
    )
    kept = brief.replace("text: We have to act now", "text: We do not have ... act now")
    assert check(planted(kept, source), "--strict").exit_code == 0
    cut = brief.replace("text: We have to act now", "text: We do ... have to act now")
    result = check(planted(cut, source))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(cut, '    text: We do ... have to act now')}: quotes[0].text: "
        "the omission (...) leaves out 'not' of the source: a cut must not turn around what "
        "was said"
    ]


def test_source_edited_after_drafting(planted):
    edited = MINIMAL_SOURCE.replace("on Monday", "on Tuesday")
    new_digest = hashlib.sha256(edited.encode()).hexdigest()
    result = check(planted(source=edited))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(PROVEN, f'  sha256: {DIGEST}')}: source.sha256: source.txt has "
        f"changed since the brief was written (now {new_digest[:12]}...); review the brief "
        "against it, then record the new digest"
    ]


def test_missing_digest_warns_and_fails_strict(planted):
    project = planted(MINIMAL_BRIEF)
    expected = (
        # No `source:` to point at: the line of the front matter's first field.
        f"{BRIEF_PATH}:2: source.sha256: warning: no digest of source.txt is recorded; "
        f"add `sha256: {DIGEST}`"
    )
    relaxed = check(project)
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines()[0] == expected
    assert findings(check(project, "--strict")) == [expected.replace("warning: ", "")]


def test_near_miss_suggests_the_passage(planted):
    brief = PROVEN.replace(
        "evidence: about 8% of its workforce", "evidence: about 8% of the workforce"
    )
    result = check(planted(brief))
    assert result.exit_code == 1
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '    evidence: about 8% of the workforce')}: "
        "numbers[1].evidence: evidence is not in source.txt "
        '(did you mean: "about 8% of its workforce"?)'
    ]


@pytest.mark.parametrize("text", ["We have to act no", "We have ... ct now", "e have to act now"])
def test_a_quote_is_found_as_whole_words_only(planted, text):
    """A quote cut inside a word, or a part of it found inside a word ("end" in "tremendous"),
    is not a quote of the source."""
    brief = PROVEN.replace("text: We have to act now", f"text: {text}")
    result = check(planted(brief))
    assert result.exit_code == 1
    assert findings(result)[0].startswith(
        f"{BRIEF_PATH}:{line_of(brief, f'    text: {text}')}: quotes[0].text: "
        "quote is not verbatim in source.txt"
    )


def test_a_date_the_source_does_not_give_is_an_error_and_grounds_nothing(planted):
    """An action's date must be one the source gives (here "on Monday", read against the
    story's date), or less precise; a made-up date is an error, and prose that repeats it is
    not grounded by it."""
    dated = PROVEN.replace(
        "    status: planned\n", "    status: planned\n    date: 2025-01-06\n", 1
    )
    assert check(planted(dated), "--strict").exit_code == 0
    coarser = dated.replace("    date: 2025-01-06\n", "    date: 2025-01\n")
    assert check(planted(coarser), "--strict").exit_code == 0
    made_up = dated.replace("    date: 2025-01-06\n", "    date: 2031-05-05\n").replace(
        "bottom_line: Acme will", "bottom_line: On May 5, 2031 Acme will"
    )
    result = check(planted(made_up))
    assert result.exit_code == 1
    bottom = "bottom_line: On May 5, 2031 Acme will cut 1,200 jobs, about 8% of its staff."
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(made_up, bottom)}: bottom_line: date 'May 5, 2031' is not in "
        "the source",
        f"{BRIEF_PATH}:{line_of(made_up, '    date: 2031-05-05')}: actions[0].date: 2031-05-05 "
        "is not a date the source gives (as written, or read against 2025-01-06, the story's "
        "date)",
    ]


def test_words_in_quotation_marks_and_numbers_in_every_prose_field_are_proved(planted):
    """Prose may quote the source only word for word; a party's stance and role and a quote's
    channel are prose too: a number there must be in the source."""
    quoting = PROVEN.replace(
        "bottom_line: Acme will", 'bottom_line: \'Jane Roe said "We have to act now". Acme will'
    ).replace("of its staff.", "of its staff.'", 1)
    assert check(planted(quoting), "--strict").exit_code == 0
    made_up = quoting.replace('"We have to act now"', "\u201cWe must act at once\u201d")
    stance = made_up.replace(
        "    role: Chief executive of Acme\n",
        "    role: Chief executive of Acme\n    stance: Wants a 99% cut by 2031.\n",
    )
    result = check(planted(stance))
    assert result.exit_code == 1
    lines = findings(result)
    assert any(
        line.endswith("bottom_line: quotation 'We must act at once' is not in the source, "
        "word for word") for line in lines
    ), lines  # fmt: skip
    assert any(
        line.endswith("parties[1].stance: number '99%' is not in the source") for line in lines
    )
    assert any(
        line.endswith("parties[1].stance: date '2031' is not in the source") for line in lines
    )


def test_evidence_found_after_normalising_quotes_dashes_and_space(planted):
    source = MINIMAL_SOURCE.replace(
        '"We have to act now,"', "\u201cWe have to act now,\u201d"
    ).replace("about 8% of its workforce", "about 8%\n of its \u2013 workforce")
    digest = hashlib.sha256(source.encode()).hexdigest()
    brief = PROVEN.replace(DIGEST, digest).replace(
        "evidence: about 8% of its workforce", "evidence: about 8% of its - workforce"
    )
    assert check(planted(brief, source), "--strict").exit_code == 0


def test_draft_errors_only_warn_until_strict(planted):
    brief = PROVEN.replace("status: published", "status: draft").replace(
        "bottom_line: Acme will cut 1,200 jobs", "bottom_line: Acme will cut 1,500 jobs"
    )
    project = planted(brief)
    line = line_of(brief, BOTTOM_1500)
    relaxed = check(project)
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines() == [
        f"{BRIEF_PATH}:{line}: bottom_line: warning: number '1,500' is not in the source",
        "Checked 1 brief: no errors, 1 warning.",
    ]
    assert findings(check(project, "--strict")) == [
        f"{BRIEF_PATH}:{line}: bottom_line: number '1,500' is not in the source"
    ]


def test_json_gives_the_same_findings(planted):
    brief = PROVEN.replace("    value: 1200\n", "    value: 12000\n").replace(
        "text: We have to act now", "text: We have to move now"
    )
    project = planted(brief)
    text = check(project)
    as_json = check(project, "--format", "json")
    assert as_json.exit_code == text.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["briefs"] == 1
    lines = [f"{p['path']}:{p['line']}: {p['field']}: {p['message']}" for p in data["problems"]]
    assert lines == findings(text)
    assert {p["severity"] for p in data["problems"]} == {"error"}
    assert len(lines) == 2


def test_a_brief_from_the_load_cache_is_proved_alike(planted, tmp_path):
    brief = PROVEN.replace("status: published", "status: draft").replace(
        "evidence: about 8% of its workforce", "evidence: about 8% of the workforce"
    )
    project = planted(brief)
    cache = LoadCache.open(tmp_path / "cache")
    (fresh,) = load_library(project / "content", cache=cache).bundles
    expected = [p.format() for p in check_bundle(fresh)]
    cache.save()
    (cached,) = load_library(project / "content", cache=LoadCache.open(tmp_path / "cache")).bundles
    assert cached.parsed.data is None  # read back from the cache, not from the YAML
    assert [p.format() for p in check_bundle(cached)] == expected
    assert expected == [
        f"{BRIEF_PATH}:{line_of(brief, '    evidence: about 8% of the workforce')}: "
        "numbers[1].evidence: evidence is not in source.txt "
        '(did you mean: "about 8% of its workforce"?)'
    ]


def test_cache_entries_cut_short_by_a_crash_are_rebuilt(planted, tmp_path):
    """Cache entries are written in place, not atomically: one a crash cut short does not parse
    and is rebuilt; a line map cut short is read again from the brief."""
    brief = PROVEN.replace("evidence: about 8% of its workforce", "evidence: about 8% of staff")
    project = planted(brief)
    cache = LoadCache.open(tmp_path / "cache")
    (fresh,) = load_library(project / "content", cache=cache).bundles
    expected = [p.format() for p in check_bundle(fresh)]
    cache.save()
    entries = sorted(e for e in (tmp_path / "cache").iterdir() if e.suffix in (".json", ".lines"))
    assert [e.suffix for e in entries] == [".json", ".lines"]
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    again = LoadCache.open(tmp_path / "cache")
    (reread,) = load_library(project / "content", cache=again).bundles
    assert reread.parsed.data is not None  # loaded from the YAML again, not from the cut entry
    assert [p.format() for p in check_bundle(reread)] == expected
    again.save()
    (cached,) = load_library(project / "content", cache=LoadCache.open(tmp_path / "cache")).bundles
    assert cached.parsed.data is None  # the entry written again is whole
    assert [p.format() for p in check_bundle(cached)] == expected


def test_a_second_check_proves_from_the_cache_what_did_not_change(
    planted, monkeypatch: pytest.MonkeyPatch
):
    """`brief check` keeps what it proved in the build's cache: a brief whose files did not
    change is not read, validated and proved again, and gives the same lines; one that changed
    is proved anew."""
    from generator import check as check_module
    from generator import content

    monkeypatch.setattr(content, "SETTLED_NS", -(10**12))  # these files were written just now
    project = planted(PROVEN.replace("bottom_line: ", "bottom_line: In 2031, ", 1))
    first = check(project)
    assert first.exit_code == 1 and "date '2031' is not in the source" in first.output
    for memo in (content._MEMO, content._DIGESTS, content._SEEDED, content._KEPT):
        memo.clear()  # a new process
    proved: list[str] = []
    real = check_module.check_bundle

    def spy(bundle: object) -> object:
        proved.append(str(bundle))
        return real(bundle)  # type: ignore[arg-type]

    monkeypatch.setattr(check_module, "check_bundle", spy)
    again = check(project)
    assert (again.exit_code, again.output) == (first.exit_code, first.output)
    assert proved == []
    brief = project / BRIEF_PATH
    brief.write_text(brief.read_text().replace("In 2031, ", "In 2032, "))
    edited = check(project)
    assert "2032" in edited.output and len(proved) == 1, edited.output


def test_a_project_whose_cache_cannot_be_written_is_checked_all_the_same(
    planted, monkeypatch: pytest.MonkeyPatch
):
    from generator import cache, content

    def refuse(*_: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(cache, "write_bytes", refuse)
    monkeypatch.setattr(content, "write_bytes", refuse)
    monkeypatch.setattr(cache.LoadCache, "write", lambda self: refuse())
    result = check(planted(), "--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 1 brief: no errors.\n"


def test_a_date_in_prose_says_no_more_than_the_date_that_grounds_it():
    from generator.check import _no_finer

    assert _no_finer("2025-03", "2025-03-20")  # "March 2025" for a day in it
    assert _no_finer("2025-03-20", "2025-03-20")
    assert _no_finer("--03-20", "2025-03-20")  # "March 20", the year left out
    assert not _no_finer("2025-03-20", "2025-03")  # a day the month does not give
    assert not _no_finer("2025-03-21", "2025-03-20")
    assert not _no_finer("--03-21", "2025-03-20")


def test_qualifiers_that_bound_from_opposite_sides_do_not_match():
    from generator.check import _opposed

    assert _opposed("more_than", "less_than") and _opposed("up_to", "at_least")
    assert not _opposed("more_than", "at_least") and not _opposed("approx", "less_than")


def test_a_second_value_must_be_in_the_figures_words(planted):
    brief = PROVEN.replace("    qualifier: approx\n", "    qualifier: approx\n    value_high: 9\n")
    result = check(planted(brief))
    assert findings(result) == [
        f"{BRIEF_PATH}:{line_of(brief, '    value_high: 9')}: numbers[1].value_high: "
        "'about 8%' gives no second value"
    ]


@pytest.mark.parametrize(
    ("point", "ok"),
    [
        ("Acme said so on Monday.", True),  # the source's own word
        ("The cuts were announced in January.", True),  # the month of the story's date
        ("Acme said so on Tuesday.", False),
        ("The cuts start in October.", False),
        ("Staff may leave in May.", False),  # "may" the verb is no month; "May" is
    ],
)
def test_a_month_or_weekday_in_prose_must_be_the_sources(planted, point, ok):
    brief = PROVEN.replace("parties:\n", f"key_points:\n  - {point}\nparties:\n", 1)
    result = check(planted(brief), "--strict")
    assert (result.exit_code == 0) is ok, result.output
    if not ok:
        word = point.split()[-1].rstrip(".")
        assert findings(result) == [
            f"{BRIEF_PATH}:{line_of(brief, f'  - {point}')}: key_points[0]: {word!r} is not in "
            "the source, nor the day or month of a date it gives"
        ]
