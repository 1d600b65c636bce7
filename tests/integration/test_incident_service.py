"""record_event against DynamoDB Local: exactly once, any order, concurrent writers, downtime on resolve."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from pynamodb.connection.base import Connection
from pynamodb.exceptions import TransactWriteError

from sla_core.app.incident_service import mark_reminders_sent, record_event
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent
from tests.support.raw_items import raw_incident

pytestmark = pytest.mark.integration

CONTRACT = load_contracts().contracts["resonate-ems"]
T0 = datetime.fromisoformat("2026-11-23T10:00:00-05:00")  # Monday, Primary Hours
RECORDED = T0 + timedelta(hours=5)


def event(event_id: str, kind: str, minutes: int, severity: str | None = None) -> IncidentEvent:
    return IncidentEvent(event_id, kind, T0 + timedelta(minutes=minutes), actor="U1", severity=severity)


def record(incident_id: str, e: IncidentEvent) -> bool:
    result = record_event(
        incident_id=incident_id, event=e, contract=CONTRACT, source="pagerduty", recorded_at=RECORDED, title="Down"
    )
    return result.appended


def test_trigger_sets_deadlines_and_due_index_and_a_duplicate_changes_nothing(table: str) -> None:
    # Resonate P1 at Mon 10:00 (Primary): first response due 10:30; first reminder (50%) at 10:15.
    assert record("pd-A", event("e1", "triggered", 0, "P1"))
    before = repository.get_incident("pd-A")
    assert before is not None
    assert {d.due_at for d in before.deadlines} == {T0 + timedelta(minutes=30), T0 + timedelta(hours=4)}
    assert before.next_due_at == T0 + timedelta(minutes=15)
    assert raw_incident("pd-A").open_contract == "resonate-ems"  # in the sparse open-index while open
    assert not record("pd-A", event("e1", "triggered", 0, "P1"))
    after = repository.get_incident("pd-A")
    assert after is not None and after.version == before.version
    assert len(repository.timeline("pd-A")) == 1


def test_out_of_order_delivery_ends_in_the_state_the_timestamps_imply(table: str) -> None:
    for e in (event("r", "resolved", 50), event("a", "acknowledged", 20), event("t", "triggered", 0, "P1")):
        record("pd-B", e)
    item = repository.get_incident("pd-B")
    assert item is not None
    assert item.status == "resolved" and item.opened_at == T0
    assert item.acknowledged_at == T0 + timedelta(minutes=20)
    assert item.next_due_at is None and raw_incident("pd-B").due_shard is None  # resolved: out of the due index
    assert raw_incident("pd-B").open_contract is None  # and out of the open-index
    # The outage counted toward availability: opened 10:00 -> resolved 10:50.
    (interval,) = repository.downtime_between("resonate-ems", "platform", T0, T0 + timedelta(days=1))
    assert (interval.started_at, interval.ended_at) == (T0, T0 + timedelta(minutes=50))


def test_concurrent_events_on_one_incident_all_survive(table: str) -> None:
    record("pd-C", event("t", "triggered", 0, "P2"))
    events = [event("a", "acknowledged", 5), event("u1", "update", 30), event("p", "priority_updated", 10, "P1")]
    with ThreadPoolExecutor(3) as pool:
        assert all(pool.map(lambda e: record("pd-C", e), events))
    item = repository.get_incident("pd-C")
    assert item is not None
    state = item.state
    assert (state.status, state.severity) == ("acknowledged", "P1")
    assert state.last_update_at == T0 + timedelta(minutes=30)


def test_marking_a_reminder_moves_the_incident_to_its_next_stage(table: str) -> None:
    # Stages of the 10:30 first response: 10:15 (50%), 10:22:30 (75%), 10:30 (breach).
    record("pd-D", event("t", "triggered", 0, "P1"))
    item = repository.get_incident("pd-D")
    assert item is not None
    first_key = f"{item.deadlines[0].name}#heads_up"
    moved = mark_reminders_sent("pd-D", [first_key], CONTRACT)
    assert moved.next_due_at == T0 + timedelta(minutes=22, seconds=30)


SONAR = load_contracts().contracts["sonar-billing"]


def sonar(incident_id: str, *events: IncidentEvent, contract: Contract = SONAR) -> list[bool]:
    """Record events on sonar-billing (each received when it happened, or at RECORDED if later); whether each
    changed the recorded downtime."""
    return [
        record_event(incident_id=incident_id, event=e, contract=contract, source="pagerduty",
                     recorded_at=max(RECORDED, e.occurred_at),
                     title="Sonar", service_id="PSONAR1").downtime_recorded
        for e in events
    ]  # fmt: skip


def test_a_ticket_records_no_downtime_and_an_outage_does(table: str) -> None:
    # A `normal` ticket (PagerDuty P3) open two days; a `production-down` outage (P1) open 50 minutes.
    two_days = 2 * 24 * 60
    ticket = IncidentEvent("n-t", "triggered", T0, severity="normal", priority="P3")
    assert sonar("pd-N", ticket, event("n-r", "resolved", two_days)) == [False, False]
    outage = IncidentEvent("o-t", "triggered", T0, severity="production-down", priority="P1")
    assert sonar("pd-O", outage, event("o-r", "resolved", 50)) == [False, True]
    stored = repository.downtime_between("sonar-billing", "platform", T0, T0 + timedelta(days=3))
    assert [(d.incident_id, d.started_at, d.ended_at) for d in stored] == [("pd-O", T0, T0 + timedelta(minutes=50))]
    ticket_item, outage_item = repository.get_incident("pd-N"), repository.get_incident("pd-O")
    assert ticket_item is not None and outage_item is not None
    assert (ticket_item.outage, outage_item.outage) == (False, True)
    assert ticket_item.deadlines  # a ticket keeps all its response clocks


def test_the_contracts_outage_rule_and_a_classification_before_the_resolve(table: str) -> None:
    from dataclasses import replace

    from sla_core.config.contracts_file import OutagesEntry

    # This contract says its P3 tickets are outages (a priority wins over the policy's severities).
    p3_outages = replace(SONAR, outages=OutagesEntry(priorities={"P3": True}))
    ticket = IncidentEvent("p-t", "triggered", T0, severity="normal", priority="P3")
    assert sonar("pd-P", ticket, event("p-r", "resolved", 30), contract=p3_outages) == [False, True]
    # Without the rule, a ticket marked an outage (cause: internet) while open records its downtime with the
    # cause when it is resolved.
    marked = IncidentEvent("q-c", "classified", T0 + timedelta(minutes=5), "U1", outage=True, cause="internet")
    ticket = IncidentEvent("q-t", "triggered", T0, severity="normal", priority="P3")
    assert sonar("pd-Q", ticket, marked, event("q-r", "resolved", 40)) == [False, False, True]
    (interval,) = [d for d in repository.downtime_between("sonar-billing", "platform", T0, T0 + timedelta(hours=1))
                   if d.incident_id == "pd-Q"]  # fmt: skip
    assert (interval.cause, interval.ended_at) == ("internet", T0 + timedelta(minutes=40))


def test_a_resolve_or_reclassification_whose_write_fails_leaves_neither_half(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A production-down outage (P1) from T0, resolved after 50 minutes; DynamoDB fails the write of the resolve.
    def stalled(*args: object, **kwargs: object) -> None:
        raise TransactWriteError("the table did not answer")

    outage = IncidentEvent("w-t", "triggered", T0, severity="production-down", priority="P1")
    assert sonar("pd-W", outage) == [False]
    span = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    with monkeypatch.context() as patch:
        patch.setattr(Connection, "transact_write_items", stalled)
        with pytest.raises(TransactWriteError):
            sonar("pd-W", event("w-r", "resolved", 50))
    stored = repository.get_incident("pd-W")
    assert stored is not None and stored.status == "triggered"  # not resolved without its interval
    assert repository.downtime_between("sonar-billing", "platform", *span) == []  # nor an interval without an end
    assert [e.event_id for e in repository.timeline("pd-W")] == ["w-t"]  # nor a timeline entry of a resolve not made
    # PagerDuty's redelivery of the resolve writes both, whole.
    assert sonar("pd-W", event("w-r", "resolved", 50)) == [True]
    (interval,) = repository.downtime_between("sonar-billing", "platform", *span)
    assert (interval.started_at, interval.ended_at, interval.withdrawn_at) == (T0, T0 + timedelta(minutes=50), None)
    # Marked a ticket afterwards, while the write fails: still an outage, its interval still counted.
    ticket = IncidentEvent("w-c", "classified", T0 + timedelta(hours=2), "U1", outage=False)
    with monkeypatch.context() as patch:
        patch.setattr(Connection, "transact_write_items", stalled)
        with pytest.raises(TransactWriteError):
            sonar("pd-W", ticket)
    stored = repository.get_incident("pd-W")
    assert stored is not None and stored.outage is True and stored.state.outage is None
    assert "w-c" not in {e.event_id for e in repository.timeline("pd-W")}
    (interval,) = repository.downtime_between("sonar-billing", "platform", *span)
    assert interval.withdrawn_at is None
    assert sonar("pd-W", ticket) == [True]  # the retry withdraws it, with the incident marked a ticket
    (interval,) = repository.downtime_between("sonar-billing", "platform", *span)
    stored = repository.get_incident("pd-W")
    assert stored is not None and stored.outage is False and interval.withdrawn_at == T0 + timedelta(hours=2)


def test_a_correction_whose_write_fails_leaves_no_trace_and_its_retry_applies_it_once(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A correction is applied in one transaction or not at all: its timeline entry, the incident and the
    interval it moves. A P1 outage T0 to T0 + 50 min; the opening corrected to T0 - 10 min (60 minutes down)."""

    def stalled(*args: object, **kwargs: object) -> None:
        raise TransactWriteError("the table did not answer")

    outage = IncidentEvent("k-t", "triggered", T0, severity="production-down", priority="P1")
    assert sonar("pd-K", outage, event("k-r", "resolved", 50)) == [False, True]
    fix = IncidentEvent("k-fix", "corrected", T0 + timedelta(hours=1), "U1", opened_fix=T0 - timedelta(minutes=10))
    span = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    with monkeypatch.context() as patch:
        patch.setattr(Connection, "transact_write_items", stalled)
        with pytest.raises(TransactWriteError):
            sonar("pd-K", fix)
    assert [e.event_id for e in repository.timeline("pd-K")] == ["k-t", "k-r"]
    (interval,) = repository.downtime_between("sonar-billing", "platform", *span)
    assert (interval.started_at, interval.ended_at) == (T0, T0 + timedelta(minutes=50))
    assert sonar("pd-K", fix) == [True]  # applied whole
    assert sonar("pd-K", fix) == [False]  # and once: the redelivery finds its entry and writes nothing
    assert [e.event_id for e in repository.timeline("pd-K")] == ["k-t", "k-r", "k-fix"]  # in the order they happened
    counted = [d for d in repository.downtime_between("sonar-billing", "platform", *span) if d.withdrawn_at is None]
    assert [(d.started_at, d.ended_at) for d in counted] == [(T0 - timedelta(minutes=10), T0 + timedelta(minutes=50))]
