"""Catch-up collapse: of the stages of one clock due together only the furthest is posted; the share of time used.

Resonate P1 opened Mon 2026-03-09 10:00 EDT (Primary Hours), both clocks 24/7:
- first response 30 min: heads-up 10:15 (50%), warning 10:22:30 (max(75% = 10:22:30, 30 − 15 = 10:15)), breach 10:30;
- status update every 4 h: update due soon 13:50 (14:00 − 10 min), update overdue 14:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.incidents.reminder_stages import (
    BREACH,
    HEADS_UP,
    UPDATE_OVERDUE,
    UPDATE_SOON,
    WARNING,
    Stage,
    latest_per_clock,
    percent_used,
    stages,
)
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, TrackedDeadline, track

NY = ZoneInfo("America/New_York")
OPENED = datetime(2026, 3, 9, 10, 0, tzinfo=NY)


def clocks(*events: IncidentEvent) -> dict[str, TrackedDeadline]:
    state = fold([IncidentEvent("t", "triggered", OPENED, severity="P1"), *events])
    return {t.metric: t for t in track(Terms("resonate"), state)}


def all_stages() -> list[Stage]:
    tracked = clocks()
    return stages(tracked["initial_response"]) + stages(tracked["update"])


def names(chosen: list[Stage]) -> list[str]:
    return [s.name for s in chosen]


def test_every_stage_due_at_once_collapses_to_one_per_clock() -> None:
    # Six hours late (16:00): all five stages are due; the first response's breach and the update's overdue remain.
    due = [s for s in all_stages() if s.at <= OPENED + timedelta(hours=6)]
    assert len(due) == 5
    assert names(latest_per_clock(due)) == [BREACH, UPDATE_OVERDUE]


def test_the_furthest_stage_wins_whatever_the_order_given() -> None:
    heads_up, warning, breach, soon, overdue = all_stages()
    assert names(latest_per_clock([breach, heads_up, warning])) == [BREACH]
    assert names(latest_per_clock([warning, heads_up])) == [WARNING]
    assert names(latest_per_clock([overdue, soon])) == [UPDATE_OVERDUE]
    assert names(latest_per_clock([heads_up, soon])) == [HEADS_UP, UPDATE_SOON]  # one each: nothing to collapse
    assert latest_per_clock([]) == []


def test_each_run_of_a_recurring_clock_is_its_own_clock() -> None:
    # An update at 10:40 restarts the cadence: the new run (due 14:40) has its own key, so a stale overdue of
    # the first run and the due-soon of the new run are not collapsed into one another.
    first_run = stages(clocks()["update"])
    second_run = stages(clocks(IncidentEvent("u", "update", OPENED + timedelta(minutes=40)))["update"])
    assert first_run[1].tracked.key != second_run[0].tracked.key
    assert names(latest_per_clock([first_run[1], second_run[0]])) == [UPDATE_OVERDUE, UPDATE_SOON]


def test_the_kept_stages_come_out_in_time_order() -> None:
    heads_up, _, _, soon, _ = all_stages()
    assert latest_per_clock([soon, heads_up]) == [heads_up, soon]  # 10:15 before 13:50


def test_a_sweep_down_for_an_hour_posts_the_breach_alone() -> None:
    # Minute ticks 10:00–14:10 with the sweep down 10:10–11:10 (no ticks), each tick posting the collapsed due
    # stages and marking every due stage sent: the heads-up (10:15), warning (10:22:30) and breach (10:30) are all
    # due at 11:10, and only the breach goes out; the update stages go out on time.
    everything, sent, posted = all_stages(), set[str](), []
    now = OPENED
    while now <= OPENED + timedelta(hours=4, minutes=10):
        if not OPENED + timedelta(minutes=10) <= now < OPENED + timedelta(minutes=70):
            due = [s for s in everything if s.at <= now and s.key not in sent]
            posted += [(f"{now:%H:%M}", s.name) for s in latest_per_clock(due)]
            sent |= {s.key for s in due}
        now += timedelta(minutes=1)
    assert posted == [("11:10", BREACH), ("13:50", UPDATE_SOON), ("14:00", UPDATE_OVERDUE)]
    assert sent == {s.key for s in everything}  # the skipped heads-up and warning are marked sent too


def test_percent_used_rounds_down_so_a_clock_with_time_left_never_reads_100() -> None:
    first = clocks()["initial_response"]
    # 15 of 30 min = 50%; 29 min 50 s of 30 min = 99.4% -> 99 (rounding would say 100 with 10 s left);
    # 30 min = 100%; 6 h = 360 / 30 = 1200%.
    assert percent_used(first, OPENED + timedelta(minutes=15)) == 50
    assert percent_used(first, OPENED + timedelta(minutes=29, seconds=50)) == 99
    assert percent_used(first, OPENED + timedelta(minutes=30)) == 100
    assert percent_used(first, OPENED + timedelta(hours=6)) == 1200
