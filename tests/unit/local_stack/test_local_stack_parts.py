"""The local stack's parts: what it reads from template.yaml, the events it builds, its scheduler."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from local_stack.gateway import build_event, http_response
from local_stack.scheduler import Scheduler, next_tick, rate_seconds, render_input
from local_stack.stack import local_environment, read_env_file
from local_stack.template import Route, Schedule, Template, resolve_environment
from tests.conftest import ROOT


def test_routes_and_schedules_come_from_the_template(template: Template) -> None:
    assert set(template.routes) == {
        Route("POST", "/slack/events", "SlackFunction"),
        Route("POST", "/pagerduty/webhook", "PagerDutyWebhookFunction"),
    }
    (schedule,) = template.schedules
    assert (schedule.function, schedule.expression) == ("ReminderFunction", "rate(1 minute)")
    assert "<aws.scheduler.scheduled-time>" in schedule.input
    assert template.functions["SlackFunction"].module == "functions.slack.app"
    assert template.functions["SlackFunction"].name == "slaops-local-slack"
    assert template.functions["ReminderFunction"].name == "ReminderFunction"


def test_environment_is_resolved_for_this_machine(template: Template) -> None:
    env = resolve_environment(template, template.functions["SlackFunction"], {"SlaOpsTable": "local-table"})
    assert env["TABLE_NAME"] == "local-table"
    assert env["SLACK_SIGNING_SECRET_PARAM"] == "/slaops/slack/signing-secret"
    assert env["CONTRACTS_FILE"] == str(ROOT / "config" / "contracts.toml")
    assert env["POWERTOOLS_SERVICE_NAME"] == "slaops"
    merged = local_environment(template, {"SlaOpsTable": "local-table"}, "http://127.0.0.1:1")
    assert merged["SLAOPS_LOCAL"] == "1"
    assert merged["DYNAMODB_ENDPOINT"] == "http://127.0.0.1:1"
    assert "PAGERDUTY_WEBHOOK_SECRET_PARAM" in merged


def test_env_file_lines(tmp_path: Path) -> None:
    path = tmp_path / ".env.local"
    path.write_text("# secrets\nexport SLACK_BOT_TOKEN='xoxb-1'\n\nPAGERDUTY_WEBHOOK_SECRET=a,b\nnot a pair\n")
    assert read_env_file(path) == {"SLACK_BOT_TOKEN": "xoxb-1", "PAGERDUTY_WEBHOOK_SECRET": "a,b"}
    assert read_env_file(tmp_path / "absent") == {}


def test_events_are_api_gateway_http_api_v2_events() -> None:
    event = build_event(
        method="POST",
        target="/slack/events?a=1&a=2&b=",
        headers=[("Content-Type", "application/json"), ("X-Dup", "1"), ("x-dup", "2"), ("Cookie", "c=1; d=2")],
        body=b'{"x": 1}',
        source_ip="127.0.0.1",
        route_key="POST /slack/events",
        host="127.0.0.1:3000",
    )
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/slack/events"
    assert event["rawQueryString"] == "a=1&a=2&b="
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"] == {"content-type": "application/json", "x-dup": "1,2"}
    assert event["cookies"] == ["c=1", "d=2"]
    assert (event["body"], event["isBase64Encoded"]) == ('{"x": 1}', False)
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["routeKey"] == "POST /slack/events"


def test_binary_bodies_are_base64_encoded() -> None:
    body = bytes(range(256))
    event = build_event(
        method="POST",
        target="/x",
        headers=[("content-type", "application/octet-stream")],
        body=body,
        source_ip="127.0.0.1",
        route_key="POST /x",
        host="h",
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_handler_results_become_http_responses() -> None:
    status, headers, body = http_response(
        {"statusCode": 202, "headers": {"content-type": "application/json"}, "body": "{}", "cookies": ["a=1"]}
    )
    assert (status, body) == (202, b"{}")
    assert ("set-cookie", "a=1") in headers
    assert http_response({"statusCode": 200, "body": base64.b64encode(b"\x00").decode(), "isBase64Encoded": True})[
        2
    ] == (b"\x00")
    assert http_response({"due": 1}) == (200, [("content-type", "application/json")], b'{"due": 1}')


def test_rates_and_ticks() -> None:
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(2 hours)") == 7200
    with pytest.raises(ValueError, match="unsupported schedule"):
        rate_seconds("cron(0 12 * * ? *)")
    assert next_tick(datetime(2026, 3, 9, 14, 15, 0, tzinfo=UTC), 60) == datetime(2026, 3, 9, 14, 16, tzinfo=UTC)
    assert next_tick(datetime(2026, 3, 9, 14, 15, 59, 999, tzinfo=UTC), 60) == datetime(2026, 3, 9, 14, 16, tzinfo=UTC)


def test_the_input_carries_the_scheduled_time(template: Template) -> None:
    event = render_input(template.schedules[0], datetime(2026, 3, 9, 14, 15, tzinfo=UTC))
    assert event["scheduled_time"] == "2026-03-09T14:15:00Z"


def test_the_scheduler_fires_on_the_boundary_with_that_time() -> None:
    schedule = Schedule("ReminderFunction", "EveryMinute", "rate(1 minute)", '{"t": "<aws.scheduler.scheduled-time>"}')
    real_now = datetime.now(UTC)
    boundary = next_tick(real_now, 60)
    offset = boundary - real_now - timedelta(seconds=0.3)  # pretend the next minute is 0.3 s away

    fired: list[tuple[Schedule, datetime]] = []
    done = threading.Event()

    def fire(which: Schedule, at: datetime) -> None:
        fired.append((which, at))
        done.set()

    scheduler = Scheduler([schedule], fire, now=lambda: datetime.now(UTC) + offset)
    scheduler.start()
    try:
        assert done.wait(5), "the scheduler did not fire"
    finally:
        scheduler.stop()
    assert fired[0] == (schedule, boundary)
    assert json.loads(schedule.input.replace("<aws.scheduler.scheduled-time>", "x")) == {"t": "x"}
