"""Policy files: all five load, every clause is quoted, and bad files fail naming file, field and problem."""

from __future__ import annotations

import tomllib
from datetime import datetime

import pytest

from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import PolicyError
from sla_core.engine.policy_registry import POLICY_DIR, all_policies, load_policy, policy_ids
from sla_core.engine.policy_rules import parse_policy

GOOD = """
id = "example"
vendor = "Example"
title = "Example SLA"
seed = "none"
timezone = "America/New_York"

[holidays]
country = "US"
quote = "excluding holidays"

[calendars.hours]
name = "Hours"
windows = ["Mon-Fri 09:00-17:00"]
quote = "9 to 5"

[[severities]]
id = "high"
name = "High"
quote = "High"

[[severities.targets]]
metric = "initial_response"
duration = "1 hour"
calendar = "hours"
quote = "1 hour"
"""


def load(text: str) -> None:
    parse_policy(tomllib.loads(text), "example.toml")


def test_the_five_seed_policies_load() -> None:
    # The shipped five, beside the deployment's own (config/policies: SLAOPS_POLICY_DIRS in tests/conftest.py).
    assert set(policy_ids()) >= {"sonar-software", "sonoran-servers", "sonarsource", "atheer", "resonate"}


def test_every_encoded_clause_carries_a_quote() -> None:
    for policy in all_policies():
        for severity in policy.severities.values():
            assert severity.quote, (policy.id, severity.id)
            for target in severity.targets:
                assert len(target.clause.quote) > 10, (policy.id, severity.id, target.metric)
        for spec in policy.calendars.values():
            assert spec.clause.quote, (policy.id, spec.id)


def test_ids_match_case_insensitively() -> None:
    policy = load_policy("SonarSource")
    opened = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
    result = compute_deadline(policy, "BLOCKER", opened, tier="Enterprise", region="EMEA")
    assert (result.severity, result.tier, result.region) == ("blocker", "enterprise", "emea")


def test_results_that_depend_on_a_reading_say_so() -> None:
    opened = datetime.fromisoformat("2026-11-24T06:00:00-05:00")
    result = compute_deadline(load_policy("resonate"), "p1", opened)
    chosen = " ".join(r.chosen for r in result.readings)
    assert "30 minutes into the next Primary Hours" in chosen
    assert all(r.other for r in result.readings)
    clear = compute_deadline(load_policy("sonarsource"), "blocker", opened, tier="enterprise", region="emea")
    assert clear.readings == ()


def test_the_good_example_loads() -> None:
    load(GOOD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('duration = "1 hour"', 'duration = "1 hr later"'), "example.toml: severities[0].targets[0].duration:"),
        (('calendar = "hours"', 'calendar = "nights"'), "targets[0].calendar: unknown calendar 'nights'"),
        (
            ('metric = "initial_response"', 'metric = "first_reply"'),
            "metric: must be one of escalation_response, initial_response, resolution, update, workaround, not "
            "'first_reply'",
        ),
        (('timezone = "America/New_York"', 'timezone = "Eastern"'), "timezone: 'Eastern' is not an IANA"),
        (('country = "US"', 'country = "XX"'), "holidays.country: 'XX' has no holiday calendar"),
        (('windows = ["Mon-Fri 09:00-17:00"]', 'windows = ["Weekdays 9-5"]'), "calendars.hours.windows:"),
        (
            ('quote = "1 hour"', 'quote = "1 hour"\nqoute = "x"'),
            "targets[0].qoute: unknown field (did you mean quote?); accepted:",
        ),
        (('quote = "1 hour"', 'qoute = "1 hour"'), "targets[0].qoute: unknown field (did you mean quote?)"),
        (('id = "high"', 'name2 = "x"'), "severities[0].id: is required"),
        (('id = "example"', 'id = "other"'), "id: 'other' must match the file name"),
    ],
)
def test_bad_files_name_file_field_and_problem(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(PolicyError) as err:
        load(GOOD.replace(old, new, 1))
    assert message in str(err.value)


def test_invalid_toml_names_the_file(tmp_path: object) -> None:
    from pathlib import Path

    from sla_core.engine.policy_registry import load_policy_file

    path = Path(str(tmp_path)) / "broken.toml"
    path.write_text("id = [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken.toml: not valid TOML"):
        load_policy_file(path)


def test_policy_files_live_in_the_package() -> None:
    shipped = sorted(p.stem for p in POLICY_DIR.glob("*.toml"))
    assert shipped == ["atheer", "resonate", "sonar-software", "sonarsource", "sonoran-servers"]
    assert policy_ids()[: len(shipped)] == tuple(shipped)  # loaded first, before any deployment's own
