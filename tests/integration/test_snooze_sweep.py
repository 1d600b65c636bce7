"""Snoozed reminders through the sweep against DynamoDB Local, with Slack stubbed at the HTTP boundary.

Atheer P1 opened Fri 2026-11-06 16:00 PST; 4 business hours (Mon–Fri 09:00–17:00 Pacific) are Fri 16–17 and
Mon 09–12: due Mon 9 Nov 12:00 PST (20:00Z). Heads-up at 50% = Mon 10:00 (18:00Z); warning at max(75% = 11:00,
4 h − 15 min = 11:45) = 11:45 (19:45Z); breach 12:00 (20:00Z).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sla_core.app.incident_service import record_event
from sla_core.app.sweep import Sweep
from sla_core.config.clock import FixedClock
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages
from sla_core.storage import repository
from tests.integration.test_reminder_sweep import CONFIG, SlackStub, poster, slack, stage_of

__all__ = ["slack"]  # the stub fixture, shared with test_reminder_sweep

CONTRACT = CONFIG.contracts["atheer-platform"]
OPENED = datetime(2026, 11, 7, 0, 0, tzinfo=UTC)  # Fri 6 Nov 16:00 PST
FIRST = "initial_response@2026-11-06T16:00:00-08:00"


def pst(hhmm: str) -> datetime:
    """Mon 9 Nov 2026 at a PST wall time, in UTC (PST is UTC−8)."""
    hours, minutes = hhmm.split(":")
    return datetime(2026, 11, 9, int(hours) + 8, int(minutes), tzinfo=UTC)


def record(event: IncidentEvent, read: Incident | None = None) -> None:
    record_event(incident_id="pd-SNOOZE", event=event, contract=CONTRACT, source="slack",
                 recorded_at=event.occurred_at, title="AR glasses offline", read=read)  # fmt: skip


def snooze(stage_key: str, at: str) -> IncidentEvent:
    return IncidentEvent(f"snooze-{at}", "snoozed", pst(at), "U0CAROL0001", text=stage_key)


def test_snoozed_notices_come_back_once_and_never_hold_back_the_warning_or_the_breach(
    table: str, slack: SlackStub
) -> None:
    record(IncidentEvent("t", "triggered", OPENED, severity="P1"))
    sweep_poster = poster(slack)
    snoozes = {  # the clicks, each recorded just after the tick of its minute
        "10:05": snooze(f"{FIRST}#heads_up", "10:05"),  # back at 10:20
        "10:21": snooze(f"{FIRST}#heads_up+snoozed", "10:21"),  # back at 10:36
        "11:46": snooze(f"{FIRST}#warning", "11:46"),  # would be 12:01, after the breach: nothing comes back
    }
    stale = None
    posted: list[tuple[str, str, list[dict[str, Any]]]] = []
    now = pst("09:58")
    while now <= pst("12:02"):
        minute = f"{now.hour - 8:02d}:{now.minute:02d}"
        if minute == "10:00":
            stale = repository.get_incident("pd-SNOOZE")  # read before this tick marks the heads-up sent
        before = len(slack.delivered)
        Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run()
        posted += [(minute, stage_of(m), m["blocks"]) for m in slack.delivered[before:]]
        if minute in snoozes:
            # The first snooze saves over the copy read before the 10:00 tick: a version conflict, re-read, re-applied.
            record(snoozes[minute], read=stale if minute == "10:05" else None)
        if minute == "10:05":
            item = repository.get_incident("pd-SNOOZE")
            assert item is not None and item.next_due_at == pst("10:20")
            assert f"{FIRST}#heads_up" in (item.reminders_sent or set())  # the sweep's mark survived the snooze
        now += timedelta(minutes=1)

    assert [(minute, stage) for minute, stage, _ in posted] == [
        ("10:00", "heads_up"),
        ("10:20", "heads_up"),
        ("10:36", "heads_up"),
        ("11:45", "warning"),
        ("12:00", "breach"),
    ]
    # Each notice carries its own stage in its buttons; the breach offers no snooze.
    values = [[e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]] for _, _, blocks in posted]
    assert values[1] == [f"pd-SNOOZE|{FIRST}#heads_up+snoozed"] * 2
    assert values[2] == [f"pd-SNOOZE|{FIRST}#heads_up+snoozed+snoozed"] * 2
    assert values[4] == [f"pd-SNOOZE|{FIRST}#breach"]
    item = repository.get_incident("pd-SNOOZE")
    assert item is not None and item.next_due_at is None
    assert [e.event_type for e in repository.timeline("pd-SNOOZE")].count("snoozed") == 3
