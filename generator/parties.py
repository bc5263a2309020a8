"""One party across briefs: the optional registry `content/parties.yaml` and the resolution of
every brief's local party ids to canonical ones.

A brief names its parties with ids of its own; the registry says that `trump` in one brief and
`donald-trump` in another are one person. Without a registry, the same id in two briefs is one
party, and two ids whose names or aliases coincide get a warning naming both.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError

from generator.errors import Problem
from generator.frontmatter import Parsed, YamlProblem, dotted, parse_yaml
from generator.schema import Id, Line, Model, PartyKind, Text, coercion_message

if TYPE_CHECKING:
    from generator.content import Bundle, Library

MAX_REGISTRY_BYTES = 2_000_000


class RegistryParty(Model):
    """A canonical party: one id for the person, country, organisation or group across briefs."""

    id: Id
    name: Line
    kind: PartyKind
    aliases: list[Line] = Field(default_factory=list)
    description: Text | None = None


@dataclass(frozen=True)
class CanonicalParty:
    """A party as the site shows it across briefs."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    registered: bool = False


@dataclass
class Registry:
    """The parties of `content/parties.yaml` by id, and every name that points to one of them."""

    parties: dict[str, CanonicalParty] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # folded name -> party id

    def find(self, *names: str) -> CanonicalParty | None:
        """The registered party with one of `names` as its id, name or alias (case-insensitive)."""
        for name in names:
            party_id = self.names.get(fold(name))
            if party_id is not None:
                return self.parties[party_id]
        return None


def fold(name: str) -> str:
    """A name compared without case, surrounding space or runs of white space."""
    return " ".join(name.casefold().split())


def load_registry(path: Path, content_dir: Path | None = None) -> tuple[Registry, list[Problem]]:
    """Read `parties.yaml`; return the registry (empty on errors) and every problem in it."""
    from generator.content import display, read_text_file

    shown = display(path, content_dir)
    problems: list[Problem] = []
    try:
        text = read_text_file(path, MAX_REGISTRY_BYTES, "parties.yaml")
        parsed = parse_yaml(text)
    except YamlProblem as exc:
        return Registry(), [Problem(shown, exc.line, exc.field, exc.message)]
    data = parsed.data
    base: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"parties"}:
        data, base = data["parties"], ("parties",)
    elif isinstance(data, dict) and data:
        unknown = sorted(set(data) - {"parties"})
        key = unknown[0] if unknown else ""
        return Registry(), [
            Problem(
                shown,
                parsed.line_of((key,)),
                str(key),
                "unknown field; parties.yaml holds `parties:`, a list",
            )
        ]
    if data is None or data == {}:
        data = []
    if not isinstance(data, list):
        return Registry(), [
            Problem(
                shown, parsed.line_of(base), dotted(base) or "parties", "expected a list of parties"
            )
        ]
    registry = Registry()
    for index, item in enumerate(data):
        where = (*base, index)
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    shown,
                    parsed.line_of(where),
                    dotted(where),
                    "expected a party: id, name, kind, aliases, description",
                )
            )
            continue
        try:
            party = RegistryParty.model_validate(item)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, parsed, where, shown))
            continue
        problems.extend(_add(registry, party, parsed, where, shown))
    return (registry if not problems else Registry()), problems


def _validation_problems(
    exc: ValidationError, parsed: Parsed, where: tuple[str | int, ...], shown: str
) -> Iterable[Problem]:
    for error in exc.errors(include_url=False):
        loc = tuple(
            p
            for p in error["loc"]
            if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        )
        path = (*where, *loc)
        message = str(error["msg"]).removeprefix("Value error, ")
        friendly = coercion_message(error)
        if friendly is not None:
            message = friendly
        elif error["type"] == "extra_forbidden":
            hint = difflib.get_close_matches(str(loc[-1]), list(RegistryParty.model_fields), n=1)
            message = "unknown field" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        elif error["type"] == "missing":
            message = "required field is missing"
        elif not isinstance(error.get("input"), dict | list) and "got" not in message:
            message = f"{message}, got {error.get('input')!r}"[:300]
        yield Problem(shown, parsed.line_of(path), dotted(path), message)


def _add(
    registry: Registry,
    party: RegistryParty,
    parsed: Parsed,
    where: tuple[str | int, ...],
    shown: str,
) -> Iterable[Problem]:
    if party.id in registry.parties:
        yield Problem(
            shown,
            parsed.line_of((*where, "id")),
            dotted((*where, "id")),
            f"duplicate party id {party.id!r}",
        )
        return
    registry.parties[party.id] = CanonicalParty(
        party.id, party.name, party.kind, tuple(party.aliases), party.description, registered=True
    )
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("id",), party.id),
        (("name",), party.name),
        *((("aliases", i), a) for i, a in enumerate(party.aliases)),
    ]
    for key, name in named:
        folded = fold(name)
        owner = registry.names.get(folded)
        if owner is not None and owner != party.id:
            path = (*where, *key)
            yield Problem(
                shown, parsed.line_of(path), dotted(path), f"{name!r} already names party {owner!r}"
            )
            continue
        registry.names[folded] = party.id


@dataclass
class PartyIndex:
    """Every party of a library under its canonical id, and where each brief's local ids lead."""

    parties: dict[str, CanonicalParty]
    canonical: dict[tuple[str, str], str]  # (brief slug, local party id) -> canonical id
    briefs: dict[str, list[str]]  # canonical id -> slugs of the briefs it appears in, newest first
    problems: list[Problem]

    def of(self, slug: str, local_id: str) -> str:
        return self.canonical[(slug, local_id)]


def local_names(party: Any) -> list[str]:
    """The names a brief gives one of its parties: id, name and aliases."""
    return [party.id, party.id.replace("-", " "), party.name, *party.aliases]


def build_party_index(bundles: list[Bundle], registry: Registry | None = None) -> PartyIndex:
    """Resolve every local party to a canonical one; warn about look-alikes under different ids."""
    canonical: dict[tuple[str, str], str] = {}
    seen: dict[str, list[tuple[Bundle, Any]]] = {}
    # Oldest first, so that a party not in the registry is described by its latest brief.
    for bundle in sorted(bundles, key=lambda b: (b.brief.date, b.slug)):
        for party in bundle.brief.parties:
            found = registry.find(party.id, party.name, *party.aliases) if registry else None
            party_id = found.id if found else party.id
            canonical[(bundle.slug, party.id)] = party_id
            seen.setdefault(party_id, []).append((bundle, party))
    parties: dict[str, CanonicalParty] = {}
    briefs: dict[str, list[str]] = {}
    for party_id, uses in seen.items():
        registered = registry.parties.get(party_id) if registry else None
        if registered is not None:
            parties[party_id] = registered
        else:
            latest = uses[-1][1]
            aliases: list[str] = []
            for _, party in uses:
                for alias in (party.name, *party.aliases):
                    if alias != latest.name and alias not in aliases:
                        aliases.append(alias)
            parties[party_id] = CanonicalParty(
                party_id, latest.name, latest.kind, tuple(aliases), latest.role
            )
        slugs = {b.slug: b for b, _ in uses}
        briefs[party_id] = [
            b.slug
            for b in sorted(slugs.values(), key=lambda b: (b.brief.date, b.slug), reverse=True)
        ]
    problems = list(find_lookalikes(seen)) + list(find_kind_clashes(seen, registry))
    return PartyIndex(parties, canonical, briefs, problems)


def find_lookalikes(seen: dict[str, list[tuple[Bundle, Any]]]) -> Iterable[Problem]:
    """One warning per pair of canonical ids that share a name or alias."""
    owners: dict[str, tuple[str, Bundle, Any]] = {}
    warned: set[tuple[str, str]] = set()
    shared = _shared_names(seen)
    for party_id, uses in seen.items():
        met: set[str] = set()  # a party is named alike in brief after brief: look once per name
        for bundle, party in uses:
            for name in local_names(party):
                if name in met:
                    continue
                met.add(name)
                folded = fold(name)
                if (id(bundle), folded) in shared:
                    continue  # the brief itself gives it to two parties: it tells none apart
                other = owners.get(folded)
                if other is not None and _other_people(party, other[2], name):
                    continue
                first = owners.setdefault(folded, (party_id, bundle, party))
                other_id, other_bundle, other_party = first
                pair = (min(other_id, party_id), max(other_id, party_id))
                if other_id == party_id or pair in warned:
                    continue
                warned.add(pair)
                index = bundle.brief.parties.index(party)
                yield Problem(
                    bundle.display_path,
                    bundle.line_of("parties", index, "id"),
                    f"parties[{index}].id",
                    f"party {party.id!r} looks like party {other_party.id!r} "
                    f"of {other_bundle.display_path} "
                    f"(both are called {name!r}); give them one id or list one in parties.yaml",
                    "warning",
                )


def _shared_names(seen: dict[str, list[tuple[Bundle, Any]]]) -> set[tuple[int, str]]:
    """(brief, folded name) for each name one brief gives to two of its parties ("Bank" for two
    central banks, "Rossi" for two Rossis)."""
    count: dict[tuple[int, str], set[str]] = {}
    for uses in seen.values():
        for bundle, party in uses:
            for name in {fold(n) for n in local_names(party)}:
                count.setdefault((id(bundle), name), set()).add(party.id)
    return {key for key, ids in count.items() if len(ids) > 1}


def _other_people(party: Any, other: Any, name: str) -> bool:
    """Two people who share a surname but not their full names ("Kofi Rossi", "Lena Rossi")."""
    return (
        party.kind == other.kind == "person"
        and " " not in name.strip()
        and " " in party.name.strip()
        and " " in other.name.strip()
        and fold(party.name) != fold(other.name)
    )


def find_kind_clashes(
    seen: dict[str, list[tuple[Bundle, Any]]], registry: Registry | None
) -> Iterable[Problem]:
    """A warning when one id names a person in one brief and, say, a country in another."""
    for party_id, uses in seen.items():
        if registry is not None and party_id in registry.parties:
            continue  # the registry's kind is the one shown
        first_bundle, first = uses[0]
        for bundle, party in uses[1:]:
            if party.kind != first.kind:
                index = bundle.brief.parties.index(party)
                yield Problem(
                    bundle.display_path,
                    bundle.line_of("parties", index, "kind"),
                    f"parties[{index}].kind",
                    f"party {party_id!r} is {_a(party.kind)} here but {_a(first.kind)} in "
                    f"{first_bundle.display_path}; if they are two parties, give them two ids",
                    "warning",
                )
                break


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def resolve_parties(library: Library) -> list[Problem]:
    """Warnings about parties that look alike under different ids across the library's briefs.

    The index is kept on the library: the pages across briefs reuse it. A process that builds
    again (brief serve) reuses its last index while no brief's parties, date or place changed,
    nor the registry, nor the lines of a brief that a warning points into.
    """
    shape = (
        library.parties_registry,
        tuple(
            (
                b.slug,
                b.display_path,
                b.brief.date,
                tuple((p.id, p.name, p.kind, tuple(p.aliases), p.role) for p in b.brief.parties),
            )
            for b in library.bundles
        ),
    )
    digests = {b.display_path: b.digest for b in library.bundles}
    last = _LAST_INDEX.get("index")
    if (
        last is not None
        and last[0] == shape
        and all(digests.get(path) == digest for path, digest in last[2].items())
    ):
        library.party_index = last[1]
    else:
        library.party_index = build_party_index(library.bundles, library.parties_registry)
        warned = {problem.path for problem in library.party_index.problems}
        pinned = {path: digests[path] for path in warned}
        if all(pinned.values()):  # a brief without a digest is never reused
            _LAST_INDEX["index"] = (shape, library.party_index, pinned)
    return list(library.party_index.problems)


# The last party index this process built, what it was built from, and the digests of the briefs
# its warnings point into (their lines): see resolve_parties.
_LAST_INDEX: dict[str, tuple[Any, PartyIndex, dict[str, str]]] = {}
