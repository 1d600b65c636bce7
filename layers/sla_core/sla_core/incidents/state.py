"""An incident's state as a pure fold of its timeline events, whatever order they arrive in.

Webhooks arrive late, twice, or out of order (a retried `triggered` after `acknowledged`). Each field
therefore merges by the events' own timestamps: the opening is the earliest trigger, the first response
the earliest acknowledgement, the last update the latest update, and the status is the one of the latest
status-changing event (ties broken by a fixed rank and the event id). Whether the incident is an outage
(counts toward availability) and its cause are what the latest `classified` event said, if any. A `corrected`
event fixes the record after the fact (severity, opening or resolve time, with who and why in the timeline):
the latest correction of a field wins over what the source said, which stays in `source_opened_at` and
`source_resolved_at`. `apply` is commutative and idempotent, so any delivery order gives the same state.
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
    "classified": None,
    "corrected": None,
    "paused": None,
    "resumed": None,
    "snoozed": None,  # a reminder deferred from its buttons: `text` is the stage key (reminder_stages)
}
PAUSE_KINDS = frozenset({"paused", "resumed"})
SEVERITY_KINDS = ("triggered", "priority_updated", "corrected")  # in rising precedence at the same instant
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
    priority: str | None = None  # the source's own priority name (PagerDuty), beside the mapped severity
    outage: bool | None = None  # `classified`: counts toward availability (True) or is a ticket (False)
    cause: str | None = None  # `classified`: the outage's cause (a policy cause id), None for none
    opened_fix: datetime | None = None  # `corrected`: when the incident really began
    resolved_fix: datetime | None = None  # `corrected`: when it really ended

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
    priority: str | None = None
    outage: bool | None = None  # None: nobody said; the contract's and policy's default applies
    cause: str | None = None
    classified_key: tuple[datetime, str] | None = None
    classified_by: str | None = None
    source_opened_at: datetime | None = None  # what the source said, before any correction
    source_resolved_at: datetime | None = None
    opened_fix: tuple[datetime, datetime, str] | None = None  # (corrected-to, correction time, event id)
    resolved_fix: tuple[datetime, datetime, str] | None = None
    pause_marks: tuple[tuple[datetime, str, str | None], ...] = ()  # (at, event id, reason; None: resumed)
    snoozes: tuple[tuple[str, datetime, str | None], ...] = ()  # (stage key, first snoozed at, by whom), by key

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pauses(self) -> list[tuple[datetime, datetime | None, str]]:
        """The paused spans in time order: (start, end or None while still paused, reason); a pause while
        paused changes nothing, a resume while running neither."""
        spans: list[tuple[datetime, datetime | None, str]] = []
        for at, _, reason in self.pause_marks:
            still = bool(spans) and spans[-1][1] is None
            if reason is not None and not still:
                spans.append((at, None, reason))
            elif reason is None and still:
                spans[-1] = (spans[-1][0], at, spans[-1][2])
        return spans


def apply(state: IncidentState, event: IncidentEvent) -> IncidentState:
    """Merge one event into the state (commutative, idempotent)."""
    at = event.occurred_at
    if state.source_opened_at is None and state.opened_at is not None:
        # Stored before corrections existed: its opened_at / resolved_at are the source's.
        state = replace(state, source_opened_at=state.opened_at, source_resolved_at=state.resolved_at)
    opened = state.source_opened_at
    changes: dict[str, Any] = {}
    if event.kind == "triggered":
        # The earliest trigger opens the incident; before one arrives, any event's time is provisional.
        if not state.triggered or opened is None or at < opened:
            changes.update(source_opened_at=at, triggered=True)
    elif not state.triggered and (opened is None or at < opened):
        changes["source_opened_at"] = at
    if event.kind == "acknowledged" and (state.acknowledged_at is None or at < state.acknowledged_at):
        changes.update(acknowledged_at=at, acknowledged_by=event.actor)
    if event.kind in UPDATE_KINDS and (state.last_update_at is None or at > state.last_update_at):
        changes["last_update_at"] = at
    if event.severity is not None and event.kind in SEVERITY_KINDS:
        # A trigger's severity is the starting point; any later re-prioritisation or correction wins over it.
        severity_key = (at, f"{SEVERITY_KINDS.index(event.kind)}{event.event_id}")
        if state.severity_key is None or severity_key > state.severity_key:
            changes.update(severity=event.severity, severity_key=severity_key, priority=event.priority)
    if event.kind == "classified":
        classified_key = (at, event.event_id)
        if state.classified_key is None or classified_key > state.classified_key:
            changes.update(
                outage=event.outage, cause=event.cause, classified_key=classified_key, classified_by=event.actor
            )
    if event.kind in PAUSE_KINDS:
        mark = (at, event.event_id, (event.text or "") if event.kind == "paused" else None)
        if mark not in state.pause_marks:
            changes["pause_marks"] = tuple(sorted((*state.pause_marks, mark), key=lambda m: (m[0], m[1])))
    if event.kind == "snoozed" and event.text:
        changes.update(_snoozed(state.snoozes, (event.text, at, event.actor)))
    if event.kind == "corrected":
        for name, fixed in (("opened_fix", event.opened_fix), ("resolved_fix", event.resolved_fix)):
            current = getattr(state, name)
            if fixed is not None and (current is None or (at, event.event_id) > current[1:]):
                changes[name] = (require_aware(fixed, name), at, event.event_id)
    status = STATUS_OF.get(event.kind)
    if status is not None:
        status_key = (at, _RANK[event.kind], event.event_id)
        if state.status_key is None or status_key > state.status_key:
            resolved = at if status == RESOLVED else None
            changes.update(status=status, status_key=status_key, source_resolved_at=resolved)
    merged = replace(state, **changes)
    resolved_at = merged.resolved_fix[0] if merged.resolved_fix is not None else merged.source_resolved_at
    return replace(
        merged,
        opened_at=merged.opened_fix[0] if merged.opened_fix is not None else merged.source_opened_at,
        resolved_at=resolved_at if merged.status == RESOLVED else None,
    )


def _snoozed(
    snoozes: tuple[tuple[str, datetime, str | None], ...], mark: tuple[str, datetime, str | None]
) -> dict[str, Any]:
    """A stage's first snooze is the one kept (the earliest, then the smallest actor): any order, any repeat."""
    kept = next((s for s in snoozes if s[0] == mark[0]), None)
    if kept is not None and (kept[1], kept[2] or "") <= (mark[1], mark[2] or ""):
        return {}
    others = [s for s in snoozes if s[0] != mark[0]]
    return {"snoozes": tuple(sorted((*others, mark), key=lambda s: (s[0], s[1])))}


def fold(events: list[IncidentEvent], state: IncidentState | None = None) -> IncidentState:
    """The state implied by a set of events."""
    current = state or IncidentState()
    for event in events:
        current = apply(current, event)
    return current
