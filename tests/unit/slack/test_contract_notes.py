"""Issue 11 point 7 in Slack words, rendered without I/O: the after-hours note on cards and what-if deadlines,
Premium and Base Support in `/sla deadline`, the duty reminder, and the refund line of a monthly report."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sla_core.app.contract_credit import contract_estimate
from sla_core.app.duties import due_notices
from sla_core.app.notices import ComponentMonth, Report, ReportJob
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import load_contracts, parse_contracts
from sla_core.engine.intervals import downtime
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy
from sla_core.slack import flow_runner
from sla_core.slack.client import Outbox, SlackPoster
from sla_core.slack.flow_base import Invocation
from sla_core.slack.render.duties import duty_reminder_text
from sla_core.slack.render.incident_card import card
from sla_core.slack.render.reports import monthly_lines
from sla_core.slack.render.terms_notes import after_hours_text, deadline_notes
from sla_core.storage import repository
from tests.conftest import ROOT

SHIPPED = load_contracts()
BILLING = SHIPPED.contracts["sonar-billing"]


def config_with(**changes: Any) -> ContractsConfig:
    """The shipped contracts with fields of some contracts changed (a new id copies sonarqube-support)."""
    data = tomllib.loads((ROOT / "config" / "contracts.toml").read_text(encoding="utf-8"))
    for contract_id, fields in changes.items():
        table = data["contracts"].setdefault(contract_id, copy.deepcopy(data["contracts"]["sonarqube-support"]))
        if contract_id not in SHIPPED.contracts:
            table.pop("pagerduty", None)
        table.update(fields)
    return parse_contracts(data)


def billing_incident(opened: datetime, severity: str = "normal") -> Any:
    return repository.new_incident(
        incident_id="pd-AH1", contract_id="sonar-billing", component="platform", severity=severity,
        source="pagerduty", title="Invoices fail", opened_at=opened, status="triggered",
    )  # fmt: skip


def test_the_card_of_a_ticket_opened_after_hours_carries_the_charge() -> None:
    # Sat 14 Mar 2026 14:00Z = 10:00 EDT: outside Mon–Fri 09:00–19:00 Eastern; the minimum 1 h × 100 USD.
    _, blocks = card(billing_incident(datetime(2026, 3, 14, 14, 0, tzinfo=UTC)), BILLING, [])
    (note,) = [b["elements"][0]["text"] for b in blocks if b["type"] == "context" and "After-hours" in json.dumps(b)]
    assert note.startswith(":crescent_moon: *After-hours*: Opened Sat 2026-03-14 10:00 EDT, outside Sonar")
    assert "At least 100.00 USD (the 1 hour minimum at 100 USD per hour)" in note
    assert note.endswith("Waived if the issue is deemed to be caused by Sonar.")
    # Tue 10 Mar 15:00Z = 11:00 EDT: within the hours, so no note.
    _, inside = card(billing_incident(datetime(2026, 3, 10, 15, 0, tzinfo=UTC)), BILLING, [])
    assert "After-hours" not in json.dumps(inside)


def test_an_outage_after_hours_is_shown_waived() -> None:
    note = after_hours_text(BILLING, "production-down", datetime(2026, 3, 13, 23, 30, tzinfo=UTC))  # Fri 19:30 EDT
    assert note is not None and "Waived: the issue is deemed to be caused by Sonar, as a Production Down" in note
    assert "Waived if" not in note  # already waived


def test_the_card_of_a_base_support_incident_says_there_is_no_sla() -> None:
    config = config_with(**{"sq-base": {"tier": "base"}})
    item = repository.new_incident(
        incident_id="pd-B1", contract_id="sq-base", component="platform", severity="blocker",
        source="pagerduty", title="Scanner down", opened_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC), status="triggered",
    )  # fmt: skip
    _, blocks = card(item, config.contracts["sq-base"], [])
    notes = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert notes == [":information_source: " + load_policy("sonarsource").tiers["base"].no_sla_answer()]
    assert notes[0].startswith(":information_source: Base Support has no SLA: “Customers in the Base Support Tier")


def test_a_severity_the_policy_does_not_know_gets_no_note() -> None:
    assert after_hours_text(BILLING, "P9", datetime(2026, 3, 14, 14, 0, tzinfo=UTC)) is None


def ask(config: ContractsConfig, tmp_path: Path, text: str) -> str:
    inv = Invocation("U0ALICE0001", "C0SONARQUBE", "t.1", datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    poster = SlackPoster(outbox=Outbox(tmp_path / "outbox.jsonl", echo=None))
    return flow_runner.command(text, inv, config, poster).text


def test_what_if_deadlines_on_base_and_premium_contracts(tmp_path: Path) -> None:
    config = config_with(
        **{"sonarqube-support": {"tier": "premium", "agreement_date": date(2025, 6, 1)}, "sq-base": {"tier": "base"}}
    )
    premium = ask(config, tmp_path, "deadline sonarqube-support blocker at 2026-03-14T10:00")
    # Enterprise Blocker, 1 clock hour: 10:00 -> 11:00 CET (2026-03-14T10:00Z), and the tier's condition.
    assert f"→ due <!date^{int(datetime(2026, 3, 14, 10, 0, tzinfo=UTC).timestamp())}^" in premium
    assert "*Tier*: “Premium Support” is Enterprise Tier support: the agreement is dated 2025-06-01" in premium
    base = ask(config, tmp_path, "deadline sq-base blocker at 2026-03-14T10:00")
    assert "Base Support has no SLA: “Customers in the Base Support Tier" in base
    assert "→ due" not in base


def test_what_if_deadline_after_hours(tmp_path: Path) -> None:
    reply = ask(SHIPPED, tmp_path, "deadline sonar-billing normal at 2026-03-14T10:00")
    assert ":crescent_moon: *After-hours*: Opened Sat 2026-03-14 10:00" in reply
    assert deadline_notes(BILLING, "normal", datetime(2026, 3, 10, 15, 0, tzinfo=UTC)) == []  # Tue 11:00 EDT


def test_the_downgrade_reminder_names_the_deadline_and_conditions() -> None:
    # Renewal Mon 1 Mar 2027, Zurich: due 00:00 CET = 2027-02-28T23:00Z; on Mon 22 Feb 09:00 CET the 7-day
    # reminder (22 Feb 00:00) is the latest due, with 7 days left.
    config = config_with(**{"sonarqube-support": {"renewal_date": date(2027, 3, 1)}})
    (notice,) = due_notices(config.contracts["sonarqube-support"], datetime(2027, 2, 22, 8, 0, tzinfo=UTC))
    assert notice.post_id == "duty#sonarqube-support#downgrade-request#2027-03-01#7d"
    text = duty_reminder_text(notice)
    epoch = int(datetime(2027, 2, 28, 23, 0, tzinfo=UTC).timestamp())
    assert text.startswith(":memo: *Deadline in 7 days* on SonarQube Enterprise support: Request a Support Tier")
    assert f"by <!date^{epoch}^" in text and "(before the renewal date, 2027-03-01)" in text
    assert "in writing; SonarSource must have received it" in text
    assert text.endswith("The lower tier's eligibility criteria must be met.")
    provider = config_with(**{"sonarqube-support": {"renewal_date": date(2027, 3, 1), "perspective": "provider"}})
    (theirs,) = due_notices(provider.contracts["sonarqube-support"], datetime(2027, 2, 28, 8, 0, tzinfo=UTC))
    assert duty_reminder_text(theirs).startswith(":memo: *Customer deadline tomorrow* on SonarQube")


def test_the_monthly_report_estimates_the_refund_next_to_the_termination_right() -> None:
    # Resonate EMS (prepaid 38,400.00 for 2026): April 300 min down of 43,200 (99.3055%) with February and March
    # failed gives the right until 11 May 00:00 EDT; effective 10 May: 236 / 365 × 38,400.00 = 24,828.49 USD.
    ems = SHIPPED.contracts["resonate-ems"]
    intervals = [downtime(datetime(2026, 4, 14, 14, tzinfo=UTC), datetime(2026, 4, 14, 19, tzinfo=UTC))]
    estimate = contract_estimate(
        ems, load_policy("resonate"), "2026-04", "platform", intervals, failed_months=("2026-02", "2026-03")
    )
    zone = estimate.zone
    job = ReportJob("report#resonate-ems#2026-04", "resonate-ems", "month", month_period(2026, 4, zone), None)
    lines = monthly_lines(Report(job, ems, "Resonate", components=(ComponentMonth("platform", estimate),)))
    (refund,) = [line for line in lines if "Refund of prepaid fees" in line]
    assert refund.startswith(":moneybag: *Refund of prepaid fees on termination*: If termination takes effect on ")
    assert "2026-05-10 (the last day the right can be exercised): 236 of the 365 prepaid days" in refund
    assert "= 24828.49 USD refunded; each day earlier adds 105.21 USD." in refund
    assert estimate.termination is not None and estimate.termination.refund is not None
    assert estimate.termination.refund.amount == Decimal("24828.49")
