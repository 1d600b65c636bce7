"""Service credits: a period's credit under a policy, with the availability, claim window and termination right
it rests on, in Decimal money (the mechanisms themselves: `credit_mechanisms`).

Inputs the policy cannot use are rejected with an `UnusableInput` naming the input in domain words (front ends
such as the CLI reword it with their own names for the inputs). Amounts are rounded half-up to the cent once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.claims import Claim, TerminationRight, claim_for, termination_right, with_refund
from sla_core.engine.classification import UnknownNotice
from sla_core.engine.clauses import Reading
from sla_core.engine.credit_mechanisms import CreditContext, mechanism_outcome
from sla_core.engine.errors import InputError, PolicyError, UnusableInput
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, for_component
from sla_core.engine.periods import Period, parse_month, parse_period
from sla_core.engine.policy import Policy
from sla_core.engine.refunds import Prepaid
from sla_core.engine.rounding import minutes_text, round_half_up
from sla_core.engine.terms import CreditTerms


@dataclass(frozen=True, slots=True)
class CreditEstimate:
    """A period's credit for one contract, tier, region and component, with everything it rests on."""

    policy: Policy
    period: Period
    zone: ZoneInfo
    tier: str | None
    region: str | None
    component: str
    terms: CreditTerms
    fee: Decimal | None
    currency: str
    availability: Measurement | None
    credited: Measurement | None
    credited_micros: int | None
    missed_responses: int | None
    missed_on_reading: int | None
    target_met: bool | None
    percent: Decimal | None
    amount: Decimal
    basis: str
    readings: tuple[dict[str, str], ...]
    notes: tuple[str, ...]
    claim: Claim
    termination: TerminationRight | None
    activation: date | None = None  # the contract facts it was computed from, to compute it again
    prepaid: Prepaid | None = None
    terminate_on: date | None = None
    holidays: HolidaySpec | None = None  # a contract's holiday override: the business days of its claim window

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m sla_core credit`."""
        m = self.availability
        result: dict[str, Any] = {
            "policy": self.policy.id,
            "vendor": self.policy.vendor,
            "period": self.period.label,
            "period_start": self.period.start_at.isoformat(),
            "period_end": self.period.end_at.isoformat(),
            "measured_from": m.period.start_at.isoformat() if m else None,
            "timezone": self.zone.key,
            "tier": self.tier,
            "region": self.region,
            "component": self.component,
            "mechanism": self.terms.mechanism,
            "fee": f"{self.fee:f}" if self.fee is not None else None,
            "fee_basis": self.terms.fee,
            "availability_percent": m.percent_text() if m else None,
            "target_percent": f"{m.target_percent:f}" if m else None,
            "target_met": self.target_met,
            "total_minutes": minutes_text(m.total) if m else None,
            "downtime_minutes": minutes_text(m.counted) if m else None,
            "excluded_minutes": minutes_text(m.excluded) if m else None,
            "credited_minutes": minutes_text(self.credited_micros) if self.credited_micros is not None else None,
            "minutes_by_reason": {reason: minutes_text(v) for reason, v in m.reasons} if m else {},
            "missed_responses": self.missed_responses,
            "missed_on_reading": self.missed_on_reading,
            "credit_percent": f"{self.percent:f}" if self.percent is not None else None,
            "credit_amount": f"{self.amount:.2f}",
            "currency": self.currency,
            "basis": self.basis,
            "readings": list(self.readings),
            "notes": list(self.notes),
            **self.claim.as_dict(self.zone),
        }
        if self.termination is not None:
            result["termination_right"] = self.termination.as_dict(self.zone)
        return result


def parse_fee(text: str) -> Decimal:
    """A non-negative decimal amount such as '1000' or '1234.50'."""
    if not isinstance(text, str) or not re.fullmatch(r"\s*\d+(\.\d+)?\s*", text):
        raise InputError(f"fee {text!r} is not an amount; give a non-negative number such as 1000 or 1234.50")
    return Decimal(text.strip())


def _eligible(terms: CreditTerms, tier: str | None, component: str) -> str | None:
    """Why this tier or component earns no credit, or None when it does."""
    scope = terms.scope
    if scope is None:
        return None
    if scope.tiers and tier not in scope.tiers:
        return f"Tier {tier} earns no credit (credits apply to: {', '.join(scope.tiers)})"
    if scope.components and component not in scope.components:
        return f"Component {component} earns no credit (credits apply to: {', '.join(scope.components)})"
    return None


def _unique(readings: Sequence[dict[str, str]]) -> tuple[dict[str, str], ...]:
    """The readings without repeats, in first-seen order."""
    seen: list[dict[str, str]] = []
    for r in readings:
        if r not in seen:
            seen.append(r)
    return tuple(seen)


def _check_inputs(
    policy: Policy,
    terms: CreditTerms,
    fee: Decimal | None,
    intervals: Sequence[Downtime],
    missed: int | None,
    post_mortem: datetime | None,
    failed_months: Sequence[str],
    currency: str | None,
    missed_on_reading: int | None = None,
) -> None:
    """Reject input the policy cannot use, saying what it accepts."""
    mechanism, pid = terms.mechanism, policy.id
    if missed_on_reading is not None and missed is None:
        raise UnusableInput(
            "misses that depend on a reading go with a count of missed responses",
            name="missed_on_reading",
            problem="unused",
            policy=pid,
        )
    if missed_on_reading is not None and missed is not None and not 0 <= missed_on_reading <= max(missed, 0):
        raise UnusableInput(
            f"the misses that depend on a reading must number from 0 to the {missed} missed responses, "
            f"not {missed_on_reading}",
            name="missed_on_reading",
            problem="invalid",
            policy=pid,
            detail=str(missed_on_reading),
        )
    if missed is not None and mechanism != "missed_responses":
        raise UnusableInput(
            f"a count of missed responses applies only to a missed_responses credit (e.g. sonarsource); "
            f"policy {pid} uses {mechanism}",
            name="missed_responses",
            problem="unused",
            policy=pid,
            detail=mechanism,
        )
    if mechanism == "missed_responses" and missed is None:
        raise UnusableInput(
            f"policy {pid} needs the number of tickets that missed their initial response",
            name="missed_responses",
            problem="missing",
            policy=pid,
        )
    if missed is not None and missed < 0:
        raise UnusableInput(
            f"the number of missed responses must be a whole number of at least 0, not {missed}",
            name="missed_responses",
            problem="invalid",
            policy=pid,
            detail=str(missed),
        )
    if intervals and policy.terms.availability is None:
        raise UnusableInput(
            f"policy {pid} has no availability commitment, so downtime and maintenance do not apply",
            name="intervals",
            problem="unused",
            policy=pid,
        )
    if mechanism != "none" and fee is None:
        raise UnusableInput(
            f"policy {pid} needs the fee: {terms.fee}", name="fee", problem="missing", policy=pid, detail=terms.fee
        )
    if fee is not None and (not fee.is_finite() or fee < 0):
        raise InputError(f"fee {fee} must be a non-negative amount such as 1000 or 1234.50")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InputError(f"currency {currency!r} is not an ISO 4217 code such as USD or EUR")
    claims = policy.terms.claims
    if post_mortem is not None and not (claims and claims.post_mortem):
        raise UnusableInput(
            f"a post-mortem time applies only to policies whose claim window runs from a post-mortem; not {pid}",
            name="post_mortem",
            problem="unused",
            policy=pid,
        )
    if failed_months and policy.terms.termination is None:
        raise UnusableInput(
            f"failed months apply only to policies with a termination right; not {pid}",
            name="failed_months",
            problem="unused",
            policy=pid,
        )


def _failed_month(policy: Policy, text: str, zone: ZoneInfo) -> Period:
    """An earlier failed month ('YYYY-MM') for the termination right."""
    try:
        return parse_month(text, zone, "failed month")
    except InputError as exc:
        raise UnusableInput(str(exc), name="failed_months", problem="invalid", policy=policy.id, detail=text) from None


def _termination(
    policy: Policy, m: Measurement | None, period: Period, failed: Sequence[Period], zone: ZoneInfo
) -> TerminationRight | None:
    """The termination right as of the period's end, counting this period when it failed."""
    if policy.terms.termination is None:
        return None
    months = {(p.start_at.year, p.start_at.month) for p in failed}
    if m is not None and not m.met and period.unit == "month":
        months.add((period.start_at.year, period.start_at.month))
    return termination_right(policy.terms.termination, months, period.end_at, zone)


def _unused(policy: Policy, name: str, message: str) -> UnusableInput:
    return UnusableInput(f"{message}; not {policy.id}", name=name, problem="unused", policy=policy.id)


def _check_contract_facts(
    policy: Policy, activation: date | None, prepaid: Prepaid | None, terminate_on: date | None
) -> None:
    """Reject contract facts the policy has no use for: an activation date, prepaid fees, a termination date."""
    availability, termination = policy.terms.availability, policy.terms.termination
    if activation is not None and (availability is None or availability.counts_from is None):
        raise _unused(policy, "activation", "an activation date applies only to policies that measure from it")
    if prepaid is not None and (termination is None or termination.refund is None):
        raise _unused(policy, "prepaid", "prepaid fees apply only to policies that refund them on termination")
    if terminate_on is not None and prepaid is None:
        raise _unused(policy, "terminate_on", "a termination date goes with prepaid fees, for their refund")


def measured_span(period: Period, activation: date | None) -> Period:
    """The part of `period` availability is measured over: from 00:00 on the activation date, when that is
    later than the period's start (a period that ends before it is empty)."""
    if activation is None:
        return period
    start = to_micros(datetime.combine(activation, datetime.min.time(), period.zone))
    if start <= period.start:
        return period
    return replace(period, label=f"{period.label} from {activation.isoformat()}", start=min(start, period.end))


def _activation_note(period: Period, measured: Period) -> list[str]:
    """Says that (and over how much of the period) availability counts from activation only."""
    if measured.start == period.start:
        return []
    if measured.micros == 0:
        return [f"Activation is after {period.label}, so nothing is measured in it."]
    return [
        f"Availability counts from Activation ({measured.start_at.isoformat()}): {minutes_text(measured.micros)} "
        f"of the {minutes_text(period.micros)} minutes of {period.label}."
    ]


def estimate_credit(
    policy: Policy,
    period: str,
    *,
    fee: Decimal | None,
    intervals: Sequence[Downtime] = (),
    tier: str | None = None,
    region: str | None = None,
    component: str | None = None,
    missed_responses: int | None = None,
    post_mortem: datetime | None = None,
    currency: str | None = None,
    failed_months: Sequence[str] = (),
    unknown_notice: UnknownNotice = "in_time",
    missed_on_reading: int | None = None,
    activation: date | None = None,
    prepaid: Prepaid | None = None,
    terminate_on: date | None = None,
    window_zone: str | None = None,
    holidays: HolidaySpec | None = None,
) -> CreditEstimate:
    """The credit for `period` under `policy`, with availability, claim window and readings; bad input raises
    an SlaError naming what is accepted. Maintenance without an announcement time is taken as announced in
    time (`unknown_notice` 'late': too late, which is how the other figures of that assumption are found).
    `missed_on_reading` says how many of the missed responses are misses only under a chosen reading of the
    response deadlines; the result then names that reading. `activation` is the contract's activation date, for
    a policy that measures availability from it; `prepaid` the fees paid ahead, whose refund a termination
    right brings (termination taken to take effect on `terminate_on`, else on the right's last day).
    `window_zone` reads maintenance windows written for several zones in that one (else: per period, the zone
    that counts the most downtime). `holidays`, a contract's holiday override, closes the business days of a
    claim window in business days instead of the policy's [holidays]."""
    terms = policy.terms.credit
    if terms is None:
        raise PolicyError(f"policy {policy.id} states no service credit terms")
    without = policy.no_sla(tier)
    tier, region = policy.tier(tier), policy.region(region)
    component = policy.component(component)
    zone = policy.zone_for(region)
    measured = parse_period(period, terms.period, zone, terms.fiscal_year_start_month)
    _check_inputs(
        policy, terms, fee, intervals, missed_responses, post_mortem, failed_months, currency, missed_on_reading
    )
    _check_contract_facts(policy, activation, prepaid, terminate_on)
    failed = [_failed_month(policy, text, zone) for text in failed_months]
    availability_terms = policy.terms.availability
    own = for_component(intervals, component)
    span = measured_span(measured, activation)
    year = policy.allowance_year(measured.start, zone)
    m = (
        measure(
            availability_terms, own, span, zone, unknown_notice=unknown_notice, window_zone=window_zone,
            allowance_from=year,
        )
        if availability_terms
        else None
    )  # fmt: skip
    c = CreditContext(
        policy,
        terms,
        measured,
        zone,
        fee or Decimal(0),
        currency or terms.currency,
        own,
        m,
        _eligible(terms, tier, component) if without is None else without.no_sla_answer(),
    )
    out = mechanism_outcome(c, missed_responses)
    amount = round_half_up(out.amount)
    source = out.credited or m
    outages = source.outages() if source and amount > 0 else ()
    business_day = policy.business_day(region, holidays)
    claim = claim_for(policy.terms.claims, measured, zone, outages, post_mortem, business_day)
    termination = _termination(policy, m, measured, failed, zone)
    if termination is not None and policy.terms.termination is not None:
        termination = with_refund(termination, policy.terms.termination, prepaid, terminate_on, c.currency, zone)
    readings = (list(m.readings) if m else []) + (terms.scope.clause.readings() if terms.scope else [])
    readings += (
        out.readings + list(claim.readings) + (list(termination.readings) if termination and termination.exists else [])
    )
    if missed_on_reading is not None and missed_responses is not None:
        readings.append(
            Reading(
                f"{missed_on_reading} of the {missed_responses} missed initial responses are misses only under the "
                "chosen (customer-favourable) readings of the response deadlines, and count.",
                f"Under the other readings those {missed_on_reading} were answered in time: "
                f"{missed_responses - missed_on_reading} missed.",
                assumption="missed_on_reading",
            )
        )
    notes = _activation_note(measured, span) if m else []
    notes += [policy.timezone_basis] if policy.timezone_basis and m else []
    notes += (list(m.notes) if m else []) + out.notes + ([claim.basis] if claim.deadline is None else [])
    return CreditEstimate(
        policy=policy,
        period=measured,
        zone=zone,
        tier=tier,
        region=region,
        component=component,
        terms=terms,
        fee=fee,
        currency=c.currency,
        availability=m,
        credited=out.credited,
        credited_micros=out.credited_micros,
        missed_responses=missed_responses,
        missed_on_reading=missed_on_reading,
        target_met=out.target_met,
        percent=out.percent,
        amount=amount,
        basis=out.basis,
        readings=_unique(readings),
        notes=tuple(notes),
        claim=claim,
        termination=termination,
        activation=activation,
        prepaid=prepaid,
        terminate_on=terminate_on,
        holidays=holidays,
    )
