"""The PagerDuty webhook under concurrency and poison, through the local stack (`make run`) as a sender sees it:
copies of one new delivery at the same instant post one card; signed payloads that cannot be used are
answered 202 `ignored` with nothing written; out-of-order deliveries post one resolve summary."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.pagerduty_payloads import replay
from tests.support.signing import pagerduty_headers
from tests.support.stack_runner import PAGERDUTY_SECRET, RunningStack, post, running_stack

pytestmark = pytest.mark.integration
COPIES = 10
ROUNDS = 5
SONAR_BILLING = "C0SONARBIL1"
TICK_WAIT_S = 75.0  # the stack's reminder schedule ticks every minute


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("hardening-stack")) as running:
        yield running


def entries(outbox: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def delivery(fixture: str, incident: str, event_id: str, at: str | None = None, priority: str | None = None) -> bytes:
    """A fixture moved to a new incident and event id (and instant, priority), on sonar-billing's service."""
    return replay(fixture.removesuffix(".json"), incident=incident, event_id=event_id, at=at, priority=priority)


def send(stack: RunningStack, body: bytes) -> tuple[int, str]:
    return post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))


def cards_of(stack: RunningStack, incident: str) -> list[dict[str, Any]]:
    return [
        e
        for e in entries(stack.outbox)
        if e["method"] == "chat.postMessage"
        and "thread_ts" not in e
        and (e.get("metadata") or {}).get("event_payload", {}).get("post_id") == f"card#pd-{incident}"
    ]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_ten_simultaneous_copies_of_a_new_delivery_post_one_card(stack: RunningStack, round_: int) -> None:
    incident = f"PCOPY{round_:04d}"
    body = delivery("incident.triggered.json", incident, f"EVCOPY{round_:04d}")
    start = threading.Barrier(COPIES)
    answers: list[int] = []

    def copy() -> None:
        start.wait()
        status, _ = send(stack, body)
        answers.append(status)

    threads = [threading.Thread(target=copy) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Every copy waits for the one card rather than posting its own; a copy that gave up waiting asks for a
    # retry (503), and PagerDuty's retry of it is then a plain duplicate.
    assert len(answers) == COPIES and set(answers) <= {202, 503}
    for _ in range(answers.count(503)):
        assert send(stack, body)[0] == 202
    assert len(cards_of(stack, incident)) == 1


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("nested", b'{"event": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("oversized", b'{"event": {"event_type": "incident.triggered", "pad": "' + b"x" * 400_000 + b'"}}'),
        ("not UTF-8", b'{"event": "\xff\xfe"}'),
    ],
)
def test_signed_payloads_that_cannot_be_used_are_202_ignored_and_write_nothing(
    stack: RunningStack, name: str, body: bytes
) -> None:
    before = len(entries(stack.outbox))
    status, text = send(stack, body)
    assert status == 202, name
    assert json.loads(text)["accepted"] is True and json.loads(text)["ignored"]
    assert len(entries(stack.outbox)) == before


@pytest.mark.parametrize(
    ("name", "title"),
    [
        # A lone surrogate cannot be encoded for Slack or DynamoDB; today it would fail after the incident was
        # written, leaving it without a card. Refused before anything is written.
        ("surrogate", "Disk \\ud800 full"),
        ("NUL", "Disk\\u0000 full"),
    ],
)
def test_surrogate_and_nul_payloads_are_202_ignored_and_write_nothing(
    stack: RunningStack, name: str, title: str
) -> None:
    incident = f"PPOISON{name.upper()[:3]}"
    body = delivery("incident.triggered.json", incident, f"EVPOISON{name.upper()[:3]}")
    body = body.replace(b'"title": "Test Incident 3"', f'"title": "{title}"'.encode())
    assert f'"title": "{title}"'.encode() in body
    before = len(entries(stack.outbox))
    status, text = send(stack, body)
    assert status == 202 and json.loads(text)["ignored"].startswith("body refused: text contains")
    assert len(entries(stack.outbox)) == before
    # Nothing half-written: the same incident delivered cleanly afterwards is new (it gets its card).
    clean = delivery("incident.triggered.json", incident, f"EVPOISON{name.upper()[:3]}")
    assert send(stack, clean)[0] == 202
    assert len(cards_of(stack, incident)) == 1


def test_other_control_characters_are_cleaned_at_the_boundary(stack: RunningStack) -> None:
    body = delivery("incident.triggered.json", "PCLEANBEL", "EVCLEANBEL")
    body = body.replace(b'"title": "Test Incident 3"', b'"title": "Disk\\u0007 full\\u001b"')
    assert send(stack, body)[0] == 202
    (card,) = cards_of(stack, "PCLEANBEL")
    assert "Disk full" in card["text"]


def test_out_of_order_resolved_acknowledged_triggered_posts_one_resolve_summary(stack: RunningStack) -> None:
    incident = "PORDER0001"
    # The outage (P1: production down) ran 13:00-13:40 UTC; PagerDuty delivers its resolve first and its
    # trigger, which carries the priority, last.
    for fixture, event_id, at in (
        ("incident.resolved.json", "EVORDER1", "2021-06-04T13:40:00Z"),
        ("incident.acknowledged.json", "EVORDER2", "2021-06-04T13:10:00Z"),
        ("incident.triggered.json", "EVORDER3", "2021-06-04T13:00:00Z"),
    ):
        priority = "P1" if fixture == "incident.triggered.json" else None
        assert send(stack, delivery(fixture, incident, event_id, at, priority))[0] == 202
    for fixture, event_id, at in (("incident.resolved.json", "EVORDER1", "2021-06-04T13:40:00Z"),) * 2:
        assert send(stack, delivery(fixture, incident, event_id, at))[0] == 202  # PagerDuty's redeliveries
    (card,) = cards_of(stack, incident)

    def summaries() -> list[dict[str, Any]]:
        return [
            e
            for e in entries(stack.outbox)
            if e.get("thread_ts") == card["ts"] and "so far" in e.get("text", "") and e["method"] == "chat.postMessage"
        ]

    # The summary is queued with the downtime and posted by the stack's next reminder tick (every minute).
    deadline = time.monotonic() + TICK_WAIT_S
    while not summaries() and time.monotonic() < deadline:
        time.sleep(1.0)
    time.sleep(2.0)  # and nothing more after it
    # One summary, posted once the trigger gave the outage its real start (not "0 recorded intervals, 100%").
    assert len(summaries()) == 1
    assert "from 1 recorded interval" in summaries()[0]["text"]
