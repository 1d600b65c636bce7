"""The one way in for time: every function takes `now` from a Clock, so tests and schedules can set it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sla_core.engine.instants import parse_instant, require_aware

SCHEDULED_TIME_KEY = "scheduled_time"


class Clock(Protocol):
    """Something that tells the current instant, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told: for tests, and for a scheduled tick whose `now` is its scheduled time."""

    def __init__(self, instant: datetime) -> None:
        self._instant = require_aware(instant).astimezone(UTC)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        """Move the clock to `instant` (timezone-aware)."""
        self._instant = require_aware(instant).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._instant += delta


def scheduled_clock(event: Mapping[str, Any]) -> FixedClock:
    """The clock of a scheduled tick: EventBridge Scheduler fills `<aws.scheduler.scheduled-time>` in its Input.

    Using the scheduled time rather than the arrival time makes a late or repeated delivery of one tick
    see the same `now`.
    """
    value = event.get(SCHEDULED_TIME_KEY)
    if not isinstance(value, str):
        raise ValueError(f"scheduled event has no {SCHEDULED_TIME_KEY!r} string; got {value!r}")
    return FixedClock(parse_instant(value, what=SCHEDULED_TIME_KEY))
