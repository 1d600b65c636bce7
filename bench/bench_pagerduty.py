"""PagerDuty webhook handler: time per event (warm, local) and DynamoDB requests per event type.

Starts DynamoDB Local (in memory, tables from template.yaml), then calls `functions.pagerduty.app.handler`
with signed API Gateway HTTP API events built from the real fixtures: per incident a `triggered`, a
duplicate of it, `acknowledged`, `annotated` and `resolved`, for INCIDENTS incidents on a mapped contract
(sonar-billing). Slack calls go to a throwaway outbox file. DynamoDB requests are counted at PynamoDB's
boundary to botocore (`Connection._make_api_call`), one per HTTP request to DynamoDB.
Targets: under 50 ms per event and at most 3 DynamoDB requests for a `triggered` event.
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_pagerduty.py
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="slaops-bench-pd-"))
SECRET = "bench-pagerduty-secret"
INCIDENTS = 100
WARMUP = 30
os.environ.update(
    {
        "SLAOPS_LOCAL": "1",
        "SLAOPS_RECORD_FROM": "2026-01-01",  # the events are dated March 2026, whenever the bench runs
        "PAGERDUTY_WEBHOOK_SECRET": SECRET,
        "SLACK_OUTBOX": str(WORK / "outbox.jsonl"),
        "CONTRACTS_FILE": str(ROOT / "config" / "contracts.toml"),
        "SLAOPS_POLICY_DIRS": str(ROOT / "config" / "policies"),
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "slaops",
        "POWERTOOLS_METRICS_NAMESPACE": "slaops",
    }
)
os.environ.pop("SLACK_BOT_TOKEN", None)
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "sla_core")]

from pynamodb.connection.base import Connection  # noqa: E402

from local_stack.dynamodb import DynamoDBLocal, create_tables, free_port  # noqa: E402
from local_stack.lambdas import FakeLambdaContext  # noqa: E402
from local_stack.template import load_template  # noqa: E402
from sla_core.pagerduty.signatures import pagerduty_signature  # noqa: E402
from sla_core.slack.client import Outbox, SlackPoster  # noqa: E402
from sla_core.slack.incident_posting import SlackIncidentChannel  # noqa: E402
from sla_core.storage import models  # noqa: E402
from tests.support.api_gateway import post_event  # noqa: E402

FIXTURES = ROOT / "fixtures" / "pagerduty"
CALLS: list[str] = []
_original_call = Connection._make_api_call


def _counted(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> dict[str, Any]:
    CALLS.append(operation_name)
    return _original_call(self, operation_name, operation_kwargs)


def body(name: str, incident: str, at: str, event_id: str, priority: str) -> bytes:
    """A real fixture moved onto `incident` (service PSONAR1, contract sonar-billing) at `at`, with a priority."""
    payload = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))
    event = payload["event"]
    target = event["data"]["incident"] if "incident" in event["data"] else event["data"]
    target["id"] = incident
    if "service" in target:
        target["service"]["id"] = "PSONAR1"
    if name == "incident.triggered":
        target["priority"] = {"id": f"PRIO{priority}", "type": "priority_reference", "summary": priority}
    event["occurred_at"], event["id"] = at, event_id
    return json.dumps(payload).encode()


def http_event(raw: bytes, webhook_id: str) -> dict[str, Any]:
    headers = {
        "content-type": "application/json",
        "x-pagerduty-signature": pagerduty_signature(raw, SECRET),
        "x-webhook-id": webhook_id,
    }
    return post_event("/pagerduty/webhook", raw, headers, source_ip="192.0.2.1")


def deliveries(number: int) -> list[tuple[str, dict[str, Any]]]:
    """The five deliveries of one incident, labelled; even incidents are P1 outages (their resolve records
    downtime and posts the month so far), odd ones P3 tickets (no downtime)."""
    incident = f"PBENCH{number:05d}"
    outage = number % 2 == 0
    steps = [
        ("triggered", "incident.triggered", "2026-03-09T14:00:00Z"),
        ("triggered (duplicate)", "incident.triggered", "2026-03-09T14:00:00Z"),
        ("acknowledged", "incident.acknowledged", "2026-03-09T14:10:00Z"),
        ("annotated", "incident.annotated", "2026-03-09T14:20:00Z"),
        ("resolved (outage)" if outage else "resolved (ticket)", "incident.resolved", "2026-03-09T14:30:00Z"),
    ]
    found = []
    for label, name, at in steps:
        event_id = f"{incident}-{name}"
        raw = body(name, incident, at, event_id, "P1" if outage else "P3")
        found.append((label, http_event(raw, f"wh-{event_id}")))
    return found


def run(handler: Any) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    """Warm up, then time every delivery and count its DynamoDB requests."""
    context = FakeLambdaContext("slaops-pagerduty", 512, 5)
    for number in range(WARMUP):
        for _, event in deliveries(10_000 + number):
            handler(event, context)
    times: dict[str, list[float]] = defaultdict(list)
    requests: dict[str, list[int]] = defaultdict(list)
    for number in range(INCIDENTS):
        for label, event in deliveries(number):
            CALLS.clear()
            started = time.perf_counter()
            response = handler(event, context)
            times[label].append((time.perf_counter() - started) * 1000)
            requests[label].append(len(CALLS))
            if response["statusCode"] != 202:
                raise RuntimeError(f"unexpected answer {response}")
    return times, requests


def main() -> int:
    server = DynamoDBLocal(ROOT, free_port(), workdir=WORK / "dynamodb")
    server.start()
    try:
        create_tables(server.client(), load_template(ROOT / "template.yaml").tables(), {"SlaOpsTable": "slaops-bench"})
        models.configure(table_name="slaops-bench", host=server.endpoint, region="us-east-1")
        from functions.pagerduty import app  # noqa: PLC0415 - after the environment is set, as a cold start

        outbox = SlackPoster(outbox=Outbox(WORK / "outbox.jsonl", echo=None))
        app.slack_channel = lambda: SlackIncidentChannel(outbox)  # type: ignore[assignment]
        Connection._make_api_call = _counted  # type: ignore[method-assign]
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the metrics' EMF lines
            times, requests = run(app.handler)
    finally:
        server.stop()
    print(f"PagerDuty webhook handler, warm, DynamoDB Local, {INCIDENTS} incidents x 5 deliveries")
    print(f"{'event':24} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'DynamoDB requests':>18}")
    worst_triggered = 0
    for label, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        counts = sorted(set(requests[label]))
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
        print(f"{label:24} {statistics.median(values):10.1f} {p95:8.1f} {max(values):8.1f} {shown:>18}")
        if label == "triggered":
            worst_triggered = counts[-1]
    medians = [statistics.median(values) for values in times.values()]
    ok = max(medians) < 50 and worst_triggered <= 3
    print(f"targets: median under 50 ms per event, <= 3 requests per triggered: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
