"""Every policy's hand-worked `[[examples]]` hold: the seed contracts' cases (engine/policies/*.toml) and the
deployment's own (config/policies/), each computed by hand from the contract text with its arithmetic in a
comment beside it, so each case is written once. Also: a case whose figure is wrong is reported with its field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sla_core.engine.examples import example_problems, parse_examples
from sla_core.engine.policy import Policy
from sla_core.engine.policy_files import SHIPPED_DIR
from sla_core.engine.policy_registry import all_policies, load_policy
from sla_core.engine.policy_rules import parse_policy
from tests.support.examples import deadline_example

CASES = [(policy.id, example.name) for policy in all_policies() for example in parse_examples(policy)]


@pytest.mark.parametrize(("policy_id", "name"), CASES, ids=[f"{p}: {n}" for p, n in CASES])
def test_the_example_holds(policy_id: str, name: str) -> None:
    policy = load_policy(policy_id)
    (example,) = [e for e in parse_examples(policy) if e.name == name]
    assert example.problems(policy) == []


def test_every_policy_carries_examples_of_both_shapes() -> None:
    # Each seed's deadline and period cases live in its file (Sonoran's and Resonate's included), and the
    # deployment's own github-enterprise-cloud too; an uptime-only policy (supabase-enterprise-platform) has no
    # severity to give a deadline, so it carries period cases only.
    uptime_only = set()
    for policy in all_policies():
        kinds = {type(e).__name__ for e in parse_examples(policy)}
        if policy.severities:
            assert kinds == {"DeadlineExample", "PeriodExample"}, policy.id
        else:
            assert kinds == {"PeriodExample"}, policy.id
            uptime_only.add(policy.id)
    assert "supabase-enterprise-platform" in uptime_only
    assert len(CASES) >= 100


def shipped_with(policy_id: str, old: str, new: str) -> Policy:
    """A shipped policy with one piece of its text replaced, parsed under its own file name."""
    text = (SHIPPED_DIR / f"{policy_id}.toml").read_text(encoding="utf-8")
    assert old in text
    return parse_policy(tomllib.loads(text.replace(old, new, 1)), f"{policy_id}.toml")


def test_a_wrong_due_instant_is_reported_at_its_field() -> None:
    # "P1 late at night gets four hours": Mon 22:00 + 4 h = Tue 02:00, not 03:00.
    policy = shipped_with("resonate", "due = 2026-11-24T02:00:00-05:00", "due = 2026-11-24T03:00:00-05:00")
    (problem,) = example_problems(policy)
    index = [e.name for e in parse_examples(policy)].index("P1 late at night gets four hours")
    assert problem == (
        f"resonate.toml: examples[{index}].due: expected 2026-11-24T03:00:00-05:00, the engine computes "
        "2026-11-24T02:00:00-05:00"
    )


def test_a_wrong_credit_and_other_due_are_reported() -> None:
    policy = shipped_with("sonoran-servers", 'credit = "1.49"', 'credit = "1.48"')
    assert [p.split(": ", 2)[1] for p in example_problems(policy)] == [
        f"examples[{[e.name for e in parse_examples(policy)].index('February divides by its own length')}].credit"
    ]
    other = shipped_with("atheer", "other_due = 2026-06-08T17:30:00-07:00", "other_due = 2026-06-09T10:30:00-07:00")
    (problem,) = example_problems(other)
    assert "other_due: expected 2026-06-09T10:30:00-07:00, the engine computes 2026-06-08T17:30:00-07:00" in problem
    # Columbus Day: under US federal holidays Tue Oct 13 13:00 PDT, not the 14:00 written here.
    wrong = shipped_with(
        "atheer", "other_holidays_due = 2026-10-13T13:00:00-07:00", "other_holidays_due = 2026-10-13T14:00:00-07:00"
    )
    (problem,) = example_problems(wrong)
    assert "other_holidays_due: expected 2026-10-13T14:00:00-07:00, the engine computes 2026-10-13T13:00:00-07:00" in (
        problem
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('name = "P1 late at night gets four hours"\n', "", "examples[2].name: is required"),
        ("opened = 2026-11-23T22:00:00-05:00", "opened = 2026-11-23T22:00:00",
         "examples[2].opened: 2026-11-23T22:00:00 is not a date and time with an offset"),
        ('severity = "P1"\nopened = 2026-11-23T22:00:00-05:00', 'severity = "P1"\nperiod = "2026-11"\n'
         "opened = 2026-11-23T22:00:00-05:00", "examples[2]: give either opened (a deadline) or period"),
        ("due = 2026-11-24T02:00:00-05:00", "due = 2026-11-24T02:00:00-05:00\nexpected = 1",
         "examples[2].expected: unknown field"),
        ('credit_percent = "0"', "credit_percent = 0.5",
         "credit_percent: 0.5 is not a decimal number written as a string"),
        ("downtime = [{ start = 2026-04-14T10:00:00-04:00, end = 2026-04-14T13:36:00-04:00 }]",
         "downtime = [{ start = 2026-04-14T10:00:00-04:00, end = 2026-04-14T13:36:00-04:00, announced = 1 }]",
         "downtime[0].announced: unknown field; accepted: start, end, cause"),
    ],
)  # fmt: skip
def test_an_example_that_does_not_parse_names_its_field(old: str, new: str, message: str) -> None:
    (problem,) = example_problems(shipped_with("resonate", old, new))
    assert problem.startswith("resonate.toml: examples[") and message in problem


def test_a_period_example_expecting_nothing_is_refused() -> None:
    text = Path(SHIPPED_DIR / "atheer.toml").read_text(encoding="utf-8")
    start = text.index('name = "the target is missed but there is no credit"')
    end = text.index("# §6.c.iv: 700 min")
    case = text[start:end]
    bare = "\n".join(line for line in case.splitlines() if line.startswith(("name", "period", "downtime")))
    policy = parse_policy(tomllib.loads(text.replace(case, bare + "\n\n")), "atheer.toml")
    (problem,) = example_problems(policy)
    assert "expects no figure: give at least one; accepted: availability, downtime_minutes" in problem


def test_only_the_regions_holidays_are_a_reading_of_enterprise_minor() -> None:
    # Enterprise Minor counts the defined term Business Days: the target itself is not ambiguous, so of the
    # deadline's readings only the region's holiday choice remains.
    deadline = deadline_example("sonarsource", "enterprise minor on Swiss Christmas")
    assert [c.chosen for c in deadline.readings] == [load_policy("sonarsource").regions["emea"].holidays.clause.chosen]
