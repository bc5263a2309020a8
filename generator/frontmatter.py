"""Strict YAML for content files: YAML 1.2, no aliases, no tags, no duplicate keys, a line for
every node.

Content files are edited by many hands and may come from anywhere, so the reader refuses what a
plain `yaml.load` lets through: an alias bomb, a `!!python/object` tag, a duplicate key that
silently wins, `NO` turning into False (YAML 1.2 keeps it a string), a float losing its digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

MAX_DEPTH = 20
MAX_NODES = 100_000
MAX_NUMBER = 40  # characters: no figure of the news needs more

Path = tuple[str | int, ...]

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


# Markers the resolver hands the composer; _Builder resolves plain scalars itself (YAML 1.2
# core schema), which is several times faster than the library's regex table per scalar.
_PLAIN = Tag(suffix="tag:yaml.org,2002:str")
_QUOTED = Tag(suffix="tag:yaml.org,2002:str")
_SEQ = Tag(suffix="tag:yaml.org,2002:seq")
_MAP = Tag(suffix="tag:yaml.org,2002:map")


class _MarkerResolver(VersionedResolver):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        return _SEQ if kind is SequenceNode else _MAP


def _make_yaml() -> YAML:
    try:
        yaml = YAML(typ="safe", pure=False)  # libyaml scans and composes: ten times faster
    except Exception:  # pragma: no cover - no C extension on this interpreter
        yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _MarkerResolver
    yaml.allow_duplicate_keys = False
    return yaml


_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9][0-9_]*\Z|0o[0-7_]+\Z|0x[0-9a-fA-F_]+\Z")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"
)


_YAML = _make_yaml()
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


class YamlProblem(Exception):
    """A problem at a line of a YAML text (1-based, in the text given)."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message


@dataclass
class Parsed:
    """Plain data from YAML, with the line of every value by its path (loaded on first use)."""

    data: Any
    _lines: dict[Path, int] | None = None
    _load_lines: Callable[[], dict[Path, int]] | None = None

    @property
    def lines(self) -> dict[Path, int]:
        if self._lines is None:
            self._lines = self._load_lines() if self._load_lines is not None else {}
        return self._lines

    def line_of(self, path: Path) -> int:
        """The line of the deepest node on `path` that exists."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def dotted(path: Path) -> str:
    """`('numbers', 2, 'value')` as `numbers[2].value`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split `---` YAML `---` from the Markdown body; return (yaml, body, line where the body
    starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise YamlProblem(
            1, "", "expected YAML front matter between '---' lines at the top of the file"
        )
    yaml_text = match.group(1) or ""
    body = text[match.end() :]
    return yaml_text, body, text.count("\n", 0, match.end()) + 1


def parse_yaml(text: str, line_offset: int = 0) -> Parsed:
    """Parse one YAML document into plain data; raise YamlProblem with the line of the first
    fault."""
    if "&" in text:
        _refuse_anchors(text, line_offset)
    try:
        node = _YAML.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise YamlProblem(
            line, "", f"invalid YAML: {_first_line(exc.problem or exc.context)}"
        ) from None
    except YAMLError as exc:
        raise YamlProblem(1 + line_offset, "", f"invalid YAML: {_first_line(exc)}") from None
    lines: dict[Path, int] = {}
    if node is None:
        return Parsed({}, {(): 1 + line_offset})
    builder = _Builder(lines, line_offset)
    data = builder.build(node, (), 0)
    lines.setdefault((), node.start_mark.line + 1 + line_offset)
    return Parsed(data, lines)


def _first_line(message: object) -> str:
    # libyaml appends `in "<unicode string>", position N` on a line of its own: one line only.
    return str(message).strip().splitlines()[0] if str(message).strip() else "syntax error"


def _refuse_anchors(text: str, line_offset: int) -> None:
    try:
        for event in _YAML.parse(text):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                kind = "alias" if type(event).__name__ == "AliasEvent" else "anchor"
                raise YamlProblem(
                    event.start_mark.line + 1 + line_offset,
                    "",
                    f"YAML {kind} '{anchor}' is not allowed in content; write the value out",
                )
    except YAMLError:
        return  # compose reports the syntax error with its line


class _Builder:
    def __init__(self, lines: dict[Path, int], line_offset: int) -> None:
        self.lines = lines
        self.offset = line_offset
        self.seen: set[int] = set()
        self.count = 0

    def _line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def build(self, node: Node, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(
                self._line(node), dotted(path), f"nested deeper than {MAX_DEPTH} levels"
            )
        # libyaml resolves an alias to the very node it names: a node met twice is an alias.
        if id(node) in self.seen:
            raise YamlProblem(
                self._line(node), dotted(path), "YAML aliases are not allowed in content"
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem(self._line(node), dotted(path), f"more than {MAX_NODES} values")
        ctag = node.ctag
        if ctag is not _PLAIN and ctag is not _QUOTED and ctag is not _SEQ and ctag is not _MAP:
            tag = str(ctag)
            if tag not in _CORE_TAGS:
                raise YamlProblem(
                    self._line(node), dotted(path), f"YAML tag {tag!r} is not allowed in content"
                )
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = self._line(item)
                items.append(self.build(item, (*path, index), depth + 1))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(self._line(key_node), dotted(path), "keys must be plain words")
            if key_node.value == "<<" and key_node.ctag is _PLAIN:
                raise YamlProblem(
                    self._line(key_node), dotted(path), "YAML merge keys are not allowed"
                )
            key = str(key_node.value)
            if key in out:
                first = self.lines.get((*path, key), 0)
                raise YamlProblem(
                    self._line(key_node),
                    dotted((*path, key)),
                    f"duplicate key (first set on line {first})",
                )
            scalar = isinstance(value_node, ScalarNode)
            self.lines[(*path, key)] = self._line(value_node if scalar else key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        value = node.value
        ctag = node.ctag
        if ctag is _QUOTED:
            return value
        tag = _resolve_plain(value) if ctag is _PLAIN else str(ctag)
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(value) > MAX_NUMBER:
            raise YamlProblem(
                self._line(node),
                dotted(path),
                f"a number of {len(value)} characters; the limit is {MAX_NUMBER} "
                "(quote it if it is text)",
            )
        if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
            return value  # dates stay text: the schema decides what a date is
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            text = value.replace("_", "")
            try:
                return int(text, 0) if text.lower().startswith(("0x", "0o", "0b")) else int(text)
            except ValueError:
                return value
        if tag == "tag:yaml.org,2002:float":
            try:
                number = Decimal(value.replace("_", ""))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise YamlProblem(
                    self._line(node), dotted(path), f"{value!r} is not a finite number"
                )
            if number and abs(number.adjusted()) > MAX_NUMBER:
                raise YamlProblem(self._line(node), dotted(path), f"{value!r} is out of range")
            return number
        return value  # pragma: no cover - _CORE_TAGS covers every tag


def _resolve_plain(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar."""
    if value in _NULL:
        return "tag:yaml.org,2002:null"
    first = value[0]
    if first.isalpha() and first not in "tTfFnN":
        return "tag:yaml.org,2002:str"
    if value in _BOOL:
        return "tag:yaml.org,2002:bool"
    if _INT.match(value):
        return "tag:yaml.org,2002:int"
    if _FLOAT.match(value):
        return "tag:yaml.org,2002:float"
    return "tag:yaml.org,2002:str"
