"""A tracked contract's credit for a period from what is stored: its recorded downtime and missed responses.

The same `credits.estimate_credit` the CLI calls, fed from DynamoDB instead of flags: downtime per
component from `repository.downtime_between` (its `reason` holds the availability Kind; incidents count
as unplanned), an interval still open counted up to `now`, and for a missed-responses credit the number
of the contract's incidents opened in the period whose first response was, or is by now, late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from sla_core.config.contracts import Contract
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.instants import require_aware, to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import Period, month_of, parse_period, quarter_of
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.storage import repository
from sla_core.storage.models import IncidentItem

INITIAL_RESPONSE = "initial_response"


def contract_zone(contract: Contract) -> ZoneInfo:
    """The zone a contract's clocks, periods and times are in: its policy's, or its support region's."""
    policy = load_policy(contract.policy)
    return policy.zone_for(policy.region(contract.region))


def display_zone(contract: Contract | None) -> tzinfo:
    """The zone to show a contract's times in; UTC for what no contract maps."""
    return contract_zone(contract) if contract is not None else UTC


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


def recorded_downtime(contract: Contract, component: str, period: Period, now: datetime) -> list[Downtime]:
    """The component's stored intervals overlapping the period, open ones cut at `now`."""
    intervals: list[Downtime] = []
    for item in repository.downtime_between(contract.id, component, period.start_at, period.end_at):
        end = item.ended_at or min(now, period.end_at)
        if end > item.started_at:
            intervals.append(downtime(item.started_at, end, kind_of(item.reason), component=component))
    return intervals


@dataclass(frozen=True, slots=True)
class MissedResponse:
    """A ticket whose initial response came late, or has not come by a deadline already past."""

    incident_id: str
    title: str
    opened_at: datetime
    due_at: datetime


def missed_initial_responses(contract: Contract, period: Period, now: datetime) -> list[MissedResponse]:
    """Incidents opened in the period whose initial response was missed as of `now` (contract-index query)."""
    missed: list[MissedResponse] = []
    for item in repository.contract_incidents(contract.id, opened_since=period.start_at):
        if item.opened_at >= period.end_at:
            continue
        for deadline in item.deadlines or []:
            if not deadline.name.startswith(f"{INITIAL_RESPONSE}@"):
                continue
            done = deadline.met_at
            if done > deadline.due_at if done is not None else deadline.due_at < now:
                missed.append(MissedResponse(item.incident_id, item.title, item.opened_at, deadline.due_at))
    return missed


def estimate_for_contract(contract: Contract, period_text: str | None, now: datetime) -> list[CreditEstimate]:
    """One estimate per component of the contract (most contracts have one) for the period (default: current)."""
    policy = load_policy(contract.policy)
    terms = policy.terms.credit
    if terms is None:
        raise PolicyError(f"policy {policy.id} states no service credit terms")
    zone = policy.zone_for(policy.region(contract.region))
    text = period_text or current_period_text(terms.period, zone, now, terms.fiscal_year_start_month)
    period = parse_period(text, terms.period, zone, terms.fiscal_year_start_month)
    missed = len(missed_initial_responses(contract, period, now)) if terms.mechanism == "missed_responses" else None
    estimates = []
    for component in contract.components:
        intervals = recorded_downtime(contract, component, period, now) if policy.terms.availability else []
        estimates.append(contract_estimate(contract, policy, text, component, intervals, missed=missed))
    return estimates


def contract_estimate(
    contract: Contract,
    policy: Policy,
    period_label: str,
    component: str,
    intervals: Sequence[Downtime],
    *,
    missed: int | None = None,
    failed_months: Sequence[str] = (),
) -> CreditEstimate:
    """`estimate_credit` with the contract's own fee, currency, tier and region."""
    return estimate_credit(
        policy,
        period_label,
        fee=contract.fee,
        intervals=intervals,
        tier=contract.tier,
        region=contract.region,
        component=component,
        missed_responses=missed,
        currency=contract.currency,
        failed_months=failed_months,
    )


@dataclass(frozen=True, slots=True)
class MonthToDate:
    """The month of an incident's resolution so far: the credit estimate and the downtime it rests on."""

    estimate: CreditEstimate
    intervals: int


def month_to_date(item: IncidentItem, contract: Contract, now: datetime) -> MonthToDate | None:
    """Availability, credit and claim window of the month the incident was resolved in, from recorded downtime
    (still-open intervals count until `now`); None when the policy states no credit terms."""
    policy = load_policy(contract.policy)
    period = month_of(to_micros(require_aware(item.resolved_at or now)), contract_zone(contract))
    intervals = recorded_downtime(contract, item.component, period, now)
    try:
        estimate = contract_estimate(contract, policy, period.label, item.component, intervals)
    except SlaError:
        return None
    return MonthToDate(estimate, len(intervals))
