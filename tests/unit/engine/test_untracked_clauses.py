"""Issue 11 point 7: the clauses a customer acts on, computed by hand from the seed texts.

- Sonar Software (seed 000): after-hours support "outside of Sonar's normal Support business hours (Mon–Fri
  9:00 a.m. – 7:00 p.m. Eastern), as well as during observed holidays ... at a rate of $100 USD per hour, with
  a minimum 1-hour charge. This charge will be waived if the issue is deemed to be caused by Sonar."; and
  "Available ... (following Activation)", Activation being "the date you ... are provided access".
- SonarSource (seed 002): "Any references to “Premium Support” in Agreements dated prior to March 3, 2026 will
  be deemed to refer to “Enterprise Tier support.”"; Base Support: "No SLAs or ticket submission rights
  apply."; "Requests to downgrade must be received in writing prior to the renewal date."
- Resonate (seed 004): "Upon effective termination, Resonate shall refund to Customer any prepaid Fees,
  prorated to the effective date of termination."
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sla_core.engine.after_hours import after_hours
from sla_core.engine.credits import estimate_credit
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.duties import DutyDeadline, duty_deadlines, recurring_dates
from sla_core.engine.errors import InputError, NoSla, PolicyError, UnusableInput
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.intervals import downtime
from sla_core.engine.policy_registry import POLICY_DIR, load_policy
from sla_core.engine.policy_rules import parse_policy
from sla_core.engine.refunds import Prepaid, refund

SONAR = load_policy("sonar-software")
SONARSOURCE = load_policy("sonarsource")
RESONATE = load_policy("resonate")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- Sonar after-hours support ---------------------------------------------------------------------------


def test_a_saturday_ticket_is_after_hours_and_charged_by_the_minute_beyond_the_minimum() -> None:
    # Sat 14 Mar 2026 is outside Mon–Fri 09:00–19:00. 90 minutes of help: the first hour is the minimum, the
    # other 30 minutes are charged pro rata (the chosen reading): 90 × 100 / 60 = 150.00 USD.
    found = after_hours(SONAR, "normal", at("2026-03-14T10:00:00-04:00"), worked=timedelta(minutes=90))
    assert found is not None and found.applies
    assert found.charge == Decimal("150.00")
    assert found.minimum_charge == Decimal("100.00")  # 1 hour × 100 USD per hour
    assert "Sat 2026-03-14 10:00 EDT, outside Sonar standard support hours" in found.why
    assert [c.chosen for c in found.readings] == [SONAR.terms.after_hours.billing.clause.chosen]  # type: ignore[union-attr]


def test_the_one_hour_minimum_is_charged_for_a_short_call() -> None:
    # 20 minutes worked: billed as the 1-hour minimum, 1 × 100 = 100.00 USD.
    found = after_hours(SONAR, "normal", at("2026-03-14T10:00:00-04:00"), worked=timedelta(minutes=20))
    assert found is not None and found.charge == Decimal("100.00")
    assert "20 min worked, 60 min billed" in found.basis


def test_without_the_time_worked_the_charge_is_the_minimum() -> None:
    found = after_hours(SONAR, "normal", at("2026-03-16T19:00:00-04:00"))  # Mon 19:00: the hours end at 19:00
    assert found is not None and found.applies and found.charge == Decimal("100.00")
    assert found.basis.startswith("At least 100.00 USD (the 1 hour minimum at 100 USD per hour)")


def test_a_ticket_within_support_hours_owes_nothing() -> None:
    found = after_hours(SONAR, "normal", at("2026-03-16T18:59:00-04:00"), worked=timedelta(hours=2))
    assert found is not None and not found.applies and found.charge is None
    assert "within Sonar standard support hours" in found.why


def test_support_hours_are_eastern_wall_time_across_dst() -> None:
    # 13:30Z is 08:30 EST on Fri 6 Mar 2026 (before 09:00: after hours) but 09:30 EDT on Mon 9 Mar, after the
    # spring-forward of Sun 8 Mar (within the hours).
    winter = after_hours(SONAR, "normal", at("2026-03-06T13:30:00+00:00"))
    summer = after_hours(SONAR, "normal", at("2026-03-09T13:30:00+00:00"))
    assert winter is not None and winter.applies and "08:30 EST" in winter.why
    assert summer is not None and not summer.applies and "09:30 EDT" in summer.why


def test_an_observed_holiday_is_after_hours_only_once_the_deployment_names_it() -> None:
    # Thu 26 Nov 2026, 10:00 EST is Thanksgiving. The policy names no observed holiday (the customer-favourable
    # reading: the text lists none), so it is an ordinary support day; with US federal holidays (the other
    # reading, or a deployment's override) it is an observed holiday and after hours.
    opened = at("2026-11-26T10:00:00-05:00")
    plain = after_hours(SONAR, "normal", opened)
    assert plain is not None and not plain.applies and "within Sonar standard support hours" in plain.why
    us = after_hours(SONAR, "normal", opened, holidays=HolidaySpec("US"))
    assert us is not None and us.applies and "observed holiday (Thanksgiving Day)" in us.why


def test_a_contract_holiday_override_decides_what_an_observed_holiday_is() -> None:
    # Wed 1 Jul 2026, 10:00 EDT: an ordinary US working day, but Canada Day under a CA override.
    opened = at("2026-07-01T10:00:00-04:00")
    us = after_hours(SONAR, "normal", opened)
    canada = after_hours(SONAR, "normal", opened, holidays=HolidaySpec("CA"))
    assert us is not None and not us.applies
    assert canada is not None and canada.applies and "Canada Day" in canada.why
    assert SONAR.holidays.clause not in canada.readings  # the override replaces the policy's reading


def test_a_production_outage_is_taken_as_caused_by_sonar_so_its_charge_is_waived() -> None:
    found = after_hours(SONAR, "production-down", at("2026-03-13T19:30:00-04:00"))
    assert found is not None and found.applies and found.waived and found.charge == Decimal("0.00")
    waiver = SONAR.terms.after_hours.waiver  # type: ignore[union-attr]
    assert waiver is not None and waiver.clause in found.readings


def test_any_ticket_deemed_caused_by_sonar_is_waived() -> None:
    found = after_hours(SONAR, "normal", at("2026-03-14T10:00:00-04:00"), vendor_caused=True)
    assert found is not None and found.waived and found.charge == Decimal("0.00")
    assert found.basis.startswith("Waived: the issue is deemed to be caused by Sonar; otherwise at least 100.00")


def test_policies_without_paid_after_hours_support_have_no_position() -> None:
    assert after_hours(RESONATE, "P1", at("2026-03-14T10:00:00-04:00")) is None


def test_bad_after_hours_input_is_refused() -> None:
    with pytest.raises(InputError, match="must be positive"):
        after_hours(SONAR, "normal", at("2026-03-14T10:00:00-04:00"), worked=timedelta(0))
    with pytest.raises(PolicyError, match="unknown severity"):
        after_hours(SONAR, "P9", at("2026-03-14T10:00:00-04:00"))


# -- SonarSource tiers: Premium Support and Base Support ------------------------------------------------


def test_premium_means_enterprise_with_its_agreement_date_condition() -> None:
    dated = SONARSOURCE.tier_choice("premium", date(2026, 3, 2))  # the last day before 3 March 2026
    assert (dated.id, dated.written) == ("enterprise", "premium")
    assert "the agreement is dated 2026-03-02, before 2026-03-03" in (dated.condition or "")
    undated = SONARSOURCE.tier_choice("Premium")
    assert undated.id == "enterprise" and "provided the agreement is dated before 2026-03-03" in (
        undated.condition or ""
    )
    assert SONARSOURCE.tier_choice("enterprise").written is None


def test_premium_in_an_agreement_dated_from_3_march_2026_is_refused() -> None:
    with pytest.raises(PolicyError, match="means enterprise only in agreements dated before 2026-03-03"):
        SONARSOURCE.tier_choice("premium", date(2026, 3, 3))


def test_premium_runs_the_enterprise_clocks() -> None:
    # Enterprise Blocker: 1 clock hour, 24/7. Opened Sat 14 Mar 10:00 CET -> 11:00 CET.
    found = compute_deadline(SONARSOURCE, "blocker", at("2026-03-14T10:00:00+01:00"), tier="premium", region="emea")
    assert (found.tier, found.due_at.isoformat()) == ("enterprise", "2026-03-14T11:00:00+01:00")


def test_base_support_has_no_sla_and_says_so_plainly() -> None:
    with pytest.raises(NoSla) as raised:
        compute_deadline(SONARSOURCE, "blocker", at("2026-03-14T10:00:00+01:00"), tier="base", region="emea")
    assert str(raised.value).startswith("Base Support has no SLA: “Customers in the Base Support Tier")
    assert SONARSOURCE.targets(SONARSOURCE.severity("blocker"), "base") == []


def test_base_support_earns_no_credit() -> None:
    # Five missed tickets would earn 25% of 15,000 on Enterprise; Base has no SLA to miss.
    estimate = estimate_credit(
        SONARSOURCE, "2026-Q1", fee=Decimal("15000"), tier="base", region="emea", missed_responses=5
    )
    assert estimate.amount == Decimal("0.00") and estimate.basis.startswith("Base Support has no SLA")


def test_policies_list_their_tiers_without_the_other_names() -> None:
    summary = SONARSOURCE.summary()
    assert summary["tiers"] == ["core", "standard", "enterprise"]
    assert (summary["tiers_without_sla"], summary["tier_names"]) == (["base"], {"premium": "enterprise"})


# -- SonarSource: the written downgrade request before renewal --------------------------------------------


def downgrade(deadlines: list[DutyDeadline]) -> list[DutyDeadline]:
    return [d for d in deadlines if d.duty.id == "downgrade-request"]


def test_the_downgrade_request_is_due_before_the_renewal_date_in_the_region_zone() -> None:
    # Renewal Thu 1 Apr 2027 in Zurich (CEST since Sun 28 Mar 2027): due by 00:00 CEST on it; reminders 30, 7
    # and 1 days before at local midnight: Tue 2 Mar (CET, +01:00), Thu 25 Mar (CET) and Wed 31 Mar (CEST).
    (deadline,) = downgrade(duty_deadlines(SONARSOURCE, {"renewal": date(2027, 4, 1)}, "emea"))
    assert deadline.due is not None and deadline.due.isoformat() == "2027-04-01T00:00:00+02:00"
    assert [(r.words, r.at.isoformat()) for r in deadline.reminders()] == [
        ("30 days", "2027-03-02T00:00:00+01:00"),
        ("7 days", "2027-03-25T00:00:00+01:00"),
        ("1 day", "2027-03-31T00:00:00+02:00"),
    ]
    # Americas: 00:00 Central time (CDT on 1 Apr 2027, UTC−5).
    (americas,) = downgrade(duty_deadlines(SONARSOURCE, {"renewal": date(2027, 4, 1)}, "americas"))
    assert americas.due is not None and americas.due.isoformat() == "2027-04-01T00:00:00-05:00"


def test_the_latest_reminder_due_is_the_one_owed_until_the_deadline() -> None:
    (deadline,) = downgrade(duty_deadlines(SONARSOURCE, {"renewal": date(2027, 4, 1)}, "emea"))
    assert deadline.latest_due(at("2027-03-01T23:59:00+01:00")) is None  # before the 30-day reminder
    first = deadline.latest_due(at("2027-03-02T00:00:00+01:00"))
    assert first is not None and first.tag == "30d"
    late = deadline.latest_due(at("2027-03-26T09:00:00+01:00"))  # the 7-day one supersedes the 30-day one
    assert late is not None and late.tag == "7d"
    assert deadline.latest_due(at("2027-04-01T00:00:00+02:00")) is None  # the deadline has passed


def test_a_duty_without_its_date_has_no_deadline() -> None:
    (deadline,) = downgrade(duty_deadlines(SONARSOURCE, {}, "emea"))
    assert (deadline.due, deadline.reminders()) == (None, [])
    assert deadline.latest_due(at("2027-03-26T09:00:00+01:00")) is None


def test_enterprise_contracts_are_reminded_of_the_quarterly_report() -> None:
    # "Enterprise Tier customers will receive a quarterly report via email": as of Wed 20 May 2026 the quarter
    # (SonarSource's fiscal quarters are calendar quarters) ends Tue 30 Jun, so the date is Wed 1 Jul 00:00 CEST;
    # reminders 7 days and 1 day before (its remind_days) at local midnight: Wed 24 Jun, Tue 30 Jun (CEST).
    now = at("2026-05-20T12:00:00+02:00")
    dates = recurring_dates(SONARSOURCE, now, "emea")
    assert dates == {"quarter_end": date(2026, 7, 1)}
    (report,) = [d for d in duty_deadlines(SONARSOURCE, dates, "emea", "enterprise") if d.duty.id == "quarterly-report"]
    assert report.due is not None and report.due.isoformat() == "2026-07-01T00:00:00+02:00"
    assert [(r.tag, r.words, r.at.isoformat()) for r in report.reminders()] == [
        ("7d", "7 days", "2026-06-24T00:00:00+02:00"), ("1d", "1 day", "2026-06-30T00:00:00+02:00"),
    ]  # fmt: skip
    assert report.latest_due(now) is None  # 24 Jun has not come yet
    week = report.latest_due(at("2026-06-24T00:00:00+02:00"))
    assert week is not None and week.tag == "7d"
    # Premium is another name for Enterprise: it has the report too; Core and Standard do not.
    assert any(d.duty.id == "quarterly-report" for d in duty_deadlines(SONARSOURCE, dates, "emea", "premium"))
    for tier in ("core", "standard"):
        assert [d.duty.id for d in duty_deadlines(SONARSOURCE, dates, "emea", tier)] == ["downgrade-request"]


# -- Resonate: the refund of prepaid fees ------------------------------------------------------------------


PREPAID_2026 = Prepaid(Decimal("38400.00"), date(2026, 1, 1), date(2026, 12, 31))  # 365 days


def test_the_refund_is_prorated_by_day_from_the_effective_date_included() -> None:
    terms = RESONATE.terms.termination.refund  # type: ignore[union-attr]
    assert terms is not None
    # Effective Sun 10 May 2026: 10–31 May (22) + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31
    # = 236 days; 38,400.00 × 236 / 365 = 24,828.4931... -> 24,828.49; a day is 38,400 / 365 = 105.2054... -> 105.21.
    found = refund(terms, PREPAID_2026, date(2026, 5, 10), "USD", assumed=False)
    assert (found.days, found.amount, found.per_day) == (236, Decimal("24828.49"), Decimal("105.21"))


def test_refunds_outside_the_prepaid_period() -> None:
    terms = RESONATE.terms.termination.refund  # type: ignore[union-attr]
    assert terms is not None
    before = refund(terms, PREPAID_2026, date(2025, 12, 15), "USD", assumed=False)
    after = refund(terms, PREPAID_2026, date(2027, 1, 1), "USD", assumed=False)
    last = refund(terms, PREPAID_2026, date(2026, 12, 31), "USD", assumed=False)
    assert (before.days, before.amount) == (365, Decimal("38400.00"))  # all of it
    assert (after.days, after.amount) == (0, Decimal("0.00"))
    assert (last.days, last.amount) == (1, Decimal("105.21"))  # 38,400 / 365 = 105.2054... -> 105.21


def test_a_prepaid_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InputError, match="ends before it starts"):
        Prepaid(Decimal("100"), date(2026, 12, 31), date(2026, 1, 1))


def test_the_termination_right_carries_the_refund_for_its_last_day() -> None:
    # April 2026 = 43,200 min; 300 min down: (43,200 − 300) / 43,200 = 99.3055% < 99.5%: a failure. With
    # February and March failed, three within six months: the right lasts until 10 days after April, 11 May
    # 00:00 EDT, so its last day is 10 May: 24,828.49 USD (see above).
    estimate = estimate_credit(
        RESONATE, "2026-04", fee=Decimal("3200"),
        intervals=[downtime(at("2026-04-14T10:00:00-04:00"), at("2026-04-14T15:00:00-04:00"))],
        failed_months=["2026-02", "2026-03"], prepaid=PREPAID_2026,
    )  # fmt: skip
    right = estimate.termination
    assert right is not None and right.exists and right.refund is not None
    assert (right.refund.effective, right.refund.amount) == (date(2026, 5, 10), Decimal("24828.49"))
    assert right.refund.effective_is_assumed
    refund_clause = RESONATE.terms.termination.refund.clause  # type: ignore[union-attr]
    assert refund_clause.readings()[0] in estimate.readings


def test_no_right_no_refund() -> None:
    estimate = estimate_credit(RESONATE, "2026-04", fee=Decimal("3200"), prepaid=PREPAID_2026)
    assert estimate.termination is not None and not estimate.termination.exists
    assert estimate.termination.refund is None


def test_contract_facts_only_where_the_policy_uses_them() -> None:
    with pytest.raises(UnusableInput, match="prepaid fees apply only to policies that refund them"):
        estimate_credit(SONAR, "2026-04", fee=Decimal("1"), prepaid=PREPAID_2026)
    with pytest.raises(UnusableInput, match="an activation date applies only"):
        estimate_credit(RESONATE, "2026-04", fee=Decimal("1"), activation=date(2026, 4, 2))
    with pytest.raises(UnusableInput, match="a termination date goes with prepaid fees"):
        estimate_credit(RESONATE, "2026-04", fee=Decimal("1"), terminate_on=date(2026, 5, 1))


# -- Sonar: availability counts from Activation --------------------------------------------------------------


def test_a_month_that_starts_before_activation_counts_from_it() -> None:
    # Activation Tue 10 Mar 2026: 10 Mar 00:00 EDT to 1 Apr 00:00 EDT = 22 × 1,440 = 31,680 minutes. 4 minutes
    # down on 20 Mar: (31,680 − 4) / 31,680 = 99.98737% < 99.99%, so all 4 minutes are credited at the month's
    # rate: 4 / 44,580 (March 2026's real minutes) × 2,400.00 = 0.2153... -> 0.22 USD. The hour down on 5 Mar is
    # before Activation and counts for nothing. Without Activation: (44,580 − 64) / 44,580 would be measured.
    intervals = [
        downtime(at("2026-03-05T10:00:00-05:00"), at("2026-03-05T11:00:00-05:00")),
        downtime(at("2026-03-20T10:00:00-04:00"), at("2026-03-20T10:04:00-04:00")),
    ]
    estimate = estimate_credit(SONAR, "2026-03", fee=Decimal("2400"), intervals=intervals, activation=date(2026, 3, 10))
    m = estimate.availability
    assert m is not None and (m.total_minutes, m.counted_minutes) == (Decimal("31680.0000"), Decimal("4.0000"))
    assert (m.percent_text(), estimate.target_met, estimate.amount) == ("99.9873", False, Decimal("0.22"))
    assert "Availability counts from Activation (2026-03-10T00:00:00-04:00): 31680 of the 44580" in estimate.notes[0]


def test_activation_on_the_spring_forward_day_counts_its_23_hours() -> None:
    # From Sun 8 Mar 2026 00:00 EST: 24 days to 1 Apr, less the hour the clocks skip: 24 × 1,440 − 60 = 34,500.
    estimate = estimate_credit(SONAR, "2026-03", fee=Decimal("2400"), activation=date(2026, 3, 8))
    assert estimate.availability is not None and estimate.availability.total_minutes == Decimal("34500.0000")


def test_months_after_activation_are_whole_and_months_before_measure_nothing() -> None:
    april = estimate_credit(SONAR, "2026-04", fee=Decimal("2400"), activation=date(2026, 3, 10))
    february = estimate_credit(SONAR, "2026-02", fee=Decimal("2400"), activation=date(2026, 3, 10))
    assert april.availability is not None and april.availability.total_minutes == Decimal("43200.0000")  # 30 days
    assert february.availability is not None and february.availability.total == 0
    assert (february.amount, february.notes[0]) == (
        Decimal("0.00"),
        "Activation is after 2026-02, so nothing is measured in it.",
    )


# -- the policy language: errors name the file and the field --------------------------------------------------


CORE_BLOCKER = (
    '\nduration = "2 business days"\ncalendar = "business-hours"\nquote = "Core Tier | Business Hours (8x5) | Blocker'
)


def _sonarsource_with(old: str, new: str) -> None:
    text = (POLICY_DIR / "sonarsource.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    parse_policy(tomllib.loads(text.replace(old, new)), str(Path("sonarsource.toml")))


def _sonar_with(old: str, new: str) -> None:
    text = (POLICY_DIR / "sonar-software.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    parse_policy(tomllib.loads(text.replace(old, new)), "sonar-software.toml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('same_as = "enterprise"', 'same_as = "gold"', "tiers.premium.same_as: 'gold' is not a tier with an SLA"),
        ('same_as = "enterprise"', 'same_as = "base"', "tiers.premium.same_as: 'base' is not a tier with an SLA"),
        ('same_as = "enterprise"\n', "", "tiers.premium.agreements_before: limits another name for a tier"),
        ("agreements_before = 2026-03-03", 'agreements_before = "2026-03-03"', "'2026-03-03' is not a date"),
        ('sla = false', 'sla = "no"', "tiers.base.sla: 'no' is not true or false"),
        ('before = "renewal"', 'before = "anniversary"', "duties[0].before: must be one of quarter_end, renewal"),
        (f'tiers = ["core"]{CORE_BLOCKER}', f'tiers = ["premium"]{CORE_BLOCKER}', "has no targets of its own"),
    ],
)  # fmt: skip
def test_bad_tier_and_duty_tables_name_the_field(old: str, new: str, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        _sonarsource_with(old, new)
    assert message in str(raised.value) and str(raised.value).startswith("sonarsource.toml: ")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('outside = "business-hours"', 'outside = "nights"', "after_hours.outside: unknown calendar 'nights'"),
        ('rate = "100"', 'rate = 100.0', "after_hours.rate: 100.0 is not a decimal number written as a string"),
        ('per = "1 hour"', 'per = "an hour"', "after_hours.per: 'an hour' is not a span"),
        ('increment = "1 minute"', 'increment = "0 minutes"', "after_hours.billing.increment:"),
        ('severities = ["production-down"]', 'severities = ["outage"]', "waiver.severities: unknown severity 'outage'"),
        ('date = "activation"', 'date = "go-live"', "availability.counts_from.date: must be one of activation"),
    ],
)  # fmt: skip
def test_bad_after_hours_and_activation_tables_name_the_field(old: str, new: str, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        _sonar_with(old, new)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("days", "problem"),
    [("[7, 7]", r"\[7, 7\] repeats an entry"), (r"[0]", r"\[0\]: 0 is not a whole number from 1 to 90")],
)
def test_reminder_days_are_distinct_whole_days(days: str, problem: str) -> None:
    text = (
        (POLICY_DIR / "sonarsource.toml")
        .read_text(encoding="utf-8")
        .replace("remind_days = [7, 1]", f"remind_days = {days}")
    )
    with pytest.raises(PolicyError, match=rf"duties\[1\]\.remind_days.*{problem}"):
        parse_policy(tomllib.loads(text), "sonarsource.toml")
