"""Starting `python -m local_stack` as a real subprocess for integration tests, and talking to it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_stack.dynamodb import free_port
from tests.conftest import ROOT
from tests.support.block_kit import check_outbox
from tests.support.signing import slack_headers, slash_command_body

SIGNING_SECRET = "stack-test-signing-secret"
PAGERDUTY_SECRET = "stack-test-pagerduty-secret"
READY = "slaops local stack ready in"
BANNER_END = "Ctrl-C to stop."


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    api: str
    dynamodb_port: int
    outbox: Path
    output: list[str]


def stack_env(api_port: int, dynamodb_port: int, outbox: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "PAGERDUTY_"))}
    env.update(
        {
            "LOCAL_API_PORT": str(api_port),
            "LOCAL_DYNAMODB_PORT": str(dynamodb_port),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "PAGERDUTY_WEBHOOK_SECRET": PAGERDUTY_SECRET,
            "SLACK_OUTBOX": str(outbox),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def follow(process: subprocess.Popen[str], output: list[str], marker: str) -> threading.Event:
    """Collect the process's output lines in a thread; the event is set once `marker` has been printed."""
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if marker in line:
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    return seen


@contextmanager
def running_stack(directory: Path, env: dict[str, str] | None = None) -> Iterator[RunningStack]:
    """The local stack on free ports with its outbox in `directory` (and `env` on top of its environment, e.g.
    LOCAL_CONFIG_DIR); stopped with SIGTERM afterwards."""
    api_port, dynamodb_port = free_port(), free_port()
    outbox = directory / "slack-outbox.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "local_stack"],
        cwd=ROOT,
        env={**stack_env(api_port, dynamodb_port, outbox), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    banner_printed = follow(process, output, BANNER_END)
    try:
        if not banner_printed.wait(timeout=90):
            pytest.fail("local stack did not start:\n" + "".join(output))
        yield RunningStack(process, f"http://127.0.0.1:{api_port}", dynamodb_port, outbox, output)
        check_outbox(outbox)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def outbox_entries(stack: RunningStack) -> list[dict[str, Any]]:
    """Everything the stack's functions sent to Slack so far (its outbox), in order."""
    lines = stack.outbox.read_text().splitlines() if stack.outbox.exists() else []
    return [json.loads(line) for line in lines]


def ask_sla(stack: RunningStack, text: str, trigger: str, *, wait: float = 20) -> str:
    """A signed `/sla` command; the lazy listener's answer to its response_url, from the outbox."""
    url = f"https://hooks.slack.com/commands/T0001/ask/{trigger}"
    body = slash_command_body(text, url, trigger_id=trigger)
    status, _ = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert status == 200
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [e for e in outbox_entries(stack) if e.get("url") == url]
        if found:
            return str(found[0]["text"])
        time.sleep(0.1)
    raise AssertionError(f"no answer to /sla {text}:\n" + "".join(stack.output[-30:]))
