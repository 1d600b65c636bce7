"""Claim-window reminders: one per window still ahead, the same post ids from the report and from a resolve."""

from __future__ import annotations

from datetime import datetime

from sla_core.config.contracts import load_contracts
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.intervals import downtime
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.render.reports import claim_reminder_drafts as claim_reminders

SONORAN = load_contracts().contracts["sonoran-hosting"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def estimate(*outages: tuple[str, str]) -> CreditEstimate:
    return estimate_credit(
        load_policy("sonoran-servers"),
        "2026-11",
        fee=SONORAN.fee,
        intervals=[downtime(at(a), at(b), component="web") for a, b in outages],
        component="web",
        currency=SONORAN.currency,
    )


def test_a_72_hour_window_gets_its_one_day_reminder_at_resolve() -> None:
    # Outage Tue Nov 10 10:00–11:00 MST; claim within 72 h of its end: Fri Nov 13 11:00 MST. At the resolve
    # (11:05) the 7-day reminder (Nov 6) is already past; the 1-day one goes out Thu Nov 12 11:00 MST.
    found = claim_reminders(
        SONORAN, estimate(("2026-11-10T10:00:00-07:00", "2026-11-10T11:00:00-07:00")), at("2026-11-10T11:05:00-07:00")
    )
    assert [(d.send_at, d.channel) for d in found] == [(at("2026-11-12T11:00:00-07:00"), SONORAN.slack_channel)]
    assert "Claim window closes in 1 day" in found[0].text
    assert found[0].post_id == "claim#sonoran-hosting#web#2026-11-13T11:00:00-07:00#1d"


def test_each_outage_has_its_own_window_and_the_report_reuses_the_resolve_post_ids() -> None:
    # Second outage Mon Nov 23 08:00–08:30 MST -> claim by Thu Nov 26 08:30 MST, 1-day reminder Wed 25 08:30.
    both = estimate(
        ("2026-11-10T10:00:00-07:00", "2026-11-10T11:00:00-07:00"),
        ("2026-11-23T08:00:00-07:00", "2026-11-23T08:30:00-07:00"),
    )
    at_second_resolve = claim_reminders(SONORAN, both, at("2026-11-23T08:35:00-07:00"))
    # By then the first window (Nov 13) has closed: only the second outage's reminder is scheduled.
    assert [d.send_at for d in at_second_resolve] == [at("2026-11-25T08:30:00-07:00")]
    at_report = claim_reminders(SONORAN, both, at("2026-11-23T08:40:00-07:00"))
    assert [d.post_id for d in at_report] == [d.post_id for d in at_second_resolve]


def test_no_credit_no_reminder() -> None:
    assert claim_reminders(SONORAN, estimate(), at("2026-11-10T11:05:00-07:00")) == []
