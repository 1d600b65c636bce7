"""An incident on a contract whose policy commits to availability and credits only (no calendars, no severities,
the shape of most cloud SLAs): its card and replies carry no response deadline and it schedules no reminder;
what it tracks is whether it counts toward availability, and at its resolve the month's availability, credit and
claim window (with their claim reminders)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from sla_core.app.alternate_figures import other_figures
from sla_core.app.contract_credit import MonthToDate, contract_estimate
from sla_core.app.contract_terms import terms_for
from sla_core.app.incident_service import counts_as_outage
from sla_core.config.contract import Contract
from sla_core.config.contracts import parse_contracts
from sla_core.engine.intervals import downtime
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident
from sla_core.incidents.reminder_stages import incident_stages, next_due
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import track
from sla_core.slack.incidents.routes import ACK_ACTION, OUTAGE_OFF_ACTION, RESOLVE_ACTION, UPDATE_ACTION
from sla_core.slack.render.incident_card import (
    card,
    event_reply,
    resolve_summary,
)
from sla_core.slack.render.reports import claim_reminder_drafts
from sla_core.storage import repository
from tests.support.own_policy import write_uptime_policy

OPENED = datetime.fromisoformat("2026-06-10T10:00:00+00:00")
RESOLVED = datetime.fromisoformat("2026-06-10T11:30:00+00:00")


@pytest.fixture
def contract(tmp_path: Path) -> Iterator[Contract]:
    add_policy_dirs([write_uptime_policy(tmp_path / "policies").parent])
    entry = {
        "policy": "acme-cloud", "fee": "1000.00", "currency": "USD", "perspective": "customer",
        "slack_channel": "C0ACMECLD01", "pagerduty": {"service_ids": ["PACME01"]},
        "outages": {"services": {"PACME01": True}},  # no severity says "outage": the service does
    }  # fmt: skip
    yield parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {"acme-cloud": entry}}).contracts[
        "acme-cloud"
    ]
    reset_policy_dirs()


def events(contract: Contract, *more: IncidentEvent) -> list[IncidentEvent]:
    # PagerDuty's priority maps to no severity (the policy has none): the event carries none, as events.py makes it.
    severity = contract.pagerduty.severity_for("P1")
    assert severity is None
    return [IncidentEvent("t", "triggered", OPENED, severity=severity, priority="P1"), *more]


def incident(contract: Contract, status: str = "triggered") -> Incident:
    item = repository.new_incident(
        incident_id="pd-Q1", contract_id=contract.id, component="platform", severity="P1", source="pagerduty",
        title="API down", opened_at=OPENED, status=status,
    )  # fmt: skip
    return replace(item, service_id="PACME01")


def test_it_runs_no_clock_and_schedules_no_reminder(contract: Contract) -> None:
    terms = terms_for(contract)
    assert terms is not None
    state = fold(events(contract))
    assert track(terms, state) == []
    # Even a severity the source sends as text finds no target: the policy has no severities, so no clock.
    assert track(terms, fold([IncidentEvent("t", "triggered", OPENED, severity="P1")])) == []
    assert incident_stages([]) == [] and next_due([], set()) is None
    # It counts toward availability (the contract's [outages] rule for its service).
    assert counts_as_outage(incident(contract), state, contract)


def test_its_card_tracks_availability_not_deadlines(contract: Contract) -> None:
    item = replace(incident(contract), outage=True)
    text, blocks = card(item, contract, [])
    rendered = text + json.dumps(blocks)
    assert "Outage: counts as downtime" in rendered
    assert "due" not in rendered and "target" not in rendered  # no deadline line, no response target
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    # The lifecycle buttons and the outage toggle; no cause select (the policy excludes no cause).
    assert actions == [ACK_ACTION, UPDATE_ACTION, RESOLVE_ACTION, OUTAGE_OFF_ACTION]


def test_its_replies_name_no_response_target(contract: Contract) -> None:
    ack = IncidentEvent("a", "acknowledged", datetime.fromisoformat("2026-06-10T10:05:00+00:00"), actor="Ana")
    update = IncidentEvent("u", "update", datetime.fromisoformat("2026-06-10T10:20:00+00:00"), actor="Ana")
    # Without a first-response clock the acknowledgement has no verdict, the update no next due instant.
    assert event_reply(ack, [], contract).startswith("Acknowledged by Ana at Wed 10 Jun 10:05 UTC")
    assert event_reply(ack, [], contract).endswith(">).")
    assert event_reply(update, [], contract).endswith("|Wed 10 Jun 10:20 UTC>).")


def test_its_resolve_says_availability_credit_and_claim_and_schedules_claim_reminders(contract: Contract) -> None:
    intervals = [downtime(OPENED, RESOLVED, component="platform", incident="pd-Q1")]
    estimate = contract_estimate(contract, load_policy("acme-cloud"), "2026-06", "platform", intervals)
    summary = resolve_summary(MonthToDate(estimate, 1, other_figures(estimate, intervals)), contract)
    # June = 43,200 min; 90 min down: (43,200 - 90) / 43,200 = 99.7916% (below 99.9%); 90 / 43,200 × 1,000.00
    # = 2.08 USD, 1.08 under the other reading (only the 46.8 min beyond the 43.2 allowed); claim within 30 days
    # of the month's end: Jul 1 00:00 UTC + 30 days = Fri 31 Jul 00:00 UTC.
    assert "Availability 99.7916% (target 99.9%)" in summary
    assert "Estimated credit: 2.08 USD" in summary and "1.08" in summary
    assert "Claim by Fri 31 Jul 00:00 UTC" in summary
    assert "due" not in summary.replace("Claim by", "")
    # The claim window's reminders, 7 days and 1 day before it closes (Jul 24 and Jul 30, 00:00 UTC).
    drafts = claim_reminder_drafts(contract, estimate, RESOLVED)
    sends = [datetime.fromisoformat(t) for t in ("2026-07-24T00:00:00+00:00", "2026-07-30T00:00:00+00:00")]
    assert [d.send_at for d in drafts] == sends
    assert all(d.channel == contract.slack_channel and "Claim window closes" in d.text for d in drafts)
