"""Recording incident events: checked first, then the timeline (exactly once) and the incident's state and clocks.

Both ways in (PagerDuty webhooks and Slack commands or buttons) go through `record_event`:
0. the event's instants are checked against the accepted bounds and the incident's whole resulting state
   against the order things happen in (`event_bounds`), on the copy read, before anything is written;
1. a new incident is created (conditional put) and its event appended to the timeline (a conditional put keyed
   by the event id, so a redelivery adds no second entry and is reported as a duplicate, `appended=False`);
2. an existing one gets the timeline entry and is then saved under its version attribute, folding the event
   into the order-independent state of `incident_state` and recomputing deadlines and the next due
   reminder, so concurrent writers never lose each other's events. The fold is idempotent, so a
   redelivery after a crash between the steps still completes the incident, and a plain duplicate
   writes nothing; on an incident a backfill recorded, an event that repeats one of its history under another
   id (`history_repeats`: a webhook's id and millisecond instant for a REST log entry) is a duplicate too;
3. when the incident becomes resolved, is an outage (`counts_as_outage`: the latest `classified` event, else
   the contract's [outages] rule, else the policy's severity) and its component counts toward availability,
   its downtime interval (opened → resolved) is recorded whole, with the incident's cause; a ticket records
   none. A `classified` or `corrected` event after the resolve records, withdraws or re-causes the incident's
   intervals. The intervals are saved with the incident in one transaction: both or neither.
A `triggered` event usually opens a new incident, so it tries the conditional creation first and reads only
when that fails; other events read once and save under that read's version (re-reading only on a conflict).
A new PagerDuty incident therefore costs two requests (creation, timeline append).
Slack posting is the caller's job; this module only reads and writes DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sla_core.app.clocks import deadlines_of_terms
from sla_core.app.contract_terms import terms_for
from sla_core.app.event_bounds import check_event, check_order
from sla_core.app.history_repeats import repeats_history
from sla_core.app.incident_cards import lease_for_new_card
from sla_core.app.store import repository
from sla_core.app.terms_version import terms_version
from sla_core.config.contract import Contract
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident, StoredDeadline, StoredDowntime
from sla_core.incidents.reminder_stages import Thresholds, incident_stages, next_due
from sla_core.incidents.state import RESOLVED, IncidentEvent, IncidentState, apply
from sla_core.incidents.tracking import Terms, TrackedDeadline, track

UNMAPPED = "unmapped"
TYPED_SOURCES = frozenset({"slack"})  # events people type (times they may mistype), not a monitoring tool's
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What `record_event` did: the incident as saved, whether the event was new or created it, and whether it
    changed the recorded downtime (a resolve of an outage records it once, by a conditional put; a
    reclassification records, withdraws or re-causes it): the cue for the month's summary."""

    incident: Incident
    appended: bool
    created: bool
    became_resolved: bool
    state: IncidentState
    deadlines: list[TrackedDeadline]
    downtime_recorded: bool = False
    outage_resolved: bool = False  # the incident stands resolved as an outage its contract counts
    repeated: bool = False  # repeats, under another id, a change its backfill recorded: nothing written or owed

    @property
    def resolve_posts_owed(self) -> bool:
        """Whether the resolve's summary and claim reminders are owed now: this call changed the recorded downtime,
        or it is a redelivery on a resolved outage (its first attempt may have failed before queuing them)."""
        return self.downtime_recorded or (not self.appended and self.outage_resolved)


def contract_policy(contract: Contract) -> Policy:
    """The contract's policy, its calendars in the customer's local time read in the contract's customer_timezone."""
    return load_policy(contract.policy).for_customer(contract.customer_timezone)


def counts_as_outage(item: Incident, state: IncidentState, contract: Contract | None) -> bool:
    """Whether the incident counts toward availability: what its card last said, else the contract's [outages]
    rule for its PagerDuty service and priority, else whether the policy defines its severity as an outage."""
    if state.outage is not None:
        return state.outage
    if contract is None:
        return False
    severity = load_policy(contract.policy).severities.get(item.severity)
    policy_says = severity is not None and severity.outage
    return contract.outages.is_outage(item.severity, state.priority, item.service_id, policy_says)


def _refresh(
    item: Incident,
    state: IncidentState,
    terms: Terms | None,
    thresholds: Thresholds,
    contract: Contract | None,
) -> tuple[Incident, list[TrackedDeadline]]:
    """The incident with the state and everything derived from it: status, instants, clocks, the next reminder."""
    tracked = track(terms, state) if terms is not None else []
    all_stages = incident_stages(tracked, thresholds, state.snoozes)  # a snoozed notice comes back: due again
    item = replace(
        item,
        state=state,
        status=state.status,
        opened_at=state.opened_at or item.opened_at,
        severity=state.severity or item.severity,
        acknowledged_at=state.acknowledged_at,
        resolved_at=state.resolved_at,
        terms_version=terms_version(contract) if contract is not None else None,
        updated_at=max(t for t in (state.opened_at, state.last_update_at, item.updated_at) if t is not None),
        deadlines=tuple(StoredDeadline(t.key, t.due_at, t.met_at) for t in tracked),
        next_due_at=next_due(all_stages, set(item.reminders_sent)) if state.is_open else None,
    )
    return replace(item, outage=counts_as_outage(item, state, contract)), tracked


def record_event(
    *,
    incident_id: str,
    event: IncidentEvent,
    contract: Contract | None,
    source: str,
    recorded_at: datetime,
    title: str | None = None,
    component: str | None = None,
    source_id: str | None = None,
    source_url: str | None = None,
    service_id: str | None = None,
    details: dict[str, Any] | None = None,
    thresholds: Thresholds | None = None,
    read: Incident | None = None,
) -> RecordResult:
    """Record one event exactly once (a duplicate delivery has `appended=False` and changes nothing).

    The event's instants and the incident's whole resulting state are checked first (`event_bounds`): an
    implausible one raises `ImplausibleInstant` before anything is written.

    `read` is the incident as the caller just read it, if it did (saves a read; a stale copy costs a retry).

    `title`, `component`, `source_id`, `source_url` and `service_id` are used when the event creates the incident (any
    event may, since webhooks can arrive out of order); an incident created without a contract (an event
    that did not name its service) takes the contract of the first later event that knows it.
    """
    check_event(event, contract, recorded_at)
    strict = source in TYPED_SOURCES  # a person typed it: a status change that changes nothing is refused

    entry = repository.timeline_entry(
        incident_id,
        event_id=event.event_id,
        event_type=event.kind,
        occurred_at=event.occurred_at,
        recorded_at=recorded_at,
        source=source,
        actor=event.actor,
        details={**(details or {}), **_event_details(event)},
    )

    terms = terms_for(contract)
    thresholds = thresholds or thresholds_for(contract)
    created = appended = False
    tracked: list[TrackedDeadline] = []
    state = IncidentState()
    written: list[StoredDowntime] = []
    was_resolved = False

    def change(item: Incident) -> tuple[Incident, list[StoredDowntime]]:
        nonlocal tracked, state, written, was_resolved
        current = item.state
        was_resolved, was_classified = _outage_over(current), _counted_as(item, current)
        state = apply(current, event)
        check_order(current, event, state, strict_status=strict)
        item = replace(
            item,
            title=item.title or title or "",
            source_url=item.source_url or source_url,
            service_id=item.service_id or service_id,
        )
        if contract is not None and item.contract_id == UNMAPPED:
            item = replace(item, contract_id=contract.id, component=component or contract.components[0])
        item, tracked = _refresh(item, state, terms, thresholds, contract)
        written = _downtime_writes(item, state, event, contract, was_resolved, was_classified)
        return item, written

    existing = read if read is not None or event.kind == "triggered" else repository.get_incident(incident_id)
    if existing is None:
        state = apply(IncidentState(), event)
        check_order(IncidentState(), event, state, strict_status=strict)
        item = repository.new_incident(
            incident_id=incident_id,
            contract_id=contract.id if contract else UNMAPPED,
            component=component or (contract.components[0] if contract else "platform"),
            severity=state.severity or "unknown",
            source=source,
            title=title or incident_id,
            opened_at=state.opened_at or event.occurred_at,
            source_id=source_id,
        )
        item = lease_for_new_card(
            replace(item, source_url=source_url, service_id=service_id), recorded_at, event.event_id
        )
        item, tracked = _refresh(item, state, terms, thresholds, contract)
        stored_new = repository.create_incident(item)  # a lone event records no downtime: no trigger and resolve yet
        created, item = stored_new is not None, stored_new or item
        # Written after the creation, so a creation that landed after its attempt gave up (a stalled table) leaves
        # the event unwritten: its retry writes it and so knows that attempt never posted the card (incident_cards).
        appended = created and repository.append_entry(entry)
    if not created:
        existing = existing or repository.get_incident(incident_id)
        unchanged = False
        if existing is not None:  # checked on the copy read, before the timeline is written
            stored = existing.state
            after = apply(stored, event)
            check_order(stored, event, after, strict_status=strict)
            if repeats_history(existing, event, details or {}):  # a read only for a backfilled incident
                return RecordResult(
                    existing, False, False, False, stored, deadlines_of_terms(existing, terms), repeated=True
                )
            unchanged = after == stored
        if existing is not None and unchanged:
            # Nothing to change (a redelivery, most likely): the entry alone, and a redelivery stops there.
            if not repository.append_entry(entry):
                return _redelivered(existing, deadlines_of_terms(existing, terms), contract)
            item, appended = repository.save_incident_with(existing, incident_id, change)
        else:
            # The event's timeline entry, the incident and the downtime it writes: one transaction, so an event
            # that changes the incident is in the timeline exactly when its change is. A redelivery writes nothing.
            item, appended = repository.save_incident_with(existing, incident_id, change, entry=entry)
        if not appended:  # a redelivery: its change, computed again, is the stored one (the fold is idempotent)
            return _redelivered(item, tracked if item.state == state else deadlines_of_terms(item, terms), contract)
    became_resolved = _outage_over(state) and not was_resolved
    counted = _counted_outage(item, state, contract)
    return RecordResult(item, appended, created, became_resolved, state, tracked, bool(written), counted)


def _redelivered(item: Incident, deadlines: list[TrackedDeadline], contract: Contract | None) -> RecordResult:
    """The result for an event recorded before: nothing appended, the incident as stored."""
    state = item.state
    return RecordResult(item, False, False, False, state, deadlines, False, _counted_outage(item, state, contract))


def _counted_outage(item: Incident, state: IncidentState, contract: Contract | None) -> bool:
    """Resolved, as an outage, on a component its contract counts: an incident with a downtime interval."""
    return _outage_over(state) and bool(item.outage) and contract is not None and item.component in contract.components


def _counted_as(item: Incident, state: IncidentState) -> tuple[object, ...]:
    """What the incident's recorded downtime follows: outage or not, cause, and its (corrected) span."""
    return (item.outage, state.cause, state.opened_at, state.resolved_at)


def _event_details(event: IncidentEvent) -> dict[str, Any]:
    """What the timeline entry keeps of an event beyond its kind, time and actor."""
    found = {"severity": event.severity, "priority": event.priority, "text": event.text, "cause": event.cause,
             "opened_fix": event.opened_fix and event.opened_fix.isoformat(),
             "resolved_fix": event.resolved_fix and event.resolved_fix.isoformat()}  # fmt: skip
    details: dict[str, Any] = {key: value for key, value in found.items() if value}
    if event.outage is not None:
        details["outage"] = event.outage
    return details


def _outage_over(state: IncidentState) -> bool:
    """Resolved, with the real opening known (a resolve that overtook its trigger waits for it)."""
    return state.status == RESOLVED and state.triggered


def _downtime_writes(
    item: Incident,
    state: IncidentState,
    event: IncidentEvent,
    contract: Contract | None,
    was_resolved: bool,
    was_classified: tuple[object, ...],
) -> list[StoredDowntime]:
    """The downtime intervals this change writes with the incident, in one transaction: the outage's whole
    interval when it became resolved, or the record, withdrawal or re-cause a reclassification or correction of a
    resolved incident makes. None for a ticket or a component that counts toward no availability."""
    if contract is None or item.component not in contract.components or not _outage_over(state):
        return []
    if not was_resolved:
        return [_interval(item, state)] if item.outage else []
    if was_classified == _counted_as(item, state):
        return []
    return _synced(item, state, event)


def _interval(item: Incident, state: IncidentState) -> StoredDowntime:
    """The incident's outage, opened → resolved, as a downtime interval of its contract and component.

    A reopened and re-resolved incident adds a second interval from the same opening; availability merges
    overlapping intervals, so the time between the first resolve and the reopening counts as down too.
    """
    assert state.opened_at is not None and state.resolved_at is not None
    return repository.new_downtime(
        downtime_id=f"{item.incident_id}@{state.resolved_at.isoformat()}",
        contract_id=item.contract_id,
        component=item.component,
        started_at=state.opened_at,
        ended_at=state.resolved_at,
        recorded_by=item.source,
        source=item.source,
        incident_id=item.incident_id,
        reason="incident",
        cause=state.cause,
    )


def _synced(item: Incident, state: IncidentState, event: IncidentEvent) -> list[StoredDowntime]:
    """After a reclassification or correction of a resolved incident: an outage has its (corrected) interval
    recorded and counted with the incident's cause, as are earlier intervals inside it (re-resolves from the
    same opening); any other interval, and every one of a ticket, is withdrawn (kept, not counted). Returns the
    intervals to write (read fresh on every attempt, so a concurrent change is re-read and re-applied)."""
    assert state.opened_at is not None and state.resolved_at is not None
    since = min(t for t in (state.opened_at, state.source_opened_at) if t is not None)
    found = repository.incident_downtime(item.contract_id, item.component, item.incident_id, since)
    writes: list[StoredDowntime] = []
    if item.outage:
        interval = _interval(item, state)
        if interval.key not in {known.key for known in found}:
            writes.append(interval)

    def inside(interval: StoredDowntime) -> bool:
        end, last = interval.ended_at, state.resolved_at
        return interval.started_at == state.opened_at and end is not None and last is not None and end <= last

    for interval in found:
        wanted: tuple[datetime | None, str | None, str | None]
        if item.outage and inside(interval):
            wanted = (None, None, state.cause)
        else:
            wanted = (interval.withdrawn_at or event.occurred_at, interval.withdrawn_by or event.actor, interval.cause)
        if (interval.withdrawn_at, interval.withdrawn_by, interval.cause) != wanted:
            withdrawn_at, withdrawn_by, cause = wanted
            writes.append(replace(interval, withdrawn_at=withdrawn_at, withdrawn_by=withdrawn_by, cause=cause))
    return writes


def thresholds_for(contract: Contract | None) -> Thresholds:
    """The contract's reminder settings (the defaults for incidents no contract maps)."""
    return contract.reminders if contract is not None else DEFAULT_THRESHOLDS


def refresh_clocks(incident_id: str, contract: Contract) -> Incident:
    """Recompute an incident's clocks and next reminder under the contract's terms now in force (a deployment
    changed them); the timeline is unchanged."""

    def change(item: Incident) -> Incident:
        return _refresh(item, item.state, terms_for(contract), thresholds_for(contract), contract)[0]

    return repository.update_incident(incident_id, change)


def mark_reminders_sent(incident_id: str, stage_keys: list[str], contract: Contract | None) -> Incident:
    """Record reminder stages as sent and move the incident to its next unsent stage (or out of the index)."""

    def change(item: Incident) -> Incident:
        item = replace(item, reminders_sent=item.reminders_sent | set(stage_keys))
        return _refresh(item, item.state, terms_for(contract), thresholds_for(contract), contract)[0]

    return repository.update_incident(incident_id, change)
