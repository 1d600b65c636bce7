"""A stalled table, through the local stack: DynamoDB Local is frozen (SIGSTOP) while signed PagerDuty
webhooks for new incidents are in flight. Each must get a 5xx within the webhook function's Timeout (so
PagerDuty retries instead of seeing a timeout), and once DynamoDB Local runs again (SIGCONT) the resends,
the same bytes as PagerDuty resends them, must complete every incident exactly once: one card in the
contract's channel and one timeline entry, whatever the abandoned attempts wrote when the table woke up; and the
first resend shows its card (it takes back at once the lease its stalled attempt left), not after the 30 s lease."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_stack.template import load_template
from sla_core.pagerduty.events import ID_PREFIX
from tests.conftest import FIXTURES, ROOT
from tests.support.signing import pagerduty_headers
from tests.support.stack_runner import PAGERDUTY_SECRET, RunningStack, post, running_stack

pytestmark = pytest.mark.integration

CHANNEL = "C0SONARBIL1"  # sonar-billing's channel; its PagerDuty service is PSONAR1
STALLED = 4  # webhooks in flight while the table is frozen
RESEND_FOR_S = 90.0  # PagerDuty retries for 48 h; a card lease left by an abandoned attempt lasts 30 s
PID = re.compile(r"DynamoDB Local http://\S+ \(pid (\d+)")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("stall-stack")) as running:
        yield running


def dynamodb_pid(stack: RunningStack) -> int:
    """DynamoDB Local's java process, as the stack's banner names it."""
    for line in stack.output:
        if found := PID.search(line):
            return int(found.group(1))
    raise AssertionError("the banner names no DynamoDB Local pid:\n" + "".join(stack.output))


def new_incident(number: int) -> tuple[str, str, bytes]:
    """A distinct new incident on sonar-billing: its PagerDuty id, title and webhook body."""
    payload: dict[str, Any] = json.loads((FIXTURES / "incident.triggered.json").read_text())
    event = payload["event"]
    pagerduty_id, title = f"PSTALL{number:03d}", f"Stalled delivery {number:03d}"
    event["id"] = f"01STALL{number:019d}"
    event["data"].update(
        id=pagerduty_id, title=title, html_url=f"https://example.pagerduty.com/incidents/{pagerduty_id}"
    )
    event["data"]["service"]["id"] = "PSONAR1"
    return pagerduty_id, title, json.dumps(payload).encode()


def deliver(stack: RunningStack, body: bytes) -> tuple[int, str, float]:
    started = time.monotonic()
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    return status, text, time.monotonic() - started


def cards(outbox: Path) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []
    return [
        e for e in entries if e["method"] == "chat.postMessage" and e["channel"] == CHANNEL and "thread_ts" not in e
    ]


def table_items(stack: RunningStack) -> list[dict[str, Any]]:
    (table,) = load_template(ROOT / "template.yaml").tables()  # the stack names tables by logical id
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(page["Items"])
    return items


def test_a_stalled_table_answers_5xx_in_time_and_the_resends_complete_each_incident_once(stack: RunningStack) -> None:
    pid = dynamodb_pid(stack)
    _, warm_title, warm_body = new_incident(0)  # warm: connections made, modules loaded, as a warm Lambda
    assert deliver(stack, warm_body)[0] == 202
    incidents = [new_incident(number) for number in range(1, STALLED + 1)]

    os.kill(pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(STALLED) as pool:
            stalled = list(pool.map(lambda incident: deliver(stack, incident[2]), incidents))
    finally:
        os.kill(pid, signal.SIGCONT)
    timings = ", ".join(
        f"{status} {json.loads(text)['message']!r} in {seconds:.2f} s" for status, text, seconds in stalled
    )
    print(f"\nwhile DynamoDB Local was stopped: {timings}")
    for status, text, seconds in stalled:
        assert status >= 500, f"{status} {text}"  # retried by PagerDuty, never dropped
        assert seconds < 5.0, timings  # the webhook function's Timeout: answered by the handler itself
        # The handler's own 500 (storage failed), not the stack's answer to a function killed at its Timeout.
        assert json.loads(text)["message"].endswith("; retry"), text

    time.sleep(1.0)  # what the abandoned attempts had sent lands now, as a killed Lambda's writes may
    stalled_pks = {f"INCIDENT#{ID_PREFIX}{pagerduty_id}" for pagerduty_id, _, _ in incidents}
    landed = Counter(item["kind"]["S"] for item in table_items(stack) if item["pk"]["S"] in stalled_pks)
    print(f"written by the failed attempts once the table woke up: {dict(landed) or 'nothing'}")

    # PagerDuty resends the same bytes until it gets a 2xx; here every second, concurrently.
    pending = {pagerduty_id: body for pagerduty_id, _, body in incidents}
    answers: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + RESEND_FOR_S

    def resend(pagerduty_id: str) -> None:
        status, _, _ = deliver(stack, pending[pagerduty_id])
        with lock:
            answers[status] += 1
            if 200 <= status < 300:
                del pending[pagerduty_id]

    rounds = 0
    while pending and time.monotonic() < deadline:
        rounds += 1
        with ThreadPoolExecutor(STALLED) as pool:
            list(pool.map(resend, list(pending)))
        if pending:
            time.sleep(1.0)
    print(f"resends after SIGCONT: {dict(answers)}")
    assert not pending, f"never completed: {sorted(pending)}; answers {dict(answers)}"
    # Each resend is the redelivery of the event whose delivery holds the card's lease; the stalled attempt's
    # creation landed late but it never wrote its event to the timeline (so never posted), and the resend does:
    # it takes the lease back at once and shows the card. The first retry after the stall completes each one.
    print(f"resend rounds: {rounds}")
    assert rounds == 1 and answers == {202: STALLED}, (rounds, dict(answers))
    for _, _, body in incidents:  # and one more redelivery of each changes nothing
        assert deliver(stack, body)[0] == 202

    posted = Counter(title for card in cards(stack.outbox) for _, title, _ in [*incidents, (0, warm_title, 0)]
                     if title in card["text"])  # fmt: skip
    assert {title: posted[title] for _, title, _ in incidents} == {title: 1 for _, title, _ in incidents}
    assert posted[warm_title] == 1
    items = table_items(stack)
    timeline = Counter(item["incident_id"]["S"] for item in items if item["kind"]["S"] == "event")
    created = Counter(item["incident_id"]["S"] for item in items if item["kind"]["S"] == "incident")
    for pagerduty_id, _, _ in incidents:
        assert timeline[f"{ID_PREFIX}{pagerduty_id}"] == 1, timeline
        assert created[f"{ID_PREFIX}{pagerduty_id}"] == 1
    shown = {item["incident_id"]["S"] for item in items if item["kind"]["S"] == "incident" and "slack_ts" in item}
    assert {f"{ID_PREFIX}{pagerduty_id}" for pagerduty_id, _, _ in incidents} <= shown
