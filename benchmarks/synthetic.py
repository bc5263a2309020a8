"""Synthetic libraries of realistic briefs for benchmarks and scale tests.

Each brief has its own short article (source.txt) and a front matter the size of a hand-written
brief: parties drawn from a shared pool (so party pages span many briefs), dated actions,
figures of every kind, outlook items and a quote, every item's evidence a sentence of the article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path

COUNTRIES = [
    "Canada", "Mexico", "Japan", "Germany", "France", "Brazil", "India", "Kenya", "Chile", "Norway",
    "Spain", "Italy", "Poland", "Egypt", "Vietnam", "Peru", "Ghana", "Sweden", "Turkey", "Nigeria",
]  # fmt: skip
FIRST = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
]
LAST = [
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Sato",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Yilmaz",
]
ORGS = [
    "Central Bank",
    "Trade Ministry",
    "Workers Union",
    "Energy Agency",
    "Port Authority",
    "Farmers Council",
]
TOPICS = [
    "trade",
    "tariffs",
    "energy",
    "labour",
    "budget",
    "elections",
    "health",
    "climate",
    "defence",
    "housing",
]


def _pool(rng: random.Random) -> list[dict[str, str]]:
    parties = []
    for country in COUNTRIES:
        parties.append({"id": country.lower(), "name": country, "kind": "country"})
    for first in FIRST:
        for last in LAST:
            parties.append(
                {"id": f"{first}-{last}".lower(), "name": f"{first} {last}", "kind": "person"}
            )
    for country in COUNTRIES[:10]:
        for org in ORGS:
            name = f"{country} {org}"
            parties.append(
                {"id": name.lower().replace(" ", "-"), "name": name, "kind": "organization"}
            )
    rng.shuffle(parties)
    return parties


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_brief(
    index: int, rng: random.Random, pool: list[dict[str, str]], start: dt.date
) -> tuple[str, str, str]:
    """One bundle: (folder name, brief.md, source.txt)."""
    day = start + dt.timedelta(days=index % 900)
    later = day + dt.timedelta(days=rng.randint(5, 60))
    # Parties come from a popular head and a long tail, as in real news.
    head = pool[:40]
    chosen = rng.sample(head, 2) + rng.sample(pool, 6)
    seen, parties = set(), []
    for party in chosen:
        if party["id"] not in seen and len(parties) < 5:
            seen.add(party["id"])
            parties.append(party)
    a, b = parties[0], parties[1]
    pct = rng.randint(2, 60)
    amount = rng.randint(2, 900) / 10
    count = rng.randint(100, 9000)
    topic = rng.choice(TOPICS)
    sentences = [
        f"{a['name']} said on {day:%B} {day.day} that it would raise a levy on {topic} imports "
        f"to {pct}% from {b['name']}.",
        f"Officials at {b['name']} called the move hostile and promised a response within weeks.",
        f"The plan includes a ${amount} billion fund for affected industries, "
        f"according to {parties[2]['name']}.",
        f"More than {count:,} jobs depend on the sector, "
        "which is the country's third-largest employer.",
        f"Talks between the two sides are due to resume on {later:%B} {later.day}.",
        f'"We will not accept this," {parties[3]["name"]} told reporters.',
        f"Analysts warned that {parties[4]['name']} could be drawn into a wider dispute "
        f"over {topic}.",
    ]
    filler = (
        f"Observers noted that the dispute over {topic} has deep roots and that previous rounds of "
        "negotiation ended without agreement on the central questions of access and fairness. "
    )
    source = (
        "\n\n".join([f"{a['name']} and {b['name']} clash over {topic}", *sentences, filler * 3])
        + "\n"
    )
    digest = hashlib.sha256(source.encode()).hexdigest()
    slug = f"{day.isoformat()}-{a['id']}-{b['id']}-{topic}-{index}"
    party_yaml = "".join(
        f"  - id: {p['id']}\n    name: {_q(p['name'])}\n    kind: {p['kind']}\n"
        f"    aliases: [{_q(p['name'].split()[-1])}]\n    evidence: {_q(p['name'])}\n"
        for p in parties
    )
    brief = f"""---
title: {_q(f"{a['name']} raises {topic} levy to {pct}% as {b['name']} objects")}
date: {day.isoformat()}
status: published
source:
  outlet: Synthetic Wire
  url: https://example.org/news/{index}
  published: {day.isoformat()}
  sha256: {digest}
bottom_line: {_q(f"{a['name']} will raise a levy on {topic} imports to {pct}% and talks resume on {later:%B} {later.day}.")}
key_points:
  - {_q(f"The plan includes a ${amount} billion fund for affected industries.")}
  - {_q(f"More than {count:,} jobs depend on the sector.")}
why_it_matters: {_q("The sector is the country's third-largest employer.")}
parties:
{party_yaml}actions:
  - actor: {a["id"]}
    action: {_q(f"raised a levy on {topic} imports")}
    target: {b["id"]}
    date: {day.isoformat()}
    status: announced
    evidence: {_q(sentences[0])}
  - actor: {b["id"]}
    action: promised a response within weeks
    target: {a["id"]}
    status: threatened
    evidence: {_q(sentences[1])}
numbers:
  - as_written: {_q(f"{pct}%")}
    kind: percent
    value: {pct}
    unit: percent
    measures: {_q(f"levy on {topic} imports")}
    party: {a["id"]}
    evidence: {_q(sentences[0])}
  - as_written: {_q(f"${amount} billion")}
    kind: money
    value: {round(amount * 1_000_000_000)}
    currency: USD
    currency_basis: editor
    measures: fund for affected industries
    evidence: {_q(sentences[2])}
  - as_written: {_q(f"More than {count:,}")}
    kind: count
    value: {count}
    qualifier: more_than
    measures: jobs that depend on the sector
    evidence: {_q(sentences[3])}
  - as_written: third-largest
    kind: rank
    value: 3
    measures: the sector's rank among employers
    evidence: {_q(sentences[3])}
  - as_written: {_q(f"{later:%B} {later.day}")}
    kind: date
    date: {later.isoformat()}
    measures: talks resume
    evidence: {_q(sentences[4])}
outlook:
  - what: Talks between the sides resume
    when: {later.isoformat()}
    kind: scheduled
    likelihood: likely
    evidence: {_q(sentences[4])}
  - what: {_q(f"A wider dispute over {topic}")}
    kind: risk
    evidence: {_q(sentences[6])}
quotes:
  - speaker: {parties[3]["id"]}
    text: We will not accept this
    channel: reporters
    evidence: {_q(sentences[5])}
tags: [{topic}, {rng.choice(TOPICS)}]
---

Synthetic notes for brief {index}: the dispute over {topic} is **one to watch**.
"""  # noqa: E501 (a YAML document; its lines are part of the string)
    return slug, brief, source


def make_library(content_dir: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` bundles under `content_dir`; return their folders."""
    rng = random.Random(seed)
    pool = _pool(rng)
    start = dt.date(2023, 1, 1)
    folders = []
    for index in range(count):
        slug, brief, source = make_brief(index, rng, pool, start)
        folder = content_dir / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "brief.md").write_text(brief, encoding="utf-8")
        (folder / "source.txt").write_text(source, encoding="utf-8")
        folders.append(folder)
    return folders
