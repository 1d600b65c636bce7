"""How long the running function has left: Lambda's `context.get_remaining_time_in_millis()`, kept where the
Slack client's retry handler and the sweep can ask, so nothing sleeps or starts work past the function's Timeout.

Each handler opens `running(TimeBudget.of(context))` around its work. The budget is a context variable, so the
local stack's concurrent invocations (one thread each) each see their own; outside a handler (the CLI, tests
that call flows directly) the budget is unlimited.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class TimeBudget:
    """Seconds left before the function's Timeout (infinite when unknown)."""

    def __init__(self, remaining_ms: Callable[[], float] | None = None) -> None:
        self._remaining_ms = remaining_ms

    @classmethod
    def of(cls, context: Any) -> TimeBudget:
        """The budget of a Lambda invocation (any object with `get_remaining_time_in_millis`), else unlimited."""
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        return cls(remaining if callable(remaining) else None)

    @classmethod
    def lasting(cls, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> TimeBudget:
        """A budget of `seconds` from now on the given monotonic clock (tests and benchmarks)."""
        deadline = monotonic() + seconds
        return cls(lambda: max(0.0, deadline - monotonic()) * 1000)

    def remaining_s(self) -> float:
        """Seconds left; `math.inf` for an unlimited budget."""
        return math.inf if self._remaining_ms is None else float(self._remaining_ms()) / 1000

    def allows(self, seconds: float, *, keep: float = 0.0) -> bool:
        """Whether `seconds` of work still leave `keep` seconds before the Timeout."""
        return self.remaining_s() - seconds >= keep


UNLIMITED = TimeBudget()
_current: ContextVar[TimeBudget] = ContextVar("time_budget", default=UNLIMITED)


def current() -> TimeBudget:
    """The running invocation's budget (unlimited outside a handler)."""
    return _current.get()


@contextmanager
def running(budget: TimeBudget) -> Iterator[TimeBudget]:
    """Make `budget` the current one for the duration of a handler's work."""
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
