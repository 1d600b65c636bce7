"""App Home and `/sla status all` read only what they show (issue 19, point 7): the same DynamoDB requests at 8 and
at 32 contracts (no query per contract), the open items counted in all and the soonest listed, and the months of
the contracts with downtime shown first. DynamoDB Local; Slack's views.publish answered by the stub.

Each generated contract is a copy of sonar-billing (New York, Sonar's P1 "Production Down": initial response within
1 business hour) with two open incidents: one opened at 09:00 EDT on Tue 10 Mar 2026 plus `n` minutes (contract n),
the other a day earlier. Now is Tue 10 Mar 2026 15:00Z = 11:00 EDT; the soonest clocks are the earliest openings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pynamodb.connection.base import Connection

from sla_core.app.incident_service import record_event
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.client import SlackPoster
from sla_core.slack.flow_base import Invocation, SlackApi
from sla_core.slack.incidents.flows import IncidentFlows
from sla_core.storage import repository
from tests.support.slack_stub import SlackStub, running_stub

pytestmark = pytest.mark.integration
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=NY)
SONAR = load_contracts().contracts["sonar-billing"]


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    yield from running_stub()


class Requests:
    """Every DynamoDB API call PynamoDB makes, counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = Connection._make_api_call

        def counted(connection: Connection, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
            self.count += 1
            return original(connection, operation, kwargs)

        monkeypatch.setattr(Connection, "_make_api_call", counted)


def contracts(count: int) -> ContractsConfig:
    made = {f"billing-{n:03d}": replace(SONAR, id=f"billing-{n:03d}", slack_channel=f"C{n:010d}") for n in range(count)}
    return ContractsConfig(load_contracts().default_channel, made)


def seed(config: ContractsConfig, down: dict[str, int]) -> None:
    for n, contract in enumerate(config.contracts.values()):
        for key, opened in (("a", NOW - timedelta(hours=2) + timedelta(minutes=n)), ("b", NOW - timedelta(days=1))):
            event = IncidentEvent(f"ev-{contract.id}-{key}", "triggered", opened, severity="production-down")
            record_event(incident_id=f"inc-{contract.id}-{key}", event=event, contract=contract,
                         source="pagerduty", recorded_at=opened, title=f"{contract.id} {key}")  # fmt: skip
    for contract_id, minutes in down.items():
        start = NOW - timedelta(hours=3)
        interval = repository.new_downtime(downtime_id=f"d-{contract_id}", contract_id=contract_id,
                                           component="platform", started_at=start, recorded_by="U1",
                                           source="slack", ended_at=start + timedelta(minutes=minutes))  # fmt: skip
        assert repository.record_interval(interval)


def views(config: ContractsConfig, stub: SlackStub, requests: Requests) -> tuple[str, int, dict[str, Any], int]:
    flows = IncidentFlows(config, SlackApi(SlackPoster.for_token("xoxb-test", base_url=stub.api_url)))
    before = requests.count
    status = flows.status(("all",), Invocation("U0ALICE0001", "C0NOCONTRACT", "t", NOW))
    status_requests = requests.count - before
    text = "\n".join(b["text"]["text"] for b in status.blocks or [] if b.get("type") == "section")
    before = requests.count
    flows.publish_home("U0ALICE0001", NOW)
    home_requests = requests.count - before
    view = stub.of("views.publish")[-1].args["view"]
    return text, status_requests, json.loads(view) if isinstance(view, str) else view, home_requests


def test_status_all_and_app_home_cost_the_same_requests_at_8_and_32_contracts(
    table: str, stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = Requests(monkeypatch)
    small = contracts(8)
    seed(small, down={"billing-003": 10})
    _, status_small, _, home_small = views(small, stub, requests)
    large = contracts(32)
    seed(ContractsConfig(large.default_channel, dict(list(large.contracts.items())[8:])), down={"billing-030": 20})
    text, status_large, view, home_large = views(large, stub, requests)
    # The open-due index's 4 shards counted and queried (8), 1 batch read of the listed, the due-index's 4 downtime
    # shards: 13 at any number of contracts, nothing per contract.
    assert status_large == status_small == 13, (status_small, status_large)
    assert home_large == home_small == 13, (home_small, home_large)
    # 64 open; the 40 listed start with the day-old ones (billing-000's first: the file's order among equals).
    assert "*64 open across all contracts*, the 40 due soonest below (24 more not listed)" in text
    assert text.index("billing-000 b") < text.index("billing-031 b")
    assert "billing-031 a" not in text  # opened latest, due last: counted, not listed
    # The months with downtime first, most minutes first: billing-030 (20 min) then billing-003 (10 min).
    budget = text[text.index("*Downtime budget this month*") :]
    assert budget.index("`billing-030`") < budget.index("`billing-003`") < budget.index("`billing-000`")
    assert "12 more contracts not shown (none with downtime this month)" in budget
    blocks = json.dumps(view)
    assert "Open items (64)" in blocks and "billing-030" in blocks


def test_reindex_files_what_an_earlier_release_wrote(table: str, dynamodb_local: Any) -> None:
    """An open incident and an interval written before these indexes (their derived attributes removed straight
    in the table) are not seen by the views until `reindex` files them; a second run files nothing."""
    config = contracts(1)
    seed(config, down={"billing-000": 15})
    client = dynamodb_local.client()
    keys = [(repository.incident_pk(f"inc-billing-000-{key}"), repository.INCIDENT_SK, "open_shard, next_deadline_at")
            for key in ("a", "b")]  # fmt: skip
    (interval,) = repository.downtime_between("billing-000", "platform", NOW - timedelta(days=1), NOW)
    item = repository.downtime_item(interval)
    keys.append((item.pk, item.sk, "due_shard, next_due_at"))
    for pk, sk, names in keys:
        client.update_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, UpdateExpression=f"REMOVE {names}")
    ids = set(config.contracts)
    assert repository.open_soonest(ids, 10, uncounted="unmapped").total == 0
    assert repository.downtime_ending_after(NOW - timedelta(days=1)) == []
    assert repository.reindex() == (2, 1)
    found = repository.open_soonest(ids, 10, uncounted="unmapped")
    assert found.total == 2 and {i.incident_id for i in found.items} == {"inc-billing-000-a", "inc-billing-000-b"}
    assert [i.downtime_id for i in repository.downtime_ending_after(NOW - timedelta(days=1))] == ["d-billing-000"]
    assert repository.reindex() == (0, 0)
