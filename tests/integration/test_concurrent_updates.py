"""Two writers updating one incident at once both survive: the version check turns the second save into
a conflict, and update_incident reloads and re-applies that writer's change."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.exceptions import PutError

from sla_core.incidents.records import Incident
from sla_core.storage import repository
from sla_core.storage.models import IncidentItem

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def open_incident(incident_id: str) -> None:
    item = repository.new_incident(
        incident_id=incident_id,
        contract_id="resonate-ems",
        component="platform",
        severity="P1",
        source="pagerduty",
        title="EMS login failing",
        opened_at=T0,
    )
    assert repository.create_incident(replace(item, next_due_at=T0 + timedelta(minutes=15)))


def test_two_concurrent_updates_both_survive(table: str) -> None:
    open_incident("pd-C1")
    both_read = threading.Barrier(2, timeout=10)
    calls: Counter[str] = Counter()

    def first_time_wait_for_the_other(
        name: str, change: Callable[[Incident], Incident]
    ) -> Callable[[Incident], Incident]:
        def apply(item: Incident) -> Incident:
            calls[name] += 1
            changed = change(item)
            if calls[name] == 1:
                both_read.wait()  # both writers now hold the same version: one save must conflict
            return changed

        return apply

    def acknowledge(item: Incident) -> Incident:
        return replace(item, status="acknowledged", acknowledged_at=T0 + timedelta(minutes=4))

    def remember_reminder(item: Incident) -> Incident:
        return replace(item, reminders_sent=item.reminders_sent | {"initial_response:50"})

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(repository.update_incident, "pd-C1", first_time_wait_for_the_other("ack", acknowledge)),
            pool.submit(
                repository.update_incident, "pd-C1", first_time_wait_for_the_other("remind", remember_reminder)
            ),
        ]
        for future in futures:
            future.result(timeout=30)

    stored = repository.get_incident("pd-C1")
    assert stored is not None
    assert stored.status == "acknowledged"
    assert stored.acknowledged_at == T0 + timedelta(minutes=4)
    assert stored.reminders_sent == {"initial_response:50"}
    assert stored.version == 3
    assert sum(calls.values()) == 3, f"exactly one writer should have retried, calls: {calls}"


def test_many_writers_lose_nothing(table: str) -> None:
    open_incident("pd-C2")
    stages = [f"update:{number}" for number in range(6)]

    def add(stage: str) -> Incident:
        def change(item: Incident) -> Incident:
            return replace(item, reminders_sent=item.reminders_sent | {stage})

        return repository.update_incident("pd-C2", change, attempts=20)

    with ThreadPoolExecutor(max_workers=len(stages)) as pool:
        list(pool.map(add, stages))
    stored = repository.get_incident("pd-C2")
    assert stored is not None
    assert stored.reminders_sent == set(stages)
    assert stored.version == 1 + len(stages)


def test_a_save_from_a_stale_read_is_refused(table: str) -> None:
    open_incident("pd-C3")
    first = IncidentItem.get(repository.incident_pk("pd-C3"), repository.INCIDENT_SK, consistent_read=True)
    second = IncidentItem.get(repository.incident_pk("pd-C3"), repository.INCIDENT_SK, consistent_read=True)
    first.title = "first"
    first.save()
    second.title = "second"
    with pytest.raises(PutError) as raised:
        second.save()
    assert raised.value.cause_response_code == "ConditionalCheckFailedException"
    # The domain's copy read before the first save is refused the same way: its version is the one it was read at.
    stale = repository.get_incident("pd-C3")
    assert stale is not None
    repository.update_incident("pd-C3", lambda item: replace(item, title="first"))
    assert repository.take_card_lease(stale, T0) is None
    stored = repository.get_incident("pd-C3")
    assert stored is not None
    assert stored.title == "first"
