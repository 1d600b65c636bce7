"""Window edges inside the hour DST skips or repeats: open exactly when the zone's wall clock reads a time inside
the window, checked by hand on the issue's cases and against a brute-force wall-clock walker (minute by minute)
as a property, in spring and autumn; and overnight calendars whose business day is the whole shift."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.errors import PolicyError
from sla_core.engine.windows import DAYS, parse_window

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def cal(*windows: str, zone: ZoneInfo = NY, business_day: int | None = None) -> BusinessCalendar:
    parsed = tuple(w for text in windows for w in parse_window(text))
    return BusinessCalendar("test", zone, parsed, None, business_day_minutes=business_day)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- the cases, by hand ------------------------------------------------------------------------------
# New York springs forward Sun 8 Mar 2026 at 02:00 EST (07:00 UTC) to 03:00 EDT; wall times 02:00–02:59 do not
# exist. "Sun 02:30-04:00" is open while the wall clock reads 02:30–03:59, i.e. 03:00–04:00 EDT: 1:00.


def test_an_edge_in_the_skipped_hour_opens_when_the_clocks_jump() -> None:
    c = cal("Sun 02:30-04:00")
    assert c.elapsed(at("2026-03-08T00:00:00-05:00"), at("2026-03-08T06:00:00-04:00")) == timedelta(hours=1)
    assert c.is_open(at("2026-03-08T03:10:00-04:00"))
    assert not c.is_open(at("2026-03-08T01:59:00-05:00"))
    # 10 open minutes from Sun 00:00 EST: the window opens at the jump, 03:00 EDT, so 03:10 EDT.
    assert c.add(at("2026-03-08T00:00:00-05:00"), timedelta(minutes=10)) == at("2026-03-08T03:10:00-04:00")


def test_a_window_wholly_in_the_skipped_hour_is_closed_that_day() -> None:
    # Sun 02:15–02:45 never shows on the wall clock on 8 Mar: it first opens Sun 15 Mar 02:15 EDT.
    c = cal("Sun 02:15-02:45")
    assert c.next_open(at("2026-03-08T00:00:00-05:00")) == at("2026-03-15T02:15:00-04:00")


def test_berlin_edge_in_the_skipped_hour() -> None:
    # Berlin springs forward Sun 29 Mar 2026 at 02:00 CET to 03:00 CEST: "Sun 02:30-03:30" opens 03:00 CEST;
    # 10 minutes from 00:00 CET end at 03:10 CEST (not a week later).
    c = cal("Sun 02:30-03:30", zone=BERLIN)
    assert c.add(at("2026-03-29T00:00:00+01:00"), timedelta(minutes=10)) == at("2026-03-29T03:10:00+02:00")


def test_an_edge_in_the_repeated_hour_is_open_both_times() -> None:
    # New York falls back Sun 1 Nov 2026 at 02:00 EDT to 01:00 EST: wall 01:00–01:59 shows twice.
    # "Sun 01:30-03:00": 01:30–02:00 EDT (0:30), then 01:30–03:00 EST (1:30): 2:00 in all.
    c = cal("Sun 01:30-03:00")
    day = (at("2026-11-01T00:00:00-04:00"), at("2026-11-01T06:00:00-05:00"))
    assert c.elapsed(*day) == timedelta(hours=2)
    assert not c.is_open(at("2026-11-01T01:10:00-05:00"))  # wall 01:10 the second time: before 01:30
    assert c.is_open(at("2026-11-01T01:40:00-05:00"))
    # "Sun 00:00-01:30": 00:00–01:30 EDT (1:30), then 01:00–01:30 EST (0:30) again: 2:00.
    assert cal("Sun 00:00-01:30").elapsed(*day) == timedelta(hours=2)


# -- overnight calendars -------------------------------------------------------------------------------------


def test_an_overnight_shift_is_one_whole_business_day() -> None:
    # Thu 21:00–03:00 is one 6-hour shift: a business day is 6 h, not the 3 h before midnight.
    assert cal("Thu 21:00-03:00").business_day_minutes == 6 * 60
    assert cal("Mon-Fri 22:00-06:00").business_day_minutes == 8 * 60
    # Two windows of one day count together (3 h + 4 h = 7 h).
    assert cal("Mon-Fri 09:00-12:00", "Mon-Fri 13:00-17:00").business_day_minutes == 7 * 60


def test_shifts_of_different_lengths_need_business_day() -> None:
    with pytest.raises(PolicyError, match=r"set business_day .*overnight shift counts whole"):
        cal("Thu 21:00-03:00", "Sun 21:00-01:00")
    assert cal("Thu 21:00-03:00", "Sun 21:00-01:00", business_day=360).business_day_minutes == 360


# -- property: the engine against a brute-force wall-clock walker ---------------------------------------------

ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago"]
# Edges on and inside the skipped and repeated hours of these zones (all change between 00:00 and 03:00 local).
EDGES = [0, 30, 60, 90, 105, 120, 135, 150, 165, 180, 210, 240, 24 * 60]
# Days around the 2026 changes: US Mar 8 / Nov 1, EU Mar 29 / Oct 25, Sydney Apr 5 / Oct 4, Lord Howe likewise,
# Santiago Apr 5 / Sep 6 (at local midnight).
CHANGES = [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25), date(2026, 4, 5),
           date(2026, 10, 4), date(2026, 9, 6)]  # fmt: skip


def walker_open(cal: BusinessCalendar, instant: datetime) -> bool:
    """Open iff the zone's wall clock at `instant` reads a weekday and time inside a window (overnight windows
    spill into the next day)."""
    local = instant.astimezone(cal.zone)
    minute = local.hour * 60 + local.minute
    for w in cal.windows:
        if w.weekday == local.weekday() and w.start <= minute < w.end:
            return True
        if (w.weekday + 1) % 7 == local.weekday() and minute < w.end - 24 * 60:
            return True
    return False


def walker_add(cal: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The end of the minute in which the `minutes`-th open minute after `start` ends (the next opening for 0)."""
    t, counted = start, 0
    while True:
        if walker_open(cal, t):
            if counted == minutes:
                return t
            counted += 1
            if counted == minutes:
                return t + timedelta(minutes=1)
        t += timedelta(minutes=1)


@st.composite
def dst_calendars(draw: st.DrawFn) -> BusinessCalendar:
    texts = []
    for _ in range(draw(st.integers(1, 3))):
        day = draw(st.sampled_from(DAYS)).title()
        start, end = sorted(draw(st.lists(st.sampled_from(EDGES), min_size=2, max_size=2, unique=True)))
        if draw(st.booleans()) and end < 24 * 60 and start > 0:
            start, end = end, start  # an overnight window
        texts.append(f"{day} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    windows = tuple(w for t in texts for w in parse_window(t))
    return BusinessCalendar("dst", ZoneInfo(draw(st.sampled_from(ZONES))), windows, None, business_day_minutes=60)


@st.composite
def near_a_change(draw: st.DrawFn) -> datetime:
    day = draw(st.sampled_from(CHANGES))
    minute = draw(st.integers(-2 * 24 * 60, 2 * 24 * 60))
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)


@settings(max_examples=100, deadline=None)
@given(dst_calendars(), near_a_change(), st.integers(0, 36 * 60))
def test_elapsed_and_is_open_match_the_walker(cal: BusinessCalendar, start: datetime, minutes: int) -> None:
    expected = sum(walker_open(cal, start + timedelta(minutes=m)) for m in range(minutes))
    assert cal.elapsed(start, start + timedelta(minutes=minutes)) == timedelta(minutes=expected)
    assert cal.is_open(start) == walker_open(cal, start)


@settings(max_examples=100, deadline=None)
@given(dst_calendars(), near_a_change(), st.integers(0, 90))
def test_add_matches_the_walker(cal: BusinessCalendar, start: datetime, minutes: int) -> None:
    # Compared in UTC: across zones, `==` calls a repeated-hour instant unequal to everything (PEP 495).
    assert cal.add(start, timedelta(minutes=minutes)).astimezone(UTC) == walker_add(cal, start, minutes)
