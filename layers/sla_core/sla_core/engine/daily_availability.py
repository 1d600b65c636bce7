"""Availability per local day of a period, for a sparkline: one block ▁▂▃▄▅▆▇█ per day, the worst day, the tier.

Days are the local days of the contract's zone (a spring-forward day is 23 hours, a fall-back day 25). Each day's
counted and excluded time is what the period's own measurement counted in it: the period is measured up to each
local midnight (`availability.measure` on the recorded intervals, minimum-outage rule applied once to the
whole outages), and a day's share is the difference, so a monthly maintenance allowance is used in time order
across the days exactly as the month's figure uses it, and the days add up to the month.

The scale follows the target's shortfall s = 100 − target: █ is a day without counted downtime, ▇ a day that
on its own meets the target (≥ 100 − s), then each lower block doubles the downtime it stands for (≥ 100 − 2s,
4s, 8s, 16s, 32s), and ▁ is anything worse. For a 99.5% target on a 24-hour day: ▇ up to 7.2 min down, ▆ 14.4,
▅ 28.8, ▄ 57.6, ▃ 115.2, ▂ 230.4 min, ▁ more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.downtime_budget import tier_reached
from sla_core.engine.instants import from_micros, to_micros
from sla_core.engine.terms import AvailabilityTerms, CreditTerms, MeasuredOver

BLOCKS = "▁▂▃▄▅▆▇█"
HUNDRED = Fraction(100)


@dataclass(frozen=True, slots=True)
class Day:
    """One local day [start, end) µs (cut at `until` for the day in progress) and the downtime it holds."""

    day: date
    start: int
    end: int
    counted: int
    excluded: int
    measured_over: MeasuredOver

    @property
    def measured(self) -> int:
        """µs the day's availability is measured over (less its excluded time for `month_less_excluded`)."""
        return self.end - self.start - (self.excluded if self.measured_over == "month_less_excluded" else 0)

    @property
    def availability(self) -> Fraction:
        """Exact availability of the day in percent (100 for a day with nothing left to measure)."""
        if self.measured <= 0:
            return HUNDRED
        return Fraction(self.measured - self.counted, self.measured) * 100


@dataclass(frozen=True, slots=True)
class Level:
    """A sparkline block and the lowest availability (percent) it stands for; None: anything lower."""

    block: str
    floor: Fraction | None


@dataclass(frozen=True, slots=True)
class DailyAvailability:
    """The period's days (up to `until`), the scale, and the credit tier the period so far has reached."""

    days: tuple[Day, ...]
    zone: ZoneInfo  # whose local days they are
    levels: tuple[Level, ...]  # █ first
    target_percent: Decimal
    tiered: bool  # whether the policy's credit goes by bands (so 'no tier reached' means something)
    tier: Decimal | None  # capped credit percent of the band reached, None when no band is

    def level(self, day: Day) -> Level:
        """The block a day's availability falls in."""
        return next(lv for lv in self.levels if lv.floor is None or day.availability >= lv.floor)

    @property
    def sparkline(self) -> str:
        """One block per day, in order."""
        return "".join(self.level(day).block for day in self.days)

    @property
    def worst(self) -> Day | None:
        """The day with the lowest availability (the earliest of equals), None when no day counted downtime."""
        down = [day for day in self.days if day.counted > 0]
        return min(down, key=lambda day: (day.availability, day.start)) if down else None


def scale(target_percent: Decimal) -> tuple[Level, ...]:
    """The eight levels, █ first: 100, then 100 − s·2^k for k = 0..5 (not below 0), then the rest."""
    shortfall = HUNDRED - Fraction(target_percent)
    floors = [HUNDRED] + [max(Fraction(0), HUNDRED - shortfall * 2**k) for k in range(6)]
    return (*(Level(block, floor) for block, floor in zip(BLOCKS[::-1], floors, strict=False)), Level(BLOCKS[0], None))


def local_days(start: int, end: int, zone: ZoneInfo) -> list[tuple[date, int, int]]:
    """The local days of `zone` covering [start, end): (date, its start, its end), the last cut at `end`."""
    days: list[tuple[date, int, int]] = []
    day, t = from_micros(start, zone).date(), start
    while t < end:
        midnight = to_micros(datetime.combine(day + timedelta(days=1), time(), tzinfo=zone))
        days.append((day, t, min(midnight, end)))
        day, t = day + timedelta(days=1), midnight
    return days


def daily_availability(
    terms: AvailabilityTerms,
    m: Measurement,
    zone: ZoneInfo,
    *,
    credit: CreditTerms | None = None,
    until: int | None = None,
    excluded: frozenset[str] | None = None,
) -> DailyAvailability:
    """Availability per local day of `m`'s period up to `until` (µs; default its end), from `m`'s recorded
    intervals measured as `m` was (`excluded`: the same override of the excluded causes, if any)."""
    period = m.period
    end = period.end if until is None else max(period.start, min(until, period.end))
    counted = excluded_so_far = 0
    days: list[Day] = []
    for day, start, stop in local_days(period.start, end, zone):
        prefix = measure(
            terms, m.recorded, replace(period, end=stop), zone,
            excluded=excluded, recorded=True, unknown_notice=m.unknown_notice, allowance_used=m.allowance_used,
        )  # fmt: skip
        days.append(Day(day, start, stop, prefix.counted - counted, prefix.excluded - excluded_so_far, m.measured_over))
        counted, excluded_so_far = prefix.counted, prefix.excluded
    tiered = credit is not None and credit.mechanism == "tiered_percent"
    return DailyAvailability(
        tuple(days), zone, scale(m.target_percent), m.target_percent, tiered, tier_reached(credit, m)
    )
