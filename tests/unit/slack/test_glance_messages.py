"""The month at a glance where people read it: the monthly report (budget, sparkline, worst day, tier), `/sla
credit` for the current month, the quarterly report of a policy without an availability target, and the daily
digest (due today, open items, budget). Figures worked by hand in the comments.

November 2026 in New York has 43,260 minutes (the fall-back day has 25 hours). Resonate's 99.5% allows 0.5% of
that, 216.3 min; an outage Tue 3 Nov 10:00–10:55 EST uses 55: 161.3 min = 2 h 41 min left. Missing the target
starts the 7% tier; 10% starts below 98%, at 2% × 43,260 = 865.2 min = 14 h 25 min, 810.2 min = 13 h 30 min
after the 55 already counted. Availability (43,260 − 55) / 43,260 = 99.87286…% → 99.8728%. That day alone:
(1,440 − 55) / 1,440 = 96.1805…% → ▄ (≥ 96%); every other day █.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.app.contract_credit import contract_estimate
from sla_core.app.month_glance import ComponentGlance
from sla_core.app.notices import ComponentMonth, Digest, OpenIncident, Report, ReportJob
from sla_core.config.contracts import load_contracts
from sla_core.engine.availability import measure
from sla_core.engine.daily_availability import daily_availability
from sla_core.engine.downtime_budget import downtime_budget
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, track
from sla_core.slack.render.credit import credit_text
from sla_core.slack.render.digest import MAX_OPEN, digest_message
from sla_core.slack.render.reports import SlackMessages, quarterly_lines
from sla_core.storage import repository
from tests.support.block_kit import problems

CONTRACTS = load_contracts().contracts
RESONATE, SONARQUBE = CONTRACTS["resonate-ems"], CONTRACTS["sonarqube-support"]
EASTERN, ZURICH = ZoneInfo("America/New_York"), ZoneInfo("Europe/Zurich")
NOVEMBER = month_period(2026, 11, EASTERN)
OUTAGE = downtime(
    datetime(2026, 11, 3, 10, 0, tzinfo=EASTERN), datetime(2026, 11, 3, 10, 55, tzinfo=EASTERN), Kind.UNPLANNED
)
BUDGET = (
    "*platform* downtime budget: 2 h 41 min left before 99.5% (missing it starts the 7% tier); "
    "the 10% tier starts at 14 h 25 min of downtime (13 h 30 min more)"
)


def resonate_glance(until: datetime | None = None, *intervals: Downtime) -> ComponentGlance:
    policy = load_policy("resonate")
    terms = policy.terms.availability
    assert terms is not None
    m = measure(terms, list(intervals), NOVEMBER, EASTERN)
    days = daily_availability(terms, m, EASTERN, credit=policy.terms.credit, until=to_micros(until) if until else None)
    return ComponentGlance("platform", NOVEMBER, m, downtime_budget(terms, policy.terms.credit, m), days)


def test_the_monthly_report_carries_the_budget_the_sparkline_the_worst_day_and_the_tier() -> None:
    estimate = contract_estimate(RESONATE, load_policy("resonate"), "2026-11", "platform", (OUTAGE,))
    job = ReportJob("report#resonate-ems#2026-11", "resonate-ems", "month", NOVEMBER, None)
    report = Report(job, RESONATE, "Resonate", components=(ComponentMonth("platform", estimate),),
                    glances=(resonate_glance(None, OUTAGE),))  # fmt: skip
    text, blocks = SlackMessages().report(report)
    lines = text.splitlines()
    at = lines.index("*platform*: availability 99.8728% against the 99.5% target: *met*.")
    assert lines.index(BUDGET) > at  # after the availability, the credit, the claim and the readings
    assert lines[-4:] == [
        BUDGET,
        "daily availability `██▄" + "█" * 27 + "` Sun 1 Nov – Mon 30 Nov",  # 30 days, one block each
        "█ 100% · ▇ ≥ 99.5% (target) · ▆ ≥ 99% · ▅ ≥ 98% · ▄ ≥ 96% · ▃ ≥ 92% · ▂ ≥ 84% · ▁ below 84%",
        "worst day: Tue 3 Nov, 96.1805% (55 min of downtime) · credit tier reached: none",
    ]
    # The title, then the component in a section of its own (the same lines as the fallback text).
    assert [b["text"]["text"] for b in blocks] == [lines[0], "\n".join(lines[1:])]
    assert problems("chat.postMessage", {"text": text, "blocks": blocks}) == []


def test_a_policy_without_an_availability_target_says_so_in_its_report_and_its_credit() -> None:
    quarter = month_period(2026, 10, ZURICH)  # any month of the quarter; the report is "so far"
    job = ReportJob("report#sonarqube-support#2026-11@2026-Q4", "sonarqube-support", "quarter",
                    month_period(2026, 11, ZURICH), quarter)  # fmt: skip
    none = ComponentGlance("platform", job.period, None, None, None, "SonarSource sets no availability target")
    lines = quarterly_lines(Report(job, SONARQUBE, "SonarSource", missed_limit=4, glances=(none,)))
    assert lines[-1] == "*platform* downtime budget: none, SonarSource sets no availability target"


def test_credit_for_the_current_month_says_the_budget_after_the_availability() -> None:
    estimate = contract_estimate(RESONATE, load_policy("resonate"), "2026-11", "platform", (OUTAGE,))
    lines = credit_text(RESONATE, estimate, (), resonate_glance(None, OUTAGE)).splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Availability 99.8728% against 99.5% (met)"))
    assert lines[at + 1] == BUDGET
    assert BUDGET not in credit_text(RESONATE, estimate)  # another period: no budget


# -- the digest ---------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)  # Thu 5 Nov 09:00 EST


def p3(incident_id: str, opened: datetime, title: str = "Reports slow") -> OpenIncident:
    """A Resonate P3 (first response: 8 open hours of Primary Hours, 09:00–21:00 every day)."""
    state = fold([IncidentEvent("t", "triggered", opened, severity="P3")])
    item = repository.new_incident(incident_id=incident_id, contract_id="resonate-ems", component="platform",
                                   severity="P3", source="pagerduty", title=title, opened_at=opened)  # fmt: skip
    return OpenIncident(item, tuple(track(Terms("resonate"), state)))


# Tue 3 Nov 09:00 + 8 h = Tue 17:00 (overdue, not today); Wed 19:00: Wed 19–21 (2 h) + Thu 09–15 (6 h) = Thu 15:00
# (20:00Z, epoch 1793908800); Thu 08:00, before the hours open: 09:00 + 8 h = Thu 17:00 (22:00Z, 1793916000).
OVERDUE = p3("pd-A", datetime(2026, 11, 3, 9, 0, tzinfo=EASTERN))
AFTERNOON = p3("pd-B", datetime(2026, 11, 4, 19, 0, tzinfo=EASTERN), "EMS <!channel> slow")
EVENING = p3("pd-C", datetime(2026, 11, 5, 8, 0, tzinfo=EASTERN))


def digest(*incidents: OpenIncident) -> Digest:
    glance = resonate_glance(NOW, OUTAGE)
    return Digest(RESONATE, NOW.astimezone(EASTERN).date(), EASTERN, NOW, incidents, (glance,))


def test_the_digest_says_what_is_due_today_what_is_open_and_the_budget() -> None:
    text, blocks = digest_message(digest(OVERDUE, AFTERNOON, EVENING))
    assert text == "Daily SLA digest: Resonate EMS, Thu 5 Nov: 2 due today, 3 open"
    sections = [b["text"]["text"] for b in blocks]
    assert sections[0] == ":sunrise: *Daily SLA digest: Resonate EMS, Thu 5 Nov*"
    # At 09:00 pd-B has used 2 of its 8 hours (25%: two cells of ten), pd-C none.
    assert sections[1].splitlines() == [
        "*Due today* (2)",
        "• *pd-B* EMS &lt;!channel&gt; slow: first response: 6 h left `▓▓░░░░░░░░ 25%` · due "
        "<!date^1793908800^{date_short_pretty} {time}|Thu 05 Nov 15:00 EST>",
        "• *pd-C* Reports slow: first response: 8 h left `░░░░░░░░░░ 0%` · due "
        "<!date^1793916000^{date_short_pretty} {time}|Thu 05 Nov 17:00 EST>",
    ]
    assert sections[2] == "*3 open*"
    assert [s.split("*")[1] for s in sections[3:6]] == ["pd-A", "pd-B", "pd-C"]  # as given: soonest due first
    # pd-A's due Tue 17:00 to Thu 09:00 is open time Tue 17–21 (4 h) + Wed 09–21 (12 h): overdue by 16 h.
    assert "first response: overdue by 16 h `" in sections[3]
    assert sections[6] == f"*Downtime budget, 2026-11 so far*\n{BUDGET}"
    assert problems("chat.postMessage", {"text": text, "blocks": blocks}) == []


def test_a_quiet_day_and_a_busy_one_stay_within_the_block_limit() -> None:
    text, blocks = digest_message(digest())
    assert text.endswith(": 0 due today, 0 open")
    assert [b["text"]["text"] for b in blocks[1:3]] == ["*Due today*: nothing.", "*Nothing open.* :white_check_mark:"]
    many = [p3(f"pd-{n:02d}", datetime(2026, 11, 4, 19, 0, tzinfo=EASTERN) + timedelta(minutes=n)) for n in range(45)]
    text, blocks = digest_message(digest(*many))
    assert blocks[2]["text"]["text"] == f"*45 open*, the {MAX_OPEN} due soonest below"
    assert len(blocks) == 3 + MAX_OPEN + 1 <= 50
    assert problems("chat.postMessage", {"text": text, "blocks": blocks}) == []


def test_the_digest_says_how_many_incidents_it_could_not_show() -> None:
    spoiled = Digest(
        RESONATE, NOW.astimezone(EASTERN).date(), EASTERN, NOW, (OVERDUE,), (resonate_glance(NOW, OUTAGE),), 2
    )
    _, blocks = digest_message(spoiled)
    notes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert notes == ["2 items could not be shown (logged for whoever runs slaops)."]
    _, clean = digest_message(digest(OVERDUE))
    assert [b for b in clean if b["type"] == "context"] == []
