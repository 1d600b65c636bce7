"""What monitoring records: downtime from a probe series, and the minimum-outage rule applied to whole outages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sla_core.engine.instants import require_aware, to_micros
from sla_core.engine.intervals import Downtime, Kind


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


def apply_minimum(
    intervals: Sequence[Downtime], minimum: int | None, *, per_interval: bool = False
) -> tuple[list[Downtime], list[tuple[int, int]]]:
    """Drop every whole outage (merged, unsplit) shorter than `minimum` µs: (kept intervals, dropped outages);
    `per_interval`: each interval must last the minimum on its own."""
    if not minimum:
        return list(intervals), []
    if per_interval:
        return [iv for iv in intervals if iv.micros >= minimum], [
            (iv.start, iv.end) for iv in intervals if iv.micros < minimum
        ]
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
