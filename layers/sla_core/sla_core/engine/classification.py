"""Classifying a period's downtime: counted, maintenance or excluded time, by reason, each instant once.

The recorded intervals are clipped to the period and classified by interval-set arithmetic, so overlaps are
never counted twice. Declared maintenance (scheduled or emergency, without a cause of its own) comes first:
unplanned downtime that overlaps it is that maintenance's downtime, judged by the maintenance rules (windows,
allowance, notice), not counted as unplanned. Otherwise the customer-favourable class wins at every instant:
counted downtime over maintenance over excluded time. Maintenance is measured against the policy's weekly
windows with a BusinessCalendar (exact, DST-safe); an allowance (a month's, or what is left of a year's) is used in
time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.intervals import Downtime, Kind, merge_spans, subtract, total_micros
from sla_core.engine.periods import Period
from sla_core.engine.terms import AvailabilityTerms
from sla_core.engine.windows import MINUTES_PER_DAY, Window

COUNTED, MAINTENANCE, EXCLUDED = 0, 1, 2
UNPLANNED = "unplanned downtime"
EMERGENCY_COUNTED = "emergency maintenance, counted as unplanned downtime"
EMERGENCY_EXCLUDED = "emergency maintenance"
UNEXCLUDED_MAINTENANCE = "scheduled maintenance (the policy excludes none)"
BEYOND_ALLOWANCE = "maintenance beyond the monthly allowance"
WITHIN_ALLOWANCE = "maintenance within the monthly allowance"
BEYOND_YEARLY = "maintenance beyond the yearly allowance"
WITHIN_YEARLY = "maintenance within the yearly allowance"
IN_WINDOWS = "maintenance in the permitted windows"
OUT_OF_WINDOWS = "maintenance out of the permitted windows"
MAINTENANCE_EXCLUDED = "scheduled maintenance"
LATE_NOTICE = "maintenance announced too late"
_COUNTED_ORDER = (UNPLANNED, EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE, LATE_NOTICE)
UnknownNotice = Literal["in_time", "late"]
NoticeStatus = Literal["none", "ok", "assumed", "late", "exempt"]
_DECLARED = (Kind.SCHEDULED, Kind.EMERGENCY)


@cache
def window_calendar(windows: tuple[Window, ...], zone: str) -> BusinessCalendar:
    """A calendar open exactly in the maintenance windows, so its open time measures overlap (DST-safe)."""
    # business_day_minutes is unused here (no business-day durations); set it so uneven windows are allowed.
    return BusinessCalendar("maintenance windows", ZoneInfo(zone), windows, None, MINUTES_PER_DAY)


def notice_status(iv: Downtime, terms: AvailabilityTerms, unknown: UnknownNotice = "in_time") -> NoticeStatus:
    """Whether a maintenance interval meets the policy's notice rule: 'none' (no rule, or not maintenance),
    'exempt' (emergency or posted-window maintenance the rule exempts), 'ok', 'late', or 'assumed' (no
    announcement time given, taken as in time; with `unknown` = 'late' it is taken as late instead)."""
    notice = terms.maintenance.notice if terms.maintenance else None
    if notice is None or iv.kind is Kind.UNPLANNED:
        return "none"
    if (iv.kind is Kind.EMERGENCY and notice.emergency_exempt) or (iv.posted_window and notice.posted_windows):
        return "exempt"
    if iv.announced is None:
        return "assumed" if unknown == "in_time" else "late"
    lead = iv.start - iv.announced
    return "ok" if (lead >= notice.minimum.micros if notice.minimum else lead > 0) else "late"


def _category(
    iv: Downtime, terms: AvailabilityTerms, excluded: frozenset[str], notice: NoticeStatus
) -> tuple[int, str]:
    """The class (counted, maintenance, excluded) and reason of an interval's kind, cause and notice."""
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
        if terms.maintenance is None:
            return COUNTED, UNEXCLUDED_MAINTENANCE
        return (COUNTED, LATE_NOTICE) if notice == "late" else (MAINTENANCE, "")
    return COUNTED, UNPLANNED


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
    absorbed: int = 0
    late: tuple[tuple[int, int, int | None], ...] = ()
    assumed: int = 0


def tally(
    intervals: Sequence[Downtime],
    period: Period,
    terms: AvailabilityTerms,
    zone: ZoneInfo,
    excluded: frozenset[str],
    unknown_notice: UnknownNotice = "in_time",
    allowance_used: int = 0,
) -> Tally:
    """Classify the intervals clipped to `period`; each instant counts once: counted > maintenance > excluded.

    Unplanned downtime inside declared maintenance (`absorbed`) is left to that maintenance. Counted time is
    the union of counted intervals; maintenance is what remains of the maintenance union, split by the
    windows and the allowance (less `allowance_used` µs of it, used earlier in its year) in time order; excluded
    time is what remains after both."""
    groups: dict[tuple[int, str], list[tuple[int, int]]] = {}
    categories: dict[tuple[Kind, str | None, NoticeStatus], tuple[int, str]] = {}
    late: list[tuple[int, int, int | None]] = []
    assumed = 0
    low, high = period.start, period.end
    outside = split = 0
    clipped: list[tuple[Downtime, int, int]] = []
    for iv in intervals:
        start, end = iv.start if iv.start > low else low, iv.end if iv.end < high else high
        if start >= end:
            outside += 1
        else:
            split += start != iv.start or end != iv.end
            clipped.append((iv, start, end))
    declared = merge_spans((s, e) for iv, s, e in clipped if iv.kind in _DECLARED and iv.cause is None)
    unplanned = merge_spans((s, e) for iv, s, e in clipped if iv.kind is Kind.UNPLANNED)
    absorbed = total_micros(unplanned) - total_micros(subtract(unplanned, declared)) if declared else 0
    for iv, start, end in clipped:
        status = notice_status(iv, terms, unknown_notice)
        key = (iv.kind, iv.cause, status)
        category = categories.get(key)
        if category is None:
            category = categories[key] = _category(iv, terms, excluded, status)
        if category == (COUNTED, LATE_NOTICE):
            late.append((iv.start, iv.end, iv.start - iv.announced if iv.announced is not None else None))
        assumed += status == "assumed" and category[0] == MAINTENANCE
        pieces = subtract([(start, end)], declared) if declared and iv.kind is Kind.UNPLANNED else [(start, end)]
        groups.setdefault(category, []).extend(pieces)
    totals: dict[str, int] = {}
    counted_spans: list[tuple[int, int, int]] = []
    covered: list[tuple[int, int]] = []
    for reason in sorted((r for c, r in groups if c == COUNTED), key=_COUNTED_ORDER.index):
        own = subtract(merge_spans(groups[COUNTED, reason]), covered)
        totals[reason] = total_micros(own)
        counted_spans += [(s, e, e - s) for s, e in own]
        covered = merge_spans(covered + own)
    maintenance = subtract(merge_spans(groups.get((MAINTENANCE, ""), [])), covered)
    for name, amount, is_counted, start in _maintenance_parts(maintenance, terms, zone, allowance_used):
        totals[name] = totals.get(name, 0) + amount
        if is_counted:
            counted_spans.append((start, start, amount))
    covered = merge_spans(covered + maintenance)
    for reason in sorted(r for c, r in groups if c == EXCLUDED):
        own = subtract(merge_spans(groups[EXCLUDED, reason]), covered)
        totals[reason] = totals.get(reason, 0) + total_micros(own)
        covered = merge_spans(covered + own)
    counted = sum(amount for _, _, amount in counted_spans)
    excluded_total = total_micros(covered) - counted
    counted_at = tuple(sorted((start, amount) for start, _, amount in counted_spans))
    reasons = tuple((r, v) for r, v in totals.items() if v)
    return Tally(counted, excluded_total, reasons, counted_at, outside, split, absorbed, tuple(late), assumed)


def permitted_in_every_zone(calendars: Sequence[BusinessCalendar], start: int, end: int, allowed: bool) -> int:
    """µs of [start, end) where every zone's reading of the windows permits maintenance: inside the allowed
    windows in all zones, or outside the forbidden windows in all of them."""
    if not allowed:
        return end - start - total_micros(merge_spans(s for c in calendars for s in c.open_spans(start, end)))
    common = calendars[0].open_spans(start, end)
    for other in calendars[1:]:
        common = subtract(common, subtract(common, other.open_spans(start, end)))
    return total_micros(common)


def _maintenance_parts(
    spans: Sequence[tuple[int, int]], terms: AvailabilityTerms, zone: ZoneInfo, used: int
) -> Iterable[tuple[str, int, bool, int]]:
    """Per maintenance span in time order: (reason, µs, counted?, span start) for the windows and allowance."""
    maintenance = terms.maintenance
    if maintenance is None:
        return
    zones = maintenance.zones or (zone.key,)
    calendars = [window_calendar(maintenance.windows, z) for z in zones] if maintenance.windows else []
    calendar = calendars[0] if calendars else None
    allowed = maintenance.windows_are == "allowed"
    remaining = max(0, maintenance.allowance.micros - used) if maintenance.allowance else None
    within, beyond = (
        (WITHIN_YEARLY, BEYOND_YEARLY) if maintenance.allowance_per == "year" else (WITHIN_ALLOWANCE, BEYOND_ALLOWANCE)
    )
    for start, end in spans:
        span = end - start
        if len(calendars) > 1:
            ok = permitted_in_every_zone(calendars, start, end, allowed)
        else:
            inside = calendar.elapsed_micros(start, end) if calendar else span
            ok = inside if allowed else span - inside
        parts = [(OUT_OF_WINDOWS, span - ok, True)]
        if remaining is None:
            parts.append((IN_WINDOWS if calendar else MAINTENANCE_EXCLUDED, ok, False))
        else:
            take = min(ok, remaining)
            remaining -= take
            parts += [(within, take, False), (beyond, ok - take, True)]
        for name, amount, is_counted in parts:
            if amount:
                yield name, amount, is_counted, start
