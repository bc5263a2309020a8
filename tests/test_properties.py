"""Property tests: whatever bytes or text reach the loader, only the project's own errors escape."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.check import check_bundle
from generator.content import load_library
from generator.errors import BriefError, ProblemsError
from generator.frontmatter import YamlProblem, parse_yaml
from generator.render import render_pages

from .conftest import MINIMAL_BRIEF, MINIMAL_SOURCE

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Characters that mean something to YAML, Markdown or HTML, so that examples reach the parsers.
YAML_ALPHABET = st.sampled_from(
    list(":-[]{}&*!|>'\"#%@`,? \n\t\\.<>/=0123456789abcxyzNOTEte\u2028\u0085\x07\x00\ufeffé€")
)
yamlish = st.text(YAML_ALPHABET, max_size=200)


def write(folder: Path, brief: bytes, source: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.md").write_bytes(brief)
    (folder / "source.txt").write_bytes(source)


def load_quietly(content: Path) -> None:
    """Load, check and render a library: a ProblemsError is an answer, anything else a bug."""
    try:
        library = load_library(content)
    except ProblemsError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = problem.format()
            assert "\n" not in line and "Traceback" not in line
        return
    for bundle in library.bundles:
        check_bundle(bundle)
    render_pages(library, None, "Test")


@SETTINGS
@given(text=st.text(max_size=300) | yamlish)
def test_parse_yaml_raises_only_yaml_problem(text: str):
    try:
        parse_yaml(text)
    except YamlProblem as exc:
        assert exc.line >= 0 and "\n" not in exc.message


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_brief_bytes_give_problems_not_tracebacks(tmp_path: Path, data: bytes):
    write(tmp_path / "content" / "fuzz", data, MINIMAL_SOURCE.encode())
    load_quietly(tmp_path / "content")


@SETTINGS
@given(body=yamlish)
def test_any_front_matter_gives_problems_not_tracebacks(tmp_path: Path, body: str):
    write(tmp_path / "content" / "fuzz", f"---\n{body}\n---\n".encode(), MINIMAL_SOURCE.encode())
    load_quietly(tmp_path / "content")


@SETTINGS
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_source_bytes_give_problems_not_tracebacks(tmp_path: Path, data: bytes):
    write(tmp_path / "content" / "fuzz", MINIMAL_BRIEF.encode(), data)
    load_quietly(tmp_path / "content")


BRIEF_LINES = MINIMAL_BRIEF.splitlines()
VALUE_LINES = [n for n, line in enumerate(BRIEF_LINES) if ": " in line]


@SETTINGS
@given(where=st.sampled_from(VALUE_LINES), value=yamlish | st.text(max_size=60))
def test_any_value_in_a_valid_brief_gives_problems_not_tracebacks(
    tmp_path: Path, where: int, value: str
):
    lines = list(BRIEF_LINES)
    key = lines[where].split(": ", 1)[0]
    lines[where] = f"{key}: {value}"
    write(
        tmp_path / "content" / "fuzz", ("\n".join(lines) + "\n").encode(), MINIMAL_SOURCE.encode()
    )
    load_quietly(tmp_path / "content")


@SETTINGS
@given(
    title=st.text(min_size=1, max_size=80),
    point=st.text(min_size=1, max_size=80),
    notes=st.text(max_size=200),
    number=st.decimals(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=20),
)
def test_any_field_text_loads_or_is_refused(
    tmp_path: Path, title: str, point: str, notes: str, number: object
):
    """Field values of any kind, written as JSON (which is YAML): loaded and rendered, or
    refused."""
    assume(not isinstance(number, float))
    value = str(number) if not isinstance(number, int) else number
    brief = MINIMAL_BRIEF.replace("title: Acme to cut 1,200 jobs", f"title: {json.dumps(title)}")
    brief = brief.replace("tags: [jobs]", f"key_points: [{json.dumps(point)}]\ntags: [jobs]")
    brief = brief.replace("    value: 1200", f"    value: {json.dumps(value)}")
    brief = brief.replace("Notes with *emphasis*.", notes)
    write(tmp_path / "content" / "fuzz", brief.encode(), MINIMAL_SOURCE.encode())
    load_quietly(tmp_path / "content")


def test_parties_file_of_any_bytes_is_refused_cleanly(tmp_path: Path):
    pytest.importorskip("generator.parties", reason="the parties registry has not landed here yet")

    @SETTINGS
    @given(data=st.binary(max_size=300) | yamlish.map(str.encode))
    def check(data: bytes) -> None:
        write(tmp_path / "content" / "acme", MINIMAL_BRIEF.encode(), MINIMAL_SOURCE.encode())
        (tmp_path / "content" / "parties.yaml").write_bytes(data)
        with contextlib.suppress(BriefError):  # a parties error of its own kind is an answer too
            load_quietly(tmp_path / "content")

    check()


def _clean_reference(text: str) -> str:
    """What `clean` promises, the long way: no control character, one space for any run."""
    import re

    from generator.markup import _CONTROL

    return re.sub(r"\s+", " ", _CONTROL.sub("", text)).strip()


@given(st.text(alphabet=st.characters(codec=None), max_size=30))
@settings(max_examples=3000)
def test_clean_and_md_quick_paths_give_what_the_long_way_gives(text: str):
    """`clean` and `md` skip work for text with nothing to fold or escape: never another result."""
    from generator.markup import _MD_TABLE, clean, md

    assert clean(text) == _clean_reference(text)
    assert str(md(text)) == _clean_reference(text).translate(_MD_TABLE)


def test_no_printable_character_is_one_clean_folds_or_drops():
    """The premise of `clean`'s quick path, for every character there is: a printable one is
    never a control character, and never white space but the plain space."""
    import re

    from generator.markup import _CONTROL

    space = re.compile(r"\s")
    for code in range(0x110000):
        char = chr(code)
        if char.isprintable():
            assert not _CONTROL.match(char), hex(code)
            assert char == " " or not space.match(char), hex(code)
