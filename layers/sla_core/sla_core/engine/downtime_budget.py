"""How much more downtime a period can take before its availability target is missed and before each credit band.

From a period's `Measurement` (availability.measure: minimum-outage rules, exclusions, maintenance windows and
allowance already applied), exact in microseconds. Availability is (measured − counted) / measured, where
measured is the period's real length (its zone's month: November in New York is 43,260 minutes) or, for
`month_less_excluded`, that length less the excluded time so far. So the target allows
measured × (100 − target) / 100 of counted downtime, and a band 'below L' (or 'at or below L') starts once
counted downtime passes (or reaches) measured × (100 − L) / 100. The budget is in real, calendar minutes
(no shipped policy measures availability in business hours; a business-hours contract's weekend outage uses it
like any other), and counts only what the policy counts: a shorter outage than its minimum uses none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from sla_core.engine.availability import Measurement
from sla_core.engine.credit_mechanisms import band_for
from sla_core.engine.terms import TIME_MECHANISMS, AvailabilityTerms, CreditTerms

# How downtime turns into credit: by bands; every counted minute of the period once the target is missed; only
# the minutes beyond the target; every counted minute from the first; or not at all (no credit terms, or a
# credit that is not about downtime).
CreditShape = Literal["bands", "after_target", "beyond_target", "every_minute", "none"]


@dataclass(frozen=True, slots=True)
class BandStart:
    """A credit band and the counted downtime (µs, exact) at which it applies: past `starts_at`, or from it when
    the band is 'at or below'."""

    percent: Decimal  # the credit it gives, held to the policy's cap
    limit: Decimal
    inclusive: bool
    starts_at: Fraction
    reached: bool

    def left(self, counted: int) -> Fraction:
        """Counted downtime still to come before this band applies (0 once reached)."""
        return Fraction(0) if self.reached else max(Fraction(0), self.starts_at - counted)


@dataclass(frozen=True, slots=True)
class DowntimeBudget:
    """What the period can still take: `left` before the target (negative once missed), and the bands' starts."""

    target_percent: Decimal
    measured: int  # µs availability is measured over (the period, or the period less excluded time)
    counted: int  # µs of counted downtime so far
    allowed: Fraction  # µs of counted downtime the target allows over the whole period
    credit: CreditShape
    bands: tuple[BandStart, ...]  # ascending by start, each giving more credit than the one before
    notes: tuple[str, ...]

    @property
    def left(self) -> Fraction:
        """Counted downtime (µs) the period can still take and meet the target; negative: missed by that much."""
        return self.allowed - self.counted

    @property
    def met(self) -> bool:
        return self.left >= 0

    @property
    def reached(self) -> BandStart | None:
        """The band the downtime so far has reached (the credit tier), or None."""
        return next((b for b in reversed(self.bands) if b.reached), None)

    @property
    def next_band(self) -> BandStart | None:
        """The first band not reached yet beyond the one missing the target starts (that one goes with the target),
        or None when there is none (or the highest is reached)."""
        target_band = self.target_band
        return next((b for b in self.bands if not b.reached and b is not target_band), None)

    @property
    def target_band(self) -> BandStart | None:
        """The band that missing the target itself starts (Resonate's 'below 99.5%' row), if one does."""
        first = self.bands[0] if self.bands else None
        return first if first is not None and first.starts_at == self.allowed and not first.inclusive else None


def measured_micros(m: Measurement) -> int:
    """The µs availability is measured over: the period, less excluded time for `month_less_excluded`."""
    return m.total - (m.excluded if m.measured_over == "month_less_excluded" else 0)


def counted_allowed(measured: int, percent: Decimal) -> Fraction:
    """Counted downtime (µs, exact) at which availability over `measured` µs falls to `percent`."""
    return Fraction(measured) * (100 - Fraction(percent)) / 100


def capped(percent: Decimal, credit: CreditTerms) -> Decimal:
    """A band's percent held to the policy's cap (a cap of paid service is an amount: `credit_mechanisms`)."""
    return min(percent, credit.cap.percent) if credit.cap is not None and credit.cap.percent is not None else percent


def tier_reached(credit: CreditTerms | None, m: Measurement) -> Decimal | None:
    """The credit percent the period's band gives (capped), as the tiered mechanism decides it; None below all
    bands, while the target is met, or for a credit without bands."""
    if credit is None or credit.mechanism != "tiered_percent" or m.met:
        return None
    band = band_for(credit.bands, m.availability)
    return capped(band.percent, credit) if band is not None else None


def _band_starts(credit: CreditTerms, m: Measurement, measured: int, allowed: Fraction) -> tuple[BandStart, ...]:
    """Each band's start in counted downtime, reached or not as `band_for` decides; a band only applies once the
    target is missed, so none starts before it; bands that would add no credit (the cap) are left out."""
    starts: list[BandStart] = []
    for band in sorted(credit.bands, key=lambda b: (-b.limit, b.inclusive)):
        start = counted_allowed(measured, band.limit)
        inclusive = band.inclusive and start > allowed
        percent = capped(band.percent, credit)
        if starts and percent <= starts[-1].percent:
            continue
        hit = not m.met and band_for((band,), m.availability) is not None
        starts.append(BandStart(percent, band.limit, inclusive, max(start, allowed), hit))
    return tuple(starts)


def _shape(credit: CreditTerms | None) -> CreditShape:
    if credit is None:
        return "none"
    if credit.mechanism == "tiered_percent":
        return "bands"
    if credit.mechanism not in TIME_MECHANISMS:
        return "none"
    if credit.credited == "beyond_target":
        return "beyond_target"
    return "every_minute" if credit.when == "always" else "after_target"


def _notes(terms: AvailabilityTerms, m: Measurement) -> tuple[str, ...]:
    """What the budget rests on beyond the target: the minimum outage, a denominator that shrinks."""
    notes: list[str] = []
    recording = terms.recording
    if recording is not None and recording.minimum_outage is not None:
        what = "intervals" if recording.minimum_applies_to == "interval" else "outages"
        notes.append(f"{what} shorter than {recording.minimum_outage} are not recorded and use none of it")
    if m.measured_over == "month_less_excluded":
        notes.append("excluded time leaves the month too, so more of it shrinks the budget a little")
    return tuple(notes)


def downtime_budget(terms: AvailabilityTerms, credit: CreditTerms | None, m: Measurement) -> DowntimeBudget:
    """The downtime budget of the measured period: what is left before the target and where each band starts."""
    measured = measured_micros(m)
    allowed = counted_allowed(measured, m.target_percent)
    shape = _shape(credit)
    bands = _band_starts(credit, m, measured, allowed) if credit is not None and shape == "bands" else ()
    return DowntimeBudget(m.target_percent, measured, m.counted, allowed, shape, bands, _notes(terms, m))
