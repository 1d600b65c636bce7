"""A save from a stale read is refused by DynamoDB's own version check (the raw item's, as the domain copy's):
what the conformance suite's concurrency tests (tests/support/storage_conformance.py) rely on underneath."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.exceptions import PutError

from sla_core.storage import repository
from sla_core.storage.models import IncidentItem
from tests.support.storage_conformance import open_incident

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def test_a_save_from_a_stale_read_is_refused(table: str) -> None:
    open_incident(repository, "pd-C3")
    first = IncidentItem.get(repository.incident_pk("pd-C3"), repository.INCIDENT_SK, consistent_read=True)
    second = IncidentItem.get(repository.incident_pk("pd-C3"), repository.INCIDENT_SK, consistent_read=True)
    first.title = "first"
    first.save()
    second.title = "second"
    with pytest.raises(PutError) as raised:
        second.save()
    assert raised.value.cause_response_code == "ConditionalCheckFailedException"
    stale = repository.get_incident("pd-C3")
    assert stale is not None
    repository.update_incident("pd-C3", lambda item: replace(item, title="first"))
    assert repository.take_card_lease(stale, T0 + timedelta(minutes=1)) is None
    stored = repository.get_incident("pd-C3")
    assert stored is not None
    assert stored.title == "first"
