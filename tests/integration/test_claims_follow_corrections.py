"""Claim-window reminders follow a correction of their period's figures (DynamoDB Local): moved (re-worded)
when the credit changes, cancelled when no credit is left, each once.

Sonoran hosting, web: an outage Thu 2030-02-28 20:00-21:00 MST is 60 of February's 40,320 min: credit
60 / 40,320 x 899.50 = 1.3385 → 1.34 USD, claimable within 72 h of its end: by Sun 3 Mar 21:00 MST; the
1-day reminder is due Sat 2 Mar 21:00 MST (the 7-day one is already past at 23:00 on 28 Feb).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sla_core.app.contract_credit import estimate_for_contract
from sla_core.app.corrections import corrected, periods_touched
from sla_core.config.contracts import load_contracts
from sla_core.engine.intervals import Kind
from sla_core.slack.render.corrections import correction_text
from sla_core.slack.render.reports import claim_reminder_drafts, claim_reminder_text
from sla_core.storage import post_queue, repository
from tests.support.raw_items import raw_post

pytestmark = pytest.mark.integration

SONORAN = load_contracts().contracts["sonoran-hosting"]
OUTAGE = datetime.fromisoformat("2030-02-28T20:00:00-07:00")
NOW = datetime.fromisoformat("2030-02-28T23:00:00-07:00")
REMINDER = f"claim#sonoran-hosting#web#{(OUTAGE + timedelta(hours=1 + 72)).isoformat()}#1d"  # end + 72 h


def record(downtime_id: str, start: datetime, minutes: int, kind: Kind = Kind.UNPLANNED) -> int:
    interval = repository.new_downtime(
        downtime_id=downtime_id, contract_id=SONORAN.id, component="web", started_at=start, recorded_by="U1",
        source="slack", reason=kind.value, ended_at=start + timedelta(minutes=minutes))  # fmt: skip
    assert repository.record_interval(interval)  # start and end in one put
    return 1


def declare(downtime_id: str, start: datetime, minutes: int) -> None:
    corrected(SONORAN, periods_touched(SONORAN, [(start, start + timedelta(minutes=minutes))]),
              lambda: record(downtime_id, start, minutes, Kind.SCHEDULED), correction_id=downtime_id,
              what=lambda _: f"{minutes} min declared as maintenance", actor="U1", now=NOW, words=correction_text,
              claim_words=claim_reminder_text)  # fmt: skip


def test_a_claim_reminder_is_reworded_when_the_credit_changes_and_cancelled_when_none_is_left(table: str) -> None:
    record("outage", OUTAGE, 60)
    (web,) = [e for e in estimate_for_contract(SONORAN, "2030-02", NOW) if e.component == "web"]
    assert f"{web.amount:.2f}" == "1.34"
    for draft in claim_reminder_drafts(SONORAN, web, NOW):
        post_queue.create_post(draft, now=NOW)
    first = post_queue.get_post(REMINDER)
    assert first is not None and "1.34 USD" in first.text
    # Maintenance 20:00-20:30 inside the 2 reserved hours takes the outage's first half: 30 min left, same end,
    # same window: 30 / 40,320 x 899.50 = 0.6693 → 0.67 USD; the reminder stays, re-worded.
    declare("m1", OUTAGE, 30)
    moved = post_queue.get_post(REMINDER)
    assert moved is not None and moved.state == "pending" and "0.67 USD" in moved.text
    # The rest declared too (20:30-21:00, 60 of the 120 reserved minutes in all): no credit, no reminder.
    declare("m2", OUTAGE + timedelta(minutes=30), 30)
    cancelled = post_queue.get_post(REMINDER)
    assert cancelled is not None and cancelled.state == "cancelled" and raw_post(REMINDER).next_due_at is None
    assert [
        p.post_id for p in post_queue.due_posts(NOW + timedelta(days=5)).posts if p.purpose == "claim_reminder"
    ] == []
    # Two corrections, each posted once.
    corrections = [p.text for p in post_queue.due_posts(NOW).posts if p.purpose == "correction"]
    assert len(corrections) == 2 and "1.34 → 0.67 USD" in corrections[0] + corrections[1]
