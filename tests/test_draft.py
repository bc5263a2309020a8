"""`brief draft`: a grounded first draft, every item tied to the exact words of the article."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_brief, source_digest
from generator.draft import draft_brief, render_brief_file, write_bundle
from generator.errors import BriefError
from generator.frontmatter import parse_yaml, split_front_matter
from generator.schema import Brief, brief_json_schema

REPO = Path(__file__).resolve().parents[1]
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "articles"
SEED_ARTICLE = ARTICLES / "000-trump-carney-call.txt"
needs_articles = pytest.mark.skipif(not SEED_ARTICLE.is_file(), reason="shared articles absent")


def draft_text(
    text: str, published: dt.date = dt.date(2025, 3, 28), title: str | None = None
) -> Brief:
    return draft_brief(text, title=title, published=published, url=None, outlet=None, author=None)


@pytest.fixture
def seed_bundle(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    result = CliRunner().invoke(
        cli, ["draft", str(SEED_ARTICLE), "--date", "2025-03-28", "--project", str(project)]
    )
    assert result.exit_code == 0, result.output
    bundle = Path(result.output.strip())
    assert bundle.parent == project / "content"
    return bundle


@needs_articles
def test_seed_article_drafts_all_eight_numbers(seed_bundle):
    bundle, problems = load_brief(seed_bundle / "brief.md")
    assert bundle is not None, problems
    brief = bundle.brief
    written = {f.as_written: f for f in brief.numbers}
    assert set(written) == {
        "25%", "second-largest", "more than 75%", "March 14", "March 27", "51st", "$1.4 billion",
        "April 2",
    }  # fmt: skip
    assert written["more than 75%"].qualifier == "more_than"
    assert written["$1.4 billion"].value == 1_400_000_000
    assert (written["$1.4 billion"].currency, written["$1.4 billion"].currency_basis) == (
        "CAD",
        "context",
    )
    assert written["April 2"].date == "2025-04-02"
    assert written["March 14"].date == "2025-03-14"
    assert written["second-largest"].kind == "rank" and written["second-largest"].value == 2


@needs_articles
def test_seed_article_drafts_the_five_parties_the_quote_the_threat_and_the_meeting(seed_bundle):
    bundle, problems = load_brief(seed_bundle / "brief.md")
    assert bundle is not None, problems
    brief = bundle.brief
    names = {p.name: p for p in brief.parties}
    for name in ("Donald Trump", "Mark Carney", "Canada", "United States", "Pierre Poilievre"):
        assert name in names
    assert (
        names["Mark Carney"].role == "Prime Minister" and "Carney" in names["Mark Carney"].aliases
    )
    assert "Canadian" in names["Canada"].aliases
    trump = names["Donald Trump"].id
    quote = next(q for q in brief.quotes if q.text.startswith("It was a very productive call"))
    assert (quote.speaker, quote.channel) == (trump, "Truth Social")
    threat = next(a for a in brief.actions if "April 2" in a.evidence.text)
    assert (threat.actor, threat.status, threat.date) == (trump, "threatened", "2025-04-02")
    assert any("after Canada's next" in (o.trigger or "") for o in brief.outlook)
    assert brief.status == "draft"
    assert brief.date == dt.date(2025, 3, 28)


@needs_articles
def test_drafted_bundle_passes_brief_check_and_records_the_source_digest(seed_bundle):
    source = (seed_bundle / "source.txt").read_text(encoding="utf-8")
    assert source == SEED_ARTICLE.read_text(encoding="utf-8")
    bundle, _ = load_brief(seed_bundle / "brief.md")
    assert bundle is not None and bundle.brief.source.sha256 == source_digest(source)
    project = seed_bundle.parent.parent
    result = CliRunner().invoke(cli, ["check", "--strict", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "Checked 1 brief: no errors." in result.output


@needs_articles
def test_every_shared_article_drafts_a_bundle_that_checks_clean(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for article in sorted(ARTICLES.glob("*.txt")):
        result = CliRunner().invoke(
            cli, ["draft", str(article), "--date", "2019-05-13", "--project", str(project)]
        )
        assert result.exit_code == 0, (article.name, result.output)
    result = CliRunner().invoke(cli, ["check", "--strict", "--project", str(project)])
    assert result.exit_code == 0, result.output


@needs_articles
def test_every_evidence_span_is_an_exact_slice_of_the_source():
    for article in sorted(ARTICLES.glob("*.txt")):
        text = article.read_text(encoding="utf-8")
        brief = draft_text(text, dt.date(2020, 1, 1))
        spans = [p.evidence for p in brief.parties] + [f.evidence for f in brief.numbers]
        spans += [a.evidence for a in brief.actions] + [q.evidence for q in brief.quotes]
        spans += [o.evidence for o in brief.outlook if o.evidence]
        for span in spans:
            assert span is not None and span.start is not None and span.end is not None
            assert text[span.start : span.end] == span.text, article.name
        for figure in brief.numbers:
            assert figure.as_written in figure.evidence.text


@needs_articles
def test_every_draft_is_a_valid_brief_that_round_trips():
    # Drafting validates once, with the evidence offsets already in the data: the result must
    # still be exactly what validating its own dump gives.
    for article in sorted(ARTICLES.glob("*.txt")):
        brief = draft_text(article.read_text(encoding="utf-8"), dt.date(2020, 1, 1))
        again = Brief.model_validate(brief.model_dump())
        assert again == brief, article.name
        assert again.model_dump_json() == brief.model_dump_json(), article.name
        assert Brief.model_validate_json(brief.model_dump_json()) == brief, article.name


def test_json_output_is_valid_against_the_schema(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "Acme cuts jobs\n\nAcme Corp said on Monday it would cut 1,200 jobs, about 8% of its "
        "workforce, and close two plants by June 30.\n\n\u201cWe have to act now,\u201d chief "
        "executive Jane Roe told reporters.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["draft", str(path), "--date", "2025-01-06", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, brief_json_schema())
    assert data["status"] == "draft"
    assert {n["as_written"] for n in data["numbers"]} >= {"1,200", "about 8%", "June 30"}
    assert next(n for n in data["numbers"] if n["as_written"] == "June 30")["date"] == "2025-06-30"
    assert data["quotes"][0]["speaker"] == "roe" and data["quotes"][0]["channel"] == "reporters"
    assert not (tmp_path / "content").exists()


def test_yaml_output_reads_back_with_the_strict_loader(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "NO\n\nNorway said NO to version 1.10 on 2025-01-06, a 3% cut.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["draft", str(path), "--date", "2025-01-06", "--format", "yaml"]
    )
    assert result.exit_code == 0, result.output
    parsed = parse_yaml(result.output)
    brief = Brief.model_validate(parsed.data)
    assert brief.title == "NO"
    assert "&" not in result.output and "*" not in result.output


def test_an_existing_bundle_is_never_overwritten(tmp_path):
    brief = draft_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", dt.date(2025, 1, 6)
    )
    content = tmp_path / "content"
    first = write_bundle(
        content, brief, "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n"
    )
    (first / "brief.md").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(BriefError, match="already exists"):
        write_bundle(content, brief, "other text")
    assert (first / "brief.md").read_text(encoding="utf-8") == "edited by hand"
    assert (first / "source.txt").read_text(encoding="utf-8").startswith("Acme cuts jobs")


def test_draft_cli_refuses_to_overwrite_and_says_so(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", encoding="utf-8"
    )
    project = tmp_path / "project"
    project.mkdir()
    args = ["draft", str(article), "--date", "2025-01-06", "--project", str(project)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "already exists; nothing was written" in result.output
    assert "Traceback" not in result.output


def test_the_same_article_drafted_under_another_date_gets_a_slug_of_its_own(tmp_path):
    """Drafting again under another date, as the refusal above advises, or another article
    with the same headline, leaves a library that still checks: no two briefs share a slug."""
    article = tmp_path / "a.txt"
    article.write_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", encoding="utf-8"
    )
    project = tmp_path / "project"
    project.mkdir()
    for date in ("2025-01-06", "2025-01-07", "2025-01-08"):
        args = ["draft", str(article), "--date", date, "--project", str(project)]
        assert CliRunner().invoke(cli, args).exit_code == 0
    folders = sorted(p.name for p in (project / "content").iterdir())
    assert folders == [
        "2025-01-06-acme-cuts-jobs",
        "2025-01-07-acme-cuts-jobs-2",
        "2025-01-08-acme-cuts-jobs-3",
    ]
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "28/03/2025"], "--date: expected YYYY-MM-DD"),
        (["--url", "javascript:alert(1)"], "--url"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path, args, message):
    article = tmp_path / "a.txt"
    article.write_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["draft", str(article), *args, "--format", "json"])
    assert result.exit_code == 1 and message in result.output


def test_without_a_date_the_draft_asks_for_one(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Acme cuts jobs\n\nAcme Corp said on Friday it would cut 1,200 jobs.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["draft", str(article), "--format", "json"])
    assert result.exit_code == 1 and "--date" in result.output


def test_binary_input_through_the_cli_is_an_error_not_a_traceback(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(b"\x00\x01\x02binary" * 100)
    result = CliRunner().invoke(cli, ["draft", str(article), "--date", "2025-01-06"])
    assert result.exit_code == 1 and "binary" in result.output and "Traceback" not in result.output


def test_relative_dates_resolve_against_the_publication_date():
    text = (
        "Talks resume\n\n"
        "Acme Corp said on Friday that its talks with Beta Ltd failed a few days ago. "
        "Both sides will meet again on April 2 and again in May 2026.\n"
    )
    brief = draft_text(text, dt.date(2025, 3, 28))
    dates = {a.evidence.text: a.date for a in brief.actions}
    assert "2025-03-28" in dates.values()
    figure = next(f for f in brief.numbers if f.as_written == "April 2")
    assert figure.date == "2025-04-02"
    assert any(o.when == "2025-04-02" for o in brief.outlook)


def _dates(text: str, published: dt.date) -> dict[str, str]:
    from generator.draft.dates import find_dates
    from generator.numbers import find_numbers

    return {d.text: d.value for d in find_dates(text, published, find_numbers(text))}


@pytest.mark.parametrize(
    ("sentence", "published", "written", "value"),
    [
        # The tense of the words beside a date without a year chooses its year.
        ("Stores will close by March 3.", dt.date(2024, 3, 14), "March 3", "2025-03-03"),
        ("Stores closed on March 20.", dt.date(2024, 3, 14), "March 20", "2023-03-20"),
        ("Geldof in July said he was tired.", dt.date(2005, 2, 10), "in July", "2004-07"),
        ("In July, prices rose by a third.", dt.date(2005, 2, 10), "In July", "2004-07"),
        ("Talks will resume in July.", dt.date(2005, 8, 10), "in July", "2006-07"),
        ("In February, prices rose.", dt.date(2005, 2, 10), "In February", "2005-02"),
        # A cue of its own date says nothing of the date beside it.
        (
            "Last month's gains could lead to a rise at its June 13-14 meeting.",
            dt.date(2017, 6, 2),
            "June 13-14",
            "2017-06-13",
        ),
        # "Until" ends a period on either side of the story: the nearest.
        ("He did not call until March 27.", dt.date(2025, 3, 28), "March 27", "2025-03-27"),
        (
            "Leaders had allowed an extension until 12 April.",
            dt.date(2019, 3, 27),
            "12 April",
            "2019-04-12",
        ),
        # With no word of time, the nearest; a tie goes to the past.
        ("The March 20 vote.", dt.date(2024, 3, 14), "March 20", "2024-03-20"),
        # "Last" and "next" months are strictly before and after the story's month.
        ("Last April's report said so.", dt.date(2005, 2, 10), "Last April", "2004-04"),
        ("Last April's report said so.", dt.date(2005, 5, 10), "Last April", "2005-04"),
        ("Last April's report said so.", dt.date(2005, 4, 10), "Last April", "2004-04"),
        ("Next April the rules change.", dt.date(2005, 4, 10), "Next April", "2006-04"),
        # A year written a few words after a month is that month's.
        ("The EU pencilled in April Fools' Day 2020.", dt.date(2019, 3, 27), "in April", "2020-04"),
        ("A report in July of 2019 said so.", dt.date(2024, 1, 5), "in July", "2019-07"),
        # A weekday met in the past, before an event ahead.
        (
            "Leaders met on Saturday ahead of the Oct. 27 election.",
            dt.date(2024, 10, 13),
            "Saturday",
            "2024-10-12",
        ),
        (
            "Leaders met on Saturday ahead of the Oct. 27 election.",
            dt.date(2024, 10, 13),
            "Oct. 27",
            "2024-10-27",
        ),
        ("Leaders will meet on Saturday.", dt.date(2024, 10, 13), "Saturday", "2024-10-19"),
    ],
)
def test_a_date_without_a_year_takes_the_year_its_sentence_says(
    sentence: str, published: dt.date, written: str, value: str
):
    assert _dates(sentence, published)[written] == value


def test_an_action_is_dated_by_its_own_sentence_only():
    text = (
        "Gifts\n\n"
        "On Sunday, Mr Lammy said the gifts were declared. "
        "Acme Corp said sales were strong. Talks resume on Friday.\n\n"
        "Since the 11 September 2001 attacks, Beta Ltd has cut 13,000 jobs.\n\n"
        "Looking ahead to its results to March 2005, Gamma Inc warned that costs rise.\n"
    )
    brief = draft_text(text, dt.date(2024, 9, 16))
    dates = {a.evidence.text.split()[0]: a.date for a in brief.actions}
    assert dates["Mr"] == "2024-09-15"  # "On Sunday": the date its sentence opens with
    assert dates["Acme"] is None  # not Friday, which is the next sentence's
    assert dates["Beta"] is None  # "since" starts a period: not when the jobs were cut
    assert dates["Gamma"] is None  # the results' month, not the warning's


def test_a_dollar_in_a_story_about_another_dollar_country_takes_its_currency():
    text = "Aid\n\nAustralia will spend $2 billion on roads, the Australian government said.\n"
    figure = draft_text(text, dt.date(2025, 1, 6)).numbers[0]
    assert (figure.currency, figure.currency_basis) == ("AUD", "context")
    text = "Aid\n\nThe fund holds \u00a3300m and US$2bn.\n"
    figures = {f.as_written: f for f in draft_text(text, dt.date(2025, 1, 6)).numbers}
    assert (figures["\u00a3300m"].currency, figures["\u00a3300m"].currency_basis) == (
        "GBP",
        "symbol",
    )
    assert figures["US$2bn"].currency == "USD"


def test_negation_is_kept_on_actions():
    text = "Vote\n\nThe Senate did not approve the bill on Tuesday.\n"
    brief = draft_text(text, dt.date(2025, 1, 6))
    senate = next(a for a in brief.actions if a.evidence.text.startswith("Senate"))
    assert senate.negated


def test_bottom_line_and_key_points_are_sentences_of_the_article():
    text = (
        "Acme cuts jobs\n\n"
        "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce.\n\n"
        "The company employs about 15,000 people in 12 countries. Sales fell 4% last year.\n"
    )
    brief = draft_text(text, dt.date(2025, 1, 6))
    assert brief.bottom_line in text
    assert brief.key_points and all(point in text for point in brief.key_points)


def test_the_bottom_line_leaves_out_a_dateline_cut_by_an_abbreviation():
    text = (
        "Campaigns brace\n\n"
        "SPRINGFIELD, Ill. (AP) — After a long summer, the path to the vote for both "
        "campaigns is becoming much clearer.\n"
    )
    brief = draft_text(text, dt.date(2024, 9, 3))
    assert brief.bottom_line.startswith("After a long summer, the path")


def test_a_past_expectation_is_not_outlook():
    text = (
        "Jobs report\n\n"
        "Economists had forecast payrolls rising by 185,000 jobs last month. "
        "The 337,000 new jobs were twice what analysts had expected. "
        "Hiring rose more than expected in the spring. "
        "The central bank will meet again next month to decide on rates.\n"
    )
    outlook = [o.evidence.text for o in draft_text(text, dt.date(2017, 6, 2)).outlook]
    assert outlook == ["The central bank will meet again next month to decide on rates."]


def test_a_figure_belongs_to_the_party_of_its_own_clause_and_not_to_a_later_name():
    text = (
        "Poll\n\n"
        "Anna Bell is the mayor of the city. "
        "She earned up to \u00a3205,000 for a column in the Daily Courier. "
        "About 3 in 10 voters say Anna Bell is honest, while about 2 in 10 say Carl Dunn is.\n"
    )
    parties = {f.as_written: f.party for f in draft_text(text, dt.date(2024, 9, 3)).numbers}
    assert parties["up to \u00a3205,000"] is None  # "She": not the paper named after it
    assert parties["About 3 in 10"] == "bell"
    assert parties["about 2 in 10"] == "dunn"  # not Bell, named before "while"


def test_rendered_brief_file_has_no_body_and_round_trips():
    brief = draft_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", dt.date(2025, 1, 6)
    )
    document = render_brief_file(brief)
    yaml_text, body, _ = split_front_matter(document)
    assert body == ""
    again = Brief.model_validate(parse_yaml(yaml_text).data)
    assert again.model_dump(exclude={"notes"}) == brief.model_copy(update={}).model_dump(
        exclude={"notes"}
    ) | {
        "parties": again.model_dump()["parties"], "numbers": again.model_dump()["numbers"],
        "actions": again.model_dump()["actions"], "quotes": again.model_dump()["quotes"],
        "outlook": again.model_dump()["outlook"],
    }  # fmt: skip


def test_draft_runs_as_a_subprocess(tmp_path):
    import subprocess

    article = tmp_path / "a.txt"
    article.write_text(
        "Acme cuts jobs\n\nAcme Corp said it would cut 1,200 jobs.\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "draft", str(article),
         "--date", "2025-01-06", "--format", "yaml"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert 'as_written: "1,200"' in done.stdout


def test_long_and_run_on_articles_stay_within_the_schema_limits():
    many = (
        "Prices\n\n" + " ".join(f"Lot {n} sold for ${n},{n % 10}00." for n in range(1, 700)) + "\n"
    )
    brief = draft_text(many, dt.date(2025, 1, 6))
    assert 400 <= len(brief.numbers) <= 500
    run_on = "Talks\n\n" + "and the Acme Corp said prices rose 5% " * 3000 + "\n"
    brief = draft_text(run_on, dt.date(2025, 1, 6))
    assert all(len(f.evidence.text) <= 1100 for f in brief.numbers)
    assert len(brief.bottom_line) <= 5000
    document = render_brief_file(brief)
    assert Brief.model_validate(parse_yaml(split_front_matter(document)[0]).data).numbers
