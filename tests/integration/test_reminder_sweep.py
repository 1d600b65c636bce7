"""The reminders handler: `now` is the tick's scheduled time, and it counts what the due index holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from local_stack.lambdas import FakeLambdaContext
from sla_core.storage import repository

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def seed(incident_id: str, due: datetime | None) -> None:
    item = repository.new_incident(
        incident_id=incident_id,
        contract_id="atheer-platform",
        component="platform",
        severity="P1",
        source="pagerduty",
        title="AR sessions dropping",
        opened_at=T0,
    )
    repository.set_next_due(item, due)
    assert repository.create_incident(item)


def test_a_tick_counts_the_incidents_due_by_its_scheduled_time(table: str) -> None:
    from functions.reminders import app

    seed("pd-R1", T0 + timedelta(minutes=10))
    seed("pd-R2", T0 + timedelta(minutes=20))
    seed("pd-R3", None)
    context = FakeLambdaContext("ReminderFunction", 512, 50)

    assert app.handler({"scheduled_time": "2026-03-09T14:09:00Z"}, context) == {
        "scheduled_time": "2026-03-09T14:09:00+00:00",
        "due": 0,
    }
    assert app.handler({"scheduled_time": "2026-03-09T14:10:00Z"}, context)["due"] == 1
    assert app.handler({"scheduled_time": "2026-03-09T15:00:00Z"}, context)["due"] == 2
