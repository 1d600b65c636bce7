"""Recording incident events: timeline first (exactly once), then the incident's derived state and clocks.

Both ways in (PagerDuty webhooks and Slack commands or buttons) go through `record_event`:
1. the event is appended to the timeline with a conditional put keyed by its id, so a redelivery adds no
   second entry and is reported as a duplicate (`appended=False`);
2. the incident is created (conditional put) or updated under its version attribute, folding the event
   into the order-independent state of `incident_state` and recomputing deadlines and the next due
   reminder, so concurrent writers never lose each other's events. The fold is idempotent, so a
   redelivery after a crash between steps 1 and 2 still completes the incident, and a plain duplicate
   writes nothing;
3. when the incident becomes resolved and its component counts toward availability, its downtime
   interval (opened → resolved) is recorded.
A `triggered` event usually opens a new incident, so it tries the conditional creation first and reads only
when that fails; other events read once and save under that read's version (re-reading only on a conflict).
A new PagerDuty incident therefore costs two requests (timeline append, creation).
Slack posting is the caller's job; this module only reads and writes DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sla_core.app.incident_cards import lease_for_new_card
from sla_core.config.contracts import Contract
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.incidents.reminder_stages import Thresholds, next_due, stages
from sla_core.incidents.state import RESOLVED, IncidentEvent, IncidentState, apply
from sla_core.incidents.tracking import Terms, TrackedDeadline, track
from sla_core.storage import repository
from sla_core.storage.models import DeadlineAttribute, IncidentItem
from sla_core.storage.repository import state_of

UNMAPPED = "unmapped"
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What `record_event` did: the incident as saved, whether the event was new or created it, and whether it
    recorded the outage's downtime (once per resolve, by a conditional put: the cue for the resolve summary)."""

    incident: IncidentItem
    appended: bool
    created: bool
    became_resolved: bool
    state: IncidentState
    deadlines: list[TrackedDeadline]
    downtime_recorded: bool = False


def terms_for(contract: Contract | None) -> Terms | None:
    """The SLA terms a contract's clocks run on (None for incidents no contract maps)."""
    if contract is None:
        return None
    holidays = HolidaySpec(contract.holidays.country, contract.holidays.subdiv) if contract.holidays else None
    return Terms(contract.policy, contract.tier, contract.region, holidays)


class _Unchanged(Exception):
    """A duplicate event that the stored state already includes: nothing to write."""

    def __init__(self, item: IncidentItem) -> None:
        super().__init__(item.incident_id)
        self.item = item


def deadlines_of(item: IncidentItem, contract: Contract | None) -> list[TrackedDeadline]:
    """The incident's clocks under its contract, recomputed from its stored state."""
    return deadlines_of_terms(item, terms_for(contract))


def deadlines_of_terms(item: IncidentItem, terms: Terms | None) -> list[TrackedDeadline]:
    return track(terms, state_of(item)) if terms is not None else []


def _refresh(
    item: IncidentItem, state: IncidentState, terms: Terms | None, thresholds: Thresholds
) -> list[TrackedDeadline]:
    """Write the state and everything derived from it onto the item."""
    repository.store_state(item, state)
    item.status = state.status
    if state.opened_at is not None:
        item.opened_at = state.opened_at
    if state.severity is not None:
        item.severity = state.severity
    item.acknowledged_at = state.acknowledged_at
    item.resolved_at = state.resolved_at
    item.updated_at = max(t for t in (state.opened_at, state.last_update_at, item.updated_at) if t is not None)
    tracked = track(terms, state) if terms is not None else []
    item.deadlines = [
        DeadlineAttribute(name=t.key, due_at=t.due_at, met_at=t.met_at)  # type: ignore[no-untyped-call]
        for t in tracked
    ]
    repository.set_open(item)
    all_stages = [s for t in tracked for s in stages(t, thresholds)]
    repository.set_next_due(item, next_due(all_stages, set(item.reminders_sent or ())) if state.is_open else None)
    return tracked


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
    details: dict[str, Any] | None = None,
    thresholds: Thresholds | None = None,
    read: IncidentItem | None = None,
) -> RecordResult:
    """Record one event exactly once (a duplicate delivery has `appended=False` and changes nothing).

    `read` is the incident as the caller just read it, if it did (saves a read; a stale copy costs a retry).

    `title`, `component`, `source_id` and `source_url` are used when the event creates the incident (any
    event may, since webhooks can arrive out of order); an incident created without a contract (an event
    that did not name its service) takes the contract of the first later event that knows it.
    """
    appended = repository.append_event(
        incident_id,
        event_id=event.event_id,
        event_type=event.kind,
        occurred_at=event.occurred_at,
        recorded_at=recorded_at,
        source=source,
        actor=event.actor,
        details={**(details or {}), **({"severity": event.severity} if event.severity else {}),
                 **({"text": event.text} if event.text else {})},
    )  # fmt: skip
    terms = terms_for(contract)
    thresholds = thresholds or thresholds_for(contract)
    was_resolved = False
    created = False
    tracked: list[TrackedDeadline] = []
    state = IncidentState()

    def change(item: IncidentItem) -> None:
        nonlocal was_resolved, tracked, state
        current = state_of(item)
        was_resolved = _outage_over(current)
        state = apply(current, event)
        if state == current and not appended:
            raise _Unchanged(item)
        if title and not item.title:
            item.title = title
        if source_url and not item.source_url:
            item.source_url = source_url
        if contract is not None and item.contract_id == UNMAPPED:
            item.contract_id = contract.id
            item.component = component or contract.components[0]
        tracked = _refresh(item, state, terms, thresholds)

    existing = read if read is not None or event.kind == "triggered" else repository.get_incident(incident_id)
    if existing is None:
        state = apply(IncidentState(), event)
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
        item.source_url = source_url
        lease_for_new_card(item, recorded_at)
        tracked = _refresh(item, state, terms, thresholds)
        created = repository.create_incident(item)
    if not created:
        try:
            item = repository.save_incident(existing, incident_id, change)
        except _Unchanged as unchanged:
            found = unchanged.item
            return RecordResult(found, False, False, False, state, deadlines_of_terms(found, terms))
    became_resolved = _outage_over(state) and not was_resolved
    recorded = became_resolved and contract is not None and item.component in contract.components
    recorded = recorded and _record_downtime(item, state)
    return RecordResult(item, appended, created, became_resolved, state, tracked, recorded)


def _outage_over(state: IncidentState) -> bool:
    """Resolved, with the real opening known (a resolve that overtook its trigger waits for it)."""
    return state.status == RESOLVED and state.triggered


def _record_downtime(item: IncidentItem, state: IncidentState) -> bool:
    """The incident's outage, opened → resolved, as a downtime interval of its contract and component; False
    when this resolve's interval was recorded already (a concurrent or repeated delivery).

    A reopened and re-resolved incident adds a second interval from the same opening; availability merges
    overlapping intervals, so the time between the first resolve and the reopening counts as down too.
    """
    assert state.opened_at is not None and state.resolved_at is not None
    interval = repository.start_downtime(
        downtime_id=f"{item.incident_id}@{state.resolved_at.isoformat()}",
        contract_id=item.contract_id,
        component=item.component,
        started_at=state.opened_at,
        recorded_by=item.source,
        source=item.source,
        incident_id=item.incident_id,
        reason="incident",
    )
    if interval is None:
        return False
    repository.end_downtime(interval, state.resolved_at)
    return True


def thresholds_for(contract: Contract | None) -> Thresholds:
    """The contract's reminder settings (the defaults for incidents no contract maps)."""
    return contract.reminders if contract is not None else DEFAULT_THRESHOLDS


def mark_reminders_sent(incident_id: str, stage_keys: list[str], contract: Contract | None) -> IncidentItem:
    """Record reminder stages as sent and move the incident to its next unsent stage (or out of the index)."""

    def change(item: IncidentItem) -> None:
        item.reminders_sent = {*(item.reminders_sent or set()), *stage_keys}
        _refresh(item, state_of(item), terms_for(contract), thresholds_for(contract))

    return repository.update_incident(incident_id, change)
