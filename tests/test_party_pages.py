"""Party pages stay bounded: the latest months on the party's page, older months on their own."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from generator.content import load_library
from generator.pages import RECENT_ITEMS
from generator.render import Page, render_pages

from .site_fixtures import TODAY, pages_by_path
from .test_pages import dates_in_order, section

SOURCE = """\
Acme Corp said it would close plant {code}, where 1,200 jobs are at stake.

Union leader Jane Roe demanded that plant {code} stay open.

Acme Corp also promised to retrain the staff of plant {code}.

"Plant {code} stays open," Jane Roe told reporters.
"""

BRIEF = """\
---
title: Acme closes plant {code}
date: {date}
status: published
bottom_line: Acme Corp will close plant {code}; the union wants it open.
parties:
  - id: acme
    name: Acme Corp
    kind: organization
    evidence: Acme Corp
  - id: roe
    name: Jane Roe
    kind: person
    role: Union leader
    evidence: Union leader Jane Roe
actions:
  - actor: acme
    action: will close plant {code}
    date: {date}
    status: announced
    evidence: Acme Corp said it would close plant {code}
  - actor: roe
    action: demanded that plant {code} stay open
    target: acme
    status: taken
    evidence: Jane Roe demanded that plant {code} stay open
{extra}numbers:
  - as_written: "1,200"
    kind: count
    value: 1200
    unit: jobs
    measures: jobs at plant {code}
    party: acme
    evidence: 1,200 jobs are at stake
quotes:
  - speaker: roe
    text: Plant {code} stays open
    channel: reporters
    evidence: '"Plant {code} stays open," Jane Roe told reporters.'
tags: [plants]
---
"""

# Every other brief has an undated action of Acme's: undated actions go last on their page.
UNDATED = """\
  - actor: acme
    action: promised to retrain the staff of plant {code}
    status: announced
    evidence: Acme Corp also promised to retrain the staff of plant {code}
"""

MONTHS = 8
PER_MONTH = 3


def code_of(n: int) -> str:
    """A name for brief n's plant, in letters: numbers in a brief must be in its source."""
    return "Kestrel " + chr(ord("a") + n // 26) + chr(ord("a") + n % 26)


def date_of(n: int) -> dt.date:
    month = n // PER_MONTH
    return dt.date(2024 + month // 12, month % 12 + 1, 3 + 9 * (n % PER_MONTH))


def write_brief(content: Path, n: int, date: dt.date | None = None) -> Path:
    code, day = code_of(n), date or date_of(n)
    folder = content / f"{day.isoformat()}-plant-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    extra = UNDATED.format(code=code) if n % 2 else ""
    (folder / "brief.md").write_text(
        BRIEF.format(code=code, date=day.isoformat(), extra=extra), encoding="utf-8"
    )
    (folder / "source.txt").write_text(SOURCE.format(code=code), encoding="utf-8")
    return folder


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Acme and Jane Roe in three briefs a month for eight months."""
    content = tmp_path / "content"
    for n in range(MONTHS * PER_MONTH):
        write_brief(content, n)
    return content


def render(content: Path, known: dict[str, str] | None = None) -> dict[str, Page]:
    pages = render_pages(load_library(content), None, "Plants", known, today=TODAY)
    return {page.path: page for page in pages}


def party_pages(pages: dict[str, Page], party: str) -> dict[str, str]:
    """The party's page and its month pages, by path."""
    return {
        path: page.text or ""
        for path, page in pages.items()
        if path == f"parties/{party}.md" or path.startswith(f"parties/{party}/")
    }


def titles(lines: list[str]) -> list[str]:
    return [m for line in lines for m in re.findall(r"\[(Acme closes plant [^\]]+)\]", line)]


def items_on(text: str) -> int:
    """How many briefs, actions, quotes and figures a party page shows."""
    count = 0
    for heading in ("Briefs", "Actions over time", "Actions aimed at Acme Corp", "Quotes"):
        if f"## {heading}" in text:
            count += len(
                [line for line in section(text, heading) if line.startswith(("- ", "> “"))]
            )
    if "## Figures" in text:
        rows = [line for line in section(text, "Figures") if line.startswith("| ")]
        count += len(rows) - 2  # the table's head and rule
    return count


def test_a_busy_party_has_a_bounded_page_and_month_pages_holding_the_rest(content: Path):
    pages = render(content)
    acme = party_pages(pages, "acme")
    main = acme.pop("parties/acme.md")
    # Four or five items a brief, three briefs a month: the page holds the latest whole months.
    assert RECENT_ITEMS - 15 < items_on(main) <= RECENT_ITEMS  # a month holds 13 or 14 items
    assert len(acme) >= 2
    assert re.search(r"\*Since \w+ \d{4}; earlier months are listed", main)
    on_main = set(titles(section(main, "Briefs")))
    main_months = {
        date_of(n).strftime("%Y-%m")
        for n in range(MONTHS * PER_MONTH)
        if f"Acme closes plant {code_of(n)}" in on_main
    }
    page_months = {path.removeprefix("parties/acme/").removesuffix(".md") for path in acme}
    assert not main_months & page_months
    assert max(page_months) < min(main_months)
    assert len(main_months) + len(page_months) == MONTHS
    # The party's page lists the older months, newest first, with links to their pages.
    earlier = [line for line in section(main, "Earlier months") if line.startswith("- ")]
    assert [
        re.search(r"\(\.\./parties/acme/(\d{4}-\d{2})\.md\)", line).group(1) for line in earlier
    ] == sorted(page_months, reverse=True)
    assert all(line.endswith(f": {PER_MONTH} briefs") for line in earlier)
    for path, text in acme.items():
        month = path.removeprefix("parties/acme/").removesuffix(".md")
        assert text.startswith("---\n")
        assert f"# Acme Corp: {dt.date.fromisoformat(month + '-01'):%B %Y}" in text
        assert "[Latest on Acme Corp](../../parties/acme.md)" in text
        # A month page shows that month's briefs only, and every list of the party page.
        shown = titles(section(text, "Briefs"))
        assert shown and all(
            date_of(n).strftime("%Y-%m") == month for n in range(MONTHS * PER_MONTH)
            if f"Acme closes plant {code_of(n)}" in shown
        )  # fmt: skip
        for heading in ("Actions over time", "Actions aimed at Acme Corp", "Figures"):
            assert section(text, heading)


def test_every_item_is_on_exactly_one_page(content: Path):
    pages = render(content)
    everything = {f"Acme closes plant {code_of(n)}" for n in range(MONTHS * PER_MONTH)}
    for party, headings in {
        "acme": ("Briefs", "Actions over time", "Actions aimed at Acme Corp", "Figures"),
        "roe": ("Briefs", "Actions over time", "Quotes"),
    }.items():
        texts = party_pages(pages, party).values()
        assert len(texts) > 1, party
        for heading in headings:
            seen = Counter(t for text in texts for t in titles(section(text, heading)))
            if heading == "Actions over time" and party == "acme":
                # Acme acts twice in every other brief: a dated action and an undated one.
                expected = Counter(
                    {
                        f"Acme closes plant {code_of(n)}": 1 + n % 2
                        for n in range(MONTHS * PER_MONTH)
                    }
                )
                assert seen == expected, heading
            else:
                assert seen == Counter(everything), (party, heading)


def test_each_page_keeps_actions_in_date_order_undated_last(content: Path):
    for text in party_pages(render(content), "acme").values():
        actions = section(text, "Actions over time")
        dated = [line for line in actions if not line.startswith("- **Undated**")]
        assert actions[: len(dated)] == dated
        assert len(dated) < len(actions)
        assert dates_in_order(dated) == sorted(dates_in_order(dated))
        briefs = section(text, "Briefs")
        assert dates_in_order([f"- **{line[2:].split(':')[0]}**" for line in briefs]) == sorted(
            dates_in_order([f"- **{line[2:].split(':')[0]}**" for line in briefs]), reverse=True
        )


def test_a_party_with_few_items_has_no_month_pages(calder_library):
    pages = pages_by_path(calder_library)
    parties = [path for path in pages if path.startswith("parties/")]
    assert "parties/hwu.md" in parties
    assert all(path.count("/") == 1 for path in parties)
    assert "Earlier months" not in pages["parties/hwu.md"].text
    assert "*Since" not in pages["parties/hwu.md"].text


def test_few_briefs_of_a_busy_library_stay_on_one_page(tmp_path: Path):
    content = tmp_path / "content"
    for n in range(4):
        write_brief(content, n * PER_MONTH)  # one brief a month for four months
    acme = party_pages(render(content), "acme")
    assert list(acme) == ["parties/acme.md"]
    assert len(titles(section(acme["parties/acme.md"], "Briefs"))) == 4


def rendered(pages: dict[str, Page]) -> set[str]:
    """The party pages rendered again (the parties index counts every brief: always)."""
    return {
        path
        for path, page in pages.items()
        if page.text is not None and path.startswith("parties/") and path != "parties/index.md"
    }


def edit_title(content: Path, n: int) -> None:
    brief = next(content.glob(f"*-plant-{n}")) / "brief.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(re.sub(r"^(title: .*)$", r"\1, again", text, count=1, flags=re.M), "utf-8")


def test_an_edit_re_renders_only_the_party_pages_that_show_the_brief(content: Path):
    first = render(content)
    known = {path: page.key for path, page in first.items()}
    # The oldest brief is on its month's pages, not on the parties' own pages.
    edit_title(content, 0)
    second = render(content, known)
    month = date_of(0).strftime("%Y-%m")
    assert rendered(second) == {
        f"parties/acme/{month}.md",
        f"parties/roe/{month}.md",
    }
    assert f"Acme closes plant {code_of(0)}, again" in (
        second[f"parties/acme/{month}.md"].text or ""
    )
    # The newest brief is on the parties' own pages.
    known = {path: page.key for path, page in second.items()}
    edit_title(content, MONTHS * PER_MONTH - 1)
    third = render(content, known)
    assert rendered(third) == {"parties/acme.md", "parties/roe.md"}
    # Rendered again from nothing, every page is the same as the pages the edits re-rendered.
    clean = render(content)
    merged = {path: (third[path].text or second[path].text or first[path].text) for path in clean}
    assert merged == {path: page.text for path, page in clean.items()}


def test_a_brief_added_to_an_old_month_updates_its_page_and_the_month_list(content: Path):
    first = render(content)
    known = {path: page.key for path, page in first.items()}
    old = date_of(0)
    write_brief(content, 99, old + dt.timedelta(days=1))
    second = render(content, known)
    month = old.strftime("%Y-%m")
    acme = {p for p in rendered(second) if p.startswith("parties/acme")}
    # The month's page shows the new brief; the party's page counts the month's briefs anew.
    assert acme == {"parties/acme.md", f"parties/acme/{month}.md"}
    main = second["parties/acme.md"].text or ""
    assert any(
        f"(../parties/acme/{month}.md): {PER_MONTH + 1} briefs" in line
        for line in section(main, "Earlier months")
    )


def test_a_change_to_the_party_index_re_renders_the_month_pages(content: Path):
    first = render(content)
    known = {path: page.key for path, page in first.items()}
    # The registry gives Jane Roe another id: Acme's month pages link her actions to it.
    (content / "parties.yaml").write_text(
        "parties:\n  - id: jane-roe\n    name: Jane Roe\n    kind: person\n    aliases: [roe]\n",
        encoding="utf-8",
    )
    second = render(content, known)
    months = [path for path in second if path.startswith("parties/acme/")]
    assert months
    for path in months:
        assert second[path].text is not None, path
        assert "(../../parties/jane-roe.md)" in second[path].text
    assert any(path.startswith("parties/jane-roe/") for path in second)
    assert not any(path.startswith("parties/roe") for path in second)


def test_each_party_page_names_as_sources_exactly_the_briefs_it_shows(content: Path):
    pages = render(content)
    for party in ("acme", "roe"):
        for path in party_pages(pages, party):
            text = pages[path].text or ""
            linked = set(re.findall(r"\(\.\./(?:\.\./)?briefs/([^)]+)\.md\)", text))
            listed = {
                re.search(r"briefs/([^)]+)\.md", line).group(1)  # type: ignore[union-attr]
                for line in section(text, "Briefs")
                if line.startswith("- ")
            }
            assert pages[path].sources == linked == listed, path


def test_a_brief_added_to_the_latest_month_leaves_the_month_pages_alone(content: Path):
    first = render(content)
    known = {path: page.key for path, page in first.items()}
    write_brief(content, 98, date_of(MONTHS * PER_MONTH - 1) + dt.timedelta(days=1))
    second = render(content, known)
    assert rendered(second) == {"parties/acme.md", "parties/roe.md"}


def test_a_new_role_re_renders_every_page_of_its_party_only(content: Path):
    first = render(content)
    known = {path: page.key for path, page in first.items()}
    # The latest brief's role of a party not in a registry is the party's description.
    newest = next(content.glob(f"*-plant-{MONTHS * PER_MONTH - 1}")) / "brief.md"
    text = newest.read_text(encoding="utf-8")
    newest.write_text(text.replace("role: Union leader", "role: Union chair"), encoding="utf-8")
    second = render(content, known)
    roe = set(party_pages(second, "roe"))
    assert len(roe) > 1
    assert rendered(second) == roe | {"parties/acme.md"}
    assert all("*Person* · Union chair" in (second[path].text or "") for path in roe)


def test_a_template_override_re_renders_the_party_pages(content: Path):
    project = content.parent
    first = render_pages(load_library(content), project, "Plants", today=TODAY)
    known = {page.path: page.key for page in first}
    default = Path(__file__).resolve().parent.parent / "templates" / "party_items.md.j2"
    (project / "templates").mkdir()
    (project / "templates" / "party_items.md.j2").write_text(
        "Told by our plants desk.\n\n" + default.read_text(encoding="utf-8"), encoding="utf-8"
    )
    second = render_pages(load_library(content), project, "Plants", known, today=TODAY)
    pages = {page.path: page for page in second}
    acme = party_pages(pages, "acme")
    assert len(acme) > 1
    assert all("Told by our plants desk." in text for text in acme.values())


def test_month_pages_build_into_the_site_and_link_both_ways(content: Path):
    from generator.build import build_project

    project = content.parent
    (project / "mkdocs.yml").write_text(
        "site_name: Plants\ntheme:\n  name: material\nplugins:\n  - search\n", encoding="utf-8"
    )
    result = build_project(project)
    assert not [w for w in result.warnings if "parties" in w.message]
    site = project / "site"
    months = sorted((site / "parties" / "acme").glob("20*-*/index.html"))
    assert len(months) >= 2
    main = (site / "parties" / "acme" / "index.html").read_text(encoding="utf-8")
    for month in months:
        assert f'href="{month.parent.name}/"' in main
        assert 'href="../"' in month.read_text(encoding="utf-8")  # back to the party's page


HOSTILE_NAME = "<script>alert(1)</script> [x](javascript:alert(2)) *a* `b` # c"


def test_a_hostile_party_name_stays_text_on_its_month_pages(content: Path):
    import html
    import json

    import markdown

    (content / "parties.yaml").write_text(
        "parties:\n  - id: acme\n    name: " + json.dumps(HOSTILE_NAME) + "\n"
        "    kind: organization\n    aliases: [Acme Corp]\n",
        encoding="utf-8",
    )
    acme = party_pages(render(content), "acme")
    assert len(acme) > 1
    for path, text in acme.items():
        front, body = text.split("\n---\n", 1)
        assert "<" not in json.loads(front.removeprefix("---\n"))["title"], path
        out = markdown.markdown(body, extensions=["tables", "md_in_html", "attr_list", "toc"])
        assert "<script" not in out and 'href="javascript' not in out, path
        assert "<em>a</em>" not in out and "<code>b</code>" not in out, path
        # The name is shown, as text, in the page's heading and its link back.
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", out).group(1)  # type: ignore[union-attr]
        assert html.unescape(heading).startswith(HOSTILE_NAME), path
        if path != "parties/acme.md":
            assert html.unescape(out).count(f"Latest on {HOSTILE_NAME}") == 2, path


def test_related_briefs_come_from_those_nearest_in_time(
    content: Path, monkeypatch: pytest.MonkeyPatch
):
    """A party in many briefs offers the briefs near this one in time, not the whole library."""
    from generator import pages
    from generator.pages import SiteData

    library = load_library(content)
    middle = next(b for b in library.bundles if b.brief.title == f"Acme closes plant {code_of(12)}")

    def related_titles() -> list[str]:
        data = SiteData.build(library, today=TODAY)
        return [
            other.brief.title.removeprefix("Acme closes plant ")
            for other, _ in data.related(middle)
        ]

    everyone = related_titles()  # the window holds every brief: the newest five
    assert everyone == [code_of(n) for n in (23, 22, 21, 20, 19)]
    monkeypatch.setattr(pages, "RELATED_WINDOW", 2)
    assert related_titles() == [code_of(n) for n in (14, 13, 11, 10)]
