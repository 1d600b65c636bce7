"""`python -m local_stack` (what `make run` runs), as a developer uses it: real process, real ports,
each template route answered by the real handler, a scheduled tick, the outbox, and a clean stop."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from local_stack.dynamodb import free_port, port_free
from tests.conftest import FIXTURES, ROOT
from tests.support.signing import pagerduty_headers, slack_headers, slash_command_body
from tests.support.stack_runner import (
    PAGERDUTY_SECRET,
    READY,
    SIGNING_SECRET,
    RunningStack,
    post,
    running_stack,
    stack_env,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


def test_the_banner_prints_every_url(stack: RunningStack) -> None:
    banner = "".join(stack.output)
    assert f"{stack.api}/slack/events" in banner
    assert f"{stack.api}/pagerduty/webhook" in banner
    assert f"http://127.0.0.1:{stack.dynamodb_port}" in banner
    assert "rate(1 minute) -> ReminderFunction" in banner
    assert "Slack workspaces: any (SLACK_TEAM_IDS and SLACK_ENTERPRISE_IDS unset" in banner
    assert any(line.startswith(READY) for line in stack.output)


def test_signed_pagerduty_webhook_is_accepted(stack: RunningStack) -> None:
    body = (FIXTURES / "incident.triggered.json").read_bytes()
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert (status, json.loads(text)) == (202, {"accepted": True})


def test_badly_signed_pagerduty_webhook_is_401(stack: RunningStack) -> None:
    body = (FIXTURES / "incident.triggered.json").read_bytes()
    status, _ = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, "not-the-secret"))
    assert status == 401


def test_slack_signed_sla_help_is_answered(stack: RunningStack) -> None:
    body = slash_command_body("help")
    status, text = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert status == 200
    assert "/sla status" in text
    status, _ = post(f"{stack.api}/slack/events", body, slack_headers(body, "wrong-secret"))
    assert status == 401


def test_lazy_listener_runs_locally_and_writes_to_the_outbox(stack: RunningStack) -> None:
    url = "https://hooks.slack.com/commands/T0001/stack/lazy"
    body = slash_command_body("status", response_url=url)
    status, text = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert (status, text) == (200, "Working on `/sla status`...")
    entries: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not entries:
        if stack.outbox.exists():
            entries = [json.loads(line) for line in stack.outbox.read_text().splitlines()]
            entries = [entry for entry in entries if entry.get("url") == url]
        time.sleep(0.1)
    assert len(entries) == 1
    assert entries[0]["method"] == "response_url"
    assert "No contract reports to this channel" in entries[0]["text"]  # C0SLAOPS000 is only the default


def test_a_scheduled_tick_runs_at_the_given_instant(stack: RunningStack) -> None:
    status, text = post(f"{stack.api}/_local/tick?at=2026-03-09T14:15:00Z", b"", {})
    assert status == 200
    assert json.loads(text) == {
        "scheduled_time": "2026-03-09T14:15:00Z",
        "results": {"ReminderFunction": {"scheduled_time": "2026-03-09T14:15:00+00:00", "due": 0}},
    }
    status, _ = post(f"{stack.api}/_local/tick?at=2026-03-09T14:15:00", b"", {})
    assert status == 400


def test_unknown_routes_are_404(stack: RunningStack) -> None:
    assert post(f"{stack.api}/slack/other", b"{}", {})[0] == 404


def test_a_taken_port_is_reported_clearly(stack: RunningStack) -> None:
    api_port = int(stack.api.rsplit(":", 1)[1])
    result = subprocess.run(
        [sys.executable, "-m", "local_stack"],
        cwd=ROOT,
        env=stack_env(api_port, free_port(), stack.outbox),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"port {api_port} is already in use" in result.stderr
    assert "LOCAL_API_PORT" in result.stderr


def test_sigterm_stops_everything(stack: RunningStack) -> None:
    """Last in this module: the stack stops cleanly and leaves no DynamoDB Local (java) behind."""
    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=20) == 0
    deadline = time.monotonic() + 5
    while "local stack stopped\n" not in stack.output and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "local stack stopped\n" in stack.output
    assert port_free(stack.dynamodb_port)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", stack.dynamodb_port), timeout=1):
        pass
