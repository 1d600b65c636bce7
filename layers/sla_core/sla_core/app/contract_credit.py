"""A tracked contract's credit for a period from what is stored: its recorded downtime and missed responses.

The same `credits.estimate_credit` the CLI calls, fed from DynamoDB instead of flags: downtime per
component from `repository.downtime_between` (its `reason` holds the availability Kind; incidents count
as unplanned), an interval still open counted up to `now`, and for a missed-responses credit the number
of the contract's incidents opened in the period whose first response was, or is by now, late.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sla_core.app.alternate_figures import OtherFigure, StoredEstimate, other_figures
from sla_core.app.contract_terms import contract_zone, holiday_override, terms_for
from sla_core.app.skipping import Skips, skipping
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.engine.alternate_readings import moved_deadlines
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.deadlines import compute_deadline, met_by
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.instants import from_micros, require_aware, to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import Period, month_of, parse_period, quarter_of
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident, StoredDowntime
from sla_core.incidents.tracking import Terms

INITIAL_RESPONSE = "initial_response"


def current_period_text(unit: str, zone: ZoneInfo, now: datetime, fiscal_start_month: int = 1) -> str:
    """The period containing `now` as the policy writes periods: `YYYY-MM`, or the fiscal `YYYY-Qn`."""
    period = month_of if unit == "month" else partial(quarter_of, fiscal_start_month=fiscal_start_month)
    return period(to_micros(now), zone).label


def kind_of(reason: str | None) -> Kind:
    """The availability kind stored in a downtime's `reason` (anything else, e.g. `incident`, is unplanned)."""
    try:
        return Kind(reason or Kind.UNPLANNED)
    except ValueError:
        return Kind.UNPLANNED


def recorded_downtime(
    contract: Contract,
    component: str,
    period: Period,
    now: datetime,
    skips: Skips | None = None,
    *,
    policy: Policy | None = None,
) -> list[Downtime]:
    """The component's stored intervals overlapping the period with their kind, cause, notice and incident, cut at `now`
    (open ones, and maintenance declared ahead: what has happened so far); withdrawn ones (their incident was
    marked not an outage) left out. With `skips` (a report), an interval that cannot be read is logged, counted
    and left out instead of failing the whole figure. Under a `policy` with a yearly maintenance allowance, from the
    start of the period's allowance year: the year's earlier maintenance used part of it."""
    start = policy.allowance_year(period.start, period.zone) if policy is not None else None
    since = from_micros(start, period.zone) if start is not None else period.start_at
    items = repository.downtime_between(contract.id, component, since, period.end_at)
    return downtime_of(items, component, period, now, skips, since=since)


def downtime_of(
    items: Iterable[StoredDowntime],
    component: str,
    period: Period,
    now: datetime,
    skips: Skips | None = None,
    *,
    since: datetime | None = None,
) -> list[Downtime]:
    """`recorded_downtime` of intervals already read (e.g. every contract's month in one query): those of the
    period (from `since`, default its start), as the engine takes them."""
    since = since or period.start_at
    intervals: list[Downtime] = []
    for item in items:
        if item.withdrawn_at is not None or item.started_at >= period.end_at:
            continue
        if item.ended_at is not None and item.ended_at <= since:
            continue
        with skipping(skips, "downtime interval", item.downtime_id):
            kind = kind_of(item.reason)
            end = min(item.ended_at or now, now)
            if end > item.started_at:
                declared = kind is not Kind.UNPLANNED
                announced, posted = (item.announced_at, item.posted_window) if declared else (None, False)
                intervals.append(
                    downtime(
                        item.started_at,
                        end,
                        kind,
                        item.cause,
                        component,
                        announced=announced,
                        posted_window=posted,
                        incident=item.incident_id,
                    )
                )
    return intervals


@dataclass(frozen=True, slots=True)
class MissedResponse:
    """A ticket whose initial response came late, or has not come by a deadline already past. `on_reading`: a
    miss only under a chosen reading: under the other reading (stated as policy data) of a clause its deadline
    depends on, the response came in time (or its later due instant has not passed yet)."""

    incident_id: str
    title: str
    opened_at: datetime
    due_at: datetime
    on_reading: bool = False


def missed_initial_responses(
    contract: Contract, period: Period, now: datetime, skips: Skips | None = None
) -> list[MissedResponse]:
    """Incidents opened in the period whose initial response was missed as of `now` (contract-index query),
    each saying whether the miss depends on a reading; with `skips`, an incident that cannot be read is logged,
    counted and left out."""
    terms = terms_for(contract)
    at_due = terms.load().met_at_due(INITIAL_RESPONSE) if terms is not None else True
    missed: list[MissedResponse] = []
    for item in repository.contract_incidents(contract.id, opened_since=period.start_at):
        if item.opened_at >= period.end_at:
            continue
        with skipping(skips, "incident", item.incident_id):
            for deadline in item.deadlines or []:
                if not deadline.name.startswith(f"{INITIAL_RESPONSE}@"):
                    continue
                done = deadline.met_at
                if late(deadline.due_at, done, now, at_due):
                    on_reading = terms is not None and _met_on_other_reading(terms, item, done, now)
                    miss = MissedResponse(item.incident_id, item.title, item.opened_at, deadline.due_at, on_reading)
                    missed.append(miss)
    return missed


def missed_counts(missed: Sequence[MissedResponse] | None) -> tuple[int | None, int | None]:
    """(misses, misses that depend on a reading) as `estimate_credit` takes them: None where there is no count,
    and None rather than 0 dependent misses, so a count no reading changes names no reading."""
    if missed is None:
        return None, None
    return len(missed), sum(m.on_reading for m in missed) or None


def late(due_at: datetime, done: datetime | None, now: datetime, met_at_due: bool = True) -> bool:
    """Whether a response done at `done` (None: not yet, as of `now`) missed `due_at` (exactly at it is met only
    where the contract says "within", `met_at_due`)."""
    if done is not None:
        return not met_by(done, due_at, met_at_due)
    return due_at < now if met_at_due else due_at <= now


def _met_on_other_reading(terms: Terms, item: Incident, done: datetime | None, now: datetime) -> bool:
    """Whether the incident's initial response is not missed under the other reading of some clause its
    deadline depends on (the deadline computed again from the incident's severity and opening)."""
    policy = terms.load()
    try:
        deadline = compute_deadline(
            policy, item.severity, item.opened_at, INITIAL_RESPONSE, terms.tier, terms.region, terms.holidays
        )
    except SlaError:
        return False
    at_due = policy.met_at_due(INITIAL_RESPONSE)
    return any(not late(other.due_at, done, now, at_due) for _, other in moved_deadlines(deadline, policy))


def estimate_for_contract(
    contract: Contract, period_text: str | None, now: datetime, policy: Policy | None = None
) -> list[CreditEstimate]:
    """One estimate per component of the contract (most contracts have one) for the period (default: current),
    under its policy (or under `policy`, e.g. the terms in force before a deployment changed them)."""
    return [stored.estimate for stored in stored_estimates(contract, period_text, now, policy)]


def stored_estimates(
    contract: Contract, period_text: str | None, now: datetime, policy: Policy | None = None
) -> list[StoredEstimate]:
    """`estimate_for_contract` with the recorded downtime each estimate rests on, for its other figures."""
    policy = policy or load_policy(contract.policy)
    terms = policy.terms.credit
    if terms is None:
        raise PolicyError(f"policy {policy.id} states no service credit terms")
    zone = policy.zone_for(policy.region(contract.region))
    text = period_text or current_period_text(terms.period, zone, now, terms.fiscal_year_start_month)
    period = parse_period(text, terms.period, zone, terms.fiscal_year_start_month)
    misses = missed_initial_responses(contract, period, now) if terms.mechanism == "missed_responses" else None
    missed, on_reading = missed_counts(misses)
    estimates = []
    for component in contract.components:
        intervals = (
            recorded_downtime(contract, component, period, now, policy=policy) if policy.terms.availability else []
        )
        estimate = contract_estimate(
            contract, policy, text, component, intervals, missed=missed, missed_on_reading=on_reading
        )
        estimates.append(StoredEstimate(estimate, tuple(intervals)))
    return estimates


def contract_estimate(
    contract: Contract,
    policy: Policy,
    period_label: str,
    component: str,
    intervals: Sequence[Downtime],
    *,
    missed: int | None = None,
    missed_on_reading: int | None = None,
    failed_months: Sequence[str] = (),
) -> CreditEstimate:
    """`estimate_credit` with the contract's own fee, currency, tier, region, activation date and prepaid fees."""
    return estimate_credit(
        policy,
        period_label,
        fee=contract.fee,
        intervals=intervals,
        tier=contract.tier,
        region=contract.region,
        component=component,
        missed_responses=missed,
        missed_on_reading=missed_on_reading,
        currency=contract.currency,
        failed_months=failed_months,
        activation=contract.activation_date,
        prepaid=contract.prepaid,
        holidays=holiday_override(contract),
    )


@dataclass(frozen=True, slots=True)
class MonthToDate:
    """The month of an incident's resolution so far: the credit estimate, the downtime it rests on, and its
    figures under each other reading that changes them."""

    estimate: CreditEstimate
    intervals: int
    others: tuple[OtherFigure, ...] = ()


def month_to_date(item: Incident, contract: Contract, now: datetime) -> MonthToDate | None:
    """Availability, credit and claim window of the credit period (month, or quarter for a quarterly policy) the
    incident was resolved in, from recorded downtime (still-open intervals count until `now`); None when the
    policy states no credit terms."""
    policy = load_policy(contract.policy)
    credit, zone = policy.terms.credit, contract_zone(contract)
    unit, fiscal = (credit.period, credit.fiscal_year_start_month) if credit is not None else ("month", 1)
    label = current_period_text(unit, zone, require_aware(item.resolved_at or now), fiscal)
    period = parse_period(label, unit, zone, fiscal)
    intervals = recorded_downtime(contract, item.component, period, now, policy=policy)
    try:
        estimate = contract_estimate(contract, policy, period.label, item.component, intervals)
    except SlaError:
        return None
    return MonthToDate(estimate, len(intervals), other_figures(estimate, intervals))
