"""The downtime budget and the month's sparkline in `/sla status`, `/sla credit` and App Home, through the real
Slack handler (clock fixed at Tue 2026-03-10 15:00Z = 11:00 EDT).

Sonar billing, March 2026 in New York: 44,580 minutes (the spring-forward day has 23 hours); 99.99% allows 0.01% of
them, 4.458 min. 45 min recorded down on Tue 10 Mar 09:00–09:45 EDT: 45 − 4.458 = 40.542 → 40 min beyond the target,
and past it Sonar credits every counted minute of the month. The day so far (00:00–11:00 EDT, 660 min) is
(660 − 45) / 660 = 93.1818…% → ▁ (below 99.68%); 1–9 March had nothing counted: █.
"""

from __future__ import annotations

import json

from tests.conftest import SLACK_SIGNING_SECRET
from tests.integration.test_slack_app import ALICE, Side, fresh, side, stub
from tests.support.signing import slack_headers

__all__ = ["fresh", "side", "stub"]  # the fixtures, shared with test_slack_app

BILLING = (
    "`sonar-billing` *platform* downtime budget: used up: 40 min beyond what 99.99% allows; "
    "every counted minute of the month earns credit"
)
NO_TARGET = "*platform* downtime budget: none, SonarSource sets no availability target"


def down_45_minutes(side: Side) -> None:
    reply = side.reply("downtime sonar-billing 2026-03-10T09:00 2026-03-10T09:45")
    assert "(45 min)" in reply


def test_status_says_each_contracts_budget_open_or_not(fresh: Side) -> None:
    down_45_minutes(fresh)
    here = fresh.reply("status")
    assert "Nothing open in this channel (`sonar-billing`)." in here
    assert f"*Downtime budget this month*\n{BILLING}" in here
    everywhere = fresh.reply("status all", channel="C0NOCONTRACT")
    assert BILLING in everywhere and f"`sonarqube-support` {NO_TARGET}" in everywhere
    # Sonoran has three components, each with its own line; Resonate's untouched month has its whole budget:
    # 0.5% of 44,580 = 222.9 min = 3 h 42 min.
    for component in ("web", "mail", "hypervisor"):
        assert f"`sonoran-hosting` *{component}* downtime budget:" in everywhere
    assert "`resonate-ems` *platform* downtime budget: 3 h 42 min left before 99.5%" in everywhere


def test_credit_for_the_current_month_says_the_budget_and_a_past_month_does_not(fresh: Side) -> None:
    down_45_minutes(fresh)
    now = fresh.reply("credit sonar-billing")
    lines = now.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Availability "))
    assert lines[at + 1] == BILLING.removeprefix("`sonar-billing` ")
    assert "downtime budget" in fresh.reply("credit sonar-billing 2026-03")  # the current month, named
    assert "downtime budget" not in fresh.reply("credit sonar-billing 2026-02")
    # SonarSource's credit is per quarter and measures no availability: the current quarter says so.
    assert NO_TARGET in fresh.reply("credit sonarqube-support")


def test_app_home_shows_the_month_so_far_as_a_sparkline(fresh: Side) -> None:
    down_45_minutes(fresh)
    event = {
        "token": "unused",
        "team_id": "T0001",
        "api_app_id": "A0SLAOPS01",
        "type": "event_callback",
        "event_id": "Ev0HOME0GLANCE",
        "event_time": 1773154800,
        "event": {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE0001", "tab": "home"},
    }
    body = json.dumps(event).encode()
    headers = {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": "application/json"}
    assert fresh.post(body, headers)["statusCode"] == 200
    (published,) = fresh.stub.of("views.publish")
    view = published.args["view"]
    blocks = (json.loads(view) if isinstance(view, str) else view)["blocks"]
    texts = [b["elements"][0]["text"] for b in blocks if b["type"] == "context" and "downtime budget" in str(b)]
    (billing,) = [t for t in texts if t.startswith("`sonar-billing`")]
    assert billing.splitlines()[0] == BILLING
    assert "daily availability `█████████▁` Sun 1 Mar – Tue 10 Mar" in billing
    assert "worst day: Tue 10 Mar, 93.1818% (45 min of downtime)" in billing
    assert f"`sonarqube-support` {NO_TARGET}" in texts
    assert len(blocks) <= 100
