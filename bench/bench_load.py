"""PagerDuty webhooks under load, through the local stack: deliveries per second, latency, and whether
every incident got exactly one card.

Starts `python -m local_stack` (DynamoDB Local, the HTTP API with the real handlers, the one-minute
schedule) on free ports with its Slack outbox in a temporary folder and its output in a log file there,
then POSTs INCIDENTS signed `incident.triggered` webhooks for distinct new incidents on sonar-billing
(service PSONAR1) at CONCURRENCY requests at a time. Each is also sent a second time right behind the
first, so the two copies run concurrently (a duplicate delivery, as PagerDuty makes when an answer is
late). An answer of 5xx or 429 is retried, as PagerDuty does, up to RETRIES more times after RETRY_DELAY
seconds. Afterwards the outbox says how many cards were posted in the contract's channel: `lost` counts
incidents without a card, `doubled` incidents with more than one.
Targets: 0 lost, 0 doubled, p95 under 1 s (2 vCPUs).
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_load.py [--incidents 500] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "sla_core")]

from local_stack.dynamodb import free_port  # noqa: E402
from sla_core.pagerduty.signatures import pagerduty_signature  # noqa: E402

SECRET = "bench-load-pagerduty-secret"
CHANNEL = "C0SONARBIL1"  # sonar-billing's channel; its PagerDuty service is PSONAR1
FIXTURE = ROOT / "fixtures" / "pagerduty" / "incident.triggered.json"
READY = "Ctrl-C to stop."
TITLE = re.compile(r"Load incident (\d{6})")


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    retries: int = 0
    gave_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def local_stack(work: Path) -> Iterator[tuple[str, Path]]:
    """The local stack as a subprocess (as `make run` starts it); yields its API URL and outbox."""
    api_port, dynamodb_port = free_port(), free_port()
    outbox, log_path = work / "slack-outbox.jsonl", work / "stack.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "PAGERDUTY_"))}
    env.update(
        {
            "LOCAL_API_PORT": str(api_port),
            "LOCAL_DYNAMODB_PORT": str(dynamodb_port),
            "PAGERDUTY_WEBHOOK_SECRET": SECRET,
            "SLACK_SIGNING_SECRET": "bench-load-slack-secret",
            "SLACK_BOT_TOKEN": "",  # empty, not absent: a .env.local token must not send this to real Slack
            "SLACK_OUTBOX": str(outbox),
            "POWERTOOLS_METRICS_DISABLED": "true",  # no EMF blobs
            "POWERTOOLS_TRACE_DISABLED": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local_stack"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 120
            while READY not in log_path.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("local stack did not start:\n" + log_path.read_text(errors="replace")[-3000:])
                time.sleep(0.2)
            yield f"http://127.0.0.1:{api_port}", outbox
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def webhook(number: int, occurred_at: str) -> bytes:
    """A new incident on sonar-billing, numbered; one PagerDuty event (its id is what makes a copy a copy)."""
    payload: dict[str, Any] = json.loads(FIXTURE.read_text())
    event = payload["event"]
    pagerduty_id = f"PLOAD{number:06d}"
    event["id"], event["occurred_at"] = f"01LOAD{number:020d}", occurred_at
    event["data"].update(
        id=pagerduty_id,
        title=f"Load incident {number:06d}",
        html_url=f"https://example.pagerduty.com/incidents/{pagerduty_id}",
    )
    event["data"]["service"]["id"] = "PSONAR1"
    return json.dumps(payload).encode()


def send(url: str, body: bytes, webhook_id: str) -> int:
    headers = {
        "content-type": "application/json",
        "x-pagerduty-signature": pagerduty_signature(body, SECRET),
        "x-webhook-id": webhook_id,
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def deliver(url: str, body: bytes, webhook_id: str, results: Results, retries: int, delay: float) -> None:
    """One delivery as PagerDuty makes it: resent after a 5xx or 429, up to `retries` times."""
    for attempt in range(retries + 1):
        started = time.perf_counter()
        status = send(url, body, webhook_id)
        elapsed = (time.perf_counter() - started) * 1000
        with results.lock:
            results.latencies_ms.append(elapsed)
            results.statuses[status] += 1
            results.retries += attempt > 0
        if not (status >= 500 or status == 429):
            return
        if attempt < retries:
            time.sleep(delay)
    with results.lock:
        results.gave_up += 1


def cards(outbox: Path) -> Counter[int]:
    """Cards posted per load incident: top-level chat.postMessage calls in the contract's channel."""
    found: Counter[int] = Counter()
    lines = outbox.read_text().splitlines() if outbox.exists() else []
    for line in lines:
        entry = json.loads(line)
        if entry["method"] != "chat.postMessage" or entry.get("channel") != CHANNEL or "thread_ts" in entry:
            continue
        if match := TITLE.search(entry.get("text", "")):
            found[int(match.group(1))] += 1
    return found


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=500, help="distinct new incidents (default 500)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--no-duplicates", action="store_true", help="send each incident once, not twice")
    parser.add_argument("--retries", type=int, default=3, help="resends after a 5xx or 429 (default 3)")
    parser.add_argument("--retry-delay", type=float, default=1.0, help="seconds before a resend (default 1)")
    parser.add_argument("--warmup", type=int, default=16, help="incidents sent first and not counted (default 16)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the stack's log and outbox in")
    args = parser.parse_args()
    copies = 1 if args.no_duplicates else 2
    occurred_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")  # deadlines ahead: no reminders fire
    warm = range(900_000, 900_000 + args.warmup)
    measured = range(1, args.incidents + 1)
    with (
        tempfile.TemporaryDirectory(prefix="slaops-bench-load-") as temporary,
        local_stack(Path(args.keep or temporary)) as (api, outbox),
    ):
        url = f"{api}/pagerduty/webhook"
        jobs = [(n, webhook(n, occurred_at), copy) for n in measured for copy in range(copies)]
        with ThreadPoolExecutor(args.concurrency) as pool:
            warm_results = Results()
            list(pool.map(lambda n: deliver(url, webhook(n, occurred_at), f"warm-{n}", warm_results, 3, 0.5), warm))
            results = Results()
            started = time.perf_counter()
            list(
                pool.map(
                    lambda job: deliver(url, job[1], f"wh-{job[0]}-{job[2]}", results, args.retries, args.retry_delay),
                    jobs,
                )
            )
            wall = time.perf_counter() - started
        time.sleep(1.0)  # let any abandoned (timed out) invocation finish its writes before counting
        posted = cards(outbox)
    counted = [posted[n] for n in measured]
    lost = sum(1 for count in counted if count == 0)
    doubled = sum(1 for count in counted if count > 1)
    ordered = sorted(results.latencies_ms)
    p50, p95 = percentile(ordered, 0.50), percentile(ordered, 0.95)
    requests = len(ordered)
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(results.statuses.items()))
    print(
        f"PagerDuty webhooks through the local stack: {args.incidents} new incidents x {copies} concurrent "
        f"cop{'ies' if copies > 1 else 'y'}, concurrency {args.concurrency}"
    )
    rows = [
        ("deliveries", f"{len(jobs)} ({requests} requests with {results.retries} resends; {statuses})"),
        ("deliveries per second", f"{len(jobs) / wall:.0f} ({requests / wall:.0f} requests/s, {wall:.1f} s)"),
        ("latency p50 / p95 / max", f"{p50:.0f} / {p95:.0f} / {ordered[-1]:.0f} ms"),
        ("cards posted", f"{sum(counted)} for {args.incidents} incidents"),
        ("lost (no card)", str(lost)),
        ("doubled (> 1 card)", str(doubled)),
        ("given up after retries", str(results.gave_up)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    ok = lost == 0 and doubled == 0 and p95 < 1000
    print(f"targets: 0 lost, 0 doubled, p95 under 1 s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
