"""`python -m sla_core credit`: JSON on stdout; bad input exits 2 with one line on stderr and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sla_core.cli import parse_interval
from sla_core.engine.errors import InputError
from sla_core.engine.intervals import Kind
from tests.support import cli

ROOT = Path(__file__).resolve().parents[3]
MIN = 60_000_000  # microseconds per minute
REQUIRED = {
    "availability_percent",
    "downtime_minutes",
    "excluded_minutes",
    "target_percent",
    "target_met",
    "credit_amount",
    "currency",
    "claim_deadline",
    "basis",
    "readings",
    "notes",
    "claim_contents",
    "eligibility",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return cli.run(capsys, "credit", *argv)


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    result = cli.ok(capsys, "credit", *argv)
    assert set(result) >= REQUIRED
    return result


def test_parse_interval_reads_start_end_and_an_optional_cause() -> None:
    iv = parse_interval("2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00@network")
    assert iv.micros == 60 * MIN and iv.cause == "network" and iv.kind is Kind.UNPLANNED
    with pytest.raises(InputError, match="is not START/END"):
        parse_interval("2026-04-10T10:00:00-07:00")
    with pytest.raises(InputError, match="no time zone"):
        parse_interval("2026-04-10T10:00/2026-04-10T11:00")


def test_sonoran_example_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    # 1 h of network downtime on 1000 USD/month: 60 / 43,200 x 1000 = 1.39 USD; uptime unaffected (§6.3).
    result = ok(
        capsys, "--policy", "sonoran-servers", "--component", "web", "--period", "2026-04", "--fee", "1000",
        "--downtime", "2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00@network",
    )  # fmt: skip
    assert result["credit_amount"] == "1.39" and result["currency"] == "USD"
    assert (result["availability_percent"], result["target_met"]) == ("100.0000", True)
    assert (result["downtime_minutes"], result["excluded_minutes"], result["credited_minutes"]) == ("0", "60", "60")
    assert result["claim_deadline"] == "2026-04-13T11:00:00-07:00"
    assert all(set(r) >= {"chosen", "other", "if_other", "differs"} for r in result["readings"])


def test_resonate_month_exactly_at_target(capsys: pytest.CaptureFixture[str]) -> None:
    # 216 of 43,200 minutes: 99.5% exactly, met, 0.00.
    result = ok(
        capsys, "--policy", "resonate", "--period", "2026-04", "--fee", "1000",
        "--downtime", "2026-04-14T10:00:00-04:00/2026-04-14T13:36:00-04:00",
    )  # fmt: skip
    assert (result["availability_percent"], result["target_met"], result["credit_amount"]) == ("99.5000", True, "0.00")
    assert result["downtime_minutes"] == "216" and result["total_minutes"] == "43200"
    assert result["claim_deadline"] is None
    assert result["termination_right"]["exists"] is False


def test_maintenance_flags_and_notes(capsys: pytest.CaptureFixture[str]) -> None:
    # Resonate: maintenance Fri Apr 10 02:00-04:00 EDT -> 60 min out of window count; emergency 2 h excluded.
    result = ok(
        capsys, "--policy", "resonate", "--period", "2026-04", "--fee", "1000",
        "--maintenance", "2026-04-10T02:00:00-04:00/2026-04-10T04:00:00-04:00",
        "--emergency-maintenance", "2026-04-14T12:00:00-04:00/2026-04-14T14:00:00-04:00",
    )  # fmt: skip
    assert (result["downtime_minutes"], result["excluded_minutes"]) == ("60", "180")
    assert any("fell outside the allowed windows" in n for n in result["notes"])


def test_sonarsource_quarter(capsys: pytest.CaptureFixture[str]) -> None:
    # 5 tickets > 4: 25% x 12,000 = 3,000.00; claim due 30 days after Mar 31 24:00 CEST = May 1 00:00 +02:00.
    result = ok(
        capsys, "--policy", "sonarsource", "--tier", "enterprise", "--region", "emea", "--period", "2026-Q1",
        "--fee", "12000", "--missed-responses", "5", "--currency", "EUR",
    )  # fmt: skip
    assert (result["credit_amount"], result["currency"]) == ("3000.00", "EUR")
    assert (result["availability_percent"], result["downtime_minutes"]) == (None, None)
    assert result["claim_deadline"] == "2026-05-01T00:00:00+02:00"
    assert "annual Sonar Support fee" in result["basis"]


def test_atheer_needs_no_fee(capsys: pytest.CaptureFixture[str]) -> None:
    result = ok(capsys, "--policy", "atheer", "--period", "2026-02")
    assert (result["credit_amount"], result["target_met"], result["availability_percent"]) == ("0.00", True, "100.0000")


def test_resonate_termination_right_from_failed_months(capsys: pytest.CaptureFixture[str]) -> None:
    result = ok(
        capsys, "--policy", "resonate", "--period", "2026-04", "--fee", "1000",
        "--downtime", "2026-04-14T10:00:00-04:00/2026-04-14T15:00:00-04:00",
        "--failed-month", "2026-02", "--failed-month", "2026-03",
    )  # fmt: skip
    assert result["termination_right"]["until"] == "2026-05-11T00:00:00-04:00"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--policy", "acme", "--period", "2026-04", "--fee", "1"], "valid: atheer"),
        (["--policy", "sonarsource", "--tier", "gold", "--region", "emea", "--period", "2026-Q1", "--fee", "1",
          "--missed-responses", "5"], "valid: core, standard, enterprise"),
        (["--policy", "sonarsource", "--tier", "core", "--region", "mars", "--period", "2026-Q1", "--fee", "1",
          "--missed-responses", "5"], "valid: emea, americas, apac"),
        (["--policy", "sonoran-servers", "--component", "dns", "--period", "2026-04", "--fee", "1"],
         "valid: web, mail, hypervisor"),
        (["--policy", "resonate", "--period", "2026-Q2", "--fee", "1"], "measures calendar months; give YYYY-MM"),
        (["--policy", "sonarsource", "--tier", "core", "--region", "emea", "--period", "2026-04", "--fee", "1",
          "--missed-responses", "5"], "give YYYY-Qn"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "ten"], "is not an amount"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "-5"], "is not an amount"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "1",
          "--downtime", "2026-04-14T10:00/2026-04-14T11:00"], "no time zone"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "1",
          "--downtime", "2026-04-14T11:00:00Z/2026-04-14T10:00:00Z"], "at or before it starts"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "1",
          "--downtime", "2026-04-14T10:00:00Z/2026-04-14T11:00:00Z@gremlins"], "unknown cause 'gremlins'; accepted:"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "1", "--downtime", "2026-04-14T10:00:00Z"],
         "is not START/END"),
        (["--policy", "sonar-software", "--period", "2026-04", "--fee", "1", "--missed-responses", "5"],
         "--missed-responses applies only"),
        (["--policy", "sonarsource", "--tier", "core", "--region", "emea", "--period", "2026-Q1", "--fee", "1",
          "--missed-responses", "five"], "invalid int value"),
        (["--policy", "sonar-software", "--period", "2026-04"], "needs --fee"),
        (["--policy", "resonate", "--period", "2026-04", "--fee", "1", "--currency", "dollars"], "ISO 4217"),
        (["--policy", "resonate", "--fee", "1"], "required: --period"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "Traceback" not in err
    assert expected in err


def test_module_entry_point_runs_credit() -> None:
    env = {**os.environ, "PYTHONPATH": "layers/sla_core"}
    done = subprocess.run(
        [sys.executable, "-m", "sla_core", "credit", "--policy", "sonar-software", "--period", "2026-03",
         "--fee", "100000", "--downtime", "2026-03-10T12:00:00-04:00/2026-03-10T13:00:00-04:00"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # March 2026 in New York: 44,580 minutes; 60 x 100,000 / 44,580 = 134.589... -> 134.59.
    assert (result["total_minutes"], result["credit_amount"]) == ("44580", "134.59")
    bad = subprocess.run(
        [sys.executable, "-m", "sla_core", "credit", "--policy", "resonate", "--period", "2026-04", "--fee", "x"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
