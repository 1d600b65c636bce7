"""Credit mechanisms: money, what an estimate names beside the seeds' hand-worked figures (those are the policies'
[[examples]]), the inputs a policy cannot use, and the terms schema."""

from __future__ import annotations

import tomllib
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from sla_core.engine.credit_mechanisms import band_for, beyond_target
from sla_core.engine.credits import CreditEstimate, estimate_credit, parse_fee
from sla_core.engine.errors import InputError, PolicyError
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.policy_rules import parse_policy
from sla_core.engine.rounding import round_half_up
from sla_core.engine.spans import parse_contract_span
from tests.support.examples import period_example

MIN = 60_000_000


def dt(start: str, end: str, kind: Kind = Kind.UNPLANNED, cause: str | None = None) -> Downtime:
    return downtime(datetime.fromisoformat(start), datetime.fromisoformat(end), kind, cause)


def credit(policy_id: str, period: str, fee: str | None, *intervals: Downtime, **kwargs: object) -> CreditEstimate:
    return estimate_credit(
        load_policy(policy_id),
        period,
        fee=Decimal(fee) if fee is not None else None,
        intervals=list(intervals),
        **kwargs,  # type: ignore[arg-type]
    )


def chosen(result: CreditEstimate) -> str:
    return " | ".join(r["chosen"] for r in result.readings)


# -- money ------------------------------------------------------------------------------------------


def test_rounding_is_half_up_to_the_cent() -> None:
    # 0.005 -> 0.01 and 0.025 -> 0.03 (banker's rounding would give 0.00 and 0.02).
    assert round_half_up(Fraction(1, 200)) == Decimal("0.01")
    assert round_half_up(Fraction(25, 1000)) == Decimal("0.03")
    assert round_half_up(Fraction(1000, 720)) == Decimal("1.39")


def test_fee_must_be_a_non_negative_number() -> None:
    assert parse_fee("1234.50") == Decimal("1234.50")
    for bad in ("-5", "abc", "1e3", "", "NaN", "1,000"):
        with pytest.raises(InputError, match="is not an amount"):
            parse_fee(bad)


# -- the seeds' cases: their figures are the policies' [[examples]] (test_policy_examples); here what the figures do
# not say: the basis and the readings an estimate names.


def test_sonoran_own_example_names_its_division_and_reading() -> None:
    # §10: (1 hr) / (24 hours × 30 days) × 1000 USD: the basis shows the division, and the reading that credits
    # even a month that meets 99.9%.
    r = period_example("sonoran-servers", "the contract's own example: one hour of network downtime on 1000 USD")
    assert "60 credited minutes / 43200 minutes" in r.basis and "= 1.39 USD" in r.basis
    assert "even in a month that meets 99.9%" in chosen(r)


def test_sonoran_names_the_shorter_divisor() -> None:
    r = period_example("sonoran-servers", "February divides by its own length")
    assert "the shorter of 2026-02 (40320 min) and 30 days (43200 min)" in r.basis


def test_sonar_says_every_minute_is_credited_and_over_which_minutes() -> None:
    r = period_example("sonar-software", "every minute is credited once below the target")
    assert "every minute of Actual Downtime is credited" in chosen(r)
    assert (
        "60 credited minutes / 44580 minutes in 2026-03"
        in period_example("sonar-software", "the rate uses the real minutes of a DST month").basis
    )


def test_shortfall_reading_helper() -> None:
    # The other reading credits only minutes beyond the allowance: 10 - 4.32 = 5.68 minutes.
    r = period_example("sonar-software", "every minute is credited once below the target")
    assert r.availability is not None
    assert beyond_target(r.availability) == 5 * MIN + 40_800_000


def test_resonate_names_the_reading_of_exactly_98() -> None:
    assert "Exactly 98% falls in neither row" in chosen(
        period_example("resonate", "exactly 98 percent earns ten percent")
    )


def test_band_choice_takes_the_highest_applicable_row() -> None:
    bands = load_policy("resonate").terms.credit.bands  # type: ignore[union-attr]
    assert band_for(bands, Fraction(99)).percent == Decimal(7)  # type: ignore[union-attr]
    assert band_for(bands, Fraction(98)).percent == Decimal(10)  # type: ignore[union-attr]
    assert band_for(bands, Fraction(995, 10)) is None


def test_sonarsource_names_the_tier_reading_and_why_core_earns_nothing() -> None:
    assert "Standard and Enterprise tiers earn the credit" in chosen(
        period_example("sonarsource", "the standard tier earns the credit")
    )
    assert period_example("sonarsource", "the core tier earns no credit").basis.startswith("Tier core earns no credit")


def test_atheer_reports_the_target_without_a_credit() -> None:
    r = period_example("atheer", "the target is missed but there is no credit")
    assert "Atheer states no service credit: availability 98.2638% misses the 98.5% target" in r.basis


def test_currency_comes_from_the_policy_or_the_caller() -> None:
    r = credit("resonate", "2026-04", "1000", currency="EUR")
    assert (r.currency, credit("resonate", "2026-04", "1000").currency) == ("EUR", "USD")


def test_inputs_the_policy_cannot_use_are_rejected() -> None:
    with pytest.raises(InputError, match="a count of missed responses applies only"):
        credit("resonate", "2026-04", "1000", missed_responses=5)
    with pytest.raises(InputError, match="needs the number of tickets that missed their initial response"):
        credit("sonarsource", "2026-Q1", "1000", tier="core", region="emea")
    with pytest.raises(InputError, match="needs the fee: the prior month's invoice payment"):
        credit("sonar-software", "2026-04", None)
    with pytest.raises(InputError, match="has no availability commitment"):
        credit(
            "sonarsource",
            "2026-Q1",
            "1",
            dt("2026-01-05T10:00Z", "2026-01-05T11:00Z"),
            tier="core",
            region="emea",
            missed_responses=1,
        )
    with pytest.raises(PolicyError, match="needs a component; valid: web, mail, hypervisor"):
        credit("sonoran-servers", "2026-04", "1000")


# -- the policy schema ---------------------------------------------------------------------------------

BASE = """
id = "example"
vendor = "Example"
title = "Example"
seed = "none"
timezone = "America/New_York"

[calendars.always]
name = "24/7"
windows = ["Mon-Sun 00:00-24:00"]
holidays = false
quote = "always"

[[severities]]
id = "high"
name = "High"
quote = "High"

[[severities.targets]]
metric = "initial_response"
duration = "1 hour"
calendar = "always"
quote = "1 hour"

[availability]
target_percent = "99.9"
quote = "99.9%"

[availability.excluded_causes]
internet = "internet"

[availability.maintenance]
windows = ["Sun 01:00-05:00"]
windows_are = "allowed"
allowance = "4 hours"
quote = "Sunday nights"

[credit]
mechanism = "tiered_percent"
quote = "credits"

[[credit.bands]]
below = "99.9"
percent = "5"
quote = "5%"
"""


def load(text: str) -> None:
    parse_policy(tomllib.loads(text), "example.toml")


def test_the_schema_example_loads() -> None:
    load(BASE)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('mechanism = "tiered_percent"', 'mechanism = "cashback"',
         "credit.mechanism: must be one of missed_responses, none, per_minute"),
        ('internet = "internet"', 'aliens = "x"',
         "availability.excluded_causes.aliens: must be one of beta, customer, "),
        ('allowance = "4 hours"', 'allowance = "4 fortnights"',
         "availability.maintenance.allowance: '4 fortnights' is not a span"),
        ('windows_are = "allowed"', 'windows_are = "maybe"',
         "availability.maintenance.windows_are: must be one of allowed"),
        ('windows_are = "allowed"\n', "", "availability.maintenance.windows_are: windows and windows_are"),
        ('target_percent = "99.9"', 'target_percent = "199"', "availability.target_percent: must be a percent"),
        ('target_percent = "99.9"', "target_percent = 99.9", "availability.target_percent: 99.9 is not a decimal"),
        ('below = "99.9"', 'below = "99.9"\nat_or_below = "98"', "credit.bands[0].below: give exactly one of"),
        # neither: a problem, not a crash of the rules that compare the bands' thresholds
        ('below = "99.9"\n', "", "credit.bands[0].below: give exactly one of below or at_or_below"),
        ('percent = "5"\nquote = "5%"', 'percent = "5"\nquote = "5%"\nextra = 1',
         "credit.bands[0].extra: unknown field"),
        ('quote = "credits"', 'quote = "credits"\nreading = "x"',
         "credit.other_reading: reading and other_reading go together"),
        ('mechanism = "tiered_percent"', 'mechanism = "per_minute"',
         "credit.divisor: is required for mechanism per_minute"),
        ('quote = "99.9%"', 'quote = "99.9%"\nmeasured_over = "week"',
         "availability.measured_over: must be one of month"),
    ],
)  # fmt: skip
def test_bad_terms_name_file_field_and_problem(old: str, new: str, message: str) -> None:
    assert old in BASE
    with pytest.raises(PolicyError) as err:
        load(BASE.replace(old, new, 1))
    assert str(err.value).startswith("example.toml: ")
    assert message in str(err.value)


def test_a_credit_needing_availability_without_it_is_rejected() -> None:
    text = BASE.split("[availability]", maxsplit=1)[0] + '[credit]\nmechanism = "per_minute"\nquote = "x"\n'
    with pytest.raises(PolicyError, match=r"credit.mechanism: per_minute needs an \[availability\] section"):
        load(text)


def test_scope_must_name_known_tiers_and_components() -> None:
    text = BASE + '\n[credit.scope]\ncomponents = ["web"]\nquote = "web only"\n'
    with pytest.raises(PolicyError, match=r"credit.scope.components: unknown component 'web'; accepted: platform"):
        load(text)


def test_spans_read_minutes_hours_and_days() -> None:
    assert parse_contract_span("5 minutes").micros == 5 * MIN
    assert parse_contract_span("1 hour").micros == 60 * MIN
    assert str(parse_contract_span("30 days")) == "30 days"
    with pytest.raises(PolicyError):
        parse_contract_span("0 days")


def test_every_commercial_clause_of_the_seeds_carries_a_quote() -> None:
    for pid in ("sonar-software", "sonoran-servers", "sonarsource", "atheer", "resonate"):
        terms = load_policy(pid).terms
        assert terms.credit is not None and len(terms.credit.clause.quote) > 20, pid
        assert terms.claims is not None and terms.claims.clause.quote, pid
        if terms.availability is not None:
            assert all(len(q) > 10 for _, q in terms.availability.excluded_causes), pid


def test_a_cap_holds_any_mechanism() -> None:
    # A per-minute credit with a 5% cap: 10 days down in April = 14,400 of 43,200 minutes;
    # 14,400 x 1000 / 43,200 = 333.33, capped at 5% of 1000 = 50.00.
    text = BASE.replace('mechanism = "tiered_percent"', 'mechanism = "per_minute"') + (
        '\n[credit.divisor]\nlengths = ["month"]\nquote = "per minute"\n\n[credit.cap]\npercent = "5"\nquote = "5%"\n'
    )
    policy = parse_policy(tomllib.loads(text), "example.toml")
    outage = dt("2026-04-10T00:00:00-04:00", "2026-04-20T00:00:00-04:00")
    r = estimate_credit(policy, "2026-04", fee=Decimal(1000), intervals=[outage])
    assert r.amount == Decimal("50.00")
    assert "Capped at 5% of the fee: 50.00 USD." in r.basis
