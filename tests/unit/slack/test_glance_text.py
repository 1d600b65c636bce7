"""The downtime budget line and the sparkline lines as Slack shows them, figures worked by hand.

November 2026 has 43,260 minutes in New York and Los Angeles (the fall-back day is 25 h), 43,200 in Phoenix;
March 2026 in New York 44,580 (the spring-forward day is 23 h). Minutes are rounded down.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from slack_sdk.models.blocks import Block

from sla_core.app.month_glance import ComponentGlance
from sla_core.engine.availability import Measurement, measure
from sla_core.engine.daily_availability import daily_availability
from sla_core.engine.downtime_budget import DowntimeBudget, downtime_budget
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.render.glance import budget_line, glance_blocks, percent, sparkline_lines


def outage(start: str, minutes: float, cause: str | None = None) -> Downtime:
    begin = datetime.fromisoformat(start)
    return downtime(begin, begin + timedelta(minutes=minutes), Kind.UNPLANNED, cause)


def month(policy_id: str, year: int, mon: int, *intervals: Downtime) -> ComponentGlance:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    period = month_period(year, mon, zone)
    m: Measurement = measure(terms, list(intervals), period, zone)
    budget: DowntimeBudget = downtime_budget(terms, policy.terms.credit, m)
    days = daily_availability(terms, m, zone, credit=policy.terms.credit)
    return ComponentGlance("platform", period, m, budget, days)


@pytest.mark.parametrize(
    ("policy_id", "year", "mon", "intervals", "line"),
    [
        # 216.3 − 55 = 161.3 min left = 2 h 41 min; 10% at 2% × 43,260 = 865.2 min = 14 h 25 min, 810.2 more.
        ("resonate", 2026, 11, [outage("2026-11-03T10:00:00-05:00", 55)],
         "downtime budget: 2 h 41 min left before 99.5% (missing it starts the 7% tier); "
         "the 10% tier starts at 14 h 25 min of downtime (13 h 30 min more)"),
        # March: 222.9 allowed, 300 down: 77.1 past = 1 h 17 min; 10% at 891.6 = 14 h 51 min, 591.6 = 9 h 51 min more.
        ("resonate", 2026, 3, [outage("2026-03-10T10:00:00-04:00", 300)],
         "downtime budget: used up: 1 h 17 min beyond what 99.5% allows, in the 7% tier; "
         "the 10% tier starts at 14 h 51 min of downtime (9 h 51 min more)"),
        # 1,000 − 216.3 = 783.7 past = 13 h 03 min, and 1,000 ≥ 865.2: the 10% tier, the last.
        ("resonate", 2026, 11, [outage("2026-11-03T10:00:00-05:00", 1000)],
         "downtime budget: used up: 13 h 03 min beyond what 99.5% allows, in the 10% tier; no higher tier"),
        # 0.01% × 43,260 = 4.326 min: 3 down leaves 1.326 = 1 min; 4.3 down leaves 0.026 min; 10 down: 5.674 past.
        ("sonar-software", 2026, 11, [outage("2026-11-03T10:00:00-05:00", 3)],
         "downtime budget: 1 min left before 99.99%; once it is missed, every counted minute of the month "
         "earns credit"),
        ("sonar-software", 2026, 11, [outage("2026-11-03T10:00:00-05:00", 4.3)],
         "downtime budget: less than 1 min left before 99.99%; once it is missed, every counted minute of the month "
         "earns credit"),
        ("sonar-software", 2026, 11, [outage("2026-11-03T10:00:00-05:00", 10)],
         "downtime budget: used up: 5 min beyond what 99.99% allows; every counted minute of the month earns credit"),
        # Phoenix: 0.1% × (43,200 − 60 DDoS) = 43.14 min; 30 down: 13.14 = 13 min left.
        ("sonoran-servers", 2026, 11,
         [outage("2026-11-03T10:00:00-07:00", 60, "ddos"), outage("2026-11-04T10:00:00-07:00", 30)],
         "downtime budget: 13 min left before 99.9%; every counted minute earns credit"),
        # 1.5% × 43,260 = 648.9 min: 90 down leaves 558.9 = 9 h 18 min.
        ("atheer", 2026, 11, [outage("2026-11-07T10:00:00-08:00", 90)],
         "downtime budget: 9 h 18 min left before 98.5%; no service credit"),
    ],
)  # fmt: skip
def test_the_budget_line(policy_id: str, year: int, mon: int, intervals: list[Downtime], line: str) -> None:
    assert budget_line(month(policy_id, year, mon, *intervals).budget) == line


def test_a_policy_without_an_availability_target_says_so() -> None:
    assert budget_line(None, no_target="SonarSource sets no availability target") == (
        "downtime budget: none, SonarSource sets no availability target"
    )


def test_the_sparkline_lines_for_a_whole_november() -> None:
    # 55 min on Tue 3 Nov: 1 − 55/1,440 = 96.1805…% -> ▄ (≥ 96); every other day █.
    glance = month("resonate", 2026, 11, outage("2026-11-03T10:00:00-05:00", 55))
    assert glance.days is not None
    assert sparkline_lines(glance.days) == [
        "daily availability `██▄" + "█" * 27 + "` Sun 1 Nov – Mon 30 Nov",
        "█ 100% · ▇ ≥ 99.5% (target) · ▆ ≥ 99% · ▅ ≥ 98% · ▄ ≥ 96% · ▃ ≥ 92% · ▂ ≥ 84% · ▁ below 84%",
        "worst day: Tue 3 Nov, 96.1805% (55 min of downtime) · credit tier reached: none",
    ]


def test_the_sparkline_names_the_tier_reached_and_leaves_it_out_without_bands() -> None:
    # 300 min on Tue 10 Mar: 1 − 300/1,440 = 79.1666…% -> ▁ (below 84); the month is 99.3270% -> the 7% tier.
    resonate = month("resonate", 2026, 3, outage("2026-03-10T10:00:00-04:00", 300)).days
    assert resonate is not None
    lines = sparkline_lines(resonate)
    assert lines[0] == "daily availability `█████████▁" + "█" * 21 + "` Sun 1 Mar – Tue 31 Mar"
    assert lines[2] == "worst day: Tue 10 Mar, 79.1666% (5 h of downtime) · credit tier reached: 7%"
    quiet = month("sonar-software", 2026, 11).days
    assert quiet is not None
    assert sparkline_lines(quiet)[1:] == [
        "█ 100% · ▇ ≥ 99.99% (target) · ▆ ≥ 99.98% · ▅ ≥ 99.96% · ▄ ≥ 99.92% · ▃ ≥ 99.84% · ▂ ≥ 99.68% · "
        "▁ below 99.68%",
        "no counted downtime",  # per-minute credit: no tiers to name
    ]


def test_percent_rounds_down_and_drops_trailing_zeros() -> None:
    assert [percent(v) for v in (100, Decimal("99.5"), Fraction("96.18055"))] == ["100", "99.5", "96.1805"]


def test_the_glance_blocks_are_valid_block_kit_with_the_notes_and_a_no_target_component() -> None:
    sonoran = month("sonoran-servers", 2026, 11, outage("2026-11-04T10:00:00-07:00", 30))
    period = month_period(2026, 11, load_policy("sonarsource").zone_for(None))
    none = ComponentGlance("platform", period, None, None, None, "SonarSource sets no availability target")
    blocks = glance_blocks([sonoran, none])
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    texts = [b["elements"][0]["text"] for b in blocks]
    assert texts[0].startswith("*platform* downtime budget: 13 min left before 99.9%")
    assert "(outages shorter than 5 minutes are not recorded and use none of it; excluded time leaves" in texts[0]
    assert "daily availability `███▂" in texts[0]  # 30 min on Wed 4 Nov: 97.92% -> ▂ (≥ 96.8, under 98.4)
    assert texts[1] == "*platform* downtime budget: none, SonarSource sets no availability target"
