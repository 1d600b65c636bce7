"""The webhook handler against Slack's Web API, stubbed at the HTTP boundary (a local http.server answering
chat.postMessage / chat.update like Slack): the ts Slack returns is stored, later events update that message,
and a Slack failure after recording answers 5xx so PagerDuty's retry posts the card (never lost); a card whose
answer was lost after Slack stored it is found by its metadata, not posted twice."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from functions.pagerduty import app
from sla_core.app.store import repository
from sla_core.config.clock import FixedClock
from sla_core.slack.client import SlackPoster
from sla_core.slack.incident_posting import SlackIncidentChannel
from tests.integration.test_pagerduty_webhook import deliver
from tests.support.pagerduty_payloads import replay
from tests.support.queued import queued_summaries
from tests.support.slack_stub import DROP, LATE, Fault, SlackStub, running_stub

pytestmark = pytest.mark.integration


class FakeSlack:
    """Records the Web API calls it receives; answers like Slack, or with an error while `failing`."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failing = False
        self._next = 100

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((method, body))
        if self.failing:  # the bot is not in the channel (yet): nothing was posted
            return {"ok": False, "error": "not_in_channel"}
        if method == "chat.postMessage":
            self._next += 1
            return {"ok": True, "channel": body["channel"], "ts": f"1622813729.000{self._next}"}
        return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    fake = FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            body = json.loads(raw) if self.headers.get("content-type", "").startswith("application/json") else {}
            payload = json.dumps(fake.answer(self.path.rsplit("/", 1)[-1], body)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    poster = SlackPoster.for_token("xoxb-test", base_url=f"http://127.0.0.1:{server.server_port}/api/")
    monkeypatch.setattr(app, "slack_channel", lambda: SlackIncidentChannel(poster))
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def test_the_ts_slack_returns_is_stored_and_later_events_update_that_message(table: str, slack: FakeSlack) -> None:
    assert deliver(replay("incident.triggered"))["statusCode"] == 202
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and (item.slack_channel, item.slack_ts) == ("C0SONARBIL1", "1622813729.000101")
    assert deliver(replay("incident.acknowledged", incident="PFQZPSY"), webhook_id="wh-ack")["statusCode"] == 202
    methods = [(method, body.get("ts") or body.get("thread_ts")) for method, body in slack.calls]
    assert methods == [
        ("chat.postMessage", None),
        ("chat.update", "1622813729.000101"),
        ("chat.postMessage", "1622813729.000101"),
    ]


def test_a_slack_failure_after_recording_is_5xx_and_the_retry_posts_the_card(table: str, slack: FakeSlack) -> None:
    body = replay("incident.triggered")
    slack.failing = True
    assert deliver(body)["statusCode"] == 500
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.slack_ts is None  # recorded, not yet shown
    slack.failing = False
    assert deliver(body)["statusCode"] == 202  # PagerDuty's retry of the same delivery
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.slack_ts == "1622813729.000101"
    assert len(repository.timeline("pd-PFQZPSY")) == 1
    assert [method for method, _ in slack.calls] == ["chat.postMessage", "chat.postMessage"]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStub]:
    for running in running_stub():
        channel = SlackIncidentChannel(SlackPoster.for_token("xoxb-test", base_url=running.api_url, timeout=0.5))
        monkeypatch.setattr(app, "slack_channel", lambda: channel)  # noqa: B023 - one stub: the loop runs once
        running.ts_base = int(time.time())  # Slack's clock: the webhook's clock is the real one
        yield running


@pytest.mark.parametrize("fault", [Fault("chat.postMessage", DROP), Fault("chat.postMessage", LATE, delay=1.0)])
def test_a_card_stored_by_slack_whose_answer_was_lost_or_late_is_found_not_posted_again(
    table: str, stub: SlackStub, monkeypatch: pytest.MonkeyPatch, fault: Fault
) -> None:
    body = replay("incident.triggered")
    stub.faults.append(fault)
    assert deliver(body)["statusCode"] == 500  # maybe posted: the card's lease is kept, not given back
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.slack_ts is None and item.card_lease_until is not None
    assert len(stub.of("chat.postMessage")) == 1  # no automatic resend (slack_sdk's default would have)
    # PagerDuty's retry once the lease (30 s) has run out: the card is looked up by its metadata and adopted.
    monkeypatch.setattr(app, "clock", FixedClock(datetime.now(UTC) + timedelta(seconds=31)))
    assert deliver(body)["statusCode"] == 202
    item = repository.get_incident("pd-PFQZPSY")
    (card,) = stub.in_channel("C0SONARBIL1")
    assert item is not None and item.slack_ts == card["ts"]
    assert [c.method for c in stub.calls] == ["chat.postMessage", "conversations.history", "chat.update"]


def test_a_resolve_retried_after_slack_failed_queues_its_summary_once_and_replies_once(
    table: str, slack: FakeSlack
) -> None:
    # A P1 (production-down: an outage on sonar-billing) from 13:35:29.781Z, resolved 30 minutes later.
    assert deliver(replay("incident.triggered", priority="P1"))["statusCode"] == 202
    resolve = replay("incident.resolved", incident="PFQZPSY", at="2021-06-04T14:05:29.781Z")
    slack.failing = True  # Slack refuses everything during the first delivery of the resolve
    assert deliver(resolve, webhook_id="wh-resolve")["statusCode"] == 500  # PagerDuty retries
    # The downtime and the summary were recorded before the first Slack call: the failure lost neither.
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.status == "resolved"
    (summary,) = queued_summaries("pd-PFQZPSY")
    # June 2021 in Eastern time: 30 x 1440 = 43,200 minutes; 30 minutes down: 30 x 2400 / 43200 = 1.67 USD.
    assert "Estimated credit: 1.67 USD" in summary
    slack.failing = False
    for _ in range(2):  # the retry, and one more redelivery
        assert deliver(resolve, webhook_id="wh-resolve")["statusCode"] == 202
    assert queued_summaries("pd-PFQZPSY") == [summary]
    accepted = [body for method, body in slack.calls if method == "chat.postMessage" and body.get("thread_ts")]
    resolved_replies = [body for body in accepted if "resolved" in body["text"].lower()]
    assert len(resolved_replies) == 1  # the refused attempt failed at its card update, before replying
    assert [body for body in accepted if "so far" in body["text"]] == []  # the sweep posts the summary
    (interval,) = repository.incident_downtime("sonar-billing", "platform", "pd-PFQZPSY", item.opened_at)
    assert interval.ended_at == item.resolved_at  # recorded whole, once
