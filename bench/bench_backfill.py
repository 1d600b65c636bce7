"""`backfill pagerduty`: incidents per second and requests per incident, first run and an already-recorded re-run.

Starts DynamoDB Local (in memory, tables from template.yaml) and the HTTPS PagerDuty REST stub of the tests
(tests/support/pagerduty_rest.py) with INCIDENTS incidents of one month on sonar-billing's service: even ones P1
outages (trigger, acknowledge, note, resolve: downtime recorded), odd ones P3 tickets (trigger, acknowledge,
resolve). Slack posts go to a throwaway outbox. DynamoDB requests are counted at PynamoDB's boundary to botocore.
Targets: the first run at least 10 incidents/s on DynamoDB Local (a year of a busy service, 2,000 incidents, in
under four minutes); the re-run records nothing, with one DynamoDB request per incident.
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_backfill.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="slaops-bench-backfill-"))
INCIDENTS = 300
os.environ.update(
    {
        "SLAOPS_LOCAL": "1",
        "SLACK_OUTBOX": str(WORK / "outbox.jsonl"),
        "CONTRACTS_FILE": str(ROOT / "config" / "contracts.toml"),
        "SLAOPS_POLICY_DIRS": str(ROOT / "config" / "policies"),
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
)
os.environ.pop("SLACK_BOT_TOKEN", None)
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "sla_core")]

from pynamodb.connection.base import Connection  # noqa: E402

from local_stack.dynamodb import DynamoDBLocal, create_tables, free_port  # noqa: E402
from local_stack.template import load_template  # noqa: E402
from sla_core import backfill_cli  # noqa: E402
from sla_core.config.contracts import load_contracts  # noqa: E402
from sla_core.pagerduty.rest_history import rest_client  # noqa: E402
from tests.support.pagerduty_rest import TOKEN, Entry, Incident, Stub, cert_file, pagerduty_rest  # noqa: E402

CALLS: list[str] = []
_original_call = Connection._make_api_call


def _counted(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> dict[str, Any]:
    CALLS.append(operation_name)
    return _original_call(self, operation_name, operation_kwargs)


def history() -> list[Incident]:
    """INCIDENTS incidents spread over October 2026, resolved 30 min (outages) or 2 h (tickets) after opening."""
    found = []
    start = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    for number in range(INCIDENTS):
        opened = start + timedelta(minutes=number * 140)
        outage = number % 2 == 0

        def at(minutes: int, opened: datetime = opened) -> str:
            return (opened + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

        ident = f"PBENCH{number:04d}"
        entries = [Entry(f"R{ident}T", "trigger", at(0)), Entry(f"R{ident}A", "acknowledge", at(5))]
        if outage:
            entries.append(Entry(f"R{ident}N", "annotate", at(10), note="Investigating"))
        entries.append(Entry(f"R{ident}R", "resolve", at(30 if outage else 120)))
        found.append(Incident(ident, "PSONAR1", at(0), f"Bench {number}", "P1" if outage else "P3", entries))
    return found


def timed(contracts: Any, selected: list[Any], client: Any) -> tuple[dict[str, Any], float, int]:
    CALLS.clear()
    started = time.perf_counter()
    result = backfill_cli.run(
        contracts, selected, since=date(2026, 10, 1), until=date(2026, 11, 1), dry_run=False, client=client
    )
    return result, time.perf_counter() - started, len(CALLS)


def main() -> int:
    os.environ["SSL_CERT_FILE"] = cert_file()
    server = DynamoDBLocal(ROOT, free_port(), workdir=WORK / "dynamodb")
    server.start()
    try:
        create_tables(server.client(), load_template(ROOT / "template.yaml").tables(), {"SlaOpsTable": "slaops-bench"})
        os.environ.update(TABLE_NAME="slaops-bench", DYNAMODB_ENDPOINT=server.endpoint)
        backfill_cli.configure_storage()
        contracts = load_contracts()
        selected = [contracts.contracts["sonar-billing"]]
        Connection._make_api_call = _counted  # type: ignore[method-assign]
        with pagerduty_rest(Stub(history())) as stub:
            client = rest_client(TOKEN, stub.url)
            first, first_s, first_calls = timed(contracts, selected, client)
            pagerduty_first = len(stub.requests)
            again, again_s, again_calls = timed(contracts, selected, client)
    finally:
        server.stop()
    load = os.getloadavg()[0]
    print(f"backfill pagerduty, DynamoDB Local + HTTPS REST stub, {INCIDENTS} incidents (load average {load:.1f})")
    print(f"first run: {first['recorded']} recorded in {first_s:.1f} s = {INCIDENTS / first_s:.0f} incidents/s, "
          f"{first_calls / INCIDENTS:.1f} DynamoDB requests and {pagerduty_first / INCIDENTS:.2f} PagerDuty requests "
          "per incident")  # fmt: skip
    rate = INCIDENTS / again_s
    print(f"re-run: {again['recorded']} recorded, {again['already_recorded']} already, in {again_s:.1f} s = "
          f"{rate:.0f} incidents/s, {again_calls / INCIDENTS:.1f} DynamoDB requests per incident")  # fmt: skip
    print(f"summary: {first['contracts']['sonar-billing']['periods'][0]}")
    ok = INCIDENTS / first_s >= 10 and again["recorded"] == 0 and first["recorded"] == INCIDENTS
    ok = ok and again_calls <= INCIDENTS
    print(f"targets: >= 10 incidents/s, a re-run records nothing with 1 request each: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
