"""The other reading's figures from what is stored in DynamoDB Local (issue 11 point 4): which SonarSource misses
depend on a reading, `/sla credit` on stored tickets, and the resolve summary on stored downtime. Figures worked
by hand from the seed text in each comment."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla_core.app.contract_credit import missed_initial_responses, month_to_date, stored_estimates
from sla_core.app.incident_service import record_event
from sla_core.app.store import repository
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.config.contracts import load_contracts
from sla_core.engine.periods import parse_period
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.contracts.flows import ContractFlows
from sla_core.slack.flow_base import Invocation, SlackApi
from sla_core.slack.render.incident_card import resolve_summary

pytestmark = pytest.mark.integration

CONTRACTS = load_contracts().contracts
ZURICH, EASTERN = ZoneInfo("Europe/Zurich"), ZoneInfo("America/New_York")
# SonarQube support on the Standard tier in EMEA with the region's own holidays (no deployment override), so the
# first-response deadlines rest on the EMEA holiday reading (Switzerland's nationwide holidays, not Geneva's).
STANDARD = replace(CONTRACTS["sonarqube-support"], id="sq-standard", name="SonarQube Standard", tier="standard",
                   holidays=None)  # fmt: skip
AFTER_Q3 = datetime(2026, 10, 2, 12, tzinfo=ZURICH)


def ticket(contract: Contract, incident_id: str, severity: str, opened: datetime, *later: IncidentEvent) -> None:
    """Record a ticket's trigger and later events as the webhooks would."""
    for event in (IncidentEvent(f"{incident_id}-t", "triggered", opened, severity=severity), *later):
        record_event(incident_id=incident_id, event=event, contract=contract, source="pagerduty",
                     recorded_at=event.occurred_at, title=f"ticket {incident_id}")  # fmt: skip


def acked(incident_id: str, at: datetime) -> IncidentEvent:
    return IncidentEvent(f"{incident_id}-a", "acknowledged", at, actor="U1")


def seed_q3_tickets() -> None:
    """Five missed Major first responses in 2026-Q3 (one only under the chosen holiday reading) and one met.

    Major, Standard tier: 1 Business Day = 24 open hours of Business Days (Mon-Fri all day, holidays excluded).
    - SQ-SEP opened Wed 9 Sep 10:00 CEST: Wed 10:00-24:00 = 14 h + Thu 10 h -> due Thu 10 Sep 10:00; acknowledged
      Thu 12:00: missed. Under the other reading (Geneva's holidays as well) Thu 10 Sep (Jeune genevois) is closed:
      due Fri 11 Sep 10:00, so Thu 12:00 is in time: the miss depends on the reading.
    - SQ-JUL-6/13/20/27 opened Monday 10:00 CEST in July, acknowledged Tuesday 12:00 (26 h later): due Tue 10:00
      under both readings (no Swiss or Genevan holiday in July): missed either way.
    - SQ-AUG opened Mon 3 Aug 10:00, acknowledged 12:00: met.
    """
    opened = datetime(2026, 9, 9, 10, tzinfo=ZURICH)
    ticket(STANDARD, "SQ-SEP", "major", opened, acked("SQ-SEP", opened + timedelta(hours=26)))
    for day in (6, 13, 20, 27):
        opened = datetime(2026, 7, day, 10, tzinfo=ZURICH)
        ticket(STANDARD, f"SQ-JUL-{day}", "major", opened, acked(f"SQ-JUL-{day}", opened + timedelta(hours=26)))
    opened = datetime(2026, 8, 3, 10, tzinfo=ZURICH)
    ticket(STANDARD, "SQ-AUG", "major", opened, acked("SQ-AUG", opened + timedelta(hours=2)))


def test_the_misses_that_depend_on_a_reading_are_named_and_counted(table: str) -> None:
    seed_q3_tickets()
    missed = missed_initial_responses(STANDARD, parse_period("2026-Q3", "quarter", ZURICH), AFTER_Q3)
    assert sorted((m.incident_id, m.on_reading) for m in missed) == [
        ("SQ-JUL-13", False), ("SQ-JUL-20", False), ("SQ-JUL-27", False), ("SQ-JUL-6", False), ("SQ-SEP", True),
    ]  # fmt: skip
    (stored,) = stored_estimates(STANDARD, "2026-Q3", AFTER_Q3)
    estimate = stored.estimate
    # 5 > 4: 25% of 15,000.00 = 3,750.00 EUR; without the one that depends on a reading, 4: not more than four.
    assert (estimate.missed_responses, estimate.missed_on_reading, f"{estimate.amount:.2f}") == (5, 1, "3750.00")
    amounts = {
        o.reading["chosen"][:40]: f"{o.estimate.amount:.2f}" for o in stored.others() if "credit_amount" in o.differs
    }
    assert amounts == {
        "1 of the 5 missed initial responses are ": "0.00",
        "Standard and Enterprise tiers earn the c": "0.00",  # other scope reading: Enterprise only
    }


class _NoSlack(SlackApi):
    """No Slack to ask for the typist's zone."""

    def __init__(self) -> None:
        pass


def test_sla_credit_on_stored_tickets_shows_both_figures(table: str) -> None:
    seed_q3_tickets()
    flows = ContractFlows(ContractsConfig("C0DEFAULT", {STANDARD.id: STANDARD}), _NoSlack())
    reply = flows.credit(("sq-standard", "2026-Q3"), Invocation("U1", "C1", "trigger-credit", AFTER_Q3))
    assert "Missed first responses: 5 (1 depends on a reading: 4 without it)." in reply.text
    assert (
        "Estimated credit: *3750.00 EUR* (0.00 EUR if read as: Only the Enterprise tier earns it, as the section's "
        "last sentence says) "
        "(0.00 EUR if read as: the misses that depend on a reading were met) ("
    ) in reply.text
    # The claim: 30 days after Sep 30 24:00 CEST = Oct 31 00:00 CET (summer time ends Oct 25); the other reading
    # counts them from Sep 30 itself: Oct 30 00:00 CET.
    assert "|Sat 31 Oct 00:00 CET> (Fri 30 Oct 00:00 CET if read as: 30 days counted from the quarter's" in reply.text


def test_the_resolve_summary_on_stored_downtime_shows_both_figures(table: str) -> None:
    # Resonate, April 2026 (43,200 min, 99.5% allows 216): a P1 outage Tue 14 Apr 10:00-13:20 EDT (200 min) and
    # scheduled maintenance recorded Thu 9 Apr 21:00-22:00 EDT, outside the EST window (22:00-04:00 EDT) that the
    # chosen reading also holds. Chosen: 260 count, 99.3981%, 7% of 3,200.00 = 224.00 USD. Other (Eastern local
    # time only, 21:00-03:00 EDT): 200 count, 99.5370%, met, 0.00.
    resonate = CONTRACTS["resonate-ems"]
    interval = repository.new_downtime(
        downtime_id="maint-0409", contract_id="resonate-ems", component="platform",
        started_at=datetime(2026, 4, 9, 21, tzinfo=EASTERN), recorded_by="U1", source="slack", reason="scheduled",
        ended_at=datetime(2026, 4, 9, 22, tzinfo=EASTERN),
    )  # fmt: skip
    assert repository.record_interval(interval)  # start and end in one put
    opened = datetime(2026, 4, 14, 10, tzinfo=EASTERN)
    resolved = IncidentEvent("r1-r", "resolved", opened + timedelta(minutes=200), actor="U1")
    ticket(resonate, "R-1", "P1", opened, resolved)
    item = repository.get_incident("R-1")
    assert item is not None
    summary = month_to_date(item, resonate, datetime(2026, 4, 30, 12, tzinfo=EASTERN))
    assert summary is not None and summary.intervals == 2
    text = resolve_summary(summary, resonate)
    other = "if read as: The windows in America/New_York for 2026-04"
    assert f"Availability 99.3981% (target 99.5%) (met at 99.5370% {other}): " in text
    assert f"Estimated credit: 224.00 USD (0.00 USD {other}). " in text
