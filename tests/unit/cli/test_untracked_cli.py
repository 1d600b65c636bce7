"""Issue 11 point 7 through `python -m sla_core`: after-hours charges, Premium and Base Support, the downgrade
deadline, Resonate's refund and Sonar's Activation, with figures worked by hand from the seeds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cli import ok, run


def readings(result: dict[str, Any], starts: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in result["readings"] if r["chosen"].startswith(starts)]
    assert len(found) == 1, found
    return found[0]


# -- deadline: the after-hours charge ---------------------------------------------------------------------


def test_deadline_shows_the_after_hours_charge_and_its_other_reading(capsys: pytest.CaptureFixture[str]) -> None:
    # Sonar normal request, Sat 14 Mar 2026 10:00 EDT (outside Mon–Fri 09:00–19:00), 90 minutes of help:
    # 90 × 100 / 60 = 150.00 USD by the minute beyond the 1-hour minimum; every started hour: 2 × 100 = 200.00.
    # Due: the earlier of 24 clock hours (Sun 15 Mar 10:00) and 1 business day (10 open hours from Mon 09:00 =
    # Mon 16 Mar 19:00): Sun 10:00.
    result = ok(
        capsys, "deadline", "--policy", "sonar-software", "--severity", "normal",
        "--opened", "2026-03-14T10:00:00-04:00", "--after-hours-time", "90 minutes",
    )  # fmt: skip
    assert result["due_at"] == "2026-03-15T10:00:00-04:00"
    charge = result["after_hours"]
    assert (charge["applies"], charge["charge"], charge["minimum_charge"], charge["worked_minutes"]) == (
        True, "150.00", "100.00", 90,
    )  # fmt: skip
    assert (charge["rate"], charge["currency"], charge["per"], charge["minimum"]) == ("100", "USD", "1 hour", "1 hour")
    billing = readings(result, "Beyond the 1-hour minimum")
    assert billing["if_other"] == {"due_at": "2026-03-15T10:00:00-04:00", "after_hours_charge": "200.00"}
    assert billing["differs"] == ["after_hours_charge"]
    target = readings(result, "Both promises apply")
    assert target["if_other"] == {"due_at": "2026-03-16T19:00:00-04:00", "after_hours_charge": "150.00"}


def test_a_production_outage_after_hours_is_waived_under_the_chosen_reading(capsys: pytest.CaptureFixture[str]) -> None:
    # Fri 13 Mar 19:30 EDT, after the 19:00 close: first response 1 business hour -> Mon 16 Mar 10:00. Waived as
    # caused by Sonar; under the other reading the 1-hour minimum, 100.00 USD, is due.
    result = ok(
        capsys, "deadline", "--policy", "sonar-software", "--severity", "production-down",
        "--opened", "2026-03-13T19:30:00-04:00",
    )  # fmt: skip
    assert result["due_at"] == "2026-03-16T10:00:00-04:00"
    assert (result["after_hours"]["waived"], result["after_hours"]["charge"]) == (True, "0.00")
    waiver = readings(result, "A Production Down / System Outage")
    assert waiver["if_other"] == {"due_at": "2026-03-16T10:00:00-04:00", "after_hours_charge": "100.00"}


def test_vendor_caused_waives_and_hours_owe_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    waived = ok(
        capsys, "deadline", "--policy", "sonar-software", "--severity", "normal",
        "--opened", "2026-03-14T10:00:00-04:00", "--vendor-caused",
    )  # fmt: skip
    assert (waived["after_hours"]["waived"], waived["after_hours"]["charge"]) == (True, "0.00")
    within = ok(
        capsys,
        "deadline",
        "--policy",
        "sonar-software",
        "--severity",
        "normal",
        "--opened",
        "2026-03-10T11:00:00-04:00",
    )
    assert (within["after_hours"]["applies"], within["after_hours"]["charge"]) == (False, None)
    atheer = ok(capsys, "deadline", "--policy", "atheer", "--severity", "P1", "--opened", "2026-03-14T10:00:00-07:00")
    assert "after_hours" not in atheer


# -- deadline: Premium Support and Base Support ----------------------------------------------------------------


def test_premium_is_enterprise_with_the_agreement_date_condition(capsys: pytest.CaptureFixture[str]) -> None:
    # Enterprise Blocker: 1 clock hour on the 24/7 clock: Sat 14 Mar 10:00 CET -> 11:00 CET.
    result = ok(
        capsys, "deadline", "--policy", "sonarsource", "--tier", "premium", "--region", "emea",
        "--severity", "blocker", "--opened", "2026-03-14T10:00:00+01:00", "--agreement-date", "2025-06-01",
    )  # fmt: skip
    assert (result["tier"], result["tier_as_written"], result["due_at"]) == (
        "enterprise", "premium", "2026-03-14T11:00:00+01:00",
    )  # fmt: skip
    assert "the agreement is dated 2025-06-01, before 2026-03-03" in result["tier_condition"]


def test_base_support_is_answered_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    result = ok(
        capsys, "deadline", "--policy", "sonarsource", "--tier", "base", "--severity", "blocker",
        "--opened", "2026-03-14T10:00:00+01:00",
    )  # fmt: skip
    assert result["due_at"] is None
    assert result["answer"].startswith("Base Support has no SLA: “Customers in the Base Support Tier")
    assert result["answer"].endswith("No SLAs or ticket submission rights apply.”")


def test_credit_for_premium_and_base(capsys: pytest.CaptureFixture[str]) -> None:
    # Five tickets missed in the quarter, more than four: 25% of 15,000.00 = 3,750.00 EUR on Enterprise (Premium);
    # Base has no SLA, so nothing.
    argv = ("credit", "--policy", "sonarsource", "--region", "emea", "--period", "2026-Q1", "--fee", "15000",
            "--missed-responses", "5", "--currency", "EUR")  # fmt: skip
    premium = ok(capsys, *argv, "--tier", "premium", "--agreement-date", "2026-01-15")
    assert (premium["tier"], premium["credit_amount"], premium["tier_as_written"]) == (
        "enterprise",
        "3750.00",
        "premium",
    )
    base = ok(capsys, *argv, "--tier", "base")
    assert base["credit_amount"] == "0.00" and base["basis"].startswith("Base Support has no SLA")


# -- duties ----------------------------------------------------------------------------------------------------


def test_duties_lists_the_downgrade_deadline_and_reminders(capsys: pytest.CaptureFixture[str]) -> None:
    # Renewal Mon 1 Mar 2027 in Zurich (CET, +01:00): due by 00:00 on it; reminders 30 days (Sat 30 Jan), 7 days
    # (Mon 22 Feb) and 1 day (Sun 28 Feb) before, each at local midnight.
    result = ok(capsys, "duties", "--policy", "sonarsource", "--region", "emea", "--renewal-date", "2027-03-01")
    (duty,) = [d for d in result["duties"] if d["id"] == "downgrade-request"]
    assert (duty["id"], duty["before"], duty["due_by"]) == ("downgrade-request", "renewal", "2027-03-01T00:00:00+01:00")
    assert [r["at"] for r in duty["reminders"]] == [
        "2027-01-30T00:00:00+01:00",
        "2027-02-22T00:00:00+01:00",
        "2027-02-28T00:00:00+01:00",
    ]
    assert "Requests to downgrade must be received in writing prior to the renewal date." in duty["quote"]
    undated = ok(capsys, "duties", "--policy", "sonarsource", "--region", "emea")
    assert undated["duties"][0]["due_by"] is None and undated["notes"]
    assert ok(capsys, "duties", "--policy", "resonate")["duties"] == []
    # Enterprise's quarterly report, as of Fri 13 Nov 2026: the quarter ends Thu 31 Dec, due by Fri 1 Jan 2027
    # 00:00 CET; reminders 7 days and 1 day before: Fri 25 Dec, Thu 31 Dec 2026. Core has none.
    report = ok(capsys, "duties", "--policy", "sonarsource", "--region", "emea", "--tier", "enterprise",
                "--now", "2026-11-13T12:00:00+01:00")["duties"]  # fmt: skip
    (quarterly,) = [d for d in report if d["id"] == "quarterly-report"]
    assert (quarterly["before"], quarterly["due_by"]) == ("quarter_end", "2027-01-01T00:00:00+01:00")
    assert [r["at"][:10] for r in quarterly["reminders"]] == ["2026-12-25", "2026-12-31"]
    core = ok(capsys, "duties", "--policy", "sonarsource", "--region", "emea", "--tier", "core")["duties"]
    assert [d["id"] for d in core] == ["downgrade-request"]


# -- credit: Resonate's refund and Sonar's Activation -------------------------------------------------------------


RESONATE_APRIL = (
    "credit", "--policy", "resonate", "--period", "2026-04", "--fee", "3200",
    "--downtime", "2026-04-14T10:00:00-04:00/2026-04-14T15:00:00-04:00",
    "--failed-month", "2026-02", "--failed-month", "2026-03",
    "--prepaid-fees", "38400.00", "--prepaid-period", "2026-01-01/2026-12-31",
)  # fmt: skip


def test_the_termination_right_carries_the_refund_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    # 300 of April's 43,200 minutes down: 99.3055%, a third failure with February and March: the right lasts
    # until 11 May 00:00 EDT; effective on its last day, 10 May: 236 of 365 prepaid days (10–31 May 22, then
    # 30+31+31+30+31+30+31) × 38,400.00 / 365 = 24,828.49 USD. The effective day kept (other reading): 235 days,
    # 24,723.2876... -> 24,723.29 USD.
    result = ok(capsys, *RESONATE_APRIL)
    right = result["termination_right"]
    assert (right["exists"], right["until"]) == (True, "2026-05-11T00:00:00-04:00")
    refund = right["refund"]
    assert (refund["effective"], refund["refunded_days"], refund["prepaid_days"], refund["amount"]) == (
        "2026-05-10", 236, 365, "24828.49",
    )  # fmt: skip
    assert (refund["per_day"], refund["effective_is_assumed"]) == ("105.21", True)  # 38,400 / 365 = 105.2054...
    other = readings(result, "Prorated by calendar day")
    assert (other["if_other"]["refund"], other["differs"]) == ("24723.29", ["refund"])


def test_a_chosen_termination_date_moves_the_refund(capsys: pytest.CaptureFixture[str]) -> None:
    # Effective Tue 30 Jun: 30 Jun + Jul–Dec (31+31+30+31+30+31 = 184) = 185 days; 38,400 × 185 / 365 =
    # 19,463.0137 -> 19,463.01 USD.
    refund = ok(capsys, *RESONATE_APRIL, "--terminate-on", "2026-06-30")["termination_right"]["refund"]
    assert (refund["refunded_days"], refund["amount"], refund["effective_is_assumed"]) == (185, "19463.01", False)


def test_activation_shortens_the_month_that_starts_before_it(capsys: pytest.CaptureFixture[str]) -> None:
    # Activation 10 Mar 2026: 22 × 1,440 = 31,680 minutes measured; 4 down: 99.98737% < 99.99%, so 4 / 44,580 ×
    # 2,400.00 = 0.2153 -> 0.22 USD. Over the whole month (44,580 minutes) 4 minutes would meet the target
    # (99.99102%): no credit.
    argv = ("credit", "--policy", "sonar-software", "--period", "2026-03", "--fee", "2400",
            "--downtime", "2026-03-20T10:00:00-04:00/2026-03-20T10:04:00-04:00")  # fmt: skip
    activated = ok(capsys, *argv, "--activation", "2026-03-10")
    assert (activated["measured_from"], activated["total_minutes"], activated["availability_percent"]) == (
        "2026-03-10T00:00:00-04:00", "31680", "99.9873",
    )  # fmt: skip
    assert (activated["target_met"], activated["credit_amount"]) == (False, "0.22")
    whole = ok(capsys, *argv)
    assert (whole["total_minutes"], whole["target_met"], whole["credit_amount"]) == ("44580", True, "0.00")


# -- bad input: exit 2 with one line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["deadline", "--policy", "sonarsource", "--tier", "premium", "--region", "emea", "--severity", "minor",
          "--opened", "2026-03-14T10:00:00+01:00", "--agreement-date", "2026-03-03"],
         "means enterprise only in agreements dated before 2026-03-03"),
        (["deadline", "--policy", "sonarsource", "--tier", "premium", "--region", "emea", "--severity", "minor",
          "--opened", "2026-03-14T10:00:00+01:00", "--agreement-date", "March 2025"],
         "--agreement-date 'March 2025' is not a date; give YYYY-MM-DD"),
        (["deadline", "--policy", "sonar-software", "--severity", "normal", "--opened", "2026-03-14T10:00:00-04:00",
          "--after-hours-time", "a while"], "--after-hours-time 'a while' is not a length of time"),
        (["deadline", "--policy", "atheer", "--severity", "P1", "--opened", "2026-03-14T10:00:00-07:00",
          "--after-hours-time", "1 hour"], "--after-hours-time and --vendor-caused apply only"),
        (["duties", "--policy", "sonarsource", "--region", "emea", "--renewal-date", "2027-02-30"],
         "--renewal-date '2027-02-30' is not a date"),
        (["credit", "--policy", "sonar-software", "--period", "2026-04", "--fee", "1", "--prepaid-fees", "10",
          "--prepaid-period", "2026-01-01/2026-12-31"], "--prepaid-fees and --prepaid-period apply only"),
        (["credit", "--policy", "resonate", "--period", "2026-04", "--fee", "1", "--prepaid-fees", "10"],
         "--prepaid-fees and --prepaid-period go together"),
        (["credit", "--policy", "resonate", "--period", "2026-04", "--fee", "1", "--prepaid-fees", "10",
          "--prepaid-period", "2026-12-31/2026-01-01"], "ends before it starts"),
        (["credit", "--policy", "resonate", "--period", "2026-04", "--fee", "1", "--prepaid-fees", "10",
          "--prepaid-period", "2026"], "--prepaid-period '2026' is not FIRST/LAST"),
        (["credit", "--policy", "resonate", "--period", "2026-04", "--fee", "1", "--terminate-on", "2026-05-01"],
         "--terminate-on goes with --prepaid-fees"),
        (["credit", "--policy", "resonate", "--period", "2026-04", "--fee", "1", "--activation", "2026-04-02"],
         "--activation applies only to policies that measure availability from it; not resonate"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err
