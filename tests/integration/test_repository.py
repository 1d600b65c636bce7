"""Storage on DynamoDB Local: the sparse due index, dedupe, the append-only timeline, downtime, deliveries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.exceptions import PutError

from sla_core.engine.errors import InputError
from sla_core.incidents.records import Incident, StoredDeadline, StoredDowntime
from sla_core.incidents.state import RESOLVED
from sla_core.storage import repository
from sla_core.storage.models import DeliveryItem
from tests.support.raw_items import raw_incident

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def incident(incident_id: str, *, due: datetime | None, contract: str = "sonoran-hosting") -> Incident:
    item = repository.new_incident(
        incident_id=incident_id,
        contract_id=contract,
        component="web",
        severity="escalation",
        source="pagerduty",
        source_id=incident_id.removeprefix("pd-"),
        title="web servers unreachable",
        opened_at=T0,
    )
    return replace(item, deadlines=(StoredDeadline("initial_response", T0 + timedelta(hours=1)),), next_due_at=due)


def test_create_is_idempotent_and_round_trips(table: str) -> None:
    assert repository.create_incident(incident("pd-Q1", due=T0 + timedelta(minutes=30)))
    assert not repository.create_incident(incident("pd-Q1", due=T0))
    stored = repository.get_incident("pd-Q1")
    assert stored is not None
    assert stored.opened_at == T0
    assert stored.opened_at.tzinfo is not None
    assert stored.next_due_at == T0 + timedelta(minutes=30)
    assert stored.deadlines[0].due_at == T0 + timedelta(hours=1)
    assert stored.reminders_sent == set()
    assert stored.version == 1
    assert repository.get_incident("absent") is None


def test_the_due_index_holds_only_open_incidents_that_are_due(table: str) -> None:
    for number in range(12):  # enough ids to land in every shard
        repository.create_incident(incident(f"pd-D{number}", due=T0 + timedelta(minutes=number)))
    repository.create_incident(incident("pd-later", due=T0 + timedelta(days=1)))
    repository.create_incident(incident("pd-nothing-due", due=None))
    assert len({repository.due_shard_for(f"pd-D{number}") for number in range(12)}) == repository.DUE_SHARDS

    due = repository.due_incidents(T0 + timedelta(minutes=5))
    assert [item.incident_id for item in due] == [f"pd-D{number}" for number in range(6)]

    def resolve(item: Incident) -> Incident:
        return replace(item, status=RESOLVED, resolved_at=T0 + timedelta(minutes=3), next_due_at=T0)

    resolved = repository.update_incident("pd-D2", resolve)
    assert resolved.next_due_at is None
    assert raw_incident("pd-D2").due_shard is None
    due_ids = [item.incident_id for item in repository.due_incidents(T0 + timedelta(minutes=5))]
    assert "pd-D2" not in due_ids
    assert len(due_ids) == 5
    assert "pd-later" not in [item.incident_id for item in repository.due_incidents(T0 + timedelta(hours=23))]
    assert "pd-later" in [item.incident_id for item in repository.due_incidents(T0 + timedelta(days=2))]


def test_contract_index_lists_a_contracts_incidents_in_opening_order(table: str) -> None:
    repository.create_incident(incident("pd-A", due=None, contract="atheer-platform"))
    repository.create_incident(incident("pd-B", due=None, contract="resonate-ems"))
    found = repository.contract_incidents("atheer-platform")
    assert [item.incident_id for item in found] == ["pd-A"]
    assert repository.contract_incidents("atheer-platform", opened_since=T0 + timedelta(seconds=1)) == []


def test_the_open_index_holds_a_contracts_open_incidents_only(table: str) -> None:
    for incident_id in ("pd-O1", "pd-O2", "pd-O3"):
        repository.create_incident(incident(incident_id, due=None, contract="atheer-platform"))
    repository.create_incident(incident("pd-X", due=None, contract="resonate-ems"))

    repository.update_incident("pd-O2", lambda item: replace(item, status=RESOLVED))
    assert raw_incident("pd-O2").open_contract is None and raw_incident("pd-O1").open_contract == "atheer-platform"
    assert sorted(item.incident_id for item in repository.open_contract_incidents("atheer-platform")) == [
        "pd-O1",
        "pd-O3",
    ]
    assert [item.incident_id for item in repository.open_contract_incidents("resonate-ems")] == ["pd-X"]


def test_the_timeline_is_append_only_and_in_time_order(table: str) -> None:
    repository.create_incident(incident("pd-T", due=None))

    def resolved_event() -> bool:
        return repository.append_event(
            "pd-T",
            event_id="w2",
            event_type="incident.resolved",
            occurred_at=T0 + timedelta(minutes=9),
            recorded_at=T0 + timedelta(minutes=9),
            source="pagerduty",
        )

    assert resolved_event()
    assert repository.append_event(
        "pd-T",
        event_id="w1",
        event_type="incident.triggered",
        occurred_at=T0,
        recorded_at=T0,
        source="pagerduty",
        actor="PLH1HKV",
        details={"priority": "P1"},
    )
    assert not resolved_event()
    events = repository.timeline("pd-T")
    assert [event.event_id for event in events] == ["w1", "w2"]
    assert events[0].details == {"priority": "P1"}
    assert events[0].actor == "PLH1HKV"


def test_downtime_between_returns_overlapping_and_open_intervals(table: str) -> None:
    def start(downtime_id: str, at: datetime) -> StoredDowntime:
        item = repository.new_downtime(
            downtime_id=downtime_id,
            contract_id="sonoran-hosting",
            component="web",
            started_at=at,
            recorded_by="U0ALICE0001",
            source="slack",
        )
        stored = repository.record_interval(item)  # open: no end yet
        assert stored is not None
        return stored

    early = start("early", T0 - timedelta(days=2))
    repository.end_downtime(early, T0 - timedelta(days=1))
    straddling = start("straddling", T0 - timedelta(hours=1))
    repository.end_downtime(straddling, T0 + timedelta(minutes=10))
    start("open", T0 + timedelta(hours=2))
    start("after", T0 + timedelta(days=3))
    again = repository.new_downtime(
        downtime_id="open",
        contract_id="sonoran-hosting",
        component="web",
        started_at=T0 + timedelta(hours=2),
        recorded_by="U0ALICE0001",
        source="slack",
    )
    assert not repository.record_interval(again)  # recorded already

    found = repository.downtime_between("sonoran-hosting", "web", T0, T0 + timedelta(days=1))
    assert [item.downtime_id for item in found] == ["straddling", "open"]
    assert found[1].ended_at is None
    assert repository.downtime_between("sonoran-hosting", "mail", T0, T0 + timedelta(days=1)) == []
    with pytest.raises(ValueError, match="before it started"):
        repository.end_downtime(found[1], T0)
    with pytest.raises(ValueError, match="before it started"):  # a whole interval too, before anything is written
        repository.new_downtime(downtime_id="x", contract_id="sonoran-hosting", component="web", started_at=T0,
                                ended_at=T0 - timedelta(minutes=1), recorded_by="U1", source="slack")  # fmt: skip
    closed = repository.downtime_between("sonoran-hosting", "web", T0, T0 + timedelta(days=1))[1]
    repository.end_downtime(closed, T0 + timedelta(hours=3))
    with pytest.raises(PutError):  # an interval is closed once: a second end finds it closed
        repository.end_downtime(found[1], T0 + timedelta(hours=4))


def test_a_delivery_is_claimed_once_and_expires(table: str) -> None:
    assert repository.claim_delivery("pagerduty", "webhook-1", now=T0, keep=timedelta(days=3))
    assert not repository.claim_delivery("pagerduty", "webhook-1", now=T0, keep=timedelta(days=3))
    assert repository.claim_delivery("pagerduty", "webhook-2", now=T0, keep=timedelta(days=3))
    marker = DeliveryItem.get("DELIVERY#pagerduty#webhook-1", repository.DELIVERY_SK)
    assert marker.expires_at == T0 + timedelta(days=3)


def test_naive_datetimes_are_refused_not_assumed_utc(table: str) -> None:
    item = replace(incident("pd-naive", due=None), opened_at=datetime(2026, 3, 9, 14, 0))
    with pytest.raises(InputError, match="no time zone"):
        repository.create_incident(item)
