"""Slack posting: the local outbox records every outbound call; with a token, the Web API is called
(here a local stand-in for Slack) and rate limits are retried after Retry-After."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sla_core.config.clock import FixedClock
from sla_core.slack.client import Outbox, SlackPoster

NOW = datetime(2026, 3, 9, 14, 15, tzinfo=UTC)
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*P1* web down"}}]


@pytest.fixture
def outbox(tmp_path: Path) -> tuple[Outbox, io.StringIO]:
    echo = io.StringIO()
    return Outbox(tmp_path / ".local" / "slack-outbox.jsonl", echo=echo, clock=FixedClock(NOW)), echo


def test_every_outbound_call_is_one_json_line(outbox: tuple[Outbox, io.StringIO]) -> None:
    box, _ = outbox
    poster = SlackPoster(outbox=box)
    ts = poster.post_message("C0SONORAN01", "web is down", blocks=BLOCKS)
    poster.post_message("C0SONORAN01", "still down", thread_ts=ts)
    poster.update_message("C0SONORAN01", ts, "web is back", blocks=BLOCKS)
    poster.respond("https://hooks.slack.com/commands/T1/2/3", "not yet")
    poster.publish_home("U0ALICE0001", {"type": "home", "blocks": BLOCKS})

    lines = box.path.read_text().splitlines()
    assert len(lines) == 5
    entries = [json.loads(line) for line in lines]
    assert entries == box.entries()
    first, reply, update, respond, home = entries
    assert first["method"] == "chat.postMessage"
    assert (first["channel"], first["text"], first["blocks"]) == ("C0SONORAN01", "web is down", BLOCKS)
    assert first["at"] == NOW.isoformat()
    assert reply["thread_ts"] == ts
    assert reply["ts"] != ts
    assert (update["method"], update["ts"], update["text"]) == ("chat.update", ts, "web is back")
    assert (respond["method"], respond["url"], respond["text"]) == (
        "response_url",
        "https://hooks.slack.com/commands/T1/2/3",
        "not yet",
    )
    assert (home["method"], home["user_id"], home["view"]["type"]) == ("views.publish", "U0ALICE0001", "home")


def test_outbox_prints_each_call_readably(outbox: tuple[Outbox, io.StringIO]) -> None:
    box, echo = outbox
    SlackPoster(outbox=box).post_message("C0SONORAN01", "web is down\nsince 14:02", blocks=BLOCKS, thread_ts="1.2")
    printed = echo.getvalue()
    assert "[slack outbox] chat.postMessage -> C0SONORAN01 (thread 1.2)" in printed
    assert "    web is down\n    since 14:02" in printed
    assert "(1 block)" in printed


def test_without_a_token_the_poster_from_settings_uses_the_outbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_OUTBOX", str(tmp_path / "out.jsonl"))
    poster = SlackPoster.from_settings()
    assert poster.outbox is not None
    assert poster.client is None
    assert poster.outbox.path == tmp_path / "out.jsonl"


def test_with_a_token_the_poster_from_settings_calls_the_web_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    poster = SlackPoster.from_settings()
    assert poster.outbox is None
    assert poster.client is not None
    assert poster.client.token == "xoxb-test"


class FakeSlack:
    """A local stand-in for slack.com/api: answers 429 (Retry-After: 0) to the first N calls."""

    def __init__(self, rate_limited: int) -> None:
        self.rate_limited = rate_limited
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.calls.append((self.path, body, self.headers.get("authorization", "")))
                if len(fake.calls) <= fake.rate_limited:
                    payload, status = b'{"ok": false, "error": "ratelimited"}', 429
                else:
                    payload, status = b'{"ok": true, "channel": "C1", "ts": "1773065700.000100"}', 200
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("retry-after", "0")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(rate_limited=1)
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_web_api_rate_limits_are_retried(fake_slack: FakeSlack) -> None:
    poster = SlackPoster.for_token("xoxb-test", base_url=f"{fake_slack.url}/api/")
    ts = poster.post_message("C1", "hello", thread_ts="1.2")
    assert ts == "1773065700.000100"
    assert len(fake_slack.calls) == 2
    path, body, auth = fake_slack.calls[-1]
    assert path == "/api/chat.postMessage"
    assert body == {"channel": "C1", "text": "hello", "thread_ts": "1.2"}
    assert auth == "Bearer xoxb-test"


def test_response_url_replies_go_to_the_url(fake_slack: FakeSlack) -> None:
    poster = SlackPoster.for_token("xoxb-test", base_url=f"{fake_slack.url}/api/")
    poster.respond(f"{fake_slack.url}/commands/T1/2/3", "done", replace_original=True)
    path, body, auth = fake_slack.calls[-1]
    assert path == "/commands/T1/2/3"
    assert body == {"text": "done", "response_type": "ephemeral", "replace_original": True}
    assert auth == ""


def test_a_poster_needs_exactly_one_way_out(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both or neither"):
        SlackPoster()
