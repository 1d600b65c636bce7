"""`python -m sla_core policies | deadline`: JSON on stdout, one-line errors and exit 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run

ROOT = Path(__file__).resolve().parents[3]


def test_policies_lists_ids_vendors_tiers_regions_and_severities(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policies")
    assert code == 0
    found = {p["id"]: p for p in json.loads(out)["policies"]}
    assert found["sonarsource"]["tiers"] == ["core", "standard", "enterprise"]
    assert found["sonarsource"]["regions"] == ["emea", "americas", "apac"]
    assert found["resonate"]["severities"] == ["P1", "P2", "P3"]
    assert found["sonar-software"]["vendor"] == "Sonar Software"


def test_deadline_prints_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    # Atheer P1 = 4 business hours: Fri Nov 20 15:00 PST -> 2 h Fri, Mon Nov 23 09:00 + 2 h = 11:00.
    code, out, _ = run(capsys, "deadline", "--policy", "atheer", "--severity", "p1", "--opened", "2026-11-20T23:00:00Z")
    assert code == 0
    result = json.loads(out)
    assert {"policy", "severity", "metric", "opened_at", "due_at", "calendar", "target"} <= set(result)
    assert result["due_at"] == "2026-11-23T11:00:00-08:00"
    assert (result["policy"], result["severity"], result["metric"]) == ("atheer", "P1", "initial_response")
    assert result["target"] == "4 hours"


def test_deadline_with_tier_region_and_metric(capsys: pytest.CaptureFixture[str]) -> None:
    # Resonate P2 workaround: 12 Primary hours. Mon Nov 23 21:30 (closed) -> Tue 09:00 + 12 h = 21:00.
    code, out, _ = run(
        capsys, "deadline", "--policy", "resonate", "--severity", "P2", "--metric", "workaround",
        "--opened", "2026-11-23T21:30:00-05:00",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["due_at"] == "2026-11-24T21:00:00-05:00"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["deadline", "--policy", "acme", "--severity", "P1", "--opened", "2026-01-01T00:00Z"], "valid: atheer"),
        (
            ["deadline", "--policy", "sonarsource", "--tier", "gold", "--region", "emea", "--severity", "minor",
             "--opened", "2026-01-01T00:00Z"],
            "valid: core, standard, enterprise",
        ),
        (
            ["deadline", "--policy", "sonarsource", "--tier", "core", "--region", "mars", "--severity", "minor",
             "--opened", "2026-01-01T00:00Z"],
            "valid: emea, americas, apac",
        ),
        (
            ["deadline", "--policy", "sonarsource", "--tier", "core", "--severity", "minor",
             "--opened", "2026-01-01T00:00Z"],
            "needs a region",
        ),
        (["deadline", "--policy", "atheer", "--severity", "P7", "--opened", "2026-01-01T00:00Z"], "P1, P2, P3, P4"),
        (["deadline", "--policy", "atheer", "--severity", "P1", "--opened", "2026-01-01T09:00"], "no time zone"),
        (["deadline", "--policy", "atheer", "--severity", "P1", "--opened", "tomorrow"], "not readable"),
        (
            ["deadline", "--policy", "atheer", "--severity", "P1", "--opened", "2026-01-01T00:00Z",
             "--metric", "update"],
            "valid: initial_response",
        ),
        (["deadline", "--policy", "atheer"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err


def test_module_entry_point_runs_from_the_repository_root() -> None:
    env = {**os.environ, "PYTHONPATH": "layers/sla_core"}
    ok = subprocess.run(
        [sys.executable, "-m", "sla_core", "deadline", "--policy", "sonoran-servers", "--severity", "escalation",
         "--opened", "2026-11-25T15:00:00-07:00"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    # Wed Nov 25 15:00: 2 h to 17:00, Thu Nov 26 09:00 + 6 h (no unnamed holiday closes Thanksgiving).
    assert json.loads(ok.stdout)["due_at"] == "2026-11-26T15:00:00-07:00"
    bad = subprocess.run(
        [sys.executable, "-m", "sla_core", "deadline", "--policy", "nope", "--severity", "x", "--opened", "x"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
