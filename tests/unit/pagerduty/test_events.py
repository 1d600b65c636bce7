"""Mapping the real PagerDuty V3 payloads to incident events: types, `data` vs `data.incident`, priorities."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sla_core.config.contracts import load_contracts
from sla_core.pagerduty.events import Ignored, PagerDutyEvent, PayloadError, incident_event, parse_body, parse_event
from tests.conftest import FIXTURES

CONTRACTS = load_contracts()
SONAR = CONTRACTS.contracts["sonar-billing"]


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def parsed(name: str) -> PagerDutyEvent:
    result = parse_event(payload(name))
    assert isinstance(result, PagerDutyEvent)
    return result


def test_triggered_maps_the_incident_in_data() -> None:
    event = parsed("incident.triggered")
    assert (event.kind, event.incident_id, event.event_id) == ("triggered", "pd-PFQZPSY", "01BZYIL05THJDFF2Y08X9SVMTU")
    assert event.occurred_at == datetime(2021, 6, 4, 13, 35, 29, 781000, tzinfo=UTC)
    assert (event.title, event.service_id, event.priority, event.actor) == (
        "Test Incident 3",
        "PA2P440",
        None,
        "PIG 208",
    )
    assert event.html_url == "https://pig208.pagerduty.com/incidents/PFQZPSY"


def test_annotated_finds_the_incident_at_data_incident_and_is_an_update() -> None:
    event = parsed("incident.annotated")
    assert (event.kind, event.incident_id, event.service_id) == ("update", "pd-Q3B15VLMF3ASBD", None)
    assert event.title == "Critical: Checkout API High Latency"
    assert event.text == "Running KILL on long-running queries from the reporting-service."


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("incident.acknowledged", "acknowledged"),
        ("incident.resolved", "resolved"),
        ("incident.priority_updated", "priority_updated"),
    ],
)
def test_lifecycle_types(name: str, kind: str) -> None:
    assert parsed(name).kind == kind


def test_priority_maps_through_the_contract_and_null_takes_the_default() -> None:
    assert incident_event(parsed("incident.priority_updated"), SONAR).severity == "production-down"  # P1
    assert incident_event(parsed("incident.triggered"), SONAR).severity == "normal"  # null -> default_severity
    assert incident_event(parsed("incident.priority_updated"), None).severity == "P1"  # unmapped: the name
    assert incident_event(parsed("incident.acknowledged"), SONAR).severity is None  # only trigger/priority set it


def test_timeline_types_become_notes_with_what_happened() -> None:
    body = payload("incident.triggered")
    body["event"]["event_type"] = "incident.reassigned"
    event = parse_event(body)
    assert isinstance(event, PagerDutyEvent)
    assert (event.kind, event.text, event.label) == ("note", "PIG 208", "reassigned")
    body["event"]["event_type"] = "incident.responder.added"
    body["event"]["data"] = {"incident": {"id": "PFQZPSY"}, "user": {"summary": "Maeve"}, "message": "Please help"}
    event = parse_event(body)
    assert isinstance(event, PagerDutyEvent)
    assert (event.kind, event.text, event.incident_id, event.label) == (
        "note",
        "Maeve: Please help",
        "pd-PFQZPSY",
        "responder added",
    )


@pytest.mark.parametrize("event_type", ["pagey.ping", "service.created", "incident.workflow.completed", "x"])
def test_types_not_acted_on_are_ignored(event_type: str) -> None:
    body = payload("incident.triggered")
    body["event"]["event_type"] = event_type
    result = parse_event(body)
    assert isinstance(result, Ignored) and result.event_type == event_type


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("id"), "event.id is missing"),
        (lambda e: e.update(occurred_at="2021-06-04T13:35:29"), "no time zone"),
        (lambda e: e.pop("data"), "event.data is missing"),
        (lambda e: e["data"].update(id="../x"), "not a PagerDuty id"),
    ],
)
def test_missing_or_bad_fields_say_which(change: Any, message: str) -> None:
    body = payload("incident.triggered")
    change(body["event"])
    with pytest.raises(PayloadError, match=message):
        parse_event(body)


@pytest.mark.parametrize("raw", [b"{", b"[1]", b"\xff"])
def test_bodies_that_are_not_a_json_object(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_body(raw)


def test_a_link_that_could_break_slack_markup_is_dropped() -> None:
    body = payload("incident.triggered")
    body["event"]["data"]["html_url"] = "https://x.pagerduty.com/incidents/P1|<!channel>"
    event = parse_event(body)
    assert isinstance(event, PagerDutyEvent) and event.html_url is None
