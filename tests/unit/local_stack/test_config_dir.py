"""LOCAL_CONFIG_DIR: the local stack can run on a copy of config/ (the contracts file and the deployment's own
policies), so a test's own policy reaches the functions as /opt/policies does in AWS."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_stack.template import LOCAL_CONFIG_ENV, load_template, resolve_environment
from tests.conftest import ROOT


def environment() -> dict[str, str]:
    template = load_template(ROOT / "template.yaml")
    return resolve_environment(template, template.functions["SlackFunction"], {"SlaOpsTable": "local-table"})


def test_the_config_layer_is_the_repositorys_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOCAL_CONFIG_ENV, raising=False)
    env = environment()
    assert env["CONTRACTS_FILE"] == str(ROOT / "config" / "contracts.toml")
    assert env["SLAOPS_POLICY_DIRS"] == str(ROOT / "config" / "policies")


def test_local_config_dir_replaces_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "contracts.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv(LOCAL_CONFIG_ENV, str(tmp_path))
    env = environment()
    assert (env["CONTRACTS_FILE"], env["SLAOPS_POLICY_DIRS"]) == (
        str(tmp_path / "contracts.toml"),
        str(tmp_path / "policies"),
    )
