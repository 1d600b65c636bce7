"""An incident's state as a pure fold of its timeline events, whatever order they arrive in.

Webhooks arrive late, twice, or out of order (a retried `triggered` after `acknowledged`). Each field
therefore merges by the events' own timestamps: the opening is the earliest trigger, the first response
the earliest acknowledgement, the last update the latest update, and the status is the one of the latest
status-changing event (ties broken by a fixed rank and the event id). `apply` is commutative and
idempotent, so any delivery order of the same events gives the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sla_core.engine.instants import require_aware

TRIGGERED, ACKNOWLEDGED, RESOLVED = "triggered", "acknowledged", "resolved"
OPEN_STATUSES = (TRIGGERED, ACKNOWLEDGED)

# Event kinds and the status they set (None: timeline only or a field update).
STATUS_OF: dict[str, str | None] = {
    "triggered": TRIGGERED,
    "acknowledged": ACKNOWLEDGED,
    "unacknowledged": TRIGGERED,
    "resolved": RESOLVED,
    "reopened": TRIGGERED,
    "update": None,
    "priority_updated": None,
    "note": None,
}
_RANK = {"triggered": 0, "reopened": 1, "unacknowledged": 2, "acknowledged": 3, "resolved": 4}
UPDATE_KINDS = frozenset({"update"})


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One thing that happened to an incident, in the source's own time."""

    event_id: str
    kind: str
    occurred_at: datetime
    actor: str | None = None
    severity: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.occurred_at, "occurred_at")


@dataclass(frozen=True, slots=True)
class IncidentState:
    """What the timeline implies: status, the instants the SLA clocks use, and the current severity."""

    status: str = TRIGGERED
    status_key: tuple[datetime, int, str] | None = None
    opened_at: datetime | None = None
    triggered: bool = False
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    last_update_at: datetime | None = None
    resolved_at: datetime | None = None
    severity: str | None = None
    severity_key: tuple[datetime, str] | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def apply(state: IncidentState, event: IncidentEvent) -> IncidentState:
    """Merge one event into the state (commutative, idempotent)."""
    at = event.occurred_at
    changes: dict[str, Any] = {}
    if event.kind == "triggered":
        # The earliest trigger opens the incident; before one arrives, any event's time is provisional.
        if not state.triggered or state.opened_at is None or at < state.opened_at:
            changes.update(opened_at=at, triggered=True)
    elif not state.triggered and (state.opened_at is None or at < state.opened_at):
        changes["opened_at"] = at
    if event.kind == "acknowledged" and (state.acknowledged_at is None or at < state.acknowledged_at):
        changes.update(acknowledged_at=at, acknowledged_by=event.actor)
    if event.kind in UPDATE_KINDS and (state.last_update_at is None or at > state.last_update_at):
        changes["last_update_at"] = at
    if event.severity is not None and event.kind in ("triggered", "priority_updated"):
        # A trigger's severity is the starting point; any later re-prioritisation wins over it.
        severity_key = (at, f"{int(event.kind == 'priority_updated')}{event.event_id}")
        if state.severity_key is None or severity_key > state.severity_key:
            changes.update(severity=event.severity, severity_key=severity_key)
    status = STATUS_OF.get(event.kind)
    if status is not None:
        status_key = (at, _RANK[event.kind], event.event_id)
        if state.status_key is None or status_key > state.status_key:
            changes.update(status=status, status_key=status_key, resolved_at=at if status == RESOLVED else None)
    return replace(state, **changes) if changes else state


def fold(events: list[IncidentEvent], state: IncidentState | None = None) -> IncidentState:
    """The state implied by a set of events."""
    current = state or IncidentState()
    for event in events:
        current = apply(current, event)
    return current
