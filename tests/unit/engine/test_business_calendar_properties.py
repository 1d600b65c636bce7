"""Property-based tests of business-time arithmetic on random calendars and instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.windows import DAYS, parse_window

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Singapore", "America/Phoenix", "Australia/Sydney", "UTC"]
# Window edges avoid 00:30–03:30 so that a wall-clock oracle and the engine agree inside DST overlaps.
EDGES = [0, 4 * 60, 7 * 60 + 30, 9 * 60, 12 * 60, 17 * 60, 19 * 60 + 15, 21 * 60, 24 * 60]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    texts = []
    for _ in range(draw(st.integers(1, 4))):
        day = draw(st.sampled_from(DAYS)).title()
        start, end = sorted(draw(st.lists(st.sampled_from(EDGES), min_size=2, max_size=2, unique=True)))
        if draw(st.booleans()) and end < 24 * 60 and start > 0:
            start, end = end, start  # an overnight window
        texts.append(f"{day} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    extra = tuple(draw(st.lists(st.dates(date(2026, 1, 1), date(2027, 6, 30)), max_size=30)))
    windows = tuple(w for t in texts for w in parse_window(t))
    return BusinessCalendar(
        "random",
        ZoneInfo(draw(st.sampled_from(ZONES))),
        windows,
        HolidaySet(HolidaySpec(None, None, extra)) if extra else None,
        business_day_minutes=60,
    )


instants = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))
durations = st.timedeltas(timedelta(0), timedelta(days=40))


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations)
def test_elapsed_of_add_is_the_duration(cal: BusinessCalendar, start: datetime, duration: timedelta) -> None:
    assert cal.elapsed(start, cal.add(start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, instants, durations)
def test_add_is_monotonic_in_start(cal: BusinessCalendar, a: datetime, b: datetime, d: timedelta) -> None:
    first, second = sorted((a, b))
    assert cal.add(first, d) <= cal.add(second, d)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations, durations)
def test_add_is_monotonic_in_duration(cal: BusinessCalendar, start: datetime, d1: timedelta, d2: timedelta) -> None:
    small, large = sorted((d1, d2))
    assert cal.add(start, small) <= cal.add(start, large)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations, st.sampled_from(ZONES))
def test_same_instant_in_any_offset_gives_the_same_result(
    cal: BusinessCalendar, start: datetime, d: timedelta, zone: str
) -> None:
    moved = start.astimezone(ZoneInfo(zone))
    assert cal.add(moved, d) == cal.add(start, d)
    end = start + d
    assert cal.elapsed(moved, end.astimezone(ZoneInfo(zone))) == cal.elapsed(start, end)


def _open_by_wall_clock(cal: BusinessCalendar, instant: datetime) -> bool:
    """Independent oracle: read the wall clock and check today's windows and yesterday's overnight spill."""
    local = instant.astimezone(cal.zone)
    minute = local.hour * 60 + local.minute
    if cal.holidays is not None and local.date() in cal.holidays:
        return False
    for w in cal.windows:
        if w.weekday == local.weekday() and w.start <= minute < w.end:
            return True
        if (w.weekday + 1) % 7 == local.weekday() and minute < w.end - 24 * 60:
            return True
    return False


@settings(max_examples=100, deadline=None)
@given(calendars(), st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 28)), st.integers(0, 3 * 24 * 60))
def test_elapsed_matches_a_minute_by_minute_oracle(cal: BusinessCalendar, start: datetime, minutes: int) -> None:
    begin = start.replace(second=0, microsecond=0, tzinfo=UTC)
    expected = sum(_open_by_wall_clock(cal, begin + timedelta(minutes=m)) for m in range(minutes))
    assert cal.elapsed(begin, begin + timedelta(minutes=minutes)) == timedelta(minutes=expected)
