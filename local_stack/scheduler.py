"""Fires the template's ScheduleV2 functions as EventBridge Scheduler does: on each period boundary,
with the schedule's Input and `<aws.scheduler.scheduled-time>` replaced by the tick's scheduled time."""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from local_stack.template import Schedule

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

Fire = Callable[[Schedule, datetime], Any]


def rate_seconds(expression: str) -> int:
    """The period of a `rate(...)` expression in seconds; cron() is not reproduced locally."""
    match = _RATE.match(expression.strip())
    if not match:
        raise ValueError(f"unsupported schedule {expression!r}: the local stack runs rate(N minutes|hours|days)")
    count, unit = int(match.group(1)), match.group(2).rstrip("s")
    return count * _UNIT_SECONDS[unit]


def scheduled_time_text(at: datetime) -> str:
    """The scheduler's format for the scheduled time: UTC, whole seconds, Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_input(schedule: Schedule, at: datetime) -> Any:
    """The event a tick at `at` delivers: the Input with its placeholder filled in, parsed as JSON."""
    return json.loads(schedule.input.replace(SCHEDULED_TIME, scheduled_time_text(at)))


def next_tick(after: datetime, period_s: int) -> datetime:
    """The first period boundary (aligned to the epoch, so minutes start at :00) strictly after `after`."""
    epoch_seconds = int(after.timestamp())
    return datetime.fromtimestamp((epoch_seconds // period_s + 1) * period_s, UTC)


class Scheduler:
    """A thread per schedule that sleeps until the next boundary and fires it; stop() ends them promptly.

    A tick that fails (or times out) is reported by `fire` and does not stop the schedule, as in AWS."""

    def __init__(self, schedules: list[Schedule], fire: Fire, now: Callable[[], datetime]) -> None:
        self.schedules = schedules
        self._fire = fire
        self._now = now
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for schedule in self.schedules:
            period = rate_seconds(schedule.expression)
            thread = threading.Thread(
                target=self._loop, args=(schedule, period), name=f"schedule-{schedule.function}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def next_fire(self, schedule: Schedule) -> datetime:
        return next_tick(self._now(), rate_seconds(schedule.expression))

    def _loop(self, schedule: Schedule, period: int) -> None:
        last: datetime | None = None
        while not self._stop.is_set():
            now = self._now()
            # Never fire one boundary twice, even if the wait below wakes a little early.
            at = next_tick(now if last is None else max(now, last), period)
            if self._stop.wait(max(0.0, (at - now) / timedelta(seconds=1))):
                return
            with contextlib.suppress(Exception):  # reported by `fire`; a failed tick is not the last
                self._fire(schedule, at)
            last = at

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
