"""REST API v2 log entries -> the webhook events they stand for (the backfill's mapping), and Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sla_core.config.contracts import load_contracts
from sla_core.pagerduty.events import PayloadError, incident_event, log_entry_event
from sla_core.pagerduty.rest_history import retry_after_seconds

SONAR = load_contracts().contracts["sonar-billing"]
INCIDENT: dict[str, Any] = {
    "id": "PT4KHLK",
    "title": "The server is on fire.",
    "html_url": "https://acme.pagerduty.com/incidents/PT4KHLK",
    "service": {"id": "PSONAR1", "type": "service_reference", "summary": "Billing"},
    "priority": {"id": "P53ZZH5", "type": "priority_reference", "summary": "P1"},
}


def entry(kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "Q02JTSNZWHSEKV",
        "type": f"{kind}_log_entry",
        "created_at": "2026-10-13T14:05:00Z",
        "agent": {"id": "PXPGF42", "type": "user_reference", "summary": "Earline Greenholt"},
        "channel": {"type": "web_ui"},
        **extra,
    }


def test_a_trigger_carries_the_incidents_priority_mapped_as_the_webhook_maps_it() -> None:
    event = log_entry_event(entry("trigger"), INCIDENT)
    assert event is not None
    assert (event.event_id, event.event_type, event.kind, event.incident_id) == (
        "Q02JTSNZWHSEKV", "incident.triggered", "triggered", "pd-PT4KHLK",
    )  # fmt: skip
    assert event.occurred_at == datetime(2026, 10, 13, 14, 5, tzinfo=UTC)
    assert (event.service_id, event.priority, event.actor) == ("PSONAR1", "P1", "Earline Greenholt")
    core = incident_event(event, SONAR)
    assert (core.severity, core.priority) == ("production-down", "P1")  # [contracts.sonar-billing.pagerduty]


def test_only_the_trigger_sets_the_severity_and_no_priority_takes_the_default() -> None:
    ack = log_entry_event(entry("acknowledge"), INCIDENT)
    assert ack is not None and ack.kind == "acknowledged" and ack.priority is None
    unprioritised = log_entry_event(entry("trigger"), {**INCIDENT, "priority": None})
    assert unprioritised is not None and incident_event(unprioritised, SONAR).severity == "normal"


def test_a_note_is_an_update_with_its_text_and_other_types_are_not_recorded() -> None:
    note = log_entry_event(entry("annotate", channel={"type": "note", "summary": "Failover started"}), INCIDENT)
    assert note is not None and (note.kind, note.text) == ("update", "Failover started")
    resolved = log_entry_event(entry("resolve", agent=None), INCIDENT)
    assert resolved is not None and (resolved.kind, resolved.actor) == ("resolved", None)
    assert log_entry_event(entry("notify"), INCIDENT) is None
    assert log_entry_event(entry("snooze"), INCIDENT) is None


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"id": "Q0 bad"}, "log entry id"),
        ({"created_at": None}, "occurred_at is missing"),
        ({"created_at": "2026-10-13T14:05:00"}, "offset"),
    ],
)
def test_an_entry_without_a_usable_id_or_instant_is_refused(changed: dict[str, Any], said: str) -> None:
    with pytest.raises(PayloadError, match=said):
        log_entry_event({**entry("trigger"), **changed}, INCIDENT)


def test_retry_after_is_read_as_seconds() -> None:
    assert [retry_after_seconds(v) for v in ("7", " 1.5 ", None, "", "soon", "0", "-3", "inf")] == [
        7.0, 1.5, None, None, None, None, None, None,
    ]  # fmt: skip
