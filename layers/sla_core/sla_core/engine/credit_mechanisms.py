"""The credit mechanisms (policy data, `[credit] mechanism`), each deciding a period's exact amount and why.

- per_minute, proportional: credited time / divisor × fee (the divisor is the shortest of the period's real
  length and any fixed spans the policy lists); per_minute is Sonar's "prior month's invoice / minutes in
  the month" rate, proportional Sonoran's "credited time / service period × cost per period".
- tiered_percent: the highest band whose availability condition holds, as a percent of the fee, capped.
- missed_responses: a percent of the fee when more than N tickets missed their initial response.
- none: the target is reported met or missed, no money.
Amounts stay exact fractions here; `credits` rounds them half-up to the cent once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.intervals import Downtime, merge_spans
from sla_core.engine.periods import Period
from sla_core.engine.policy import Policy
from sla_core.engine.rounding import minutes_text, round_half_up
from sla_core.engine.terms import TIME_MECHANISMS, Band, CreditedCause, CreditTerms, Divisor

ZERO = Fraction(0)


# -- pure pieces ------------------------------------------------------------------------------------


def credited_view(
    intervals: Sequence[Downtime], credited: Sequence[CreditedCause]
) -> tuple[list[Downtime], dict[str, int]]:
    """Intervals as credits see them: a credited cause stops excluding them (when its outage is longer than the
    cause's threshold). Returns the intervals and, per cause, how many were promoted."""
    rules = {c.cause: (c.longer_than.micros if c.longer_than else None) for c in credited}
    promoted: dict[str, int] = {}
    out: list[Downtime] = [iv for iv in intervals if iv.cause not in rules]
    for cause, threshold in rules.items():
        own = sorted((iv for iv in intervals if iv.cause == cause), key=lambda iv: iv.start)
        long_enough = [
            s for s in merge_spans((iv.start, iv.end) for iv in own) if threshold is None or s[1] - s[0] > threshold
        ]
        k = 0
        for iv in own:
            while k < len(long_enough) and long_enough[k][1] < iv.start:
                k += 1
            if k < len(long_enough) and long_enough[k][0] <= iv.start:
                out.append(replace(iv, cause=None))
                promoted[cause] = promoted.get(cause, 0) + 1
            else:
                out.append(iv)
    return out, promoted


def divisor_micros(divisor: Divisor, period: Period) -> int:
    """The shortest of the period's real length and the divisor's fixed spans."""
    lengths = [period.micros] if divisor.month else []
    return min(lengths + [span.micros for span in divisor.spans])


def time_credit(credited: int, divisor: int, fee: Decimal, multiplier: Decimal = Decimal(1)) -> Fraction:
    """multiplier × credited time / divisor × fee, exact."""
    return Fraction(multiplier) * Fraction(credited, divisor) * Fraction(fee)


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


def _divisor_text(divisor: Divisor, period: Period, chosen: int) -> str:
    """How the divisor was chosen, in words: the period, a fixed span, or the shorter of them."""
    options = ([f"{period.label} ({minutes_text(period.micros)} min)"] if divisor.month else []) + [
        f"{span} ({minutes_text(span.micros)} min)" for span in divisor.spans
    ]
    if len(options) == 1:
        return f"{minutes_text(chosen)} minutes in {period.label}" if divisor.month else options[0]
    return f"{minutes_text(chosen)} minutes (the shorter of {' and '.join(options)})"


# -- one function per mechanism ------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
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
class CreditContext:
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
        """The fee as the basis quotes it: amount, currency and what the policy calls it."""
        return f"{self.fee:f} {self.currency} ({self.terms.fee})"

    def met_sentence(self, m: Measurement) -> str:
        """The basis when availability meets the target and no credit is due."""
        return (
            f"Availability {m.percent_text()}% meets the {m.target_percent}% target ({minutes_text(m.counted)} "
            f"counted downtime minutes of {minutes_text(m.total)} in {self.period.label}), so no credit is due."
        )


def _time_based(c: CreditContext, m: Measurement) -> Outcome:
    """per_minute and proportional: credited time over the divisor times the fee (credited causes count)."""
    terms = c.terms
    availability_terms = c.policy.terms.availability
    assert terms.divisor is not None and availability_terms is not None
    view, promoted = credited_view(m.recorded, terms.credited_causes)
    credited = (
        measure(
            availability_terms,
            view,
            m.period,
            c.zone,
            recorded=True,
            unknown_notice=m.unknown_notice,
            window_zone=m.window_zone,
            allowance_used=m.allowance_used,
        )
        if promoted
        else m
    )
    out = Outcome("", credited=credited, credited_micros=0, target_met=m.met)
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
    out.amount = time_credit(out.credited_micros, divisor, c.fee, terms.multiplier)
    verdict = "meets" if m.met else "is below"
    times = f"{terms.multiplier} × " if terms.multiplier != 1 else ""
    out.basis = (
        f"Availability {m.percent_text()}% {verdict} the {m.target_percent}% target; {times}"
        f"{minutes_text(out.credited_micros)} credited minutes / {_divisor_text(terms.divisor, c.period, divisor)} "
        f"× {c.fee_text} = {round_half_up(out.amount):f} {c.currency}."
    )
    if out.amount:
        out.readings += terms.clause.readings() + terms.divisor.clause.readings()
    return out


def _tiered(c: CreditContext, m: Measurement) -> Outcome:
    """tiered_percent: the highest applicable band as a percent of the fee, held to the cap."""
    terms = c.terms
    out = Outcome("", percent=Decimal(0), target_met=m.met)
    band = None if m.met else band_for(terms.bands, m.availability)
    if c.why_not:
        out.basis = f"{c.why_not}, so 0.00 {c.currency}."
        return out
    if band is None:
        out.basis = c.met_sentence(m) if m.met else f"No band applies to availability {m.percent_text()}%."
        return out
    percent, cap = band.percent, ""
    if terms.cap is not None and terms.cap.percent is not None:
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


def _missed_responses(c: CreditContext, missed: int) -> Outcome:
    """missed_responses: a percent of the fee when more than the allowed tickets missed their first response."""
    rule = c.terms.missed_responses
    assert rule is not None
    out = Outcome("", percent=Decimal(0), target_met=missed <= rule.more_than)
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


def _no_credit(c: CreditContext) -> Outcome:
    """No money: the policy states no credit (or the input its mechanism needs is absent); the target is reported."""
    m = c.m
    out = Outcome("", target_met=m.met if m else None, readings=list(c.terms.clause.readings()))
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


def _apply_cap(c: CreditContext, out: Outcome) -> None:
    """Hold any mechanism's amount to the policy's cap (tiered bands already cap their percent)."""
    cap = c.terms.cap
    if cap is None:
        return
    limit = cap.limit(c.fee, c.period.micros)
    if out.amount > limit:
        out.amount = limit
        share = (
            f" ({minutes_text(cap.service.micros)} of the {minutes_text(c.period.micros)} minutes of {c.period.label})"
            if cap.service is not None
            else ""
        )
        out.basis += f" Capped at {cap.describe()}{share}: {round_half_up(limit):f} {c.currency}."


def mechanism_outcome(c: CreditContext, missed: int | None) -> Outcome:
    """Apply the policy's mechanism (no money where its input is absent), then hold the amount to the cap."""
    terms, m = c.terms, c.m
    if terms.mechanism in TIME_MECHANISMS and m is not None:
        out = _time_based(c, m)
    elif terms.mechanism == "tiered_percent" and m is not None:
        out = _tiered(c, m)
    elif terms.mechanism == "missed_responses" and missed is not None:
        out = _missed_responses(c, missed)
    else:
        out = _no_credit(c)
    _apply_cap(c, out)
    return out
