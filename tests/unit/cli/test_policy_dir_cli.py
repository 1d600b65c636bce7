"""A policy written only in a test's directory works through every CLI subcommand with `--policy-dir DIR`
(repeatable) or SLAOPS_POLICY_DIRS: no code change, no copy into the package. A directory that is not there is
one line and exit 2."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from sla_core.cli import build_parser
from sla_core.engine.policy_files import POLICY_DIRS_ENV, reset_policy_dirs
from tests.support.cli import ok, run
from tests.support.own_policy import write_hosting_policy, write_pausing_policy


@pytest.fixture(autouse=True)
def no_deployment_dirs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(POLICY_DIRS_ENV, raising=False)  # only what each test names
    reset_policy_dirs()
    yield
    reset_policy_dirs()


@pytest.fixture
def own(tmp_path: Path) -> Path:
    return write_hosting_policy(tmp_path / "policies").parent


def test_every_subcommand_takes_policy_dir() -> None:
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    names = sorted(commands.choices)
    assert {"policies", "deadline", "credit", "duties", "check", "explain"} <= set(names)
    for name in names:
        options = {o for action in commands.choices[name]._actions for o in action.option_strings}
        assert "--policy-dir" in options, name


def test_deadline_and_policies_read_the_directory(own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # sev2: 4 office hours. Fri Jun 12 16:00 CEST: 2 h to 18:00, Mon Jun 15 08:00 + 2 h = 10:00.
    opened = "2026-06-12T16:00:00+02:00"
    due = ok(capsys, "deadline", "--policy-dir", str(own), "--policy", "acme-hosting", "--severity", "sev2",
             "--opened", opened)  # fmt: skip
    assert due["due_at"] == "2026-06-15T10:00:00+02:00"
    listed = ok(capsys, "policies", "--policy-dir", str(own))
    assert [p["id"] for p in listed["policies"]][-1] == "acme-hosting"
    assert "acme-hosting" not in [p["id"] for p in ok(capsys, "policies")["policies"]]  # only while named


def test_credit_computes_the_month(own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # June: 43,200 min; 90 min down → (43,200 − 90) / 43,200 = 99.7916%, below 99.9%; 90 / 43,200 × 1,000.00
    # = 2.083... → 2.08 EUR; claim 14 days after the outage's end: Jun 24 11:30 CEST.
    result = ok(capsys, "credit", "--policy-dir", str(own), "--policy", "acme-hosting", "--period", "2026-06",
                "--fee", "1000.00", "--downtime", "2026-06-10T10:00:00+02:00/2026-06-10T11:30:00+02:00")  # fmt: skip
    assert (result["availability_percent"], result["credit_amount"], result["currency"]) == ("99.7916", "2.08", "EUR")
    assert result["claim_deadline"] == "2026-06-24T11:30:00+02:00"


def test_the_flag_repeats_and_the_environment_names_directories(
    own: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = write_pausing_policy(tmp_path / "more").parent
    found = ok(capsys, "policies", "--policy-dir", str(own), "--policy-dir", str(other))
    assert [p["id"] for p in found["policies"]][-2:] == ["acme-hosting", "acme-support"]
    monkeypatch.setenv(POLICY_DIRS_ENV, f"{own}:{other}")
    assert [p["id"] for p in ok(capsys, "policies")["policies"]][-2:] == ["acme-hosting", "acme-support"]


def test_explain_and_duties_take_it_too(own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--policy-dir", str(own), "--policy", "acme-hosting")
    assert (
        code == 0
        and "sev2 (Severity 2), a ticket: records no downtime:\n    initial response: 4 h of Acme office hours" in out
    )
    assert ok(capsys, "duties", "--policy-dir", str(own), "--policy", "acme-hosting")["duties"] == []


def test_a_directory_that_is_not_there_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, "policies", "--policy-dir", str(missing))
    assert (code, out) == (2, "")
    assert err == f"error: --policy-dir {missing}: not a directory of policy files\n"


def test_a_taken_id_in_the_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_hosting_policy(tmp_path / "policies", "resonate")
    code, _, err = run(capsys, "policies", "--policy-dir", str(tmp_path / "policies"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {tmp_path / 'policies' / 'resonate.toml'}: policy id 'resonate' is taken by ")
