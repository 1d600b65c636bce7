"""Notes on a contract's terms that go with an incident's card and a what-if deadline, in Slack mrkdwn: the
paid after-hours help for a ticket opened outside the support hours (Sonar Software), a tier without an SLA
(SonarSource Base Support), and a tier name that holds only under a condition (SonarSource's "Premium
Support" in agreements dated before 2026-03-03)."""

from __future__ import annotations

from datetime import datetime

from sla_core.app.contract_terms import terms_for
from sla_core.app.incident_service import contract_policy
from sla_core.config.contract import Contract
from sla_core.engine.after_hours import after_hours
from sla_core.engine.errors import SlaError
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident
from sla_core.slack.render.text import escape


def after_hours_text(contract: Contract, severity: str, opened_at: datetime) -> str | None:
    """The after-hours note for a ticket of `severity` opened at `opened_at` (None: no charge applies there)."""
    terms = terms_for(contract)
    try:
        found = after_hours(
            contract_policy(contract), severity, opened_at, contract.region, terms.holidays if terms else None
        )
    except SlaError:  # a severity the policy does not know (the card shows it as it came)
        return None
    if found is None or not found.applies:
        return None
    waiver = found.terms.waiver
    waived_if = f" Waived if {escape(waiver.when)}." if waiver is not None and not found.waived else ""
    return f":crescent_moon: *After-hours*: {escape(found.why)} {escape(found.basis)}{waived_if}"


def no_sla_text(contract: Contract) -> str | None:
    """The plain answer for a contract whose tier has no SLA (None for every other contract)."""
    without = load_policy(contract.policy).no_sla(contract.tier)
    return f":information_source: {escape(without.no_sla_answer())}" if without is not None else None


def tier_text(contract: Contract) -> str | None:
    """What the contract's tier name means and on what condition, when it is another name for a tier."""
    if contract.tier_written is None:
        return None
    choice = load_policy(contract.policy).tier_choice(contract.tier_written, contract.agreement_date)
    return f":information_source: *Tier*: {escape(choice.condition or '')}"


def incident_notes(item: Incident, contract: Contract | None) -> list[str]:
    """The notes an incident's card carries: a tier without an SLA, the after-hours charge."""
    if contract is None:
        return []
    found = (no_sla_text(contract), after_hours_text(contract, item.severity, item.opened_at))
    return [note for note in found if note is not None]


def deadline_notes(contract: Contract, severity: str, opened_at: datetime) -> list[str]:
    """The notes a what-if deadline carries: the tier's meaning or lack of an SLA, the after-hours charge."""
    found = (no_sla_text(contract), tier_text(contract), after_hours_text(contract, severity, opened_at))
    return [note for note in found if note is not None]
