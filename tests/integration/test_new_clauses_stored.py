"""The clauses the language learnt last, from what DynamoDB Local stores: a yearly maintenance allowance used by
the year's earlier maintenance, and hours in the customer's local time from the contract's customer_timezone.

acme-ops (tests/support/own_policy.py): New York; 99.9% of each calendar quarter, 10 hours of scheduled
maintenance a year excluded (first come, first served from Jan 1), a proportional credit on the quarterly fee
(3,000.00 USD), claims within 5 business days of the quarter's end; p2: a first response within 2 hours of the
customer's business hours (Mon-Fri 08:00-17:00 customer local time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_credit import stored_estimates
from sla_core.app.incident_service import record_event
from sla_core.app.month_glance import month_glance
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.config.contracts import parse_contracts
from sla_core.engine.instants import to_micros
from sla_core.engine.periods import month_period
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.incidents.state import IncidentEvent
from tests.support.own_policy import write_clauses_policy

pytestmark = pytest.mark.integration

NY = ZoneInfo("America/New_York")
MIN = 60_000_000


@pytest.fixture
def contract(tmp_path: Path) -> Iterator[Contract]:
    add_policy_dirs([write_clauses_policy(tmp_path / "policies").parent])
    entry = {
        "policy": "acme-ops", "fee": "3000.00", "currency": "USD", "perspective": "customer",
        "slack_channel": "C0ACMEOPS01", "customer_timezone": "Europe/Berlin",
        "pagerduty": {"service_ids": ["PACMEO1"], "priorities": {"P2": "p2"}},
    }  # fmt: skip
    yield parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {"acme-ops": entry}}).contracts["acme-ops"]
    reset_policy_dirs()


def maintenance(downtime_id: str, start: datetime, hours: int) -> None:
    item = repository.new_downtime(
        downtime_id=downtime_id, contract_id="acme-ops", component="platform", started_at=start,
        ended_at=start + timedelta(hours=hours), recorded_by="U0ALICE0001", source="slack", reason="scheduled",
    )  # fmt: skip
    assert repository.record_interval(item)


def test_a_quarter_uses_what_the_years_earlier_maintenance_left_of_the_allowance(
    table: str, contract: Contract
) -> None:
    maintenance("feb", datetime(2026, 2, 14, 1, 0, tzinfo=NY), 8)
    maintenance("may", datetime(2026, 5, 16, 1, 0, tzinfo=NY), 6)
    # Q2 (131,040 min): February's 8 h left 2 h of the year's 10; May's 6 h: 120 min excluded, 240 counted:
    # (131,040 − 240) / 131,040 = 99.8168%; 240 / 131,040 × 3,000.00 = 5.49 USD; claim by the end of Wed 8 Jul
    # (Jul 1, 2, (3 Independence Day observed), 6, 7, 8), Jul 9 00:00 EDT.
    (stored,) = stored_estimates(contract, "2026-Q2", datetime(2026, 7, 1, 12, 0, tzinfo=NY))
    figures = stored.estimate.as_dict()
    assert (figures["availability_percent"], figures["credit_amount"]) == ("99.8168", "5.49")
    assert figures["claim_deadline"] == "2026-07-09T00:00:00-04:00"
    assert stored.intervals[0].start == to_micros(datetime(2026, 2, 14, 1, 0, tzinfo=NY))  # read for the allowance
    # May's glance: the same 240 min counted (the allowance is the year's, whatever period is shown).
    (glance,) = month_glance(contract, datetime(2026, 6, 1, 9, 0, tzinfo=NY), month_period(2026, 5, NY))
    assert glance.measurement is not None
    assert (glance.measurement.counted, glance.measurement.excluded) == (240 * MIN, 120 * MIN)


def test_an_incidents_clock_runs_on_the_customers_hours(table: str, contract: Contract) -> None:
    # Fri 12 Jun 2026 14:00Z is 16:00 in Berlin: 1 h to 17:00, then Mon 15 08:00 + 1 h = 09:00 CEST.
    opened = datetime.fromisoformat("2026-06-12T14:00:00+00:00")
    result = record_event(
        incident_id="pd-CUST1", event=IncidentEvent("t", "triggered", opened, severity="p2", priority="P2"),
        contract=contract, source="pagerduty", recorded_at=opened, title="Reports slow", component="platform",
    )  # fmt: skip
    (first,) = deadlines_of(result.incident, contract)
    assert first.due_at == datetime.fromisoformat("2026-06-15T09:00:00+02:00")
    stored = repository.get_incident("pd-CUST1")
    assert stored is not None and [d.due_at for d in stored.deadlines or []] == [first.due_at]
