"""Downtime recorded by hand (`/sla downtime`, `/sla maintenance`): one interval per component, each written whole
in one conditional put, so a repeated request writes nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sla_core.storage import repository


def record_downtime(
    *,
    downtime_id: str,
    contract_id: str,
    components: Sequence[str],
    start: datetime,
    end: datetime,
    recorded_by: str,
    source: str,
    reason: str,
    cause: str | None = None,
    announced_at: datetime | None = None,
    posted_window: bool = False,
) -> int:
    """Write the interval for each component; how many were new (0: all recorded before)."""
    written = 0
    for component in components:
        interval = repository.new_downtime(
            downtime_id=downtime_id, contract_id=contract_id, component=component, started_at=start, ended_at=end,
            recorded_by=recorded_by, source=source, reason=reason, cause=cause, announced_at=announced_at,
            posted_window=posted_window,
        )  # fmt: skip
        written += repository.record_interval(interval) is not None  # start and end in one put
    return written
