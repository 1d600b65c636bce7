"""`make run`'s local stack, used as the README shows: POST a signed fixture, find the card in the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.support.signing import pagerduty_headers
from tests.support.stack_runner import (
    PAGERDUTY_SECRET,
    RunningStack,
    post,
    running_stack,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("pd-stack")) as running:
        yield running


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
