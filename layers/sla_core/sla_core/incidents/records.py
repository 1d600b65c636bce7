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


@dataclass(frozen=True, slots=True)
class StoredDowntime:
    """An interval during which a contract's component was down; open while `ended_at` is None. A view across
    contracts reads only the fields its figures use (`recorded_by`, `source`, `withdrawn_by` and `version` empty)."""

    contract_id: str
    component: str
    downtime_id: str
    started_at: datetime
    ended_at: datetime | None = None
    withdrawn_at: datetime | None = None  # no longer counted (its incident is not an outage)
    reason: str | None = None  # the availability Kind (`incident`: unplanned)
    cause: str | None = None  # a policy cause id (customer, force-majeure, ddos, ...)
    announced_at: datetime | None = None  # maintenance: when it was announced
    posted_window: bool = False  # maintenance: in the provider's posted windows
    incident_id: str | None = None
    recorded_by: str = ""
    source: str = ""
    withdrawn_by: str | None = None
    version: int | None = None  # as read (None: never saved)

    @property
    def key(self) -> tuple[datetime, str]:
        """What identifies it within its contract's component: its start and id."""
        return self.started_at, self.downtime_id


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to owe: where it goes, what it says, and when it is meant to go out."""

    post_id: str
    purpose: str
    channel: str
    text: str
    send_at: datetime
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    broadcast: bool = False
    incident_id: str | None = None
    contract_id: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """A message owed exactly once: pending until confirmed with its Slack ts, failed (refused for good, also as
    plain text) or cancelled; the attempts, lease and last error of its delivery."""

    post_id: str
    purpose: str
    state: str
    channel: str
    thread_key: str  # a thread's posts (or a channel's top level) keep their order
    text: str
    created_at: datetime
    send_at: datetime
    thread_ts: str | None = None
    broadcast: bool = False
    blocks: tuple[dict[str, Any], ...] = ()
    incident_id: str | None = None
    contract_id: str | None = None
    retry_at: datetime | None = None
    lease_until: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    uncertain: bool = False  # an attempt may have reached Slack: look it up before posting
    plain: bool = False  # refused for good once: its one retry goes as plain text
    posted_ts: str | None = None
    posted_at: datetime | None = None
    expires_at: datetime | None = None  # kept until then once it left the queue
    version: int | None = None  # as read (None: never saved)


@dataclass(frozen=True, slots=True)
class RecordedCorrection:
    """A change of a contract's figures for one period by a correction of the record: who, when, why, and the
    figures before and after, per component. Written once."""

    correction_id: str
    contract_id: str
    period: str
    recorded_at: datetime
    what: str
    actor: str | None = None
    incident_id: str | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reported:
    """A period's figures as its report gave them, per component (what `/sla recompute` compares against)."""

    contract_id: str
    period: str
    reported_at: datetime
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeenTerms:
    """The contract terms the stored figures were last computed with: their version (a content hash), the policy
    text and the contracts.toml entry's money fields."""

    contract_id: str
    terms_version: str
    policy_text: str
    entry: dict[str, Any]
    seen_at: datetime
    version: int | None = None  # as read (None: never saved)
