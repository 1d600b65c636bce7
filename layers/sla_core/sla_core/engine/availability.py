"""Downtime, exclusions and monthly availability, exact in integer microseconds.

A downtime interval is [start, end) of unavailability of one component (None: the whole service), of a
kind (unplanned, scheduled or emergency maintenance) and with an optional cause. Monitoring rules apply
first to whole outages (intervals that overlap or touch, unsplit across months): an outage shorter than
the policy's minimum is not recorded. The recorded intervals are then clipped to the month and classified
by interval-set arithmetic, so overlaps are never counted twice and at every instant the customer-favourable
class wins: counted downtime over maintenance over excluded time. Maintenance is measured against the
policy's weekly windows with a BusinessCalendar (exact, DST-safe); a monthly allowance is used in time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache
from zoneinfo import ZoneInfo

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.errors import InputError
from sla_core.engine.instants import from_micros, parse_instant, require_aware, to_micros
from sla_core.engine.periods import MICROS_PER_MINUTE, Period, month_of
from sla_core.engine.terms import CAUSES, AvailabilityTerms, CreditedCause, MeasuredOver
from sla_core.engine.windows import MINUTES_PER_DAY, Window

COUNTED, MAINTENANCE, EXCLUDED = 0, 1, 2
UNPLANNED = "unplanned downtime"
EMERGENCY_COUNTED = "emergency maintenance, counted as unplanned downtime"
EMERGENCY_EXCLUDED = "emergency maintenance"
UNEXCLUDED_MAINTENANCE = "scheduled maintenance (the policy excludes none)"
BEYOND_ALLOWANCE = "maintenance beyond the monthly allowance"
WITHIN_ALLOWANCE = "maintenance within the monthly allowance"
IN_WINDOWS = "maintenance in the permitted windows"
OUT_OF_WINDOWS = "maintenance out of the permitted windows"
MAINTENANCE_EXCLUDED = "scheduled maintenance"


class Kind(StrEnum):
    """What an interval of unavailability was."""

    UNPLANNED = "unplanned"
    SCHEDULED = "scheduled"
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Downtime:
    """[start, end) in microseconds since the epoch; `component` None means the whole service."""

    start: int
    end: int
    kind: Kind = Kind.UNPLANNED
    cause: str | None = None
    component: str | None = None

    @property
    def micros(self) -> int:
        return self.end - self.start


def downtime(
    start: datetime,
    end: datetime,
    kind: Kind | str = Kind.UNPLANNED,
    cause: str | None = None,
    component: str | None = None,
) -> Downtime:
    """A validated interval: aware datetimes, end after start, a known kind and cause."""
    a, b = to_micros(require_aware(start, "start")), to_micros(require_aware(end, "end"))
    if b <= a:
        raise InputError(f"downtime ends ({end.isoformat()}) at or before it starts ({start.isoformat()})")
    try:
        parsed = Kind(kind)
    except ValueError:
        raise InputError(f"unknown downtime kind {kind!r}; accepted: {', '.join(k.value for k in Kind)}") from None
    if cause is not None and cause not in CAUSES:
        raise InputError(f"unknown cause {cause!r}; accepted: {', '.join(CAUSES)}")
    return Downtime(a, b, parsed, cause, component)


def parse_interval(text: str, kind: Kind = Kind.UNPLANNED, what: str = "--downtime") -> Downtime:
    """Parse 'START/END' or 'START/END@cause' (ISO 8601 with offsets) into a validated interval."""
    spec, _, cause = text.partition("@") if isinstance(text, str) else ("", "", "")
    start, sep, end = spec.partition("/")
    if not sep or not start.strip() or not end.strip():
        raise InputError(
            f"{what} {text!r} is not START/END; give e.g. 2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00, "
            f"optionally followed by @cause ({', '.join(CAUSES)})"
        )
    return downtime(
        parse_instant(start, f"{what} start"), parse_instant(end, f"{what} end"), kind, cause.strip() or None
    )


def minutes(micros: int) -> Decimal:
    """Microseconds as minutes, rounded half-up to 4 places (0.006 s) for display."""
    return round_half_up(Fraction(micros, MICROS_PER_MINUTE), 4)


def minutes_text(micros: int) -> str:
    """Minutes without trailing zeros: '216', '4.9833'."""
    text = f"{minutes(micros):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- recording --------------------------------------------------------------------------------------


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of spans, sorted; spans that overlap or touch become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def downtime_from_probes(
    probes: Iterable[tuple[datetime, bool]],
    *,
    min_failures: int = 2,
    kind: Kind = Kind.UNPLANNED,
    cause: str | None = None,
    component: str | None = None,
) -> list[Downtime]:
    """Intervals from a probe series (time, succeeded): each run of `min_failures` or more consecutive failed
    probes is downtime from its first to its last failed probe (Sonoran §6.1(b))."""
    series = sorted((to_micros(require_aware(at, "probe time")), ok) for at, ok in probes)
    found: list[Downtime] = []
    run: list[int] = []
    for at, ok in [*series, (None, True)]:
        if not ok and at is not None:
            run.append(at)
            continue
        if len(run) >= max(min_failures, 1) and run[-1] > run[0]:
            found.append(Downtime(run[0], run[-1], kind, cause, component))
        run = []
    return found


def for_component(intervals: Iterable[Downtime], component: str) -> list[Downtime]:
    """The intervals that affect `component` (its own and whole-service ones)."""
    return [iv for iv in intervals if iv.component is None or iv.component == component]


def split_by_month(interval: Downtime, zone: ZoneInfo) -> list[Downtime]:
    """An interval cut at every month boundary in `zone`; the pieces keep kind, cause and component."""
    pieces: list[Downtime] = []
    start = interval.start
    while start < interval.end:
        end = min(interval.end, month_of(start, zone).end)
        pieces.append(replace(interval, start=start, end=end))
        start = end
    return pieces


def apply_minimum(intervals: Sequence[Downtime], minimum: int | None) -> tuple[list[Downtime], list[tuple[int, int]]]:
    """Drop every whole outage (merged, unsplit) shorter than `minimum` µs: (kept intervals, dropped outages)."""
    if not minimum:
        return list(intervals), []
    ordered = sorted(intervals, key=lambda iv: iv.start)
    kept: list[Downtime] = []
    dropped: list[tuple[int, int]] = []
    group: list[Downtime] = []
    reach = 0
    for iv in [*ordered, None]:
        if iv is not None and group and iv.start <= reach:
            group.append(iv)
            reach = max(reach, iv.end)
            continue
        if group:
            if reach - group[0].start >= minimum:
                kept.extend(group)
            else:
                dropped.append((group[0].start, reach))
        if iv is not None:
            group, reach = [iv], iv.end
    return kept, dropped


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
                out.append(Downtime(iv.start, iv.end, iv.kind, None, iv.component))
                promoted[cause] = promoted.get(cause, 0) + 1
            else:
                out.append(iv)
    return out, promoted


# -- classification ---------------------------------------------------------------------------------


@cache
def window_calendar(windows: tuple[Window, ...], zone: str) -> BusinessCalendar:
    """A calendar open exactly in the maintenance windows, so its open time measures overlap (DST-safe)."""
    # business_day_minutes is unused here (no business-day durations); set it so uneven windows are allowed.
    return BusinessCalendar("maintenance windows", ZoneInfo(zone), windows, None, MINUTES_PER_DAY)


def _category(iv: Downtime, terms: AvailabilityTerms, excluded: frozenset[str]) -> tuple[int, str]:
    if iv.cause is not None and iv.cause in excluded:
        return EXCLUDED, f"cause '{iv.cause}'"
    kind = iv.kind
    if kind is Kind.EMERGENCY:
        treat = terms.emergency.treat_as if terms.emergency else "maintenance"
        if treat == "excluded":
            return EXCLUDED, EMERGENCY_EXCLUDED
        if treat == "unplanned":
            return COUNTED, EMERGENCY_COUNTED
        kind = Kind.SCHEDULED
    if kind is Kind.SCHEDULED:
        return (MAINTENANCE, "") if terms.maintenance else (COUNTED, UNEXCLUDED_MAINTENANCE)
    return COUNTED, UNPLANNED


@dataclass(frozen=True, slots=True)
class Incident:
    """A whole outage (merged, unsplit) and how much of it counted in the period."""

    start: int
    end: int
    counted: int


@dataclass(frozen=True, slots=True)
class Tally:
    """Counted and excluded microseconds of a period, by reason; where counted time lies; intervals cut or
    left out by the period's edges."""

    counted: int
    excluded: int
    reasons: tuple[tuple[str, int], ...]
    counted_at: tuple[tuple[int, int], ...]
    outside: int
    split: int


def subtract(spans: Sequence[tuple[int, int]], cut: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` minus `cut`, both sorted and disjoint; linear in their lengths."""
    out: list[tuple[int, int]] = []
    j = 0
    for start, end in spans:
        while j < len(cut) and cut[j][1] <= start:
            j += 1
        low, k = start, j
        while k < len(cut) and cut[k][0] < end:
            if cut[k][0] > low:
                out.append((low, cut[k][0]))
            low = max(low, cut[k][1])
            k += 1
        if low < end:
            out.append((low, end))
    return out


def _total(spans: Iterable[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


_COUNTED_ORDER = (UNPLANNED, EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE)


def tally(
    intervals: Sequence[Downtime], period: Period, terms: AvailabilityTerms, zone: ZoneInfo, excluded: frozenset[str]
) -> Tally:
    """Classify the intervals clipped to `period`; each instant counts once: counted > maintenance > excluded.

    Counted time is the union of counted intervals; maintenance is what remains of the maintenance union,
    split by the windows and the allowance in time order; excluded time is what remains after both."""
    groups: dict[tuple[int, str], list[tuple[int, int]]] = {}
    categories: dict[tuple[Kind, str | None], tuple[int, str]] = {}
    low, high = period.start, period.end
    outside = split = 0
    for iv in intervals:
        start, end = iv.start if iv.start > low else low, iv.end if iv.end < high else high
        if start >= end:
            outside += 1
        else:
            split += start != iv.start or end != iv.end
            key = (iv.kind, iv.cause)
            category = categories.get(key)
            if category is None:
                category = categories[key] = _category(iv, terms, excluded)
            groups.setdefault(category, []).append((start, end))
    totals: dict[str, int] = {}
    counted_spans: list[tuple[int, int, int]] = []
    covered: list[tuple[int, int]] = []
    for reason in sorted((r for c, r in groups if c == COUNTED), key=_COUNTED_ORDER.index):
        own = subtract(merge_spans(groups[COUNTED, reason]), covered)
        totals[reason] = _total(own)
        counted_spans += [(s, e, e - s) for s, e in own]
        covered = merge_spans(covered + own)
    maintenance = subtract(merge_spans(groups.get((MAINTENANCE, ""), [])), covered)
    for name, amount, is_counted, start in _maintenance_parts(maintenance, terms, zone):
        totals[name] = totals.get(name, 0) + amount
        if is_counted:
            counted_spans.append((start, start, amount))
    covered = merge_spans(covered + maintenance)
    for reason in sorted(r for c, r in groups if c == EXCLUDED):
        own = subtract(merge_spans(groups[EXCLUDED, reason]), covered)
        totals[reason] = totals.get(reason, 0) + _total(own)
        covered = merge_spans(covered + own)
    counted = sum(amount for _, _, amount in counted_spans)
    excluded_total = _total(covered) - counted
    counted_at = tuple(sorted((start, amount) for start, _, amount in counted_spans))
    return Tally(counted, excluded_total, tuple((r, v) for r, v in totals.items() if v), counted_at, outside, split)


def _maintenance_parts(
    spans: Sequence[tuple[int, int]], terms: AvailabilityTerms, zone: ZoneInfo
) -> Iterable[tuple[str, int, bool, int]]:
    """Per maintenance span in time order: (reason, µs, counted?, span start) for the windows and allowance."""
    maintenance = terms.maintenance
    if maintenance is None:
        return
    calendar = window_calendar(maintenance.windows, zone.key) if maintenance.windows else None
    allowed = maintenance.windows_are == "allowed"
    remaining = maintenance.allowance.micros if maintenance.allowance else None
    for start, end in spans:
        span = end - start
        inside = calendar.elapsed_micros(start, end) if calendar else span
        ok = inside if allowed else span - inside
        parts = [(OUT_OF_WINDOWS, span - ok, True)]
        if remaining is None:
            parts.append((IN_WINDOWS if calendar else MAINTENANCE_EXCLUDED, ok, False))
        else:
            take = min(ok, remaining)
            remaining -= take
            parts += [(WITHIN_ALLOWANCE, take, False), (BEYOND_ALLOWANCE, ok - take, True)]
        for name, amount, is_counted in parts:
            if amount:
                yield name, amount, is_counted, start


def incidents(intervals: Sequence[Downtime], counted_at: Sequence[tuple[int, int]]) -> tuple[Incident, ...]:
    """The whole outages (merged, unsplit) that hold counted time, with how much."""
    outages = merge_spans((iv.start, iv.end) for iv in intervals)
    amounts = [0] * len(outages)
    k = 0
    for start, amount in counted_at:
        while outages[k][1] <= start:
            k += 1
        amounts[k] += amount
    return tuple(Incident(s, e, a) for (s, e), a in zip(outages, amounts, strict=True) if a)


# -- availability ---------------------------------------------------------------------------------


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

    def incidents(self) -> tuple[Incident, ...]:
        """The whole outages (merged, unsplit) with counted time in this period: what a claim is about."""
        return incidents(self.recorded, self.counted_at)

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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _notes(
    terms: AvailabilityTerms, zone: ZoneInfo, found: Tally, dropped: list[tuple[int, int]], period: Period
) -> list[str]:
    notes: list[str] = []
    if dropped and terms.recording and terms.recording.minimum_outage:
        total = sum(e - s for s, e in dropped)
        notes.append(
            f"{_plural(len(dropped), 'outage')} shorter than {terms.recording.minimum_outage} "
            f"({minutes_text(total)} minutes in all) not recorded, per the policy's monitoring rule"
        )
    if found.outside:
        notes.append(f"{_plural(found.outside, 'interval')} outside {period.label} ignored")
    if found.split:
        notes.append(
            f"{_plural(found.split, 'interval')} crossing the edge of {period.label} split: only the part inside counts"
        )
    maintenance = terms.maintenance
    permitted, refused = "", ""
    if maintenance and maintenance.windows:
        windows = f"windows ({', '.join(maintenance.windows_text)}, {zone.key})"
        permitted, refused = f"inside the allowed {windows}", f"outside the allowed {windows}"
        if maintenance.windows_are == "forbidden":
            permitted, refused = f"outside the forbidden {windows}", f"inside the forbidden {windows}"
    allowance = f" of {maintenance.allowance}" if maintenance and maintenance.allowance else ""
    for reason, amount in found.reasons:
        text = f"{minutes_text(amount)} minutes"
        if reason == OUT_OF_WINDOWS:
            notes.append(f"{text} of scheduled maintenance fell {refused} and count as downtime")
        elif reason == BEYOND_ALLOWANCE:
            notes.append(f"{text} of maintenance went beyond the monthly allowance{allowance} and count as downtime")
        elif reason == IN_WINDOWS:
            notes.append(f"{text} excluded: scheduled maintenance {permitted}")
        elif reason == WITHIN_ALLOWANCE:
            notes.append(f"{text} excluded: maintenance within the monthly allowance{allowance}")
        elif reason in (EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE):
            notes.append(f"{text} of {reason}")
        elif reason != UNPLANNED:
            notes.append(f"{text} excluded: {reason}")
    return notes


def measure(
    terms: AvailabilityTerms,
    intervals: Sequence[Downtime],
    period: Period,
    zone: ZoneInfo,
    *,
    excluded: frozenset[str] | None = None,
    recorded: bool = False,
) -> Measurement:
    """Availability over `period`: monitoring rules (skipped when the intervals are already `recorded`),
    exclusions and merging; `excluded` overrides the policy's excluded causes."""
    minimum = terms.recording.minimum_outage.micros if terms.recording and terms.recording.minimum_outage else None
    kept, dropped = (list(intervals), []) if recorded else apply_minimum(intervals, minimum)
    found = tally(kept, period, terms, zone, terms.excluded if excluded is None else excluded)
    readings = list(terms.clause.readings())
    kinds = {iv.kind for iv in intervals}
    if terms.recording and intervals:
        readings += terms.recording.clause.readings()
    if terms.emergency and Kind.EMERGENCY in kinds:
        readings += terms.emergency.clause.readings()
    emergency_as_maintenance = terms.emergency is None or terms.emergency.treat_as == "maintenance"
    if terms.maintenance and (Kind.SCHEDULED in kinds or (Kind.EMERGENCY in kinds and emergency_as_maintenance)):
        readings += terms.maintenance.clause.readings()
    return Measurement(
        period=period,
        target_percent=terms.target_percent,
        measured_over=terms.measured_over,
        counted=found.counted,
        excluded=found.excluded,
        reasons=found.reasons,
        notes=tuple(_notes(terms, zone, found, dropped, period)),
        readings=tuple(readings),
        recorded=tuple(kept),
        counted_at=found.counted_at,
    )


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Exact half-up rounding of a non-negative fraction (money: once, at the end)."""
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def iso(micros: int, zone: ZoneInfo) -> str:
    """An instant as ISO 8601 with the zone's offset."""
    return from_micros(micros, zone).isoformat()
