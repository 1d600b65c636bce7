"""Monthly and quarter-end reports and claim-window reminders, through the local stack's tick endpoint.

History is written into the stack's DynamoDB Local through `incident_service.record_event`, in 2030 so
the stack's own real-time ticks never reach it; then `POST /_local/tick?at=...` moves the clock:
- Sonoran hosting, web: an outage Thu 2030-02-28 20:00–22:00 MST (UTC−7) is 120 min of February's
  28 × 1440 = 40,320 min: availability (40,320 − 120) / 40,320 = 99.70238…%, shown truncated as 99.7023%,
  below the 99.9% target; credit 120 / 40,320 × 899.50 = 2.677… → 2.68 USD. The claim is due 72 h after the
  outage: 2030-03-03 22:00 MST (05:00Z on 03-04); the 7-day reminder would be 02-24, already past, so only the
  1-day one is set: 2030-03-02 22:00 MST = 2030-03-03T05:00Z.
- SonarQube Enterprise (EMEA, Europe/Zurich): five "major" tickets (12 h initial response, 24/7) in
  2030-Q1 (weekly from Jan 14) acknowledged after 13 h each: 5 > 4, so 25% of 15,000.00 = 3,750.00 EUR.
  The claim is due 30 days after the quarter: 2030-05-01 00:00 CEST (2030-04-30T22:00Z); reminders at
  04-23T22:00Z and 04-29T22:00Z.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.app.incident_service import record_event
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.storage import models
from tests.support.stack_runner import (
    RunningStack,
    post,
    running_stack,
)

pytestmark = pytest.mark.integration

CONFIG = load_contracts()
MST = datetime.fromisoformat("2030-02-28T20:00:00-07:00").tzinfo
CET = datetime.fromisoformat("2030-01-14T10:00:00+01:00").tzinfo


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("reports-stack")) as running:
        yield running


def seed_history(dynamodb_port: int) -> None:
    """The outage and the late tickets, recorded as webhooks would record them, in the stack's table."""
    models.configure(table_name="SlaOpsTable", host=f"http://127.0.0.1:{dynamodb_port}", region="us-east-1")
    sonoran = CONFIG.contracts["sonoran-hosting"]
    opened = datetime(2030, 2, 28, 20, 0, tzinfo=MST)
    for event in (
        IncidentEvent("so-t", "triggered", opened, severity="escalation"),
        IncidentEvent("so-r", "resolved", opened + timedelta(hours=2), actor="U1"),
    ):
        record_event(incident_id="pd-SON-1", event=event, contract=sonoran, source="pagerduty",
                     recorded_at=event.occurred_at, title="web down", component="web")  # fmt: skip
    sonarqube = CONFIG.contracts["sonarqube-support"]
    for number in range(5):
        opened = datetime(2030, 1, 14, 10, 0, tzinfo=CET) + timedelta(days=7 * number)
        for event in (
            IncidentEvent(f"sq{number}-t", "triggered", opened, severity="major"),
            IncidentEvent(f"sq{number}-a", "acknowledged", opened + timedelta(hours=13), actor="U1"),
            IncidentEvent(f"sq{number}-r", "resolved", opened + timedelta(hours=20), actor="U1"),
        ):
            record_event(incident_id=f"SQ-{number}", event=event, contract=sonarqube, source="pagerduty",
                         recorded_at=event.occurred_at, title=f"ticket {number}")  # fmt: skip


def tick(stack: RunningStack, at: str) -> list[dict[str, Any]]:
    """Run the schedule at `at`; the outbox entries it added."""
    before = len(read_outbox(stack.outbox))
    status, text = post(f"{stack.api}/_local/tick?at={at}", b"", {})
    assert status == 200, text
    return read_outbox(stack.outbox)[before:]


def read_outbox(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def by_channel(entries: list[dict[str, Any]], channel: str) -> list[str]:
    return [str(entry["text"]) for entry in entries if entry.get("channel") == channel]


def test_reports_and_claim_reminders_appear_in_the_outbox(stack: RunningStack) -> None:
    seed_history(stack.dynamodb_port)

    march = tick(stack, "2030-03-01T12:00:00Z")
    reports = [e for e in march if "SLA report" in str(e["text"])]
    # Every contract's report but github-enterprise's: its credit is on the quarter's downtime, reported at its end.
    monthly = {c.slack_channel for c in CONFIG.contracts.values() if c.id != "github-enterprise"}
    assert {e["channel"] for e in reports} == monthly
    (sonoran,) = by_channel(reports, "C0SONORAN01")
    assert "Monthly SLA report: Sonoran Servers hosting, 2030-02" in sonoran
    assert "*web*: availability 99.7023% against the 99.9% target: *missed*" in sonoran
    assert "Estimated credit to claim: *2.68 USD*" in sonoran
    assert "*Claim by <!date^1898830800^" in sonoran  # 2030-03-04T05:00:00Z = 2030-03-03 22:00 MST
    (sonarqube_month,) = by_channel(reports, "C0SONARQUBE")
    # Opened Jan 14, 21, 28, Feb 4 and 11, each acknowledged 13 h later against a 12 h target.
    assert "5 tickets missed the initial response in 2030-Q1 so far" in sonarqube_month
    assert tick(stack, "2030-03-01T12:01:00Z") == []  # claimed once: a later tick that day posts nothing

    assert tick(stack, "2030-03-03T04:59:00Z") == []
    (one_day,) = tick(stack, "2030-03-03T05:00:00Z")
    assert one_day["channel"] == "C0SONORAN01"
    assert "Claim window closes in 1 day" in one_day["text"] and "2.68 USD" in one_day["text"]

    april = tick(stack, "2030-04-01T12:00:00Z")
    (quarter,) = by_channel([e for e in april if "SLA report" in str(e["text"])], "C0SONARQUBE")
    assert "Quarter-end SLA report: SonarQube Enterprise support, 2030-Q1" in quarter
    assert "5 tickets missed the initial response in 2030-Q1; the credit needs more than 4: *threshold passed*" in (
        quarter
    )
    assert "*3750.00 EUR*" in quarter and "supportcredits@sonarsource.com" in quarter
    (github,) = by_channel([e for e in april if "SLA report" in str(e["text"])], "C0GITHUB001")
    assert "Quarter-end SLA report: GitHub Enterprise Cloud, 2030-Q1" in github  # no Outage recorded: met
    assert "*platform*: availability 100.0000% against the 99.95% target: *met*" in github

    assert tick(stack, "2030-04-23T21:59:00Z") == []
    (week,) = tick(stack, "2030-04-23T22:00:00Z")
    assert "Claim window closes in 7 days" in week["text"] and "3750.00 EUR" in week["text"]
    (day,) = tick(stack, "2030-04-29T22:00:00Z")
    assert "Claim window closes in 1 day" in day["text"] and day["channel"] == "C0SONARQUBE"
    assert tick(stack, "2030-04-30T21:59:00Z") == []  # nothing more before May 1 in Zurich
