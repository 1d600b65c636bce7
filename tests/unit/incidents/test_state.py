"""Incident state as a fold of timeline events: any delivery order gives the state the timestamps imply."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sla_core.incidents.reminder_stages import BREACH, HEADS_UP, UPDATE_OVERDUE, UPDATE_SOON, WARNING, next_due, stages
from sla_core.incidents.state import ACKNOWLEDGED, RESOLVED, TRIGGERED, IncidentEvent, apply, fold
from sla_core.incidents.tracking import Terms, track


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


T0 = at("2026-11-23T10:00:00-05:00")


def ev(event_id: str, kind: str, minutes: int, actor: str | None = None, severity: str | None = None) -> IncidentEvent:
    return IncidentEvent(event_id, kind, T0 + timedelta(minutes=minutes), actor=actor, severity=severity)


LIFE = [
    ev("1", "triggered", 0, severity="P3"),
    ev("2", "acknowledged", 20, actor="U1"),
    ev("3", "priority_updated", 25, severity="P1"),
    ev("4", "update", 40),
    ev("5", "resolved", 90),
    ev("6", "reopened", 100),
    ev("7", "update", 130),
]


def test_a_whole_life_in_order() -> None:
    state = fold(LIFE)
    assert state.status == TRIGGERED  # reopened after the resolve
    assert state.opened_at == T0
    assert state.acknowledged_at == T0 + timedelta(minutes=20) and state.acknowledged_by == "U1"
    assert state.last_update_at == T0 + timedelta(minutes=130)
    assert state.severity == "P1"
    assert state.resolved_at is None and state.is_open


def test_a_late_retried_trigger_does_not_undo_the_acknowledgement() -> None:
    state = fold([ev("2", "acknowledged", 20), ev("1", "triggered", 0, severity="P2")])
    assert state.status == ACKNOWLEDGED
    assert state.opened_at == T0 and state.severity == "P2"


def test_before_the_trigger_arrives_the_earliest_event_is_the_provisional_opening() -> None:
    state = fold([ev("2", "acknowledged", 20)])
    assert state.opened_at == T0 + timedelta(minutes=20) and not state.triggered
    assert apply(state, ev("1", "triggered", 0)).opened_at == T0


def test_resolve_then_late_acknowledge_stays_resolved() -> None:
    state = fold([ev("5", "resolved", 90), ev("2", "acknowledged", 20), ev("1", "triggered", 0)])
    assert state.status == RESOLVED and state.resolved_at == T0 + timedelta(minutes=90)


@settings(max_examples=200, deadline=None)
@given(st.permutations(LIFE), st.lists(st.sampled_from(LIFE), max_size=5))
def test_any_order_and_any_duplicates_give_the_same_state(
    order: list[IncidentEvent], dupes: list[IncidentEvent]
) -> None:
    assert fold(order + dupes) == fold(LIFE)


def test_tracked_deadlines_and_reminder_stages_for_resonate_p1() -> None:
    # Resonate P1 opened Mon Nov 23 10:00 (Primary Hours): first response due 10:30 (30 clock minutes),
    # follow-up every 4 h -> 14:00. Stages: heads-up at 50% = 10:15; warning at the later of 75% (10:22:30)
    # and 15 min before (10:15) = 10:22:30; breach 10:30. Update: due in 10 min at 13:50, overdue 14:00.
    state = fold([ev("1", "triggered", 0, severity="P1")])
    tracked = {t.metric: t for t in track(Terms("resonate"), state)}
    first, update = tracked["initial_response"], tracked["update"]
    assert first.due_at == at("2026-11-23T10:30:00-05:00") and first.met_at is None
    assert update.due_at == at("2026-11-23T14:00:00-05:00")
    got = {(s.name, s.at) for s in stages(first)} | {(s.name, s.at) for s in stages(update)}
    assert got == {
        (HEADS_UP, at("2026-11-23T10:15:00-05:00")),
        (WARNING, at("2026-11-23T10:22:30-05:00")),
        (BREACH, at("2026-11-23T10:30:00-05:00")),
        (UPDATE_SOON, at("2026-11-23T13:50:00-05:00")),
        (UPDATE_OVERDUE, at("2026-11-23T14:00:00-05:00")),
    }
    all_stages = stages(first) + stages(update)
    assert next_due(all_stages, set()) == at("2026-11-23T10:15:00-05:00")
    assert next_due(all_stages, {all_stages[0].key}) == at("2026-11-23T10:22:30-05:00")


def test_an_update_restarts_the_cadence_and_an_ack_meets_the_first_response() -> None:
    # Acknowledged at 10:20 (met, 10 min early); update at 10:40 -> next update due 14:40.
    state = fold([ev("1", "triggered", 0, severity="P1"), ev("2", "acknowledged", 20), ev("4", "update", 40)])
    tracked = {t.metric: t for t in track(Terms("resonate"), state)}
    assert tracked["initial_response"].met_at == T0 + timedelta(minutes=20)
    assert tracked["initial_response"].deadline.outcome(T0 + timedelta(minutes=20)) == {
        "met": True,
        "margin_minutes": 10.0,
    }
    assert stages(tracked["initial_response"]) == []
    assert tracked["update"].due_at == at("2026-11-23T14:40:00-05:00")


def test_warning_uses_business_time_on_business_targets() -> None:
    # Atheer P1 = 4 business hours, opened Fri Nov 20 15:00 PST: due Mon 11:00. 50% = 2 open hours =
    # Fri 17:00; 75% = 3 open hours = Mon 10:00; 15 min before the deadline = Mon 10:45, the later one.
    state = fold([IncidentEvent("1", "triggered", at("2026-11-20T15:00:00-08:00"), severity="P1")])
    (first,) = track(Terms("atheer"), state)
    names = {s.name: s.at for s in stages(first)}
    assert names[HEADS_UP] == at("2026-11-20T17:00:00-08:00")
    assert names[WARNING] == at("2026-11-23T10:45:00-08:00")
    assert first.fraction_used(at("2026-11-23T10:00:00-08:00")) == 0.75
    assert first.remaining(at("2026-11-21T12:00:00-08:00")) == timedelta(hours=2)


def test_resolved_incidents_have_no_update_cadence_and_unknown_severity_no_deadlines() -> None:
    resolved = fold([ev("1", "triggered", 0, severity="P1"), ev("5", "resolved", 90)])
    assert [t.metric for t in track(Terms("resonate"), resolved)] == ["initial_response"]
    assert track(Terms("resonate"), fold([ev("1", "triggered", 0, severity="P9")])) == []


def test_the_latest_classification_wins_in_any_order_and_keeps_who_said_it() -> None:
    def said(event_id: str, minutes: int, outage: bool, cause: str | None = None) -> IncidentEvent:
        return IncidentEvent(event_id, "classified", T0 + timedelta(minutes=minutes), "U1" if outage else "U2",
                             outage=outage, cause=cause)  # fmt: skip

    events = [ev("t", "triggered", 0, severity="P1"), said("c1", 5, False), said("c2", 9, True, "ddos"),
              ev("r", "resolved", 30)]  # fmt: skip
    for order in (events, events[::-1], [events[2], events[0], events[3], events[1]]):
        state = fold(order)
        assert (state.outage, state.cause, state.classified_by) == (True, "ddos", "U1")
        assert state.status == RESOLVED and state.opened_at == T0  # a classification is no status change
    assert fold(events[:2]).outage is False and fold(events[:1]).outage is None  # None: nobody said


HOUR = timedelta(hours=1)


def test_corrections_win_over_the_source_and_keep_it_in_any_order() -> None:
    fixed_open, fixed_end = T0 - timedelta(minutes=20), T0 + timedelta(minutes=45)
    events = [
        ev("t", "triggered", 0, severity="P3"),
        ev("r", "resolved", 60),
        IncidentEvent("c1", "corrected", T0 + timedelta(hours=2), "U1", severity="P1", opened_fix=T0 - HOUR),
        IncidentEvent("c2", "corrected", T0 + timedelta(hours=3), "U1", opened_fix=fixed_open, resolved_fix=fixed_end),
    ]  # fmt: skip
    for order in (events, events[::-1], [events[3], events[1], events[0], events[2]]):
        state = fold(order)
        # The later correction's opening wins (10:00 - 20 min = 09:40), the source's instants stay.
        assert (state.opened_at, state.resolved_at) == (fixed_open, fixed_end)
        assert (state.source_opened_at, state.source_resolved_at) == (T0, T0 + timedelta(minutes=60))
        assert state.severity == "P1" and state.status == RESOLVED
    assert fold(events) == fold([*events, *events])  # idempotent
    # Reopened, the correction of the end waits until it is resolved again.
    reopened = fold([*events, ev("o", "reopened", 70)])
    assert reopened.resolved_at is None and reopened.opened_at == fixed_open


def test_a_state_stored_before_corrections_existed_reads_as_the_source() -> None:
    from sla_core.storage.state_codec import load_state

    legacy = {"status": "resolved", "status_key": [T0.isoformat(), 4, "r"], "opened_at": T0.isoformat(),
              "triggered": True, "resolved_at": (T0 + timedelta(minutes=30)).isoformat()}  # fmt: skip
    state = apply(load_state(legacy), ev("n", "note", 40))
    assert (state.source_opened_at, state.opened_at) == (T0, T0)
    assert state.resolved_at == state.source_resolved_at == T0 + timedelta(minutes=30)
