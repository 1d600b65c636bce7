"""Only the workspace the app is installed in gets in (the `Side` of test_slack_app: signed requests, lazy
listeners, DynamoDB Local, the Slack stub). With SLACK_TEAM_IDS=T0001 a request signed for this app but sent
from team T0OTHER, or from an enterprise not listed, is refused with a readable 200 before any listener runs:
no lazy invocation, no Slack call, nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from sla_core.config.settings import Workspaces
from sla_core.slack.request_guard import FOREIGN
from sla_core.storage import repository
from tests.conftest import SLACK_SIGNING_SECRET
from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    ALICE,
    BILLING_CHANNEL,
    Side,
    fresh,
    side,
    stub,
)
from tests.support.signing import slack_headers

LAZY: list[str] = []  # the lazy invocations the function asked for, by payload


@pytest.fixture
def installed(fresh: Side, monkeypatch: pytest.MonkeyPatch) -> Iterator[Side]:  # noqa: F811
    """The Slack function as deployed with SlackTeamIds=T0001 and SlackEnterpriseIds=E0GRID01; every lazy
    invocation it starts is noted in LAZY."""
    monkeypatch.setattr(fresh.function.module, "workspaces", Workspaces(frozenset({"T0001"}), frozenset({"E0GRID01"})))
    invoke = fresh.client.invoke

    def noted(FunctionName: str, InvocationType: str = "RequestResponse", Payload: str = "{}") -> dict[str, Any]:
        LAZY.append(Payload)
        return invoke(FunctionName, InvocationType, Payload)

    monkeypatch.setattr(fresh.client, "invoke", noted)
    LAZY.clear()
    yield fresh


def command_body(team: str, text: str, enterprise: str | None = None) -> bytes:
    fields = {"team_id": team, "channel_id": BILLING_CHANNEL, "user_id": ALICE, "command": "/sla", "text": text}
    fields.update({"enterprise_id": enterprise} if enterprise else {})
    fields.update({"response_url": "http://127.0.0.1:9/never", "trigger_id": f"{team}.{text}.trigger"})
    return urlencode(fields).encode()


def test_a_command_from_another_workspace_is_refused_before_any_work(installed: Side) -> None:
    body = command_body("T0OTHER", "open sonar-billing production-down From elsewhere")
    response = installed.post(body, slack_headers(body, SLACK_SIGNING_SECRET))
    assert response["statusCode"] == 200
    assert response["body"] == FOREIGN["body"]
    assert LAZY == []  # no lazy listener was started
    assert installed.stub.calls == []
    assert repository.open_contract_incidents("sonar-billing") == []


def test_a_button_and_app_home_from_another_workspace_are_refused(installed: Side) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0OTHER"},
        "user": {"id": ALICE},
        "api_app_id": "A0SLAOPS01",
        "trigger_id": "foreign.button",
        "channel": {"id": BILLING_CHANNEL},
        "actions": [{"type": "button", "action_id": "incident_resolve", "block_id": "b", "value": "sla-abcdefgh"}],
    }
    assert installed.interactive(payload)["body"] == FOREIGN["body"]
    assert installed.home_opened("Ev0FOREIGN1", team="T0OTHER")["body"] == FOREIGN["body"]
    assert LAZY == []
    assert installed.stub.calls == []


def test_the_installed_team_and_a_listed_enterprise_get_in(installed: Side) -> None:
    for body in (command_body("T0001", "contracts"), command_body("T0GRIDWS", "contracts", enterprise="E0GRID01")):
        response = installed.post(body, slack_headers(body, SLACK_SIGNING_SECRET))
        assert response["statusCode"] == 200
        assert "Working on `/sla contracts`" in response["body"]
    assert len(LAZY) == 2  # each admitted command's answer ran as a lazy listener
    foreign = command_body("T0GRIDWS", "contracts", enterprise="E0OTHER1")
    assert installed.post(foreign, slack_headers(foreign, SLACK_SIGNING_SECRET))["body"] == FOREIGN["body"]


def test_slack_url_verification_carries_no_team_and_is_answered(installed: Side) -> None:
    body = json.dumps({"token": "unused", "challenge": "c0ffee", "type": "url_verification"}).encode()
    headers = {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": "application/json"}
    response = installed.post(body, headers)
    assert response["statusCode"] == 200 and "c0ffee" in response["body"]
