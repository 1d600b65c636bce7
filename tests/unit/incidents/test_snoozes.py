"""Snoozed reminders: the folded state keeps each stage's first snooze, and the notice comes back once, 15 minutes
of the clock's own time after the click, unless a later stage of the clock comes first.

Atheer P1 opened Fri 2026-11-06 16:00 PST (winter: Pacific local time and PST all year are the same clock,
Mon–Fri 09:00–17:00): 4 business hours are Fri 16–17 (1 h) + Mon 09–12 (3 h), due Mon 9 Nov 12:00 PST.
Heads-up at 50% (2 h: Fri 1 h + Mon 1 h) = Mon 10:00; warning at max(75% = 3 h → Mon 11:00, 4 h − 15 min →
Mon 11:45) = 11:45; breach 12:00.
Atheer P2 from the same opening: 2 business days = 16 open hours: Fri 1 h + Mon 8 h + Tue 7 h → Tue 10 Nov 16:00;
heads-up at 8 h: Fri 1 h + Mon 7 h → Mon 16:00; warning max(12 h → Tue 12:00, 15 h 45 min → Tue 15:45) = 15:45.
"""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from sla_core.incidents.reminder_stages import (
    AGAIN,
    BREACH,
    HEADS_UP,
    WARNING,
    Stage,
    clock_key,
    incident_stages,
    latest_per_clock,
    next_due,
    stage_name,
)
from sla_core.incidents.state import IncidentEvent, IncidentState, fold
from sla_core.incidents.tracking import Terms, TrackedDeadline, track

PST = ZoneInfo("America/Los_Angeles")
OPENED = datetime(2026, 11, 6, 16, 0, tzinfo=PST)


def mon(hhmm: str, day: int = 9) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(minutes), tzinfo=PST)


def clock(severity: str = "P1", *events: IncidentEvent) -> tuple[TrackedDeadline, IncidentState]:
    state = fold([IncidentEvent("t", "triggered", OPENED, severity=severity), *events])
    (first,) = [t for t in track(Terms("atheer"), state) if t.metric == "initial_response"]
    return first, state


def key_of(name: str) -> str:
    tracked, _ = clock()
    return f"{tracked.key}#{name}"


def snooze(stage_key: str, at: datetime, actor: str = "U0DAVE00001", event_id: str | None = None) -> IncidentEvent:
    return IncidentEvent(event_id or f"s-{stage_key}-{at.isoformat()}", "snoozed", at, actor, text=stage_key)


def with_events(*events: IncidentEvent, severity: str = "P1") -> list[Stage]:
    tracked, state = clock(severity, *events)
    return incident_stages([tracked], snoozes=state.snoozes)


def timeline(found: list[Stage]) -> list[tuple[str, datetime]]:
    return [(s.key.split("#", 1)[1], s.at) for s in found]


def test_without_a_snooze_the_stages_are_the_plain_ones() -> None:
    assert timeline(with_events()) == [("heads_up", mon("10:00")), ("warning", mon("11:45")), ("breach", mon("12:00"))]


def test_a_snoozed_heads_up_comes_back_fifteen_minutes_after_the_click_once() -> None:
    # Snoozed Mon 10:05: back at 10:20, before the warning (11:45).
    found = with_events(snooze(key_of(HEADS_UP), mon("10:05")))
    assert timeline(found) == [
        ("heads_up", mon("10:00")),
        ("heads_up+snoozed", mon("10:20")),
        ("warning", mon("11:45")),
        ("breach", mon("12:00")),
    ]
    renotice = found[1]
    assert (renotice.name, stage_name(renotice.key)) == (HEADS_UP, HEADS_UP)
    assert clock_key(renotice.key) == found[0].tracked.key
    # Sent the heads-up, the incident's next due instant is the notice coming back.
    assert next_due(found, {found[0].key}) == mon("10:20")


def test_the_first_snooze_of_a_stage_is_kept_in_any_order_and_any_repeat() -> None:
    first = snooze(key_of(HEADS_UP), mon("10:05"), "U0DAVE00001", "a")
    later = snooze(key_of(HEADS_UP), mon("10:09"), "U0ALICE0001", "b")
    orders = [[first, later], [later, first], [first, later, first, later]]
    states = {clock("P1", *events)[1].snoozes for events in orders}
    assert states == {((key_of(HEADS_UP), mon("10:05"), "U0DAVE00001"),)}
    shuffled = [first, later, snooze(key_of(WARNING), mon("11:50"), event_id="c")]
    random.Random(7).shuffle(shuffled)
    assert clock("P1", *shuffled)[1].snoozes == (
        (key_of(HEADS_UP), mon("10:05"), "U0DAVE00001"),
        (key_of(WARNING), mon("11:50"), "U0DAVE00001"),
    )


def test_a_snooze_changes_no_status_and_no_clock() -> None:
    tracked, state = clock("P1", snooze(key_of(HEADS_UP), mon("10:05")))
    plain, before = clock()
    assert (state.status, state.acknowledged_at, tracked.due_at) == (before.status, None, plain.due_at)


def test_a_notice_that_came_back_can_be_snoozed_again() -> None:
    # The re-notice (10:20) snoozed at 10:21: back at 10:36, still before the warning.
    again = key_of(HEADS_UP) + AGAIN
    found = with_events(snooze(key_of(HEADS_UP), mon("10:05")), snooze(again, mon("10:21")))
    assert ("heads_up+snoozed+snoozed", mon("10:36")) in timeline(found)


def test_a_snooze_never_holds_back_the_next_stage_nor_a_breach() -> None:
    # The heads-up snoozed at 11:31 would be back at 11:46, after the warning (11:45): the warning is the notice.
    late = with_events(snooze(key_of(HEADS_UP), mon("11:31")))
    assert len(late) == 3
    # Exactly at the warning (snoozed 11:30, back 11:45) the warning wins too.
    assert len(with_events(snooze(key_of(HEADS_UP), mon("11:30")))) == 3
    # The warning snoozed at 11:46 would be back at 12:01, after the breach (12:00): dropped; the breach stays.
    assert timeline(with_events(snooze(key_of(WARNING), mon("11:46"))))[-1] == ("breach", mon("12:00"))
    assert len(with_events(snooze(key_of(WARNING), mon("11:46")))) == 3
    # A breach is never snoozed, even if a snooze of it were recorded.
    assert len(with_events(snooze(key_of(BREACH), mon("12:01")))) == 3


def test_the_snooze_counts_the_clocks_open_time() -> None:
    # The P2 heads-up (Mon 16:00) snoozed at Mon 16:50: 10 open minutes that day, 5 more from Tue 09:00.
    tracked, _ = clock("P2")
    heads_up = f"{tracked.key}#heads_up"
    found = with_events(snooze(heads_up, mon("16:50")), severity="P2")
    assert timeline(found) == [
        ("heads_up", mon("16:00")),
        ("heads_up+snoozed", mon("09:05", day=10)),
        ("warning", mon("15:45", day=10)),
        ("breach", mon("16:00", day=10)),
    ]


def test_once_the_clock_is_met_nothing_comes_back() -> None:
    acked = IncidentEvent("a", "acknowledged", mon("10:10"), "U0ALICE0001")
    assert with_events(snooze(key_of(HEADS_UP), mon("10:05")), acked) == []


def test_a_notice_back_together_with_the_warning_collapses_to_the_warning() -> None:
    # A sweep down from 10:00 to 11:50 finds the heads-up, its re-notice (10:20) and the warning (11:45) due at once.
    found = with_events(snooze(key_of(HEADS_UP), mon("10:05")))
    due = [s for s in found if s.at <= mon("11:50")]
    assert [(s.name, s.at) for s in latest_per_clock(due)] == [(WARNING, mon("11:45"))]
