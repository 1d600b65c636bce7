"""Service credits: each policy's credit mechanism applied to a period, in Decimal money.

Mechanisms (policy data, `[credit] mechanism`):
- per_minute, proportional: credited time / divisor × fee (the divisor is the shortest of the period's real
  length and any fixed spans the policy lists); per_minute is Sonar's "prior month's invoice / minutes in
  the month" rate, proportional Sonoran's "credited time / service period × cost per period".
- tiered_percent: the highest band whose availability condition holds, as a percent of the fee, capped.
- missed_responses: a percent of the fee when more than N tickets missed their initial response.
- none: the target is reported met or missed, no money.
Amounts are exact fractions until the end, then rounded half-up to the cent once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.availability import (
    Downtime,
    Measurement,
    credited_view,
    for_component,
    measure,
    minutes_text,
    round_half_up,
)
from sla_core.engine.claims import Claim, TerminationRight, claim_for, termination_right
from sla_core.engine.errors import InputError, PolicyError
from sla_core.engine.periods import Period, parse_month, parse_period
from sla_core.engine.policy import Policy
from sla_core.engine.terms import TIME_MECHANISMS, Band, CreditTerms, Divisor

ZERO = Fraction(0)


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
    target_met: bool | None
    percent: Decimal | None
    amount: Decimal
    basis: str
    readings: tuple[dict[str, str], ...]
    notes: tuple[str, ...]
    claim: Claim
    termination: TerminationRight | None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m sla_core credit`."""
        m = self.availability
        result: dict[str, Any] = {
            "policy": self.policy.id,
            "vendor": self.policy.vendor,
            "period": self.period.label,
            "period_start": self.period.start_at.isoformat(),
            "period_end": self.period.end_at.isoformat(),
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


# -- pure pieces ------------------------------------------------------------------------------------


def divisor_micros(divisor: Divisor, period: Period) -> int:
    """The shortest of the period's real length and the divisor's fixed spans."""
    lengths = [period.micros] if divisor.month else []
    return min(lengths + [span.micros for span in divisor.spans])


def time_credit(credited: int, divisor: int, fee: Decimal) -> Fraction:
    """credited time / divisor × fee, exact."""
    return Fraction(credited, divisor) * Fraction(fee)


def beyond_target(m: Measurement) -> int:
    """Counted µs beyond what the target allows (the 'shortfall' reading), rounded up to whole µs."""
    measured = m.total - (m.excluded if m.measured_over == "month_less_excluded" else 0)
    allowed = Fraction(measured) * (100 - Fraction(m.target_percent)) / 100
    shortfall = m.counted - allowed
    return max(0, -((-shortfall.numerator) // shortfall.denominator))


def band_for(bands: Sequence[Band], availability: Fraction) -> Band | None:
    """The applicable band with the highest percent (the customer-favourable row where rows overlap)."""
    applicable = [
        b for b in bands if availability < Fraction(b.limit) or (b.inclusive and availability == Fraction(b.limit))
    ]
    return max(applicable, key=lambda b: b.percent, default=None)


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


def _divisor_text(divisor: Divisor, period: Period, chosen: int) -> str:
    options = ([f"{period.label} ({minutes_text(period.micros)} min)"] if divisor.month else []) + [
        f"{span} ({minutes_text(span.micros)} min)" for span in divisor.spans
    ]
    if len(options) == 1:
        return f"{minutes_text(chosen)} minutes in {period.label}" if divisor.month else options[0]
    return f"{minutes_text(chosen)} minutes (the shorter of {' and '.join(options)})"


def _unique(readings: Sequence[dict[str, str]]) -> tuple[dict[str, str], ...]:
    seen: list[dict[str, str]] = []
    for r in readings:
        if r not in seen:
            seen.append(r)
    return tuple(seen)


# -- one function per mechanism ------------------------------------------------------------------


@dataclass(slots=True)
class _Outcome:
    """What a mechanism decided: the exact amount and the sentence, readings and notes behind it."""

    basis: str
    amount: Fraction = ZERO
    percent: Decimal | None = None
    credited: Measurement | None = None
    credited_micros: int | None = None
    target_met: bool | None = None
    readings: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Context:
    """The resolved inputs every mechanism sees."""

    policy: Policy
    terms: CreditTerms
    period: Period
    zone: ZoneInfo
    fee: Decimal
    currency: str
    intervals: list[Downtime]
    m: Measurement | None
    why_not: str | None

    @property
    def fee_text(self) -> str:
        return f"{self.fee:f} {self.currency} ({self.terms.fee})"

    def met_sentence(self, m: Measurement) -> str:
        return (
            f"Availability {m.percent_text()}% meets the {m.target_percent}% target ({minutes_text(m.counted)} "
            f"counted downtime minutes of {minutes_text(m.total)} in {self.period.label}), so no credit is due."
        )


def _time_based(c: _Context, m: Measurement) -> _Outcome:
    terms = c.terms
    availability_terms = c.policy.terms.availability
    assert terms.divisor is not None and availability_terms is not None
    view, promoted = credited_view(m.recorded, terms.credited_causes)
    credited = measure(availability_terms, view, c.period, c.zone, recorded=True) if promoted else m
    out = _Outcome("", credited=credited, credited_micros=0, target_met=m.met)
    for cause in terms.credited_causes:
        if cause.cause in promoted:
            out.readings += cause.clause.readings()
            longer = f" (longer than {cause.longer_than})" if cause.longer_than else ""
            out.notes.append(
                f"{promoted[cause.cause]} '{cause.cause}' interval(s) excluded from availability "
                f"still earn credit{longer}"
            )
    if c.why_not:
        out.basis = f"{c.why_not}, so 0.00 {c.currency}."
        return out
    if terms.when == "target_missed" and m.met:
        out.basis = c.met_sentence(m)
        return out
    out.credited_micros = beyond_target(credited) if terms.credited == "beyond_target" else credited.counted
    divisor = divisor_micros(terms.divisor, c.period)
    out.amount = time_credit(out.credited_micros, divisor, c.fee)
    verdict = "meets" if m.met else "is below"
    out.basis = (
        f"Availability {m.percent_text()}% {verdict} the {m.target_percent}% target; "
        f"{minutes_text(out.credited_micros)} credited minutes / {_divisor_text(terms.divisor, c.period, divisor)} "
        f"× {c.fee_text} = {round_half_up(out.amount):f} {c.currency}."
    )
    if out.amount:
        out.readings += terms.clause.readings() + terms.divisor.clause.readings()
    return out


def _tiered(c: _Context, m: Measurement) -> _Outcome:
    terms = c.terms
    out = _Outcome("", percent=Decimal(0), target_met=m.met)
    band = None if m.met else band_for(terms.bands, m.availability)
    if c.why_not:
        out.basis = f"{c.why_not}, so 0.00 {c.currency}."
        return out
    if band is None:
        out.basis = c.met_sentence(m) if m.met else f"No band applies to availability {m.percent_text()}%."
        return out
    percent, cap = band.percent, ""
    if terms.cap is not None:
        cap = f", capped at {terms.cap.percent}%" if terms.cap.percent < percent else f" (cap {terms.cap.percent}%)"
        percent = min(percent, terms.cap.percent)
    out.percent = percent
    out.amount = Fraction(c.fee) * Fraction(percent) / 100
    out.readings += terms.clause.readings() + band.clause.readings()
    out.basis = (
        f"Availability {m.percent_text()}% ({minutes_text(m.counted)} counted downtime minutes of "
        f"{minutes_text(m.total)} in {c.period.label}) is below the {m.target_percent}% target: band "
        f"'{band.describe()}' gives {percent}%{cap} of {c.fee_text} = {round_half_up(out.amount):f} {c.currency}."
    )
    return out


def _missed(c: _Context, missed: int) -> _Outcome:
    rule = c.terms.missed_responses
    assert rule is not None
    out = _Outcome("", percent=Decimal(0), target_met=missed <= rule.more_than)
    out.readings += c.terms.clause.readings() + rule.clause.readings()
    tickets = f"{missed} ticket{'' if missed == 1 else 's'} missed the initial response in {c.period.label}"
    if c.why_not:
        out.basis = f"{c.why_not}, so 0.00 {c.currency}."
    elif out.target_met:
        out.basis = f"{tickets}, not more than {rule.more_than}, so no credit is due."
    else:
        out.percent = rule.percent
        out.amount = Fraction(c.fee) * Fraction(rule.percent) / 100
        out.basis = (
            f"{tickets}, more than {rule.more_than}, so {rule.percent}% of {c.fee_text} = "
            f"{round_half_up(out.amount):f} {c.currency}."
        )
    return out


def _no_credit(c: _Context) -> _Outcome:
    m = c.m
    out = _Outcome("", target_met=m.met if m else None, readings=list(c.terms.clause.readings()))
    if m is None:
        out.basis = f"{c.policy.vendor} states no service credit; credit 0.00 {c.currency}."
    else:
        verdict = "meets" if m.met else "misses"
        out.basis = (
            f"{c.policy.vendor} states no service credit: availability {m.percent_text()}% {verdict} the "
            f"{m.target_percent}% target ({minutes_text(m.counted)} counted downtime minutes of "
            f"{minutes_text(m.total)}); credit 0.00 {c.currency}."
        )
    return out


def _apply_cap(c: _Context, out: _Outcome) -> None:
    """Hold any mechanism's amount to the policy's cap (tiered bands already cap their percent)."""
    cap = c.terms.cap
    if cap is None:
        return
    limit = Fraction(c.fee) * Fraction(cap.percent) / 100
    if out.amount > limit:
        out.amount = limit
        out.basis += f" Capped at {cap.percent}% of the fee: {round_half_up(limit):f} {c.currency}."


# -- the estimate -----------------------------------------------------------------------------------


def _check_inputs(
    policy: Policy,
    terms: CreditTerms,
    fee: Decimal | None,
    intervals: Sequence[Downtime],
    missed: int | None,
    post_mortem: datetime | None,
    failed_months: Sequence[str],
    currency: str | None,
) -> None:
    """Reject input the policy cannot use, saying what it accepts."""
    mechanism = terms.mechanism
    if missed is not None and mechanism != "missed_responses":
        raise InputError(
            f"--missed-responses applies only to a missed_responses credit (e.g. sonarsource); "
            f"policy {policy.id} uses {mechanism}"
        )
    if mechanism == "missed_responses" and missed is None:
        raise InputError(f"policy {policy.id} needs --missed-responses N (tickets that missed their initial response)")
    if missed is not None and missed < 0:
        raise InputError(f"--missed-responses must be a whole number of at least 0, not {missed}")
    if intervals and policy.terms.availability is None:
        raise InputError(
            f"policy {policy.id} has no availability commitment; omit --downtime, --maintenance and "
            "--emergency-maintenance"
        )
    if mechanism != "none" and fee is None:
        raise InputError(f"policy {policy.id} needs --fee: {terms.fee}")
    if fee is not None and (not fee.is_finite() or fee < 0):
        raise InputError(f"fee {fee} must be a non-negative amount such as 1000 or 1234.50")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InputError(f"currency {currency!r} is not an ISO 4217 code such as USD or EUR")
    claims = policy.terms.claims
    if post_mortem is not None and not (claims and claims.post_mortem):
        raise InputError(
            f"--post-mortem applies only to policies whose claim window runs from a post-mortem; not {policy.id}"
        )
    if failed_months and policy.terms.termination is None:
        raise InputError(f"--failed-month applies only to policies with a termination right; not {policy.id}")


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
) -> CreditEstimate:
    """The credit for `period` under `policy`, with availability, claim window and readings; bad input raises
    an SlaError naming what is accepted."""
    terms = policy.terms.credit
    if terms is None:
        raise PolicyError(f"policy {policy.id} states no service credit terms")
    tier, region = policy.tier(tier), policy.region(region)
    component = policy.component(component)
    zone = policy.zone_for(region)
    measured = parse_period(period, terms.period, zone, terms.fiscal_year_start_month)
    _check_inputs(policy, terms, fee, intervals, missed_responses, post_mortem, failed_months, currency)
    failed = [parse_month(text, zone, "--failed-month") for text in failed_months]
    availability_terms = policy.terms.availability
    own = for_component(intervals, component)
    m = measure(availability_terms, own, measured, zone) if availability_terms else None
    c = _Context(
        policy,
        terms,
        measured,
        zone,
        fee or Decimal(0),
        currency or terms.currency,
        own,
        m,
        _eligible(terms, tier, component),
    )
    if terms.mechanism in TIME_MECHANISMS and m is not None:
        out = _time_based(c, m)
    elif terms.mechanism == "tiered_percent" and m is not None:
        out = _tiered(c, m)
    elif terms.mechanism == "missed_responses" and missed_responses is not None:
        out = _missed(c, missed_responses)
    else:
        out = _no_credit(c)
    _apply_cap(c, out)
    amount = round_half_up(out.amount)
    source = out.credited or m
    claim = claim_for(
        policy.terms.claims, measured, zone, source.incidents() if source and amount > 0 else (), post_mortem
    )
    termination = _termination(policy, m, measured, failed, zone)
    readings = (list(m.readings) if m else []) + (terms.scope.clause.readings() if terms.scope else [])
    readings += (
        out.readings + list(claim.readings) + (list(termination.readings) if termination and termination.exists else [])
    )
    notes = (list(m.notes) if m else []) + out.notes + ([claim.basis] if claim.deadline is None else [])
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
        target_met=out.target_met,
        percent=out.percent,
        amount=amount,
        basis=out.basis,
        readings=_unique(readings),
        notes=tuple(notes),
        claim=claim,
        termination=termination,
    )
