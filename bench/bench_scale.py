"""1,000 contracts: what an idle tick, the month start, a tick with 1,000 reminders due, App Home and `/sla status
all` cost, against DynamoDB Local and a Slack stub that rate-limits like Slack.

Contracts are generated from config/contracts.toml's (round-robin over its policies, each with its own id and one
of CHANNELS channels, so several contracts share a channel). The table gets, per contract, OPEN_PER open incidents
(cloned from one recorded through `incident_service.record_event` per policy, nothing due until next year),
RESOLVED_PER resolved ones in the reported month, and downtime in the reported and the current month
(batch writes from 4 processes). The Slack stub answers at the HTTP boundary and refuses with 429 + Retry-After
beyond 1 message/s per channel and 300/min per workspace, as Slack's chat.postMessage limits do; its clock is the
tick's scheduled time plus the real time spent in the tick, so the idle minutes between ticks are skipped. Each
tick runs with a 50 s time budget (the reminder function's Timeout) and the sweep's own posting rates
(settings: SLACK_CHANNEL_POST_INTERVAL_SECONDS, SLACK_POSTS_PER_MINUTE).
DynamoDB requests are counted at PynamoDB's connection (every API call, retries included).

Printed: the idle tick's requests and time; the month start (every contract's report due at the same tick,
1 Dec 2026 12:00Z, the 1st in every contract's zone; the 1,000-due tick's incidents and posts are removed first, so
it is measured on its own) tick by tick until every report is posted: ticks, minutes,
the slowest tick against the reminder function's 50 s Timeout; one tick with 1,000 reminders due; App Home
(views.publish) and `/sla status all` latency.
Targets (issue 19): idle tick ≤ ~20 requests and well under 0.5 s; month start within 5 ticks, none over 45 s;
App Home and status all under 2 s.
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_scale.py [--contracts 1000] [--open-per 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("CONTRACTS_FILE", str(ROOT / "config" / "contracts.toml"))
os.environ.setdefault("SLAOPS_POLICY_DIRS", str(ROOT / "config" / "policies"))
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
# DynamoDB Local on a busy 2-core machine answers batch writes slower than the functions' 1 s read timeout allows.
os.environ.setdefault("DYNAMODB_READ_TIMEOUT_SECONDS", "10")
os.environ.setdefault("DYNAMODB_CONNECT_TIMEOUT_SECONDS", "2")

from pynamodb.connection.base import Connection  # noqa: E402

from local_stack.dynamodb import DynamoDBLocal, create_tables, free_port  # noqa: E402
from local_stack.template import load_template  # noqa: E402
from sla_core.app.incident_service import record_event  # noqa: E402
from sla_core.app.reports import jobs_due  # noqa: E402
from sla_core.app.sweep import Sweep, SweepResult  # noqa: E402
from sla_core.app.terms_version import terms_version  # noqa: E402
from sla_core.config.clock import FixedClock  # noqa: E402
from sla_core.config.contract import Contract, ContractsConfig  # noqa: E402
from sla_core.config.contracts import load_contracts  # noqa: E402
from sla_core.config.time_budget import TimeBudget  # noqa: E402
from sla_core.incidents.records import Incident  # noqa: E402
from sla_core.incidents.state import IncidentEvent  # noqa: E402
from sla_core.slack.client import SlackPoster  # noqa: E402
from sla_core.slack.delivery import SlackDelivery  # noqa: E402
from sla_core.slack.flow_base import Invocation, SlackApi  # noqa: E402
from sla_core.slack.incidents.flows import IncidentFlows  # noqa: E402
from sla_core.slack.render.reports import SlackMessages  # noqa: E402
from sla_core.storage import models, post_queue, repository  # noqa: E402
from sla_core.storage.models import DowntimeItem, IncidentItem  # noqa: E402

CHANNELS = 200  # 1,000 contracts: 5 to a channel
PER_CHANNEL_S = 1.0  # chat.postMessage: about 1 message per second per channel
WORKSPACE_PER_MIN = 300
TIMEOUT_S = 50.0  # template.yaml: ReminderFunction Timeout
IDLE = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday mid-month, nothing due
MONTH_START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the 1st from UTC-8 to UTC+10
DUE_AT = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
NEVER_DUE = datetime(2027, 6, 1, tzinfo=UTC)
MAX_TICKS = 15


# -- counting DynamoDB requests --------------------------------------------------------------------


class Requests:
    """Every DynamoDB API call PynamoDB makes, counted by operation."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._original = Connection._make_api_call
        counts = self.counts
        original = self._original

        def counted(connection: Connection, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
            counts[operation] = counts.get(operation, 0) + 1
            return original(connection, operation, kwargs)

        Connection._make_api_call = counted  # type: ignore[method-assign, assignment]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reset(self) -> None:
        self.counts.clear()


# -- the rate-limited Slack stub --------------------------------------------------------------------


@dataclass
class RateLimitedSlack:
    """chat.postMessage within 1/s per channel and 300/min per workspace (else 429 + Retry-After), on a clock
    the bench moves from tick to tick; conversations.* find nothing lost; views.publish and the rest answer ok."""

    offset: float = 0.0
    posted: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    last_in_channel: dict[str, float] = field(default_factory=dict)
    window: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def now(self) -> float:
        return self.offset + time.monotonic()

    def jump_to(self, instant: datetime) -> None:
        """The stub's clock reads `instant` now: the idle time before a tick passes at once."""
        self.offset = instant.timestamp() - time.monotonic()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def post(self, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        channel = str(args.get("channel"))
        with self.lock:
            now = self.now()
            while self.window and now - self.window[0] >= 60:
                self.window.popleft()
            wait = 0.0
            if len(self.window) >= WORKSPACE_PER_MIN:
                wait = 60 - (now - self.window[0])
            last = self.last_in_channel.get(channel)
            if last is not None and now - last < PER_CHANNEL_S:
                wait = max(wait, PER_CHANNEL_S - (now - last))
            if wait > 0:
                self.refused += 1
                return 429, {"Retry-After": str(math.ceil(wait))}, {"ok": False, "error": "ratelimited"}
            self.window.append(now)
            self.last_in_channel[channel] = now
            ts = f"{now:.6f}"
            self.posted.append({**args, "ts": ts})
            return 200, {}, {"ok": True, "channel": channel, "ts": ts}

    def answer(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        if method == "chat.postMessage":
            return self.post(args)
        if method in ("conversations.history", "conversations.replies"):
            return 200, {}, {"ok": True, "messages": [], "has_more": False}
        return 200, {}, {"ok": True}


def post_id(message: dict[str, Any]) -> str:
    """The slaops post id in a posted message's metadata ("" without one)."""
    metadata = message.get("metadata") or {}
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    return str((metadata.get("event_payload") or {}).get("post_id") or "")


@contextmanager
def slack_stub() -> Iterator[RateLimitedSlack]:
    stub = RateLimitedSlack()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(body or "{}")
            else:
                args = dict(parse_qsl(body))
            status, headers, answer = stub.answer(self.path.rsplit("/", 1)[-1], args)
            raw = json.dumps(answer).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    stub.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()


# -- the generated deployment and its table ---------------------------------------------------------


def generate(count: int) -> ContractsConfig:
    """`count` contracts cloned round-robin from config/contracts.toml's, each with its own id, service and one
    of CHANNELS channels."""
    base = load_contracts()
    templates = sorted(base.contracts.values(), key=lambda c: c.id)
    contracts: dict[str, Contract] = {}
    for number in range(count):
        template = templates[number % len(templates)]
        contract_id = f"{template.id}-{number:04d}"
        mapping = replace(template.pagerduty, service_ids=(f"PBENCH{number:04d}",))
        contracts[contract_id] = replace(
            template, id=contract_id, slack_channel=f"C{number % CHANNELS:010d}", pagerduty=mapping
        )
    return ContractsConfig(base.default_channel, contracts)


def template_incidents(config: ContractsConfig, opened: datetime, prefix: str) -> dict[str, Incident]:
    """One incident recorded per policy (on the first generated contract of it), opened at `opened`."""
    found: dict[str, Incident] = {}
    for contract in config.contracts.values():
        if contract.policy in found:
            continue
        severity = next(iter(contract.pagerduty.priorities.values()), None) if contract.pagerduty else None
        event = IncidentEvent(f"{prefix}-t", "triggered", opened, severity=severity or "P1")
        incident_id = f"{prefix}-{contract.id}"
        record_event(incident_id=incident_id, event=event, contract=contract, source="pagerduty",
                     recorded_at=opened, title=f"{prefix} template")  # fmt: skip
        item = repository.get_incident(incident_id)
        assert item is not None
        found[contract.policy] = item
    return found


def clone(item: Incident, incident_id: str, contract: Contract, next_due: datetime | None) -> IncidentItem:
    """The item of a copy of `item` under another id and contract, due at `next_due` (for a batch write)."""
    return repository.item_of(
        dataclasses.replace(
            item, incident_id=incident_id, contract_id=contract.id, terms_version=terms_version(contract),
            next_due_at=next_due,
        )
    )  # fmt: skip


@dataclass(frozen=True)
class Seed:
    table: str
    host: str
    contract_ids: tuple[str, ...]
    open_per: int
    resolved_per: int
    templates: dict[str, Incident]  # policy -> an open incident
    policies: dict[str, str]  # contract id -> policy
    components: dict[str, tuple[str, ...]]
    versions: dict[str, str]  # contract id -> its terms version: the clones were computed under their terms


def seed_chunk(seed: Seed, start: int, stop: int) -> int:
    """Batch-write the open and resolved incidents and the downtime of contracts[start:stop]."""
    models.configure(table_name=seed.table, host=seed.host, region="us-east-1")
    written = 0
    november = datetime(2026, 11, 1, tzinfo=UTC)
    with IncidentItem.batch_write() as incidents, DowntimeItem.batch_write() as downtime:
        for contract_id in seed.contract_ids[start:stop]:
            template = seed.templates[seed.policies[contract_id]]
            for number in range(seed.open_per):
                item = dataclasses.replace(
                    template, incident_id=f"open-{contract_id}-{number:02d}", contract_id=contract_id,
                    terms_version=seed.versions[contract_id], next_due_at=NEVER_DUE + timedelta(minutes=number),
                )  # fmt: skip
                incidents.save(repository.item_of(item))
                written += 1
            for number in range(seed.resolved_per):
                at = november + timedelta(hours=6 * number + 1)
                item = repository.new_incident(
                    incident_id=f"old-{contract_id}-{number:03d}", contract_id=contract_id,
                    component=seed.components[contract_id][0], severity=template.severity, source="pagerduty",
                    title="resolved", opened_at=at, status="resolved",
                )  # fmt: skip
                incidents.save(repository.item_of(dataclasses.replace(item, resolved_at=at + timedelta(hours=1))))
                written += 1
            for component in seed.components[contract_id]:
                for day in (3, 17, 25, 29):  # four 20-minute outages in November
                    start_at = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
                    interval = DowntimeItem(
                        repository.downtime_pk(contract_id, component), f"{models.instant_key(start_at)}#d{day}",
                        downtime_id=f"d{day}", contract_id=contract_id, component=component, started_at=start_at,
                        ended_at=start_at + timedelta(minutes=20), recorded_by="U0BENCH", source="slack",
                    )  # fmt: skip
                    downtime.save(interval)
                    written += 1
    return written


def close(item: Incident) -> Incident:
    """Resolve a template incident: out of the open and due indexes."""
    return dataclasses.replace(item, status="resolved", next_due_at=None)


def seed_table(config: ContractsConfig, table: str, host: str, open_per: int, resolved_per: int) -> float:
    started = time.perf_counter()
    templates = template_incidents(config, IDLE - timedelta(days=2), "tpl")
    ids = tuple(config.contracts)
    seed = Seed(
        table, host, ids, open_per, resolved_per,
        templates,
        {c.id: c.policy for c in config.contracts.values()},
        {c.id: c.components for c in config.contracts.values()},
        {c.id: terms_version(c) for c in config.contracts.values()},
    )  # fmt: skip
    step = -(-len(ids) // 16)
    with ProcessPoolExecutor(4) as pool:
        list(pool.map(seed_chunk, [seed] * 16, range(0, len(ids), step), range(step, len(ids) + step, step)))
    for item in templates.values():  # the templates themselves are not part of the deployment's load
        repository.update_incident(item.incident_id, close)
    return time.perf_counter() - started


# -- the measurements -------------------------------------------------------------------------------


def sweep(config: ContractsConfig, stub: RateLimitedSlack, now: datetime) -> Sweep:
    poster = SlackDelivery(SlackPoster.for_token("xoxb-bench", base_url=stub.url))
    budget = TimeBudget.lasting(TIMEOUT_S)  # as Lambda's remaining time: the sweep stops taking work 5 s before
    return Sweep(config, poster, SlackMessages(), FixedClock(now), budget=budget)


def timed(run: Callable[[], SweepResult]) -> tuple[SweepResult, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def idle_tick(config: ContractsConfig, stub: RateLimitedSlack, requests: Requests) -> tuple[int, float, dict[str, int]]:
    stub.jump_to(IDLE)
    sweep(config, stub, IDLE - timedelta(minutes=1)).run()  # the deployment's first look: records the terms
    rows = []
    for minute in range(5):
        requests.reset()
        now = IDLE + timedelta(minutes=minute)
        stub.jump_to(now)
        _, seconds = timed(sweep(config, stub, now).run)
        rows.append((requests.total, seconds, dict(requests.counts)))
    total, _, counts = rows[-1]
    return total, statistics.median(r[1] for r in rows), counts


def month_start(
    config: ContractsConfig, stub: RateLimitedSlack, requests: Requests
) -> list[tuple[int, float, int, int]]:
    """Ticks a minute apart from MONTH_START until every contract's report is posted: per tick (requests, s,
    reports posted so far, posts pending)."""
    want = sum(bool(jobs_due(c, MONTH_START)) for c in config.contracts.values())  # github's: at quarter end
    rows = []
    for minute in range(MAX_TICKS):
        now = MONTH_START + timedelta(minutes=minute)
        stub.jump_to(now)
        requests.reset()
        result, seconds = timed(sweep(config, stub, now).run)
        reported = len({p for p in map(post_id, stub.posted) if p.startswith("report#")})
        pending = len(post_queue.due_posts(now + timedelta(minutes=1)).posts)
        rows.append((requests.total, seconds, reported, pending))
        print(f"  month start tick {minute + 1}: {seconds:5.1f} s, {requests.total:>6} requests, "
              f"{result.posted:>4} posted, {stub.refused:>5} refused (429) so far, reports posted {reported}/"
              f"{want}, {pending} pending", flush=True)  # fmt: skip
        if reported == want:
            break
    return rows


def due_tick(config: ContractsConfig, stub: RateLimitedSlack, requests: Requests) -> tuple[SweepResult, float, int]:
    """1,000 open incidents (one per contract) whose next reminder falls due at DUE_AT; one tick."""
    contracts = list(config.contracts.values())[:1000]
    opened = DUE_AT - timedelta(hours=3)
    templates = template_incidents(config, opened, "due")
    with IncidentItem.batch_write() as batch:
        for contract in contracts:
            item = clone(templates[contract.policy], f"due-{contract.id}", contract, DUE_AT)
            batch.save(item)
    stub.jump_to(DUE_AT)
    requests.reset()
    result, seconds = timed(sweep(config, stub, DUE_AT).run)
    return result, seconds, requests.total


def surfaces(
    config: ContractsConfig, stub: RateLimitedSlack, requests: Requests, runs: int
) -> dict[str, tuple[float, int]]:
    """App Home (views.publish) and `/sla status all`: median seconds and the requests of one run."""
    flows = IncidentFlows(config, SlackApi(SlackPoster.for_token("xoxb-bench", base_url=stub.url)))
    now = IDLE + timedelta(minutes=30)
    found: dict[str, tuple[float, int]] = {}
    jobs: dict[str, Callable[[], object]] = {
        "App Home": lambda: flows.publish_home("U0BENCH0001", now),
        "/sla status all": lambda: flows.status(("all",), Invocation("U0BENCH0001", "C0000000000", "t", now)),
    }
    for name, job in jobs.items():
        times = []
        for _ in range(runs):
            requests.reset()
            started = time.perf_counter()
            job()
            times.append(time.perf_counter() - started)
        found[name] = (statistics.median(times), requests.total)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--open-per", type=int, default=10, help="open incidents per contract")
    parser.add_argument("--resolved-per", type=int, default=20, help="resolved incidents per contract")
    parser.add_argument("--runs", type=int, default=3, help="runs of App Home and status all")
    args = parser.parse_args()
    config = generate(args.contracts)
    template = load_template(ROOT / "template.yaml")
    requests = Requests()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work, slack_stub() as stub:
        server = DynamoDBLocal(ROOT, free_port(), workdir=Path(work))
        server.start()
        try:
            name = f"bench-{uuid.uuid4().hex[:8]}"
            create_tables(server.client(), template.tables(), {"SlaOpsTable": name})
            models.configure(table_name=name, host=server.endpoint, region="us-east-1")
            seconds = seed_table(config, name, server.endpoint, args.open_per, args.resolved_per)
            channels = min(CHANNELS, args.contracts)
            print(f"{args.contracts:,} contracts over {channels} channels; seeded {args.contracts * args.open_per:,} "
                  f"open and {args.contracts * args.resolved_per:,} resolved incidents and their downtime in "
                  f"{seconds:.0f} s (load average before: {load[0]:.1f})", flush=True)  # fmt: skip
            idle_requests, idle_s, idle_counts = idle_tick(config, stub, requests)
            print(f"idle tick: {idle_requests} DynamoDB requests {idle_counts}, {idle_s * 1000:.0f} ms (median of 5)",
                  flush=True)  # fmt: skip
            found = surfaces(config, stub, requests, args.runs)
            for label, (median, count) in found.items():
                print(f"{label}: {median:.2f} s (median of {args.runs}), {count} DynamoDB requests", flush=True)
            due, due_s, due_requests = due_tick(config, stub, requests)
            print(f"1,000-due tick: {due_s:.1f} s, {due_requests} DynamoDB requests, {due.due} due, {due.claimed} "
                  f"claimed, {due.posted} posted, {due.deferred} deferred", flush=True)  # fmt: skip
            for post in post_queue.due_posts(DUE_AT + timedelta(days=1)).posts:  # the due tick's leftovers: gone
                post_queue.confirm(post, ts="0.0", now=DUE_AT)
            with IncidentItem.batch_write() as batch:  # and its incidents: the month start is measured on its own
                for contract in list(config.contracts.values())[:1000]:
                    batch.delete(IncidentItem(repository.incident_pk(f"due-{contract.id}"), repository.INCIDENT_SK))
            stub.posted.clear()
            rows = month_start(config, stub, requests)
        finally:
            server.stop()
    done = rows[-1][2] == sum(bool(jobs_due(c, MONTH_START)) for c in config.contracts.values())
    slowest = max(seconds for _, seconds, _, _ in rows)
    print(f"month start: every report posted: {done}, in {len(rows)} ticks ({len(rows)} min of schedule); "
          f"slowest tick {slowest:.1f} s against the {TIMEOUT_S:.0f} s Timeout; load average after: "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
