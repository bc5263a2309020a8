"""New bundles and new projects: `brief new "Title"` and `brief init DIR`.

Both create files exclusively: an existing folder or file is an error and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import jinja2

from generator.content import BRIEF_FILE, SOURCE_FILE
from generator.errors import BriefError
from generator.markup import clean
from generator.schema import MAX_TITLE, slugify

ARCHETYPE = "archetype.md.j2"

EXAMPLE_SLUG = "2025-05-06-riverton-bridge-repair"
EXAMPLE_SOURCE = """\
Riverton council approves $2 million bridge repair

RIVERTON, May 6 - Riverton's town council voted on Monday to repair the Mill Street bridge, which has been closed to trucks since March.

The repair will cost $2 million and should be finished by October, council member Lena Ortiz said.

"The bridge is the only road to the north side of town," Ortiz said.

Local businesses said the closure had added 20 minutes to deliveries.
"""  # noqa: E501 (the example article's paragraphs are one line each)
EXAMPLE_BRIEF = """\
---
# yaml-language-server: $schema=../../site/api/schema.json
title: Riverton council approves a $2 million repair of the Mill Street bridge
date: 2025-05-06
status: published
source:
  outlet: Riverton Courier (an invented example)
  published: 2025-05-06
  sha256: {sha256}
bottom_line: >-
  Riverton will spend $2 million to repair the Mill Street bridge, closed to trucks since March,
  and expects the work to be finished by October.
key_points:
  - Local businesses say the closure added 20 minutes to deliveries.
parties:
  - id: council
    name: Riverton town council
    kind: organization
    aliases: [council]
    evidence: Riverton's town council
  - id: ortiz
    name: Lena Ortiz
    kind: person
    role: Member of the Riverton town council
    aliases: [Ortiz]
    evidence: council member Lena Ortiz
  - id: businesses
    name: Local businesses
    kind: group
    evidence: Local businesses
actions:
  - actor: council
    action: voted to repair the Mill Street bridge
    date: 2025-05-05
    status: taken
    evidence: Riverton's town council voted on Monday to repair the Mill Street bridge
numbers:
  - as_written: $2 million
    kind: money
    value: 2000000
    currency: USD
    currency_basis: editor
    measures: cost of the bridge repair
    party: council
    evidence: The repair will cost $2 million
  - as_written: 20 minutes
    kind: quantity
    value: 20
    unit: minutes
    measures: time the closure added to deliveries
    party: businesses
    evidence: the closure had added 20 minutes to deliveries
outlook:
  - what: The bridge repair is finished
    when: 2025-10
    kind: expected
    evidence: should be finished by October
quotes:
  - speaker: ortiz
    text: The bridge is the only road to the north side of town
    evidence: '"The bridge is the only road to the north side of town," Ortiz said.'
tags: [infrastructure, local government]
---

This example is invented: Riverton, its council and its bridge exist only to show how a brief
is written. Replace it with your own: `brief new "Title"`, paste the article into the new
bundle's `source.txt`, and fill in `brief.md`.
"""
EXAMPLE_MKDOCS = """\
site_name: {site_name}
theme:
  name: material
  features:
    - navigation.sections
    - search.highlight
plugins:
  - search
brief:
  content_dir: content
  publish_source: full
"""
EXAMPLE_GITIGNORE = "site/\n.brief/\n"


def _archetype_environment(project_dir: Path) -> jinja2.Environment:
    from generator.site import default_templates_dir

    loaders: list[jinja2.BaseLoader] = []
    if (project_dir / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(project_dir / "templates"))
    loaders.append(jinja2.FileSystemLoader(default_templates_dir()))
    # The archetype is YAML, not Markdown: values arrive already quoted as YAML strings.
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def yaml_string(text: str) -> str:
    """Text as a double-quoted YAML scalar (JSON strings are YAML): letters of any script as
    they are, for editors to read; anything unprintable as an escape."""
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
        for c in json.dumps(text, ensure_ascii=False)
    )


def create_brief(project_dir: Path, content_dir: Path, title: str, today: dt.date) -> Path:
    """Make `content/<date>-<slug>/` with `brief.md` from the archetype and an empty
    `source.txt`."""
    title = clean(title)
    if not title:
        raise BriefError("the title is empty; give the brief a title")
    if len(title) > MAX_TITLE:
        raise BriefError(f"the title is {len(title)} characters; the limit is {MAX_TITLE}")
    slug = slugify(f"{today.isoformat()} {title}")
    if slug == today.isoformat():
        raise BriefError(f"the title {title!r} has no letters or digits to name the folder with")
    text = (
        _archetype_environment(project_dir)
        .get_template(ARCHETYPE)
        .render(title=yaml_string(title), date=today.isoformat())
    )
    content_dir.mkdir(parents=True, exist_ok=True)
    folder = content_dir / slug
    try:
        folder.mkdir()
    except FileExistsError:
        raise BriefError(f"{folder} already exists; nothing was written") from None
    with (folder / BRIEF_FILE).open("x", encoding="utf-8") as handle:
        handle.write(text)
    with (folder / SOURCE_FILE).open("x", encoding="utf-8"):
        pass
    return folder


def create_project(target: Path) -> Path:
    """Make a new project in `target` (absent or empty): mkdocs.yml and one example brief."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BriefError(f"{target} exists and is not an empty folder; nothing was written")
    target.mkdir(parents=True, exist_ok=True)
    site_name = (
        clean(target.resolve().name.replace("-", " ").replace("_", " ").title()) or "Briefings"
    )
    files = {
        "mkdocs.yml": EXAMPLE_MKDOCS.format(site_name=yaml_string(site_name)),
        ".gitignore": EXAMPLE_GITIGNORE,
        f"content/{EXAMPLE_SLUG}/{SOURCE_FILE}": EXAMPLE_SOURCE,
        f"content/{EXAMPLE_SLUG}/{BRIEF_FILE}": EXAMPLE_BRIEF.replace(
            "{sha256}", hashlib.sha256(EXAMPLE_SOURCE.encode("utf-8")).hexdigest()
        ),
    }
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    return target
