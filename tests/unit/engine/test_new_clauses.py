"""Clauses the language could not say before: an uptime-only SLA (no calendars, no severities: most cloud SLAs
commit to availability and credits only), examples that state their figures under the other reading, which
`check` computes and compares like the chosen reading's, named holidays by yearly rule, a yearly maintenance
allowance and claim windows in business days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sla_core.app.contract_credit import contract_estimate
from sla_core.app.contract_terms import terms_for
from sla_core.config.contracts import ContractsError, parse_contracts
from sla_core.engine.claims import business_days_after
from sla_core.engine.credits import estimate_credit
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import PolicyError
from sla_core.engine.examples import find_example
from sla_core.engine.explain import explain_text
from sla_core.engine.holiday_rules import RULE_ACCEPTED, parse_holiday_rule
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.instants import from_micros, to_micros
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.engine.policy_registry import load_policy, load_policy_file
from tests.support.cli import run
from tests.support.own_policy import write_clauses_policy, write_uptime_policy


def check_changed(capsys: pytest.CaptureFixture[str], path: Path, old: str, new: str) -> str:
    """`check` of the policy at `path` with `old` replaced by `new`: the problem it reports (it must fail)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 2
    return out.split(": ", 1)[1]


def test_an_uptime_only_policy_loads_and_its_examples_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_uptime_policy(tmp_path)
    assert run(capsys, "check", str(path)) == (0, "ok: 1 policy (1 examples) hold\n", "")
    policy = load_policy_file(path)
    assert (policy.calendars, policy.severities) == ({}, {})
    assert "None: nothing is due but availability and credits." in explain_text(policy)


def test_an_uptime_only_policy_computes_availability_and_credit(tmp_path: Path) -> None:
    policy = load_policy_file(write_uptime_policy(tmp_path))
    example = find_example(policy, "ninety minutes down in June")
    result = estimate_credit(policy, "2026-06", **example.inputs).as_dict()  # type: ignore[union-attr]
    # 90 min of June's 43,200: 99.7916%; 90 / 43,200 × 1,000.00 = 2.08
    assert (result["availability_percent"], result["credit_amount"]) == ("99.7916", "2.08")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # beyond the allowance: (90 − 43.2) / 43,200 × 1,000.00 = 1.08, not 1.09
        ('other_credit = "1.08"', 'other_credit = "1.09"', "examples[0].other_credit: expected 1.09, the engine "
         "computes 1.08"),
        ("other_target_met = false", "other_target_met = true", "examples[0].other_target_met: expected true, the "
         "engine computes false"),
        ('other_of = "credit"', 'other_of = "claims"', "examples[0].other_of: 'claims' is not a clause of this "
         "result whose other reading is data; accepted: credit"),
    ],
)  # fmt: skip
def test_a_wrong_figure_under_the_other_reading_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, problem: str
) -> None:
    assert check_changed(capsys, write_uptime_policy(tmp_path), old, new) == f"{problem}\n"


# -- named holidays, a yearly maintenance allowance, claims in business days -------------------------------------


def test_the_clauses_policy_loads_and_its_examples_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_clauses_policy(tmp_path)
    assert run(capsys, "check", str(path)) == (0, "ok: 1 policy (11 examples) hold\n", "")
    text = explain_text(load_policy_file(path))
    assert "Day after Thanksgiving (every year: 4th Thursday of November + 1 day)" in text
    assert "Year-end shutdown (2026-12-31)" in text
    assert "Claim deadline: within 5 business days of the quarter's end." in text


def test_named_holidays_join_the_country_set_every_year(tmp_path: Path) -> None:
    policy = load_policy_file(write_clauses_policy(tmp_path))
    holidays = HolidaySet(policy.holidays.spec)
    # The 4th Thursday of November: 2027-11-25 (Nov 1 2027 is a Monday: Thursdays 4, 11, 18, 25), + 1 day.
    assert holidays.names(2027)[date(2027, 11, 26)] == "Day after Thanksgiving"
    assert date(2027, 11, 25) in holidays and date(2027, 12, 26) in holidays
    # The dated addition is 2026's only (2027-12-31 is New Year's Day 2028 observed, a US holiday of its own).
    assert holidays.names(2026)[date(2026, 12, 31)] == "Year-end shutdown"
    assert "Year-end shutdown" not in holidays.names(2027).values()


def test_a_rule_moved_across_new_year_lands_in_the_next_year() -> None:
    holidays = HolidaySet(HolidaySpec(named=(("New Year's Day", parse_holiday_rule("December 31 + 1 day")),)))
    assert holidays.names(2027) == {date(2027, 1, 1): "New Year's Day"}
    assert date(2026, 12, 31) not in holidays and date(2027, 1, 1) in holidays


@pytest.mark.parametrize(
    ("rule", "found"),
    [
        ("last Monday of May", [date(2026, 5, 25), date(2027, 5, 31)]),
        ("first Monday of September", [date(2026, 9, 7), date(2027, 9, 6)]),
        ("February 29", [None, None, date(2028, 2, 29)]),  # a year without the day has no such holiday
        # January 2026: Fridays 2, 9, 16, 23, 30; 2027: 1, 8, 15, 22, 29; 2028 (from Saturday): 7, 14, 21, 28.
        ("5th Friday of January - 2 days", [date(2026, 1, 28), date(2027, 1, 27), None]),
    ],
)  # fmt: skip
def test_holiday_rules_give_each_year_its_day(rule: str, found: list[date | None]) -> None:
    parsed = parse_holiday_rule(rule)
    assert [parsed.on(2026 + i) for i in range(len(found))] == found


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('rule = "4th Thursday of November + 1 day"', 'rule = "4th Thurday of November + 1 day"',
         "holidays.add[0].rule: '4th Thurday of November + 1 day': 'Thurday' is not a weekday; accepted: a "
         "weekday's name in full"),
        ('rule = "December 25 + 1 day"', 'rule = "Dec 25 + 1 day"',
         "holidays.add[1].rule: 'Dec 25 + 1 day': 'Dec' is not a month; accepted: a month's name in full, e.g. "
         "November"),
        ('rule = "December 25 + 1 day"', 'rule = "June 31"', f"holidays.add[1].rule: 'June 31': June has no day 31; "
         f"accepted: {RULE_ACCEPTED}"),
        ('date = 2026-12-31 }', 'date = 2026-12-31, rule = "December 31" }', "holidays.add[2].rule: give exactly one "
         f"of rule (every year) or date (one day); accepted: {RULE_ACCEPTED}"),
        ('allowance_per = "year"', 'allowance_per = "month"', "availability.maintenance.allowance: is an allowance "
         "per month, but [credit] period is a quarter: a monthly allowance within a quarter is not supported; "
         'accepted: allowance_per = "year", no allowance, or period = "month"'),
        ('allowance_per = "year"', 'allowance_per = "quarter"', "availability.maintenance.allowance_per: must be one "
         "of month, year, not 'quarter'"),
        ('deadline = "5 business days"', 'deadline = "5 busines days"', "claims.deadline: '5 busines days' is not a "
         "claim period; accepted: a whole number of minutes, hours or days, e.g. '5 minutes', '72 hours', '30 days', "
         "or whole business days, e.g. '5 business days'"),
    ],
)  # fmt: skip
def test_a_wrong_new_clause_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, problem: str
) -> None:
    assert check_changed(capsys, write_clauses_policy(tmp_path), old, new) == f"{problem}\n"


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        # Begun at 10:30 on Fri 2026-06-12, that day is not counted: Mon 15, Tue 16 → the end of Tue 16.
        (datetime(2026, 6, 12, 10, 30, tzinfo=NEW_YORK), 2, datetime(2026, 6, 17, tzinfo=NEW_YORK)),
        # From Fri 2026-03-06 00:00 EST (counted: it begins there) over the spring-forward Sunday: Fri 6, Mon 9, Tue
        # 10 → Wed 11 00:00 EDT, a local midnight though the offset changed.
        (datetime(2026, 3, 6, tzinfo=NEW_YORK), 3, datetime(2026, 3, 11, tzinfo=NEW_YORK)),
        # Fall back: from Fri 2026-10-30 00:00 EDT: Fri 30, Mon Nov 2 → Tue Nov 3 00:00 EST.
        (datetime(2026, 10, 30, tzinfo=NEW_YORK), 2, datetime(2026, 11, 3, tzinfo=NEW_YORK)),
    ],
)  # fmt: skip
def test_business_days_are_whole_local_days(start: datetime, count: int, end: datetime) -> None:
    assert business_days_after(to_micros(start), count, NEW_YORK) == to_micros(end)
    assert from_micros(to_micros(end), NEW_YORK).utcoffset() == end.utcoffset()


# -- hours in the customer's local time: each contract names the zone ---------------------------------------------


@pytest.fixture
def acme_ops(tmp_path: Path) -> Iterator[Path]:
    path = write_clauses_policy(tmp_path / "policies")
    add_policy_dirs([path.parent])
    yield path
    reset_policy_dirs()


def contracts_data(policy: str = "acme-ops", **extra: Any) -> dict[str, Any]:
    entry = {"policy": policy, "fee": "3000.00", "currency": "USD", "perspective": "customer",
             "slack_channel": "C0ACMEOPS01", **extra}  # fmt: skip
    return {"default_channel": "C0SLAOPS000", "contracts": {"acme": entry}}


def test_a_contracts_customer_timezone_sets_the_customer_calendars_zone(acme_ops: Path) -> None:
    contract = parse_contracts(contracts_data(customer_timezone="Europe/Berlin")).contracts["acme"]
    terms = terms_for(contract)
    assert terms is not None and terms.customer_zone == "Europe/Berlin"
    opened = datetime.fromisoformat("2026-06-12T14:00:00+00:00")  # Fri 16:00 CEST
    # Berlin hours: 1 h to 17:00, then Mon 08:00 + 1 h = 09:00 CEST (03:00 in New York, the policy's zone).
    due = compute_deadline(terms.load(), "p2", opened)
    assert due.due_at == datetime.fromisoformat("2026-06-15T09:00:00+02:00")
    assert (due.calendar.zone.key, due.customer_zone) == ("Europe/Berlin", "Europe/Berlin")
    # The policy's own calendars stay in its zone: p1's business hours are New York's, 10:00 + 4 h = 14:00 EDT.
    assert compute_deadline(terms.load(), "p1", opened).due_at == datetime.fromisoformat("2026-06-12T14:00:00-04:00")


def test_a_customer_calendar_without_a_customer_zone_refuses_to_run(acme_ops: Path) -> None:
    with pytest.raises(PolicyError, match=r"calendar customer-hours of policy acme-ops keeps the customer's local "
                       r"time \(timezone = \"customer\"\), and no customer zone was given; accepted: the contract's "
                       "customer_timezone in contracts.toml"):  # fmt: skip
        compute_deadline(load_policy("acme-ops"), "p2", datetime.fromisoformat("2026-06-12T14:00:00+00:00"))


@pytest.mark.parametrize(
    ("policy", "extra", "problem"),
    [
        ("acme-ops", {}, "contracts.acme.customer_timezone: is required: acme-ops keeps a calendar in the customer's "
         "local time (timezone = \"customer\"); accepted: an IANA zone such as 'Europe/Berlin'"),
        ("acme-ops", {"customer_timezone": "Europe/Bxl"}, "contracts.acme.customer_timezone: 'Europe/Bxl' is not an "
         "IANA time zone; accepted: a zone name such as 'America/New_York'"),
        ("atheer", {"customer_timezone": "Europe/Berlin"}, "contracts.acme.customer_timezone: 'Europe/Berlin' is not "
         "allowed here (atheer keeps no calendar in the customer's local time); accepted: no customer_timezone field"),
    ],
)  # fmt: skip
def test_a_missing_unknown_or_unused_customer_timezone_is_named(
    acme_ops: Path, policy: str, extra: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ContractsError) as raised:
        parse_contracts(contracts_data(policy, **extra), source="contracts.toml")
    assert str(raised.value) == f"contracts.toml: {problem}"


def test_a_policy_calendar_zone_is_a_zone_or_customer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_clauses_policy(tmp_path)
    assert check_changed(capsys, path, 'timezone = "customer"', 'timezone = "client"') == (
        "calendars.customer-hours.timezone: 'client' is not an IANA time zone or \"customer\"; accepted: a zone name "
        "such as 'America/New_York', or \"customer\" (the zone a contract's customer_timezone gives)\n"
    )


def test_a_contracts_holiday_override_closes_the_claim_windows_business_days(acme_ops: Path) -> None:
    policy = load_policy("acme-ops")
    # From Wed 1 Jul 2026 00:00 EDT: under the policy's US holidays Fri 3 (Independence Day observed) is closed:
    # Jul 1, 2, 6, 7, 8 → Jul 9 00:00. Under a German override Jul 3 is a business day: 1, 2, 3, 6, 7 → Jul 8.
    found = {}
    for override in (None, {"country": "DE"}):
        extra: dict[str, Any] = {"customer_timezone": "Europe/Berlin"} | ({"holidays": override} if override else {})
        contract = parse_contracts(contracts_data("acme-ops", **extra)).contracts["acme"]
        estimate = contract_estimate(contract, policy, "2026-Q2", "platform", [])
        found[bool(override)] = estimate.as_dict()["claim_deadline"]
    assert found == {False: "2026-07-09T00:00:00-04:00", True: "2026-07-08T00:00:00-04:00"}
