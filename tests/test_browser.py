"""In a real browser: a figure leads to its highlighted span in the source view, and back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .browser import CHROMIUM, chromium, serve
from .conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium"),
]
PAGE = "briefs/2025-03-28-trump-carney-call/"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed site, built with the project's own mkdocs.yml, served on 127.0.0.1."""
    project = tmp_path_factory.mktemp("browser") / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    result = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    with serve(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


def block_network(page, site_url: str) -> list[str]:
    """Refuse every request that leaves the local site; return the list of those refused."""
    refused: list[str] = []

    def route(route) -> None:
        if route.request.url.startswith(site_url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return refused


def in_viewport(locator) -> bool:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight; }"
    )


def test_figure_links_to_its_highlighted_span_and_back(browser, site_url):
    page = browser.new_page()
    external = block_network(page, site_url)
    page.goto(site_url + PAGE)

    figure = page.get_by_role("link", name="$1.4 billion", exact=True)
    figure.click()
    page.wait_for_url("**#src-numbers-6")
    target = page.locator("mark:target")
    assert target.count() == 1
    assert target.get_attribute("id") == "src-numbers-6"
    assert (
        target.inner_text()
        == "introduced a $1.4 billion Strategic Response Fund to save Canadian auto jobs"
    )
    assert "numbers-6" in target.get_attribute("data-items").split()
    assert target.is_visible() and in_viewport(target)
    # The followed span is drawn unlike the spans around it.
    other = page.locator("mark#src-parties-0")
    style = "e => getComputedStyle(e).backgroundColor"
    assert target.evaluate(style) != other.evaluate(style)
    # Every segment of the figure's span is marked active, and nothing else.
    active = page.locator("mark.brief-active")
    assert [m.get_attribute("data-items") for m in active.all()] == ["actions-8 numbers-6"]

    back = page.locator('.brief-source a.brief-back[href="#item-numbers-6"]')
    back.click()
    page.wait_for_url("**#item-numbers-6")
    landed = page.locator(":target")
    assert landed.get_attribute("id") == "item-numbers-6"
    assert landed.inner_text() == "$1.4 billion"
    assert landed.is_visible() and in_viewport(landed)
    # Nothing of the proof leaves the site; only Material's web font is asked for (the project
    # turns it off with `theme.font: false`), and this test refuses it.
    assert all(url.startswith("https://fonts.googleapis.com/") for url in external), external
    page.close()


@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_spans_show_in_light_and_dark(browser, site_url, scheme, palette):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    block_network(page, site_url)
    page.goto(site_url + PAGE + "#src-numbers-6")
    assert page.locator("body").get_attribute("data-md-color-scheme") == palette
    colors = page.locator("mark:target").evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    highlight, text, background = colors
    assert highlight not in ("rgba(0, 0, 0, 0)", background)
    assert text != highlight
    context.close()
