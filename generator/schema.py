"""The structured brief: Pydantic models whose field descriptions become the editors' JSON
Schema."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

MAX_TITLE = 300
MAX_TEXT = 5_000
MAX_ITEMS = 500
SLUG_MAX_BYTES = 80
# Names that would collide with the site's own sections or with file-system specials.
RESERVED_SLUGS = frozenset(
    {
        "api", "assets", "search", "parties", "topics", "archive", "timeline", "watch", "numbers",
        "briefs", "index", "feed", "sitemap", "404", "con", "nul", "prn", "aux", "com1", "lpt1",
    }
)  # fmt: skip

# C0/C1 control characters (but tab and newline), and the Unicode non-characters: they have no
# place in an editor's text and some break YAML, XML feeds or terminals.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _no_control(value: str) -> str:
    if value.isprintable():
        return value  # no control character is printable: skip the scan for most text
    match = _CONTROL.search(value)
    if match:
        raise ValueError(f"control character U+{ord(match.group()):04X} is not allowed")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line")
    return value


def _no_control_one_line(value: str) -> str:
    # One call where two ran: every line break and control character is unprintable, so a
    # printable value passes both checks at once; others meet them in the same order as before.
    if value.isprintable():
        return value
    return _one_line(_no_control(value))


def coercion_message(error: Mapping[str, Any]) -> str | None:
    """The message for a number or boolean where text is expected: `NO` or `1.10` is meant as
    written. Pydantic refuses them itself (it never turns them into text); this says what to do.
    """
    given = error.get("input")
    if error.get("type") != "string_type":
        return None
    if isinstance(given, bool):
        return f"expected text, got the boolean {str(given).lower()}; quote it"
    if isinstance(given, int | float | Decimal):
        return f"expected text, got the number {given}; quote it"
    return None


# The constraints are checked by pydantic's core string validator (strip, then length), not in
# Python calls per string: a thousand briefs hold tens of thousands of strings.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT),
    AfterValidator(_no_control),
]
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE),
    AfterValidator(_no_control_one_line),
]


def _bounded(value: Decimal | None) -> Decimal | None:
    """Refuse values no article states, which would also take forever to print (1e999999999)."""
    # adjusted() is the power of ten of the first digit; it needs no arithmetic, so no overflow.
    if value is not None and value.is_finite() and value and not -30 <= value.adjusted() < 30:
        raise ValueError("must be between 10^-30 and 10^30 in size, or 0")
    return value


Value = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_bounded)]

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64),
]


def slugify(text: str, max_bytes: int = SLUG_MAX_BYTES) -> str:
    """Turn any text into `[a-z0-9-]`, at most `max_bytes`, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_bytes:
        slug = slug[:max_bytes]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug.strip("-")


def _valid_slug(value: str) -> str:
    if slugify(value) != value:
        raise ValueError(
            "slug must be lower-case letters, digits and single hyphens, "
            f"e.g. {slugify(value) or 'my-brief'!r}"
        )
    if value in RESERVED_SLUGS:
        raise ValueError(f"{value!r} is a reserved name")
    return value


Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SLUG_MAX_BYTES),
    AfterValidator(_valid_slug),
]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _partial_date(value: Any) -> str:
    """Accept `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as text; refuse numbers (no 1742 becoming a
    date)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a calendar date ({exc})") from None
    return value.strip()


PartialDate = Annotated[
    str,
    BeforeValidator(_partial_date),
    Field(json_schema_extra={"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]


def _strict_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return value.strip()


Date = Annotated[dt.date, BeforeValidator(_strict_date)]


def date_precision(value: str) -> Literal["year", "month", "day"]:
    """How precise a partial date is: `2025` is a year, `2025-04` a month, `2025-04-02` a day."""
    return {4: "year", 7: "month"}.get(len(value), "day")  # type: ignore[return-value]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        ser_json_inf_nan="strings",
    )


class Span(Model):
    """Evidence: the exact words of the source that support an item."""

    text: Text = Field(description="The exact words of the source, copied; never paraphrased.")
    start: int | None = Field(
        default=None, ge=0, description="Offset of the first character in source.txt (computed)."
    )
    end: int | None = Field(
        default=None, ge=0, description="Offset after the last character in source.txt (computed)."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        # Editors write evidence as plain text; offsets are computed on load.
        if isinstance(value, str):
            return {"text": value}
        return value


Evidence = Annotated[
    Span,
    Field(
        description=(
            "The exact words of the source that support this item (text; offsets are computed)."
        )
    ),
]


class Source(Model):
    """Where the article came from."""

    outlet: Line | None = Field(
        default=None, description="The publication, e.g. 'Associated Press'."
    )
    url: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="The article's address (http or https only)."
    )
    published: Date | None = Field(default=None, description="The article's publication date.")
    author: Line | None = Field(default=None, description="The byline.")
    title: Line | None = Field(default=None, description="The article's own headline.")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None,
        description=(
            "sha256 of the bundle's source.txt when the brief was written; an edit is reported."
        ),
    )

    @field_validator("url")
    @classmethod
    def _safe_url(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https?://[^\s<>\"'`\\]+$", url, re.I):
            raise ValueError("only http:// and https:// addresses without spaces are allowed")
        return url


def _not_index(value: str) -> str:
    if value == "index":
        raise ValueError("'index' is the name of the parties page; choose another id")
    return value


PartyKind = Literal["person", "country", "organization", "group"]


class Party(Model):
    """Someone involved: a person, a country, an organisation or a group."""

    id: Annotated[Id, AfterValidator(_not_index)] = Field(
        description="Short id used by actions, figures and quotes, e.g. 'trump'."
    )
    name: Line = Field(description="Full name as a reader should see it.")
    kind: PartyKind = Field(description="person, country, organization or group.")
    role: Line | None = Field(
        default=None, description="Role in this story, e.g. 'President of the United States'."
    )
    aliases: list[Line] = Field(
        default_factory=list,
        max_length=50,
        description="Other names the source uses for this party.",
    )
    stance: Text | None = Field(
        default=None, description="The party's position in this story, in a sentence."
    )
    evidence: Evidence | None = None


ActionStatus = Literal["taken", "announced", "threatened", "planned", "proposed", "reported"]


class Action(Model):
    """Who did what to whom, and when."""

    actor: Id = Field(description="The party id of who acts.")
    action: Line = Field(
        description="What they did, as a verb phrase: 'imposed a 25% tariff on auto imports'."
    )
    target: Id | None = Field(
        default=None, description="The party id of whom it is aimed at, if any."
    )
    date: PartialDate | None = Field(
        default=None, description="When: YYYY, YYYY-MM or YYYY-MM-DD; the form is its precision."
    )
    status: ActionStatus = Field(
        description="taken, announced, threatened, planned, proposed or reported."
    )
    negated: bool = Field(default=False, description="True when the source says it did not happen.")
    evidence: Evidence


FigureKind = Literal[
    "percent", "money", "count", "quantity", "ordinal", "rank", "date", "year", "ratio"
]
Qualifier = Literal["exact", "approx", "more_than", "less_than", "at_least", "up_to", "range"]
CurrencyBasis = Literal["symbol", "code", "word", "context", "editor"]


class Figure(Model):
    """A number of the source: as written, its value, and what it measures."""

    as_written: Line = Field(
        description="Exactly as in the source: '$1.4 billion', 'more than 75%'."
    )
    kind: FigureKind = Field(
        description="percent, money, count, quantity, ordinal, rank, date, year or ratio."
    )
    value: Value | None = Field(
        default=None,
        description="The number itself: 1400000000 for '$1.4 billion'; empty for a date.",
    )
    value_high: Value | None = Field(default=None, description="Upper end of a range.")
    date: PartialDate | None = Field(
        default=None, description="For a date figure: the date it names."
    )
    unit: Line | None = Field(
        default=None, description="What the value is in: 'percent', 'vehicles', 'barrels'."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="ISO 4217 code for money: USD, CAD, GBP, EUR."
    )
    currency_basis: CurrencyBasis | None = Field(
        default=None,
        description=(
            "How the currency was decided: 'code' (USD written), 'symbol' (an unambiguous "
            "symbol like £), 'word' ('dollars' with a country), 'context' (the story's country), "
            "'editor'."
        ),
    )
    qualifier: Qualifier = Field(
        default="exact",
        description="exact, approx, more_than, less_than, at_least, up_to or range.",
    )
    measures: Line = Field(description="What it counts: 'tariff on auto imports'.")
    party: Id | None = Field(
        default=None, description="The party id the figure belongs to, if any."
    )
    evidence: Evidence

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        if self.kind == "date" and self.date is None:
            raise ValueError("a date figure needs `date`")
        if self.kind != "date" and self.value is None:
            raise ValueError(f"a {self.kind} figure needs `value`")
        if self.kind == "money" and self.currency is None:
            raise ValueError("a money figure needs `currency`")
        if self.qualifier == "range" and self.value_high is None:
            raise ValueError("a range needs `value_high`")
        return self


OutlookKind = Literal["scheduled", "expected", "risk", "open_question"]
Likelihood = Literal[
    "almost_certain",
    "highly_likely",
    "likely",
    "even_chance",
    "unlikely",
    "highly_unlikely",
    "remote",
]
Basis = Literal["stated_in_source", "editor_judgment"]


class OutlookItem(Model):
    """What comes next: an event, an expectation, a risk or an open question."""

    what: Line = Field(description="What to watch for, in a sentence.")
    when: PartialDate | None = Field(
        default=None, description="The date it is due, or a window's start."
    )
    until: PartialDate | None = Field(
        default=None, description="A window's end, if it is a window."
    )
    trigger: Line | None = Field(
        default=None,
        description="What it waits on when there is no date: 'after Canada's next election'.",
    )
    kind: OutlookKind = Field(description="scheduled, expected, risk or open_question.")
    likelihood: Likelihood | None = Field(
        default=None, description="Words of estimative probability, from almost_certain to remote."
    )
    basis: Basis = Field(
        default="stated_in_source", description="stated_in_source or editor_judgment."
    )
    evidence: Evidence | None = None

    @model_validator(mode="after")
    def _grounded(self) -> OutlookItem:
        if self.basis == "stated_in_source" and self.evidence is None:
            raise ValueError("an item stated in the source needs `evidence`")
        if self.when and self.until and self.until < self.when:
            raise ValueError("`until` is before `when`")
        return self


class Quote(Model):
    """A direct quotation, verbatim."""

    speaker: Id = Field(description="The party id of who said or wrote it.")
    text: Text = Field(description="The quoted words, verbatim; '...' marks an omission.")
    channel: Line | None = Field(
        default=None, description="Where it was said: 'Truth Social', 'a news conference'."
    )
    evidence: Evidence


Status = Literal["draft", "published"]


class Brief(Model):
    """A structured brief of one article."""

    schema_version: Literal[1] = Field(default=1, description="The brief format version.")
    title: Line = Field(description="The brief's headline, at most 300 characters.")
    slug: Slug | None = Field(
        default=None, description="The page address; the bundle's folder name when left out."
    )
    date: Date = Field(description="The date of the events briefed (YYYY-MM-DD).")
    status: Status = Field(
        default="draft", description="draft or published; drafts are not published."
    )
    source: Source = Field(default_factory=Source, description="Where the article came from.")
    bottom_line: Text = Field(description="Bottom line up front: one or two sentences.")
    key_points: list[Text] = Field(
        default_factory=list, max_length=50, description="The points a reader must take away."
    )
    why_it_matters: Text | None = Field(default=None, description="Why a reader should care.")
    parties: list[Party] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Who is involved."
    )
    actions: list[Action] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Who did what."
    )
    numbers: list[Figure] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Every number, by how much."
    )
    outlook: list[OutlookItem] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="What comes next."
    )
    quotes: list[Quote] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Direct quotations."
    )
    tags: list[Annotated[Line, AfterValidator(lambda t: t.lower())]] = Field(
        default_factory=list, max_length=50, description="Topics, lower case: 'trade', 'tariffs'."
    )
    notes: str = Field(
        default="",
        max_length=200_000,
        description="The analyst's notes: the Markdown body below the front matter.",
    )

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    def party(self, party_id: str) -> Party | None:
        for party in self.parties:
            if party.id == party_id:
                return party
        return None


def brief_json_schema() -> dict[str, Any]:
    """The JSON Schema of a brief's front matter, for editors' YAML language servers."""
    schema = Brief.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "brief"
    schema["properties"].pop("notes", None)  # the body, not front matter
    return schema
