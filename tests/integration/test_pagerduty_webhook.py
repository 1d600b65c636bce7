"""The real fixtures, signed as PagerDuty signs them, through the real handler against DynamoDB Local.

`functions.pagerduty.app.handler` gets API Gateway HTTP API (2.0) events; Slack calls land in the test
outbox (no bot token). The fixtures' services are unmapped in config/contracts.toml, so most tests point
the payload at a mapped service (`PSONAR1`, contract sonar-billing) before signing, and tie events of one
incident together by giving them one incident id and their own times.

Expected deadlines (sonar-billing, severity `normal` = the default for PagerDuty's null priority): the
first response is due at the earlier of 1 business day (10 open hours, Mon-Fri 09:00-19:00 Eastern) and
24 clock hours. Trigger Fri 2021-06-04 13:35:29.781Z = 09:35:29.781 EDT: 10 open hours run to Mon 7 June
09:35:29.781 EDT; 24 clock hours to Sat 5 June 09:35:29.781 EDT = 13:35:29.781Z, the earlier: due then.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from functions.pagerduty import app
from local_stack.lambdas import FakeLambdaContext
from sla_core.app.store import repository
from sla_core.pagerduty.signatures import pagerduty_signature
from sla_core.slack.client import Outbox
from sla_core.slack.incidents.routes import ACK_ACTION, OUTAGE_ON_ACTION, RESOLVE_ACTION, UPDATE_ACTION
from sla_core.slack.render.incident_card import (
    NO_CONTRACT_NOTE,
)
from sla_core.storage import models
from tests.conftest import FIXTURES, OUTBOX, PAGERDUTY_NEXT_SECRET, PAGERDUTY_SECRET
from tests.support.api_gateway import post_event
from tests.support.pagerduty_payloads import fixture, replay
from tests.support.queued import resolve_summary_text

pytestmark = pytest.mark.integration

SONAR_CHANNEL = "C0SONARBIL1"
DEFAULT_CHANNEL = "C0SLAOPS000"
TRIGGERED_AT = "2021-06-04T13:35:29.781Z"
FIRST_RESPONSE_DUE = datetime(2021, 6, 5, 13, 35, 29, 781000, tzinfo=UTC)


def deliver(body: bytes, *secrets: str, webhook_id: str = "wh-1", signature: str | None = None) -> dict[str, Any]:
    """POST /pagerduty/webhook as API Gateway would deliver it, signed with `secrets` (default: the current one)."""
    header = (
        signature
        if signature is not None
        else ",".join(pagerduty_signature(body, s) for s in secrets or (PAGERDUTY_SECRET,))
    )
    headers = {"content-type": "application/json", "x-webhook-id": webhook_id, "user-agent": "PagerDuty-Webhook/V3.0"}
    if header:
        headers["x-pagerduty-signature"] = header
    event = post_event("/pagerduty/webhook", body, headers, source_ip="192.0.2.1")
    response: dict[str, Any] = app.handler(event, FakeLambdaContext("slaops-pagerduty", 512, 5))
    return response


def written_since(start: int) -> list[dict[str, Any]]:
    """Outbox entries written after the first `start` (the session shares one outbox file)."""
    return Outbox(OUTBOX, echo=None).entries()[start:]


@pytest.fixture
def mark() -> int:
    """How many outbox entries there were when the test began."""
    return len(Outbox(OUTBOX, echo=None).entries())


def posts(entries: list[dict[str, Any]], *, thread: bool | None = None) -> list[dict[str, Any]]:
    found = [e for e in entries if e["method"] == "chat.postMessage"]
    if thread is not None:
        found = [e for e in found if bool(e.get("thread_ts")) == thread]
    return found


def test_three_deliveries_of_a_trigger_give_one_timeline_entry_and_one_card(table: str, mark: int) -> None:
    body = replay("incident.triggered")
    for _ in range(3):
        response = deliver(body)
        assert (response["statusCode"], json.loads(response["body"])) == (202, {"accepted": True})
    assert len(repository.timeline("pd-PFQZPSY")) == 1
    (card,) = posts(written_since(mark))
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None
    assert (item.slack_channel, item.slack_ts) == (SONAR_CHANNEL, card["ts"])
    assert (item.contract_id, item.severity, item.status) == ("sonar-billing", "normal", "triggered")
    assert item.opened_at == datetime(2021, 6, 4, 13, 35, 29, 781000, tzinfo=UTC)
    assert [d.due_at for d in item.deadlines if d.name.startswith("initial_response")] == [FIRST_RESPONSE_DUE]


def test_the_card_shows_severity_link_deadline_in_the_contract_zone_and_buttons(table: str, mark: int) -> None:
    assert deliver(replay("incident.triggered"))["statusCode"] == 202
    (card,) = posts(written_since(mark))
    assert card["channel"] == SONAR_CHANNEL
    blocks = json.dumps(card["blocks"])
    assert "Test Incident 3" in card["text"] and "normal" in card["text"]
    assert "<https://pig208.pagerduty.com/incidents/PFQZPSY|Open in PagerDuty>" in blocks
    # Due Sat 5 June 09:35 EDT (13:35:29Z): epoch 1622900129, shown as a date token with that fallback.
    assert (
        "*First response* due Sat 05 Jun 09:35 EDT (<!date^1622900129^{date_short_pretty} {time}|Sat 05 Jun 09:35 EDT>)"
        in blocks
    )
    # Updates: the earlier of 1 business day and 24 clock hours from the opening; the 24 hours win, as above.
    assert "*Updates* every 24 hours: next due Sat 05 Jun 09:35 EDT" in blocks
    (actions,) = [b for b in card["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ACK_ACTION, "pd-PFQZPSY"),
        (UPDATE_ACTION, "pd-PFQZPSY"),
        (RESOLVE_ACTION, "pd-PFQZPSY"),
        (OUTAGE_ON_ACTION, "pd-PFQZPSY"),  # a normal ticket: not counted until someone says it is an outage
    ]


def test_a_title_that_would_ping_everyone_pings_nobody(table: str, mark: int) -> None:
    assert deliver(replay("incident.triggered", title="<!channel> @here db <@U0ALICE0001> & co"))["statusCode"] == 202
    (card,) = posts(written_since(mark))
    everything = json.dumps(card)
    assert "<!channel>" not in everything and "<@U0ALICE0001>" not in everything
    assert "&lt;!channel&gt; @here db &lt;@U0ALICE0001&gt; &amp; co" in card["text"]


def test_pagerdutys_own_signature_vector(table: str) -> None:
    vector = json.loads((FIXTURES / "signature_vector.json").read_text())
    body = (FIXTURES / "signature_vector.body.json").read_bytes()
    assert len(body) == vector["body_len_bytes"] and vector["secret"] == PAGERDUTY_SECRET
    for case in vector["cases"]:
        status = deliver(body, signature=case["x_pagerduty_signature"])["statusCode"]
        assert status == (202 if case["expect"] == "valid" else 401), case["name"]
    assert repository.get_incident("pd-PGR0VU2") is not None  # the valid deliveries were recorded


def test_rotation_either_secret_or_both_values_are_accepted(table: str) -> None:
    # Both secrets are configured (conftest); PagerDuty sends one v1= value per secret it holds.
    for number, secrets in enumerate([(PAGERDUTY_NEXT_SECRET,), ("retired-secret", PAGERDUTY_SECRET)]):
        body = replay("incident.triggered", incident=f"PROT{number}X")
        assert deliver(body, *secrets)["statusCode"] == 202
        assert repository.get_incident(f"pd-PROT{number}X") is not None


@pytest.mark.parametrize("signature", ["", "v1=deadbeef", "v0=abc", "wrong-secret"])
def test_a_bad_or_missing_signature_is_401_and_nothing_is_written_or_posted(
    table: str, mark: int, signature: str
) -> None:
    body = replay("incident.triggered", incident="PBADSIG")
    header = pagerduty_signature(body, "wrong-secret") if signature == "wrong-secret" else signature
    response = deliver(body, signature=header)
    assert response["statusCode"] == 401
    assert repository.get_incident("pd-PBADSIG") is None
    assert repository.timeline("pd-PBADSIG") == []
    assert written_since(mark) == []


def test_a_changed_body_fails_the_signature_of_the_original(table: str, mark: int) -> None:
    body = replay("incident.triggered", incident="PTAMPER")
    signature = pagerduty_signature(body, PAGERDUTY_SECRET)
    assert deliver(body.replace(b"Test Incident 3", b"Test Incident 4"), signature=signature)["statusCode"] == 401
    assert repository.get_incident("pd-PTAMPER") is None and written_since(mark) == []


def test_out_of_order_ack_before_trigger_ends_acknowledged_with_the_first_response_met(table: str, mark: int) -> None:
    ack = replay("incident.acknowledged", incident="PFQZPSY")  # 13:55:30.394Z, twenty minutes after the trigger
    assert deliver(ack, webhook_id="wh-ack")["statusCode"] == 202
    assert deliver(replay("incident.triggered"), webhook_id="wh-trig")["statusCode"] == 202
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None
    state = item.state
    assert (state.status, state.opened_at) == ("acknowledged", datetime(2021, 6, 4, 13, 35, 29, 781000, tzinfo=UTC))
    assert item.acknowledged_at == datetime(2021, 6, 4, 13, 55, 30, 394000, tzinfo=UTC)
    entries = written_since(mark)
    (card,) = posts(entries, thread=False)  # the ack created the incident and posted its card; one card only
    (ack_reply,) = posts(entries, thread=True)
    assert ack_reply["thread_ts"] == card["ts"] == item.slack_ts
    assert "Acknowledged by PIG 208" in ack_reply["text"]
    updates = [e for e in entries if e["method"] == "chat.update"]
    assert updates and updates[-1]["ts"] == card["ts"]
    # After the late trigger the card has the real opening and deadline; 24 h clock from 13:35:29.781Z to the
    # ack at 13:55:30.394Z leaves 23 h 39 min 59.387 s: "met with 23 h 39 min to spare".
    final = json.dumps(updates[-1]["blocks"])
    assert "*First response* met with 23 h 39 min to spare" in final
    assert "Fri 04 Jun 09:35 EDT" in final


def test_duplicate_later_events_reply_once(table: str, mark: int) -> None:
    deliver(replay("incident.triggered"))
    ack = replay("incident.acknowledged", incident="PFQZPSY")
    for _ in range(3):
        assert deliver(ack, webhook_id="wh-ack")["statusCode"] == 202
    replies = posts(written_since(mark), thread=True)
    assert len(replies) == 1
    assert len(repository.timeline("pd-PFQZPSY")) == 2


def test_the_lifecycle_note_priority_and_resolve_with_month_to_date_availability(table: str, mark: int) -> None:
    deliver(replay("incident.triggered"))
    deliver(replay("incident.annotated", incident="PFQZPSY", at="2021-06-04T13:45:00Z"))
    deliver(replay("incident.priority_updated", incident="PFQZPSY", at="2021-06-04T13:50:00Z"))
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.severity == "production-down"  # P1 -> production-down
    # production-down: first response 1 business hour from the ORIGINAL start, Fri 09:35:29.781 EDT -> 10:35:29.781.
    first = [d.due_at for d in item.deadlines if d.name.startswith("initial_response")]
    assert first == [datetime(2021, 6, 4, 14, 35, 29, 781000, tzinfo=UTC)]
    assert deliver(replay("incident.resolved", incident="PFQZPSY", at="2021-06-04T14:05:29.781Z"))["statusCode"] == 202
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.status == "resolved" and item.next_due_at is None
    (interval,) = repository.downtime_between(
        "sonar-billing", "platform", datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC)
    )
    assert interval.ended_at == datetime(2021, 6, 4, 14, 5, 29, 781000, tzinfo=UTC)
    texts = [e["text"] for e in posts(written_since(mark), thread=True)]
    assert any("Running KILL on long-running queries" in t for t in texts)  # the note, as an update
    assert any("severity now production-down" in t for t in texts)
    assert not [t for t in texts if "so far" in t]  # the summary is queued for the sweep, in the card's thread
    summary = resolve_summary_text("pd-PFQZPSY")
    # June 2021 in Eastern time: 30 x 1440 = 43,200 minutes; 30 minutes down -> 1 - 30/43200 = 99.93055..%,
    # shown rounded down: 99.9305%. Below 99.99%, every minute is credited at 2400.00 / 43,200 per minute:
    # 30 x 2400 / 43200 = 1.666.. -> 1.67 USD. Sonar states no claim deadline.
    assert "2021-06 so far" in summary
    assert "Availability 99.9305% (target 99.99%)" in summary
    assert "Estimated credit: 1.67 USD" in summary
    assert "Claim deadline: none" in summary


def test_an_unmapped_service_is_recorded_and_posted_to_the_default_channel(table: str, mark: int) -> None:
    assert deliver(replay("incident.triggered", service=None))["statusCode"] == 202  # PA2P440: no contract
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.contract_id == "unmapped" and item.deadlines == ()
    (card,) = posts(written_since(mark))
    assert card["channel"] == DEFAULT_CHANNEL
    assert NO_CONTRACT_NOTE in json.dumps(card["blocks"])


@pytest.mark.parametrize("event_type", ["pagey.ping", "service.updated", "incident.workflow.started", "brand.new"])
def test_types_the_bot_does_not_act_on_get_2xx_and_nothing_else(table: str, mark: int, event_type: str) -> None:
    payload = fixture("incident.triggered")
    payload["event"]["event_type"] = event_type
    payload["event"]["data"]["id"] = "PIGNORE"
    response = deliver(json.dumps(payload).encode())
    assert response["statusCode"] == 202
    assert json.loads(response["body"])["accepted"] is True and "ignored" in json.loads(response["body"])
    assert repository.get_incident("pd-PIGNORE") is None and written_since(mark) == []


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"event": {"event_type": "incident.triggered", "id": "E1"}}', b"\xff\xfe"]
)
def test_signed_but_unusable_payloads_get_2xx_so_the_subscription_stays_on(table: str, mark: int, body: bytes) -> None:
    response = deliver(body)
    assert response["statusCode"] == 202
    assert "ignored" in json.loads(response["body"])
    assert written_since(mark) == []


def test_a_note_on_an_unknown_incident_is_recorded_without_a_contract(table: str, mark: int) -> None:
    assert deliver(replay("incident.annotated"))["statusCode"] == 202  # data.incident: no service in the payload
    item = repository.get_incident("pd-Q3B15VLMF3ASBD")
    assert item is not None and item.contract_id == "unmapped"
    assert item.title == "Critical: Checkout API High Latency"
    assert [e.event_type for e in repository.timeline("pd-Q3B15VLMF3ASBD")] == ["update"]


def test_storage_failure_is_5xx_so_pagerduty_retries(table: str, mark: int, dynamodb_local: Any) -> None:
    models.configure(table_name="slaops-missing-table", host=dynamodb_local.endpoint, region="us-east-1")
    try:
        response = deliver(replay("incident.triggered", incident="PSTORE"))
    finally:
        models.configure(table_name=table, host=dynamodb_local.endpoint, region="us-east-1")
    assert response["statusCode"] == 500
    assert written_since(mark) == []
    assert repository.get_incident("pd-PSTORE") is None
    assert deliver(replay("incident.triggered", incident="PSTORE"))["statusCode"] == 202  # the retry records it


def test_a_new_trigger_costs_at_most_three_dynamodb_requests(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = Connection._make_api_call

    def counted(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> dict[str, Any]:
        calls.append(operation_name)
        return original(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", counted)
    assert deliver(replay("incident.triggered", incident="PCOUNT"))["statusCode"] == 202
    # timeline append, incident creation, Slack ts
    assert calls == ["PutItem", "PutItem", "PutItem"]


def test_resolve_on_a_contract_with_a_claim_window_posts_the_claim_deadline(table: str, mark: int) -> None:
    # sonoran-hosting: PSONWEB's incidents count on the contract's first component, web.
    deliver(replay("incident.triggered", service="PSONWEB"))
    deliver(replay("incident.resolved", incident="PFQZPSY", service="PSONWEB", at="2021-06-04T14:05:29.781Z"))
    summary = resolve_summary_text("pd-PFQZPSY")
    # 30 minutes down of June 2021 (Phoenix, 43,200 minutes): 99.9305%. Proportional credit, earned always:
    # 30 / 43,200 x 899.50 = 0.62465.. -> 0.62 USD. Claim 72 h after the outage ended (14:05:29.781Z):
    # 2021-06-07T14:05:29Z = Mon 07 Jun 07:05 MST; epoch 1622813729 (trigger) + 1,800 + 259,200 = 1623074729.
    assert "*Sonoran Servers hosting · web, 2021-06 so far*" in summary
    assert "Availability 99.9305% (target 99.9%)" in summary
    assert "Estimated credit: 0.62 USD" in summary
    assert "Claim by Mon 07 Jun 07:05 MST (<!date^1623074729^" in summary


def test_timeline_types_unacknowledge_and_reopen(table: str, mark: int) -> None:
    def step(event_type: str, at: str) -> bytes:
        payload = json.loads(replay("incident.acknowledged", incident="PFQZPSY", at=at, event_id=f"E-{event_type}"))
        payload["event"]["event_type"] = event_type
        return json.dumps(payload).encode()

    deliver(replay("incident.triggered"))
    deliver(replay("incident.acknowledged", incident="PFQZPSY"))  # 13:55:30.394Z
    deliver(step("incident.unacknowledged", "2021-06-04T14:00:00Z"))
    deliver(step("incident.escalated", "2021-06-04T14:01:00Z"))
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.status == "triggered"  # unacknowledged: back to triggered
    assert item.acknowledged_at == datetime(2021, 6, 4, 13, 55, 30, 394000, tzinfo=UTC)  # the first response stays
    deliver(replay("incident.resolved", incident="PFQZPSY", at="2021-06-04T14:05:00Z"))
    deliver(step("incident.reopened", "2021-06-04T14:10:00Z"))
    item = repository.get_incident("pd-PFQZPSY")
    assert item is not None and item.status == "triggered" and item.resolved_at is None
    kinds = [e.event_type for e in repository.timeline("pd-PFQZPSY")]
    assert kinds == ["triggered", "acknowledged", "unacknowledged", "note", "resolved", "reopened"]
    texts = [e["text"] for e in posts(written_since(mark), thread=True)]
    assert any(
        t.startswith("Escalated by PIG 208 at Fri 04 Jun 10:01 EDT") and t.endswith("to PIG 208.") for t in texts
    )
    assert any(t.startswith("Unacknowledged at Fri 04 Jun 10:00 EDT") for t in texts)
    assert any(t.startswith("Reopened by PIG 208") for t in texts)
