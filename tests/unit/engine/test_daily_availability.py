"""Availability per local day, the sparkline scale, the worst day and the tier, by hand.

November 2026 in New York starts with the fall-back day (Sun 1 Nov is 25 hours); March 2026 has the
spring-forward day (Sun 8 Mar is 23 hours). A 99.5% target has a shortfall s = 0.5, so the blocks' floors are
█ 100, ▇ 99.5, ▆ 99, ▅ 98, ▄ 96, ▃ 92, ▂ 84 and ▁ below.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from sla_core.engine.availability import measure
from sla_core.engine.daily_availability import DailyAvailability, daily_availability, scale
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy

MIN = 60_000_000


def outage(start: str, minutes: int, kind: Kind = Kind.UNPLANNED, cause: str | None = None) -> Downtime:
    begin = datetime.fromisoformat(start)
    return downtime(begin, begin + timedelta(minutes=minutes), kind, cause)


def daily(policy_id: str, year: int, month: int, *intervals: Downtime, until: str | None = None) -> DailyAvailability:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    m = measure(terms, list(intervals), month_period(year, month, zone), zone)
    end = to_micros(datetime.fromisoformat(until)) if until else None
    return daily_availability(terms, m, zone, credit=policy.terms.credit, until=end)


@pytest.mark.parametrize(
    ("target", "floors"),
    [
        ("99.5", ["100", "99.5", "99", "98", "96", "92", "84"]),  # Resonate: s = 0.5
        ("99.99", ["100", "99.99", "99.98", "99.96", "99.92", "99.84", "99.68"]),  # Sonar: s = 0.01
        ("99.9", ["100", "99.9", "99.8", "99.6", "99.2", "98.4", "96.8"]),  # Sonoran: s = 0.1
        ("98.5", ["100", "98.5", "97", "94", "88", "76", "52"]),  # Atheer: s = 1.5
    ],
)
def test_each_lower_block_stands_for_twice_the_downtime(target: str, floors: list[str]) -> None:
    levels = scale(Decimal(target))
    assert "".join(lv.block for lv in levels) == "█▇▆▅▄▃▂▁"
    assert [lv.floor for lv in levels] == [*(Fraction(f) for f in floors), None]


def test_november_in_new_york_has_a_25_hour_first_day() -> None:
    # 1 h down on Sun 1 Nov (25 h): 24/25 = 96% exactly -> ▄ (≥ 96). 1 h on Mon 2 Nov (24 h): 23/24 = 95.83% -> ▃.
    days = daily("resonate", 2026, 11, outage("2026-11-01T10:00:00-05:00", 60), outage("2026-11-02T10:00:00-05:00", 60))
    assert len(days.days) == 30
    first, second = days.days[0], days.days[1]
    assert (first.day, first.end - first.start, second.end - second.start) == (
        date(2026, 11, 1),
        25 * 60 * MIN,
        24 * 60 * MIN,
    )
    assert first.availability == 96 and second.availability == Fraction(23, 24) * 100
    assert days.sparkline == "▄▃" + "█" * 28
    assert days.worst is second  # 95.83% < 96%


def test_march_in_new_york_has_a_23_hour_day_that_takes_less_downtime() -> None:
    # 28 min on Sun 8 Mar (23 h = 1,380 min): 1 − 28/1,380 = 97.97% -> ▄; the same on Mon 9 Mar (1,440 min):
    # 1 − 28/1,440 = 98.06% -> ▅.
    days = daily("resonate", 2026, 3, outage("2026-03-08T10:00:00-04:00", 28), outage("2026-03-09T10:00:00-04:00", 28))
    assert len(days.days) == 31
    sunday, monday = days.days[7], days.days[8]
    assert (sunday.day, sunday.end - sunday.start) == (date(2026, 3, 8), 23 * 60 * MIN)
    assert sunday.availability == Fraction(1380 - 28, 1380) * 100
    assert monday.availability == Fraction(1440 - 28, 1440) * 100
    assert days.sparkline[7:9] == "▄▅"
    assert days.worst is sunday


def test_an_outage_over_midnight_is_split_between_its_local_days() -> None:
    # 23:30–00:30 EST: 30 min on Tue 3 Nov, 30 min on Wed 4 Nov, each 1 − 30/1,440 = 97.92% -> ▄ (≥ 96, under 98).
    days = daily("resonate", 2026, 11, outage("2026-11-03T23:30:00-05:00", 60))
    assert [d.counted // MIN for d in days.days[2:4]] == [30, 30]
    assert days.sparkline[2:4] == "▄▄"
    assert days.worst is days.days[2]  # equal days: the earlier is the worst


def test_the_monthly_maintenance_allowance_is_used_in_time_order_across_days() -> None:
    # Atheer excludes 8 h of maintenance a month. 6 h on Tue 3 Nov use 6 h of it (0 counted); 4 h on Thu 5 Nov
    # use the last 2 h and count 2 h. The days add up to the month: 120 min.
    days = daily(
        "atheer", 2026, 11,
        outage("2026-11-03T00:00:00-08:00", 6 * 60, Kind.SCHEDULED),
        outage("2026-11-05T00:00:00-08:00", 4 * 60, Kind.SCHEDULED),
    )  # fmt: skip
    assert [d.counted // MIN for d in days.days[2:5]] == [0, 0, 120]
    assert [d.excluded // MIN for d in days.days[2:5]] == [360, 0, 120]
    assert sum(d.counted for d in days.days) == 120 * MIN
    # Thu 5 Nov: 1 − 120/1,440 = 91.67% -> Atheer's ▄ (≥ 88; ▅ needs 94).
    assert days.days[4].availability == Fraction(1320, 1440) * 100 and days.sparkline[4] == "▄"


def test_scheduled_availability_takes_excluded_time_out_of_the_day() -> None:
    # Sonoran (month less excluded): Wed 4 Nov has 60 min DDoS (excluded) and 30 min unplanned: measured
    # 1,440 − 60 = 1,380, availability 1,350/1,380 = 97.83% -> ▂ (≥ 96.8). A 4-min outage on Thu 5 Nov is under
    # the 5-min minimum: not recorded, █.
    days = daily(
        "sonoran-servers", 2026, 11,
        outage("2026-11-04T10:00:00-07:00", 60, cause="ddos"),
        outage("2026-11-04T12:00:00-07:00", 30),
        outage("2026-11-05T10:00:00-07:00", 4),
    )  # fmt: skip
    wednesday, thursday = days.days[3], days.days[4]
    assert (wednesday.counted, wednesday.excluded, wednesday.measured) == (30 * MIN, 60 * MIN, 1380 * MIN)
    assert wednesday.availability == Fraction(1350, 1380) * 100
    assert days.sparkline[3:5] == "▂█"
    assert thursday.counted == 0


def test_the_month_so_far_stops_at_now_with_the_day_in_progress_cut() -> None:
    # Now Sat 14 Nov 12:00: 14 days; the 14th has 12 h so far, 1 h of them down: 11/12 = 91.67% -> ▂ (≥ 84, under
    # 92). The same hour over a whole day would be 95.83% -> ▃.
    days = daily("resonate", 2026, 11, outage("2026-11-14T09:00:00-05:00", 60), until="2026-11-14T12:00:00-05:00")
    assert len(days.days) == 14
    today = days.days[-1]
    assert today.end - today.start == 12 * 60 * MIN and today.availability == Fraction(11, 12) * 100
    assert days.sparkline == "█" * 13 + "▂"


def test_no_downtime_has_no_worst_day_and_a_month_not_begun_has_no_days() -> None:
    quiet = daily("resonate", 2026, 11)
    assert quiet.sparkline == "█" * 30 and quiet.worst is None and quiet.tier is None
    # Midnight starting 1 Nov is still daylight time (EDT, −04:00): the month's first instant.
    assert daily("resonate", 2026, 11, until="2026-11-01T00:00:00-04:00").days == ()


def test_the_tier_reached_is_the_months_band() -> None:
    # 300 min in November: 99.31% < 99.5 -> 7% (Resonate bands); 900 min: 97.92% <= 98 -> 10%.
    assert daily("resonate", 2026, 11, outage("2026-11-03T10:00:00-05:00", 300)).tier == 7
    ten = daily("resonate", 2026, 11, outage("2026-11-03T00:00:00-05:00", 900))
    assert ten.tier == 10 and ten.tiered
    sonar = daily("sonar-software", 2026, 11, outage("2026-11-03T10:00:00-05:00", 300))
    assert sonar.tier is None and not sonar.tiered  # per-minute credit: no tiers
