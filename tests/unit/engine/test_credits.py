"""Credit mechanisms of the five seeds, computed by hand from the contract text, and the terms schema."""

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
from sla_core.engine.policy_parse import parse_policy
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.rounding import round_half_up
from sla_core.engine.spans import parse_contract_span

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


# -- Sonoran: proportional ------------------------------------------------------------------------


def test_sonoran_own_example_one_hour_of_network_downtime_on_1000_usd() -> None:
    # §10: (1 hr) / (24 hours x 30 days) x 1000 USD = 1000 / 720 = 1.3888... -> 1.39 USD.
    # Network downtime is left out of uptime (§6.3) but earns credit (§9.2, > 10 minutes): availability 100%.
    r = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T11:00:00-07:00", cause="network"),
        component="web",
    )
    assert r.amount == Decimal("1.39") and r.currency == "USD"
    assert r.availability is not None and r.availability.percent_text() == "100.0000" and r.target_met
    assert r.credited_micros == 60 * MIN
    assert "60 credited minutes / 43200 minutes" in r.basis and "= 1.39 USD" in r.basis
    assert "even in a month that meets 99.9%" in chosen(r)


def test_sonoran_network_interruption_must_exceed_ten_minutes() -> None:
    # §9.2 "greater than ten (10) minutes": exactly 10 min earns nothing; 11 min -> 11/43,200 x 1000 = 0.2546 -> 0.25.
    ten = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T10:10:00-07:00", cause="network"),
        component="web",
    )
    eleven = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T10:11:00-07:00", cause="network"),
        component="web",
    )
    assert (ten.amount, eleven.amount) == (Decimal("0.00"), Decimal("0.25"))


def test_sonoran_ddos_earns_credit_of_any_length() -> None:
    # §9.3: 30 min DDoS -> 30 / 43,200 x 1000 = 0.6944 -> 0.69 USD, though excluded from uptime (§6.3).
    r = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T10:30:00-07:00", cause="ddos"),
        component="mail",
    )
    assert r.amount == Decimal("0.69") and r.target_met


def test_sonoran_customer_caused_downtime_earns_nothing() -> None:
    r = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T11:00:00-07:00", cause="customer"),
        component="web",
    )
    assert r.amount == Decimal("0.00")


def test_sonoran_divides_february_by_its_own_length() -> None:
    # The shorter of the month and 30 days: Feb 2026 = 28 days = 40,320 min; 60 / 40,320 x 1000 = 1.4880... -> 1.49.
    r = credit(
        "sonoran-servers",
        "2026-02",
        "1000",
        dt("2026-02-10T10:00:00-07:00", "2026-02-10T11:00:00-07:00"),
        component="web",
    )
    assert r.amount == Decimal("1.49")
    assert "the shorter of 2026-02 (40320 min) and 30 days (43200 min)" in r.basis


def test_sonoran_divides_a_31_day_month_by_30_days() -> None:
    # July: min(44,640, 43,200) = 43,200 -> 60 / 43,200 x 1000 = 1.39 (the other reading, 44,640, gives 1.34).
    r = credit(
        "sonoran-servers",
        "2026-07",
        "1000",
        dt("2026-07-10T10:00:00-07:00", "2026-07-10T11:00:00-07:00"),
        component="hypervisor",
    )
    assert r.amount == Decimal("1.39")


def test_sonoran_maintenance_beyond_the_reserved_hours_is_credited() -> None:
    # 150 min of scheduled maintenance: 120 reserved, 30 counted and credited: 30 / 43,200 x 1000 = 0.694 -> 0.69.
    r = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-05T01:00:00-07:00", "2026-04-05T03:30:00-07:00", Kind.SCHEDULED),
        component="web",
    )
    assert r.amount == Decimal("0.69")


def test_sonoran_short_outages_earn_nothing() -> None:
    # 4 min 59 s is not recorded (§6.1(b)), so there is nothing to credit.
    r = credit(
        "sonoran-servers",
        "2026-04",
        "1000",
        dt("2026-04-10T10:00:00-07:00", "2026-04-10T10:04:59-07:00"),
        component="web",
    )
    assert (r.amount, r.credited_micros) == (Decimal("0.00"), 0)


# -- Sonar Software: per minute --------------------------------------------------------------------


def test_sonar_month_meeting_the_target_earns_nothing() -> None:
    # April: 0.01% of 43,200 = 4.32 min allowed. 4 min down -> 99.99074% >= 99.99%: met, no credit.
    r = credit("sonar-software", "2026-04", "1000", dt("2026-04-07T12:00:00-04:00", "2026-04-07T12:04:00-04:00"))
    assert (r.amount, r.target_met) == (Decimal("0.00"), True)


def test_sonar_exactly_at_the_target_earns_nothing() -> None:
    # 4.32 min = 4 min 19.2 s -> (43,200 - 4.32) / 43,200 = 99.99% exactly: "below 99.99%" is not reached.
    r = credit("sonar-software", "2026-04", "1000", dt("2026-04-07T12:00:00-04:00", "2026-04-07T12:04:19.200000-04:00"))
    assert (r.amount, r.target_met) == (Decimal("0.00"), True)


def test_sonar_credits_every_minute_once_below_target() -> None:
    # 10 min down: below 99.99%; rate = 1000 / 43,200 per minute; 10 x 1000 / 43,200 = 0.2314... -> 0.23.
    r = credit("sonar-software", "2026-04", "1000", dt("2026-04-07T12:00:00-04:00", "2026-04-07T12:10:00-04:00"))
    assert (r.amount, r.target_met) == (Decimal("0.23"), False)
    assert "every minute of Actual Downtime is credited" in chosen(r)


def test_sonar_rounds_once_at_the_end() -> None:
    # 7 min: 7 x 1000 / 43,200 = 0.16203... -> 0.16 (rounding the rate first, 0.02 x 7, would give 0.14).
    r = credit("sonar-software", "2026-04", "1000", dt("2026-04-07T12:00:00-04:00", "2026-04-07T12:07:00-04:00"))
    assert r.amount == Decimal("0.16")


def test_sonar_rate_uses_the_real_minutes_of_a_dst_month() -> None:
    # March 2026 = 44,580 min: 60 x 100,000 / 44,580 = 134.589... -> 134.59 (44,640 would give 134.41).
    r = credit("sonar-software", "2026-03", "100000", dt("2026-03-10T12:00:00-04:00", "2026-03-10T13:00:00-04:00"))
    assert r.amount == Decimal("134.59")
    assert "60 credited minutes / 44580 minutes in 2026-03" in r.basis


def test_sonar_forbidden_window_maintenance_is_credited() -> None:
    # Tue 07:00-08:00 EDT maintenance counts (forbidden hours): 60 x 1000 / 43,200 = 1.388 -> 1.39.
    r = credit(
        "sonar-software",
        "2026-04",
        "1000",
        dt("2026-04-07T06:00:00-04:00", "2026-04-07T08:00:00-04:00", Kind.SCHEDULED),
    )
    assert r.amount == Decimal("1.39")


def test_shortfall_reading_helper() -> None:
    # The other reading credits only minutes beyond the allowance: 10 - 4.32 = 5.68 minutes.
    r = credit("sonar-software", "2026-04", "1000", dt("2026-04-07T12:00:00-04:00", "2026-04-07T12:10:00-04:00"))
    assert r.availability is not None
    assert beyond_target(r.availability) == 5 * MIN + 40_800_000


# -- Resonate: tiered percent with a cap ---------------------------------------------------------


def test_resonate_exactly_99_5_is_met_and_earns_nothing() -> None:
    # 216 of 43,200 min -> 99.5% exactly: met, credit 0.00.
    r = credit("resonate", "2026-04", "1000", dt("2026-04-14T10:00:00-04:00", "2026-04-14T13:36:00-04:00"))
    assert (r.amount, r.target_met, r.percent) == (Decimal("0.00"), True, Decimal(0))


def test_resonate_just_below_99_5_earns_seven_percent() -> None:
    # 217 min -> 99.4976% (> 98%, < 99.5%): 7% of 1000 = 70.00.
    r = credit("resonate", "2026-04", "1000", dt("2026-04-14T10:00:00-04:00", "2026-04-14T13:37:00-04:00"))
    assert (r.amount, r.percent) == (Decimal("70.00"), Decimal(7))


def test_resonate_exactly_98_earns_ten_percent() -> None:
    # 2% of 43,200 = 864 min -> 98.000%: neither ">98%" nor "<98%"; customer-favourable 10% -> 100.00.
    r = credit("resonate", "2026-04", "1000", dt("2026-04-14T00:00:00-04:00", "2026-04-14T14:24:00-04:00"))
    assert r.availability is not None and r.availability.percent_text() == "98.0000"
    assert (r.amount, r.percent) == (Decimal("100.00"), Decimal(10))
    assert "Exactly 98% falls in neither row" in chosen(r)


def test_resonate_just_above_98_earns_seven_and_below_earns_ten() -> None:
    # 863 min -> 98.0023% -> 7% = 70.00; 865 min -> 97.9976% -> 10% = 100.00.
    above = credit("resonate", "2026-04", "1000", dt("2026-04-14T00:00:00-04:00", "2026-04-14T14:23:00-04:00"))
    below = credit("resonate", "2026-04", "1000", dt("2026-04-14T00:00:00-04:00", "2026-04-14T14:25:00-04:00"))
    assert (above.amount, below.amount) == (Decimal("70.00"), Decimal("100.00"))


def test_resonate_credit_never_exceeds_the_ten_percent_cap() -> None:
    # A whole month down: 0% availability -> 10% band, within the 10% cap: 10% of 2500.55 = 250.055 -> 250.06.
    r = credit("resonate", "2026-04", "2500.55", dt("2026-04-01T00:00:00-04:00", "2026-05-01T00:00:00-04:00"))
    assert (r.amount, r.percent) == (Decimal("250.06"), Decimal(10))


def test_band_choice_takes_the_highest_applicable_row() -> None:
    bands = load_policy("resonate").terms.credit.bands  # type: ignore[union-attr]
    assert band_for(bands, Fraction(99)).percent == Decimal(7)  # type: ignore[union-attr]
    assert band_for(bands, Fraction(98)).percent == Decimal(10)  # type: ignore[union-attr]
    assert band_for(bands, Fraction(995, 10)) is None


# -- SonarSource: missed responses per fiscal quarter --------------------------------------------


def test_sonarsource_four_missed_tickets_earn_nothing() -> None:
    r = credit("sonarsource", "2026-Q1", "12000", tier="enterprise", region="emea", missed_responses=4)
    assert (r.amount, r.target_met) == (Decimal("0.00"), True)


def test_sonarsource_five_missed_tickets_earn_25_percent_of_the_annual_fee() -> None:
    # More than four: 25% x 12,000 = 3,000.00.
    r = credit("sonarsource", "2026-Q2", "12000", tier="enterprise", region="americas", missed_responses=5)
    assert (r.amount, r.percent, r.target_met) == (Decimal("3000.00"), Decimal(25), False)


def test_sonarsource_standard_tier_earns_credit_core_does_not() -> None:
    # Heading "Standard and Enterprise Tiers Only" (customer-favourable over "only to Enterprise Tiers").
    # 25% x 9,999.99 = 2,499.9975 -> 2,500.00.
    standard = credit("sonarsource", "2026-Q3", "9999.99", tier="standard", region="apac", missed_responses=6)
    core = credit("sonarsource", "2026-Q3", "9999.99", tier="core", region="apac", missed_responses=6)
    assert (standard.amount, core.amount) == (Decimal("2500.00"), Decimal("0.00"))
    assert "Standard and Enterprise tiers earn the credit" in chosen(standard)
    assert core.basis.startswith("Tier core earns no credit")


# -- Atheer: none ---------------------------------------------------------------------------------


def test_atheer_reports_the_target_without_a_credit() -> None:
    r = credit("atheer", "2026-02", None, dt("2026-02-10T00:00:00-08:00", "2026-02-10T11:40:00-08:00"))
    assert (r.amount, r.target_met) == (Decimal("0.00"), False)
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
        ('mechanism = "tiered_percent"', 'mechanism = "cashback"', "credit.mechanism: must be one of per_minute"),
        ('internet = "internet"', 'aliens = "x"', "availability.excluded_causes.aliens: unknown cause; accepted:"),
        ('allowance = "4 hours"', 'allowance = "4 fortnights"',
         "availability.maintenance.allowance: '4 fortnights' is not a span"),
        ('windows_are = "allowed"', 'windows_are = "maybe"',
         "availability.maintenance.windows_are: must be one of allowed"),
        ('windows_are = "allowed"\n', "", "availability.maintenance.windows_are: windows and windows_are"),
        ('target_percent = "99.9"', 'target_percent = "199"', "availability.target_percent: must be a percent"),
        ('target_percent = "99.9"', "target_percent = 99.9", "availability.target_percent: 99.9 is not a decimal"),
        ('below = "99.9"', 'below = "99.9"\nat_or_below = "98"', "credit.bands[0].below: give exactly one of"),
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
    with pytest.raises(PolicyError, match=r"credit.scope.components: unknown component 'web'; defined: platform"):
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
