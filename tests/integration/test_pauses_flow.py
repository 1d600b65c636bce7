"""`/sla pause` and `/sla resume` through the Slack flows against DynamoDB Local, on a contract whose policy (a
test's own, in a deployment policy directory) lets "waiting for customer" stop the resolution clock.

Acme high, opened Mon 2 Nov 2026 09:00 EST: resolution 8 business hours (Mon-Fri 09:00-17:00) → due 17:00.
Paused 11:00 → resumed 15:00: 4 open hours stood still → due Tue 3 Nov 13:00 EST.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sla_core.app.store import repository
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import parse_contracts
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.slack import flow_runner
from sla_core.slack.client import Outbox, SlackPoster
from sla_core.slack.flow_base import Invocation
from tests.support.own_policy import write_pausing_policy

pytestmark = pytest.mark.integration

T0 = datetime.fromisoformat("2026-11-02T09:00:00-05:00")
WORKER = "U0ALICE0001"
Flows = Callable[[str, Invocation], str]  # a `/sla` text and who typed it, when: the answer


@pytest.fixture
def flows(tmp_path: Path, table: str) -> Iterator[Flows]:
    write_pausing_policy(tmp_path / "policies")
    add_policy_dirs([tmp_path / "policies"])
    config: ContractsConfig = parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {
        "acme": {"policy": "acme-support", "fee": "100.00", "currency": "USD", "perspective": "customer",
                 "slack_channel": "C0ACME00001", "record_downtime": [WORKER], "resolve": [WORKER]},
        "sonar-billing": {"policy": "sonar-software", "fee": "100.00", "currency": "USD", "perspective": "customer",
                          "slack_channel": "C0SONARBIL1", "record_downtime": [WORKER], "resolve": [WORKER]},
    }})  # fmt: skip
    poster = SlackPoster(outbox=Outbox(tmp_path / "outbox.jsonl", echo=None))
    yield lambda text, inv: flow_runner.command(text, inv, config, poster).text
    reset_policy_dirs()


def run(flows: Flows, text: str, hours: float, user: str = WORKER) -> str:
    inv = Invocation(user, "C0ACME00001", f"trigger-{text}-{hours}", T0 + timedelta(hours=hours))
    return flows(text, inv)


def test_pause_and_resume_move_the_resolution_clock_by_the_open_time_it_stood_still(flows: Flows) -> None:
    opened = run(flows, "open acme high Login fails at 2026-11-02T09:00-05:00", 0.1)
    incident_id = opened.split("*")[1]
    assert "paused" in run(flows, f"pause {incident_id} waiting-for-customer", 2)
    assert "is paused already" in run(flows, f"pause {incident_id} waiting-for-customer", 3)
    item = repository.get_incident(incident_id)
    assert item is not None
    # While paused the resolution clock has no reminder; the first response (10:00) still counts.
    assert item.next_due_at is not None and item.next_due_at <= T0 + timedelta(hours=1)
    run(flows, f"resume {incident_id}", 6)
    assert "is not paused" in run(flows, f"resume {incident_id}", 7)
    item = repository.get_incident(incident_id)
    assert item is not None
    due = {d.name.split("@")[0]: d.due_at for d in item.deadlines}
    assert due["resolution"] == datetime.fromisoformat("2026-11-03T13:00:00-05:00")
    assert due["initial_response"] == T0 + timedelta(hours=1)
    kinds = [(e.event_type, e.details.get("text")) for e in repository.timeline(incident_id)]
    assert ("paused", "waiting-for-customer") in kinds and ("resumed", None) in kinds


def test_a_reason_the_contract_has_not_is_refused_with_the_ones_it_has(flows: Flows) -> None:
    incident_id = run(flows, "open acme high Login fails at 2026-11-02T09:00-05:00", 0.1).split("*")[1]
    assert "has no pause for `waiting-for-parts`; its pauses: `waiting-for-customer`" in run(
        flows, f"pause {incident_id} waiting-for-parts", 1
    )
    sonar = run(flows, "open sonar-billing normal Invoices at 2026-11-02T09:00-05:00", 0.1).split("*")[1]
    assert "has no pause for `waiting-for-customer`; its pauses: none" in run(
        flows, f"pause {sonar} waiting-for-customer", 1
    )
