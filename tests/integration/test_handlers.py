"""The Slack and PagerDuty handlers, called as API Gateway HTTP API would call them (payload 2.0 events)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest

from local_stack.lambdas import LocalFunction, LocalLambdaClient, wire_lazy_listeners
from local_stack.template import Template
from sla_core.slack.client import Outbox
from tests.conftest import FIXTURES, OUTBOX, PAGERDUTY_NEXT_SECRET, PAGERDUTY_SECRET, ROOT, SLACK_SIGNING_SECRET
from tests.support.api_gateway import post_event
from tests.support.signing import pagerduty_headers, slack_headers, slash_command_body


@pytest.fixture(scope="module")
def lambda_client(template: Template) -> LocalLambdaClient:
    """The functions, with Bolt's lazy listeners pointed at a local stand-in for the Lambda API."""
    functions = [LocalFunction(spec) for spec in template.functions.values()]
    client = LocalLambdaClient(functions, errors=io.StringIO())
    assert [function.spec.logical_id for function in functions if wire_lazy_listeners(function, client)] == [
        "SlackFunction"
    ]
    return client


@pytest.fixture(scope="module")
def functions(lambda_client: LocalLambdaClient) -> dict[str, LocalFunction]:
    return {function.spec.logical_id: function for function in lambda_client.functions()}


def test_slack_help_is_the_ack(functions: dict[str, LocalFunction]) -> None:
    body = slash_command_body("help")
    response = functions["SlackFunction"].invoke(
        post_event("/slack/events", body, slack_headers(body, SLACK_SIGNING_SECRET))
    )
    assert response["statusCode"] == 200
    assert "`/sla status`" in response["body"]


def test_slack_rejects_a_bad_signature(functions: dict[str, LocalFunction]) -> None:
    body = slash_command_body("help")
    response = functions["SlackFunction"].invoke(
        post_event("/slack/events", body, slack_headers(body, "someone-elses-secret"))
    )
    assert response["statusCode"] == 401


def test_slack_rejects_a_replayed_old_request(functions: dict[str, LocalFunction]) -> None:
    body = slash_command_body("help")
    headers = slack_headers(body, SLACK_SIGNING_SECRET, timestamp=1_700_000_000)
    assert functions["SlackFunction"].invoke(post_event("/slack/events", body, headers))["statusCode"] == 401


def test_slack_lazy_listener_answers_through_the_response_url(
    functions: dict[str, LocalFunction], lambda_client: LocalLambdaClient, table: str
) -> None:
    url = "https://hooks.slack.com/commands/T0001/lazy/check"
    body = slash_command_body("status", response_url=url)
    response = functions["SlackFunction"].invoke(
        post_event("/slack/events", body, slack_headers(body, SLACK_SIGNING_SECRET))
    )
    assert response["statusCode"] == 200
    assert "Working on `/sla status`" in response["body"]
    lambda_client.wait(timeout=10)
    replies = [entry for entry in Outbox(OUTBOX, echo=None).entries() if entry.get("url") == url]
    assert len(replies) == 1
    assert replies[0]["method"] == "response_url"
    assert "No contract reports to this channel" in replies[0]["text"]


def test_pagerduty_fixture_signed_with_either_secret_is_accepted(
    functions: dict[str, LocalFunction], table: str
) -> None:
    body = (FIXTURES / "incident.triggered.json").read_bytes()
    for secret in (PAGERDUTY_SECRET, PAGERDUTY_NEXT_SECRET):
        response = functions["PagerDutyWebhookFunction"].invoke(
            post_event("/pagerduty/webhook", body, pagerduty_headers(body, secret))
        )
        assert response["statusCode"] == 202
        assert json.loads(response["body"]) == {"accepted": True}


def test_pagerduty_rotation_header_with_one_stale_value_is_accepted(
    functions: dict[str, LocalFunction], table: str
) -> None:
    body = (FIXTURES / "incident.resolved.json").read_bytes()
    headers = pagerduty_headers(body, "retired-secret", PAGERDUTY_SECRET)
    assert "," in headers["x-pagerduty-signature"]
    response = functions["PagerDutyWebhookFunction"].invoke(post_event("/pagerduty/webhook", body, headers))
    assert response["statusCode"] == 202


@pytest.mark.parametrize("signature", [None, "v1=deadbeef", "wrong", "v1=é", "v1=\u0661\u0662"])
def test_pagerduty_bad_or_missing_signature_is_401(functions: dict[str, LocalFunction], signature: str | None) -> None:
    body = (FIXTURES / "incident.triggered.json").read_bytes()
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-pagerduty-signature"] = signature
    response = functions["PagerDutyWebhookFunction"].invoke(post_event("/pagerduty/webhook", body, headers))
    assert response["statusCode"] == 401


def test_pagerduty_signature_covers_the_raw_bytes_of_a_base64_body(
    functions: dict[str, LocalFunction], table: str
) -> None:
    body = (FIXTURES / "incident.annotated.json").read_bytes()
    event = post_event("/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    assert functions["PagerDutyWebhookFunction"].invoke(event)["statusCode"] == 202
    event["body"] = base64.b64encode(body + b" ").decode()
    assert functions["PagerDutyWebhookFunction"].invoke(event)["statusCode"] == 401
    event["body"] = "not base64!"  # API Gateway would never send it; anyone else gets a 401, not a 500
    assert functions["PagerDutyWebhookFunction"].invoke(event)["statusCode"] == 401


def test_sample_pagerduty_event_is_valid_for_the_local_secret(
    functions: dict[str, LocalFunction], monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    event = json.loads((ROOT / "events" / "pagerduty_webhook.json").read_text())
    monkeypatch.setenv("PAGERDUTY_WEBHOOK_SECRET", "local-pagerduty-webhook-secret")
    assert functions["PagerDutyWebhookFunction"].invoke(event)["statusCode"] == 202


def test_sample_slack_event_is_signed_with_the_local_secret() -> None:
    from slack_sdk.signature import SignatureVerifier

    event = json.loads((ROOT / "events" / "slack_sla_help.json").read_text())
    body = base64.b64decode(event["body"])
    stamp = event["headers"]["x-slack-request-timestamp"]
    expected = SignatureVerifier("local-slack-signing-secret").generate_signature(timestamp=stamp, body=body)
    assert event["headers"]["x-slack-signature"] == expected
    assert event["routeKey"] == "POST /slack/events"


def test_sample_events_match_the_template_routes(template: Template) -> None:
    keys = {route.route_key for route in template.routes}
    for name in ("slack_sla_help.json", "pagerduty_webhook.json"):
        assert json.loads(Path(ROOT / "events" / name).read_text())["routeKey"] in keys
