"""The pages across briefs, rendered from the Calder library with a fixed 'today'."""

from __future__ import annotations

import datetime as dt
import re

from generator.content import load_library
from generator.render import render_pages

from .site_fixtures import LIBRARY, TODAY, pages_by_path


def dates_in_order(lines: list[str]) -> list[dt.date]:
    """The bold day dates of list lines (`- **4 April 2025**: ...`), in page order."""
    found = []
    for line in lines:
        match = re.match(r"- (?:<span[^>]*>[^<]*</span> )?\*\*(\d{1,2} \w+ \d{4})", line)
        if match:
            found.append(dt.datetime.strptime(match.group(1), "%d %B %Y").date())
    return found


def section(text: str, heading: str) -> list[str]:
    """The lines under `## heading`, up to the next heading."""
    lines = text.splitlines()
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_every_page_is_rendered(calder_library):
    pages = pages_by_path(calder_library)
    for path in [
        "index.md",
        "timeline.md",
        "watch.md",
        "numbers.md",
        "parties/index.md",
        "parties/hwu.md",
        "parties/blue-gull.md",
        "topics/index.md",
        "topics/labour.md",
        "archive/index.md",
        "archive/2025-02.md",
        "feed.xml",
        "api/briefs.json",
        "api/schema.json",
        "api/briefs/2025-04-08-calder-deal.json",
        "briefs/2025-04-08-calder-deal.md",
    ]:
        assert path in pages, path
    # One page per canonical party: the union's two ids make one page.
    assert "parties/union.md" not in pages


def test_party_page_lists_briefs_and_actions_in_date_order(calder_library):
    text = pages_by_path(calder_library)["parties/hwu.md"].text
    assert text.startswith("---\n")
    assert "# Harbour Workers Union" in text
    assert "The dockworkers&#39; union at the Port of Calder" in text
    briefs = section(text, "Briefs")
    assert len(briefs) == 5
    assert briefs[0].startswith("- 8 April 2025: [Calder dockworkers accept deal")
    assert briefs[-1].startswith("- 10 January 2025: [Calder dockworkers vote to strike")
    actions = section(text, "Actions over time")
    assert dates_in_order(actions) == sorted(dates_in_order(actions))
    assert len(actions) == 4
    # The action written under the brief's own id `union` is on the canonical page.
    assert any("rejected a 3&#46;5&#37; pay offer" in line for line in actions)
    figures = section(text, "Figures")
    assert any(line.startswith("| 87&#37; | share of voting members in favour") for line in figures)


def test_party_page_shows_quotes_and_undated_actions_last(calder_library):
    text = pages_by_path(calder_library)["parties/okafor.md"].text
    assert "“We will come to the table in good faith”" in text
    assert "“Our members have carried this port through two hard winters”" in text
    reyes = pages_by_path(calder_library)["parties/reyes.md"].text
    assert "*Person* · Mayor of Calder" in reyes
    assert "**Also called:** Mayor Ana Reyes, Reyes, Mayor Reyes" in reyes


def test_parties_index_groups_by_kind(calder_library):
    text = pages_by_path(calder_library)["parties/index.md"].text
    assert text.index("## People") < text.index("## Organisations")
    people = section(text, "People")
    assert [re.match(r"- \[([^\]]+)\]", line).group(1) for line in people] == [
        "Ana Reyes",
        "Helen Park",
        "Tom Okafor",
    ]
    assert "- [Harbour Workers Union](../parties/hwu.md): The dockworkers&#39; union" in text
    assert "· 5 briefs" in text


def test_timeline_lists_every_dated_event_in_order_with_a_chart(calder_library):
    text = pages_by_path(calder_library)["timeline.md"].text
    items = [line for line in text.splitlines() if line.startswith("- **")]
    dated_actions = sum(1 for b in calder_library.briefs for a in b.actions if a.date)
    dated_outlook = sum(1 for b in calder_library.briefs for o in b.outlook if o.when)
    assert len(items) == dated_actions + dated_outlook
    keys = []
    for line in items:
        raw = re.match(r"- \*\*([^*]+)\*\*", line).group(1)
        parsed = None
        for fmt, width in (("%d %B %Y", "day"), ("%B %Y", "month"), ("%Y", "year")):
            try:
                parsed = (dt.datetime.strptime(raw, fmt).date(), width != "day")
                break
            except ValueError:
                continue
        assert parsed is not None, raw
        keys.append((parsed[0], not parsed[1]))
    assert keys == sorted(keys)
    assert all("](briefs/" in line for line in items)
    svg = re.search(r'<div class="brief-timeline" markdown="0">(<svg .*</svg>)</div>', text)
    assert svg is not None
    import xml.etree.ElementTree as ET

    chart = ET.fromstring(svg.group(1))
    marks = [el for el in chart.iter() if el.tag.endswith(("circle", "rect"))]
    assert len(marks) == len(items)
    assert "http" not in svg.group(1).replace("http://www.w3.org/2000/svg", "")


def test_watch_flags_past_items_relative_to_today(calder_library):
    text = pages_by_path(calder_library, today=TODAY)["watch.md"].text
    assert "As of 20 March 2025." in text
    upcoming = section(text, "Upcoming")
    due = section(text, "Due for follow-up")
    undated = section(text, "No date")
    assert upcoming[0].startswith("- **March 2025**: The mediator meets")  # this month is not over
    assert dates_in_order(upcoming) == sorted(dates_in_order(upcoming))
    assert all(dt.date(2025, 3, 20) <= d for d in dates_in_order(upcoming))
    assert [d.isoformat() for d in dates_in_order(due)] == [
        "2025-02-01",
        "2025-02-10",
        "2025-03-01",
    ]
    assert all("Due for follow-up" in line for line in due)
    assert not any("Due for follow-up" in line for line in upcoming)
    assert undated == [line for line in undated if "when the dispute ends" in line]
    # The draft's item is marked as a draft.
    assert any("May 2025" in line and "**(draft)**" in line for line in upcoming)
    later = pages_by_path(calder_library, today=dt.date(2025, 7, 1))["watch.md"].text
    assert section(later, "Upcoming") == ["Nothing dated ahead."]


def test_numbers_page_lists_every_figure(calder_library):
    text = pages_by_path(calder_library)["numbers.md"].text
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith(("| As written", "| ---"))
    ]
    assert len(rows) == sum(len(b.numbers) for b in calder_library.briefs)
    row = next(line for line in rows if line.startswith("| &#36;4&#46;8 million"))
    assert "daily cost of the stoppage" in row
    assert "4,800,000 USD" in row
    assert "[Calder Port Authority](parties/port-authority.md)" in row
    assert "[Strike shuts the Port of Calder](briefs/2025-02-03-calder-port-shut.md)" in row


def test_topics_and_archive(calder_library):
    pages = pages_by_path(calder_library)
    topics = pages["topics/index.md"].text
    assert "- [labour](../topics/labour.md) · 5 briefs" in topics
    shipping = pages["topics/shipping.md"].text
    assert (
        "[Blue Gull Lines weighs a return to Calder]"
        "(../briefs/2025-04-20-blue-gull-review.md) **(draft)**" in shipping
    )
    archive = pages["archive/index.md"].text
    months = re.findall(r"- \[(\w+ \d{4})\]\(../archive/(\d{4}-\d{2})\.md\)", archive)
    assert [m[1] for m in months] == ["2025-04", "2025-03", "2025-02", "2025-01"]
    february = pages["archive/2025-02.md"].text
    assert february.index("20 February 2025") < february.index("3 February 2025")


def test_brief_page_links_to_parties_topics_timeline_and_related(calder_library):
    text = pages_by_path(calder_library)["briefs/2025-02-20-calder-talks-collapse.md"].text
    across = text[text.index("## Across the briefings") :]
    # The brief's own id `union` links to the canonical party page.
    assert "[Harbour Workers Union](../parties/hwu.md)" in across
    assert "[shipping](../topics/shipping.md)" in across
    assert "[Timeline](../timeline.md)" in across
    related = [line for line in across.splitlines() if line.startswith("- [")]
    assert related[0].endswith("· 3 parties in common")
    assert "2025-02-20-calder-talks-collapse" not in "".join(related)


def test_jsonld_names_parties_about_and_mentions(calder_library):
    import json

    text = pages_by_path(calder_library, site_url="https://briefs.example.org/")[
        "briefs/2025-03-15-calder-mediator.md"
    ].text
    meta = json.loads(text.split("\n")[1])
    doc = json.loads(meta["jsonld"])
    assert doc["@type"] == "NewsArticle"
    assert doc["url"] == "https://briefs.example.org/briefs/2025-03-15-calder-mediator/"
    about = {p["name"] for p in doc["about"]}
    mentions = {p["name"] for p in doc["mentions"]}
    assert {"Regional government", "Helen Park", "Tom Okafor"} <= about
    assert {"Harbour Workers Union", "Blue Gull Lines"} <= mentions
    assert next(p for p in doc["about"] if p["name"] == "Helen Park")["@type"] == "Person"


def test_drafts_only_with_drafts():
    published = {
        p.path for p in render_pages(load_library(LIBRARY, drafts=False), None, "x", today=TODAY)
    }
    assert "briefs/2025-04-20-blue-gull-review.md" not in published
    home = next(
        p
        for p in render_pages(load_library(LIBRARY, drafts=False), None, "x")
        if p.path == "index.md"
    )
    assert "Blue Gull Lines weighs" not in home.text


def test_feed_links_are_absolute_with_a_site_url(calder_library):
    import xml.etree.ElementTree as ET

    pages = pages_by_path(calder_library, site_url="https://briefs.example.org/news/")
    root = ET.fromstring(pages["feed.xml"].text)
    assert root.findtext("./channel/link") == "https://briefs.example.org/news/"
    links = [item.findtext("link") for item in root.findall("./channel/item")]
    assert links[0] == "https://briefs.example.org/news/briefs/2025-04-08-calder-deal/"
    assert len(links) == 5  # the draft is never in the feed, even in a build with drafts
    flat = pages_by_path(calder_library, directory_urls=False)
    first = ET.fromstring(flat["feed.xml"].text).find("./channel/item/link")
    assert first is not None and first.text == "briefs/2025-04-08-calder-deal.html"


def test_registry_names_are_written_on_brief_pages(calder_library):
    text = pages_by_path(calder_library)["briefs/2025-04-08-calder-deal.md"].text
    across = text[text.index("## Across the briefings") :]
    # The registry's names for a party that this brief does not use, for the search to find.
    assert "[Ana Reyes](../parties/reyes.md) (also Reyes, Mayor Reyes)" in across


def test_timeline_chart_stays_bounded_for_a_large_library(tmp_path):
    import shutil

    content = tmp_path / "content"
    source = LIBRARY / "2025-01-10-calder-strike-vote"
    for index in range(45):
        folder = content / f"2025-01-10-vote-{index:02d}"
        shutil.copytree(source, folder)
        brief = folder / "brief.md"
        brief.write_text(
            brief.read_text(encoding="utf-8").replace(
                "date: 2025-01-10", f"date: 2025-01-{10 + index % 18:02d}", 1
            ),
            encoding="utf-8",
        )
    library = load_library(content)
    pages = pages_by_path(library)
    text = pages["timeline.md"].text
    chart = text[text.index("<svg") : text.index("</svg>")]
    assert chart.count("<circle") == 2 * 40  # two dated actions a brief, the latest 40 briefs
    assert "The chart shows the latest 40 of 45 briefs" in text
    # The list is split by month: every event is on its month's page, linked from the index.
    month_pages = [p for path, p in pages.items() if path.startswith("timeline/")]
    assert month_pages and all(f"(timeline/{p.path[9:]})" in text for p in month_pages)
    listed = sum(1 for p in month_pages for line in p.text.splitlines() if line.startswith("- **"))
    assert listed == 45 * 3


def test_an_edit_to_one_brief_reaches_the_pages_across_briefs(calder_project):
    from generator.build import build_project

    first = build_project(calder_project)
    assert first.mode == "full"
    deal = calder_project / "content" / "2025-04-08-calder-deal" / "brief.md"
    text = deal.read_text(encoding="utf-8")
    deal.write_text(
        text.replace(
            "title: Calder dockworkers accept deal, ending the strike",
            "title: Calder strike ends with a deal",
        ),
        encoding="utf-8",
    )
    second = build_project(calder_project)
    assert second.mode == "incremental"
    site = calder_project / "site"
    # Another brief's related list, a party page, the timeline and the feed all show the new title.
    for page in [
        "briefs/2025-03-15-calder-mediator/index.html",
        "parties/hwu/index.html",
        "timeline/index.html",
        "feed.xml",
    ]:
        assert "Calder strike ends with a deal" in (site / page).read_text(encoding="utf-8"), page


def test_a_brief_before_the_year_1000_is_listed_under_its_four_digit_month(make_project):
    """Months are read from the ISO date everywhere: the months of briefs and of their actions
    agree, and none is named with three digits."""
    from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE

    files: dict[str, str | bytes] = {}
    for n, date in enumerate(("0999-01-06", "2025-01-06", "2025-02-06", "2025-03-06")):
        brief = MINIMAL_BRIEF.replace("date: 2025-01-06", f"date: {date}")
        brief = brief.replace("title: Acme to cut 1,200 jobs", f"title: Acme story {n}")
        files[f"content/story-{n}/brief.md"] = brief
        files[f"content/story-{n}/source.txt"] = MINIMAL_SOURCE
    project = make_project(files)
    paths = [p.path for p in render_pages(load_library(project / "content"), None, "x")]
    assert [p for p in paths if re.search(r"(?<!\d)\d{3}-\d{2}\.md$", p)] == []
    assert any(p.endswith("/0999-01.md") for p in paths), paths
