"""Claims beside their deadlines (those are the policies' [[examples]]): contents, eligibility, every outage's
deadline, and Resonate's termination right as of a given day, by hand from the seeds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sla_core.engine.claims import TerminationRight, termination_right
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.errors import InputError
from sla_core.engine.instants import iso
from sla_core.engine.intervals import Downtime
from sla_core.engine.policy_registry import load_policy
from tests.support.examples import period_example

NY = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def credit(policy_id: str, period: str, fee: str | None, *intervals: Downtime, **kwargs: object) -> CreditEstimate:
    return estimate_credit(
        load_policy(policy_id),
        period,
        fee=Decimal(fee) if fee is not None else None,
        intervals=list(intervals),
        **kwargs,  # type: ignore[arg-type]
    )


def deadline(r: CreditEstimate) -> str | None:
    return r.claim.as_dict(r.zone)["claim_deadline"]  # type: ignore[no-any-return]


# -- the seeds' claim deadlines are the policies' [[examples]] (test_policy_examples); here what a claim says beside
# its deadline: where it goes, what it contains, every outage's own deadline, why there is none.


def test_sonoran_claim_says_where_it_goes_what_it_contains_and_its_reading() -> None:
    r = period_example("sonoran-servers", "the contract's own example: one hour of network downtime on 1000 USD")
    assert r.claim.contents == ("service name", "outage time", "total affected duration")
    assert r.claim.submit_to == "a support ticket at support.sonoransoftware.com"
    assert "later of the outage's end and the posting of its post-mortem" in " ".join(x["chosen"] for x in r.readings)


def test_sonoran_several_outages_list_each_deadline() -> None:
    # Apr 10 11:00 + 72 h = Apr 13 11:00; Apr 20 08:30 + 72 h = Apr 23 08:30, listed in time order.
    r = period_example("sonoran-servers", "several outages: the earliest deadline")
    listed = r.claim.as_dict(r.zone)["claim_deadlines"]
    assert [d["deadline"] for d in listed] == ["2026-04-13T11:00:00-07:00", "2026-04-23T08:30:00-07:00"]


def test_sonoran_no_credited_outage_says_so() -> None:
    r = period_example("sonoran-servers", "an outage under five minutes is not recorded")
    assert "No credited outage in 2026-04" in r.claim.basis


def test_sonarsource_claim_contents_and_eligibility() -> None:
    r = credit("sonarsource", "2026-Q1", "12000", tier="standard", region="emea", missed_responses=5)
    assert r.claim.submit_to is not None
    assert "supportcredits@sonarsource.com" in r.claim.submit_to and "“Credit Request”" in r.claim.submit_to
    assert [c.split(":")[0] for c in r.claim.contents] == ["Customer Contact", "Qualifying Tickets", "Ticket Numbers"]
    assert "All outstanding invoices are paid." in r.claim.eligibility
    assert any("expire upon termination" in c for c in r.claim.eligibility)


# -- no deadline stated -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_id", "example", "eligibility"),
    [
        ("sonar-software", "a month meeting the target earns nothing", "not past due or in default"),
        ("atheer", "the target is missed but there is no credit", "remains current in its payment"),
        ("resonate", "no claim deadline is stated", "in compliance with the terms and conditions"),
    ],
)
def test_no_deadline_stated_is_said(policy_id: str, example: str, eligibility: str) -> None:
    r = period_example(policy_id, example)
    assert deadline(r) is None
    assert "The contract states no claim deadline." in r.notes
    assert any(eligibility in c for c in r.claim.eligibility)


# -- Resonate: termination right ----------------------------------------------------------------------


def right(months: list[tuple[int, int]], as_of: str) -> TerminationRight:
    terms = load_policy("resonate").terms.termination
    assert terms is not None
    return termination_right(terms, months, at(as_of), NY)


def test_three_failures_in_six_months_give_the_right_until_ten_days_after_the_last() -> None:
    # Jan, Mar, Jun 2026 lie within Jan-Jun: more than twice. June ends Jul 1 00:00 EDT; + 10 days = Jul 11 00:00.
    found = right([(2026, 1), (2026, 3), (2026, 6)], "2026-07-05T12:00:00-04:00")
    assert found.exists and found.until is not None
    assert iso(found.until, NY) == "2026-07-11T00:00:00-04:00"
    assert (found.last_failure, found.failures_in_window) == ("2026-06", ("2026-01", "2026-03", "2026-06"))


def test_the_right_lapses_after_the_tenth_day() -> None:
    found = right([(2026, 1), (2026, 3), (2026, 6)], "2026-07-11T00:00:00-04:00")
    assert not found.exists
    assert "expired at 2026-07-11T00:00:00-04:00" in found.basis


def test_three_failures_over_seven_calendar_months_fall_in_one_rolling_six_month_period() -> None:
    # §4 "more than twice in any six (6) month period", read as any six-month span of dates (issue point 6):
    # Jan, Apr, Jul 2026 all touch the period Jan 31 - Jul 31, so the right arises with July. July ends
    # Aug 1 00:00 EDT; + 10 days = Aug 11 00:00 EDT.
    # (Six consecutive calendar months, the other reading, hold at most two: Jan-Jun: Jan, Apr; Feb-Jul: Apr, Jul.)
    found = right([(2026, 1), (2026, 4), (2026, 7)], "2026-08-05T00:00:00-04:00")
    assert found.exists and found.until is not None
    assert iso(found.until, NY) == "2026-08-11T00:00:00-04:00"
    assert "within a rolling 6-month period (7 consecutive calendar months)" in found.basis


def test_near_miss_three_failures_over_eight_calendar_months() -> None:
    # Jan, Apr, Aug: a six-month span starting in January ends by Jul 31, so no period holds all three.
    found = right([(2026, 1), (2026, 4), (2026, 8)], "2026-09-05T00:00:00-04:00")
    assert not found.exists and found.until is None
    assert "At most 2 failed months within any rolling 6-month period" in found.basis


def test_two_failures_are_not_enough() -> None:
    assert not right([(2026, 2), (2026, 3)], "2026-04-02T00:00:00-04:00").exists


def test_a_fourth_failure_moves_the_deadline() -> None:
    # Jan-Apr all failed: April is the last failure -> May 1 + 10 days = May 11 00:00 EDT.
    found = right([(2026, 1), (2026, 2), (2026, 3), (2026, 4)], "2026-05-03T00:00:00-04:00")
    assert found.until is not None and iso(found.until, NY) == "2026-05-11T00:00:00-04:00"


def test_months_that_have_not_begun_are_ignored() -> None:
    assert not right([(2026, 1), (2026, 2), (2026, 3)], "2026-02-15T00:00:00-05:00").exists


def test_failures_across_a_year_end() -> None:
    # Nov 2026, Dec 2026, Feb 2027 (Nov-Apr window): Feb ends Mar 1 00:00 EST; + 10 days = Mar 11 00:00 EDT
    # (DST begins Mar 14 2027, so still -05:00).
    found = right([(2026, 11), (2026, 12), (2027, 2)], "2027-03-01T09:00:00-05:00")
    assert found.exists and found.until is not None
    assert iso(found.until, NY) == "2027-03-11T00:00:00-05:00"


def test_failed_months_only_for_policies_with_a_termination_right() -> None:
    with pytest.raises(InputError, match="failed months apply only to policies with a termination right"):
        credit("sonar-software", "2026-04", "1000", failed_months=["2026-03"])
    with pytest.raises(InputError, match="give YYYY-MM"):
        credit("resonate", "2026-04", "1000", failed_months=["March"])
