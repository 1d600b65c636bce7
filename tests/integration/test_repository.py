"""What only DynamoDB derives, on DynamoDB Local: the sparse index entries written with each incident, the due
shards, the delivery marker's expiry. What every store must do is the conformance suite's
(tests/support/storage_conformance.py, run here by test_storage_conformance.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sla_core.incidents.records import Incident
from sla_core.incidents.state import RESOLVED
from sla_core.storage import repository
from sla_core.storage.models import DeliveryItem
from tests.support.raw_items import raw_incident
from tests.support.storage_conformance import incident

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def test_the_due_entry_is_spread_over_every_shard_and_leaves_with_the_resolve(table: str) -> None:
    for number in range(12):  # enough ids to land in every shard
        repository.create_incident(incident(repository, f"pd-D{number}", due=T0 + timedelta(minutes=number)))
    assert len({repository.due_shard_for(f"pd-D{number}") for number in range(12)}) == repository.DUE_SHARDS
    assert raw_incident("pd-D2").due_shard == repository.due_shard_for("pd-D2")

    def resolve(item: Incident) -> Incident:
        return replace(item, status=RESOLVED, resolved_at=T0 + timedelta(minutes=3), next_due_at=T0)

    resolved = repository.update_incident("pd-D2", resolve)
    assert resolved.next_due_at is None
    assert raw_incident("pd-D2").due_shard is None


def test_the_open_entry_is_the_contract_while_open_only(table: str) -> None:
    for incident_id in ("pd-O1", "pd-O2"):
        repository.create_incident(incident(repository, incident_id, due=None, contract="atheer-platform"))
    repository.update_incident("pd-O2", lambda item: replace(item, status=RESOLVED))
    assert raw_incident("pd-O2").open_contract is None and raw_incident("pd-O1").open_contract == "atheer-platform"


def test_a_delivery_marker_expires(table: str) -> None:
    assert repository.claim_delivery("pagerduty", "webhook-1", now=T0, keep=timedelta(days=3))
    marker = DeliveryItem.get("DELIVERY#pagerduty#webhook-1", repository.DELIVERY_SK)
    assert marker.expires_at == T0 + timedelta(days=3)
