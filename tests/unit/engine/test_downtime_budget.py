"""The downtime budget: counted downtime left before the target and before each credit band, by hand.

Month lengths in their policy's zone: November 2026 in New York and Los Angeles has 30 × 1,440 + 60 = 43,260 minutes
(clocks fall back on Nov 1), March 2026 in New York 31 × 1,440 − 60 = 44,580 (they spring forward on Mar 8), and
November 2026 in Phoenix (no daylight saving) 43,200.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from msgspec.structs import replace

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.downtime_budget import DowntimeBudget, downtime_budget, tier_reached
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.terms import Cap, CreditTerms, Percent

MIN = 60_000_000  # µs per minute


def outage(start: str, length: float | timedelta, kind: Kind = Kind.UNPLANNED, cause: str | None = None) -> Downtime:
    """An interval from `start` lasting `length` (minutes, or a timedelta)."""
    begin = datetime.fromisoformat(start)
    span = length if isinstance(length, timedelta) else timedelta(minutes=length)
    return downtime(begin, begin + span, kind, cause)


def measured(policy_id: str, year: int, month: int, *intervals: Downtime) -> tuple[Measurement, DowntimeBudget]:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    m = measure(terms, list(intervals), month_period(year, month, zone), zone)
    return m, downtime_budget(terms, policy.terms.credit, m)


def minutes(micros: Fraction | int) -> Fraction:
    return Fraction(micros) / MIN


# -- Resonate: 99.5%, bands below 99.5% -> 7% and at or below 98% -> 10%, cap 10% ----------------------------


def test_resonate_november_in_new_york_has_43260_minutes_to_measure() -> None:
    # 55 min down on Tue 3 Nov. The target allows 0.5% × 43,260 = 216.3 min: 216.3 − 55 = 161.3 left.
    # The 10% band starts at 2% × 43,260 = 865.2 min of downtime: 865.2 − 55 = 810.2 more.
    m, budget = measured("resonate", 2026, 11, outage("2026-11-03T10:00:00-05:00", 55))
    assert m.total == 43_260 * MIN and budget.measured == 43_260 * MIN
    assert minutes(budget.allowed) == Fraction("216.3") and minutes(budget.left) == Fraction("161.3")
    assert budget.met and budget.credit == "bands" and budget.reached is None
    seven, ten = budget.bands
    assert (seven.percent, minutes(seven.starts_at), seven.inclusive) == (Decimal(7), Fraction("216.3"), False)
    assert (ten.percent, minutes(ten.starts_at), ten.inclusive) == (Decimal(10), Fraction("865.2"), True)
    assert budget.target_band is seven  # missing the target is what starts the 7% band
    assert budget.next_band is ten and minutes(ten.left(budget.counted)) == Fraction("810.2")


def test_resonate_march_in_new_york_is_an_hour_short_and_past_the_target() -> None:
    # 300 min down. 0.5% × 44,580 = 222.9 allowed: missed by 300 − 222.9 = 77.1 min, so the 7% band is reached;
    # the 10% band starts at 2% × 44,580 = 891.6 min: 591.6 more.
    m, budget = measured("resonate", 2026, 3, outage("2026-03-10T10:00:00-04:00", 300))
    assert m.total == 44_580 * MIN
    assert minutes(budget.allowed) == Fraction("222.9") and minutes(budget.left) == Fraction("-77.1")
    assert not budget.met and budget.reached is not None and budget.reached.percent == 7
    assert budget.next_band is not None and budget.next_band.percent == 10
    assert minutes(budget.next_band.left(budget.counted)) == Fraction("591.6")


def test_resonate_bands_start_exactly_where_the_credit_mechanism_says() -> None:
    # Exactly 216.3 min (216 min 18 s) still meets 99.5%: 0 left, no band. Exactly 865.2 min (865 min 12 s) is
    # availability 98% exactly, which the 'at or below 98' band includes: 10%; one µs less stays at 7%.
    _, at_target = measured("resonate", 2026, 11, outage("2026-11-03T10:00:00-05:00", 216.3))
    assert at_target.met and at_target.left == 0 and at_target.reached is None
    m, at_ten = measured("resonate", 2026, 11, outage("2026-11-03T10:00:00-05:00", 865.2))
    assert at_ten.reached is not None and at_ten.reached.percent == 10 and at_ten.next_band is None
    policy = load_policy("resonate")
    assert tier_reached(policy.terms.credit, m) == 10
    short = outage("2026-11-03T10:00:00-05:00", timedelta(minutes=865, seconds=12, microseconds=-1))
    _, under_ten = measured("resonate", 2026, 11, short)
    assert under_ten.reached is not None and under_ten.reached.percent == 7


def test_a_cap_below_a_band_leaves_that_band_out() -> None:
    # Capped at 7%, the 10% band gives 7% too: reaching it changes nothing, so it is no 'next tier'.
    policy = load_policy("resonate")
    credit, terms = policy.terms.credit, policy.terms.availability
    assert credit is not None and terms is not None
    capped = replace(credit, cap=Cap(percent=Percent("7"), quote="test cap"))
    zone = policy.zone_for(None)
    m = measure(terms, [outage("2026-11-03T10:00:00-05:00", 55)], month_period(2026, 11, zone), zone)
    budget = downtime_budget(terms, capped, m)
    assert [b.percent for b in budget.bands] == [7]
    assert budget.next_band is None


# -- Sonar Software: 99.99%, per-minute credit once the target is missed; maintenance forbidden in hours --------


def test_sonar_maintenance_counts_only_inside_the_forbidden_business_hours() -> None:
    # Allowed: 0.01% × 43,260 = 4.326 min. Maintenance announced a week ahead: Tue 3 Nov 10:00–10:02 falls in the
    # forbidden Mon–Fri 07:00–19:00 and counts (2 min); Sat 7 Nov 10:00–12:00 is outside it and is excluded.
    # Left: 4.326 − 2 = 2.326 min. Credit: every counted minute of the month once below 99.99%.
    notice = datetime.fromisoformat("2026-10-27T10:00:00-04:00")

    def maintenance(start: str, minutes_long: int) -> Downtime:
        begin = datetime.fromisoformat(start)
        return downtime(begin, begin + timedelta(minutes=minutes_long), Kind.SCHEDULED, announced=notice)

    m, budget = measured(
        "sonar-software",
        2026,
        11,
        maintenance("2026-11-03T10:00:00-05:00", 2),
        maintenance("2026-11-07T10:00:00-05:00", 120),
    )
    assert m.counted == 2 * MIN and m.excluded == 120 * MIN
    assert minutes(budget.allowed) == Fraction("4.326") and minutes(budget.left) == Fraction("2.326")
    assert budget.credit == "after_target" and budget.bands == ()


def test_sonar_other_reading_credits_only_the_minutes_beyond_the_target() -> None:
    policy = load_policy("sonar-software")
    credit, terms = policy.terms.credit, policy.terms.availability
    assert credit is not None and terms is not None
    zone = policy.zone_for(None)
    m = measure(terms, [], month_period(2026, 11, zone), zone)
    assert downtime_budget(terms, replace(credit, credited="beyond_target"), m).credit == "beyond_target"


# -- Sonoran: 99.9% of the month less excluded time, 5-minute minimum outage, proportional credit always ---------


def test_sonoran_measures_the_month_less_excluded_time_and_drops_short_outages() -> None:
    # Phoenix November: 43,200 min. A 4-min outage is under the 5-min minimum: not recorded. 60 min of DDoS is
    # excluded and leaves the month: measured 43,200 − 60 = 43,140, allowed 0.1% × 43,140 = 43.14 min
    # (43.2 if the month were whole). 30 min unplanned counted: 13.14 left. Every counted minute earns credit.
    m, budget = measured(
        "sonoran-servers", 2026, 11,
        outage("2026-11-02T10:00:00-07:00", 4),
        outage("2026-11-03T10:00:00-07:00", 60, cause="ddos"),
        outage("2026-11-04T10:00:00-07:00", 30),
    )  # fmt: skip
    assert m.total == 43_200 * MIN and m.counted == 30 * MIN and m.excluded == 60 * MIN
    assert budget.measured == 43_140 * MIN
    assert minutes(budget.allowed) == Fraction("43.14") and minutes(budget.left) == Fraction("13.14")
    assert budget.credit == "every_minute" and budget.bands == ()
    assert budget.notes == (
        "outages shorter than 5 minutes are not recorded and use none of it",
        "excluded time leaves the month too, so more of it shrinks the budget a little",
    )


# -- Atheer: 98.5%, no credit; business-hours support, but availability counts every minute -------------------


def test_atheer_counts_weekend_and_weekday_minutes_alike_and_maintenance_beyond_eight_hours() -> None:
    # Los Angeles November: 43,260 min; allowed 1.5% × 43,260 = 648.9 min. Scheduled maintenance Tue 3 Nov
    # 00:00–09:00 (9 h, no announcement time: taken as announced in time) uses the 8 h allowance; the ninth hour
    # counts (60 min). Sat 7 Nov 10:00–10:30 (support is closed; the service still is not) counts 30 min.
    # Left: 648.9 − 90 = 558.9 min. No credit.
    m, budget = measured(
        "atheer", 2026, 11,
        outage("2026-11-03T00:00:00-08:00", 9 * 60, Kind.SCHEDULED),
        outage("2026-11-07T10:00:00-08:00", 30),
    )  # fmt: skip
    assert m.counted == 90 * MIN
    assert minutes(budget.allowed) == Fraction("648.9") and minutes(budget.left) == Fraction("558.9")
    assert budget.credit == "none" and budget.bands == () and budget.notes == ()


# -- the five shipped policies' band structures -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_id", "shape", "bands"),
    [
        ("resonate", "bands", [(7, False), (10, True)]),
        ("sonar-software", "after_target", []),
        ("sonoran-servers", "every_minute", []),
        ("atheer", "none", []),
    ],
)
def test_each_policy_with_a_target_has_its_credit_shape(
    policy_id: str, shape: str, bands: list[tuple[int, bool]]
) -> None:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    budget = downtime_budget(terms, policy.terms.credit, measure(terms, [], month_period(2026, 11, zone), zone))
    assert budget.credit == shape and [(int(b.percent), b.inclusive) for b in budget.bands] == bands
    assert budget.left == budget.allowed > 0  # nothing down yet: the whole allowance is left


def test_sonarsource_has_no_availability_target_and_a_credit_not_about_downtime() -> None:
    policy = load_policy("sonarsource")
    credit = policy.terms.credit
    assert policy.terms.availability is None  # so no budget: the glance says so (test_month_glance)
    assert isinstance(credit, CreditTerms) and credit.mechanism == "missed_responses" and credit.bands == ()
