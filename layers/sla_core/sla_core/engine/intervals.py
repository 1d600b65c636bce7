"""Downtime intervals and their algebra, exact in integer microseconds: union, difference, month splits, outages.

A downtime interval is [start, end) of unavailability of one component (None: the whole service), of a
kind (unplanned, scheduled or emergency maintenance) and with an optional cause. Maintenance may carry when
it was announced (None: not given) and whether it fell in the provider's posted maintenance windows, for the
policy's notice rules. An outage is a run of intervals that overlap or touch, merged and unsplit across months.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sla_core.engine.errors import InputError
from sla_core.engine.instants import require_aware, to_micros
from sla_core.engine.periods import month_of
from sla_core.engine.terms import CAUSES


class Kind(StrEnum):
    """What an interval of unavailability was."""

    UNPLANNED = "unplanned"
    SCHEDULED = "scheduled"
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Downtime:
    """[start, end) in microseconds since the epoch; `component` None means the whole service; `announced`
    (µs, None: not given) and `posted_window` describe a maintenance interval's notice; `incident` is the
    incident it was recorded from, if any (reports name it; no rule reads it)."""

    start: int
    end: int
    kind: Kind = Kind.UNPLANNED
    cause: str | None = None
    component: str | None = None
    announced: int | None = None
    posted_window: bool = False
    incident: str | None = None

    @property
    def micros(self) -> int:
        return self.end - self.start


def downtime(
    start: datetime,
    end: datetime,
    kind: Kind | str = Kind.UNPLANNED,
    cause: str | None = None,
    component: str | None = None,
    *,
    announced: datetime | None = None,
    posted_window: bool = False,
    incident: str | None = None,
) -> Downtime:
    """A validated interval: aware datetimes, end after start, a known kind and cause; only maintenance carries
    an announcement time or a posted window; `incident` names the incident it came from."""
    a, b = to_micros(require_aware(start, "start")), to_micros(require_aware(end, "end"))
    if b <= a:
        raise InputError(f"downtime ends ({end.isoformat()}) at or before it starts ({start.isoformat()})")
    try:
        parsed = Kind(kind)
    except ValueError:
        raise InputError(f"unknown downtime kind {kind!r}; accepted: {', '.join(k.value for k in Kind)}") from None
    if cause is not None and cause not in CAUSES:
        raise InputError(f"unknown cause {cause!r}; accepted: {', '.join(CAUSES)}")
    if (announced is not None or posted_window) and parsed is Kind.UNPLANNED:
        raise InputError("only maintenance (scheduled or emergency) has an announcement time or a posted window")
    notice = to_micros(require_aware(announced, "announcement time")) if announced is not None else None
    return Downtime(a, b, parsed, cause, component, notice, posted_window, incident)


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


# -- span algebra: sorted, disjoint (start, end) pairs ----------------------------------------------


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


def total_micros(spans: Iterable[tuple[int, int]]) -> int:
    """Summed length of spans (disjoint spans: the length of their union)."""
    return sum(end - start for start, end in spans)


# -- outages ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outage:
    """A whole outage (merged, unsplit) and how much of it counted in the period."""

    start: int
    end: int
    counted: int


def outages(intervals: Sequence[Downtime], counted_at: Sequence[tuple[int, int]]) -> tuple[Outage, ...]:
    """The whole outages (merged, unsplit) that hold counted time, with how much."""
    merged = merge_spans((iv.start, iv.end) for iv in intervals)
    amounts = [0] * len(merged)
    k = 0
    for start, amount in counted_at:
        while merged[k][1] <= start:
            k += 1
        amounts[k] += amount
    return tuple(Outage(s, e, a) for (s, e), a in zip(merged, amounts, strict=True) if a)
