"""PagerDuty's real V3 fixtures (../shared/fixtures/pagerduty, copied to fixtures/pagerduty), optionally with
their incident, service, time, event id, priority, agent or data fields changed before they are signed."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.conftest import FIXTURES

SONAR_SERVICE = "PSONAR1"


def fixture(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return payload


def replay(
    name: str,
    *,
    incident: str | None = None,
    service: str | None = SONAR_SERVICE,
    at: str | None = None,
    event_id: str | None = None,
    priority: str | None = None,
    agent: str | None = None,
    **data: Any,
) -> bytes:
    """A real fixture, optionally with its incident id, service, time, event id, priority, agent (the acting user's
    name) or data fields changed."""
    payload = copy.deepcopy(fixture(name))
    event = payload["event"]
    target = event["data"]["incident"] if "incident" in event["data"] else event["data"]
    if incident is not None:
        target["id"] = incident
    if service is not None and "service" in target:
        target["service"]["id"] = service
    if at is not None:
        event["occurred_at"] = at
    if event_id is not None:
        event["id"] = event_id
    if priority is not None:
        target["priority"] = {"id": f"PRIO{priority}", "type": "priority_reference", "summary": priority}
    if agent is not None:
        event["agent"] = {**(event.get("agent") or {"type": "user_reference"}), "summary": agent}
    event["data"].update(data)
    return json.dumps(payload).encode()
