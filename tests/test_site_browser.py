"""The built Calder site in headless Chromium: order, flags, search, no errors, no network."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .browser import CHROMIUM, chromium, serve
from .site_fixtures import copy_library

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The five published Calder briefs, built and served on 127.0.0.1."""
    project = copy_library(tmp_path_factory.mktemp("browser") / "calder")
    result = CliRunner().invoke(cli, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with serve(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser, site_url: str):
    """A page that records console errors and aborts (and records) every request off localhost."""
    context = browser.new_context(service_workers="block")
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.outside = []  # type: ignore[attr-defined]
    local = urlsplit(site_url).netloc

    def route(request_route, request) -> None:
        if urlsplit(request.url).netloc == local:
            request_route.continue_()
        else:
            tab.outside.append(request.url)  # type: ignore[attr-defined]
            request_route.abort()

    context.route("**/*", route)
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)  # type: ignore[attr-defined]
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))  # type: ignore[attr-defined]
    yield tab
    assert tab.errors == []  # type: ignore[attr-defined]
    assert tab.outside == []  # type: ignore[attr-defined]
    context.close()


def long_dates(texts: list[str]) -> list[dt.date]:
    found = []
    for text in texts:
        match = re.search(
            r"\b(\d{1,2} "
            r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
            r" \d{4})",
            text,
        )
        if match:
            found.append(dt.datetime.strptime(match.group(1), "%d %B %Y").date())
    return found


def items_under(page, heading: str) -> list[str]:
    """The texts of the list items of the section under the h2 `heading`."""
    return page.evaluate(
        """(heading) => {
            const h = [...document.querySelectorAll('article h2')].find(e => e.textContent.trim() === heading);
            const out = [];
            for (let el = h.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
                if (el.tagName === 'UL') out.push(...[...el.querySelectorAll(':scope > li')].map(li => li.textContent));
            }
            return out;
        }""",  # noqa: E501 (JavaScript source; its lines are part of the string)
        heading,
    )


def test_home_lists_briefs_newest_first(page, site_url: str):
    page.goto(site_url)
    titles = page.locator("article h2 a:not(.headerlink)").all_inner_texts()
    assert titles == [
        "Calder dockworkers accept deal, ending the strike",
        "Mediator named in the Calder port strike",
        "Calder port talks collapse as shipping lines divert",
        "Strike shuts the Port of Calder",
        "Calder dockworkers vote to strike over pay",
    ]
    # The nav holds the sections only, never one entry per brief.
    sections = page.locator(".md-nav--primary > .md-nav__list > .md-nav__item").all_inner_texts()
    assert [s.split("\n")[0].strip() for s in sections] == [
        "Home", "Timeline", "What to watch", "By the numbers", "Parties", "Topics", "Archive",
    ]  # fmt: skip


def test_party_page_lists_briefs_and_actions_in_date_order(page, site_url: str):
    page.goto(site_url + "parties/hwu/")
    assert page.locator("article h1").inner_text() == "Harbour Workers Union"
    briefs = items_under(page, "Briefs")
    assert len(briefs) == 5
    assert long_dates(briefs) == sorted(long_dates(briefs), reverse=True)
    actions = items_under(page, "Actions over time")
    dates = long_dates(actions)
    assert len(dates) == 4 and dates == sorted(dates)
    page.get_by_role(
        "link", name="Calder port talks collapse as shipping lines divert"
    ).first.click()
    page.wait_for_url(re.compile(r"/briefs/2025-02-20-calder-talks-collapse/$"))


def test_timeline_is_in_date_order_and_drawn(page, site_url: str):
    page.goto(site_url + "timeline/")
    events = page.locator("article ul > li").all_inner_texts()
    dates = long_dates(events)
    assert len(dates) >= 15 and dates == sorted(dates)
    chart = page.locator("article svg.brief-timeline-chart")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("article svg.brief-timeline-chart circle").count() > 10


def test_watch_flags_a_past_due_item(page, site_url: str):
    page.goto(site_url + "watch/")
    due = items_under(page, "Due for follow-up")
    assert any(
        item.startswith("Due for follow-up 10 February 2025: Talks between the union")
        for item in due
    ), due
    assert page.locator("article .brief-due").count() == len(due)


def search(page, site_url: str, query: str) -> list[str]:
    """Type `query` into Material's search box; return the result links."""
    page.goto(site_url)
    page.wait_for_load_state("networkidle")  # the search index is loaded by then
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    return [href for href in results.evaluate_all("links => links.map(a => a.href)")]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("BGL", "2025-02-20-calder-talks-collapse"),  # an alias, written in one brief only
        ("Mayor Reyes", "2025-04-08-calder-deal"),  # an alias the registry knows, no brief uses
        ("$4.8 million", "2025-02-03-calder-port-shut"),  # a figure as written
        ("mediation", "2025-03-15-calder-mediator"),  # a topic
        ("Northhaven diverting", "2025-02-20-calder-talks-collapse"),  # words of a bottom line
    ],
)
def test_search_finds_the_brief(page, site_url: str, query: str, slug: str):
    hrefs = search(page, site_url, query)
    assert any(href.endswith(f"/briefs/{slug}/") for href in hrefs), hrefs
