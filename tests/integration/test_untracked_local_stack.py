"""Issue 11 point 7 through the local stack (`make run`) with the shipped contracts: Sonar's after-hours charge on
the card and in `/sla deadline`, and Sonar's availability counted from Activation (sonar-billing's
activation_date = 2021-03-15) in the monthly report. All in 2021, so the stack's real-time ticks never reach it.

- A normal ticket opened Sat 5 Jun 2021 10:00 EDT (14:00Z) is outside Mon–Fri 09:00–19:00 Eastern: after-hours
  help costs at least the 1-hour minimum, 1 × 100 = 100.00 USD, waived if the issue is caused by Sonar. A P1
  (production-down) at the same time is shown waived (the chosen reading: an outage is Sonar's issue).
- March 2021 in New York has 44,580 minutes (DST began Sun 14 Mar). From Activation, 15 Mar 00:00 EDT, to 1 Apr
  00:00 EDT: 17 × 1,440 = 24,480 minutes. A production outage Mon 22 Mar 10:00–10:04 EDT: (24,480 − 4) / 24,480
  = 99.98366% -> 99.9836%, below 99.99%, so every minute is credited at the month's rate: 4 / 44,580 × 2,400.00
  = 0.2153... -> 0.22 USD. (Over the whole month it would be (44,580 − 4) / 44,580 = 99.9910%: met, no credit.)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.app.incident_service import record_event
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.storage import models
from tests.support.pagerduty_payloads import replay
from tests.support.signing import pagerduty_headers, slack_headers, slash_command_body
from tests.support.stack_runner import PAGERDUTY_SECRET, SIGNING_SECRET, RunningStack, post, running_stack

pytestmark = pytest.mark.integration

BILLING = "C0SONARBIL1"
EDT = datetime.fromisoformat("2021-03-22T10:00:00-04:00").tzinfo


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("untracked-stack")) as running:
        yield running


def entries(outbox: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def card_of(stack: RunningStack, incident: str) -> dict[str, Any]:
    (card,) = [
        e
        for e in entries(stack.outbox)
        if e["method"] == "chat.postMessage"
        and (e.get("metadata") or {}).get("event_payload", {}).get("post_id") == f"card#pd-{incident}"
    ]
    return card


def context_texts(message: dict[str, Any]) -> list[str]:
    return [str(b["elements"][0]["text"]) for b in message.get("blocks") or [] if b["type"] == "context"]


def trigger(stack: RunningStack, incident: str, priority: str | None = None) -> None:
    body = replay(
        "incident.triggered", incident=incident, event_id=f"EV{incident}", at="2021-06-05T14:00:00Z", priority=priority
    )
    status, _ = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert status == 202


def test_a_saturday_ticket_card_carries_the_after_hours_charge(stack: RunningStack) -> None:
    trigger(stack, "PAFTER01")
    (note,) = [t for t in context_texts(card_of(stack, "PAFTER01")) if "After-hours" in t]
    assert "Opened Sat 2021-06-05 10:00 EDT, outside Sonar standard support hours" in note
    assert "At least 100.00 USD (the 1 hour minimum at 100 USD per hour)" in note
    assert note.endswith("Waived if the issue is deemed to be caused by Sonar.")


def test_a_saturday_outage_card_shows_the_charge_waived(stack: RunningStack) -> None:
    trigger(stack, "PAFTER02", priority="P1")  # P1 -> production-down on sonar-billing
    (note,) = [t for t in context_texts(card_of(stack, "PAFTER02")) if "After-hours" in t]
    assert "Waived: the issue is deemed to be caused by Sonar, as a Production Down / System Outage is taken" in note


def test_the_what_if_deadline_answers_with_the_after_hours_charge(stack: RunningStack) -> None:
    url = "https://hooks.slack.com/commands/T0001/untracked/deadline"
    body = slash_command_body("deadline sonar-billing normal at 2021-06-05T10:00", response_url=url, trigger_id="7.8.9")
    status, _ = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert status == 200
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not found:
        found = [e for e in entries(stack.outbox) if e.get("url") == url]
        time.sleep(0.1)
    (reply,) = found
    text = "\n".join([reply["text"], *(b["text"]["text"] for b in reply.get("blocks") or [] if b["type"] == "section")])
    # First response: the earlier of 24 clock hours (Sun 6 Jun 10:00) and 10 business hours (Mon 7 Jun 19:00).
    assert f"→ due <!date^{int(datetime.fromisoformat('2021-06-06T10:00:00-04:00').timestamp())}^" in text
    assert ":crescent_moon: *After-hours*: Opened Sat 2021-06-05 10:00 EDT" in text


def test_the_activation_month_is_measured_from_activation_in_the_report(stack: RunningStack) -> None:
    models.configure(table_name="SlaOpsTable", host=f"http://127.0.0.1:{stack.dynamodb_port}", region="us-east-1")
    billing = load_contracts().contracts["sonar-billing"]
    opened = datetime(2021, 3, 22, 10, 0, tzinfo=EDT)
    for event in (
        IncidentEvent("act-t", "triggered", opened, severity="production-down"),
        IncidentEvent("act-r", "resolved", opened + timedelta(minutes=4), actor="U1"),
    ):
        record_event(incident_id="pd-ACT-1", event=event, contract=billing, source="pagerduty",
                     recorded_at=event.occurred_at, title="invoices down")  # fmt: skip
    before = len(entries(stack.outbox))
    status, text = post(f"{stack.api}/_local/tick?at=2021-04-01T12:00:00Z", b"", {})
    assert status == 200, text
    (report,) = [
        str(e["text"])
        for e in entries(stack.outbox)[before:]
        if e.get("channel") == BILLING and "SLA report" in e["text"]
    ]
    assert "Monthly SLA report: Sonar Software billing platform, 2021-03" in report
    assert "*platform*: availability 99.9836% against the 99.99% target: *missed*" in report
    assert "Estimated credit to claim: *0.22 USD*" in report
