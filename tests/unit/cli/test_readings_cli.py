"""Every entry of `readings` in CLI output carries `if_other` (issue point 4), figures computed by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import cli
from tests.support.cli import run


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    result = cli.ok(capsys, *argv)
    assert all({"chosen", "other", "if_other", "differs"} <= set(r) for r in result["readings"])
    return result


def test_deadline_readings_carry_the_other_due_at(capsys: pytest.CaptureFixture[str]) -> None:
    # Sonar normal request opened Fri Apr 10 18:00 EDT: earlier of 1 business day (Mon Apr 13 18:00) and
    # 24 clock hours (Sat Apr 11 18:00) = Sat 18:00; only the table's business day: Mon 18:00.
    result = ok(capsys, "deadline", "--policy", "sonar-software", "--severity", "normal",
                "--opened", "2026-04-10T18:00:00-04:00")  # fmt: skip
    assert result["due_at"] == "2026-04-11T18:00:00-04:00"
    target = next(r for r in result["readings"] if "Both promises apply" in r["chosen"])
    assert target["if_other"] == {"due_at": "2026-04-13T18:00:00-04:00"}


def test_credit_reading_for_maintenance_without_announcement(capsys: pytest.CaptureFixture[str]) -> None:
    # Sonar, Sat Apr 11 10:00-14:00 EDT maintenance, no announced=: excluded, 100%, 0.00; the note says it was
    # taken as announced in time. Announced too late instead: 240 min count, (43,200 - 240) / 43,200 = 99.4444%,
    # 240 / 43,200 x 1000 = 5.56.
    result = ok(capsys, "credit", "--policy", "sonar-software", "--period", "2026-04", "--fee", "1000",
                "--maintenance", "2026-04-11T10:00:00-04:00/2026-04-11T14:00:00-04:00")  # fmt: skip
    assert (result["availability_percent"], result["credit_amount"]) == ("100.0000", "0.00")
    assert any("taken as announced in time (72 h ahead)" in n for n in result["notes"])
    r = next(r for r in result["readings"] if "without an announcement time" in r["chosen"])
    assert r["if_other"] == {
        "availability_percent": "99.4444",
        "target_met": False,
        "credit_amount": "5.56",
        "claim_deadline": None,
        "termination_right": None,
    }
    assert r["differs"] == ["availability_percent", "target_met", "credit_amount"]


def test_missed_on_reading_needs_missed_responses(capsys: pytest.CaptureFixture[str]) -> None:
    base = ("credit", "--policy", "sonarsource", "--tier", "enterprise", "--region", "emea", "--period", "2026-Q1",
            "--fee", "12000")  # fmt: skip
    code, _, err = run(capsys, *base, "--missed-on-reading", "1")
    assert code == 2 and "--missed-on-reading goes with --missed-responses" in err
    code, _, err = run(capsys, *base, "--missed-responses", "3", "--missed-on-reading", "4")
    assert code == 2 and "--missed-on-reading must be a whole number from 0 to the --missed-responses count" in err


def test_resonate_termination_reading_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    # July 2026 (44,640 min), 300 min down: 99.3279%, an SLA Failure; with January and April failed, the three
    # lie in one rolling six-month period: right until Aug 1 00:00 + 10 days = Aug 11 00:00 EDT. Six
    # consecutive calendar months hold at most two of them: no right.
    result = ok(capsys, "credit", "--policy", "resonate", "--period", "2026-07", "--fee", "1000",
                "--downtime", "2026-07-14T10:00:00-04:00/2026-07-14T15:00:00-04:00",
                "--failed-month", "2026-01", "--failed-month", "2026-04")  # fmt: skip
    assert (result["termination_right"]["exists"], result["termination_right"]["until"]) == (
        True,
        "2026-08-11T00:00:00-04:00",
    )
    r = next(r for r in result["readings"] if "six-month span of dates" in r["chosen"])
    assert r["if_other"]["termination_right"] == {"exists": False, "until": None}
    assert r["if_other"]["credit_amount"] == result["credit_amount"] == "70.00"
