"""Settings: plain environment variables locally, SSM parameter names in AWS (values fetched and cached)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters

from sla_core.config import settings


@pytest.fixture
def in_aws(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """Lambda-like environment: no SLAOPS_LOCAL, parameter names only; SSM answered from a dict."""
    monkeypatch.delenv("SLAOPS_LOCAL")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "must-not-be-used")
    monkeypatch.setenv("SLACK_SIGNING_SECRET_PARAM", "/slaops/slack/signing-secret")
    monkeypatch.setenv("PAGERDUTY_WEBHOOK_SECRET_PARAM", "/slaops/pagerduty/webhook-secrets")
    store = {"/slaops/slack/signing-secret": "from-ssm", "/slaops/pagerduty/webhook-secrets": "old, new\n"}
    calls: dict[str, dict[str, Any]] = {}

    def get_parameter(name: str, **options: Any) -> str:
        calls[name] = options
        return store[name]

    monkeypatch.setattr(parameters, "get_parameter", get_parameter)
    return calls


def test_local_values_come_from_plain_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "local-secret")
    monkeypatch.setenv("PAGERDUTY_WEBHOOK_SECRET", "one,two")
    assert settings.is_local()
    assert settings.slack_signing_secret() == "local-secret"
    assert settings.pagerduty_webhook_secrets() == ("one", "two")


def test_locally_without_a_bot_token_bolt_gets_a_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert settings.slack_bot_token() is None
    assert settings.bolt_token() == settings.LOCAL_PLACEHOLDER_BOT_TOKEN


def test_missing_local_secret_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    with pytest.raises(settings.SettingsError, match="SLACK_SIGNING_SECRET"):
        settings.slack_signing_secret()


def test_in_aws_values_are_read_from_ssm_by_name_decrypted_and_cached(in_aws: dict[str, dict[str, Any]]) -> None:
    assert settings.slack_signing_secret() == "from-ssm"
    assert in_aws["/slaops/slack/signing-secret"] == {"decrypt": True, "max_age": 300}
    assert settings.pagerduty_webhook_secrets() == ("old", "new")


def test_in_aws_a_missing_parameter_name_is_an_error_naming_it(in_aws: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(settings.SettingsError, match="SLACK_BOT_TOKEN_PARAM"):
        settings.slack_bot_token()


def test_region_falls_back_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert settings.region() == "us-east-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert settings.region() == "eu-west-1"


def test_workspaces_locally_unset_admit_any_and_set_admit_only_theirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_TEAM_IDS", raising=False)
    monkeypatch.delenv("SLACK_ENTERPRISE_IDS", raising=False)
    anywhere = settings.slack_workspaces()
    assert anywhere.any and anywhere.admits("T0ANYONE", None)
    monkeypatch.setenv("SLACK_TEAM_IDS", " T0001, T0002 ")
    monkeypatch.setenv("SLACK_ENTERPRISE_IDS", "E0GRID01")
    listed = settings.slack_workspaces()
    assert listed.team_ids == {"T0001", "T0002"}
    assert listed.admits("T0002", None) and listed.admits("T0NEW", "E0GRID01")
    assert not listed.admits("T0OTHER", None) and not listed.admits("T0OTHER", "E0OTHER1")
    assert not listed.admits(None, None)


@pytest.mark.parametrize(("env", "value"), [("SLACK_TEAM_IDS", "U0ALICE0001"), ("SLACK_ENTERPRISE_IDS", "T0001")])
def test_workspace_ids_of_the_wrong_kind_are_refused(monkeypatch: pytest.MonkeyPatch, env: str, value: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(settings.SettingsError, match=env):
        settings.slack_workspaces()


def test_in_aws_the_workspace_must_be_named(in_aws: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_TEAM_IDS", raising=False)
    monkeypatch.setenv("SLACK_ENTERPRISE_IDS", "")
    with pytest.raises(settings.SettingsError, match="SLACK_TEAM_IDS is not set"):
        settings.slack_workspaces()
    monkeypatch.setenv("SLACK_TEAM_IDS", "T0001")
    assert settings.slack_workspaces().team_ids == {"T0001"}
