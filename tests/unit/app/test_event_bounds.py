"""The bounds and ordering rules of app/event_bounds, on folded states (no storage)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sla_core.app.event_bounds import ImplausibleInstant, check_event, check_order, earliest
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent, IncidentState, fold

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
OPENED = NOW - timedelta(hours=1)
SONAR = load_contracts().contracts["sonar-billing"]
SUPPORT = load_contracts().contracts["sonarqube-support"]  # agreement_date 2025-11-14


@pytest.fixture(autouse=True)
def default_lookback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLAOPS_RECORD_FROM", raising=False)
    monkeypatch.delenv("SLAOPS_LOOKBACK_DAYS", raising=False)


def opened() -> IncidentState:
    return fold([IncidentEvent("t", "triggered", OPENED, "U1", "normal")])


def test_the_first_day_is_the_later_of_the_lookback_and_the_contracts_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-03-10T15:00Z - 92 days = 2025-12-08T15:00Z, later than sonar-billing's Activation (2021-03-15).
    assert earliest(SONAR, NOW) == (datetime(2025, 12, 8, 15, 0, tzinfo=UTC), "the look-back of 92 days")
    monkeypatch.setenv("SLAOPS_LOOKBACK_DAYS", "365")
    # 365 days back is 2025-03-10; sonarqube-support's agreement (2025-11-14, 00:00 in its zone) is later.
    first, why = earliest(SUPPORT, NOW)
    assert first.date().isoformat() == "2025-11-14" and first.hour == 0 and "agreement date" in why
    monkeypatch.setenv("SLAOPS_RECORD_FROM", "2021-01-01")
    assert earliest(None, NOW)[0] == datetime(2021, 1, 1, tzinfo=UTC)  # no contract: UTC


@pytest.mark.parametrize(
    "at",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        NOW - timedelta(days=93),
        NOW + timedelta(minutes=6),
        datetime(2099, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_instants_outside_the_bounds_are_refused(at: datetime) -> None:
    with pytest.raises(ImplausibleInstant, match="is outside what the record accepts: from 2025-12-08 15:00 UTC"):
        check_event(IncidentEvent("e", "triggered", at), SONAR, NOW)


def test_instants_inside_the_bounds_pass() -> None:
    for at in (NOW - timedelta(days=91), NOW, NOW + timedelta(minutes=4)):
        check_event(IncidentEvent("e", "triggered", at), SONAR, NOW)


def test_a_corrected_instant_is_checked_too() -> None:
    fix = IncidentEvent("c", "corrected", NOW, resolved_fix=datetime(1, 1, 1, tzinfo=UTC))
    with pytest.raises(ImplausibleInstant, match="The corrected resolve 0001-01-01 00:00 UTC"):
        check_event(fix, SONAR, NOW)


@pytest.mark.parametrize("kind", ["acknowledged", "resolved", "update", "paused"])
def test_an_event_before_the_opening_is_refused(kind: str) -> None:
    before = opened()
    event = IncidentEvent("x", kind, OPENED - timedelta(minutes=1), "U1", text="r")
    with pytest.raises(ImplausibleInstant, match="is before the incident opened"):
        check_order(before, event, fold([event], before), strict_status=False)


def test_a_correction_that_ends_the_outage_before_it_began_is_refused() -> None:
    before = fold([IncidentEvent("r", "resolved", OPENED + timedelta(minutes=30))], opened())
    fix = IncidentEvent("c", "corrected", NOW, "U1", opened_fix=OPENED + timedelta(minutes=31))
    with pytest.raises(ImplausibleInstant, match=r"would be resolved \(2026-03-10 14:30 UTC\) before it opened"):
        check_order(before, fix, fold([fix], before), strict_status=True)


def test_a_contradiction_the_record_held_already_does_not_block_later_events() -> None:
    # An acknowledgement stored before these checks existed, earlier than a later-corrected opening.
    before = fold(
        [
            IncidentEvent("a", "acknowledged", OPENED + timedelta(minutes=5)),
            IncidentEvent("c", "corrected", OPENED, opened_fix=OPENED + timedelta(minutes=10)),
        ],
        opened(),
    )
    update = IncidentEvent("u", "update", OPENED + timedelta(minutes=20), text="still down")
    check_order(before, update, fold([update], before), strict_status=True)


def test_a_typed_resolve_overridden_by_a_later_status_is_refused_but_not_from_pagerduty() -> None:
    before = fold([IncidentEvent("a", "acknowledged", OPENED + timedelta(minutes=50))], opened())
    resolve = IncidentEvent("r", "resolved", OPENED + timedelta(minutes=30))
    after = fold([resolve], before)
    with pytest.raises(ImplausibleInstant, match="is acknowledged since 2026-03-10 14:50 UTC"):
        check_order(before, resolve, after, strict_status=True)
    check_order(before, resolve, after, strict_status=False)  # PagerDuty: deliveries arrive out of order
