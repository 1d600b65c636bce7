"""`make events` re-signs the samples so the real verifiers (and Bolt itself) accept them."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier

from local_stack.lambdas import LocalFunction
from local_stack.stack import LOCAL_SECRET_DEFAULTS
from local_stack.template import Template
from sla_core.pagerduty.signatures import pagerduty_signature_valid
from tests.conftest import ROOT, SLACK_SIGNING_SECRET
from tools.sign_events import PAGERDUTY_ROUTE, SLACK_ROUTE, Secrets, local_secrets, main, raw_body, sign_events

EVENTS = ROOT / "events"
SECRETS = Secrets(slack="slack-secret-for-this-test", pagerduty=("pd-old-secret", "pd-new-secret"))


@pytest.fixture
def events(tmp_path: Path) -> Path:
    """A copy of events/ to sign (the repository's files stay as they are)."""
    copy = tmp_path / "events"
    shutil.copytree(EVENTS, copy)
    return copy


def load(path: Path) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return event


def slack_valid(event: dict[str, Any], secret: str) -> bool:
    headers = event["headers"]
    return SignatureVerifier(secret).is_valid(
        raw_body(event), headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    )


def test_every_api_sample_is_signed_and_the_real_verifiers_accept_it(events: Path) -> None:
    before = {path.name: load(path) for path in events.glob("*.json")}
    now = int(time.time())
    signed = {path.name: route for path, route in sign_events(events, SECRETS, now)}
    assert signed == {
        "pagerduty_webhook.json": PAGERDUTY_ROUTE,
        "slack_button_ack.json": SLACK_ROUTE,
        "slack_sla_help.json": SLACK_ROUTE,
        "slack_url_verification.json": SLACK_ROUTE,
    }
    for name, route in signed.items():
        event = load(events / name)
        body = raw_body(event)
        assert body == raw_body(before[name]), name  # the body is signed, never changed
        assert event["headers"]["content-length"] == str(len(body))
        if route == SLACK_ROUTE:
            assert event["headers"]["x-slack-request-timestamp"] == str(now)
            assert slack_valid(event, SECRETS.slack), name
            assert not slack_valid(event, "another-secret"), name
        else:
            header = event["headers"]["x-pagerduty-signature"]
            for secret in SECRETS.pagerduty:  # one v1= value per secret, as PagerDuty sends while rotating
                assert pagerduty_signature_valid(body, header, [secret])
            assert not pagerduty_signature_valid(body, header, ["another-secret"])
            assert not pagerduty_signature_valid(body + b" ", header, SECRETS.pagerduty)
    # The schedule's input and the variables file are not API events: untouched.
    for name in ("reminder_tick.json", "env.json"):
        assert load(events / name) == before[name]


def test_an_old_timestamp_is_refused_by_slack_until_re_signed(events: Path) -> None:
    sign_events(events, SECRETS, int(time.time()) - 10 * 60)
    assert not slack_valid(load(events / "slack_sla_help.json"), SECRETS.slack)  # Bolt's 5-minute window
    sign_events(events, SECRETS, int(time.time()))
    assert slack_valid(load(events / "slack_sla_help.json"), SECRETS.slack)


def test_a_base64_body_is_signed_over_its_decoded_bytes(events: Path) -> None:
    sign_events(events, SECRETS, int(time.time()))
    event = load(events / "slack_button_ack.json")
    assert event["isBase64Encoded"] is True
    payload = json.loads(parse_qs(raw_body(event).decode())["payload"][0])
    assert (payload["type"], payload["actions"][0]["action_id"]) == ("block_actions", "incident_ack")
    assert (
        SignatureVerifier(SECRETS.slack).generate_signature(
            timestamp=event["headers"]["x-slack-request-timestamp"], body=raw_body(event)
        )
        == event["headers"]["x-slack-signature"]
    )


def test_the_samples_cover_every_route_the_schedule_and_each_function(template: Template) -> None:
    routes = {load(path).get("routeKey") for path in EVENTS.glob("*.json")}
    assert {route.route_key for route in template.routes} <= routes
    command = parse_qs(raw_body(load(EVENTS / "slack_sla_help.json")).decode())
    assert command["command"] == ["/sla"]
    assert json.loads(raw_body(load(EVENTS / "pagerduty_webhook.json")))["event"]["event_type"] == "incident.triggered"
    (schedule,) = template.schedules
    tick = load(EVENTS / "reminder_tick.json")
    assert set(tick) == set(json.loads(schedule.input))
    variables = load(EVENTS / "env.json")
    assert set(variables) == set(template.functions)
    for function, values in variables.items():
        assert values["SLAOPS_LOCAL"] == "1" and values["TABLE_NAME"] == "SlaOpsTable", function
        assert values["DYNAMODB_ENDPOINT"].endswith(":8000"), function
        for key, default in LOCAL_SECRET_DEFAULTS.items():
            assert values.get(key, default) == default, (function, key)  # the secrets make events signs with
    assert "SLACK_SIGNING_SECRET" in variables["SlackFunction"]
    assert "PAGERDUTY_WEBHOOK_SECRET" in variables["PagerDutyWebhookFunction"]


def test_secrets_come_from_the_environment_then_env_local_then_the_defaults(tmp_path: Path) -> None:
    assert local_secrets({}, tmp_path) == Secrets(
        slack="local-slack-signing-secret", pagerduty=("local-pagerduty-webhook-secret",)
    )
    (tmp_path / ".env.local").write_text(
        "# local\nexport SLACK_SIGNING_SECRET='from-file'\nPAGERDUTY_WEBHOOK_SECRET=a,b\n", encoding="utf-8"
    )
    assert local_secrets({}, tmp_path) == Secrets(slack="from-file", pagerduty=("a", "b"))
    environment = {"SLACK_SIGNING_SECRET": "from-env", "PAGERDUTY_WEBHOOK_SECRET": "c"}
    assert local_secrets(environment, tmp_path) == Secrets(slack="from-env", pagerduty=("c",))


def test_main_signs_the_folder_it_is_given(
    events: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "main-secret")
    assert main(["--dir", str(events), "--timestamp", str(int(time.time()))]) == 0
    assert "signed slack_sla_help.json (POST /slack/events)" in capsys.readouterr().out
    assert slack_valid(load(events / "slack_sla_help.json"), "main-secret")
    assert main(["--dir", str(events / "nothing-here")]) == 1


@pytest.mark.parametrize("name", ["slack_sla_help.json", "slack_url_verification.json"])
def test_bolt_answers_a_re_signed_sample_with_200(events: Path, template: Template, name: str) -> None:
    """What `sam local invoke` would show: the Slack handler, with the session's secret, answers from the ack."""
    sign_events(events, Secrets(slack=SLACK_SIGNING_SECRET, pagerduty=SECRETS.pagerduty), int(time.time()))
    response = LocalFunction(template.functions["SlackFunction"]).invoke(load(events / name))
    assert response["statusCode"] == 200, response
    assert response["body"]
