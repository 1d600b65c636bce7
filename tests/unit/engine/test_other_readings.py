"""Both figures for every reading (issue point 4): each reading carries `if_other`, the figures under the other
reading, computed by hand from the seed text below each case."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from sla_core.engine.alternate_readings import credit_result, deadline_result, variant
from sla_core.engine.clauses import Clause
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import all_policies, load_policy


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def down(start: str, end: str, kind: Kind = Kind.UNPLANNED, component: str | None = None) -> Downtime:
    iv = downtime(at(start), at(end), kind)
    return dataclasses.replace(iv, component=component)


def clauses(obj: Any) -> Iterator[Clause]:
    """Every clause of a policy (dataclasses, dicts and tuples walked)."""
    if isinstance(obj, Clause):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if not f.name.startswith("_") and f.name != "data":
                yield from clauses(getattr(obj, f.name))
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from clauses(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from clauses(value)


def reading(result: dict[str, Any], text: str) -> dict[str, Any]:
    found = [r for r in result["readings"] if text in r["chosen"]]
    assert len(found) == 1, [r["chosen"] for r in result["readings"]]
    entry: dict[str, Any] = found[0]
    return entry


@pytest.mark.parametrize("policy", all_policies(), ids=lambda p: p.id)
def test_every_other_reading_given_as_data_is_a_valid_policy(policy: Policy) -> None:
    for clause in clauses(policy):
        if clause.other_is_data:
            assert clause.has_reading
            other = variant(policy, clause)
            # the variant has no reading left at that place
            assert all(not (c.path == clause.path and c.has_reading) for c in clauses(other))


# -- credits ------------------------------------------------------------------------------------------


def test_sonar_all_minutes_or_only_those_beyond_the_allowance() -> None:
    # 60 min unplanned in April (43,200 min): (43,200 - 60) / 43,200 = 99.86111% -> 99.8611, missed.
    # Chosen: every minute credited: 60 / 43,200 x 1000 = 1.3888... -> 1.39.
    # Other: beyond the 0.01% allowance (43,200 x 0.0001 = 4.32 min): 55.68 / 43,200 x 1000 = 1.28888... -> 1.29.
    result = credit_result(
        load_policy("sonar-software"),
        "2026-04",
        fee=Decimal(1000),
        intervals=[down("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00")],
    )
    assert result["credit_amount"] == "1.39"
    r = reading(result, "every minute of Actual Downtime is credited")
    assert r["if_other"] == {
        "availability_percent": "99.8611",
        "target_met": False,
        "credit_amount": "1.29",
        "claim_deadline": None,
        "termination_right": None,
    }
    assert r["differs"] == ["credit_amount"]


def test_sonar_readings_that_do_not_matter_give_the_same_figures() -> None:
    # The same 60 minutes are unplanned, so the maintenance reading changes nothing.
    result = credit_result(
        load_policy("sonar-software"),
        "2026-04",
        fee=Decimal(1000),
        intervals=[
            down("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00"),
            down("2026-04-11T10:00:00-04:00", "2026-04-11T11:00:00-04:00", Kind.SCHEDULED),
        ],
    )
    r = reading(result, "Scheduled maintenance inside Monday–Friday")
    assert r["differs"] == [] and r["if_other"]["credit_amount"] == result["credit_amount"] == "1.39"


def test_resonate_exactly_98_percent() -> None:
    # 98% of April's 43,200 min leaves 864 min of downtime (14 h 24 min). Chosen: neither row (">98%" / "<98%")
    # holds, so the higher 10%: 100.00 of 1000. Other: exactly 98% earns 7%: 70.00.
    result = credit_result(
        load_policy("resonate"),
        "2026-04",
        fee=Decimal(1000),
        intervals=[down("2026-04-14T00:00:00-04:00", "2026-04-14T14:24:00-04:00")],
    )
    assert (result["availability_percent"], result["credit_amount"]) == ("98.0000", "100.00")
    r = reading(result, "Exactly 98% falls in neither row")
    assert (r["if_other"]["credit_amount"], r["differs"]) == ("70.00", ["credit_amount"])


def test_sonarsource_standard_tier_credit_and_claim_window() -> None:
    # 5 > 4 missed in Q1, Standard tier, 12,000 fee: 25% = 3,000.00. Other scope reading (Enterprise only): 0.00.
    # Claim: 30 days after Mar 31 24:00 CEST = May 1 00:00 +02:00; other (30 days counted from Mar 31 itself,
    # day 30 = Apr 29): Apr 30 00:00 +02:00.
    result = credit_result(
        load_policy("sonarsource"),
        "2026-Q1",
        fee=Decimal(12000),
        tier="standard",
        region="emea",
        missed_responses=5,
    )
    assert (result["credit_amount"], result["claim_deadline"]) == ("3000.00", "2026-05-01T00:00:00+02:00")
    scope = reading(result, "Standard and Enterprise tiers earn the credit")
    assert (scope["if_other"]["credit_amount"], scope["differs"]) == ("0.00", ["credit_amount"])
    claim = reading(result, "so a Q1 request is due by the end of April 30")
    assert (claim["if_other"]["claim_deadline"], claim["differs"]) == ("2026-04-30T00:00:00+02:00", ["claim_deadline"])


def test_sonarsource_misses_that_depend_on_a_reading() -> None:
    # Enterprise, 5 missed of which 1 only under a chosen reading: 5 > 4 -> 25% x 12,000 = 3,000.00.
    # Under the other readings 4 missed, not more than four: 0.00 and the target met.
    result = credit_result(
        load_policy("sonarsource"),
        "2026-Q1",
        fee=Decimal(12000),
        tier="enterprise",
        region="emea",
        missed_responses=5,
        missed_on_reading=1,
    )
    assert (result["credit_amount"], result["missed_on_reading"]) == ("3000.00", 1)
    r = reading(result, "1 of the 5 missed initial responses are misses only under the chosen")
    assert (r["if_other"]["credit_amount"], r["if_other"]["target_met"]) == ("0.00", True)
    assert r["differs"] == ["target_met", "credit_amount"]


def test_sonoran_divisor_in_a_31_day_month() -> None:
    # May 2026 has 31 days (44,640 min); 60 min unplanned on web, 1000 USD.
    # Chosen divisor: the shorter of the month and 30 days (43,200 min): 60 / 43,200 x 1000 = 1.3888... -> 1.39.
    # Other (always the calendar month): 60 / 44,640 x 1000 = 1.34408... -> 1.34.
    result = credit_result(
        load_policy("sonoran-servers"),
        "2026-05",
        fee=Decimal(1000),
        component="web",
        intervals=[down("2026-05-12T10:00:00-07:00", "2026-05-12T11:00:00-07:00")],
    )
    assert result["credit_amount"] == "1.39"
    r = reading(result, "The service period is the shorter of the calendar month and 30 days")
    assert (r["if_other"]["credit_amount"], r["differs"]) == ("1.34", ["credit_amount"])


def test_a_reading_not_expressed_as_data_says_so() -> None:
    result = credit_result(load_policy("sonar-software"), "2026-04", fee=Decimal(1000))
    r = reading(result, "The policy sets no deadline for a credit request")
    assert (r["if_other"], r["differs"]) == (None, None)
    assert "not computed" in r["if_other_note"]


# -- deadlines ----------------------------------------------------------------------------------------


def test_sonar_normal_request_both_promises_or_only_the_table() -> None:
    # Opened Fri Apr 10 18:00 EDT. 1 business day = 10 open hours (09:00-19:00): Fri 18:00-19:00 = 1 h, then
    # Mon 09:00 + 9 h = Mon Apr 13 18:00. 24 clock hours: Sat Apr 11 18:00. Chosen (earlier of both): Sat 18:00.
    # Other (only the table's 1 Business Day): Mon 18:00.
    result = deadline_result(load_policy("sonar-software"), "normal", at("2026-04-10T18:00:00-04:00"))
    assert result["due_at"] == "2026-04-11T18:00:00-04:00"
    r = reading(result, "Both promises apply")
    assert r["if_other"] == {"due_at": "2026-04-13T18:00:00-04:00"} and r["differs"] == ["due_at"]


def test_resonate_p1_opened_just_before_primary_hours_end() -> None:
    # Tue Apr 14 20:45 EDT, in Primary Hours (09:00-21:00): chosen 30 clock minutes -> 21:15.
    # Other (30 minutes of Primary Hours): 20:45-21:00 = 15 min, then Wed 09:00 + 15 min = Wed Apr 15 09:15.
    result = deadline_result(load_policy("resonate"), "P1", at("2026-04-14T20:45:00-04:00"))
    assert result["due_at"] == "2026-04-14T21:15:00-04:00"
    r = reading(result, "A ticket opened in Primary Hours is due 30 clock minutes later")
    assert r["if_other"] == {"due_at": "2026-04-15T09:15:00-04:00"}


def test_sonoran_business_day_readings_that_agree() -> None:
    # Escalation opened Fri Apr 10 16:00 MST. 8-hour day (09:00-17:00): Fri 16:00-17:00 = 1 h, Mon 09:00 + 7 h
    # = Mon Apr 13 16:00. Whole weekday (24 h of Mon-Fri): Fri 16:00-24:00 = 8 h, Mon 00:00 + 16 h = Mon 16:00.
    # Same instant: the result does not depend on the reading. Arizona state holidays: none on Apr 10-13.
    result = deadline_result(load_policy("sonoran-servers"), "escalation", at("2026-04-10T16:00:00-07:00"))
    assert result["due_at"] == "2026-04-13T16:00:00-07:00"
    assert all(r["if_other"] == {"due_at": result["due_at"]} and r["differs"] == [] for r in result["readings"])
    assert len(result["readings"]) == 2


def test_resonate_est_windows_flip_the_month() -> None:
    # April 2026 (43,200 min), target 99.5% allows 216 min. 200 min unplanned + maintenance Thu Apr 9
    # 21:00-22:00 EDT. The windows are read whole in one zone for the month, the one counting more: in EST all
    # year (22:00-04:00 EDT) 21:00-22:00 EDT is outside, so 260 count: (43,200 - 260) / 43,200 = 99.39814% ->
    # 99.3981, below: 7% of 1000 = 70.00. Other (Eastern local time): the hour is excluded, 200 count: 99.53703%
    # -> 99.5370, met: 0.00.
    result = credit_result(
        load_policy("resonate"),
        "2026-04",
        fee=Decimal(1000),
        intervals=[
            down("2026-04-14T10:00:00-04:00", "2026-04-14T13:20:00-04:00"),
            down("2026-04-09T21:00:00-04:00", "2026-04-09T22:00:00-04:00", Kind.SCHEDULED),
        ],
    )
    assert (result["availability_percent"], result["credit_amount"]) == ("99.3981", "70.00")
    r = reading(result, "read whole in Etc/GMT+5 for 2026-04")
    assert r["if_other"]["availability_percent"] == "99.5370"
    assert (r["if_other"]["target_met"], r["if_other"]["credit_amount"]) == (True, "0.00")
    assert r["differs"] == ["availability_percent", "target_met", "credit_amount"]


def test_resonate_termination_in_a_rolling_six_month_period() -> None:
    # July 2026 has 31 days = 44,640 min; 300 min down: (44,640 - 300) / 44,640 = 99.32795% -> 99.3279, an SLA
    # Failure (7% of 1000 = 70.00). With January and April failed: Jan, Apr, Jul fall in one six-month span of
    # dates (e.g. Jan 31 - Jul 31), so the right exists until 10 days after July: Aug 11 00:00 EDT.
    # Other reading (six consecutive calendar months): Jan-Jun holds Jan, Apr; Feb-Jul holds Apr, Jul: no right.
    result = credit_result(
        load_policy("resonate"),
        "2026-07",
        fee=Decimal(1000),
        intervals=[down("2026-07-14T10:00:00-04:00", "2026-07-14T15:00:00-04:00")],
        failed_months=["2026-01", "2026-04"],
    )
    assert (result["availability_percent"], result["credit_amount"]) == ("99.3279", "70.00")
    assert result["termination_right"]["until"] == "2026-08-11T00:00:00-04:00"
    r = reading(result, "Any six (6) month period is any six-month span of dates")
    assert r["if_other"]["termination_right"]["exists"] is False
    assert r["if_other"]["termination_right"]["until"] is None
    assert r["differs"] == ["termination_right"]


def test_sonoran_minimum_outage_on_the_merged_outage_or_each_interval() -> None:
    # Two touching web intervals Apr 10 10:00-10:03 and 10:03-10:06 MST: one 6-minute outage, >= 5 min, recorded.
    # 6 / 43,200 x 1000 = 0.13888... -> 0.14 (credited even in a month that meets 99.9%);
    # (43,200 - 6) / 43,200 = 99.98611% -> 99.9861; claim 72 h after 10:06: Apr 13 10:06.
    # Other reading (each interval must last 5 minutes on its own): both 3-minute intervals are not recorded:
    # 100.0000%, 0.00, nothing to claim.
    result = credit_result(
        load_policy("sonoran-servers"),
        "2026-04",
        fee=Decimal(1000),
        component="web",
        intervals=[
            down("2026-04-10T10:00:00-07:00", "2026-04-10T10:03:00-07:00"),
            down("2026-04-10T10:03:00-07:00", "2026-04-10T10:06:00-07:00"),
        ],
    )
    assert (result["availability_percent"], result["credit_amount"]) == ("99.9861", "0.14")
    assert result["claim_deadline"] == "2026-04-13T10:06:00-07:00"
    r = reading(result, "The 5-minute minimum applies to a whole outage")
    assert r["if_other"] == {
        "availability_percent": "100.0000",
        "target_met": True,
        "credit_amount": "0.00",
        "claim_deadline": None,
        "termination_right": None,
    }


def test_sonoran_claim_window_from_the_end_or_the_start_of_the_outage() -> None:
    # 1 h web outage Apr 10 10:00-11:00 MST: chosen 72 h after its end = Apr 13 11:00; other (from the start of
    # the incident) Apr 13 10:00. The amount (60 / 43,200 x 1000 = 1.39) does not change.
    result = credit_result(
        load_policy("sonoran-servers"),
        "2026-04",
        fee=Decimal(1000),
        component="web",
        intervals=[down("2026-04-10T10:00:00-07:00", "2026-04-10T11:00:00-07:00")],
    )
    assert (result["claim_deadline"], result["credit_amount"]) == ("2026-04-13T11:00:00-07:00", "1.39")
    r = reading(result, "72 hours from the later of the outage's end")
    assert (r["if_other"]["claim_deadline"], r["differs"]) == ("2026-04-13T10:00:00-07:00", ["claim_deadline"])
