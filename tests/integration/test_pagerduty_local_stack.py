"""`make run`'s local stack, used as the README shows: POST a signed fixture, find the card in the outbox."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack.dynamodb import free_port
from tests.conftest import FIXTURES, ROOT
from tests.integration.test_local_stack import BANNER_END, PAGERDUTY_SECRET, RunningStack, follow, post, stack_env
from tests.signing import pagerduty_headers

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    api_port, dynamodb_port = free_port(), free_port()
    outbox = tmp_path_factory.mktemp("pd-stack") / "slack-outbox.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "local_stack"],
        cwd=ROOT,
        env=stack_env(api_port, dynamodb_port, outbox),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = follow(process, output, BANNER_END)
    try:
        if not ready.wait(timeout=90):
            pytest.fail("local stack did not start:\n" + "".join(output))
        yield RunningStack(process, f"http://127.0.0.1:{api_port}", dynamodb_port, outbox, output)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def entries(outbox: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def test_a_signed_fixture_puts_the_card_in_the_contracts_channel(stack: RunningStack) -> None:
    # The README's recipe with the service mapped to sonar-billing (PSONAR1).
    body = (FIXTURES / "incident.triggered.json").read_bytes().replace(b'"PA2P440"', b'"PSONAR1"')
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert (status, json.loads(text)) == (202, {"accepted": True})
    status, _ = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert status == 202  # a redelivery: no second card
    cards = [e for e in entries(stack.outbox) if e["method"] == "chat.postMessage" and e["channel"] == "C0SONARBIL1"]
    assert len(cards) == 1
    assert cards[0]["text"] == "normal incident: Test Incident 3 (Sonar Software billing platform): triggered"
    # First response due Sat 5 June 2021 09:35 EDT (24 clock hours beat 10 business hours; see the webhook tests).
    assert "*First response* due Sat 05 Jun 09:35 EDT" in json.dumps(cards[0]["blocks"])


def test_the_unmapped_fixture_goes_to_the_default_channel_and_a_bad_signature_writes_nothing(
    stack: RunningStack,
) -> None:
    body = (FIXTURES / "incident.acknowledged.json").read_bytes()  # service PA2P440: no contract maps it
    before = len(entries(stack.outbox))
    status, _ = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, "not-the-secret"))
    assert status == 401 and len(entries(stack.outbox)) == before
    status, _ = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert status == 202
    (card,) = [e for e in entries(stack.outbox)[before:] if e["method"] == "chat.postMessage" and "thread_ts" not in e]
    assert card["channel"] == "C0SLAOPS000"
    assert "No contract maps" in json.dumps(card["blocks"])
