"""The daily digest through the sweep against DynamoDB Local, with Slack stubbed at the HTTP boundary.

Resonate (America/New_York) with `[contracts.resonate-ems.digest] at = "09:00"`; November 2026 is EST (UTC−5),
so 09:00 local is 14:00Z. Recorded as webhooks would:
- a P1 outage Tue 3 Nov 10:00–10:55 EST, resolved: 55 min of the month's 43,260 (the fall-back day has 25 h);
  99.5% allows 216.3 min: 161.3 = 2 h 41 min left; the 10% tier starts at 2% × 43,260 = 865.2 min = 14 h 25 min,
  810.2 = 13 h 30 min after the 55 counted;
- three open P3s (first response: 8 open hours of Primary Hours, 09:00–21:00 every day): pd-A opened Tue 3 Nov
  09:00 (due Tue 17:00), pd-B Wed 4 Nov 19:00 (Wed 19–21 + Thu 09–15: due Thu 15:00), pd-C Thu 5 Nov 08:00
  (hours open at 09:00: due Thu 17:00).
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

from sla_core.app import reports
from sla_core.app.incident_service import record_event
from sla_core.app.store import post_queue
from sla_core.app.sweep import Sweep
from sla_core.config.clock import FixedClock
from sla_core.config.contracts import parse_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages
from tests.conftest import ROOT
from tests.integration.test_reminder_sweep import SlackStub, poster, slack

__all__ = ["slack"]  # the stub fixture, shared with test_reminder_sweep

EST = ZoneInfo("America/New_York")
CONFIG = parse_contracts(
    tomllib.loads(
        (ROOT / "config" / "contracts.toml").read_text() + '\n[contracts.resonate-ems.digest]\nat = "09:00"\n'
    )
)
RESONATE = CONFIG.contracts["resonate-ems"]


def est(day: int, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(minutes), tzinfo=EST)


def record(incident_id: str, *events: IncidentEvent) -> None:
    for event in events:
        record_event(incident_id=incident_id, event=event, contract=RESONATE, source="pagerduty",
                     recorded_at=event.occurred_at, title=f"{incident_id} <b>")  # fmt: skip


def digests(stub: SlackStub, now: datetime) -> list[dict[str, object]]:
    """One sweep at `now`; the digests it posted."""
    before = len(stub.delivered)
    Sweep(CONFIG, SlackDelivery(poster(stub)), SlackMessages(), FixedClock(now)).run()
    return [m for m in stub.delivered[before:] if "Daily SLA digest" in str(m["text"])]


def test_the_digest_goes_out_once_a_day_from_its_local_time_even_after_missed_ticks(
    table: str, slack: SlackStub
) -> None:
    record("pd-P1", IncidentEvent("t", "triggered", est(3, "10:00"), severity="P1"),
           IncidentEvent("r", "resolved", est(3, "10:55"), actor="U1"))  # fmt: skip
    record("pd-A", IncidentEvent("a", "triggered", est(3, "09:00"), severity="P3"))
    record("pd-B", IncidentEvent("b", "triggered", est(4, "19:00"), severity="P3"))
    record("pd-C", IncidentEvent("c", "triggered", est(5, "08:00"), severity="P3"))

    assert digests(slack, est(5, "08:59")) == []
    (thursday,) = digests(slack, est(5, "09:00"))
    assert thursday["channel"] == "C0RESONATE1" and "thread_ts" not in thursday
    assert thursday["text"] == "Daily SLA digest: Resonate EMS, Thu 5 Nov: 2 due today, 3 open"
    sections = [b["text"]["text"] for b in thursday["blocks"]]  # type: ignore[attr-defined]
    # pd-B has used 2 of its 8 hours by 09:00 (25%), pd-C none; pd-A was due on Tuesday: open, not due today.
    assert sections[1].splitlines()[1].startswith("• *pd-B* pd-B &lt;b&gt;: first response: 6 h left `▓▓░░░░░░░░ 25%`")
    assert sections[1].splitlines()[2].startswith("• *pd-C* pd-C &lt;b&gt;: first response: 8 h left")
    assert sections[2] == "*3 open*" and [s.split("*")[1] for s in sections[3:6]] == ["pd-A", "pd-B", "pd-C"]
    assert sections[6] == (
        "*Downtime budget, 2026-11 so far*\n*platform* downtime budget: 2 h 41 min left before 99.5% (missing it "
        "starts the 7% tier); the 10% tier starts at 14 h 25 min of downtime (13 h 30 min more)"
    )
    assert digests(slack, est(5, "09:01")) == []
    reports._claimed.clear()  # a new container that never saw it: the stored post stops a second one
    assert digests(slack, est(5, "09:02")) == []

    # Friday: the sweep is down until 11:30; its first tick after 09:00 posts Friday's digest, once.
    (friday,) = digests(slack, est(6, "11:30"))
    assert friday["text"] == "Daily SLA digest: Resonate EMS, Fri 6 Nov: 0 due today, 3 open"
    assert friday["blocks"][1]["text"]["text"] == "*Due today*: nothing."  # type: ignore[index]
    assert digests(slack, est(6, "11:31")) == []
    # Saturday the sweep never runs; Sunday just after midnight nothing is owed (not Saturday's, not yet Sunday's).
    assert digests(slack, est(8, "00:05")) == []
    (sunday,) = digests(slack, est(8, "09:00"))
    assert str(sunday["text"]).startswith("Daily SLA digest: Resonate EMS, Sun 8 Nov:")
    stored = [post_queue.get_post(f"digest#resonate-ems#2026-11-0{day}") for day in (5, 6, 7, 8)]
    assert [post.state if post else None for post in stored] == ["posted", "posted", None, "posted"]
