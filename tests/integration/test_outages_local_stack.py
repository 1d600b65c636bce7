"""Outages against tickets and maintenance declared after the fact, through `make run`'s local stack: signed
PagerDuty deliveries record incidents, signed `/sla` commands ask for the month, answers land in the outbox.

sonar-billing (Sonar Software, 99.99% of each calendar month in New York time, per-minute credit of the prior
month's invoice, 2,400.00 USD, over "the number of minutes in the current month"). November 2026 in New York
has 30 × 1,440 + 60 = 43,260 minutes (DST ends Sun 1 Nov: that day has 25 hours).
1. A P3 (`normal`: "Normal Support Request", a ticket) open Mon 2 Nov 09:00 EST → Wed 4 Nov 09:00 EST, two
   days: no downtime. November: 100%, no credit.
2. A P1 (`production-down`: "production instances are unavailable", an outage) Sat 7 Nov 02:00 → 03:00 EST:
   60 min down. (43,260 − 60) / 43,260 = 99.86130...% → 99.8613%, below 99.99%; credit 60 × 2,400.00 / 43,260
   = 3.3287... → 3.33 USD.
3. Maintenance declared after the fact, Sat 7 Nov 01:30 → 04:00 EST, announced Tue 3 Nov 09:00 EST: 88.5 h
   ahead (at least the 72 h the policy requires) and on a Saturday (outside the forbidden Mon–Fri 07:00–19:00
   Eastern): it takes over the outage. November: 100%, no credit; one correction post says 3.33 → 0.00 USD.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.pagerduty_payloads import replay
from tests.support.signing import pagerduty_headers, slack_headers, slash_command_body
from tests.support.stack_runner import PAGERDUTY_SECRET, SIGNING_SECRET, RunningStack, post, running_stack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("outage-stack")) as running:
        yield running


def deliver(stack: RunningStack, body: bytes) -> None:
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert status == 202, text + "".join(stack.output[-30:])


def incident(stack: RunningStack, pd_id: str, priority: str, opened: str, resolved: str) -> None:
    """A PagerDuty incident on sonar-billing's service, triggered and resolved (two signed deliveries)."""
    deliver(stack, replay("incident.triggered", incident=pd_id, at=opened, event_id=f"{pd_id}-t", priority=priority))
    deliver(stack, replay("incident.resolved", incident=pd_id, at=resolved, event_id=f"{pd_id}-r"))


def ask(stack: RunningStack, text: str, trigger: str) -> str:
    """A signed `/sla` command; the lazy listener's answer to its response_url, from the outbox."""
    url = f"https://hooks.slack.com/commands/T0001/outages/{trigger}"
    body = slash_command_body(text, url, trigger_id=trigger)
    status, _ = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert status == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [e for e in outbox(stack) if e.get("url") == url]
        if found:
            return str(found[0]["text"])
        time.sleep(0.1)
    raise AssertionError(f"no answer to /sla {text}")


def tick(stack: RunningStack) -> list[dict[str, Any]]:
    """Run the schedule a minute from now (the stack runs on the real clock); the outbox entries it added."""
    before = len(outbox(stack))
    at = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # after what was just owed
    status, text = post(f"{stack.api}/_local/tick?at={at}", b"", {})
    assert status == 200, text
    return outbox(stack)[before:]


def outbox(stack: RunningStack) -> list[dict[str, Any]]:
    lines = stack.outbox.read_text().splitlines() if stack.outbox.exists() else []
    return [json.loads(line) for line in lines]


def test_a_ticket_records_no_downtime_an_outage_does_and_maintenance_after_the_fact_removes_it(
    stack: RunningStack,
) -> None:
    # 1. Two days of a P3 ticket: nothing counted.
    incident(stack, "PTICKET1", "P3", "2026-11-02T14:00:00Z", "2026-11-04T14:00:00Z")
    answer = ask(stack, "credit sonar-billing 2026-11", "t-credit-1")
    assert "Availability 100.0000%" in answer and "credit: *0.00 USD*" in answer, answer
    (card,) = [e for e in outbox(stack) if e["method"] == "chat.postMessage" and "PTICKET1" in json.dumps(e)]
    assert "Ticket: not counted as downtime" in json.dumps(card["blocks"])

    # 2. One hour of a P1 outage: 99.8613%, 3.33 USD (see the module docstring).
    incident(stack, "POUTAGE1", "P1", "2026-11-07T07:00:00Z", "2026-11-07T08:00:00Z")
    answer = ask(stack, "credit sonar-billing 2026-11", "t-credit-2")
    assert "Availability 99.8613%" in answer and "credit: *3.33 USD*" in answer, answer

    # 3. The maintenance it fell in, declared after the fact with 88.5 h of notice: back to 100%, no credit.
    declared = ask(
        stack,
        "maintenance sonar-billing 2026-11-07T01:30-05:00 2026-11-07T04:00-05:00 announced 2026-11-03T09:00-05:00",
        "t-maintenance",
    )
    assert declared.startswith("Recorded scheduled maintenance of `sonar-billing` platform")
    assert "(3 d 16 h ahead)" in declared, declared  # 88.5 h: 3 days and 16 h (minutes below a day's hour dropped)
    answer = ask(stack, "credit sonar-billing 2026-11", "t-credit-3")
    assert "Availability 100.0000%" in answer and "credit: *0.00 USD*" in answer, answer
    # The next tick posts one correction with the old and the new figures (and, in the outage card's thread, the
    # month so far its resolve queued); the same declaration again is already recorded, changes nothing, and
    # posts nothing.
    ticked = tick(stack)
    posted = [e["text"] for e in ticked if e.get("channel") == "C0SONARBIL1" and "thread_ts" not in e]
    assert len(posted) == 1, ticked
    (correction,) = posted
    assert correction.startswith(
        "Correction to 2026-11: estimated credit 3.33 → 0.00 USD, availability 99.8613% → 100%"
    ), correction
    assert "150 min declared as maintenance" in correction and "by <@U0ALICE0001>" in correction
    again = ask(
        stack,
        "maintenance sonar-billing 2026-11-07T01:30-05:00 2026-11-07T04:00-05:00 announced 2026-11-03T09:00-05:00",
        "t-maintenance-again",
    )
    assert again.startswith("Already recorded scheduled maintenance"), again
    assert [e for e in tick(stack) if e.get("channel") == "C0SONARBIL1"] == []
    # Only the outage's resolve posted the month so far in its card's thread; the ticket's posted none.
    cards = {e["ts"]: e for e in outbox(stack) if e["method"] == "chat.postMessage" and "thread_ts" not in e}
    summaries = [cards[e["thread_ts"]] for e in outbox(stack) if e.get("thread_ts") in cards and "so far" in e["text"]]
    assert [json.dumps(card).count("POUTAGE1") > 0 for card in summaries] == [True]
