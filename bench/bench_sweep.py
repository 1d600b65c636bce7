"""Items read by one reminder sweep: proportional to what is due, independent of history.

Two tables in DynamoDB Local get the same 50 open Resonate P1 incidents (recorded through
`incident_service.record_event`); one of them also holds 100,000 resolved incidents and 20,000 confirmed
reminder posts (batch writes from 4 processes). The same ticks then run against each table, and each row prints what was
due, what was posted and how many items the sweep read (items returned by its due-index queries plus the
incident it re-reads to record the stages). Target: a few items per due stage, equal on both tables.
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_sweep.py [--history N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("CONTRACTS_FILE", str(ROOT / "config" / "contracts.toml"))
os.environ.setdefault("SLAOPS_POLICY_DIRS", str(ROOT / "config" / "policies"))

from local_stack.dynamodb import DynamoDBLocal, create_tables, free_port  # noqa: E402
from local_stack.template import load_template  # noqa: E402
from sla_core.app.incident_service import record_event  # noqa: E402
from sla_core.app.sweep import Sweep  # noqa: E402
from sla_core.config.clock import FixedClock  # noqa: E402
from sla_core.config.contracts import load_contracts  # noqa: E402
from sla_core.incidents.state import IncidentEvent  # noqa: E402
from sla_core.slack.client import Outbox, SlackPoster  # noqa: E402
from sla_core.slack.delivery import SlackDelivery  # noqa: E402
from sla_core.slack.render.reports import SlackMessages  # noqa: E402
from sla_core.storage import models, post_queue, repository  # noqa: E402
from sla_core.storage.models import IncidentItem, PostItem  # noqa: E402

OPEN = 50
POST_EVERY = 5  # one confirmed reminder post per 5 resolved incidents: history in the post shards too
T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # Tue 11:00 EDT, Resonate Primary Hours
CONFIG = load_contracts()
CONTRACT = CONFIG.contracts["resonate-ems"]
# Open incidents: i opened at T0 - 20 min + i min, so their heads-ups (15 min after opening) fall due
# from T0 - 5 min onward, one a minute.
TICKS = [T0, T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=20), T0 + timedelta(minutes=60)]


def _seed_range(numbers: range) -> None:
    opened = datetime(2025, 1, 1, tzinfo=UTC)
    with IncidentItem.batch_write() as incidents, PostItem.batch_write() as posts:
        for number in numbers:
            incident_id = f"old-{number:06d}"
            at = opened + timedelta(minutes=5 * number)
            item = repository.new_incident(
                incident_id=incident_id, contract_id=CONTRACT.id, component="platform", severity="P3",
                source="pagerduty", title="old", opened_at=at, status="resolved",
            )  # fmt: skip
            incidents.save(repository.item_of(replace(item, resolved_at=at + timedelta(hours=1))))
            if number % POST_EVERY:
                continue
            post_id = f"stage#{incident_id}#heads_up"
            post = PostItem(post_queue.post_pk(post_id), post_queue.POST_SK, post_id=post_id, purpose="reminder")
            post.state, post.channel, post.thread_key = post_queue.POSTED, CONTRACT.slack_channel, "C/-"
            post.text, post.created_at, post.send_at, post.posted_ts, post.posted_at = "old", at, at, "1.0", at
            posts.save(post)


def seed_history(count: int, table: str, host: str, workers: int = 4) -> float:
    """`count` resolved incidents and count/5 confirmed posts, batch writes in `workers` processes; seconds taken."""
    started = time.perf_counter()
    step = -(-count // (workers * 4))
    chunks = [range(i, min(i + step, count)) for i in range(0, count, step)]
    with ProcessPoolExecutor(workers, initializer=_point_at, initargs=(table, host)) as pool:
        list(pool.map(_seed_range, chunks))
    return time.perf_counter() - started


def _point_at(table: str, host: str) -> None:
    models.configure(table_name=table, host=host, region="us-east-1")


def seed_open() -> None:
    for number in range(OPEN):
        opened = T0 - timedelta(minutes=20) + timedelta(minutes=number)
        record_event(
            incident_id=f"open-{number:02d}", event=IncidentEvent(f"t{number}", "triggered", opened, severity="P1"),
            contract=CONTRACT, source="pagerduty", recorded_at=opened, title=f"open {number}",
        )  # fmt: skip


def run_ticks(outbox: Path) -> list[tuple[str, int, int, int]]:
    poster = SlackPoster(outbox=Outbox(outbox, echo=None))
    rows = []
    for tick in TICKS:
        result = Sweep(CONFIG, SlackDelivery(poster), SlackMessages(), FixedClock(tick), with_reports=False).run()
        rows.append((tick.strftime("%H:%M"), result.due, result.posted, result.items_read))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=int, default=100_000, help="resolved incidents (and confirmed posts)")
    args = parser.parse_args()
    template = load_template(ROOT / "template.yaml")
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as work:
        server = DynamoDBLocal(ROOT, free_port(), workdir=Path(work))
        server.start()
        try:
            client = server.client()
            results = {}
            for label, history in (("empty history", 0), (f"{args.history:,} resolved", args.history)):
                name = f"bench-{uuid.uuid4().hex[:8]}"
                create_tables(client, template.tables(), {"SlaOpsTable": name})
                models.configure(table_name=name, host=server.endpoint, region="us-east-1")
                seconds = seed_history(history, name, server.endpoint) if history else 0.0
                if history:
                    posts = -(-history // POST_EVERY)
                    print(f"seeded {history:,} resolved incidents + {posts:,} confirmed posts in {seconds:.1f} s")
                seed_open()
                results[label] = run_ticks(Path(work) / f"{name}.jsonl")
        finally:
            server.stop()
    print(f"{'tick (UTC)':>10} | {'table':>18} | {'due incidents':>13} | {'posted':>6} | {'items read':>10}")
    for label, rows in results.items():
        for tick, due, posted, read in rows:
            print(f"{tick:>10} | {label:>18} | {due:>13} | {posted:>6} | {read:>10}")
    (empty, full) = results.values()
    same = [row[3] for row in empty] == [row[3] for row in full]
    per_post = max(read / posted for _, _, posted, read in full if posted)
    print(f"items read identical with and without history: {same}; at most {per_post:.1f} items read per post sent")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
