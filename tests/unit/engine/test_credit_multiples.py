"""The language's extension for GitHub's shape (config/policies/github-enterprise-cloud.toml): a time credit that
is a multiple of the downtime (`multiplier`), a divisor that is the credit period's own length ("quarter"), and a
cap in days of paid service (`[credit.cap] service`); each refused where it cannot mean anything."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sla_core.engine.credits import estimate_credit
from sla_core.engine.errors import PolicyError
from sla_core.engine.intervals import downtime
from sla_core.engine.policy import Policy
from sla_core.engine.policy_rules import parse_policy

POLICY = """
id = "times"
vendor = "Example"
title = "A multiple of the downtime"
timezone = "UTC"

[calendars.always]
name = "24/7"
windows = ["Mon-Sun 00:00-24:00"]
holidays = false
quote = "always"

[[severities]]
id = "down"
name = "Down"
quote = "down"

[[severities.targets]]
metric = "initial_response"
duration = "1 hour"
calendar = "always"
quote = "1 hour"

[availability]
target_percent = "99.9"
quote = "99.9% a month"

[credit]
mechanism = "proportional"
multiplier = "10"
quote = "ten times the fee for the downtime"

[credit.divisor]
lengths = ["month"]
quote = "per minute of the month"

[credit.cap]
service = "2 days"
quote = "at most two days of service"
"""


def policy(text: str = POLICY) -> Policy:
    return parse_policy(tomllib.loads(text), "times.toml")


def credit(minutes: int) -> tuple[Decimal, str]:
    """April 2026's credit for `minutes` of downtime from Apr 10 00:00 UTC, on a fee of 1,000."""
    start = datetime(2026, 4, 10, tzinfo=UTC)
    outage = downtime(start, start + timedelta(minutes=minutes))
    r = estimate_credit(policy(), "2026-04", fee=Decimal(1000), intervals=[outage])
    return r.amount, r.basis


def test_the_multiplier_multiplies_the_credited_share_of_the_fee() -> None:
    # April (UTC) = 43,200 min. 60 min down: 99.86% < 99.9%; 10 × 60 / 43,200 × 1,000 = 13.888... → 13.89.
    amount, basis = credit(60)
    assert amount == Decimal("13.89")
    assert "10 × 60 credited minutes / 43200 minutes in 2026-04 × 1000 USD" in basis


def test_the_cap_in_days_of_service_holds_it() -> None:
    # 6 h down: 10 × 360 / 43,200 × 1,000 = 83.33..., above 2 days of service: 2,880 / 43,200 × 1,000 = 66.666...
    # → 66.67.
    amount, basis = credit(360)
    assert amount == Decimal("66.67")
    assert basis.endswith("Capped at 2 days of paid service (2880 of the 43200 minutes of 2026-04): 66.67 USD.")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('multiplier = "10"', 'multiplier = "0"', "credit.multiplier: must be above '0', not '0'"),
        ('lengths = ["month"]', 'lengths = ["quarter"]',
         "credit.divisor.lengths: the credit period is a month, so its own length is written 'month'"),
        ('service = "2 days"', 'service = "2 days"\npercent = "10"',
         "credit.cap.percent: give exactly one of percent or service; accepted: percent = \"10\" or service = "
         "\"30 days\""),
        ('service = "2 days"', 'service = "2 fortnights"', "credit.cap.service: '2 fortnights' is not a span"),
    ],
)  # fmt: skip
def test_each_is_refused_where_it_cannot_mean_anything(old: str, new: str, message: str) -> None:
    assert old in POLICY
    with pytest.raises(PolicyError) as error:
        policy(POLICY.replace(old, new, 1))
    assert str(error.value).startswith("times.toml: ") and message in str(error.value)


def test_a_multiplier_on_bands_is_refused() -> None:
    text = POLICY.replace('mechanism = "proportional"', 'mechanism = "tiered_percent"').replace(
        '[credit.divisor]\nlengths = ["month"]\nquote = "per minute of the month"\n',
        '[[credit.bands]]\nbelow = "99.9"\npercent = "5"\nquote = "5%"\n',
    )
    with pytest.raises(PolicyError, match=r"credit.multiplier: applies only to time credits \(per_minute, "
                       r"proportional\), not tiered_percent"):  # fmt: skip
        policy(text)


def test_a_quarterly_divisor_needs_a_quarterly_credit() -> None:
    quarterly = POLICY.replace('multiplier = "10"', 'multiplier = "10"\nperiod = "quarter"')
    assert policy(quarterly.replace('lengths = ["month"]', 'lengths = ["quarter"]')).terms.credit.period == "quarter"  # type: ignore[union-attr]
    with pytest.raises(PolicyError, match="the credit period is a quarter, so its own length is written 'quarter'"):
        policy(quarterly)


QUARTERLY = POLICY.replace('multiplier = "10"', 'multiplier = "10"\nperiod = "quarter"').replace(
    'lengths = ["month"]', 'lengths = ["quarter"]'
)


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ('\n[availability.maintenance]\nallowance = "2 hours"\nquote = "two hours a month"\n',
         "availability.maintenance.allowance: is an allowance per month, but [credit] period is a quarter: a monthly "
         "allowance within a quarter is not supported"),
        ('\n[termination]\nfailures_more_than = 2\nwindow_months = 6\nexercise_within = "10 days"\nquote = "x"\n',
         "termination: counts failed months, but [credit] period is a quarter: a termination right over quarters is "
         "not supported"),
    ],
)  # fmt: skip
def test_what_a_quarter_cannot_compute_is_refused_by_name(added: str, message: str) -> None:
    # A monthly allowance or failed months cannot be read off a quarterly measurement: a clear error, never a
    # figure computed as if the quarter were a month.
    with pytest.raises(PolicyError) as error:
        policy(QUARTERLY.replace("[credit]\n", added + "\n[credit]\n", 1))
    assert message in str(error.value)
