"""What the record holds, as the use cases and adapters see it: frozen values that storage returns and takes,
never its PynamoDB items (storage converts at its edge). A change is a new value (`dataclasses.replace`); the
`version` a value was read at is what storage's optimistic lock checks when it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sla_core.incidents.state import OPEN_STATUSES, IncidentState


@dataclass(frozen=True, slots=True)
class StoredDeadline:
    """One of an incident's clocks as last computed: its key, when it falls due, and when it was met."""

    name: str
    due_at: datetime
    met_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident under one contract and component: its folded state and what was derived from it (status,
    instants, clocks, the next reminder due), and its card in Slack."""

    incident_id: str
    contract_id: str
    component: str
    severity: str
    source: str
    title: str
    status: str
    opened_at: datetime
    updated_at: datetime
    source_id: str | None = None
    source_url: str | None = None  # the incident in its source (PagerDuty html_url)
    service_id: str | None = None  # the PagerDuty service it came from
    outage: bool | None = None  # counts toward availability (None: written before this was known)
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    deadlines: tuple[StoredDeadline, ...] = ()
    reminders_sent: frozenset[str] = frozenset()
    slack_channel: str | None = None
    slack_ts: str | None = None
    card_lease_until: datetime | None = None  # who may post the card, until when
    card_lease_holder: str | None = None  # the event whose delivery holds that lease
    next_due_at: datetime | None = None  # the next reminder stage due (None: nothing due, or closed)
    state: IncidentState = field(default_factory=IncidentState)
    terms_version: str | None = None  # the contract terms its clocks were computed with
    backfilled_at: datetime | None = None  # read from history by a backfill (app/backfill.py)
    version: int | None = None  # as read (None: never saved)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One entry of an incident's append-only timeline (written once, never updated)."""

    incident_id: str
    event_id: str
    event_type: str
    occurred_at: datetime
    recorded_at: datetime
    source: str
    actor: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
