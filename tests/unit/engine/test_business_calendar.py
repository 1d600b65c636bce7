"""Business-time arithmetic on hand-made calendars: windows, overnight spans, holidays, DST, errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla_core.engine.business_calendar import BusinessCalendar, add, elapsed, remaining
from sla_core.engine.durations import parse_duration
from sla_core.engine.errors import InputError, PolicyError, SlaError
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.windows import parse_window

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def cal(*windows: str, zone: ZoneInfo = NY, holidays: HolidaySpec | None = None) -> BusinessCalendar:
    parsed = tuple(w for text in windows for w in parse_window(text))
    return BusinessCalendar("test", zone, parsed, HolidaySet(holidays) if holidays else None)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_business_day_is_the_calendars_open_length() -> None:
    # 09:00–19:00 -> a business day is 10 open hours; 24x5 -> 24 h; a week is 5 of them.
    assert cal("Mon-Fri 09:00-19:00").to_timedelta(parse_duration("1 business day")) == timedelta(hours=10)
    assert cal("Mon-Fri 00:00-24:00").to_timedelta(parse_duration("2 business days")) == timedelta(hours=48)
    assert cal("Mon-Fri 09:00-19:00").to_timedelta(parse_duration("1 week")) == timedelta(hours=50)


def test_add_lands_exactly_on_a_closing_time_not_the_next_opening() -> None:
    # 10 h from Mon 09:00 on 09:00–19:00 is Mon 19:00, the earliest instant with 10 h elapsed.
    c = cal("Mon-Fri 09:00-19:00")
    assert c.add(at("2026-11-16T09:00:00-05:00"), timedelta(hours=10)) == at("2026-11-16T19:00:00-05:00")


def test_add_from_closed_time_starts_at_next_opening() -> None:
    # Sunday 12:00 -> the clock starts Mon 09:00; 1 h -> 10:00.
    c = cal("Mon-Fri 09:00-19:00")
    assert add(at("2026-11-15T12:00:00-05:00"), timedelta(hours=1), c) == at("2026-11-16T10:00:00-05:00")


def test_thirty_business_days_jump_whole_weeks() -> None:
    # 30 business days x 10 h = 300 h = 6 whole weeks of 50 h: Mon Nov 2 09:00 -> Fri Dec 11 19:00
    # (no holidays in this calendar).
    c = cal("Mon-Fri 09:00-19:00")
    got = c.add(at("2026-11-02T09:00:00-05:00"), parse_duration("30 business days"))
    assert got == at("2026-12-11T19:00:00-05:00")


def test_overnight_window_runs_past_midnight() -> None:
    # Thu 21:00–03:00 is 6 h. 4 h from Thu Nov 19 22:00: 2 h to midnight, 2 h Friday -> Fri 02:00.
    c = cal("Thu 21:00-03:00")
    assert c.add(at("2026-11-19T22:00:00-05:00"), timedelta(hours=4)) == at("2026-11-20T02:00:00-05:00")
    # 7 h from Thu 21:00: 6 h this week, then 1 h from next Thu 21:00 -> Thu Nov 26 22:00.
    assert c.add(at("2026-11-19T21:00:00-05:00"), timedelta(hours=7)) == at("2026-11-26T22:00:00-05:00")
    assert c.is_open(at("2026-11-20T02:59:00-05:00"))
    assert not c.is_open(at("2026-11-20T03:00:00-05:00"))


def test_overnight_window_from_sunday_wraps_into_monday() -> None:
    # Sun 21:00–03:00 wraps into Monday of the next week: 4 h from Sun Nov 22 21:00 -> Mon Nov 23 01:00.
    c = cal("Sun 21:00-03:00")
    assert c.add(at("2026-11-22T21:00:00-05:00"), timedelta(hours=4)) == at("2026-11-23T01:00:00-05:00")


def test_elapsed_counts_only_open_time() -> None:
    # Fri 17:00 -> Mon 11:00 on 09:00–19:00: 2 h Friday + 2 h Monday.
    c = cal("Mon-Fri 09:00-19:00")
    assert elapsed(at("2026-11-20T17:00:00-05:00"), at("2026-11-23T11:00:00-05:00"), c) == timedelta(hours=4)


def test_remaining_goes_negative_by_open_time_after_the_deadline() -> None:
    # Due Fri 18:00; at Mon 10:00 the deadline is 1 h Friday + 1 h Monday = 2 open hours overdue.
    c = cal("Mon-Fri 09:00-19:00")
    due = at("2026-11-20T18:00:00-05:00")
    assert remaining(at("2026-11-20T16:30:00-05:00"), due, c) == timedelta(hours=1, minutes=30)
    assert remaining(at("2026-11-23T10:00:00-05:00"), due, c) == -timedelta(hours=2)


def test_holidays_from_the_package_and_explicit_dates_close_whole_days() -> None:
    # US: Thanksgiving Nov 26; explicit: Fri Nov 27. Wed Nov 25 17:00 + 4 h: 2 h Wed, Thu and Fri closed,
    # Mon Nov 30 09:00 + 2 h = 11:00.
    spec = HolidaySpec("US", None, (date(2026, 11, 27),))
    c = cal("Mon-Fri 09:00-19:00", holidays=spec)
    assert c.add(at("2026-11-25T17:00:00-05:00"), timedelta(hours=4)) == at("2026-11-30T11:00:00-05:00")


def test_24_7_clock_hours_are_real_time_across_both_dst_changes() -> None:
    # Spring forward (Sun Mar 8 2026): Sat 12:00 EST + 24 h = Sun 13:00 EDT. Fall back (Sun Nov 1):
    # Sat Oct 31 12:00 EDT + 24 h = Sun 11:00 EST.
    c = cal("Mon-Sun 00:00-24:00")
    assert c.always_open
    assert c.add(at("2026-03-07T12:00:00-05:00"), timedelta(hours=24)) == at("2026-03-08T13:00:00-04:00")
    assert c.add(at("2026-10-31T12:00:00-04:00"), timedelta(hours=24)) == at("2026-11-01T11:00:00-05:00")


def test_24_7_with_holidays_still_counts_real_time_across_dst() -> None:
    # Same as above but with a holiday set, so the interval path (not the fast path) is used.
    c = cal("Mon-Sun 00:00-24:00", holidays=HolidaySpec(None, None, (date(2026, 1, 1),)))
    assert not c.always_open
    assert c.add(at("2026-03-07T12:00:00-05:00"), timedelta(hours=24)) == at("2026-03-08T13:00:00-04:00")
    assert c.elapsed(at("2026-10-31T00:00:00-04:00"), at("2026-11-02T00:00:00-05:00")) == timedelta(hours=49)


def test_window_inside_the_skipped_hour_has_no_open_time() -> None:
    # Sun Mar 8 2026 02:00–03:00 does not exist in New York: that Sunday's window is empty, so 30 min
    # from Sun Mar 8 00:00 EST lands in the next Sunday's window: Mar 15 02:30 EDT.
    c = cal("Sun 02:00-03:00")
    assert c.add(at("2026-03-08T00:00:00-05:00"), timedelta(minutes=30)) == at("2026-03-15T02:30:00-04:00")


def test_europe_business_hours_follow_local_time_across_spring_forward() -> None:
    # Berlin 09:00–17:00: Fri Mar 27 16:00 CET + 2 h -> 1 h Fri, Mon Mar 30 09:00 CEST + 1 h = 10:00 CEST.
    c = cal("Mon-Fri 09:00-17:00", zone=BERLIN)
    assert c.add(at("2026-03-27T16:00:00+01:00"), timedelta(hours=2)) == at("2026-03-30T10:00:00+02:00")


def test_same_instant_in_another_offset_gives_the_same_answer() -> None:
    c = cal("Mon-Fri 09:00-19:00")
    a = c.add(at("2026-11-20T18:30:00-05:00"), timedelta(hours=2))
    b = c.add(at("2026-11-20T23:30:00+00:00"), timedelta(hours=2))
    assert a == b == at("2026-11-23T10:30:00-05:00")


def test_next_open_and_is_open() -> None:
    c = cal("Mon-Fri 09:00-19:00")
    assert c.next_open(at("2026-11-21T12:00:00-05:00")) == at("2026-11-23T09:00:00-05:00")
    assert c.next_open(at("2026-11-23T10:00:00-05:00")) == at("2026-11-23T10:00:00-05:00")
    assert not c.is_open(at("2026-11-23T19:00:00-05:00"))


def test_naive_instants_are_rejected() -> None:
    c = cal("Mon-Fri 09:00-19:00")
    with pytest.raises(InputError, match="no time zone"):
        c.add(datetime(2026, 11, 20, 9, 0), timedelta(hours=1))
    with pytest.raises(InputError, match="no time zone"):
        c.elapsed(at("2026-11-20T09:00:00-05:00"), datetime(2026, 11, 21))


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(SlaError, match="negative"):
        cal("Mon-Fri 09:00-19:00").add(at("2026-11-20T09:00:00-05:00"), timedelta(hours=-1))


def test_calendar_without_open_time_is_rejected() -> None:
    with pytest.raises(PolicyError, match="no open time"):
        BusinessCalendar("empty", NY, (), None)


def test_calendar_whose_days_differ_needs_an_explicit_business_day() -> None:
    with pytest.raises(PolicyError, match="business_day"):
        cal("Mon-Fri 09:00-17:00", "Sat 10:00-12:00")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("4 hrs later", "not a duration"),
        ("0 hours", "positive"),
        ("two days", "not a duration"),
    ],
)
def test_bad_durations_say_what_is_accepted(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as err:
        parse_duration(text)
    assert "business days" in str(err.value)


@pytest.mark.parametrize("text", ["Funday 09:00-17:00", "Mon 25:00-26:00", "Mon-Fri 9-5", "Mon 09:00-24:30"])
def test_bad_windows_say_what_is_accepted(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_window(text)
    assert "Mon-Fri 09:00-19:00" in str(err.value)


def test_window_day_ranges_wrap_and_lists_combine() -> None:
    assert [w.weekday for w in parse_window("Fri-Mon 10:00-11:00")] == [4, 5, 6, 0]
    assert [w.weekday for w in parse_window("Tue,Thu 10:00-11:00")] == [1, 3]
