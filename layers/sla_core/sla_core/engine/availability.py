"""Availability of one component over a period, exact in integer microseconds.

Monitoring rules apply first to whole outages (`recording`): an outage shorter than the policy's minimum is
not recorded. The recorded intervals are then classified (`classification`): counted downtime, maintenance
measured against the windows and allowance, and excluded causes, each instant once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from msgspec.structs import replace

from sla_core.engine.availability_notes import measurement_notes
from sla_core.engine.classification import WITHIN_YEARLY, UnknownNotice, tally
from sla_core.engine.clauses import Reading
from sla_core.engine.errors import PolicyError
from sla_core.engine.intervals import Downtime, Kind, Outage, outages
from sla_core.engine.periods import Period
from sla_core.engine.recording import apply_minimum
from sla_core.engine.rounding import minutes
from sla_core.engine.terms import AvailabilityTerms, MeasuredOver
from sla_core.engine.zones import Zone


@dataclass(frozen=True, slots=True)
class Measurement:
    """Availability of one component over one period, with the reasons, notes and readings behind it."""

    period: Period
    target_percent: Decimal
    measured_over: MeasuredOver
    counted: int
    excluded: int
    reasons: tuple[tuple[str, int], ...]
    notes: tuple[str, ...]
    readings: tuple[dict[str, str], ...]
    recorded: tuple[Downtime, ...] = field(default=(), repr=False)
    counted_at: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    unknown_notice: UnknownNotice = "in_time"
    window_zone: str | None = None  # the zone the maintenance windows were read in, where the policy names several
    allowance_used: int = 0  # µs of a yearly maintenance allowance used earlier in its year

    def outages(self) -> tuple[Outage, ...]:
        """The whole outages (merged, unsplit) with counted time in this period: what a claim is about."""
        return outages(self.recorded, self.counted_at)

    @property
    def total(self) -> int:
        return self.period.micros

    @property
    def availability(self) -> Fraction:
        """Exact availability in percent: (measured − counted) / measured × 100."""
        measured = self.total - (self.excluded if self.measured_over == "month_less_excluded" else 0)
        if measured <= 0:
            return Fraction(100)
        return Fraction(measured - self.counted, measured) * 100

    @property
    def total_minutes(self) -> Decimal:
        return minutes(self.total)

    @property
    def counted_minutes(self) -> Decimal:
        return minutes(self.counted)

    @property
    def excluded_minutes(self) -> Decimal:
        return minutes(self.excluded)

    @property
    def met(self) -> bool:
        return self.availability >= Fraction(self.target_percent)

    @property
    def availability_percent(self) -> Decimal:
        """Availability rounded DOWN to 4 places, so a missed target never displays as met."""
        return Decimal(int(self.availability * 10_000)).scaleb(-4).quantize(Decimal("0.0001"), ROUND_DOWN)

    def percent_text(self) -> str:
        return f"{self.availability_percent:f}"


def measure(
    terms: AvailabilityTerms,
    intervals: Sequence[Downtime],
    period: Period,
    zone: ZoneInfo,
    *,
    excluded: frozenset[str] | None = None,
    recorded: bool = False,
    unknown_notice: UnknownNotice = "in_time",
    window_zone: str | None = None,
    allowance_from: int | None = None,
    allowance_used: int = 0,
) -> Measurement:
    """Availability over `period`: monitoring rules (skipped when the intervals are already `recorded`),
    exclusions and merging; `excluded` overrides the policy's excluded causes. Maintenance without an
    announcement time is taken as announced in time (`unknown_notice` 'late': as announced too late).
    Maintenance windows read in several zones (`window_zones`) are read whole in one zone for the period:
    `window_zone`, or else the one that counts the most downtime (the customer-favourable reading this period).
    A yearly maintenance allowance is what the intervals from `allowance_from` (the start of its year) to the
    period's start left of it (None: `allowance_used` µs of it were used earlier, as a first measurement found)."""
    minimum = terms.recording.minimum_outage.micros if terms.recording and terms.recording.minimum_outage else None
    per_interval = terms.recording is not None and terms.recording.minimum_applies_to == "interval"
    kept, dropped = (list(intervals), []) if recorded else apply_minimum(intervals, minimum, per_interval=per_interval)
    causes = terms.excluded if excluded is None else excluded
    zone_reading: Reading | None = None
    declared = any(iv.kind is not Kind.UNPLANNED for iv in kept)  # without maintenance the windows' zone is moot
    if terms.maintenance is not None and len(terms.maintenance.zones) > 1 and (declared or window_zone is not None):
        terms, window_zone, zone_reading = _whole_zone(terms, kept, period, zone, causes, unknown_notice, window_zone)
    elif terms.maintenance is not None and len(terms.maintenance.zones) > 1:
        terms = replace(terms, maintenance=replace(terms.maintenance, zones=terms.maintenance.zones[:1]))
    used = allowance_used
    if allowance_from is not None and allowance_from < period.start and _yearly(terms):
        before = tally(kept, _year_before(period, allowance_from), terms, zone, causes, unknown_notice)
        used = dict(before.reasons).get(WITHIN_YEARLY, 0)
        kept = [iv for iv in kept if iv.end > period.start]  # earlier ones only used the allowance
    found = tally(kept, period, terms, zone, causes, unknown_notice, used)
    readings = list(terms.clause.readings())
    kinds = {iv.kind for iv in intervals}
    if terms.recording and intervals:
        readings += terms.recording.clause.readings()
    if terms.emergency and Kind.EMERGENCY in kinds:
        readings += terms.emergency.clause.readings()
    emergency_as_maintenance = terms.emergency is None or terms.emergency.treat_as == "maintenance"
    if terms.maintenance and (Kind.SCHEDULED in kinds or (Kind.EMERGENCY in kinds and emergency_as_maintenance)):
        readings += [zone_reading] if zone_reading is not None else terms.maintenance.clause.readings()
        notice = terms.maintenance.notice
        if notice is not None:
            readings += notice.clause.readings()
            if found.assumed:
                readings.append(
                    Reading(
                        f"Maintenance given without an announcement time was announced in time ({notice.required} "
                        "ahead, as the contract requires), so the notice rule excludes it.",
                        "It was announced too late (or not at all), so it counts as downtime.",
                        assumption="unknown_notice",
                    )
                )
    return Measurement(
        period=period,
        target_percent=terms.target_percent,
        measured_over=terms.measured_over,
        counted=found.counted,
        excluded=found.excluded,
        reasons=found.reasons,
        notes=tuple(measurement_notes(terms, zone, found, dropped, period, kept, used)),
        readings=tuple(readings),
        recorded=tuple(kept),
        counted_at=found.counted_at,
        unknown_notice=unknown_notice,
        window_zone=window_zone,
        allowance_used=used,
    )


def _yearly(terms: AvailabilityTerms) -> bool:
    maintenance = terms.maintenance
    return maintenance is not None and maintenance.allowance is not None and maintenance.allowance_per == "year"


def _year_before(period: Period, start: int) -> Period:
    """The time of `period`'s allowance year before it: from `start` (the year's start) to the period's start."""
    return Period(f"{period.label} (its year before it)", period.unit, period.zone, start, period.start)


def _whole_zone(
    terms: AvailabilityTerms,
    kept: Sequence[Downtime],
    period: Period,
    zone: ZoneInfo,
    causes: frozenset[str],
    unknown_notice: UnknownNotice,
    window_zone: str | None,
) -> tuple[AvailabilityTerms, str, Reading | None]:
    """The terms with the maintenance windows read in one zone for the whole period, that zone, and the reading
    (None when `window_zone` was given: a figure under a named reading). Unnamed, the zone is the one counting
    the most downtime this period (ties: the first listed); the other is the one counting the least."""
    maintenance = terms.maintenance
    assert maintenance is not None

    def in_zone(name: str) -> AvailabilityTerms:
        return replace(terms, maintenance=replace(maintenance, zones=(Zone(name),)))

    if window_zone is not None:
        if window_zone not in maintenance.zones:
            raise PolicyError(f"window zone {window_zone!r} is not one of {', '.join(maintenance.zones)}")
        return in_zone(window_zone), window_zone, None
    counted = {z: tally(kept, period, in_zone(z), zone, causes, unknown_notice).counted for z in maintenance.zones}
    chosen = max(maintenance.zones, key=lambda z: counted[z])  # max keeps the first of equals
    other = min(maintenance.zones, key=lambda z: (counted[z], z == chosen))
    windows = ", ".join(maintenance.windows_text)
    reading = Reading(
        f"The maintenance windows ({windows}) are read whole in {chosen} for {period.label}: of the zones the text "
        f"allows ({' or '.join(maintenance.zones)}), the one that counts the most downtime this period.",
        f"The windows in {other} for {period.label} (the zone that counts the least downtime this period).",
        assumption=f"window_zone:{other}",
    )
    return in_zone(chosen), chosen, reading
