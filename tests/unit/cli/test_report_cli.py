"""`python -m sla_core report`: the SLA report as CSV from the `credit` flags, on stdout or into --output.

Sonoran Software Systems (sonoran-servers), web, February 2030 in America/Phoenix (MST, −07:00 all year):
28 × 1,440 = 40,320 minutes; credit = counted minutes / min(40,320, 30 days = 43,200) × the monthly fee.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from sla_core.app.report_csv import COLUMNS
from sla_core.cli import build_parser
from tests.support import cli

SONORAN = ("--policy", "sonoran-servers", "--component", "web", "--period", "2030-02", "--fee", "899.50")
OUTAGE = ("--downtime", "2030-02-28T20:00:00-07:00/2030-02-28T22:00:00-07:00")


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code, out, err = cli.run(capsys, "report", *argv)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def figure(table: list[dict[str, str]], name: str) -> dict[str, str]:
    (row,) = [row for row in table if row["figure"] == name]
    return row


def test_one_outage_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    table = report(capsys, *SONORAN, *OUTAGE)
    (outage,) = [row for row in table if row["section"] == "outage"]
    assert outage == {
        **dict.fromkeys(COLUMNS, ""),
        "section": "outage",
        "component": "web",
        "start": "2030-02-28T20:00:00-07:00",
        "end": "2030-02-28T22:00:00-07:00",
        "minutes_counted": "120.00",
        "minutes_excluded": "0.00",
        "counted_why": "unplanned downtime: 120.00",
    }
    # (40,320 − 120) / 40,320 = 99.70238...% → 99.7023, below 99.9%; 120 / 40,320 × 899.50 = 2.6770... → 2.68 USD.
    total = figure(table, "availability_percent")
    assert (total["start"], total["end"]) == ("2030-02-01T00:00:00-07:00", "2030-03-01T00:00:00-07:00")
    assert (total["minutes_counted"], total["value"], total["unit"]) == ("120.00", "99.7023", "%")
    assert (figure(table, "credit_amount")["value"], figure(table, "credit_amount")["unit"]) == ("2.68", "USD")
    # Claims are due 72 hours after the outage's end: Mar 3 22:00; the reading that counts them from its start
    # gives Mar 3 20:00.
    assert figure(table, "claim_deadline")["value"] == "2030-03-03T22:00:00-07:00"
    changed = [row["if_other"] for row in table if row["section"] == "reading" and row["if_other"]]
    assert changed == ["claim_deadline=2030-03-03T20:00:00-07:00"]


def test_maintenance_beyond_the_allowance_an_excluded_cause_and_the_month_boundary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = report(
        capsys, *SONORAN,
        "--downtime", "2030-01-31T23:00:00-07:00/2030-02-01T01:00:00-07:00",  # 120 min, 60 in February
        "--maintenance", "2030-02-05T01:00:00-07:00/2030-02-05T02:30:00-07:00",  # 90 of the 120-min allowance
        "--maintenance", "2030-02-12T01:00:00-07:00/2030-02-12T02:30:00-07:00",  # 30 in it, 60 beyond: counted
        "--downtime", "2030-02-20T10:00:00-07:00/2030-02-20T10:40:00-07:00",  # 40 counted
        "--downtime", "2030-02-20T10:40:00-07:00/2030-02-20T11:00:00-07:00@customer",  # 20 excluded (touching)
        *OUTAGE,  # 120 counted
    )  # fmt: skip
    outages = [
        (row["start"], row["minutes_counted"], row["minutes_excluded"], row["excluded_why"], row["cause"])
        for row in table
        if row["section"] == "outage"
    ]
    assert outages == [
        ("2030-01-31T23:00:00-07:00", "60.00", "0.00", "", ""),
        ("2030-02-05T01:00:00-07:00", "0.00", "90.00", "maintenance within the monthly allowance: 90.00", ""),
        ("2030-02-12T01:00:00-07:00", "60.00", "30.00", "maintenance within the monthly allowance: 30.00", ""),
        ("2030-02-20T10:00:00-07:00", "40.00", "20.00", "cause 'customer': 20.00", "customer"),
        ("2030-02-28T20:00:00-07:00", "120.00", "0.00", "", ""),
    ]
    # Counted 60 + 60 + 40 + 120 = 280, excluded 90 + 30 + 20 = 140, as the outage rows add up.
    total = figure(table, "availability_percent")
    counted = sum(Decimal(row["minutes_counted"]) for row in table if row["section"] == "outage")
    assert (total["minutes_counted"], total["minutes_excluded"], counted) == ("280.00", "140.00", Decimal("280.00"))
    # Over the month less excluded: 39,900 / 40,180 = 99.30313...% → 99.3031; 280 / 40,320 × 899.50 = 6.2465...
    # → 6.25 USD.
    assert (total["value"], figure(table, "credit_amount")["value"]) == ("99.3031", "6.25")


def test_the_same_csv_goes_into_the_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, printed, _ = cli.run(capsys, "report", *SONORAN, *OUTAGE)
    assert code == 0
    target = tmp_path / "sonoran-web-2030-02-sla.csv"
    result = cli.ok(capsys, "report", *SONORAN, *OUTAGE, "--output", str(target))
    written = target.read_bytes().decode("utf-8")
    assert written == printed and written.startswith(",".join(COLUMNS) + "\r\n")
    assert result == {"report": str(target), "rows": len(printed.splitlines()) - 1}


def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = cli.run(capsys, "report", *SONORAN, "--downtime", "2030-02-28T20:00/2030-02-28T22:00")
    assert (code, out) == (2, "") and "no time zone" in err and len(err.splitlines()) == 1
    code, out, err = cli.run(capsys, "report", *SONORAN, "--output", str(tmp_path / "missing" / "x.csv"))
    assert (code, out) == (2, "") and err.startswith("error: --output ") and "cannot be written" in err


def test_report_takes_exactly_the_credit_flags_and_its_output() -> None:
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert isinstance(commands, dict)

    def flags(name: str) -> set[str]:
        return {flag for action in commands[name]._actions for flag in action.option_strings}

    assert flags("report") - flags("credit") == {"--output"}
    assert flags("credit") <= flags("report")


def test_the_json_commands_are_still_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli.run(capsys, "credit", *SONORAN, *OUTAGE)
    assert json.loads(out)["credit_amount"] == "2.68"
