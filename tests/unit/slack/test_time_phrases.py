"""Times typed in `/sla` commands, read in the typist's zone; unreadable ones list the accepted forms."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sla_core.slack.time_phrases import TimePhraseError, parse_span, parse_time, split_at

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # Tue 11:00 EDT (UTC-4 since 8 March)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("-30m", datetime(2026, 3, 10, 14, 30, tzinfo=UTC)),
        ("-1h30m", datetime(2026, 3, 10, 13, 30, tzinfo=UTC)),
        ("-2d", datetime(2026, 3, 8, 15, 0, tzinfo=UTC)),
        ("10:15", datetime(2026, 3, 10, 14, 15, tzinfo=UTC)),  # 10:15 EDT = 14:15Z, already past today
        ("12:00", datetime(2026, 3, 9, 16, 0, tzinfo=UTC)),  # today's 12:00 is ahead: yesterday's, 16:00Z
        ("yesterday 14:00", datetime(2026, 3, 9, 18, 0, tzinfo=UTC)),  # Mon 14:00 EDT
        ("today 09:30", datetime(2026, 3, 10, 13, 30, tzinfo=UTC)),
        ("2026-03-06T09:00", datetime(2026, 3, 6, 14, 0, tzinfo=UTC)),  # before DST: 09:00 EST = 14:00Z
        ("2026-03-06T09:00:00+01:00", datetime(2026, 3, 6, 8, 0, tzinfo=UTC)),  # an explicit offset wins
        # Forward, for maintenance declared ahead: Wed 11 Mar 21:00 EDT = 12 Mar 01:00Z; now + 2 h 30 min.
        ("tomorrow 21:00", datetime(2026, 3, 12, 1, 0, tzinfo=UTC)),
        ("+2h30m", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
    ],
)
def test_phrases_read_in_the_zone(text: str, expected: datetime) -> None:
    assert parse_time(text, zone=NY, now=NOW) == expected


@pytest.mark.parametrize("text", ["teatime", "25:00", "-", "+", "-5x", "tomorrow 10", "2026-13-01", ""])
def test_unreadable_times_list_the_accepted_forms(text: str) -> None:
    with pytest.raises(TimePhraseError) as error:
        parse_time(text, zone=NY, now=NOW)
    assert f"`{text}`" in str(error.value)
    assert "`yesterday 14:00`" in str(error.value) and "`-30m`" in str(error.value)


def test_split_at_takes_the_last_at() -> None:
    assert split_at(("a", "b", "at", "home", "at", "-5m")) == (("a", "b", "at", "home"), "-5m")
    assert split_at(("a", "b")) == (("a", "b"), None)


def test_span_with_a_bare_end_time_ends_after_its_start() -> None:
    start, end = parse_span(("yesterday", "09:00", "10:00"), zone=NY, now=NOW)
    # Mon 9 Mar 09:00-10:00 EDT = 13:00Z-14:00Z; alone, `10:00` would be the latest 10:00, today's.
    assert (start, end) == (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), datetime(2026, 3, 9, 14, 0, tzinfo=UTC))
    start, end = parse_span(("today", "09:00", "10:00"), zone=NY, now=NOW)
    assert (start, end) == (datetime(2026, 3, 10, 13, 0, tzinfo=UTC), datetime(2026, 3, 10, 14, 0, tzinfo=UTC))
    start, end = parse_span(("yesterday", "23:30", "00:15"), zone=NY, now=NOW)  # crosses midnight
    assert end == datetime(2026, 3, 10, 4, 15, tzinfo=UTC)  # Tue 00:15 EDT


def test_span_that_does_not_read_says_so() -> None:
    with pytest.raises(TimePhraseError, match="as a start and an end time"):
        parse_span(("soon", "later"), zone=NY, now=NOW)


@pytest.mark.parametrize("phrase", ["-999999999d", "+999999999d", "-2932897d"])
def test_an_offset_beyond_any_calendar_is_refused_with_the_accepted_forms(phrase: str) -> None:
    with pytest.raises(TimePhraseError, match=r"reaches beyond any date a record can hold\. Accepted: `now`"):
        parse_time(phrase, zone=NY, now=NOW)
