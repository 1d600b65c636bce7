"""A deployment's own policy directories: loaded beside the shipped policies, each id once, never shadowing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sla_core.config.contracts import ContractsError, parse_contracts
from sla_core.engine.errors import PolicyError
from sla_core.engine.policy_files import POLICY_DIRS_ENV, SHIPPED_DIR, add_policy_dirs, policy_dirs, reset_policy_dirs
from sla_core.engine.policy_registry import load_policy, policy_ids


@pytest.fixture(autouse=True)
def only_shipped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(POLICY_DIRS_ENV, raising=False)
    reset_policy_dirs()
    yield
    reset_policy_dirs()


def own_policy(directory: Path, policy_id: str = "acme-hosting") -> Path:
    """A minimal policy of the deployment's own: one severity, a 2-hour response on a 24/7 calendar."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{policy_id}.toml"
    path.write_text(
        f'id = "{policy_id}"\nvendor = "Acme"\ntitle = "Acme hosting SLA"\ntimezone = "Europe/Berlin"\n'
        'components = ["platform"]\n\n[holidays]\nquote = "none"\n\n[calendars.always]\nname = "24/7"\n'
        'windows = ["Mon-Sun 00:00-24:00"]\nquote = "around the clock"\n\n[[severities]]\nid = "sev1"\n'
        'name = "Severity 1"\nquote = "service down"\noutage = true\n\n[[severities.targets]]\n'
        'metric = "initial_response"\nduration = "2 hours"\ncalendar = "always"\nquote = "respond within 2 hours"\n',
        encoding="utf-8",
    )
    return path


ACME_CONTRACTS = {"default_channel": "C0SLAOPS000", "contracts": {"acme": {
    "policy": "acme-hosting", "fee": "100.00", "currency": "EUR", "perspective": "customer",
    "slack_channel": "C0ACME00001", "record_downtime": [], "resolve": [],
}}}  # fmt: skip


def test_a_deployment_directory_adds_its_policies_to_the_shipped_ones(tmp_path: Path) -> None:
    shipped = policy_ids()
    own_policy(tmp_path / "policies")
    add_policy_dirs([tmp_path / "policies"])
    assert policy_dirs() == (SHIPPED_DIR, tmp_path / "policies")
    assert policy_ids() == (*shipped, "acme-hosting")
    policy = load_policy("acme-hosting")
    assert policy.severities["sev1"].outage and policy.seed == ""  # a policy needs no `seed`: that is ours
    # The contracts file may name it (contracts are checked against the policies of the same directories).
    assert parse_contracts(ACME_CONTRACTS).contracts["acme"].policy == "acme-hosting"


def test_the_environment_names_directories_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_policy(tmp_path / "a", "acme-a")
    own_policy(tmp_path / "b", "acme-b")
    monkeypatch.setenv(POLICY_DIRS_ENV, f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    assert {"acme-a", "acme-b"} <= set(policy_ids())


def test_a_taken_id_is_refused_never_shadowed(tmp_path: Path) -> None:
    copy = tmp_path / "sonar-software.toml"
    copy.write_text((SHIPPED_DIR / "sonar-software.toml").read_text(encoding="utf-8"), encoding="utf-8")
    add_policy_dirs([tmp_path])
    with pytest.raises(PolicyError, match=r"sonar-software.toml: policy id 'sonar-software' is taken by .*policies"):
        policy_ids()
    with pytest.raises(ContractsError, match="is taken by"):
        parse_contracts(ACME_CONTRACTS)


def test_a_missing_directory_and_an_id_unlike_its_file_name_are_errors(tmp_path: Path) -> None:
    add_policy_dirs([tmp_path / "nowhere"])
    with pytest.raises(PolicyError, match="nowhere: policy directory not found"):
        policy_ids()
    reset_policy_dirs()
    path = own_policy(tmp_path / "own")
    path.rename(tmp_path / "own" / "other-name.toml")
    add_policy_dirs([tmp_path / "own"])
    with pytest.raises(PolicyError, match=r"other-name.toml: id: 'acme-hosting' must match the file name"):
        policy_ids()
