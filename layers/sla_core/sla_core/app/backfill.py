"""Backfill: an incident source's history recorded as its webhooks would have recorded it, exactly once.

Each incident's events go through `record_event`, the webhooks' own path (same incident keys, same fold, same
outage rules, downtime and first responses); their ids are the source's own, so a second run, or a webhook that
repeats one, appends nothing (an incident whose stored state already holds its whole history costs one read).
An incident's events are recorded newest first: the fold is order-independent, and a resolved incident is then
never open while it is being recorded, so no reminder sweep can catch it half-way.

History is not replayed into channels: a closed incident gets no card and is marked `backfilled_at`, which tells
the webhook path not to post one for a late copy of its events. An incident still open at the end gets its card,
and its reminders come from the sweep as for any open incident. Each contract then gets one summary of every
credit period the run touched (`ContractSummary`). A dry run reads, folds and computes, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_credit import (
    INITIAL_RESPONSE,
    contract_estimate,
    current_period_text,
    late,
    missed_counts,
    missed_initial_responses,
    recorded_downtime,
)
from sla_core.app.contract_terms import contract_zone, terms_for
from sla_core.app.event_bounds import ImplausibleInstant, check_event, check_order
from sla_core.app.incident_cards import show_card
from sla_core.app.incident_service import counts_as_outage, record_event
from sla_core.app.ports import Blocks, IncidentChannel, Poster, PostRefused
from sla_core.app.reports import failed_months_before
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.engine.errors import SlaError
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import Period, parse_period
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident
from sla_core.incidents.state import RESOLVED, IncidentEvent, IncidentState, apply, fold
from sla_core.incidents.tracking import track

NO_CONTRACT = "no contract"
OUTSIDE = "outside the period"
UNUSABLE = "unusable"
IMPLAUSIBLE = "refused by the record"
SUMMARY_FIELDS = (
    "period", "component", "availability_percent", "target_percent", "target_met", "downtime_minutes",
    "missed_responses", "credit_amount", "currency", "claim_deadline", "termination_right",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoricEvent:
    """One event of an incident's history, mapped as its webhook would have been, with the source's type."""

    event: IncidentEvent
    source_type: str


@dataclass(frozen=True, slots=True)
class HistoricIncident:
    """One incident as its source's history tells it: its keys, contract (None: no contract maps its service),
    when it was opened, and its events in any order."""

    incident_id: str
    source_id: str
    contract: Contract | None
    opened_at: datetime
    events: tuple[HistoricEvent, ...]
    title: str | None = None
    source_url: str | None = None
    service_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one incident: `recorded` (an event was new), `already recorded`, or `skipped` with why."""

    incident_id: str
    status: str
    why: str | None = None
    contract_id: str | None = None
    open: bool = False
    card: str | None = None  # open incidents: posted, shown already, or why not


@dataclass(frozen=True, slots=True)
class ContractSummary:
    """One contract's backfill: how many of its incidents were read and recorded, and the figures of each credit
    period the run touched (one dict per period and component, the `credit` JSON's main fields)."""

    contract: Contract
    incidents: int
    recorded: int
    open: int
    periods: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"incidents": self.incidents, "recorded": self.recorded, "open": self.open,
                "periods": list(self.periods), "notes": list(self.notes)}  # fmt: skip


@dataclass
class Backfill:
    """One run from the day `since` up to the day `until` (not included; None: up to `now`), each day in each
    contract's own zone, for the selected contracts; `record` each incident read, then `summaries`."""

    contracts: Sequence[Contract]
    since: date
    until: date | None
    now: datetime
    source: str
    dry_run: bool = False
    channel: IncidentChannel | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    _pending: dict[str, list[Downtime]] = field(default_factory=dict)
    _pending_misses: dict[str, dict[str, tuple[datetime, bool]]] = field(default_factory=dict)  # dry run

    def record(self, incident: HistoricIncident) -> Outcome:
        """Record one incident's history (or, in a dry run, find what would be recorded)."""
        outcome = self._record(incident)
        self.outcomes.append(outcome)
        return outcome

    def skip(self, incident_id: str, why: str) -> Outcome:
        """An incident read but not recorded (e.g. its history could not be used): counted with why."""
        outcome = Outcome(incident_id, "skipped", why)
        self.outcomes.append(outcome)
        return outcome

    def window(self, contract: Contract) -> tuple[datetime, datetime]:
        """[start, end) of the run in the contract's zone: midnight of `since` to midnight of `until`, or now."""
        zone = contract_zone(contract)
        start = datetime.combine(self.since, time(), zone)
        return start, datetime.combine(self.until, time(), zone) if self.until is not None else self.now

    def span(self) -> tuple[datetime, datetime]:
        """The instants to ask the source for: the union of every selected contract's window."""
        windows = [self.window(contract) for contract in self.contracts]
        return min(w[0] for w in windows), max(w[1] for w in windows)

    def _record(self, incident: HistoricIncident) -> Outcome:
        contract = incident.contract
        if contract is None or contract.id not in {c.id for c in self.contracts}:
            return Outcome(incident.incident_id, "skipped", NO_CONTRACT)
        start, end = self.window(contract)
        if not start <= incident.opened_at < end:
            return Outcome(incident.incident_id, "skipped", OUTSIDE, contract.id)
        newest_first = sorted(incident.events, key=lambda h: (h.event.occurred_at, h.event.event_id), reverse=True)
        try:
            _check_history([h.event for h in newest_first], contract, self.now)
        except ImplausibleInstant as error:
            return Outcome(incident.incident_id, "skipped", f"{IMPLAUSIBLE}: {error}", contract.id)
        if self.dry_run:
            return self._look(incident, contract)
        done = self._already(incident, contract)
        if done is not None:
            return done
        appended, created = False, False
        item: Incident | None = None
        for historic in newest_first:
            result = record_event(
                incident_id=incident.incident_id,
                event=historic.event,
                contract=contract,
                source=self.source,
                recorded_at=self.now,
                title=incident.title,
                source_id=incident.source_id,
                source_url=incident.source_url,
                service_id=incident.service_id,
                details={"pagerduty_event_type": historic.source_type, "backfill": True},
                read=item,  # the incident as the previous event saved it: no read (and no create try) per event
            )
            appended, created, item = appended or result.appended, created or result.created, result.incident
        status = "recorded" if appended else "already recorded"
        if item is None:
            return Outcome(incident.incident_id, "skipped", "no events", contract.id)
        if item.status == RESOLVED:
            _mark_backfilled(item, self.now)
            return Outcome(incident.incident_id, status, None, contract.id)
        shown = self._card(item, contract, created)
        _mark_backfilled(repository.get_incident(item.incident_id) or item, self.now)  # its card ts, then the mark
        return Outcome(incident.incident_id, status, None, contract.id, True, shown)

    def _already(self, incident: HistoricIncident, contract: Contract) -> Outcome | None:
        """One read instead of a write attempt per event when a run (or the webhooks) recorded this history
        already: the stored state folds every event in unchanged, and the incident has its card or its mark."""
        stored = repository.get_incident(incident.incident_id)
        if stored is None or stored.contract_id != contract.id:
            return None
        current = stored.state
        if fold([h.event for h in incident.events], current) != current:
            return None
        if stored.status == RESOLVED and (stored.slack_ts is not None or stored.backfilled_at is not None):
            return Outcome(incident.incident_id, "already recorded", None, contract.id)
        if stored.status != RESOLVED and stored.slack_ts is not None:
            return Outcome(incident.incident_id, "already recorded", None, contract.id, True, "shown")
        return None

    def _card(self, item: Incident, contract: Contract, created: bool) -> str:
        """The open incident's card, as its webhook would have posted it."""
        if item.slack_ts is not None:
            return "shown"
        if self.channel is None:
            return "not posted: no channel"
        try:
            show_card(
                item, contract, deadlines_of(item, contract), contract.slack_channel, self.channel,
                owner=created, now=self.now,
            )  # fmt: skip
        except (PostRefused, RuntimeError) as refused:  # CardPending is a RuntimeError: a rerun posts it
            return f"not posted: {refused}"
        return "posted"

    def _look(self, incident: HistoricIncident, contract: Contract) -> Outcome:
        """The dry run: compare with what is stored, and keep the downtime it would record for the figures."""
        stored = repository.get_incident(incident.incident_id)
        known = {e.event_id for e in repository.timeline(incident.incident_id)} if stored is not None else set()
        new = [h.event for h in incident.events if h.event.event_id not in known]
        state = fold(new, stored.state if stored is not None else IncidentState())
        if new and state.status == RESOLVED and state.opened_at is not None and state.resolved_at is not None:
            item = stored or _transient(incident, contract, state)
            if counts_as_outage(item, state, contract) and item.component in contract.components:
                interval = downtime(state.opened_at, state.resolved_at, Kind.UNPLANNED, state.cause, item.component)
                self._pending.setdefault(contract.id, []).append(interval)
        terms = terms_for(contract)
        if new and state.opened_at is not None and terms is not None:
            firsts = [t for t in track(terms, state) if t.metric == INITIAL_RESPONSE]
            at_due = terms.load().met_at_due(INITIAL_RESPONSE)
            missed = any(late(t.due_at, t.met_at, self.now, at_due) for t in firsts)
            self._pending_misses.setdefault(contract.id, {})[incident.incident_id] = (state.opened_at, missed)
        status = "recorded" if new else "already recorded"
        return Outcome(incident.incident_id, status, None, contract.id, state.is_open, None)

    def summaries(self) -> list[ContractSummary]:
        """One summary per selected contract: its incidents and the figures of every credit period touched."""
        summaries = []
        for contract in self.contracts:
            mine = [o for o in self.outcomes if o.contract_id == contract.id and o.status != "skipped"]
            periods, notes = self._figures(contract)
            recorded, still_open = sum(o.status == "recorded" for o in mine), sum(o.open for o in mine)
            summaries.append(ContractSummary(contract, len(mine), recorded, still_open, tuple(periods), tuple(notes)))
        return summaries

    def _misses(self, contract: Contract, period: Period) -> tuple[int | None, int | None]:
        """The period's missed initial responses as stored, with a dry run's would-be incidents counted instead of
        their stored copies (their misses' readings are not known: counted as not depending on one)."""
        pending = self._pending_misses.get(contract.id, {})
        stored = [m for m in missed_initial_responses(contract, period, self.now) if m.incident_id not in pending]
        missed, on_reading = missed_counts(stored)
        extra = sum(missed_now for opened, missed_now in pending.values() if period.start_at <= opened < period.end_at)
        return (missed or 0) + extra, on_reading

    def _figures(self, contract: Contract) -> tuple[list[dict[str, Any]], list[str]]:
        policy = load_policy(contract.policy)
        terms = policy.terms.credit
        if terms is None:
            return [], [f"policy {policy.id} states no service credit terms: no figures"]
        figures: list[dict[str, Any]] = []
        for period in touched_periods(contract, *self.window(contract)):
            missed = on_reading = None
            if terms.mechanism == "missed_responses":
                missed, on_reading = self._misses(contract, period)
            for component in contract.components:
                intervals: list[Downtime] = []
                if policy.terms.availability is not None:
                    intervals = recorded_downtime(contract, component, period, self.now, policy=policy)
                    intervals += [d for d in self._pending.get(contract.id, []) if d.component == component]
                failed = failed_months_before(contract, policy, period, component, self.now)
                try:
                    estimate = contract_estimate(
                        contract, policy, period.label, component, intervals,
                        missed=missed, missed_on_reading=on_reading, failed_months=failed,
                    )  # fmt: skip
                except SlaError as error:
                    figures.append({"period": period.label, "component": component, "error": str(error)})
                    continue
                whole = estimate.as_dict()
                figures.append({key: whole.get(key) for key in SUMMARY_FIELDS})
        return figures, []


def touched_periods(contract: Contract, since: datetime, until: datetime) -> list[Period]:
    """The contract's credit periods (months, or its policy's fiscal quarters) overlapping [since, until), in its
    zone."""
    policy = load_policy(contract.policy)
    terms = policy.terms.credit
    unit, fiscal = (terms.period, terms.fiscal_year_start_month) if terms is not None else ("month", 1)
    zone = contract_zone(contract)
    periods: list[Period] = []
    at = since
    while at < until:
        period = parse_period(current_period_text(unit, zone, at, fiscal), unit, zone, fiscal)
        periods.append(period)
        at = period.end_at
    return periods


def post_summaries(
    summaries: Sequence[ContractSummary],
    poster: Poster,
    words: Callable[[ContractSummary], tuple[str, Blocks]],
    *,
    run_id: str,
) -> dict[str, str]:
    """One summary post per contract channel; per contract, `posted` or why not (the rest still go out)."""
    posted: dict[str, str] = {}
    for summary in summaries:
        text, blocks = words(summary)
        post_id = f"backfill#{summary.contract.id}#{run_id}"
        try:
            poster.post(
                summary.contract.slack_channel, text, blocks=blocks, thread_ts=None, broadcast=False, post_id=post_id
            )
        except PostRefused as refused:
            posted[summary.contract.id] = f"not posted: {refused}"
            continue
        posted[summary.contract.id] = "posted"
    return posted


def _transient(incident: HistoricIncident, contract: Contract, state: IncidentState) -> Incident:
    """An unsaved incident item for the dry run's outage rule (severity, service and component are what it reads)."""
    item = repository.new_incident(
        incident_id=incident.incident_id,
        contract_id=contract.id,
        component=contract.components[0],
        severity=state.severity or "unknown",
        source="backfill",
        title=incident.title or incident.incident_id,
        opened_at=state.opened_at or incident.opened_at,
        source_id=incident.source_id,
    )
    return replace(item, service_id=incident.service_id)


def _check_history(events: Sequence[IncidentEvent], contract: Contract, now: datetime) -> None:
    """The checks `record_event` makes of each event, made of the whole history first (in the order it will be
    recorded), so an incident whose history the record refuses is skipped whole, not half written."""
    state = IncidentState()
    for event in events:
        check_event(event, contract, now)
        after = apply(state, event)
        check_order(state, event, after, strict_status=False)
        state = after


def _mark_backfilled(item: Incident, now: datetime) -> None:
    """Mark an incident as read from history: a closed one without a card then gets none from the webhook path,
    and a late webhook repeating one of its backfilled events is a duplicate (app/history_repeats.py)."""
    if item.backfilled_at is not None:
        return

    def change(found: Incident) -> Incident:
        return found if found.backfilled_at is not None else replace(found, backfilled_at=now)

    repository.save_incident(item, item.incident_id, change)  # the copy just saved: one write (a re-read on conflict)
