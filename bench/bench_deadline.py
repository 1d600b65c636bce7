"""Business-time deadlines: our engine against `businesstimedelta` on the same inputs.

Same calendar for both: Mon–Fri 09:00–19:00 America/New_York with US federal holidays. 2,000 start instants
spread over 2026 (seeded), durations of 5 and 30 business days (50 h and 300 h of open time). Prints the
median time per deadline for each engine, the ratio, and how many answers agree. Both sides read holidays as
local dates in the calendar's zone (businesstimedelta's HolidayRule gets the zone too; without it, it closes
UTC dates, which is wrong away from New York's morning hours), and the agreement is also counted for Los
Angeles 09:00–17:00 and Tokyo 09:00–18:00 with their holidays.
Run: PYTHONPATH=layers/sla_core .venv/bin/python bench/bench_deadline.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from zoneinfo import ZoneInfo

import businesstimedelta
import holidays
import pytz

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.windows import parse_window

NY = ZoneInfo("America/New_York")
STARTS = 2_000
REPEATS = 7


def median_micros(call: Callable[[datetime], object], starts: list[datetime]) -> float:
    """Median over REPEATS runs of the mean time per call across all starts, in microseconds."""
    runs = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        for start in starts:
            call(start)
        runs.append((time.perf_counter() - began) / len(starts) * 1e6)
    return statistics.median(runs)


def their_rule(zone: str, opens: int, closes: int, country: str) -> businesstimedelta.Rules:
    """businesstimedelta's Mon–Fri calendar in `zone`, with `country`'s holidays read in that zone."""
    tz = pytz.timezone(zone)
    return businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=clock_time(opens), end_time=clock_time(closes), working_days=[0, 1, 2, 3, 4], tz=tz
            ),
            businesstimedelta.HolidayRule(holidays.country_holidays(country, years=range(2026, 2028)), tz=tz),
        ]
    )


def agreement(zone: str, opens: int, closes: int, country: str, starts: list[datetime]) -> str:
    """How many 5-business-day deadlines the two engines agree on for one calendar."""
    window = f"Mon-Fri {opens:02d}:00-{closes:02d}:00"
    ours = BusinessCalendar(zone, ZoneInfo(zone), tuple(parse_window(window)), HolidaySet(HolidaySpec(country)))
    amount = timedelta(hours=5 * (closes - opens))
    btd = businesstimedelta.BusinessTimeDelta(their_rule(zone, opens, closes, country), timedelta=amount)
    agree = sum(ours.add(s, amount) == (s + btd) for s in starts)
    return f"{zone} {window} ({country} holidays), 5 business days: same answer for {agree}/{len(starts)} starts"


def main() -> None:
    rng = random.Random(20261122)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(STARTS)]

    ours = BusinessCalendar("bench", NY, tuple(parse_window("Mon-Fri 09:00-19:00")), HolidaySet(HolidaySpec("US")))
    rule = their_rule("America/New_York", 9, 19, "US")
    atheer = load_policy("atheer")

    print(f"{STARTS} start instants in 2026, Mon–Fri 09:00–19:00 America/New_York, US holidays")
    for days in (5, 30):
        amount = timedelta(hours=10 * days)
        btd = businesstimedelta.BusinessTimeDelta(rule, timedelta=amount)
        agree = sum(ours.add(s, amount) == (s + btd) for s in starts)
        fresh = BusinessCalendar("cold", NY, ours.windows, HolidaySet(HolidaySpec("US")))
        cold_began = time.perf_counter()
        for start in starts:
            fresh.add(start, amount)
        cold = (time.perf_counter() - cold_began) / len(starts) * 1e6
        warm = median_micros(partial(ours.add, duration=amount), starts)
        theirs = median_micros(btd.__radd__, starts[:400])
        print(
            f"{days:>2} business days: slaops {warm:6.1f} µs warm ({cold:6.1f} µs first pass), "
            f"businesstimedelta {theirs:8.1f} µs -> {theirs / warm:5.1f}x faster; "
            f"same answer for {agree}/{len(starts)} starts"
        )
    for zone, opens, closes, country in (("America/Los_Angeles", 9, 17, "US"), ("Asia/Tokyo", 9, 18, "JP")):
        print(agreement(zone, opens, closes, country, starts[:500]))
    full = median_micros(lambda s: compute_deadline(atheer, "P3", s), starts)
    print(f"compute_deadline(atheer, P3 = 5 business days, with policy lookup): {full:.1f} µs median per deadline")


if __name__ == "__main__":
    main()
