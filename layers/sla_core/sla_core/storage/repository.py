"""The reads and writes the functions need, in the one place that knows the table's key layout.

Writers never lose each other's updates: incidents and downtime carry a VersionAttribute, so a save
based on a stale read fails its condition and `update_incident` reloads and applies the change again;
creations and timeline appends are conditional puts, so a repeated webhook delivery writes nothing twice.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from pynamodb.exceptions import DoesNotExist

from sla_core.incidents.records import (
    Incident,
    RecordedCorrection,
    Reported,
    SeenTerms,
    StoredDeadline,
    StoredDowntime,
    TimelineEntry,
)
from sla_core.incidents.state import OPEN_STATUSES, RESOLVED
from sla_core.storage.models import (
    DOWNTIME_SHARDS,
    DUE_INDEX,
    OPEN_END,
    OPEN_SHARDS,
    CorrectionItem,
    DeadlineAttribute,
    DeliveryItem,
    DeployedTermsItem,
    DowntimeItem,
    IncidentItem,
    InstantAttribute,
    ReportedItem,
    TableItem,
    TermsItem,
    TimelineEventItem,
    instant_key,
)
from sla_core.storage.state_codec import dump_state, load_state
from sla_core.storage.writes import VersionConflictError, save_changed_with, saved

DUE_SHARDS = 4
CONFLICT_ATTEMPTS = 8
INCIDENT_SK = "INCIDENT"
DELIVERY_SK = "DELIVERY"
EVENT_PREFIX = "EVENT#"


def incident_pk(incident_id: str) -> str:
    return f"INCIDENT#{incident_id}"


def downtime_pk(contract_id: str, component: str) -> str:
    return f"DOWNTIME#{contract_id}#{component}"


def due_shards() -> list[str]:
    """Every partition of the due index; the sweep reads them all."""
    return [f"due#{number}" for number in range(DUE_SHARDS)]


def due_shard_for(incident_id: str) -> str:
    """The due-index partition of an incident: stable, and spread evenly over DUE_SHARDS."""
    return f"due#{zlib.crc32(incident_id.encode('utf-8')) % DUE_SHARDS}"


INCIDENT_FIELDS = (
    "contract_id", "component", "severity", "source", "title", "status", "opened_at", "updated_at", "source_id",
    "source_url", "service_id", "outage", "acknowledged_at", "resolved_at", "slack_channel", "slack_ts",
    "card_lease_until", "card_lease_holder", "next_due_at", "terms_version", "backfilled_at",
)  # fmt: skip


def incident_of(item: IncidentItem) -> Incident:
    """The stored incident as the domain sees it (its folded state decoded)."""
    return Incident(
        incident_id=item.incident_id,
        **{name: getattr(item, name) for name in INCIDENT_FIELDS},
        deadlines=tuple(StoredDeadline(d.name, d.due_at, d.met_at) for d in item.deadlines or ()),
        reminders_sent=frozenset(item.reminders_sent or ()),
        state=load_state(item.fold_state),
        version=item.version,
    )


def _put_on(item: IncidentItem, incident: Incident) -> None:
    """Write `incident`'s fields onto `item` (its version aside) with what storage derives from them: the sparse
    open-index entry while open, the due-index shard while a reminder is due."""
    for name in INCIDENT_FIELDS:
        setattr(item, name, getattr(incident, name))
    item.deadlines = [
        DeadlineAttribute(name=d.name, due_at=d.due_at, met_at=d.met_at)  # type: ignore[no-untyped-call]
        for d in incident.deadlines
    ]
    item.reminders_sent = set(incident.reminders_sent)
    item.fold_state = dump_state(incident.state)
    item.open_contract = incident.contract_id if incident.status in OPEN_STATUSES else None
    due = incident.next_due_at is not None and incident.status != RESOLVED
    item.due_shard = due_shard_for(incident.incident_id) if due else None
    item.next_due_at = incident.next_due_at if due else None


def item_of(incident: Incident) -> IncidentItem:
    """The item that saves `incident` under the version it was read at (storage's own writes, and a batch that
    seeds a table: benchmarks)."""
    item = IncidentItem(incident_pk(incident.incident_id), INCIDENT_SK, incident_id=incident.incident_id)
    _put_on(item, incident)
    if incident.version is not None:  # a new one has none: its put is conditional on its absence
        item.version = incident.version
    return item


def new_incident(
    *,
    incident_id: str,
    contract_id: str,
    component: str,
    severity: str,
    source: str,
    title: str,
    opened_at: datetime,
    source_id: str | None = None,
    status: str = "triggered",
) -> Incident:
    """An unsaved incident; give it its state, deadlines and next due instant before creating it."""
    return Incident(
        incident_id=incident_id, contract_id=contract_id, component=component, severity=severity, source=source,
        title=title, status=status, opened_at=opened_at, updated_at=opened_at, source_id=source_id,
    )  # fmt: skip


def open_contract_incidents(contract_id: str) -> list[Incident]:
    """A contract's open incidents in opening order, from the sparse open-index (never its history)."""
    return [incident_of(item) for item in IncidentItem.open_index.query(contract_id)]


def create_incident(incident: Incident) -> Incident | None:
    """Save a new incident; None (and nothing written) when one with that id exists already."""
    item = item_of(incident)
    return incident_of(item) if saved(item, IncidentItem.pk.does_not_exist()) else None


def _get_item(incident_id: str) -> IncidentItem | None:
    try:
        return IncidentItem.get(incident_pk(incident_id), INCIDENT_SK, consistent_read=True)
    except DoesNotExist:
        return None


def get_incident(incident_id: str) -> Incident | None:
    """The incident as last written (strongly consistent read), or None."""
    item = _get_item(incident_id)
    return incident_of(item) if item is not None else None


def update_incident(
    incident_id: str, change: Callable[[Incident], Incident], *, attempts: int = CONFLICT_ATTEMPTS
) -> Incident:
    """Read the incident, apply `change`, save; on a version conflict read again and re-apply.

    `change` must be safe to run more than once (it is re-run on the fresh copy after a conflict).
    """
    return save_incident(None, incident_id, change, attempts=attempts)


def save_incident(
    read: Incident | None,
    incident_id: str,
    change: Callable[[Incident], Incident],
    *,
    attempts: int = CONFLICT_ATTEMPTS,
) -> Incident:
    """Apply `change` to the copy already `read` and save it; without one, or on a version conflict, read
    the incident again and re-apply (a re-read only when needed)."""
    return save_incident_with(read, incident_id, lambda incident: (change(incident), ()), attempts=attempts)[0]


def save_incident_with(
    read: Incident | None,
    incident_id: str,
    change: Callable[[Incident], tuple[Incident, Sequence[StoredDowntime]]],
    *,
    attempts: int = CONFLICT_ATTEMPTS,
    entry: TimelineEntry | None = None,
) -> tuple[Incident, bool]:
    """`save_incident` where the change also writes other items (its downtime) and the timeline `entry` of the
    event it records: all in one transaction. False (nothing written, the incident as stored) when that entry
    exists already: the event was recorded, with its change, before."""

    def on_item(item: IncidentItem) -> Sequence[TableItem]:
        changed, others = change(incident_of(item))
        _put_on(item, changed)
        return [downtime_item(other) for other in others]

    fresh = _entry_item(entry) if entry is not None else None
    try:
        item, saved_now = save_changed_with(
            item_of(read) if read is not None else None, lambda: _get_item(incident_id), on_item,
            attempts=attempts, fresh=fresh,
        )  # fmt: skip
    except VersionConflictError:
        raise VersionConflictError(f"incident {incident_id!r} changed {attempts} times while being updated") from None
    except LookupError:
        raise LookupError(f"no incident {incident_id!r}") from None
    return incident_of(item), saved_now


def take_card_lease(incident: Incident, until: datetime, holder: str | None = None) -> Incident | None:
    """Claim the right to post the incident's card until `until` for the delivery of event `holder` (a versioned
    save of the copy read); None when the incident changed since it was read (someone else may have claimed
    or posted it)."""
    item = item_of(replace(incident, card_lease_until=until, card_lease_holder=holder))
    return incident_of(item) if saved(item) else None


def release_card_lease(incident: Incident) -> bool:
    """Give the card's lease back after a failed post (best effort: False when the incident changed since)."""
    return saved(item_of(replace(incident, card_lease_until=None)))


def due_incidents(until: datetime) -> list[Incident]:
    """Open incidents whose next due instant is at or before `until`, earliest first (never a scan)."""
    found: list[Incident] = []
    for shard in due_shards():
        found.extend(
            incident_of(item) for item in IncidentItem.due_index.query(shard, IncidentItem.next_due_at <= until)
        )
    return sorted(found, key=lambda incident: (incident.next_due_at or until, incident.incident_id))


@dataclass(frozen=True, slots=True)
class OpenSoonest:
    """The open incidents of the asked contracts due soonest (full items, soonest first) and how many are open."""

    items: list[Incident]
    total: int


def open_soonest(contract_ids: Collection[str], limit: int, *, uncounted: str) -> OpenSoonest:
    """Across contracts, the `limit` open incidents of `contract_ids` whose next clock runs out first (read from
    the open-due index's small entries in order, as far as needed, then read whole in one batch), and how many
    incidents are open, counted by the index without reading them (every contract but `uncounted`, the
    incidents no contract maps). Eventually consistent: for views."""
    counted = IncidentItem.contract_id != uncounted
    total = sum(IncidentItem.open_due_index.count(shard, filter_condition=counted) for shard in open_shards())
    soonest: list[tuple[str, str, str]] = []
    for shard in open_shards():
        taken = 0
        for entry in IncidentItem.open_due_index.query(shard, page_size=limit):
            if entry.contract_id in contract_ids:
                soonest.append((instant_key(entry.next_deadline_at or OPEN_END), entry.pk, entry.sk))
                taken += 1
                if taken == limit:
                    break
    keys = [(pk, sk) for _, pk, sk in sorted(soonest)[:limit]]
    found = {(i.pk, i.sk): i for i in IncidentItem.batch_get(keys)} if keys else {}
    return OpenSoonest([incident_of(found[key]) for key in keys if key in found], total)


def open_shards() -> list[str]:
    """Every partition of the open-due index."""
    return [f"open#{number}" for number in range(OPEN_SHARDS)]


def contract_incidents(contract_id: str, *, opened_since: datetime | None = None) -> list[Incident]:
    """A contract's incidents in opening order, optionally only those opened at or after `opened_since`."""
    condition = IncidentItem.opened_at >= opened_since if opened_since is not None else None
    return [incident_of(item) for item in IncidentItem.contract_index.query(contract_id, condition)]


def timeline_entry(
    incident_id: str,
    *,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    recorded_at: datetime,
    source: str,
    actor: str | None = None,
    details: dict[str, Any] | None = None,
) -> TimelineEntry:
    """An unsaved entry of the incident's timeline (written only if new)."""
    return TimelineEntry(
        incident_id, event_id, event_type, occurred_at, recorded_at, source, actor, dict(details or {})
    )


def _entry_item(entry: TimelineEntry) -> TimelineEventItem:
    """The entry's item, keyed by its instant and event id."""
    return TimelineEventItem(
        incident_pk(entry.incident_id),
        f"{EVENT_PREFIX}{instant_key(entry.occurred_at)}#{entry.event_id}",
        incident_id=entry.incident_id,
        event_id=entry.event_id,
        event_type=entry.event_type,
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        source=entry.source,
        actor=entry.actor,
        details=entry.details,
    )


def _entry_of(item: TimelineEventItem) -> TimelineEntry:
    return TimelineEntry(
        item.incident_id, item.event_id, item.event_type, item.occurred_at, item.recorded_at, item.source,
        item.actor, dict(item.details or {}),
    )  # fmt: skip


def append_entry(entry: TimelineEntry) -> bool:
    """Append to the incident's timeline; False when this event id was recorded already (a redelivery)."""
    return saved(_entry_item(entry), TimelineEventItem.pk.does_not_exist())


def append_event(incident_id: str, **fields: Any) -> bool:
    """`append_entry` of a `timeline_entry` built from `fields`."""
    return append_entry(timeline_entry(incident_id, **fields))


def timeline(incident_id: str) -> list[TimelineEntry]:
    """The incident's timeline in the order things happened."""
    query = TimelineEventItem.query(
        incident_pk(incident_id), TimelineEventItem.sk.startswith(EVENT_PREFIX), consistent_read=True
    )
    return [_entry_of(item) for item in query]


def timeline_in_second(incident_id: str, instant: datetime) -> list[TimelineEntry]:
    """The incident's timeline entries that happened within the whole second of `instant` (one small query: the
    sort key starts with the instant, so the second's entries are one key prefix)."""
    second = instant_key(instant.replace(microsecond=0)).rsplit(".", 1)[0]
    query = TimelineEventItem.query(
        incident_pk(incident_id), TimelineEventItem.sk.startswith(f"{EVENT_PREFIX}{second}"), consistent_read=True
    )
    return [_entry_of(item) for item in query]


DOWNTIME_FIELDS = (
    "ended_at", "withdrawn_at", "reason", "cause", "announced_at", "posted_window", "incident_id", "recorded_by",
    "source", "withdrawn_by",
)  # fmt: skip


def downtime_of_item(item: DowntimeItem) -> StoredDowntime:
    """The stored interval as the domain sees it."""
    return StoredDowntime(
        item.contract_id, item.component, item.downtime_id, item.started_at,
        **{name: getattr(item, name) for name in DOWNTIME_FIELDS}, version=item.version,
    )  # fmt: skip


def downtime_item(downtime: StoredDowntime) -> DowntimeItem:
    """The item that saves `downtime` under the version it was read at (a new one only if absent)."""
    item = DowntimeItem(
        downtime_pk(downtime.contract_id, downtime.component),
        f"{instant_key(downtime.started_at)}#{downtime.downtime_id}",
        downtime_id=downtime.downtime_id, contract_id=downtime.contract_id, component=downtime.component,
        started_at=downtime.started_at, **{name: getattr(downtime, name) for name in DOWNTIME_FIELDS},
    )  # fmt: skip
    if downtime.version is not None:
        item.version = downtime.version
    return item


def new_downtime(
    *,
    downtime_id: str,
    contract_id: str,
    component: str,
    started_at: datetime,
    recorded_by: str,
    source: str,
    ended_at: datetime | None = None,
    incident_id: str | None = None,
    reason: str | None = None,
    cause: str | None = None,
    announced_at: datetime | None = None,
    posted_window: bool = False,
) -> StoredDowntime:
    """An unsaved downtime interval (saved whole, alone or in a transaction with what it belongs to); one that
    ends before it starts is refused before anything is written."""
    if ended_at is not None and ended_at < started_at:
        raise ValueError(f"downtime cannot end ({ended_at}) before it started ({started_at})")
    return StoredDowntime(
        contract_id, component, downtime_id, started_at, ended_at, reason=reason, cause=cause,
        announced_at=announced_at, posted_window=posted_window, incident_id=incident_id, recorded_by=recorded_by,
        source=source,
    )  # fmt: skip


def record_interval(downtime: StoredDowntime) -> StoredDowntime | None:
    """Write a new interval whole (start and end in one put), or an open one (no end yet: `end_downtime` closes
    it); the interval as saved, or None when it was recorded already."""
    item = downtime_item(downtime)
    return downtime_of_item(item) if saved(item, DowntimeItem.pk.does_not_exist()) else None


def end_downtime(downtime: StoredDowntime, ended_at: datetime) -> None:
    """Close an open interval, only while it is still open and unchanged since it was read (PutError
    otherwise); an end before its start is refused before anything is written."""
    if ended_at < downtime.started_at:
        raise ValueError(f"downtime cannot end ({ended_at}) before it started ({downtime.started_at})")
    item = downtime_item(replace(downtime, ended_at=ended_at))
    item.save(condition=DowntimeItem.ended_at.does_not_exist())


def downtime_between(contract_id: str, component: str, start: datetime, end: datetime) -> list[StoredDowntime]:
    """Intervals of one contract's component overlapping [start, end), open ones included."""
    overlapping = DowntimeItem.ended_at.does_not_exist() | (DowntimeItem.ended_at > start)
    query = DowntimeItem.query(
        downtime_pk(contract_id, component),
        DowntimeItem.sk < instant_key(end),
        filter_condition=overlapping,
        consistent_read=True,
    )
    return [downtime_of_item(item) for item in query]


_INTERVAL_FIELDS = [
    "contract_id", "component", "downtime_id", "started_at", "ended_at", "withdrawn_at", "reason", "cause",
    "announced_at", "posted_window", "incident_id",
]  # fmt: skip
_INSTANT = InstantAttribute()


def _interval(raw: dict[str, dict[str, Any]]) -> StoredDowntime:
    def text(name: str) -> str | None:
        value = raw.get(name, {})
        return value.get("S") if "NULL" not in value else None

    def instant(name: str) -> datetime | None:
        found = text(name)
        return cast(datetime, _INSTANT.deserialize(found)) if found else None  # type: ignore[no-untyped-call]

    started = instant("started_at")
    assert started is not None  # every interval has its start (a key)
    return StoredDowntime(
        text("contract_id") or "", text("component") or "", text("downtime_id") or "", started, instant("ended_at"),
        instant("withdrawn_at"), text("reason"), text("cause"), instant("announced_at"),
        raw.get("posted_window", {}).get("BOOL") is True, text("incident_id"),
    )  # fmt: skip


def downtime_ending_after(start: datetime) -> list[StoredDowntime]:
    """Every contract's intervals that end after `start` or are still open, withdrawn ones included: the downtime
    of a period from `start` on, across all contracts, in one query per `down#` shard of the due-index, reading
    only the fields the figures use (eventually consistent: for views, not for figures that are kept)."""
    connection = DowntimeItem._get_connection()
    found: list[StoredDowntime] = []
    for number in range(DOWNTIME_SHARDS):
        after: dict[str, Any] | None = None
        while True:
            page = connection.query(
                f"down#{number}", range_key_condition=DowntimeItem.next_due_at > start, index_name=DUE_INDEX,
                attributes_to_get=_INTERVAL_FIELDS, exclusive_start_key=after,
            )  # fmt: skip
            found.extend(_interval(raw) for raw in page.get("Items", []))
            after = page.get("LastEvaluatedKey")
            if not after:
                break
    return found


def reindex() -> tuple[int, int]:
    """File what an earlier release wrote in the indexes the views across contracts read: open incidents without
    their open-due entry and intervals without their `down#` entry are saved again (each save derives them;
    versioned, so a concurrent writer's change is never overwritten: that item is filed by its own save). One
    scan of the table, for an upgrade; returns (incidents, intervals) filed."""
    incidents = sum(
        saved(item)
        for item in IncidentItem.scan(IncidentItem.open_contract.exists() & IncidentItem.open_shard.does_not_exist())
    )
    intervals = sum(saved(item) for item in DowntimeItem.scan(DowntimeItem.due_shard.does_not_exist()))
    return incidents, intervals


def incident_downtime(contract_id: str, component: str, incident_id: str, opened_at: datetime) -> list[StoredDowntime]:
    """The intervals recorded for one incident (they start at its opening), withdrawn ones included."""
    query = DowntimeItem.query(
        downtime_pk(contract_id, component),
        DowntimeItem.sk >= instant_key(opened_at),
        filter_condition=DowntimeItem.incident_id == incident_id,
        consistent_read=True,
    )
    return [downtime_of_item(item) for item in query]


def save_downtime(downtime: StoredDowntime) -> bool:
    """Save a changed interval under its version; False when someone changed it since it was read."""
    return saved(downtime_item(downtime))


def record_correction(
    *,
    correction_id: str,
    contract_id: str,
    period: str,
    recorded_at: datetime,
    actor: str | None,
    what: str,
    before: dict[str, Any],
    after: dict[str, Any],
    incident_id: str | None = None,
) -> bool:
    """Keep a correction of a period's figures; False when this correction was recorded already (a repeat)."""
    item = CorrectionItem(
        f"CORRECTION#{contract_id}",
        f"{period}#{instant_key(recorded_at)}#{correction_id}",
        correction_id=correction_id,
        contract_id=contract_id,
        period=period,
        recorded_at=recorded_at,
        actor=actor,
        what=what,
        incident_id=incident_id,
        before=before,
        after=after,
    )
    return saved(item, CorrectionItem.pk.does_not_exist())


def corrections(contract_id: str, period: str | None = None) -> list[RecordedCorrection]:
    """A contract's corrections, by period and then in the order they were recorded (one period's, if given)."""
    condition = CorrectionItem.sk.startswith(f"{period}#") if period else None
    query = CorrectionItem.query(f"CORRECTION#{contract_id}", condition, consistent_read=True)
    return [
        RecordedCorrection(
            i.correction_id,
            i.contract_id,
            i.period,
            i.recorded_at,
            i.what,
            i.actor,
            i.incident_id,
            dict(i.before or {}),
            dict(i.after or {}),
        )
        for i in query
    ]


def record_reported(contract_id: str, period: str, figures: dict[str, Any], at: datetime) -> bool:
    """Keep a period's figures as its report gives them; False when they were kept already (the first stays)."""
    item = ReportedItem(
        f"REPORTED#{contract_id}", period, contract_id=contract_id, period=period, reported_at=at, figures=figures
    )
    return saved(item, ReportedItem.pk.does_not_exist())


def reported(contract_id: str, period: str) -> Reported | None:
    """A period's figures as reported, or None (not reported yet, or before reports kept their figures)."""
    try:
        item = ReportedItem.get(f"REPORTED#{contract_id}", period, consistent_read=True)
    except DoesNotExist:
        return None
    return Reported(item.contract_id, item.period, item.reported_at, dict(item.figures or {}))


def terms_seen(contract_id: str) -> SeenTerms | None:
    """The contract terms the sweep last saw, or None before the first look."""
    try:
        item = TermsItem.get(f"TERMS#{contract_id}", "TERMS", consistent_read=True)
    except DoesNotExist:
        return None
    entry = dict(item.entry or {})
    return SeenTerms(item.contract_id, item.terms_version, item.policy_text, entry, item.seen_at, item.version)


def see_terms(
    seen: SeenTerms | None, contract_id: str, version: str, policy_text: str, entry: dict[str, Any], now: datetime
) -> bool:
    """Record the terms now in force (under the version `seen` was read at); False when another sweep recorded a
    change first (it reports it)."""
    item = TermsItem(
        f"TERMS#{contract_id}", "TERMS", contract_id=contract_id, terms_version=version, policy_text=policy_text,
        entry=entry, seen_at=now,
    )  # fmt: skip
    if seen is not None and seen.version is not None:
        item.version = seen.version
    return saved(item, TermsItem.pk.does_not_exist() if seen is None else None)


DEPLOYED_PK = "TERMS-DEPLOYED"


def deployed_terms() -> str | None:
    """The hash of every contract's terms the sweep last replayed in full, or None before the first."""
    try:
        return DeployedTermsItem.get(DEPLOYED_PK, "TERMS", consistent_read=True).deployed_version
    except DoesNotExist:
        return None


def see_deployed_terms(deployed_version: str, now: datetime) -> None:
    """Record that every contract's terms under `deployed_version` have been replayed."""
    DeployedTermsItem(DEPLOYED_PK, "TERMS", deployed_version=deployed_version, seen_at=now).save()


def claim_delivery(source: str, delivery_id: str, *, now: datetime, keep: timedelta) -> bool:
    """True the first time a delivery id is seen; False for a duplicate. The marker expires after `keep`."""
    marker = DeliveryItem(f"DELIVERY#{source}#{delivery_id}", DELIVERY_SK, received_at=now, expires_at=now + keep)
    return saved(marker, DeliveryItem.pk.does_not_exist())
