"""Drafting with a language model through any OpenAI-compatible chat-completions endpoint.

The model proposes; grounding disposes. Every item the model returns is proved against the
article (evidence located, figures re-read from the rules' candidates, quotes verbatim, numbers in
prose among the brief's figures); failures go back to the model with the exact reasons, and what
still fails is dropped and reported, never written.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model

from generator.check import _same_date
from generator.errors import BriefError
from generator.grounding import SourceText, locate_quote, normalise
from generator.numbers import CODES, Number, currency_matches, find_numbers
from generator.schema import (
    Action,
    Brief,
    Figure,
    Line,
    Model,
    OutlookItem,
    Party,
    Quote,
    Source,
    Text,
)

DEFAULT_TIMEOUT = 120.0
MAX_ATTEMPTS = 3  # per request: timeouts, connection errors, 5xx, 429, malformed replies
MAX_REASKS = 2  # rounds that send failed items back with their failures
RETRY_AFTER_CAP = 30.0  # seconds; a server asking for longer is an error, not a wait
BACKOFF = 0.25  # seconds, doubled per attempt
WINDOW_CHARS = 6_000  # article characters per request, about 1,500 tokens: fits a 4k context
MAX_REPLY_BYTES = 2_000_000

BASE_URL_ENV = ("BRIEF_LLM_BASE_URL", "OPENAI_BASE_URL")
MODEL_ENV = ("BRIEF_LLM_MODEL",)
API_KEY_ENV = ("BRIEF_LLM_API_KEY", "OPENAI_API_KEY")

Reporter = Callable[[str], None]


class LLMError(BriefError):
    """The model could not be reached or did not answer usably; nothing was written."""


@dataclass(frozen=True)
class LLMSettings:
    """Where to send the article. The key is kept out of repr, messages and files."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def redact(self, text: str) -> str:
        """`text` with the API key blotted out, in case a server echoes it back."""
        if self.api_key:
            text = text.replace(self.api_key, "[api key]")
        return text


def load_settings(
    base_url: str | None,
    model: str | None,
    api_key: str | None,
    timeout: float | None,
    environ: Mapping[str, str] | None = None,
) -> LLMSettings:
    """Settings from the options, then the environment (BRIEF_LLM_*, then OPENAI_*)."""
    env = os.environ if environ is None else environ

    def pick(given: str | None, names: tuple[str, ...]) -> str | None:
        if given and given.strip():
            return given.strip()
        for name in names:
            value = env.get(name, "").strip()
            if value:
                return value
        return None

    url = pick(base_url, BASE_URL_ENV)
    name = pick(model, MODEL_ENV)
    if url is None:
        raise LLMError(
            "--llm needs an endpoint: give --llm-base-url (e.g. http://127.0.0.1:11434/v1 for "
            "Ollama) or set BRIEF_LLM_BASE_URL"
        )
    if not re.match(r"^https?://[^\s/?#]+", url, re.I):
        shown = re.sub(r"//[^/@\s]*@", "//", url)
        raise LLMError(f"--llm-base-url must be an http:// or https:// address, got {shown!r}")
    if name is None:
        raise LLMError(
            "--llm needs a model: give --llm-model (e.g. llama3.1) or set BRIEF_LLM_MODEL"
        )
    if timeout is not None and timeout <= 0:
        raise LLMError(f"--llm-timeout must be a positive number of seconds, got {timeout:g}")
    return LLMSettings(url, name, pick(api_key, API_KEY_ENV), timeout or DEFAULT_TIMEOUT)


# --- What the model is asked for: the brief's models, with evidence as plain text ----------------


def _derive(
    name: str, model: type[BaseModel], drop: tuple[str, ...] = (), **extra: Any
) -> type[Model]:
    """A model of `model`'s fields (same types and descriptions), less `drop`, plus `extra`."""
    fields: dict[str, Any] = {
        key: (info.annotation, copy.copy(info))
        for key, info in model.model_fields.items()
        if key not in drop
    }
    fields.update(extra)
    return create_model(name, __base__=Model, __doc__=model.__doc__, **fields)  # type: ignore[call-overload,no-any-return]


def _field(description: str, **options: Any) -> Any:
    return Field(description=description, **options)


def _evidence_field() -> Any:
    return (Text, _field("Words copied exactly from the article that support this item."))


DraftParty = _derive("DraftParty", Party, ("evidence",), evidence=_evidence_field())
DraftAction = _derive("DraftAction", Action, ("evidence",), evidence=_evidence_field())
DraftOutlook = _derive(
    "DraftOutlook", OutlookItem, ("evidence", "basis"), evidence=_evidence_field()
)
DraftQuote = _derive("DraftQuote", Quote, ("evidence",), evidence=_evidence_field())
DraftFigure = _derive(
    "DraftFigure",
    Figure,
    (
        "as_written",
        "kind",
        "value",
        "value_high",
        "qualifier",
        "unit",
        "currency_basis",
        "evidence",
    ),
    candidate=(
        str,
        _field("The id of a figure candidate, e.g. 'n3'; its value is read from the article."),
    ),
    unit=(Line | None, _field("For a count: what is counted, e.g. 'jobs'.", default=None)),
    evidence=_evidence_field(),
)
# What a figure's candidate settles: a model's own version of these is not asked for, nor kept.
_READ_FROM_ARTICLE = ("as_written", "kind", "value", "value_high", "qualifier", "currency_basis")
_LISTS: dict[str, type[Model]] = {
    "parties": DraftParty,
    "numbers": DraftFigure,
    "quotes": DraftQuote,
    "actions": DraftAction,
    "outlook": DraftOutlook,
}


def _described(name: str) -> str:
    return str(Brief.model_fields[name].description)


def _listed(description: str) -> Any:
    return _field(description, default_factory=list)


DraftReply = create_model(  # type: ignore[call-overload]
    "DraftReply",
    __base__=Model,
    __doc__="A draft brief of the article; every item grounded in its words.",
    title=(Line | None, _field(_described("title"), default=None)),
    bottom_line=(Text | None, _field(_described("bottom_line"), default=None)),
    key_points=(list[Text], _listed(_described("key_points"))),
    why_it_matters=(Text | None, _field(_described("why_it_matters"), default=None)),
    parties=(list[DraftParty], _listed(_described("parties"))),  # type: ignore[valid-type]
    actions=(list[DraftAction], _listed(_described("actions"))),  # type: ignore[valid-type]
    numbers=(list[DraftFigure], _listed("Figures: one per figure candidate worth keeping.")),  # type: ignore[valid-type]
    outlook=(list[DraftOutlook], _listed(_described("outlook"))),  # type: ignore[valid-type]
    quotes=(list[DraftQuote], _listed(_described("quotes"))),  # type: ignore[valid-type]
    tags=(list[Line], _listed(_described("tags"))),
)


def reply_json_schema() -> dict[str, Any]:
    """The JSON Schema of a reply, with references inlined for servers that lack `$ref`."""
    schema = DraftReply.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any, naming: bool = False) -> Any:
        # `naming`: the keys of this mapping are property names, not schema keywords.
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {
                key: inline(value, key == "properties" and not naming)
                for key, value in node.items()
                if naming or key != "title"
            }
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    inlined: dict[str, Any] = inline(schema)
    # Lists may be left out of a correction, so none is required of the model.
    inlined["required"] = []
    return inlined


INSTRUCTIONS = """\
You draft a structured brief of one news article for analysts. Use only the article given by the
user; never use outside knowledge, and never copy anything from these instructions.

Rules:
- Every `evidence` is a passage copied character for character from the article (a phrase or a
  sentence), never paraphrased, never from these instructions.
- Parties: people, countries, organisations and groups of the article. Give each a short id in
  lower case with hyphens (e.g. "jane-roe"); reuse the ids of the parties found so far.
- Numbers: choose figure candidates by their id (e.g. "n3"); the value is read from the article,
  so give only what it measures, the party it belongs to and the evidence containing it. For a
  dollar amount say which dollar in `currency` (USD, CAD, AUD...).
- Quotes: the quoted words exactly as printed, with "..." where you leave words out.
- Actions, outlook, key points, bottom line and why it matters are your own words, but any number
  or date in them must be one of the figures you list, written as in the article.
- Dates are YYYY-MM-DD (or YYYY-MM, YYYY) and must be dates the article gives.
- Leave out what the article does not support. Reply with one JSON object and nothing else.

The shape, for an article that is NOT the user's (an example, never to be copied):
"""
EXAMPLE = """\
{"bottom_line": "Example Widgets will close its Springfield plant.",
 "parties": [{"id": "example-widgets", "name": "Example Widgets Ltd", "kind": "organization",
   "evidence": "Example Widgets Ltd said on Tuesday it would shut the Springfield plant"}],
 "numbers": [{"candidate": "n1", "measures": "jobs lost at the Springfield plant",
   "party": "example-widgets", "unit": "jobs", "evidence": "putting 340 jobs at risk"}]}
"""
INSTRUCTIONS += EXAMPLE
# The example's names: prose that uses one the article does not is copied from the example.
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
EXAMPLE_NAMES = frozenset(_NAME.findall(EXAMPLE))


# --- The client ----------------------------------------------------------------------------------


def _load_httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise LLMError("--llm needs the httpx package: pip install 'brief[llm]'") from None
    return httpx


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _excerpt(text: str, size: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 3] + "..."


class ChatClient:
    """Chat completions over plain HTTP, with bounded retries and a JSON-mode fallback."""

    def __init__(
        self,
        settings: LLMSettings,
        report: Reporter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        httpx = _load_httpx()
        self.settings = settings
        self.report = report
        self.sleep = sleep
        self.max_attempts = max_attempts
        # Structured output as far as the server goes: a JSON schema, else JSON mode, else none.
        self.mode: Literal["json_schema", "json_object", "plain"] = "json_schema"
        self.schema = reply_json_schema()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._httpx = httpx
        self._http = httpx.Client(
            timeout=httpx.Timeout(settings.timeout), headers=headers, follow_redirects=False
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _payload(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        if self.mode == "json_schema":
            response_format: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {"name": "brief_draft", "schema": self.schema},
            }
        else:
            # JSON mode enforces JSON but not the shape: the shape goes into the instructions.
            response_format = {"type": "json_object"}
            schema_text = json.dumps(self.schema, separators=(",", ":"))
            messages = [dict(m) for m in messages]
            messages[0]["content"] += "\nThe JSON object follows this JSON Schema:\n" + schema_text
        payload = {"model": self.settings.model, "messages": messages, "temperature": 0}
        if self.mode != "plain":
            payload["response_format"] = response_format
        return payload

    def ask(self, messages: list[dict[str, str]]) -> str:
        """The assistant's reply to `messages`; retries what can be retried, else LLMError."""
        httpx = self._httpx
        settings = self.settings
        attempt = 0
        while True:
            delay = BACKOFF * 2**attempt
            try:
                response = self._http.post(settings.endpoint, json=self._payload(messages))
            except httpx.TimeoutException:
                failure = f"no reply from {settings.endpoint} within {settings.timeout:g} s"
            except httpx.HTTPError as exc:
                reason = settings.redact(str(exc)) or type(exc).__name__
                failure = f"cannot reach {settings.endpoint}: {reason}"
            else:
                status = response.status_code
                body = settings.redact(response.text[:MAX_REPLY_BYTES])
                if (
                    status in (400, 422)  # 422: servers that validate requests with FastAPI
                    and self.mode != "plain"
                    and ("response_format" in body.lower() or "json_schema" in body.lower())
                ):
                    self.mode = "json_object" if self.mode == "json_schema" else "plain"
                    self.report(
                        "the server refused the response_format; asking again "
                        + ("in JSON mode" if self.mode == "json_object" else "without one")
                        + ", with the schema in the instructions"
                    )
                    continue
                if status == 429:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    if wait is not None and wait > RETRY_AFTER_CAP:
                        raise LLMError(
                            f"{settings.endpoint} is rate limiting (HTTP 429) and asks to wait "
                            f"{wait:.0f} s, more than {RETRY_AFTER_CAP:.0f} s; try again later. "
                            "Nothing was written."
                        )
                    delay = wait if wait is not None else delay
                    failure = "rate limited (HTTP 429)"
                elif status >= 500:
                    failure = f"{settings.endpoint} answered HTTP {status}: {_excerpt(body)}"
                elif status >= 400:
                    hint = {
                        401: " (check --llm-api-key or BRIEF_LLM_API_KEY)",
                        403: " (check --llm-api-key or BRIEF_LLM_API_KEY)",
                        404: " (check --llm-base-url: it usually ends in /v1; and --llm-model)",
                    }.get(status, "")
                    raise LLMError(
                        f"{settings.endpoint} refused the request: HTTP {status}: "
                        f"{_excerpt(body)}{hint}. Nothing was written."
                    )
                else:
                    content = _completion_content(response)
                    if content is not None:
                        return content
                    failure = (
                        f"{settings.endpoint} did not answer with a chat completion: "
                        f"{_excerpt(body)}"
                    )
            attempt += 1
            if attempt >= self.max_attempts:
                raise LLMError(f"{failure}; gave up after {attempt} attempts. Nothing was written.")
            self.report(
                f"{failure}; retrying in {delay:.1f} s "
                f"(attempt {attempt + 1} of {self.max_attempts})"
            )
            self.sleep(delay)


def _completion_content(response: Any) -> str | None:
    try:
        data = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)
_THINKING = re.compile(r"^\s*<think>.*?</think>", re.S)  # reasoning models' preamble


def parse_reply(content: str) -> dict[str, Any]:
    """The JSON object of a reply, or ValueError.

    Tolerated around it: a reasoning model's `<think>` block, a Markdown code fence, a sentence
    before or after the object.
    """
    content = _THINKING.sub("", content)
    match = _FENCE.match(content)
    if match:
        content = match.group(1)
    try:
        data = json.loads(content)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError:
        first, last = content.find("{"), content.rfind("}")
        if first < 0 or last < first:
            raise
        try:
            data = json.loads(content[first : last + 1])
        except (ValueError, RecursionError):
            raise ValueError("no JSON object could be read from the reply") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    return data


# --- Grounding the model's items -----------------------------------------------------------------


@dataclass
class Failure:
    """An item of a reply that did not pass, with every reason."""

    field: str
    item: Any
    reasons: list[str]
    key: tuple[Any, ...] = ()
    listed: bool = False  # the item is one of a list (`key[0]`), else the value of `key[0]`

    def describe(self) -> str:
        shown = json.dumps(self.item, ensure_ascii=False)
        return f"- {self.field} {_excerpt(shown, 400)}:\n" + "\n".join(
            f"    - {r}" for r in self.reasons
        )

    def summary(self) -> str:
        """A few words naming the item for the user: its id, candidate, words or value."""
        item = self.item
        if isinstance(item, dict):
            for name in ("id", "candidate", "text", "what", "action", "name"):
                if isinstance(item.get(name), str):
                    return _excerpt(item[name], 60)
        return _excerpt(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False), 60)


@dataclass
class Ledger:
    """Items accepted so far, over every round and window."""

    title: str | None = None
    bottom_line: str | None = None
    why_it_matters: str | None = None
    key_points: list[str] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    numbers: list[Figure] = field(default_factory=list)
    outlook: list[OutlookItem] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    same_as: dict[str, str] = field(default_factory=dict)  # a model's id -> the party's own id

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    @property
    def count(self) -> int:
        scalars = sum(x is not None for x in (self.title, self.bottom_line, self.why_it_matters))
        lists = (
            self.key_points,
            self.parties,
            self.actions,
            self.numbers,
            self.outlook,
            self.quotes,
        )
        return scalars + sum(len(x) for x in lists)


@dataclass
class ArticleFacts:
    """The source and what is known of it, with the rules' figure candidates by id."""

    source: SourceText
    title: str | None
    date: dt.date
    published: dt.date | None
    candidates: dict[str, Number]

    @classmethod
    def of(
        cls, text: str, title: str | None, date: dt.date, published: dt.date | None
    ) -> ArticleFacts:
        numbers = find_numbers(text)
        return cls(
            SourceText(text), title, date, published, {f"n{i}": n for i, n in enumerate(numbers, 1)}
        )


def _resolved_dates(article: ArticleFacts) -> set[str]:
    """The dates the article gives, as the rules resolve them: "Friday", "next month", "April 2"."""
    from generator.draft.dates import find_dates, resolve_number_date

    published = article.published or article.date
    numbers = list(article.candidates.values())
    mentions = find_dates(article.source.text, published, numbers)
    found = {m.value for m in mentions} | {m.until for m in mentions if m.until}
    for number in numbers:
        # a day without a year may be the last one up to the story, the next, or the nearest
        for tense in ("past", "future", None):
            value = resolve_number_date(number, published, tense) if number.kind == "date" else None
            if value:
                found.add(value)
    return found


def _folded(text: str) -> str:
    return normalise(text).casefold()


def _identity(name: str, raw: Any) -> tuple[Any, ...]:
    """What makes a corrected item the same item: a party's id, a figure's candidate, and so on."""
    get = raw.get if isinstance(raw, dict) else (lambda _key: None)
    fields = {
        "parties": ("id",), "numbers": ("candidate",), "quotes": ("speaker",),
        "actions": ("actor", "action"), "outlook": ("kind",),
    }.get(name, ())  # fmt: skip
    return (name, *(str(get(f)) for f in fields))


class Grader:
    """Proves each item of a reply against the article and adds the ones that pass to the ledger."""

    def __init__(self, article: ArticleFacts, ledger: Ledger, prompt_text: str) -> None:
        self.article = article
        self.ledger = ledger
        self.prompt = normalise(prompt_text).lower()
        numbers = list(article.candidates.values())
        self.source_values = {n.value for n in numbers if n.value is not None}
        self.source_values |= {n.value_high for n in numbers if n.value_high is not None}
        self.source_dates = {n.date for n in numbers if n.date}
        self.accepted: set[tuple[Any, ...]] = set()  # identities of items that passed
        self.resolved_dates = _resolved_dates(article)
        self.example_names = EXAMPLE_NAMES - set(_NAME.findall(article.source.text))
        self.ignored: set[str] = set()  # top-level fields of a reply that a brief does not have

    # evidence, dates and numbers ------------------------------------------------------------------

    def ground(self, evidence: str, reasons: list[str]) -> str | None:
        """The exact words of the source that `evidence` names, or None with the reason."""
        text = evidence.strip()
        found = self.article.source.locate(text)
        if found is not None:
            return self.article.source.text[found[0] : found[1]]
        if normalise(text).lower() in self.prompt:
            reasons.append(
                f"evidence {_excerpt(text, 80)!r} is copied from the instructions or their "
                "example, not from the article"
            )
            return None
        hint = self.article.source.closest(text)
        suffix = f"; the closest passage is {_excerpt(hint, 160)!r}" if hint else ""
        reasons.append(f"evidence {_excerpt(text, 80)!r} is not in the article{suffix}")
        return None

    def check_date(self, name: str, value: str | None, reasons: list[str]) -> None:
        """A date must be one the article writes, or the story's own date, at most as precise."""
        if value is None:
            return
        story = self.article.published or self.article.date
        known = {self.article.date.isoformat(), story.isoformat()}
        for written in self.source_dates:
            # "March 14" with no year is the story's year, or the nearest (in resolved_dates)
            known.add(f"{story.year}{written[1:]}" if written.startswith("--") else written)
        if any(date.startswith(value) for date in known | self.resolved_dates):
            return
        reasons.append(f"{name} {value} is not a date the article gives")

    def _prose_dates(self) -> set[str]:
        dates = {f.date for f in self.ledger.numbers if f.date}
        dates |= {a.date for a in self.ledger.actions if a.date}
        dates |= {o.when for o in self.ledger.outlook if o.when}
        dates |= {o.until for o in self.ledger.outlook if o.until}
        dates.add(self.article.date.isoformat())
        if self.article.published:
            dates.add(self.article.published.isoformat())
        return dates

    def check_prose(
        self, name: str, text: str | None, reasons: list[str], *, echo: bool = False
    ) -> None:
        """Numbers and dates in prose must be among the figures (as `brief check` demands).

        With `echo`, a number of the source is enough: an action's words echo its evidence.
        """
        if not text:
            return
        borrowed = sorted(set(_NAME.findall(text)) & self.example_names)
        if borrowed:
            reasons.append(
                f"{name}: {', '.join(map(repr, borrowed))} comes from the instructions' example, "
                "not from the article"
            )
        figures = self.ledger.numbers
        written = {normalise(f.as_written).lower() for f in figures}
        values = {f.value for f in figures if f.value is not None}
        values |= {f.value_high for f in figures if f.value_high is not None}
        dates = self._prose_dates()
        for number in find_numbers(text):
            if normalise(number.as_written).lower() in written:
                continue
            if number.kind in ("date", "year"):
                read = number.date or ""
                if read and any(_same_date(read, d) for d in dates):
                    continue
                in_source = bool(read) and any(
                    _same_date(read, d) or _same_date(d, read) for d in self.source_dates
                )
            else:
                if number.value in values:
                    continue
                in_source = number.value in self.source_values
            if echo and in_source:
                continue
            if in_source:
                reasons.append(
                    f"{name}: {number.as_written!r} is not among the figures you listed; "
                    "list its candidate in `numbers` or leave it out"
                )
            else:
                reasons.append(f"{name}: {number.as_written!r} is not in the article")

    def check_party(self, name: str, party_id: str | None, reasons: list[str]) -> None:
        if party_id is not None and party_id not in self.ledger.party_ids:
            known = ", ".join(self.ledger.party_ids) or "none yet"
            reasons.append(f"{name} {party_id!r} is not one of the parties (known: {known})")

    # items ----------------------------------------------------------------------------------------

    def grade(self, reply: dict[str, Any]) -> list[Failure]:
        """Accept what passes; return the failures, each with its reasons."""
        failures: list[Failure] = []
        # Fields a brief does not have hold nothing to prove or keep; asking again is no use.
        self.ignored.update(set(reply) - set(DraftReply.model_fields))
        for name in ("parties", "numbers", "quotes", "actions", "outlook"):
            items = reply.get(name) or []
            if not isinstance(items, list):
                failures.append(Failure(name, items, [f"{name} must be a list"], (name,)))
                continue
            for index, raw in enumerate(items):
                reasons: list[str] = []
                self._grade_item(name, raw, reasons)
                if reasons:
                    failures.append(
                        Failure(f"{name}[{index}]", raw, reasons, _identity(name, raw), listed=True)
                    )
                else:
                    self.accepted.add(_identity(name, raw))
        self._grade_prose(reply, failures)
        return failures

    def regrade(self, failures: list[Failure]) -> list[Failure]:
        """Failures that still fail now that more items stand (a figure a bottom line needed)."""
        kept = []
        for failure in failures:
            name = failure.key[0] if failure.key else ""
            if name not in DraftReply.model_fields:
                kept.append(failure)
                continue
            again = self.grade({name: [failure.item] if failure.listed else failure.item})
            if again:
                failure.reasons = again[0].reasons
                kept.append(failure)
        return kept

    def _validated(self, model: type[Model], raw: Any, reasons: list[str]) -> Any:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ".".join(str(p) for p in error["loc"]) or "item"
                reasons.append(f"{where}: {error['msg']}")
            return None

    def _grade_item(self, name: str, raw: Any, reasons: list[str]) -> None:
        if isinstance(raw, dict):
            # null and "" mean "not given"; models write them for optional fields
            raw = {k: v for k, v in raw.items() if v is not None and v != ""}
            if name == "numbers":
                raw = self._figure_by_words(raw)
            for key in ("actor", "target", "party", "speaker"):
                if raw.get(key) in self.ledger.same_as:
                    raw[key] = self.ledger.same_as[raw[key]]
        item = self._validated(_LISTS[name], raw, reasons)
        if item is None:
            return
        getattr(self, f"_grade_{name}")(item, reasons)

    def _grade_parties(self, item: Any, reasons: list[str]) -> None:
        names = {_folded(item.name), *map(_folded, item.aliases)}
        for index, party in enumerate(self.ledger.parties):
            same_name = bool(names & {_folded(party.name), *map(_folded, party.aliases)})
            if party.id == item.id and not same_name:
                reasons.append(
                    f"id {item.id!r} is already used by {party.name!r}; choose another id"
                )
                return
            if same_name:
                if party.id != item.id:
                    self.ledger.same_as[item.id] = party.id  # one party, two ids: keep the first
                self.ledger.parties[index] = self._enrich(party, item)
                return
        evidence = self.ground(item.evidence, reasons)
        for key in ("name", "role", "stance"):
            self.check_prose(f"parties.{key}", getattr(item, key), reasons, echo=True)
        if reasons or evidence is None:
            return
        data = item.model_dump(exclude_none=True) | {"evidence": evidence}
        self.ledger.parties.append(Party.model_validate(data))

    def _enrich(self, party: Party, item: Any) -> Party:
        """A known party with the role, stance and aliases the model adds, where they hold."""
        updates: dict[str, Any] = {}
        for key in ("role", "stance"):
            value = getattr(item, key)
            if value and getattr(party, key) is None:
                problems: list[str] = []
                self.check_prose(key, value, problems, echo=True)
                if not problems:
                    updates[key] = value
        known = {_folded(party.name), *map(_folded, party.aliases)}
        aliases = [
            alias for alias in item.aliases
            if _folded(alias) not in known and self.article.source.locate(alias) is not None
        ]  # fmt: skip
        if aliases:
            updates["aliases"] = [*party.aliases, *aliases]
        return party.model_copy(update=updates) if updates else party

    def _grade_numbers(self, item: Any, reasons: list[str]) -> None:
        number = self.article.candidates.get(item.candidate)
        evidence = self.ground(item.evidence, reasons)
        self.check_party("party", item.party, reasons)
        self.check_prose("measures", item.measures, reasons, echo=True)
        if item.unit and find_numbers(item.unit):
            reasons.append(f"unit {item.unit!r} holds a number; give the unit in words")
        if number is None:
            reasons.append(
                f"{item.candidate!r} is not one of the figure candidates "
                f"(n1 to n{len(self.article.candidates)})"
            )
            return
        if evidence is not None and normalise(number.as_written) not in normalise(evidence):
            reasons.append(
                f"the evidence does not contain {item.candidate} ({number.as_written!r})"
            )
        if reasons or evidence is None:
            return
        figure = self._figure(number, item, evidence, reasons)
        if figure is None:
            return
        key = (normalise(figure.as_written), normalise(figure.evidence.text))
        if any(
            (normalise(f.as_written), normalise(f.evidence.text)) == key
            for f in self.ledger.numbers
        ):
            return
        self.ledger.numbers.append(figure)

    def _figure_by_words(self, raw: dict[str, Any]) -> dict[str, Any]:
        """A figure given by its words rather than its candidate id: find the candidate.

        Models that ignore the schema write `as_written`, `value` and `kind`; the value is read
        from the article in any case, so those are dropped, and the words name the candidate.
        """
        written = raw.get("as_written")
        raw = {k: v for k, v in raw.items() if k not in _READ_FROM_ARTICLE}
        if "candidate" in raw or not isinstance(written, str):
            return raw
        matches = [
            key
            for key, n in self.article.candidates.items()
            if normalise(n.as_written).lower() == normalise(written).lower()
        ]
        evidence = raw.get("evidence")
        if isinstance(evidence, str) and len(matches) > 1:
            found = self.article.source.locate(evidence.strip())
            inside = [
                key
                for key in matches
                if found and found[0] <= self.article.candidates[key].start < found[1]
            ]
            matches = inside or matches
        if matches:
            raw["candidate"] = matches[0]
        return raw

    def _figure(
        self, number: Number, item: Any, evidence: str, reasons: list[str]
    ) -> Figure | None:
        data: dict[str, Any] = {
            "as_written": number.as_written,
            "kind": number.kind,
            "value": number.value,
            "value_high": number.value_high,
            "qualifier": number.qualifier,
            "unit": number.unit or item.unit,
            "measures": item.measures,
            "party": item.party,
            "evidence": evidence,
        }
        if number.kind == "money":
            currency, basis = self._currency(number, item.currency, reasons)
            data |= {"currency": currency, "currency_basis": basis}
        if number.date:
            date = number.date
            if date.startswith("--"):
                # No year is written: the model's year when it is the last one up to the
                # story or the next (as the rules resolve it), else the nearest.
                from generator.draft.dates import resolve_number_date

                story = self.article.published or self.article.date
                near = {resolve_number_date(number, story, t) for t in ("past", "future")}
                date = item.date if item.date in near else resolve_number_date(number, story) or ""
            data["date"] = date
        if reasons:
            return None
        try:
            return Figure.model_validate(data)
        except ValidationError as exc:
            reasons.extend(
                f"{'.'.join(map(str, e['loc'])) or 'figure'}: {e['msg']}" for e in exc.errors()
            )
            return None

    def _currency(
        self, number: Number, stated: str | None, reasons: list[str]
    ) -> tuple[str | None, str | None]:
        found = number.currency
        if found and found in CODES:
            basis = "code" if found in number.as_written.upper() else "symbol"
            return found, basis
        if found == "GBX":
            return "GBP", "word"
        if stated and currency_matches(found, stated):
            return stated, "context"
        reasons.append(
            f"{number.as_written!r} does not say which currency; give `currency` as an ISO code "
            "(USD, CAD, AUD...) that the article's context supports"
        )
        return None, None

    def _grade_quotes(self, item: Any, reasons: list[str]) -> None:
        self.check_party("speaker", item.speaker, reasons)
        evidence = self.ground(item.evidence, reasons)
        source = self.article.source
        found = locate_quote(source, item.text)
        if found is None:
            reasons.append(f"the quote {_excerpt(item.text, 80)!r} is not verbatim in the article")
        elif evidence is not None and locate_quote(SourceText(evidence), item.text) is None:
            reasons.append(
                "the quote's words are not in its evidence; cite the passage that holds them"
            )
        if reasons or evidence is None or found is None:
            return
        text = item.text
        if "..." not in text and "\u2026" not in text:
            text = source.text[found[0] : found[1]]
        if any(normalise(q.text) == normalise(text) for q in self.ledger.quotes):
            return
        data = item.model_dump(exclude_none=True) | {"text": text, "evidence": evidence}
        self.ledger.quotes.append(Quote.model_validate(data))

    def _grade_actions(self, item: Any, reasons: list[str]) -> None:
        self.check_party("actor", item.actor, reasons)
        self.check_party("target", item.target, reasons)
        self.check_date("date", item.date, reasons)
        self.check_prose("action", item.action, reasons, echo=True)
        evidence = self.ground(item.evidence, reasons)
        if reasons or evidence is None:
            return
        if any(
            a.actor == item.actor and normalise(a.evidence.text) == normalise(evidence)
            for a in self.ledger.actions
        ):
            return
        self.ledger.actions.append(
            Action.model_validate(item.model_dump(exclude_none=True) | {"evidence": evidence})
        )

    def _grade_outlook(self, item: Any, reasons: list[str]) -> None:
        self.check_date("when", item.when, reasons)
        self.check_date("until", item.until, reasons)
        if item.when and item.until and item.until < item.when:
            reasons.append("`until` is before `when`")
        self.check_prose("what", item.what, reasons)
        self.check_prose("trigger", item.trigger, reasons)
        evidence = self.ground(item.evidence, reasons)
        if reasons or evidence is None:
            return
        if any(
            normalise(o.what).lower() == normalise(item.what).lower() for o in self.ledger.outlook
        ):
            return
        data = item.model_dump(exclude_none=True) | {
            "evidence": evidence,
            "basis": "stated_in_source",
        }
        self.ledger.outlook.append(OutlookItem.model_validate(data))

    def _grade_prose(self, reply: dict[str, Any], failures: list[Failure]) -> None:
        schema = DraftReply.model_fields
        for name in ("title", "bottom_line", "why_it_matters"):
            value = reply.get(name)
            if value is None or getattr(self.ledger, name) is not None:
                continue  # the first grounded one stands
            reasons: list[str] = []
            text = self._validated_value(name, schema[name].annotation, value, reasons)
            self.check_prose(name, text, reasons)
            if reasons:
                failures.append(Failure(name, value, reasons, (name,)))
            else:
                setattr(self.ledger, name, text)
                self.accepted.add((name,))
        for name in ("key_points", "tags"):
            values = reply.get(name) or []
            if not isinstance(values, list):
                failures.append(
                    Failure(name, values, [f"{name} must be a list of strings"], (name,))
                )
                continue
            for index, value in enumerate(values):
                reasons = []
                text = self._validated_value(
                    name, Text if name == "key_points" else Line, value, reasons
                )
                self.check_prose(name, text, reasons)
                if reasons or text is None:
                    label = f"{name}[{index}]"
                    failures.append(Failure(label, value, reasons, (name, index), listed=True))
                    continue
                self.accepted.add((name, index))
                if name == "tags":
                    text = text.lower()
                kept: list[str] = getattr(self.ledger, name)
                if all(normalise(k).lower() != normalise(text).lower() for k in kept):
                    kept.append(text)

    def _validated_value(
        self, name: str, annotation: Any, value: Any, reasons: list[str]
    ) -> str | None:
        try:
            result = TypeAdapter(annotation).validate_python(value)
        except ValidationError as exc:
            reasons.extend(f"{name}: {e['msg']}" for e in exc.errors(include_url=False))
            return None
        return result if isinstance(result, str) else None


# --- Orchestration -------------------------------------------------------------------------------


def find_windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Spans of `text` of about `size` characters, cut between paragraphs, covering all of it."""
    paragraphs = [
        (m.start(), m.end()) for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", text, re.S)
    ]
    windows: list[tuple[int, int]] = []
    start = end = None
    for p_start, p_end in paragraphs:
        if start is not None and end is not None and p_end - start > size:
            windows.append((start, end))
            start = None
        if start is None:
            start = p_start
        end = p_end
        # A paragraph longer than a window is cut at sentence ends, never dropped.
        while end - start > size:
            cut = text.rfind(". ", start, start + size)
            cut = cut + 1 if cut > start else start + size
            windows.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
    if start is not None and end is not None and end > start:
        windows.append((start, end))
    return windows


def _window_message(
    article: ArticleFacts, ledger: Ledger, span: tuple[int, int], index: int, total: int
) -> str:
    text = article.source.text
    lines = []
    if article.title:
        lines.append(f"Headline: {article.title}")
    if article.published:
        lines.append(f"Published: {article.published.isoformat()}")
    if ledger.parties:
        lines.append("Parties found so far (reuse these ids):")
        lines.extend(f"- {p.id}: {p.name} ({p.kind})" for p in ledger.parties)
    in_window = [(key, n) for key, n in article.candidates.items() if span[0] <= n.start < span[1]]
    if in_window:
        lines.append("Figure candidates in this passage (id: as written):")
        lines.extend(f"- {key}: {n.as_written}" for key, n in in_window)
    else:
        lines.append("This passage holds no figure candidates: leave `numbers` empty.")
    if total > 1:
        lines.append(f"Article, passage {index} of {total} (the rest is drafted separately):")
        if index > 1:
            lines.append("Give title and bottom_line only if the passages before gave none.")
    else:
        lines.append("Article:")
    lines.append("<<<")
    lines.append(text[span[0] : span[1]])
    lines.append(">>>")
    return "\n".join(lines)


def _correction_message(failures: list[Failure]) -> str:
    return (
        "These items failed the checks against the article:\n"
        + "\n".join(f.describe() for f in failures)
        + "\nReply with one JSON object of the same shape holding only corrected versions of "
        "these items. Copy evidence from the article exactly. Leave out any item the article "
        "does not support."
    )


def _ask_json(client: ChatClient, messages: list[dict[str, str]]) -> tuple[dict[str, Any], str]:
    """Ask until the reply is a JSON object, within the attempt budget; the object and its text."""
    problem = ""
    for attempt in range(1, client.max_attempts + 1):
        content = client.ask(messages)
        try:
            return parse_reply(content), content
        except ValueError as exc:
            problem = str(exc)
        if attempt < client.max_attempts:
            client.report(f"the reply was not a JSON object ({problem}); asking again")
            messages = [
                *messages,
                {"role": "assistant", "content": content[:4_000]},
                {
                    "role": "user",
                    "content": (
                        f"That was not a JSON object ({problem}). Reply with only the JSON object."
                    ),
                },
            ]
    raise LLMError(
        f"the model at {client.settings.endpoint} did not reply with a JSON object after "
        f"{client.max_attempts} attempts (last: {problem}). Nothing was written."
    )


def draft_window(
    client: ChatClient,
    article: ArticleFacts,
    ledger: Ledger,
    span: tuple[int, int],
    index: int,
    total: int,
) -> list[Failure]:
    """Draft one window: ask, grade, send failures back up to MAX_REASKS times; return the rest."""
    messages = [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": _window_message(article, ledger, span, index, total)},
    ]
    grader = Grader(article, ledger, INSTRUCTIONS)
    reply, content = _ask_json(client, messages)
    failures = grader.grade(reply)
    for _ in range(MAX_REASKS):
        if not failures:
            break
        client.report(
            f"passage {index} of {total}: {len(failures)} item(s) failed the checks "
            f"({', '.join(f.field for f in failures)}); sending them back"
        )
        messages = [
            *messages,
            {"role": "assistant", "content": content},
            {"role": "user", "content": _correction_message(failures)},
        ]
        reply, content = _ask_json(client, messages)
        failures = grader.regrade(_still_failing(failures, grader.grade(reply), grader.accepted))
    if grader.ignored:
        names = ", ".join(sorted(grader.ignored))
        client.report(f"passage {index} of {total}: ignored fields a brief does not have: {names}")
    return failures


def _still_failing(
    before: list[Failure], after: list[Failure], accepted: set[tuple[Any, ...]]
) -> list[Failure]:
    """Failures left after a correction: the new ones, and the old ones not corrected or left out.

    An item the model leaves out of its correction is still reported: nothing goes silently.
    """
    answered = {f.key for f in after} | accepted
    labels = {f.key: f.field for f in before}
    for failure in after:
        # Name a corrected item as the first reply did, so reports refer to one item.
        failure.field = labels.get(failure.key, failure.field)
    return [f for f in before if f.key not in answered] + after


def draft_brief_with_llm(
    text: str,
    *,
    settings: LLMSettings,
    date: dt.date,
    title: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    base: Brief | None = None,
    report: Reporter,
    drop: Callable[[Failure], None] | None = None,
    window_chars: int = WINDOW_CHARS,
    client: ChatClient | None = None,
) -> Brief:
    """Draft a brief of `text` with the model, every item grounded; `base` is the rules' draft."""
    article = ArticleFacts.of(text, title, date, published)
    ledger = Ledger(parties=list(base.parties) if base else [])
    windows = find_windows(text, window_chars)
    if not windows:
        raise LLMError("the article is empty; nothing was sent and nothing was written")
    own = client is None
    client = client or ChatClient(settings, report)
    try:
        for index, span in enumerate(windows, 1):
            before = ledger.count
            failures = draft_window(client, article, ledger, span, index, len(windows))
            for failure in failures:
                (drop or (lambda f: report(f"dropped {f.field}: {'; '.join(f.reasons)}")))(failure)
            report(
                f"passage {index} of {len(windows)}: {ledger.count - before} item(s) kept, "
                f"{len(failures)} dropped"
            )
    finally:
        if own:
            client.close()
    return compose_brief(ledger, base, article, url=url, outlet=outlet, author=author)


def compose_brief(
    ledger: Ledger,
    base: Brief | None,
    article: ArticleFacts,
    *,
    url: str | None,
    outlet: str | None,
    author: str | None,
) -> Brief:
    """The brief: the model's grounded items first, then the rules' items it did not repeat."""
    title = ledger.title or (base.title if base else None) or article.title
    bottom_line = ledger.bottom_line or (base.bottom_line if base else None)
    if not title or not bottom_line:
        missing = "bottom line" if not bottom_line else "title"
        raise LLMError(f"the model gave no {missing} that passes the checks; nothing was written")
    source = article.source
    rules: Any = base or SimpleNamespace(
        key_points=[], actions=[], numbers=[], outlook=[], quotes=[], tags=[]
    )

    def merged(name: str, same: Callable[[Any, Any], bool]) -> list[Any]:
        # A rules' item the model restated (same kind of thing, overlapping evidence) gives way.
        own = getattr(ledger, name)
        spans = [(item, _span(source, item)) for item in own]
        kept = list(own)
        for item in getattr(rules, name):
            span = _span(source, item)
            if not any(same(item, other) and _overlap(span, at) for other, at in spans):
                kept.append(item)
        return kept

    data: dict[str, Any] = {
        "title": title,
        "date": article.date,
        "status": "draft",
        "bottom_line": bottom_line,
        "why_it_matters": ledger.why_it_matters or (base.why_it_matters if base else None),
        # The model's points, or else the rules': two lists of points would repeat each other.
        "key_points": ledger.key_points or rules.key_points,
        "parties": ledger.parties,
        "actions": merged("actions", lambda a, b: a.actor == b.actor),
        "numbers": merged("numbers", lambda a, b: _folded(a.as_written) == _folded(b.as_written)),
        "outlook": merged("outlook", lambda a, b: True),
        "quotes": merged("quotes", lambda a, b: a.speaker == b.speaker),
        "tags": _merge_text(ledger.tags, rules.tags),
        "notes": base.notes if base else "",
    }
    if base is not None:
        data["source"] = base.source
    else:
        from generator.content import source_digest

        data["source"] = Source(
            outlet=outlet, url=url, published=article.published, author=author,
            title=article.title, sha256=source_digest(article.source.text),
        )  # fmt: skip
    if base is not None and base.slug:
        data["slug"] = base.slug
    try:
        return Brief.model_validate(data)
    except ValidationError as exc:
        raise LLMError(
            f"the drafted brief is not valid ({exc.error_count()} errors): {exc}"
        ) from None


def _span(source: SourceText, item: Any) -> tuple[int, int] | None:
    evidence = getattr(item, "evidence", None)
    return source.locate(evidence.text) if evidence is not None else None


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _merge(first: list[Any], second: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    seen = set()
    merged = []
    for item in [*first, *second]:
        k = key(item)
        if k in seen:
            continue
        seen.add(k)
        merged.append(item)
    return merged


def _merge_text(first: list[str], second: list[str]) -> list[str]:
    return _merge(first, second, lambda t: normalise(t).lower())


def describe_destination(settings: LLMSettings) -> str:
    """The line saying where the article goes (no key, ever)."""
    shown = re.sub(r"//[^/@\s]*@", "//", settings.base_url)  # user:password@ stays private
    return f"Sending the article to {shown} (model {settings.model})"


# --- The command's side: options, and the proof before anything is written -----------------------


def draft_with_options(
    options: Mapping[str, Any],
    text: str,
    *,
    date: dt.date,
    base: Brief | None,
    article_path: str,
    title: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    echo: Reporter,
) -> Brief:
    """Run `--llm` drafting from the command's options; dropped items are reported via `echo`."""
    settings = load_settings(
        options.get("llm_base_url"), options.get("llm_model"),
        options.get("llm_api_key"), options.get("llm_timeout"),
    )  # fmt: skip
    _load_httpx()  # before saying where the article goes: it may not go anywhere
    echo(describe_destination(settings))

    def report(message: str) -> None:
        echo(f"{article_path}: llm: {settings.redact(message)}")

    def drop(failure: Failure) -> None:
        reasons = settings.redact("; ".join(failure.reasons))
        echo(f"{article_path}: {failure.field}: dropped {failure.summary()!r}: {reasons}")

    return draft_brief_with_llm(
        text, settings=settings, date=date, title=title, published=published, url=url,
        outlet=outlet, author=author, base=base, report=report, drop=drop,
    )  # fmt: skip


def check_draft(brief: Brief, text: str, write: Callable[[Path, Brief, str], Path]) -> None:
    """Write the draft to a scratch folder and prove it as `brief check` would; LLMError if not."""
    import tempfile

    from generator.check import check_bundle
    from generator.content import load_brief

    with tempfile.TemporaryDirectory(prefix="brief-draft-") as scratch:
        brief_path = write(Path(scratch), brief, text)
        if brief_path.is_dir():
            brief_path = brief_path / "brief.md"
        bundle, problems = load_brief(brief_path, Path(scratch))
        if bundle is not None:
            problems += check_bundle(bundle)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines = "; ".join(f"{p.field}: {p.message}" for p in errors)
        raise LLMError(f"the draft does not pass `brief check` ({lines}); nothing was written")
