"""A policy written only in a test's directory, end to end through the local stack: the stack runs on a copy of
config/ (LOCAL_CONFIG_DIR) with the policy in its policies/ and a contract naming it, and no code change.

acme-hosting (tests/support/own_policy.py): Europe/Berlin; sev1 "The hosted service is down" (an outage), a first
response within 30 clock minutes; 99.9% of each calendar month; a proportional credit on the contract's fee of
1,000.00 EUR; claims within 14 days of an outage's end.
1. PagerDuty P1 on the contract's service, triggered Wed 10 Jun 2026 08:00Z (10:00 CEST): the card is posted in the
   contract's channel with the first response due 10:30 CEST.
2. Resolved 09:30Z (11:30 CEST): 90 minutes of downtime. June = 30 × 1,440 = 43,200 min: (43,200 − 90) / 43,200
   = 99.79166...% → 99.7916%, below 99.9%; 90 / 43,200 × 1,000.00 = 2.0833... → 2.08 EUR; the claim is due 14 days
   after 11:30 CEST, Wed 24 Jun 11:30 CEST.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.own_policy import write_hosting_policy
from tests.support.pagerduty_payloads import replay
from tests.support.signing import pagerduty_headers, slack_headers, slash_command_body
from tests.support.stack_runner import PAGERDUTY_SECRET, SIGNING_SECRET, RunningStack, post, running_stack

pytestmark = pytest.mark.integration

SERVICE, CHANNEL = "PACMEH1", "C0ACMEHOST1"
CONTRACT = f"""

[contracts.acme-hosting-test]
name = "Acme hosting (a test's own policy)"
policy = "acme-hosting"
fee = "1000.00"
currency = "EUR"
perspective = "customer"
slack_channel = "{CHANNEL}"
record_downtime = ["U0ALICE0001"]
resolve = ["U0ALICE0001"]

[contracts.acme-hosting-test.pagerduty]
service_ids = ["{SERVICE}"]
priorities = {{ P1 = "sev1", P2 = "sev2" }}
default_severity = "sev2"
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    config = tmp_path_factory.mktemp("own-config") / "config"
    shutil.copytree(ROOT / "config", config)
    write_hosting_policy(config / "policies")
    with (config / "contracts.toml").open("a", encoding="utf-8") as contracts:
        contracts.write(CONTRACT)
    with running_stack(tmp_path_factory.mktemp("own-stack"), {"LOCAL_CONFIG_DIR": str(config)}) as running:
        yield running


def outbox(stack: RunningStack) -> list[dict[str, Any]]:
    lines = stack.outbox.read_text().splitlines() if stack.outbox.exists() else []
    return [json.loads(line) for line in lines]


def deliver(stack: RunningStack, body: bytes) -> None:
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert status == 202, text + "".join(stack.output[-30:])


def ask(stack: RunningStack, text: str, trigger: str) -> str:
    """A signed `/sla` command; the lazy listener's answer to its response_url, from the outbox."""
    url = f"https://hooks.slack.com/commands/T0001/own/{trigger}"
    body = slash_command_body(text, url, trigger_id=trigger)
    status, _ = post(f"{stack.api}/slack/events", body, slack_headers(body, SIGNING_SECRET))
    assert status == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [e for e in outbox(stack) if e.get("url") == url]
        if found:
            return str(found[0]["text"])
        time.sleep(0.1)
    raise AssertionError(f"no answer to /sla {text}:\n" + "".join(stack.output[-30:]))


def trigger(stack: RunningStack) -> None:
    """The P1 on the contract's service, triggered Wed 10 Jun 2026 08:00Z (10:00 CEST)."""
    deliver(stack, replay("incident.triggered", incident="PACME01", service=SERVICE, at="2026-06-10T08:00:00Z",
                          event_id="acme-t", priority="P1"))  # fmt: skip


def test_an_incident_on_the_contract_gets_a_card_with_its_deadline(stack: RunningStack) -> None:
    trigger(stack)
    (card,) = [e for e in outbox(stack) if e["method"] == "chat.postMessage" and e["channel"] == CHANNEL]
    assert card["text"].startswith("sev1 incident: ") and "(Acme hosting (a test's own policy))" in card["text"]
    assert "*First response* due Wed 10 Jun 10:30 CEST" in json.dumps(card["blocks"])


def test_the_credit_command_computes_its_month(stack: RunningStack) -> None:
    trigger(stack)  # delivered once: a repeated event records nothing twice
    deliver(stack, replay("incident.resolved", incident="PACME01", service=SERVICE, at="2026-06-10T09:30:00Z",
                          event_id="acme-r"))  # fmt: skip
    answer = ask(stack, "credit acme-hosting-test 2026-06", "own-credit")
    assert "Availability 99.7916% against 99.9% (missed)" in answer, answer
    assert "Estimated credit: *2.08 EUR*" in answer, answer
    assert "|Wed 24 Jun 11:30 CEST>: 14 days after the end of the outage" in answer, answer
    explained = ask(stack, "contracts acme-hosting-test", "own-contracts")
    assert explained == "`acme-hosting-test`: Acme hosting SLA (a test's own policy) (acme-hosting)"
