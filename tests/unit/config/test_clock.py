"""Clocks: UTC-aware now, settable for tests, and a scheduled tick's clock from its scheduled time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sla_core.config.clock import FixedClock, SystemClock, scheduled_clock
from sla_core.engine.errors import InputError


def test_system_clock_is_utc_aware() -> None:
    now = SystemClock().now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_fixed_clock_normalises_to_utc_and_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 3, 9, 10, 15, tzinfo=timezone(timedelta(hours=-4))))
    assert clock.now() == datetime(2026, 3, 9, 14, 15, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2026, 3, 9, 14, 20, tzinfo=UTC)
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2027


def test_fixed_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(InputError, match="no time zone"):
        FixedClock(datetime(2026, 3, 9, 14, 15))


def test_scheduled_clock_reads_the_schedulers_time() -> None:
    clock = scheduled_clock({"scheduled_time": "2026-03-09T14:15:00Z", "schedule": "reminders"})
    assert clock.now() == datetime(2026, 3, 9, 14, 15, tzinfo=UTC)


@pytest.mark.parametrize("event", [{}, {"scheduled_time": 5}, {"scheduled_time": "2026-03-09T14:15:00"}])
def test_scheduled_clock_rejects_events_without_an_aware_time(event: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="scheduled_time"):
        scheduled_clock(event)
