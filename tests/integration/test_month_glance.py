"""A contract's month at a glance from downtime stored in DynamoDB Local: the budget left and the daily blocks.

Resonate EMS (99.5%; bands below 99.5% -> 7% and at or below 98% -> 10%), November 2026 in New York: 43,260
minutes, so the target allows 0.5% × 43,260 = 216.3 min and the 10% band starts at 2% × 43,260 = 865.2 min.
Stored: 55 min down Tue 3 Nov 10:00–10:55 EST; scheduled maintenance Thu 5 Nov 22:00–23:00 EST (inside the Thursday
21:00–03:00 window in both zones, so excluded); 20 min in October (another month); an outage from Sat 14 Nov 11:30
EST still open at noon.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.app.month_glance import month_glance
from sla_core.config.contracts import load_contracts
from sla_core.engine.periods import month_period
from sla_core.incidents.records import StoredDowntime
from sla_core.slack.render.glance import budget_line, sparkline_lines
from sla_core.storage import repository

NY = ZoneInfo("America/New_York")
CONTRACTS = load_contracts().contracts
RESONATE = CONTRACTS["resonate-ems"]
MIN = 60_000_000


def store(
    downtime_id: str, start: datetime, minutes: int | None, reason: str | None = None, *, contract: str = "resonate-ems"
) -> StoredDowntime:
    """One stored interval (`minutes` None: still open)."""
    component = "platform" if contract == "resonate-ems" else "web"
    end = start + timedelta(minutes=minutes) if minutes is not None else None
    item = repository.new_downtime(
        downtime_id=downtime_id, contract_id=contract, component=component, started_at=start, ended_at=end,
        recorded_by="U0ALICE0001", source="slack", reason=reason,
    )  # fmt: skip
    stored = repository.record_interval(item)
    assert stored is not None
    return stored


def test_the_current_month_so_far_and_then_the_whole_month_for_the_report(table: str) -> None:
    store("oct", datetime(2026, 10, 20, 10, 0, tzinfo=NY), 20)
    store("tue", datetime(2026, 11, 3, 10, 0, tzinfo=NY), 55)
    store("maint", datetime(2026, 11, 5, 22, 0, tzinfo=NY), 60, reason="scheduled")
    still_open = store("sat", datetime(2026, 11, 14, 11, 30, tzinfo=NY), None)

    # Sat 14 Nov 12:00: counted 55 + 30 (open, up to now) = 85 min. Left 216.3 − 85 = 131.3 = 2 h 11 min; the 10%
    # band 865.2 − 85 = 780.2 more = 13 h. Days: Tue 3 Nov 1 − 55/1,440 = 96.18% -> ▄; Thu 5 Nov excluded -> █;
    # today (12 h so far) 1 − 30/720 = 95.83% -> ▃.
    (glance,) = month_glance(RESONATE, datetime(2026, 11, 14, 12, 0, tzinfo=NY))
    assert glance.measurement is not None and glance.measurement.counted == 85 * MIN
    assert glance.measurement.excluded == 60 * MIN
    assert budget_line(glance.budget) == (
        "downtime budget: 2 h 11 min left before 99.5% (missing it starts the 7% tier); "
        "the 10% tier starts at 14 h 25 min of downtime (13 h more)"
    )
    assert glance.days is not None and glance.days.sparkline == "██▄██████████▃"
    assert sparkline_lines(glance.days)[0] == "daily availability `██▄██████████▃` Sun 1 Nov – Sat 14 Nov"

    # The outage ends at 12:30 (60 min). On Tue 1 Dec the report shows all of November: 55 + 60 = 115 counted,
    # 216.3 − 115 = 101.3 left = 1 h 41 min; 865.2 − 115 = 750.2 more = 12 h 30 min. Sat 14 Nov: 1 − 60/1,440 =
    # 95.83% -> ▃, and Tue 3 Nov (96.18%) is no longer the worst day.
    repository.end_downtime(still_open, datetime(2026, 11, 14, 12, 30, tzinfo=NY))
    (report,) = month_glance(RESONATE, datetime(2026, 12, 1, 9, 0, tzinfo=NY), month_period(2026, 11, NY))
    assert budget_line(report.budget) == (
        "downtime budget: 1 h 41 min left before 99.5% (missing it starts the 7% tier); "
        "the 10% tier starts at 14 h 25 min of downtime (12 h 30 min more)"
    )
    assert report.days is not None and report.days.sparkline == "██▄" + "█" * 10 + "▃" + "█" * 16
    assert sparkline_lines(report.days)[2] == (
        "worst day: Sat 14 Nov, 95.8333% (1 h of downtime) · credit tier reached: none"
    )


def test_each_component_has_its_own_budget(table: str) -> None:
    # Sonoran hosting, Phoenix November (43,200 min): 30 min down on the web servers only. web: 0.1% × 43,200 =
    # 43.2 allowed, 13.2 left = 13 min; mail and hypervisor untouched: 43 min left each.
    store("web", datetime(2026, 11, 4, 10, 0, tzinfo=ZoneInfo("America/Phoenix")), 30, contract="sonoran-hosting")
    glances = month_glance(CONTRACTS["sonoran-hosting"], datetime(2026, 11, 14, 12, 0, tzinfo=NY))
    assert [(g.component, budget_line(g.budget)) for g in glances] == [
        ("web", "downtime budget: 13 min left before 99.9%; every counted minute earns credit"),
        ("mail", "downtime budget: 43 min left before 99.9%; every counted minute earns credit"),
        ("hypervisor", "downtime budget: 43 min left before 99.9%; every counted minute earns credit"),
    ]
