"""Clocks that pause where the contract allows it (a policy written in the test: none of the seeds pauses).

Acme: business hours Mon-Fri 09:00-17:00 New York; high: first response 1 business hour, resolution 8 business
hours, and "waiting for customer" stops only the resolution clock. Opened Mon 2 Nov 2026 09:00 EST:
first response due 10:00; resolution due 17:00 (8 open hours).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.reminder_stages import stages
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, track
from tests.support.own_policy import write_pausing_policy

T0 = datetime.fromisoformat("2026-11-02T09:00:00-05:00")  # Mon


@pytest.fixture(autouse=True)
def acme(tmp_path: Path) -> Iterator[None]:
    write_pausing_policy(tmp_path / "policies")
    add_policy_dirs([tmp_path / "policies"])
    yield
    reset_policy_dirs()


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def clocks(*events: IncidentEvent) -> dict[str, tuple[datetime, timedelta, datetime | None]]:
    state = fold([IncidentEvent("t", "triggered", T0, severity="high"), *events])
    return {t.metric: (t.due_at, t.paused, t.paused_since) for t in track(Terms("acme-support"), state)}


def test_a_pause_moves_only_the_clocks_its_reason_stops_by_the_open_time_it_lasted() -> None:
    # Paused Mon 11:00-15:00: 4 open hours. Resolution: 17:00 + 4 open hours = Tue 09:00 + 4 h = Tue 13:00.
    found = clocks(
        IncidentEvent("p", "paused", at(2), text="waiting-for-customer"), IncidentEvent("r", "resumed", at(6))
    )
    assert found["resolution"] == (at(24 + 4), timedelta(hours=4), None)
    assert found["initial_response"] == (at(1), timedelta(0), None)  # not stopped by this reason
    # Paused overnight Mon 16:00 → Tue 10:00: open time 1 h (Mon 16-17) + 1 h (Tue 09-10) = 2 h: due Tue 11:00.
    overnight = clocks(IncidentEvent("p", "paused", at(7), text="waiting-for-customer"),
                       IncidentEvent("r", "resumed", at(25)))  # fmt: skip
    assert overnight["resolution"][:2] == (at(26), timedelta(hours=2))


def test_a_running_pause_stops_the_clock_and_its_reminders() -> None:
    state = fold([IncidentEvent("t", "triggered", T0, severity="high"),
                  IncidentEvent("p", "paused", at(2), text="waiting-for-customer")])  # fmt: skip
    resolution = next(t for t in track(Terms("acme-support"), state) if t.metric == "resolution")
    assert (resolution.paused_since, resolution.paused_for) == (at(2), "waiting-for-customer")
    assert stages(resolution) == []
    # Six open hours were left when it stopped (8 h target, 2 h used).
    assert resolution.remaining(at(2)) == timedelta(hours=6)


def test_a_reason_the_contract_does_not_name_stops_nothing_and_the_policy_says_which_it_names() -> None:
    found = clocks(IncidentEvent("p", "paused", at(2), text="waiting-for-parts"), IncidentEvent("r", "resumed", at(6)))
    assert found["resolution"] == (at(8), timedelta(0), None)
    policy = load_policy("acme-support")
    high = policy.severity("high")
    assert policy.pause("waiting-for-customer", high, None) is not None
    assert policy.pause("waiting-for-parts", high, None) is None
    assert load_policy("sonar-software").pauses == {}  # none of the seeds pauses on status
