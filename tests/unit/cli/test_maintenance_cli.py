"""`credit --maintenance START/END[@cause][,announced=INSTANT][,window=posted]`: declared maintenance takes over
overlapping downtime within the policy's rules, and its notice decides whether it is excluded (figures by hand)."""

from __future__ import annotations

from typing import Any

import pytest

from sla_core.cli import parse_interval
from sla_core.engine.errors import InputError
from sla_core.engine.intervals import Kind
from tests.support import cli

MIN = 60_000_000
SAT = "2026-04-11T10:00:00-04:00/2026-04-11T14:00:00-04:00"  # Sonar: Saturday, outside the forbidden hours


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return cli.run(capsys, "credit", *argv)


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    result = cli.ok(capsys, "credit", *argv)
    return result


def bad(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    return err


def test_parse_interval_reads_cause_announcement_and_posted_window() -> None:
    iv = parse_interval(
        "2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00@third-party,announced=2026-04-09T10:00:00-07:00",
        Kind.SCHEDULED,
        "--maintenance",
    )
    # announced 24 h = 1,440 minutes before the start
    assert (iv.cause, (iv.start - iv.announced) // MIN if iv.announced else None) == ("third-party", 1440)
    posted = parse_interval("2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00,window=posted", Kind.SCHEDULED)
    assert posted.posted_window and posted.announced is None
    with pytest.raises(InputError, match="takes no announced="):
        parse_interval("2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00,announced=2026-04-09T10:00:00-07:00")


def test_atheer_downtime_declared_as_maintenance(capsys: pytest.CaptureFixture[str]) -> None:
    # Feb 2026: 40,320 min. 12 h outage Feb 3 00:00-12:00 PST.
    # Unplanned: (40,320 - 720) / 40,320 = 98.21428% -> 98.2142, below 98.5%.
    # Also declared as maintenance: 480 min within the 8 hours excluded, 240 count:
    # (40,320 - 240) / 40,320 = 99.40476% -> 99.4047, met.
    x = "2026-02-03T00:00:00-08:00/2026-02-03T12:00:00-08:00"
    alone = ok(capsys, "--policy", "atheer", "--period", "2026-02", "--downtime", x)
    assert (alone["availability_percent"], alone["target_met"]) == ("98.2142", False)
    both = ok(capsys, "--policy", "atheer", "--period", "2026-02", "--downtime", x, "--maintenance", x)
    assert (both["availability_percent"], both["target_met"]) == ("99.4047", True)
    assert (both["downtime_minutes"], both["excluded_minutes"]) == ("240", "480")
    assert any("720 minutes of downtime fell within declared maintenance" in n for n in both["notes"])
    assert any("taken as announced in time (24 h ahead)" in n for n in both["notes"])


def test_sonar_short_notice_counts_the_maintenance(capsys: pytest.CaptureFixture[str]) -> None:
    # Announced Fri 20:00 for Sat 10:00 EDT: 14 h < 72 h. 240 min of Actual Downtime in April (43,200 min):
    # availability (43,200 - 240) / 43,200 = 99.44444% -> 99.4444; credit 240 / 43,200 x 1000 = 5.5555... -> 5.56.
    result = ok(
        capsys, "--policy", "sonar-software", "--period", "2026-04", "--fee", "1000",
        "--downtime", SAT, "--maintenance", f"{SAT},announced=2026-04-10T20:00:00-04:00",
    )  # fmt: skip
    assert (result["availability_percent"], result["credit_amount"]) == ("99.4444", "5.56")
    assert result["minutes_by_reason"] == {"maintenance announced too late": "240"}
    assert any("announced 14 h ahead; the contract requires 72 h" in n for n in result["notes"])


def test_sonar_maintenance_announced_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    # Announced Wed Apr 8 10:00 EDT: exactly 72 h ahead, excluded; 100%, no credit.
    result = ok(
        capsys, "--policy", "sonar-software", "--period", "2026-04", "--fee", "1000",
        "--downtime", SAT, "--maintenance", f"{SAT},announced=2026-04-08T10:00:00-04:00",
    )  # fmt: skip
    assert (result["availability_percent"], result["credit_amount"], result["excluded_minutes"]) == (
        "100.0000",
        "0.00",
        "240",
    )


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--maintenance", f"{SAT},announced=tomorrow", "--maintenance announced= 'tomorrow' is not readable; give ISO"),
        (
            "--maintenance",
            f"{SAT},announced=2026-04-08T10:00:00",
            "--maintenance announced= '2026-04-08T10:00:00' has no",
        ),
        ("--maintenance", f"{SAT},announced=", "--maintenance announced= '' is not readable"),
        ("--maintenance", f"{SAT},notice=3d", "option 'notice=3d' is not known; accepted: announced=INSTANT"),
        ("--downtime", f"{SAT},announced=2026-04-08T10:00:00-04:00", "--downtime takes no announced="),
    ],
)
def test_bad_maintenance_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    err = bad(capsys, "--policy", "sonar-software", "--period", "2026-04", "--fee", "1000", flag, value)
    assert message in err
