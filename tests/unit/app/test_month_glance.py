"""The month glance of a contract whose policy sets no availability target needs no downtime and says so."""

from __future__ import annotations

from datetime import UTC, datetime

from sla_core.app.month_glance import month_glance
from sla_core.config.contracts import load_contracts


def test_a_policy_without_an_availability_target_has_no_budget_and_no_days() -> None:
    # SonarSource's credit is for missed responses per quarter; availability has no target. The month is still
    # the contract's own: 2026-11 in Europe/Zurich (the EMEA region), where 14 Nov 12:00Z falls.
    contract = load_contracts().contracts["sonarqube-support"]
    (glance,) = month_glance(contract, datetime(2026, 11, 14, 12, 0, tzinfo=UTC))
    assert (glance.budget, glance.days, glance.measurement) == (None, None, None)
    assert glance.no_target == "SonarSource sets no availability target"
    assert glance.period.label == "2026-11" and glance.period.zone.key == "Europe/Zurich"
