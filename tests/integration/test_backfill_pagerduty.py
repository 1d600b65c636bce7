"""`backfill pagerduty` against a local PagerDuty REST stub (tests/support/pagerduty_rest.py) and DynamoDB Local.

October 2026 on sonar-billing (Sonar Software: 99.99% of each calendar month in New York time; per-minute credit of
the 2,400.00 USD invoice over the month's minutes; P1 -> production-down, an outage; P3 -> normal, a ticket; no
priority -> default_severity normal). October in New York is all EDT: 31 x 1,440 = 44,640 minutes.
- PBFOUT1, P1: Tue 13 Oct 10:00 -> 11:30 EDT, acknowledged 10:05 (first response due 1 business hour later, 11:00:
  met). 90 min down.
- PBFTKT1, P3: Mon 19 Oct 09:00 -> Wed 21 Oct 09:00 EDT, acknowledged 10:30 (due the earlier of 10 business hours,
  Mon 19:00, and 24 clock hours, Tue 09:00: Mon 19:00; met). A ticket: no downtime.
- PBFNOPR, no priority (normal): Thu 22 Oct 20:00 EDT -> Mon 26 Oct 12:00, acknowledged Mon 26 Oct 09:15. Due the
  earlier of 10 business hours from Fri 09:00 (Fri 19:00) and 24 clock hours (Fri 20:00): Fri 23 Oct 19:00 EDT;
  missed. A ticket.
- PBFOPEN, P3: Fri 30 Oct 10:00 EDT, acknowledged 10:20, still open: its card is posted.
- PBFUNMP, P1 on PA2P440 (no contract lists it): never recorded.
Availability 1 - 90/44,640 = 0.99798387... = 99.798387...%, shown rounded down to 4 places as every availability is
(engine/availability.py: a missed target never displays as met): 99.7983% (rounded half-up it would be 99.7984%);
credit 90/44,640 x 2,400.00 = 4.8387... -> 4.84 USD.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from functions.pagerduty import app as pagerduty_app
from local_stack.lambdas import FakeLambdaContext
from sla_core import backfill_cli
from sla_core.app.contract_credit import estimate_for_contract
from sla_core.config import settings
from sla_core.config.contracts import load_contracts
from sla_core.pagerduty.rest_history import HistoryUnavailable, RestHistory, rest_client
from sla_core.pagerduty.webhook_flow import handle_delivery
from sla_core.slack.client import SlackPoster
from sla_core.slack.incident_posting import SlackIncidentChannel
from sla_core.storage import repository
from sla_core.storage.models import DowntimeItem, IncidentItem
from tests.conftest import PAGERDUTY_SECRET
from tests.support.api_gateway import post_event
from tests.support.cli import run as cli_run
from tests.support.pagerduty_payloads import replay
from tests.support.pagerduty_rest import TOKEN, Entry, Incident, Stub, cert_file, pagerduty_rest
from tests.support.signing import pagerduty_headers

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def trust_the_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", cert_file())


CONTRACTS = load_contracts()
SONAR = CONTRACTS.contracts["sonar-billing"]
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
OCTOBER = {"since": date(2026, 10, 1), "until": date(2026, 11, 1)}


def october() -> list[Incident]:
    notify = [Entry(f"RNOTIFY{n:02d}", "notify", f"2026-10-13T14:0{n % 5}:{n:02d}Z") for n in range(30)]
    return [
        Incident("PBFOUT1", "PSONAR1", "2026-10-13T14:00:00Z", "Billing down", "P1", [
            Entry("RBFOUT1T", "trigger", "2026-10-13T14:00:00Z", agent=None),
            Entry("RBFOUT1A", "acknowledge", "2026-10-13T14:05:00Z"),
            Entry("RBFOUT1N", "annotate", "2026-10-13T14:30:00Z", note="Failover started"),
            Entry("RBFOUT1R", "resolve", "2026-10-13T15:30:00Z"),
            *notify,  # 34 entries: two pages of 25
        ]),
        Incident("PBFTKT1", "PSONAR1", "2026-10-19T13:00:00Z", "Invoice PDF wrong", "P3", [
            Entry("RBFTKT1T", "trigger", "2026-10-19T13:00:00Z"),
            Entry("RBFTKT1A", "acknowledge", "2026-10-19T14:30:00Z"),
            Entry("RBFTKT1R", "resolve", "2026-10-21T13:00:00Z"),
        ]),
        Incident("PBFNOPR", "PSONAR1", "2026-10-23T00:00:00Z", "Export slow", None, [
            Entry("RBFNOPRT", "trigger", "2026-10-23T00:00:00Z"),
            Entry("RBFNOPRA", "acknowledge", "2026-10-26T13:15:00Z"),
            Entry("RBFNOPRR", "resolve", "2026-10-26T16:00:00Z"),
        ]),
        Incident("PBFOPEN", "PSONAR1", "2026-10-30T14:00:00Z", "Report totals off", "P3", [
            Entry("RBFOPENT", "trigger", "2026-10-30T14:00:00Z"),
            Entry("RBFOPENA", "acknowledge", "2026-10-30T14:20:00Z"),
        ]),
        Incident("PBFUNMP", "PA2P440", "2026-10-15T14:00:00Z", "Not ours", "P1", [
            Entry("RBFUNMPT", "trigger", "2026-10-15T14:00:00Z"),
            Entry("RBFUNMPR", "resolve", "2026-10-15T18:00:00Z"),
        ]),
    ]  # fmt: skip


@pytest.fixture
def batch_storage(table: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture's table, configured as the CLI configures storage (batch timeouts; env restored after)."""
    monkeypatch.setenv("TABLE_NAME", table)
    backfill_cli.configure_storage()
    return table


@pytest.fixture
def stub(batch_storage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stub]:
    with pagerduty_rest(Stub(october(), page_cap=2)) as running:
        monkeypatch.setenv("PAGERDUTY_API_URL", running.url)
        monkeypatch.setenv("PAGERDUTY_API_TOKEN", TOKEN)
        yield running


def backfill(stub: Stub, *, dry_run: bool = False, sleeps: list[float] | None = None) -> dict[str, Any]:
    client = rest_client(TOKEN, stub.url, sleep=(sleeps if sleeps is not None else []).append, backoff_seconds=0.01)
    return backfill_cli.run(CONTRACTS, [SONAR], **OCTOBER, dry_run=dry_run, now=NOW, client=client)


def outbox() -> list[dict[str, Any]]:
    path = settings.outbox_path()
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def stored() -> dict[str, Any]:
    """Everything the backfill may write: incidents, timeline entries, downtime."""
    incidents = {i.incident_id: i for i in IncidentItem.scan()}
    events = {(i, e.event_id) for i in incidents for e in repository.timeline(i)}
    downtime = {(d.downtime_id, d.started_at, d.ended_at) for d in DowntimeItem.scan()}
    return {"incidents": set(incidents), "events": events, "downtime": downtime}


def test_a_month_is_recorded_as_its_webhooks_would_have_and_twice_records_nothing_twice(stub: Stub) -> None:
    before = len(outbox())
    result = backfill(stub)
    assert (result["read"], result["recorded"], result["already_recorded"]) == (4, 4, 0)
    assert result["skipped"] == {}  # the unmapped service's incident was never asked for
    assert all("PSONAR1" in q.get("service_ids[]", []) and "PA2P440" not in q.get("service_ids[]", [])
               for p, q, _ in stub.requests if p == "/incidents")  # fmt: skip
    listing = [q["offset"][0] for p, q, _ in stub.requests if p == "/incidents"]
    assert listing == ["0", "2"]  # two pages of 2 (what the API answered), followed by `more`
    assert [q["offset"][0] for p, q, _ in stub.requests if p == "/incidents/PBFOUT1/log_entries"] == ["0", "25"]

    (figures,) = result["contracts"]["sonar-billing"]["periods"]
    assert (figures["period"], figures["availability_percent"]) == ("2026-10", "99.7983")
    assert (figures["credit_amount"], figures["currency"], figures["target_met"]) == ("4.84", "USD", False)
    (estimate,) = estimate_for_contract(SONAR, "2026-10", NOW)  # what `/sla credit sonar-billing 2026-10` shows
    assert (estimate.availability and estimate.availability.percent_text(), f"{estimate.amount:.2f}") == (
        "99.7983", "4.84",
    )  # fmt: skip

    outage = repository.get_incident("pd-PBFOUT1")
    assert outage is not None and outage.outage and outage.severity == "production-down"
    assert outage.acknowledged_at == datetime(2026, 10, 13, 14, 5, tzinfo=UTC)
    (first,) = [d for d in outage.deadlines if d.name.startswith("initial_response")]
    assert first.met_at == outage.acknowledged_at and first.due_at == datetime(2026, 10, 13, 15, 0, tzinfo=UTC)
    kinds = {e.event_type for e in repository.timeline("pd-PBFOUT1")}
    assert kinds == {"triggered", "acknowledged", "update", "resolved"}  # notify entries are not webhook events
    no_priority = repository.get_incident("pd-PBFNOPR")
    assert no_priority is not None and no_priority.severity == "normal" and not no_priority.outage
    (late,) = [d for d in no_priority.deadlines if d.name.startswith("initial_response")]
    assert late.due_at == datetime(2026, 10, 23, 23, 0, tzinfo=UTC) and late.met_at is not None
    assert late.met_at > late.due_at  # Fri 23 Oct 19:00 EDT due, Mon 26 Oct 09:15 EDT answered: missed
    assert repository.get_incident("pd-PBFUNMP") is None

    # Nothing per historical incident; the open one's card; one summary in the contract's channel.
    posted = outbox()[before:]
    cards = [e for e in posted if e["method"] == "chat.postMessage" and "Report totals off" in e["text"]]
    assert len(cards) == 1 and cards[0]["channel"] == "C0SONARBIL1"
    assert not [e for e in posted if any(t in e["text"] for t in ("Billing down", "Invoice PDF", "Export slow"))]
    (summary,) = [e for e in posted if e["text"].startswith(":inbox_tray:")]
    assert summary["channel"] == "C0SONARBIL1" and "availability 99.7983%" in summary["text"]
    assert "estimated credit 4.84 USD" in summary["text"] and len(posted) == 2
    assert result["open"] == [{"incident": "pd-PBFOPEN", "card": "posted"}]

    # Again: nothing new, the same figures, the open card not posted twice.
    before_again, written = len(outbox()), stored()
    again = backfill(stub)
    assert (again["recorded"], again["already_recorded"]) == (0, 4)
    assert stored() == written
    assert again["contracts"]["sonar-billing"]["periods"] == result["contracts"]["sonar-billing"]["periods"]
    assert again["open"] == [{"incident": "pd-PBFOPEN", "card": "shown"}]
    assert [e["text"][:12] for e in outbox()[before_again:]] == [":inbox_tray:"]  # only the run's summary


def test_a_late_webhook_for_a_backfilled_incident_records_and_posts_nothing(stub: Stub) -> None:
    backfill(stub)
    written, before = stored(), len(outbox())
    body = replay("incident.resolved", incident="PBFOUT1", at="2026-10-13T15:30:00Z", event_id="RBFOUT1R")
    channel = SlackIncidentChannel(SlackPoster.from_settings())
    outcome = handle_delivery(body, webhook_id="w1", contracts=CONTRACTS, channel=channel, now=NOW)
    assert outcome.status == "duplicate"
    assert stored() == written and outbox()[before:] == []


def deliver(body: bytes) -> dict[str, Any]:
    """POST /pagerduty/webhook through the real handler, signed as PagerDuty signs (HMAC-SHA256 of the raw body)."""
    headers = {
        "content-type": "application/json",
        "x-webhook-id": "wh-late",
        **pagerduty_headers(body, PAGERDUTY_SECRET),
    }
    event = post_event("/pagerduty/webhook", body, headers, source_ip="192.0.2.1")
    response: dict[str, Any] = pagerduty_app.handler(event, FakeLambdaContext("slaops-pagerduty", 512, 5))
    assert (response["statusCode"], json.loads(response["body"])) == (202, {"accepted": True})
    return response


def test_a_late_webhook_with_its_own_id_and_milliseconds_repeats_the_backfill_and_records_nothing(stub: Stub) -> None:
    """PBFOUT1's log entries (whole seconds, ids RBFOUT1*): trigger 14:00:00Z (no agent), acknowledge 14:05:00Z and
    resolve 15:30:00Z by Alice Admin. PagerDuty's webhooks for the same changes carry their own `event.id` (the
    fixtures' ULIDs) and milliseconds in the same second: duplicates, so the 90 minutes down stay 14:00 -> 15:30."""
    backfill(stub)
    written, before = stored(), len(outbox())
    incident = repository.get_incident("pd-PBFOUT1")
    assert incident is not None and incident.backfilled_at is not None
    late = [
        replay("incident.resolved", incident="PBFOUT1", at="2026-10-13T15:30:00.816Z", agent="Alice Admin"),
        replay("incident.acknowledged", incident="PBFOUT1", at="2026-10-13T14:05:00.394Z", agent="Alice Admin"),
        replay("incident.triggered", incident="PBFOUT1", at="2026-10-13T14:00:00.781Z", priority="P1"),  # PIG 208
    ]
    assert {json.loads(body)["event"]["id"] for body in late}.isdisjoint({e for _, e in written["events"]})
    for body in late:
        deliver(body)
    after = repository.get_incident("pd-PBFOUT1")
    assert after is not None and after == incident  # same version, instants, clocks
    assert stored() == written and outbox()[before:] == []
    assert ("pd-PBFOUT1@2026-10-13T15:30:00+00:00", datetime(2026, 10, 13, 14, 0, tzinfo=UTC),
            datetime(2026, 10, 13, 15, 30, tzinfo=UTC)) in written["downtime"]  # fmt: skip

    # A second later, another kind in the same second, or another agent: a change of its own, recorded.
    own = {
        "01LATEACK1": replay("incident.acknowledged", incident="PBFOUT1", at="2026-10-13T14:05:01.394Z",
                             event_id="01LATEACK1", agent="Alice Admin"),
        "01LATENOTE": replay("incident.annotated", incident="PBFOUT1", at="2026-10-13T15:30:00.500Z",
                             event_id="01LATENOTE"),
        "01OTHERACK": replay("incident.acknowledged", incident="PBFOUT1", at="2026-10-13T14:05:00.394Z",
                             event_id="01OTHERACK", agent="PIG 208"),
    }  # fmt: skip
    for body in own.values():
        deliver(body)
    events = stored()["events"]
    assert events - written["events"] == {("pd-PBFOUT1", event_id) for event_id in own}
    recorded = repository.get_incident("pd-PBFOUT1")
    assert recorded is not None and recorded.acknowledged_at == datetime(2026, 10, 13, 14, 5, tzinfo=UTC)
    assert stored()["downtime"] == written["downtime"]


def test_history_the_webhooks_recorded_first_is_not_recorded_again_nor_a_late_webhook_of_an_open_one(
    stub: Stub,
) -> None:
    """PBFOUT1's webhooks arrive before the backfill (their own ids, milliseconds in the same seconds as its log
    entries): the backfill then adds none of its trigger, acknowledge or resolve; PBFOPEN, still open when the
    backfill read it (acknowledged 14:20:00Z), gets its card, and a late webhook of that acknowledge adds nothing."""
    for body in (
        replay("incident.triggered", incident="PBFOUT1", at="2026-10-13T14:00:00.781Z", priority="P1"),
        replay("incident.acknowledged", incident="PBFOUT1", at="2026-10-13T14:05:00.394Z", agent="Alice Admin"),
        replay("incident.resolved", incident="PBFOUT1", at="2026-10-13T15:30:00.816Z", agent="Alice Admin"),
    ):
        deliver(body)
    webhooks = {e for i, e in stored()["events"] if i == "pd-PBFOUT1"}
    backfill(stub)
    kinds = [e.event_type for e in repository.timeline("pd-PBFOUT1")]
    # Only the note (no webhook carried it) is added; the 90 minutes down are recorded once.
    assert {e for i, e in stored()["events"] if i == "pd-PBFOUT1"} - webhooks == {"RBFOUT1N"}, kinds
    assert sorted(kinds) == ["acknowledged", "resolved", "triggered", "update"]  # a note is an update
    assert len([d for d in stored()["downtime"] if "PBFOUT1" in d[0]]) == 1

    opened = repository.get_incident("pd-PBFOPEN")
    assert opened is not None and opened.slack_ts is not None and opened.backfilled_at is not None
    written, before = stored(), len(outbox())
    deliver(replay("incident.acknowledged", incident="PBFOPEN", at="2026-10-30T14:20:00.250Z", agent="Alice Admin"))
    assert stored() == written and outbox()[before:] == []


def test_a_repeat_of_the_backfill_posts_nothing_on_an_incident_reopened_since(stub: Stub) -> None:
    """A reopen after the backfill is news (its card is posted); a late copy of the backfilled acknowledge still is
    not: no thread reply for it, no timeline entry."""
    backfill(stub)
    reopen = json.loads(replay("incident.resolved", incident="PBFOUT1", at="2026-10-14T13:00:00.250Z"))
    reopen["event"]["event_type"] = "incident.reopened"
    deliver(json.dumps(reopen).encode())
    reopened = repository.get_incident("pd-PBFOUT1")
    assert reopened is not None and reopened.status == "triggered" and reopened.slack_ts is not None
    written, before = stored(), len(outbox())
    deliver(replay("incident.acknowledged", incident="PBFOUT1", at="2026-10-13T14:05:00.394Z", agent="Alice Admin"))
    assert stored() == written and outbox()[before:] == []


def test_a_dry_run_reads_and_computes_but_writes_and_posts_nothing(stub: Stub) -> None:
    before = len(outbox())
    result = backfill(stub, dry_run=True)
    assert (result["read"], result["recorded"]) == (4, 4)
    (figures,) = result["contracts"]["sonar-billing"]["periods"]
    assert (figures["availability_percent"], figures["credit_amount"]) == ("99.7983", "4.84")
    assert stored() == {"incidents": set(), "events": set(), "downtime": set()}
    assert len(outbox()) == before


def test_an_unmapped_service_is_skipped_with_why(batch_storage: str) -> None:
    with pagerduty_rest(Stub(october(), ignore_service_filter=True)) as stub:
        result = backfill(stub)
    assert result["skipped"] == {"no contract": 1}
    assert result["skipped_incidents"] == [{"incident": "pd-PBFUNMP", "why": "no contract"}]
    assert repository.get_incident("pd-PBFUNMP") is None


def test_a_failure_half_way_keeps_what_was_recorded_and_a_rerun_finishes(stub: Stub) -> None:
    stub.failing = {"PBFNOPR"}  # PagerDuty answers 500 for the third incident's log entries, every retry
    with pytest.raises(HistoryUnavailable, match="500 to GET /incidents/PBFNOPR/log_entries"):
        backfill(stub)
    assert stored()["incidents"] == {"pd-PBFOUT1", "pd-PBFTKT1"}
    assert len(stored()["downtime"]) == 1  # the outage's interval, whole
    stub.failing = set()
    result = backfill(stub)
    assert (result["recorded"], result["already_recorded"]) == (2, 2)
    assert result["contracts"]["sonar-billing"]["periods"][0]["credit_amount"] == "4.84"


def test_a_429_waits_what_retry_after_asks() -> None:
    sleeps: list[float] = []
    with pagerduty_rest(Stub(october(), throttle=2, retry_after="7")) as stub:
        history = RestHistory(rest_client(TOKEN, stub.url, sleep=sleeps.append, backoff_seconds=0.01), CONTRACTS)
        found = history.incidents(["PSONAR1"], datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert [i["id"] for i in found] == ["PBFOUT1", "PBFTKT1", "PBFNOPR", "PBFOPEN"]
    assert sleeps == [7.0, 7.0]  # then the client's own short backoff; never sooner than asked


@pytest.mark.parametrize("cap", [25, 100])
def test_every_page_is_read(cap: int) -> None:
    days = [f"2026-10-{1 + n % 28:02d}T12:00:00Z" for n in range(130)]
    many = [Incident(f"PMANY{n:03d}", "PSONAR1", day, "x", "P3", []) for n, day in enumerate(days)]
    with pagerduty_rest(Stub(many, page_cap=cap)) as stub:
        history = RestHistory(rest_client(TOKEN, stub.url, backoff_seconds=0.01), CONTRACTS)
        found = history.incidents(["PSONAR1"], datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert sorted(i["id"] for i in found) == sorted(i.id for i in many)
    assert len(stub.requests) == -(-130 // cap)  # 6 pages of 25, or 2 of 100


@pytest.mark.parametrize(
    ("token", "forbidden", "said"),
    [
        ("wrong-token", set(), "PagerDuty refused PAGERDUTY_API_TOKEN (401 Unauthorized)"),
        (TOKEN, {"incidents"}, "PagerDuty answered 403 Forbidden to GET /incidents: "),
        (TOKEN, {"log_entries"}, "PagerDuty answered 403 Forbidden to GET /incidents/PBFOUT1/log_entries"),
    ],
)
def test_a_refused_token_or_scope_is_one_line_exit_2_and_nothing_written(
    stub: Stub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str,
    forbidden: set[str], said: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("PAGERDUTY_API_TOKEN", token)
    stub.forbidden = forbidden
    before = len(outbox())
    code, out, err = cli_run(capsys, "backfill", "pagerduty", "--since", "2026-10-01", "--until", "2026-11-01")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {said}") and err.count("\n") == 1 and token not in err
    assert stored() == {"incidents": set(), "events": set(), "downtime": set()} and len(outbox()) == before


def test_days_are_read_in_each_contracts_zone_and_unusable_text_is_skipped_with_why(batch_storage: str) -> None:
    # October 1 starts at 04:00Z in New York (EDT) and 07:00Z in Los Angeles (Atheer's Pacific time, PDT): PagerDuty
    # is asked from 04:00Z, so an Atheer incident at 05:00Z (Sep 30 22:00 PDT) comes back and is outside its month.
    history = [
        Incident("PBFPDT0", "PATHEER", "2026-10-01T05:00:00Z", "Late September", "P1",
                 [Entry("RBFPDT0T", "trigger", "2026-10-01T05:00:00Z")]),
        Incident("PBFPDT1", "PATHEER", "2026-10-01T08:00:00Z", "Early October", "P1",
                 [Entry("RBFPDT1T", "trigger", "2026-10-01T08:00:00Z"),
                  Entry("RBFPDT1R", "resolve", "2026-10-01T08:30:00Z")]),
        Incident("PBFPOIS", "PSONAR1", "2026-10-02T14:00:00Z", "Bad \x00 title", "P3",
                 [Entry("RBFPOIST", "trigger", "2026-10-02T14:00:00Z")]),
    ]  # fmt: skip
    atheer = CONTRACTS.contracts["atheer-platform"]
    with pagerduty_rest(Stub(history)) as stub:
        client = rest_client(TOKEN, stub.url, backoff_seconds=0.01)
        result = backfill_cli.run(CONTRACTS, [SONAR, atheer], **OCTOBER, dry_run=False, now=NOW, client=client)
        (asked,) = [q for p, q, _ in stub.requests if p == "/incidents"]
    assert (asked["since"], asked["until"]) == (["2026-10-01T04:00:00+00:00"], ["2026-11-01T07:00:00+00:00"])
    assert result["skipped"] == {"outside the period": 1, "unusable": 1}
    assert result["skipped_incidents"][0] == {"incident": "pd-PBFPDT0", "why": "outside the period"}
    assert result["skipped_incidents"][1]["why"] == "unusable: text contains a NUL character"
    assert stored()["incidents"] == {"pd-PBFPDT1"}


def test_a_dry_run_counts_the_missed_responses_a_run_would_record(batch_storage: str) -> None:
    # sonarqube-support: SonarSource Enterprise, P2 -> critical, initial response within 2 hours on the always-open
    # calendar; credits count the quarter's misses (Q4 2026: October to December). PBFSQ01 opened Tue 13 Oct 08:00Z
    # and answered 11:00Z (due 10:00Z): missed. PBFSQ02 opened 14 Oct 08:00Z and answered 08:30Z: met. One miss.
    history = [
        Incident("PBFSQ01", "PSONARQ", "2026-10-13T08:00:00Z", "Scanner down", "P2",
                 [Entry("RBFSQ01T", "trigger", "2026-10-13T08:00:00Z"),
                  Entry("RBFSQ01A", "acknowledge", "2026-10-13T11:00:00Z"),
                  Entry("RBFSQ01R", "resolve", "2026-10-13T12:00:00Z")]),
        Incident("PBFSQ02", "PSONARQ", "2026-10-14T08:00:00Z", "Slow analysis", "P2",
                 [Entry("RBFSQ02T", "trigger", "2026-10-14T08:00:00Z"),
                  Entry("RBFSQ02A", "acknowledge", "2026-10-14T08:30:00Z")]),
    ]  # fmt: skip
    sonarqube = CONTRACTS.contracts["sonarqube-support"]
    with pagerduty_rest(Stub(history)) as stub:
        client = rest_client(TOKEN, stub.url, backoff_seconds=0.01)
        dry = backfill_cli.run(CONTRACTS, [sonarqube], **OCTOBER, dry_run=True, now=NOW, client=client)
        assert stored()["incidents"] == set()
        real = backfill_cli.run(CONTRACTS, [sonarqube], **OCTOBER, dry_run=False, now=NOW, client=client)
    (figures,) = dry["contracts"]["sonarqube-support"]["periods"]
    assert (figures["period"], figures["missed_responses"]) == ("2026-Q4", 1)
    assert real["contracts"]["sonarqube-support"]["periods"] == dry["contracts"]["sonarqube-support"]["periods"]


def test_history_older_than_the_look_back_is_recorded_and_a_contradicting_one_skipped_whole(
    batch_storage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLAOPS_RECORD_FROM", raising=False)  # the functions' 92-day look-back, as deployed
    # May 2026 is more than the functions' 92-day look-back before NOW (6 Dec): the run accepts history from its
    # --since. PBFBAD1's acknowledgement (14:00Z) lies before its trigger (15:00Z): the record refuses it, whole.
    history = [
        Incident("PBFMAY1", "PSONAR1", "2026-05-12T14:00:00Z", "May outage", "P1",
                 [Entry("RBFMAY1T", "trigger", "2026-05-12T14:00:00Z"),
                  Entry("RBFMAY1R", "resolve", "2026-05-12T14:30:00Z")]),
        Incident("PBFBAD1", "PSONAR1", "2026-05-13T15:00:00Z", "Clock skew", "P3",
                 [Entry("RBFBAD1A", "acknowledge", "2026-05-13T14:00:00Z"),
                  Entry("RBFBAD1T", "trigger", "2026-05-13T15:00:00Z"),
                  Entry("RBFBAD1R", "resolve", "2026-05-13T16:00:00Z")]),
    ]  # fmt: skip
    with pagerduty_rest(Stub(history)) as stub:
        client = rest_client(TOKEN, stub.url, backoff_seconds=0.01)
        may = {"since": date(2026, 5, 1), "until": date(2026, 6, 1)}
        result = backfill_cli.run(CONTRACTS, [SONAR], **may, dry_run=False, now=NOW, client=client)
    assert (result["recorded"], result["skipped"]) == (1, {"refused by the record": 1})
    (skipped,) = result["skipped_incidents"]
    assert skipped["incident"] == "pd-PBFBAD1" and "before the incident opened" in skipped["why"], skipped
    assert stored()["incidents"] == {"pd-PBFMAY1"}
    # May 2026 in New York: 31 x 1,440 = 44,640 minutes; 30 min down: 30/44,640 x 2,400.00 = 1.6129 -> 1.61 USD.
    assert result["contracts"]["sonar-billing"]["periods"][0]["credit_amount"] == "1.61"
    assert os.environ.get("SLAOPS_RECORD_FROM") is None  # the run's own first day is not left behind
