"""`brief draft --llm` against a real chat-completions server on 127.0.0.1 with scripted replies."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.check import check_bundle
from generator.cli import cli
from generator.content import find_briefs, load_brief

from .conftest import ARTICLES, SEED

ARTICLE = (
    "Acme Corp said on Monday it would cut 1,200 jobs, about 8% of its workforce, as sales "
    "fell.\n\n"
    '"We have to act now," chief executive Jane Roe told reporters.\n\n'
    "The union said it would hold a vote on strike action on March 3.\n"
)
API_KEY = "sk-test-5f9c0d1e2a7b4c3d"

ACME = {
    "id": "acme",
    "name": "Acme Corp",
    "kind": "organization",
    "evidence": "Acme Corp said on Monday",
}
ROE = {
    "id": "jane-roe", "name": "Jane Roe", "kind": "person", "role": "Chief executive of Acme",
    "stance": "Says Acme has to act now.", "evidence": "chief executive Jane Roe",
}  # fmt: skip
UNION = {"id": "union", "name": "The union", "kind": "group", "evidence": "The union said"}
JOBS = {
    "candidate": "n1", "measures": "jobs Acme will cut", "party": "acme", "unit": "jobs",
    "evidence": "it would cut 1,200 jobs",
}  # fmt: skip
GOOD = {
    "title": "Acme to cut 1,200 jobs",
    "bottom_line": (
        "Acme Corp will cut 1,200 jobs, about 8% of its workforce, and its union votes on a strike."
    ),
    "key_points": ["The union votes on strike action on March 3."],
    "why_it_matters": "The cuts may lead to a strike.",
    "parties": [ACME, ROE, UNION],
    "actions": [
        {
            "actor": "acme", "action": "plans to cut 1,200 jobs", "status": "planned",
            "evidence": "it would cut 1,200 jobs",
        }
    ],
    "numbers": [
        JOBS,
        {
            "candidate": "n2", "measures": "share of Acme's workforce to be cut", "party": "acme",
            "evidence": "about 8% of its workforce",
        },
        {
            "candidate": "n3", "measures": "date of the union's strike vote", "party": "union",
            "evidence": "hold a vote on strike action on March 3",
        },
    ],
    "outlook": [
        {
            "what": "The union votes on strike action", "when": "2025-03-03", "kind": "scheduled",
            "evidence": "it would hold a vote on strike action on March 3",
        }
    ],
    "quotes": [
        {
            "speaker": "jane-roe", "text": "We have to act now",
            # typographic quotes: found after normalising, stored as the source writes it
            "evidence": "\u201cWe have to act now,\u201d chief executive Jane Roe told reporters.",
        }
    ],
    "tags": ["Jobs"],
}  # fmt: skip


@dataclass
class Reply:
    """One scripted answer: a chat completion holding `content`, or a raw status and body."""

    content: str | None = None
    status: int = 200
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def reply(data: dict[str, Any]) -> Reply:
    return Reply(content=json.dumps(data))


@dataclass
class Seen:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float


class ChatServer:
    """An OpenAI-compatible chat-completions endpoint that answers from a script."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server.lock:
                    server.seen.append(Seen(body, dict(self.headers), time.monotonic()))
                    step = (
                        server.script.pop(0)
                        if server.script
                        else Reply(status=500, body="script ended")
                    )
                if self.path != "/v1/chat/completions":
                    step = Reply(status=404, body="no such path")
                if step.delay:
                    time.sleep(step.delay)
                if step.body is not None:
                    payload = step.body.encode()
                else:
                    message = {"role": "assistant", "content": step.content}
                    choice = {"index": 0, "finish_reason": "stop", "message": message}
                    completion = {"object": "chat.completion", "choices": [choice]}
                    payload = json.dumps(completion).encode()
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in step.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is the point of a timeout test

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def user_messages(self, index: int) -> list[str]:
        return [m["content"] for m in self.seen[index].body["messages"] if m["role"] == "user"]


@pytest.fixture
def server() -> Iterator[ChatServer]:
    chat = ChatServer()
    yield chat
    chat.close()


@pytest.fixture
def project(make_project: Callable[..., Path], tmp_path: Path) -> Path:
    root = make_project({})
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return root


def run_draft(
    project: Path, server: ChatServer, *extra: str, env: dict[str, str] | None = None
) -> Result:
    article = project.parent / "article.txt"
    args = [
        "draft", str(article), "--project", str(project), "--date", "2025-02-24", "--llm",
        "--llm-base-url", server.url, "--llm-model", "test-model", "--llm-timeout", "2", *extra,
    ]  # fmt: skip
    environment = {"BRIEF_LLM_API_KEY": API_KEY, "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None}
    environment.update(env or {})
    return CliRunner().invoke(cli, args, env=environment)  # type: ignore[arg-type]


def written(project: Path) -> list[Path]:
    content = project / "content"
    return sorted(p for p in content.rglob("*") if p.is_file()) if content.exists() else []


def assert_passes_check(project: Path) -> Any:
    """The one draft written passes the loader, check_bundle and `brief check`; return its brief."""
    paths = find_briefs(project / "content")
    assert len(paths) == 1
    bundle, problems = load_brief(paths[0], project / "content")
    assert bundle is not None, problems
    errors = [p for p in check_bundle(bundle) if p.severity == "error"]
    assert errors == []
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert bundle.brief.status == "draft"
    for path in written(project):
        assert API_KEY not in path.read_text(encoding="utf-8")
    return bundle.brief


def test_good_reply_becomes_a_grounded_draft(project: Path, server: ChatServer) -> None:
    server.script = [reply(GOOD)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert f"Sending the article to {server.url} (model test-model)" in result.output
    brief = assert_passes_check(project)
    assert brief.bottom_line == GOOD["bottom_line"]
    # parties the rules found keep their ids; the model's names for them are merged in
    ids = {p.name: p.id for p in brief.parties}
    assert {"Acme Corp", "Jane Roe", "The union"} <= set(ids)
    assert brief.quotes[0].speaker == ids["Jane Roe"]
    assert brief.actions[0].actor == ids["Acme Corp"]
    # the model's figures come first; their values are read from the article
    assert [(f.as_written, f.value, f.measures) for f in brief.numbers][:2] == [
        ("1,200", 1200, "jobs Acme will cut"),
        ("about 8%", 8, "share of Acme's workforce to be cut"),
    ]
    assert brief.numbers[1].qualifier == "approx"
    assert brief.numbers[2].date == "2025-03-03"
    assert brief.key_points == GOOD["key_points"]
    assert brief.why_it_matters == GOOD["why_it_matters"]
    # what the model adds to a party the rules found, where it holds
    assert next(p for p in brief.parties if p.name == "Jane Roe").stance == ROE["stance"]
    # evidence found after normalising is stored as the source writes it
    assert (
        brief.quotes[0].evidence.text
        == '"We have to act now," chief executive Jane Roe told reporters.'
    )
    assert brief.tags == ["jobs"]
    # what was sent: the model, the schema, the rules' candidates and the key as a bearer token only
    sent = server.seen[0]
    assert sent.body["model"] == "test-model"
    assert sent.body["response_format"]["type"] == "json_schema"
    schema = sent.body["response_format"]["json_schema"]["schema"]
    assert "candidate" in schema["properties"]["numbers"]["items"]["properties"]
    assert "- n1: 1,200" in server.user_messages(0)[0]
    assert "Article:\n<<<\nAcme Corp said on Monday" in server.user_messages(0)[0]
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in json.dumps(sent.body)
    assert API_KEY not in result.output
    assert len(server.seen) == 1


def test_ungrounded_number_is_sent_back_then_dropped(project: Path, server: ChatServer) -> None:
    bad = {**GOOD, "key_points": ["Acme will cut 2,500 jobs by June."]}
    again = {"key_points": ["Acme will cut 2,500 jobs by June."]}
    server.script = [reply(bad), reply(again), reply(again)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 3  # the first ask and two corrections, no more
    correction = server.user_messages(1)[-1]
    assert "key_points[0]" in correction and "'2,500' is not in the article" in correction
    assert (
        "key_points[0]: dropped 'Acme will cut 2,500 jobs by June.': key_points: '2,500' is not in "
        "the article"
    ) in result.stderr
    assert_passes_check(project)
    assert "2,500" not in find_briefs(project / "content")[0].read_text(encoding="utf-8")


def test_corrected_item_is_kept(project: Path, server: ChatServer) -> None:
    wrong = {**JOBS, "evidence": "it will cut 1,200 jobs"}  # paraphrased, not the article's words
    first = {**GOOD, "numbers": [wrong, *GOOD["numbers"][1:]]}
    server.script = [reply(first), reply({"numbers": [JOBS]})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert "the closest passage is 'it would cut 1,200 job" in server.user_messages(1)[-1]
    brief = assert_passes_check(project)
    # the title and bottom line that cite 1,200 stand once its figure does, without asking again
    assert len(server.seen) == 2
    assert brief.title == GOOD["title"] and brief.bottom_line == GOOD["bottom_line"]
    assert [f.as_written for f in brief.numbers] == ["about 8%", "March 3", "1,200"]
    assert ": dropped " not in result.stderr and "1 dropped" not in result.stderr


def test_item_copied_from_the_prompt_example_is_dropped(project: Path, server: ChatServer) -> None:
    example = {
        "id": "example-widgets", "name": "Example Widgets Ltd", "kind": "organization",
        "evidence": "Example Widgets Ltd said on Tuesday it would shut the Springfield plant",
    }  # fmt: skip
    copied = {**GOOD, "parties": [*GOOD["parties"], example]}
    server.script = [reply(copied), reply({"parties": [example]}), reply({"parties": [example]})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert (
        "copied from the instructions or their example, not from the article"
        in server.user_messages(1)[-1]
    )
    assert "parties[3]: dropped 'example-widgets': evidence 'Example Widgets" in result.stderr
    brief = assert_passes_check(project)
    assert "example-widgets" not in [p.id for p in brief.parties]


def test_prose_copied_from_the_prompt_example_is_dropped(project: Path, server: ChatServer) -> None:
    copied = {**GOOD, "bottom_line": "Example Widgets will close its Springfield plant."}
    server.script = [reply(copied), reply({}), reply({})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert (
        "'Example', 'Springfield', 'Widgets' comes from the instructions' example" in result.stderr
    )
    brief = assert_passes_check(project)
    assert "Springfield" not in brief.bottom_line  # the rules' bottom line stands in


def test_invented_figure_candidate_is_dropped(project: Path, server: ChatServer) -> None:
    invented = {**JOBS, "candidate": "n9"}
    server.script = [reply({**GOOD, "numbers": [*GOOD["numbers"], invented]}), reply({}), reply({})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert "'n9' is not one of the figure candidates (n1 to n3)" in result.stderr
    brief = assert_passes_check(project)
    assert [f.as_written for f in brief.numbers] == ["1,200", "about 8%", "March 3"]


def test_malformed_json_is_retried_then_a_clear_error(project: Path, server: ChatServer) -> None:
    server.script = [Reply(content="Sure! Here is the brief: {bottom_line: ...")] * 3
    result = run_draft(project, server)
    assert result.exit_code == 1
    assert "did not reply with a JSON object after 3 attempts" in result.stderr
    assert "Traceback" not in result.output
    assert written(project) == []


def test_malformed_json_then_good_reply(project: Path, server: ChatServer) -> None:
    server.script = [
        Reply(content="not json"),
        Reply(content="```json\n" + json.dumps(GOOD) + "\n```"),
    ]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert "Reply with only the JSON object" in server.user_messages(1)[-1]
    assert_passes_check(project)


def test_timeout_gives_up_after_bounded_retries(project: Path, server: ChatServer) -> None:
    server.script = [Reply(content=json.dumps(GOOD), delay=1.5)] * 3
    result = run_draft(project, server, "--llm-timeout", "0.2")
    assert result.exit_code == 1
    assert (
        "no reply from" in result.stderr
        and "within 0.2 s; gave up after 3 attempts" in result.stderr
    )
    assert len(server.seen) == 3
    assert written(project) == []


def test_server_error_gives_up_after_bounded_retries(project: Path, server: ChatServer) -> None:
    server.script = [Reply(status=500, body='{"error": "model crashed"}')] * 3
    result = run_draft(project, server)
    assert result.exit_code == 1
    assert "answered HTTP 500" in result.stderr and "gave up after 3 attempts" in result.stderr
    assert written(project) == []


def test_server_error_then_good_reply(project: Path, server: ChatServer) -> None:
    server.script = [Reply(status=503, body="loading model"), reply(GOOD)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert "answered HTTP 503: loading model; retrying" in result.stderr
    assert_passes_check(project)


def test_rate_limit_waits_as_told(project: Path, server: ChatServer) -> None:
    server.script = [Reply(status=429, body="slow down", headers={"Retry-After": "1"}), reply(GOOD)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert "rate limited (HTTP 429); retrying in 1.0 s" in result.stderr
    assert server.seen[1].at - server.seen[0].at >= 0.9
    assert_passes_check(project)


def test_rate_limit_longer_than_the_cap_is_an_error(project: Path, server: ChatServer) -> None:
    server.script = [Reply(status=429, body="quota", headers={"Retry-After": "3600"})]
    result = run_draft(project, server)
    assert result.exit_code == 1
    assert "asks to wait 3600 s" in result.stderr
    assert len(server.seen) == 1
    assert written(project) == []


def test_server_without_json_schema_falls_back_to_json_mode(
    project: Path, server: ChatServer
) -> None:
    rejected = Reply(
        status=400, body='{"error": {"message": "response_format json_schema is not supported"}}'
    )
    server.script = [rejected, reply(GOOD)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert server.seen[1].body["response_format"] == {"type": "json_object"}
    assert (
        '"candidate"' in server.seen[1].body["messages"][0]["content"]
    )  # the shape is in the prompt
    assert_passes_check(project)


def test_server_without_any_response_format_is_asked_plainly(
    project: Path, server: ChatServer
) -> None:
    rejected = Reply(status=422, body='{"detail": "response_format: extra fields not permitted"}')
    server.script = [rejected, rejected, reply(GOOD)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert [s.body.get("response_format", {}).get("type") for s in server.seen] == [
        "json_schema", "json_object", None,
    ]  # fmt: skip
    assert "asking again without one" in result.stderr
    assert_passes_check(project)


def test_api_key_is_never_printed_or_written(project: Path, server: ChatServer) -> None:
    echoed = Reply(status=401, body=json.dumps({"error": f"invalid key {API_KEY}"}))
    server.script = [echoed]
    result = run_draft(project, server)
    assert result.exit_code == 1
    assert "refused the request: HTTP 401" in result.stderr
    assert API_KEY not in result.output
    assert written(project) == []


def test_key_falls_back_to_openai_api_key(project: Path, server: ChatServer) -> None:
    server.script = [reply(GOOD)]
    result = run_draft(
        project, server, env={"BRIEF_LLM_API_KEY": None, "OPENAI_API_KEY": "sk-other"}
    )  # type: ignore[dict-item]
    assert result.exit_code == 0, result.output
    assert server.seen[0].headers["Authorization"] == "Bearer sk-other"
    assert "sk-other" not in result.output


def test_missing_model_is_a_clear_error_and_nothing_is_sent(
    project: Path, server: ChatServer
) -> None:
    article = project.parent / "article.txt"
    args = ["draft", str(article), "--project", str(project), "--date", "2025-02-24", "--llm"]
    result = CliRunner().invoke(
        cli, [*args, "--llm-base-url", server.url], env={"BRIEF_LLM_MODEL": None}
    )  # type: ignore[dict-item]
    assert result.exit_code == 1
    assert "--llm needs a model" in result.stderr
    assert server.seen == []


def draft_in_windows(server: ChatServer, size: int) -> Any:
    from generator.llm import LLMSettings, draft_brief_with_llm

    lines: list[str] = []
    brief = draft_brief_with_llm(
        ARTICLE, settings=LLMSettings(server.url, "test-model", None, 2.0),
        date=dt.date(2025, 2, 24), title="Acme to cut jobs", report=lines.append, window_chars=size,
    )  # fmt: skip
    return brief, lines


def test_long_article_is_drafted_in_windows_carrying_the_parties(server: ChatServer) -> None:
    first = {k: GOOD[k] for k in ("title", "bottom_line")} | {
        "parties": [ACME], "numbers": GOOD["numbers"][:2], "actions": GOOD["actions"],
    }  # fmt: skip
    second = {"parties": [ROE], "quotes": GOOD["quotes"]}
    third = {"parties": [ACME, UNION], "numbers": GOOD["numbers"][2:], "outlook": GOOD["outlook"]}
    server.script = [reply(first), reply(second), reply(third)]
    brief, lines = draft_in_windows(server, 100)
    assert len(server.seen) == 3  # one request per paragraph, none skipped
    second_ask = server.user_messages(1)[0]
    assert "Headline: Acme to cut jobs" in second_ask
    assert "- acme: Acme Corp (organization)" in second_ask
    assert "passage 2 of 3" in second_ask and "We have to act now" in second_ask
    assert "1,200" not in second_ask  # only this passage's words and candidates
    assert "- n3: March 3" in server.user_messages(2)[0]
    assert [p.id for p in brief.parties] == ["acme", "jane-roe", "union"]  # merged, deduplicated
    assert [f.as_written for f in brief.numbers] == ["1,200", "about 8%", "March 3"]
    assert len(brief.quotes) == 1 and len(brief.outlook) == 1
    assert lines[-1] == "passage 3 of 3: 3 item(s) kept, 0 dropped"


def test_a_window_that_fails_fails_the_draft(server: ChatServer) -> None:
    from generator.llm import LLMError

    server.script = [reply({k: GOOD[k] for k in ("title", "bottom_line", "parties")})]
    server.script += [Reply(status=500, body="out of memory")] * 3
    with pytest.raises(LLMError, match="HTTP 500: out of memory; gave up after 3 attempts"):
        draft_in_windows(server, 100)
    assert len(server.seen) == 4


def test_find_windows_covers_every_paragraph() -> None:
    from generator.llm import find_windows

    text = "\n\n".join(f"Paragraph {i} says a thing. It goes on a while." for i in range(40))
    windows = find_windows(text, 200)
    assert all(end - start <= 200 for start, end in windows)
    assert len(windows) > 1
    assert squeeze("".join(text[s:e] for s, e in windows)) == squeeze(text)
    long = "One sentence here. " * 50  # one paragraph longer than a window: cut between sentences
    cut = find_windows(long, 120)
    assert all(long[s:e].endswith(".") for s, e in cut)
    assert squeeze("".join(long[s:e] for s, e in cut)) == squeeze(long)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_without_httpx_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from generator.llm import ChatClient, LLMError, LLMSettings

    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(LLMError, match=r"pip install 'brief\[llm\]'"):
        ChatClient(LLMSettings("http://127.0.0.1:9/v1", "m"), print)


def seed_as_reply() -> tuple[str, dict[str, Any], Any]:
    """The seed brief as a careful model would give it."""
    bundle, _ = load_brief(SEED / "brief.md", SEED.parent)
    assert bundle is not None
    return bundle.source.text, reply_from_brief(bundle.brief, bundle.source.text), bundle.brief


def test_a_real_article_and_a_careful_reply_pass_whole(project: Path, server: ChatServer) -> None:
    text, data, seed = seed_as_reply()
    (project.parent / "article.txt").write_text(text, encoding="utf-8")
    server.script = [reply(data)]
    result = run_draft(project, server, "--date", "2025-03-28")
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 1  # nothing to send back
    brief = assert_passes_check(project)
    # every item of the careful reply stands (the rules' own items may join them)
    assert brief.key_points == seed.key_points and brief.bottom_line == seed.bottom_line
    assert [(f.as_written, f.value, f.date) for f in brief.numbers][: len(seed.numbers)] == [
        (f.as_written, f.value, f.date) for f in seed.numbers
    ]
    assert [a.action for a in brief.actions][: len(seed.actions)] == [
        a.action for a in seed.actions
    ]
    assert [q.text for q in brief.quotes][: len(seed.quotes)] == [q.text for q in seed.quotes]
    assert [o.what for o in brief.outlook][: len(seed.outlook)] == [o.what for o in seed.outlook]
    assert {p.name for p in seed.parties} <= {p.name for p in brief.parties}


def test_settings_come_from_options_then_brief_then_openai_variables() -> None:
    from generator.llm import LLMError, describe_destination, load_settings

    env = {"BRIEF_LLM_BASE_URL": "http://a:1/v1", "OPENAI_BASE_URL": "http://b:2/v1",
           "BRIEF_LLM_MODEL": "m", "OPENAI_API_KEY": "sk-openai"}  # fmt: skip
    settings = load_settings(None, None, None, None, env)
    assert (settings.base_url, settings.model, settings.api_key) == (
        "http://a:1/v1",
        "m",
        "sk-openai",
    )
    assert settings.timeout == 120
    assert load_settings("http://c:3/v1", "n", "sk-given", 5, env).api_key == "sk-given"
    assert "sk-openai" not in repr(settings)
    secret = load_settings("https://user:hunter2@host.example/v1", "m", None, None, {})
    assert "hunter2" not in describe_destination(secret)
    with pytest.raises(LLMError, match="needs an endpoint"):
        load_settings(None, "m", None, None, {})
    with pytest.raises(LLMError, match="http:// or https://"):
        load_settings("file:///etc/passwd", "m", None, None, {})


def test_a_reply_that_ignores_the_schema_is_read_leniently_but_proved(
    project: Path, server: ChatServer
) -> None:
    loose = {
        **GOOD,
        "parties": [{**ACME, "role": None, "aliases": None}, {**ROE, "stance": ""}, UNION],
        "numbers": [
            # words instead of a candidate id, and a value of its own that is not trusted
            {"as_written": "1,200", "value": 12, "kind": "money", "measures": "jobs Acme will cut",
             "party": "acme", "evidence": "it would cut 1,200 jobs"},
            *GOOD["numbers"][1:],
        ],
        "summary": "A field briefs do not have.",
    }  # fmt: skip
    server.script = [reply(loose)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 1  # nothing had to be sent back
    assert "ignored fields a brief does not have: summary" in result.stderr
    brief = assert_passes_check(project)
    assert (brief.numbers[0].as_written, brief.numbers[0].value, brief.numbers[0].kind) == (
        "1,200", 1200, "count",
    )  # fmt: skip


def test_a_party_under_a_second_id_is_merged_into_the_first(server: ChatServer) -> None:
    first = {"title": "Acme cuts jobs", "bottom_line": "Acme cuts jobs.", "parties": [ACME, ROE]}
    again = {**ROE, "id": "roe", "evidence": "Jane Roe told reporters"}
    second = {"parties": [again], "quotes": [{**GOOD["quotes"][0], "speaker": "roe"}]}
    server.script = [reply(first), reply(second), reply({})]
    brief, _ = draft_in_windows(server, 100)
    assert [p.id for p in brief.parties] == ["acme", "jane-roe"]
    assert brief.quotes[0].speaker == "jane-roe"


def test_nothing_is_sent_without_llm(project: Path, server: ChatServer) -> None:
    article = project.parent / "article.txt"
    env = {
        "BRIEF_LLM_BASE_URL": server.url,
        "BRIEF_LLM_MODEL": "test-model",
        "BRIEF_LLM_API_KEY": API_KEY,
    }
    args = ["draft", str(article), "--project", str(project), "--date", "2025-02-24"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert server.seen == []
    assert "Sending" not in result.output
    assert_passes_check(project)  # the rules' draft


def test_the_rules_parties_are_sent_and_their_bottom_line_stands_in(
    project: Path, server: ChatServer
) -> None:
    invented = {**GOOD, "bottom_line": "Acme Corp will cut 9,999 jobs."}
    server.script = [reply(invented), reply({}), reply({})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    first_ask = server.user_messages(0)[0]
    assert "Parties found so far (reuse these ids):" in first_ask and ": Acme Corp (" in first_ask
    assert (
        "bottom_line: dropped" in result.stderr and "'9,999' is not in the article" in result.stderr
    )
    brief = assert_passes_check(project)
    assert "9,999" not in brief.bottom_line and brief.bottom_line  # the rules' bottom line


def reply_from_brief(brief: Any, text: str) -> dict[str, Any]:
    """A brief as a careful model would answer: figures by candidate id, evidence as text."""
    from generator.llm import ArticleFacts

    candidates = ArticleFacts.of(text, None, brief.date, None).candidates

    def candidate(figure: Any) -> str:
        start, end = figure.evidence.start, figure.evidence.end
        return next(
            key for key, n in candidates.items()
            if n.as_written == figure.as_written and start <= n.start < end
        )  # fmt: skip

    data = brief.model_dump(mode="json", exclude_none=True)
    for name in ("parties", "actions", "quotes", "outlook"):
        for item in data[name]:
            item["evidence"] = item["evidence"]["text"]
            item.pop("basis", None)
    data["numbers"] = [
        {
            "candidate": candidate(f), "measures": f.measures, "party": f.party,
            "currency": f.currency, "evidence": f.evidence.text,
        }
        for f in brief.numbers
    ]  # fmt: skip
    for name in ("schema_version", "slug", "date", "status", "source", "notes"):
        data.pop(name, None)
    return data


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="the shared articles are not here")
def test_the_gate_refuses_nothing_the_rules_ground_in_real_articles() -> None:
    import datetime as dt

    from generator.draft import draft_brief
    from generator.ingest import load_article
    from generator.llm import ArticleFacts, Grader, Ledger

    paths = sorted(p for p in ARTICLES.glob("*.txt"))
    assert paths
    for path in paths:
        article = load_article(path)
        published = article.published or dt.date(2025, 1, 6)
        brief = draft_brief(
            article.text, title=article.title, published=published, url=None, outlet=None,
            author=None,
        )  # fmt: skip
        facts = ArticleFacts.of(article.text, article.title, brief.date, published)
        grader = Grader(facts, Ledger(), "")
        failures = grader.regrade(grader.grade(reply_from_brief(brief, article.text)))
        assert [(path.name, f.field, f.reasons) for f in failures] == []
        assert len(grader.ledger.numbers) == len(brief.numbers)


def test_an_endpoint_that_is_not_there(project: Path, server: ChatServer) -> None:
    url = server.url
    server.close()  # nothing listens on the port any more
    result = run_draft(project, server, "--llm-base-url", url)
    assert result.exit_code == 1
    assert f"cannot reach {url}/chat/completions" in result.stderr
    assert "gave up after 3 attempts" in result.stderr
    assert written(project) == []


def test_a_wrong_path_says_what_to_check(project: Path, server: ChatServer) -> None:
    result = run_draft(project, server, "--llm-base-url", server.url.removesuffix("/v1"))
    assert result.exit_code == 1
    assert "HTTP 404" in result.stderr and "it usually ends in /v1" in result.stderr
    assert written(project) == []


def test_retry_after_as_an_http_date() -> None:
    import email.utils

    from generator.llm import _retry_after

    soon = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 < (_retry_after(soon) or 0) <= 20
    assert _retry_after("2") == 2 and _retry_after("soon") is None and _retry_after(None) is None


def test_the_last_gate_is_brief_check(tmp_path: Path) -> None:
    from generator.draft import write_bundle
    from generator.llm import LLMError, check_draft
    from generator.schema import Brief

    brief = Brief(title="Acme", date=dt.date(2025, 2, 24), bottom_line="Acme cuts 9,999 jobs.")
    with pytest.raises(LLMError, match=r"bottom_line: number '9,999' is not in the source"):
        check_draft(brief, ARTICLE, write_bundle)
    good = brief.model_copy(update={"bottom_line": "Acme cuts jobs."})
    check_draft(good, ARTICLE, write_bundle)  # passes quietly; writes nowhere but a scratch folder


def test_a_quote_that_is_not_verbatim_is_dropped(project: Path, server: ChatServer) -> None:
    misquoted = {**GOOD["quotes"][0], "text": "We must act now"}
    server.script = [reply({**GOOD, "quotes": [misquoted]}), reply({}), reply({})]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    correction = server.user_messages(1)[-1]
    assert "the quote 'We must act now' is not verbatim in the article" in correction
    assert "quotes[0]: dropped 'We must act now'" in result.stderr
    brief = assert_passes_check(project)
    assert all(q.text != "We must act now" for q in brief.quotes)


def test_a_reasoning_models_reply_is_read(project: Path, server: ChatServer) -> None:
    thinking = "<think>The article is about Acme {maybe}.</think>\nHere it is:\n" + json.dumps(GOOD)
    server.script = [Reply(content=thinking)]
    result = run_draft(project, server)
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 1
    assert assert_passes_check(project).bottom_line == GOOD["bottom_line"]
