"""Clauses the language could not say before: an uptime-only SLA (no calendars, no severities: most cloud SLAs
commit to availability and credits only), and examples that state their figures under the other reading, which
`check` computes and compares like the chosen reading's."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla_core.engine.credits import estimate_credit
from sla_core.engine.examples import find_example
from sla_core.engine.explain import explain_text
from sla_core.engine.policy_registry import load_policy_file
from tests.support.cli import run
from tests.support.own_policy import write_uptime_policy


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
    path = write_uptime_policy(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 2 and out.split(": ", 1)[1] == f"{problem}\n"
