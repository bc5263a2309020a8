"""The feed, the JSON API and the JSON-LD of a built site; hostile content stays text everywhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.schema import Brief

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE
from .site_fixtures import copy_library

PUBLISHED = [
    "2025-04-08-calder-deal",
    "2025-03-15-calder-mediator",
    "2025-02-20-calder-talks-collapse",
    "2025-02-03-calder-port-shut",
    "2025-01-10-calder-strike-vote",
]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Calder library built with its draft, as `brief build --drafts` does."""
    project = copy_library(tmp_path_factory.mktemp("feeds") / "calder")
    result = CliRunner().invoke(
        cli, ["build", "--drafts", "--project", str(project)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return project / "site"


def test_feed_parses_and_lists_published_briefs_newest_first(built_site: Path):
    root = ET.parse(built_site / "feed.xml").getroot()
    assert root.tag == "rss"
    items = root.findall("./channel/item")
    assert [item.findtext("guid") for item in items] == PUBLISHED
    first = items[0]
    assert first.findtext("title") == "Calder dockworkers accept deal, ending the strike"
    assert first.findtext("description").startswith("Calder's dockworkers accepted a 4.2% pay rise")
    assert first.findtext("link") == "briefs/2025-04-08-calder-deal/"
    assert first.findtext("pubDate") == "Tue, 08 Apr 2025 00:00:00 +0000"
    assert (built_site / "briefs/2025-04-08-calder-deal/index.html").is_file()


def test_every_api_file_validates_and_briefs_round_trip(built_site: Path):
    schema = json.loads((built_site / "api/schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    listing = json.loads((built_site / "api/briefs.json").read_text(encoding="utf-8"))
    assert [b["slug"] for b in listing["briefs"]] == PUBLISHED
    for data in listing["briefs"]:
        validator.validate(data)
        brief = Brief.model_validate(data)
        assert brief.status == "published"
    files = sorted((built_site / "api/briefs").glob("*.json"))
    assert [f.stem for f in files] == sorted(PUBLISHED)  # never the draft
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(data)
        assert Brief.model_validate(data).slug == path.stem
    deal = Brief.model_validate(listing["briefs"][0])
    assert [str(f.value) for f in deal.numbers if f.value is not None] == ["4.2", "71"]


def test_brief_page_head_carries_jsonld(built_site: Path):
    html = (built_site / "briefs/2025-02-20-calder-talks-collapse/index.html").read_text(
        encoding="utf-8"
    )
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    doc = json.loads(script)
    assert doc["headline"] == "Calder port talks collapse as shipping lines divert"
    assert {"Harbour Workers Union", "Blue Gull Lines"} <= {p["name"] for p in doc["about"]}
    assert html.index("application/ld+json") < html.index("</head>")


def test_draft_is_marked_on_every_page_that_lists_it(built_site: Path):
    slug = "2025-04-20-blue-gull-review"
    pages = [
        "index.html",
        "watch/index.html",
        "timeline/index.html",
        "topics/shipping/index.html",
        "archive/2025-04/index.html",
        "parties/blue-gull/index.html",
    ]
    for page in pages:
        html = (built_site / page).read_text(encoding="utf-8")
        assert slug in html, page
        links = [m.end() for m in re.finditer(rf'href="[^"]*{slug}/"[^>]*>', html)]
        assert links, page
        for end in links:  # every link to the draft is followed by its mark
            assert re.search(r"<strong>(\(draft\)|Draft)</strong>", html[end : end + 400]), page
    brief = (built_site / f"briefs/{slug}/index.html").read_text(encoding="utf-8")
    assert "this brief is not published" in brief
    assert '<meta name="robots" content="noindex">' in brief


HOSTILE = (
    "</script><script>alert(document.domain)</script> {{ self.__init__ }} {% raw %} "
    "[x](javascript:alert(document.domain)) <img src=x onerror=alert(document.cookie)> "
    "]]> &amp; \u2028 end"
)


def test_hostile_content_stays_text(make_project):
    brief = (
        MINIMAL_BRIEF.replace("title: Acme to cut 1,200 jobs", f"title: {json.dumps(HOSTILE)}")
        .replace(
            "    name: Acme Corp\n",
            f"    name: {json.dumps('Acme ' + HOSTILE)}\n    aliases: [{json.dumps(HOSTILE)}]\n",
        )
        .replace("tags: [jobs]", f"tags: [{json.dumps(HOSTILE)}]")
        .replace("    measures: jobs Acme will cut\n", f"    measures: {json.dumps(HOSTILE)}\n")
        .replace(
            "    action: plans to cut 1,200 jobs\n",
            f"    action: {json.dumps('plans ' + HOSTILE)}\n    date: 2025-01-06\n",
        )
    )
    project = make_project(
        {
            "content/2025-01-06-acme/brief.md": brief,
            "content/2025-01-06-acme/source.txt": MINIMAL_SOURCE,
        }
    )
    result = CliRunner().invoke(cli, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = project / "site"
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, path
        assert "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert json.loads(script)["headline"] == HOSTILE.replace("\u2028 ", "")[:110]
    brief_html = (site / "briefs/2025-01-06-acme/index.html").read_text(encoding="utf-8")
    assert (
        "{{ self&#46;__init__ }} {% raw %}" in brief_html
        or "{{ self.__init__ }} {% raw %}" in brief_html
    )
    root = ET.parse(site / "feed.xml").getroot()
    title = root.findtext("./channel/item/title")
    assert "</script><script>alert(document.domain)</script>" in title and "\u2028" not in title
    data = json.loads((site / "api/briefs.json").read_text(encoding="utf-8"))
    assert data["briefs"][0]["title"] == HOSTILE.strip()
    timeline = (site / "timeline/index.html").read_text(encoding="utf-8")
    assert (
        "&lt;/script&gt;&lt;script&gt;alert(document.domain)" in timeline
    )  # in the chart's titles, escaped


def test_hostile_registry_stays_text(tmp_path: Path):
    project = copy_library(tmp_path / "p")
    registry = project / "content" / "parties.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        .replace("description: Mayor of Calder.", f"description: {json.dumps(HOSTILE)}")
        .replace(
            "aliases: [Mayor Ana Reyes, Reyes, Mayor Reyes]",
            f"aliases: [Mayor Ana Reyes, Reyes, {json.dumps(HOSTILE)}]",
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for page in [
        "parties/reyes/index.html",
        "parties/index.html",
        "briefs/2025-04-08-calder-deal/index.html",
    ]:
        html = (project / "site" / page).read_text(encoding="utf-8")
        assert "alert(document.domain)" in unescape(html), page  # shown, as text
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert 'href="javascript:' not in html, page
    head = (
        (project / "site" / "parties/reyes/index.html")
        .read_text(encoding="utf-8")
        .split("</head>")[0]
    )
    assert "<script>alert" not in head
