"""Implausible instants and contradicting times are refused before anything is written (issue 20, point 1).

Each case a hostile or careless user tried: the refusal says what was wrong and what is accepted, and the whole
table (every item, compared before and after) and the month's figures are unchanged. Slack requests go through
the real handler (clock fixed at 2026-03-10T15:00Z, test_slack_app); PagerDuty deliveries through the real
webhook handler, signed as PagerDuty signs them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from local_stack.dynamodb import DynamoDBLocal
from sla_core.app.corrections import period_figures
from sla_core.app.event_bounds import ImplausibleInstant, check_instant
from sla_core.config.contracts import load_contracts
from sla_core.storage import repository
from tests.integration.test_pagerduty_webhook import deliver
from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    DAVE,
    NOW,
    Side,
    fresh,
    open_incident,
    side,
    stub,
)
from tests.support.pagerduty_payloads import replay

pytestmark = pytest.mark.integration
SONAR = load_contracts().contracts["sonar-billing"]

Snapshot = tuple[list[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def snapshot(dynamodb_local: DynamoDBLocal, table: str) -> Callable[[], Snapshot]:
    """Every item of the table (sorted by key) but the request guards (the markers by which a repeated Slack
    request is known, and the `/sla open` rate counters), and March 2026's figures of sonar-billing, as they
    stand now."""

    def take() -> Snapshot:
        client = dynamodb_local.client()
        pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
        guards = ("DELIVERY#slack#", "RATE#")
        found = [item for page in pages for item in page["Items"] if not item["pk"]["S"].startswith(guards)]
        items = sorted(found, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
        return items, period_figures(SONAR, "2026-03", NOW)

    return take


def resolved_incident(slack: Side) -> str:
    """An outage opened 10:30 EDT (14:30Z) and resolved 14:55Z: 25 minutes down in March."""
    incident_id = open_incident(slack)
    assert "resolved" in slack.reply(f"resolve {incident_id} at -5m", user=DAVE)
    return incident_id


def test_a_correction_that_would_end_an_outage_before_it_began_changes_nothing(
    fresh: Side,  # noqa: F811 - the fixture
    snapshot: Callable[[], Snapshot],
) -> None:
    incident_id = resolved_incident(fresh)
    before = snapshot()
    # 25 minutes down of March 2026 in New York (44,580 minutes): 1.35 USD (test_slack_app's arithmetic).
    assert before[1]["platform"]["credit_amount"] == "1.35"
    # Opened after its resolve (14:55Z), at 11:00 EDT = 15:00Z:
    answer = fresh.reply(f"correct {incident_id} opened 11:00", user=DAVE)
    assert "would be resolved (2026-03-10 14:55 UTC) before it opened (2026-03-10 15:00 UTC)" in answer, answer
    assert "Accepted: times in the order things happen" in answer
    # Resolved before its opening (14:30Z), at 10:00 EDT = 14:00Z:
    answer = fresh.reply(f"correct {incident_id} resolved 10:00", user=DAVE)
    assert "would be resolved (2026-03-10 14:00 UTC) before it opened (2026-03-10 14:30 UTC)" in answer, answer
    assert snapshot() == before


# 2026-03-10T15:00Z - 92 days = 2025-12-08T15:00Z; sonar-billing's activation date (2021-03-15) is earlier.
LOOKBACK = "from 2025-12-08 15:00 UTC (the look-back of 92 days) to 2026-03-10 15:05 UTC"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("0001-01-01T00:00", "`0001-01-01T00:00` is more than 10 years ago; give a time within the last 10 years."),
        ("-999999999d", "reaches beyond any date a record can hold. Accepted: `now`"),
        # Ten years and a day: 2016-03-10 to 2026-03-10 is 3,652 days (29 Feb 2020 and 2024), so 2016-03-09.
        ("-3653d", f"The triggered time 2016-03-09 15:00 UTC is outside what the record accepts: {LOOKBACK}"),
        ("-100d", f"The triggered time 2025-11-30 15:00 UTC is outside what the record accepts: {LOOKBACK}"),
    ],
)
def test_an_open_dated_outside_the_record_is_refused(
    fresh: Side,  # noqa: F811 - the fixture
    snapshot: Callable[[], Snapshot],
    monkeypatch: pytest.MonkeyPatch,
    when: str,
    expected: str,
) -> None:
    monkeypatch.delenv("SLAOPS_RECORD_FROM")  # the deployed default: 92 days back
    before = snapshot()
    answer = fresh.reply(f"open sonar-billing normal Invoices fail at {when}")
    assert expected in answer, answer
    assert snapshot() == before
    assert fresh.stub.of("chat.postMessage") == []  # no card, no escalation


def test_a_resolve_before_the_opening_is_refused_not_answered_resolved(
    fresh: Side,  # noqa: F811 - the fixture
    snapshot: Callable[[], Snapshot],
) -> None:
    incident_id = open_incident(fresh, "sonar-billing production-down Invoices fail at -1h")
    before = snapshot()
    answer = fresh.reply(f"resolve {incident_id} at -2h", user=DAVE)
    assert "The resolved time 2026-03-10 13:00 UTC is before the incident opened (2026-03-10 14:00 UTC)" in answer
    assert "resolved *" not in answer
    assert snapshot() == before
    item = repository.get_incident(incident_id)
    assert item is not None and item.status == "triggered"


def test_a_resolve_overridden_by_a_later_acknowledgement_is_refused(
    fresh: Side,  # noqa: F811 - the fixture
    snapshot: Callable[[], Snapshot],
) -> None:
    incident_id = open_incident(fresh, "sonar-billing production-down Invoices fail at -1h")
    fresh.reply(f"ack {incident_id} at -10m")
    before = snapshot()
    answer = fresh.reply(f"resolve {incident_id} at -30m", user=DAVE)
    assert "The incident is acknowledged since 2026-03-10 14:50 UTC, after the resolved time" in answer, answer
    assert snapshot() == before


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "2099-06-04T13:35:29Z", "9999-12-31T23:59:59Z"])
def test_a_pagerduty_trigger_dated_outside_the_record_is_answered_202_ignored(
    snapshot: Callable[[], Snapshot], capsys: pytest.CaptureFixture[str], at: str
) -> None:
    before = snapshot()
    for _ in range(2):  # a retry is refused the same way, never a 5xx loop
        response = deliver(replay("incident.triggered", incident="PFAR0001", at=at))
        assert response["statusCode"] == 202
        body = json.loads(response["body"])
        assert body["accepted"] is True and "is outside what the record accepts" in body["ignored"]
        assert f"The triggered time {at[:4]}" in body["ignored"]
    assert snapshot() == before
    assert '"WebhookEventImplausible"' in capsys.readouterr().out  # the metric, in the EMF output


def test_a_pagerduty_acknowledgement_before_its_trigger_is_ignored(snapshot: Callable[[], Snapshot]) -> None:
    assert deliver(replay("incident.triggered", incident="PACK0001", at="2021-06-04T13:35:29Z"))["statusCode"] == 202
    before = snapshot()
    early = replay("incident.acknowledged", incident="PACK0001", at="2021-06-04T13:00:00Z", event_id="EVACK1")
    response = deliver(early)
    assert response["statusCode"] == 202
    assert "is before the incident opened (2021-06-04 13:35 UTC)" in json.loads(response["body"])["ignored"]
    assert snapshot() == before
    item = repository.get_incident("pd-PACK0001")
    assert item is not None and item.acknowledged_at is None  # no first response counted as met


def test_the_record_starts_at_the_contracts_date_when_that_is_later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLAOPS_RECORD_FROM")
    monkeypatch.setenv("SLAOPS_LOOKBACK_DAYS", "3660")
    # sonar-billing's Activation is 2021-03-15: 00:00 EDT that day (DST began 14 March 2021) is 04:00Z.
    with pytest.raises(ImplausibleInstant, match=r"from 2021-03-15 04:00 UTC \(the activation date"):
        check_instant(NOW - timedelta(days=2000), "The opening", SONAR, NOW)
    check_instant(NOW - timedelta(days=1000), "The opening", SONAR, NOW)  # after Activation: accepted
