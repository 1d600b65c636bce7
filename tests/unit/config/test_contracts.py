"""Contracts configuration: the shipped file loads; each kind of mistake is named in one line."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sla_core.config.contracts import ContractsError, load_contracts, parse_contracts
from sla_core.engine.policy_files import extra_policy_dirs
from sla_core.engine.policy_registry import policy_ids
from tests.conftest import ROOT

CONFIG = ROOT / "config" / "contracts.toml"


def shipped() -> dict[str, Any]:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_shipped_file_has_one_valid_contract_per_seed_vendor() -> None:
    config = load_contracts(CONFIG)
    assert sorted(contract.policy for contract in config.contracts.values()) == sorted(policy_ids())
    sonarqube = config.contracts["sonarqube-support"]
    assert (sonarqube.tier, sonarqube.region) == ("enterprise", "emea")
    assert sonarqube.fee == Decimal("15000.00")
    assert isinstance(sonarqube.fee, Decimal)
    assert sonarqube.holidays is not None
    assert (sonarqube.holidays.country, sonarqube.holidays.subdiv) == ("CH", "GE")
    assert config.contracts["sonoran-hosting"].components == ("web", "mail", "hypervisor")
    assert config.contracts["atheer-platform"].components == ("platform",)
    assert config.contracts["atheer-platform"].perspective == "provider"
    assert config.contracts["sonar-billing"].tier is None


def test_pagerduty_services_route_to_contract_channels_or_the_default() -> None:
    config = load_contracts(CONFIG)
    assert config.channel_for_service("PSONMAIL") == "C0SONORAN01"
    assert config.channel_for_service("PUNKNOWN") == config.default_channel == "C0SLAOPS000"
    mapping = config.contracts["sonarqube-support"].pagerduty
    assert mapping.severity_for("P1") == "blocker"
    assert mapping.severity_for(None) == "major"
    assert mapping.severity_for("P9") == "major"


def test_default_location_comes_from_contracts_file_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere.toml"
    moved.write_bytes(CONFIG.read_bytes())
    monkeypatch.setenv("CONTRACTS_FILE", str(moved))
    assert load_contracts().source == str(moved)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    if value is _DELETE:
        del data[last]
    else:
        data[last] = value


_DELETE = object()

BAD_FIELDS = [
    (
        "contracts.atheer-platform.policy",
        "atheer-v2",
        "contracts.atheer-platform.policy",
        "atheer, resonate, sonar-software",
    ),
    ("contracts.atheer-platform.fee", 5000.0, "contracts.atheer-platform.fee", 'fee = "1250.00"'),
    ("contracts.atheer-platform.fee", "-5", "contracts.atheer-platform.fee", "non-negative decimal"),
    ("contracts.atheer-platform.tier", "core", "contracts.atheer-platform.tier", "atheer has no tiers"),
    ("contracts.sonarqube-support.tier", "platinum", "contracts.sonarqube-support.tier", "core, standard, enterprise"),
    ("contracts.sonarqube-support.region", _DELETE, "contracts.sonarqube-support.region: is required", "accepted"),
    ("contracts.sonarqube-support.region", "europe", "contracts.sonarqube-support.region", "emea, americas, apac"),
    (
        "contracts.sonoran-hosting.components",
        ["web", "db"],
        "contracts.sonoran-hosting.components",
        "web, mail, hypervisor",
    ),
    ("contracts.sonar-billing.components", ["web"], "contracts.sonar-billing.components", "accepted: platform"),
    ("contracts.sonar-billing.currency", "usd", "contracts.sonar-billing.currency", "ISO 4217"),
    ("contracts.sonar-billing.perspective", "vendor", "contracts.sonar-billing.perspective", "customer, provider"),
    ("contracts.sonar-billing.slack_channel", "#billing", "contracts.sonar-billing.slack_channel", "channel id"),
    (
        "contracts.sonar-billing.escalation_group",
        "U0ALICE0001",
        "contracts.sonar-billing.escalation_group",
        "user group",
    ),
    ("contracts.sonar-billing.resolve", ["alice"], "contracts.sonar-billing.resolve", "Slack user ids"),
    ("contracts.sonar-billing.colour", "blue", "contracts.sonar-billing.colour: unknown field", "policy, tier"),
    (
        "contracts.sonar-billing.pagerduty.service_ids",
        ["svc-1"],
        "contracts.sonar-billing.pagerduty.service_ids",
        "PF9KMXH",
    ),
    ("contracts.sonar-billing.pagerduty.service_ids", ["PSONWEB"], "pagerduty.service_ids: PSONWEB", "one contract"),
    (
        "contracts.sonar-billing.pagerduty.priorities",
        {"P1": ""},
        "pagerduty.priorities.P1: '' is not a non-empty string",
        "accepted: ",
    ),
    (
        "contracts.atheer-platform.pagerduty.priorities",
        {"P1": "blocker"},
        "contracts.atheer-platform.pagerduty.priorities.P1: 'blocker' is not a severity of atheer",
        "P1, P2, P3, P4",
    ),
    (
        "contracts.atheer-platform.pagerduty.default_severity",
        "critical",
        "default_severity: 'critical' is not a severity of atheer",
        "P1, P2, P3, P4",
    ),
    ("contracts.sonar-billing.pagerduty.urgency", "high", "pagerduty.urgency: unknown field", "service_ids"),
    ("default_channel", "general", "default_channel", "channel id"),
    (
        "contracts.sonar-billing.outages.severities",
        ["outage"],
        "contracts.sonar-billing.outages.severities",
        "production-down, normal, feature-request",
    ),
    ("contracts.sonar-billing.outages.priorities", {"P2": "yes"}, "outages.priorities.P2", "true or false"),
    ("contracts.sonar-billing.outages.services", {"PSONWEB": False}, "outages.services.PSONWEB", "PSONAR1"),
    ("contracts.sonar-billing.outages.tickets", ["P3"], "outages.tickets: unknown field", "severities, priorities"),
    ("contracts.Bad_Id", {"policy": "atheer"}, "contracts.Bad_Id: 'Bad_Id' is not a valid contract id", "lower-case"),
    # Whether `holidays` knows an override's country and subdivision is checked with the policies (which import the
    # package too): at start, or in the first lazy listener; never on the Slack ack path.
    (
        "contracts.sonarqube-support.holidays.country",
        "XX",
        "contracts.sonarqube-support.holidays.country",
        "holidays package supports",
    ),
    ("contracts.sonarqube-support.holidays.subdiv", "ZZ", "holidays.subdiv: 'ZZ' is not a subdivision of CH", "GE"),
]


@pytest.mark.parametrize(("field", "value", "names", "accepted"), BAD_FIELDS)
def test_bad_field_fails_in_one_line_naming_file_contract_field_and_accepted(
    field: str, value: Any, names: str, accepted: str
) -> None:
    data = copy.deepcopy(shipped())
    _set(data, field, value)
    with pytest.raises(ContractsError) as raised:
        parse_contracts(data, source="config/contracts.toml")
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("config/contracts.toml: ")
    assert names in message
    assert accepted in message
    assert isinstance(raised.value, ValueError)


def test_shipped_holiday_overrides_are_known_to_the_holidays_package() -> None:
    overrides = [c.holidays for c in load_contracts(CONFIG).contracts.values() if c.holidays is not None]
    assert overrides  # loading checked each against the holidays package


def test_message_is_file_path_problem_and_accepted() -> None:
    """The format shared with the policy files (one TOML reader): file, field path, problem, accepted values."""
    data = copy.deepcopy(shipped())
    _set(data, "contracts.sonarqube-support.tier", "platinum")
    with pytest.raises(ContractsError) as raised:
        parse_contracts(data, source="config/contracts.toml")
    assert str(raised.value) == (
        "config/contracts.toml: contracts.sonarqube-support.tier: 'platinum' is not a tier of sonarsource; "
        "accepted: core, standard, enterprise, premium, base"
    )


def test_reading_the_contracts_file_imports_neither_the_engine_nor_holidays() -> None:
    """The Slack ack path reads the contracts file at every cold start: it must stay this light."""
    code = (
        "import sys; from sla_core.config.contracts import read_contracts_file; read_contracts_file(sys.argv[1]); "
        "print(' '.join(sorted(sys.modules)))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "sla_core"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", code, str(CONFIG)], env=env, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    heavy = {"holidays", "sla_core.engine.policy", "sla_core.engine.holiday_sets", "sla_core.incidents.tracking"}
    assert loaded & heavy == set()
    assert not any(name.startswith(("aws_lambda_powertools", "boto3")) for name in loaded)


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "contracts.toml"
    broken.write_text('default_channel = "C0SLAOPS000"\n[contracts.x\n')
    with pytest.raises(ContractsError, match=r"contracts.toml: not valid TOML"):
        load_contracts(broken)


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ContractsError, match="CONTRACTS_FILE"):
        load_contracts(tmp_path / "absent.toml")


def test_a_file_without_contracts_is_rejected() -> None:
    with pytest.raises(ContractsError, match="no contract defined"):
        parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {}})


def test_the_outage_rule_service_over_priority_over_severities_over_the_policy() -> None:
    data = shipped()
    _set(data, "contracts.sonoran-hosting.outages", {
        "severities": [], "priorities": {"P2": True}, "services": {"PSONMAIL": False},
    })  # fmt: skip
    with pytest.raises(ContractsError, match=r"outages\.severities"):
        parse_contracts(data)  # an empty list names no severity: say `priorities` or leave it out
    _set(data, "contracts.sonoran-hosting.outages.severities", ["escalation"])
    rule = parse_contracts(data).contracts["sonoran-hosting"].outages
    # severity, priority, service, what the policy says → outage?
    assert rule.is_outage("escalation", "P3", "PSONWEB", False) is True  # the contract's severity list
    assert rule.is_outage("other", "P2", "PSONWEB", False) is True  # a priority wins over the severities
    assert rule.is_outage("escalation", "P2", "PSONMAIL", True) is False  # a service wins over both
    plain = parse_contracts(shipped()).contracts["sonoran-hosting"].outages
    assert [plain.is_outage("escalation", None, None, says) for says in (True, False)] == [True, False]


def test_a_policy_that_does_not_load_stops_the_contracts_with_its_problems(tmp_path: Path) -> None:
    # Each contract is checked against its policy as the engine loads it: a broken policy file in the deployment's
    # directories is named with its own problem, not read past as if its tiers or severities were none.
    (tmp_path / "broken-policy.toml").write_text('id = "broken-policy"\nname = "Broken"\ntimezone = "UTC"\n')
    with extra_policy_dirs([tmp_path]), pytest.raises(ContractsError) as raised:
        load_contracts(CONFIG)
    lines = str(raised.value).splitlines()
    assert lines and all(line.startswith(f"{CONFIG}: (top level): policies do not load: ") for line in lines)
    assert any("broken-policy.toml: " in line for line in lines)
