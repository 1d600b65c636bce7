"""Reminder stages and texts on business time, each stage before and after its deadline on a 24/7 and a business
clock, per-contract thresholds, backoff, and when reports fall due."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from sla_core.app.reports import jobs_due
from sla_core.app.sweep import backoff
from sla_core.config.contracts import ContractsError, load_contracts, parse_contracts
from sla_core.engine.alternate_readings import variant
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.reminder_stages import (
    BREACH,
    HEADS_UP,
    UPDATE_OVERDUE,
    UPDATE_SOON,
    WARNING,
    Stage,
    Thresholds,
    stages,
)
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, TrackedDeadline, track
from sla_core.slack.client import retry_after_seconds
from sla_core.slack.render.reminders import stage_blocks, stage_text
from tests.conftest import ROOT

PACIFIC = ZoneInfo("America/Los_Angeles")
CONFIG = load_contracts()
# Atheer P1 opened Fri 2026-03-13 16:00 PDT: 4 business hours (Mon–Fri 09:00–17:00 Pacific) are
# Fri 16–17 (1 h) + Mon 09–12 (3 h): due Mon 2026-03-16 12:00 PDT.
OPENED = datetime(2026, 3, 13, 16, 0, tzinfo=PACIFIC)


def first_response() -> TrackedDeadline:
    state = fold([IncidentEvent("t", "triggered", OPENED, severity="P1")])
    (tracked,) = [t for t in track(Terms("atheer"), state) if t.metric == "initial_response"]
    return tracked


def test_stages_fall_on_business_time_and_say_the_business_time_left() -> None:
    tracked = first_response()
    assert tracked.due_at == datetime(2026, 3, 16, 12, 0, tzinfo=PACIFIC)
    heads_up, warning, breach = stages(tracked)
    # 50% of 4 h = 2 open hours: 1 h on Friday, 1 h on Monday -> Mon 10:00. Warning: max(75% = 3 h -> Mon 11:00,
    # 4 h - 15 min = 3 h 45 -> Mon 11:45) = Mon 11:45. Breach at the deadline.
    assert (heads_up.at, warning.at, breach.at) == (
        datetime(2026, 3, 16, 10, 0, tzinfo=PACIFIC),
        datetime(2026, 3, 16, 11, 45, tzinfo=PACIFIC),
        datetime(2026, 3, 16, 12, 0, tzinfo=PACIFIC),
    )
    contract = CONFIG.contracts["atheer-platform"]
    text = stage_text(heads_up, title="AR <b>", contract=contract, now=heads_up.at)
    assert "50% of the time for the *first response* on AR &lt;b&gt; is used; 2 h left (business time: Atheer" in text
    # Friday 16:30 is 67.5 wall-clock hours before the deadline but only 3.5 business hours.
    friday = stage_text(warning, title="AR", contract=contract, now=OPENED + timedelta(minutes=30))
    assert "only 3 h 30 min left (business time:" in friday
    context = stage_blocks(heads_up, text, incident_id="pd-1", now=heads_up.at)[1]["elements"][0]["text"]
    assert context.startswith("▓▓▓▓▓░░░░░ 50% of 4 hours")


def test_the_breach_notice_mentions_the_escalation_group() -> None:
    breach = stages(first_response())[2]
    with_group = stage_text(breach, title="AR", contract=CONFIG.contracts["resonate-ems"], now=breach.at)
    assert "<!subteam^S0RESONATEX> please escalate now." in with_group and "overdue now" in with_group
    later = stage_text(
        breach, title="AR", contract=CONFIG.contracts["atheer-platform"], now=breach.at + timedelta(minutes=7)
    )
    assert "overdue by 7 min" in later and "<!subteam^" not in later and "Escalate now." in later


# -- every stage reads right before and after its deadline, on a 24/7 and a business clock -----------------

NEW_YORK = ZoneInfo("America/New_York")
# 24/7: Resonate P1 opened Mon 2026-03-09 10:00 EDT: first response (30 min) and status update (4 h), always open.
RESONATE_OPENED = datetime(2026, 3, 9, 10, 0, tzinfo=NEW_YORK)
# Business: Sonar production-down opened Fri 2026-03-13 18:30 EDT (Mon–Fri 09:00–19:00): the first response is 1
# business hour = Fri 18:30–19:00 (30 min) + Mon 09:00–09:30, due Mon 2026-03-16 09:30 EDT. The hourly update runs
# every clock hour under the chosen reading; on its other reading (standard support hours) it is the same 1
# business hour, which is how the business clock's update stages are read here.
SONAR_OPENED = datetime(2026, 3, 13, 18, 30, tzinfo=NEW_YORK)
CLOCKS = {"24/7": ("resonate", "P1", RESONATE_OPENED), "business": ("sonar-software", "production-down", SONAR_OPENED)}
CLOCK_WORDS = {
    "24/7": "24/7 clock",
    "business": "business time: Sonar standard support hours (Mon–Fri 09:00–19:00 Eastern, excluding observed "
    "holidays)",
}
MON = datetime(2026, 3, 16, tzinfo=NEW_YORK)
# (clock, metric): 12 min before the deadline and 2 h after it, in the clock's own time. 24/7: the first response is
# due 10:30 and the update 14:00. Business: both due Mon 09:30; 09:18–09:30 and 09:30–11:30 are open time.
INSTANTS = {
    ("24/7", "initial_response"): (RESONATE_OPENED.replace(minute=18), RESONATE_OPENED.replace(hour=12, minute=30)),
    ("24/7", "update"): (RESONATE_OPENED.replace(hour=13, minute=48), RESONATE_OPENED.replace(hour=16)),
    ("business", "initial_response"): (MON.replace(hour=9, minute=18), MON.replace(hour=11, minute=30)),
    ("business", "update"): (MON.replace(hour=9, minute=18), MON.replace(hour=11, minute=30)),
}


@dataclass(frozen=True)
class OtherUpdateReading(Terms):
    """Sonar's terms with the production-down update on its other reading, standard support hours."""

    def load(self) -> Policy:
        policy = load_policy(self.policy)
        (clause,) = [t.clause for t in policy.severity("production-down").targets if t.metric == "update"]
        return variant(policy, clause)


def stage_of_clock(clock: str, name: str) -> Stage:
    policy, severity, opened = CLOCKS[clock]
    state = fold([IncidentEvent("t", "triggered", opened, severity=severity)])
    terms = OtherUpdateReading(policy) if clock == "business" and name.startswith("update") else Terms(policy)
    return next(s for t in track(terms, state) for s in stages(t) if s.name == name)


def before_and_after(clock: str, stage: Stage) -> tuple[datetime, datetime]:
    """12 min of open time before the stage's deadline and 2 h after it (checked against the clock)."""
    before, after = INSTANTS[clock, stage.tracked.metric]
    assert stage.tracked.remaining(before) == timedelta(minutes=12)
    assert stage.tracked.remaining(after) == -timedelta(hours=2)
    return before, after


BEFORE = {  # what each stage says 12 min before its deadline
    HEADS_UP: "*Heads-up*: {pct}% of the time for the *first response* on EMS is used; 12 min left ({clock}), due ",
    WARNING: "*Warning*: the *first response* on EMS is due <!date^",
    BREACH: "*About to breach*: the *first response* target on EMS is due <!date^",
    UPDATE_SOON: "*Update due soon*: the next *status update* on EMS is due <!date^",
    UPDATE_OVERDUE: "*Update due soon*: the next *status update* on EMS is due <!date^",
}
AFTER = {  # ... and 2 h after it
    HEADS_UP: "*Heads-up*: the *first response* on EMS was due <!date^",
    WARNING: "*Warning*: the *first response* on EMS was due <!date^",
    BREACH: "*Breached*: the *first response* target on EMS was due <!date^",
    UPDATE_SOON: "*Update overdue*: the *status update* on EMS was due <!date^",
    UPDATE_OVERDUE: "*Update overdue*: the *status update* on EMS was due <!date^",
}
STAGE_NAMES = (HEADS_UP, WARNING, BREACH, UPDATE_SOON, UPDATE_OVERDUE)


@pytest.mark.parametrize("clock", list(CLOCKS))
@pytest.mark.parametrize("name", STAGE_NAMES)
def test_each_stage_before_its_deadline_says_the_time_left(clock: str, name: str) -> None:
    stage = stage_of_clock(clock, name)
    before, _ = before_and_after(clock, stage)
    text = stage_text(stage, title="EMS", contract=None, now=before)
    # Heads-up share: 24/7 18 of 30 min used = 60%; business 48 of 60 open min = 80%.
    percent = {"24/7": 60, "business": 80}[clock] if name == HEADS_UP else None
    assert BEFORE[name].format(pct=percent, clock=CLOCK_WORDS[clock]) in text
    assert "12 min left" in text and "overdue" not in text
    assert ("only 12 min left" in text) == (name == WARNING)


@pytest.mark.parametrize("clock", list(CLOCKS))
@pytest.mark.parametrize("name", STAGE_NAMES)
def test_each_stage_after_its_deadline_says_how_late_and_never_a_share_used(clock: str, name: str) -> None:
    stage = stage_of_clock(clock, name)
    _, after = before_and_after(clock, stage)
    text = stage_text(stage, title="EMS", contract=None, now=after)
    assert AFTER[name] in text
    assert f"and is overdue by 2 h ({CLOCK_WORDS[clock]}" in text
    assert " left" not in text and "% of the time" not in text and "is used" not in text
    assert text.endswith("Escalate now.") == (name == BREACH)


def test_the_business_clock_counts_business_time_before_and_after() -> None:
    warning = stage_of_clock("business", WARNING)
    # Saturday noon: 30 open minutes remain (Mon 09:00–09:30), though the deadline is two days away.
    saturday = stage_text(warning, title="EMS", contract=None, now=datetime(2026, 3, 14, 12, 0, tzinfo=NEW_YORK))
    assert "only 30 min left (business time:" in saturday
    # Mon 18:00 is 8 h 30 min of wall clock after 09:30 and 8 h 30 min of open time too; Tue 08:00 adds none.
    monday = stage_text(warning, title="EMS", contract=None, now=datetime(2026, 3, 16, 18, 0, tzinfo=NEW_YORK))
    tuesday = stage_text(warning, title="EMS", contract=None, now=datetime(2026, 3, 17, 8, 0, tzinfo=NEW_YORK))
    assert "is overdue by 8 h 30 min (business time:" in monday
    assert "is overdue by 9 h 30 min (business time:" in tuesday  # 09:30–19:00 Monday = 9 h 30 min, then closed


def test_a_deadline_at_closing_time_reads_overdue_not_overdue_now_the_next_morning() -> None:
    # Opened Fri 18:00: 1 business hour is due Fri 19:00, when the hours close. Saturday 10:00 no open time has
    # passed since (remaining is 0), yet it has been overdue for 15 h: plain "overdue". At 19:00:30, "overdue now".
    state = fold([IncidentEvent("t", "triggered", datetime(2026, 3, 13, 18, 0, tzinfo=NEW_YORK),
                                severity="production-down")])  # fmt: skip
    first = next(t for t in track(Terms("sonar-software"), state) if t.metric == "initial_response")
    breach = stages(first)[2]
    assert breach.at == datetime(2026, 3, 13, 19, 0, tzinfo=NEW_YORK)
    saturday = stage_text(breach, title="EMS", contract=None, now=datetime(2026, 3, 14, 10, 0, tzinfo=NEW_YORK))
    just_after = stage_text(breach, title="EMS", contract=None, now=breach.at + timedelta(seconds=30))
    assert "and is overdue (business time:" in saturday
    assert "and is overdue now (business time:" in just_after


def test_a_heads_up_with_seconds_left_is_99_percent_used_not_100() -> None:
    heads_up = stage_of_clock("24/7", HEADS_UP)
    # 29 min 50 s of 30 min = 99.4%, rounded down; 10 s left.
    text = stage_text(heads_up, title="EMS", contract=None, now=RESONATE_OPENED + timedelta(minutes=29, seconds=50))
    assert "99% of the time for the *first response* on EMS is used; less than 1 min left (24/7 clock)" in text


def test_the_gauge_shows_the_share_before_and_the_lateness_after() -> None:
    heads_up = stage_of_clock("24/7", HEADS_UP)
    before, after = before_and_after("24/7", heads_up)

    def gauge(now: datetime) -> str:
        blocks = stage_blocks(heads_up, "x", incident_id="pd-1", now=now)
        return str(blocks[1]["elements"][0]["text"])

    assert gauge(before) == "▓▓▓▓▓▓░░░░ 60% of 30 minutes · 24/7 clock"  # 18 of 30 min
    assert gauge(after) == "▓▓▓▓▓▓▓▓▓▓ 30 minutes used up · overdue by 2 h · 24/7 clock"  # never "400%"
    soon = stage_of_clock("24/7", UPDATE_SOON)
    before, _ = before_and_after("24/7", soon)
    # 228 of 240 min = 95%: nine blocks of ten, not a full bar while 12 min are left.
    gauge_soon = stage_blocks(soon, "x", incident_id="pd-1", now=before)[1]["elements"][0]["text"]
    assert gauge_soon.startswith("▓▓▓▓▓▓▓▓▓░ 95% of 4 hours")


def test_the_issue_catch_up_messages_now_read_right() -> None:
    # The issue's incident, six hours late: the first response (due 10:30) is overdue by 5 h 30 min at 16:00, the
    # update (due 14:00) by 2 h; those two are the messages a catch-up posts.
    late = RESONATE_OPENED + timedelta(hours=6)
    breach = stage_text(stage_of_clock("24/7", BREACH), title="EMS", contract=CONFIG.contracts["resonate-ems"],
                        now=late)  # fmt: skip
    overdue = stage_text(stage_of_clock("24/7", UPDATE_OVERDUE), title="EMS", contract=None, now=late)
    assert "*Breached*" in breach and "is overdue by 5 h 30 min (24/7 clock). <!subteam^S0RESONATEX>" in breach
    assert "*Update overdue*" in overdue and "is overdue by 2 h (24/7 clock)." in overdue


def test_contract_thresholds_move_the_stages() -> None:
    data = shipped()
    data["contracts"]["atheer-platform"]["reminders"] = {"heads_up_percent": 25, "warning_minutes_before": 60}
    contract = parse_contracts(data).contracts["atheer-platform"]
    assert contract.reminders == Thresholds(0.25, 0.75, timedelta(minutes=60), timedelta(minutes=10))
    heads_up, warning, _ = stages(first_response(), contract.reminders)
    # 25% of 4 h = 1 h: all of Friday 16–17. Warning: max(75% -> Mon 11:00, 4 h - 60 min = 3 h -> Mon 11:00).
    assert heads_up.at == datetime(2026, 3, 13, 17, 0, tzinfo=PACIFIC)
    assert warning.at == datetime(2026, 3, 16, 11, 0, tzinfo=PACIFIC)
    assert CONFIG.contracts["sonar-billing"].reminders == Thresholds()


@pytest.mark.parametrize(
    ("reminders", "message"),
    [
        ({"warning_percent": 40}, "reminders.warning_percent: 40 is not a whole number from 51 to 99"),
        ({"heads_up_percent": "50%"}, "reminders.heads_up_percent: '50%' is not a whole number from 1 to 99"),
        ({"update_minutes_before": 0}, "reminders.update_minutes_before: 0 is not a whole number from 1 to 1440"),
        ({"breach_percent": 100}, "reminders.breach_percent: unknown field; accepted: heads_up_percent"),
    ],
)
def test_bad_thresholds_are_named(reminders: dict[str, Any], message: str) -> None:
    data = shipped()
    data["contracts"]["atheer-platform"]["reminders"] = reminders
    with pytest.raises(ContractsError, match=r": contracts\.atheer-platform\.reminders\.") as error:
        parse_contracts(data)
    assert message in str(error.value)


def shipped() -> dict[str, Any]:
    with (ROOT / "config" / "contracts.toml").open("rb") as handle:
        return copy.deepcopy(tomllib.load(handle))


def test_backoff_doubles_to_half_an_hour_and_respects_retry_after() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 30, 30)]
    assert backoff(1, retry_after=90) == timedelta(seconds=90)
    assert backoff(3, retry_after=5) == timedelta(minutes=4)


def test_retry_after_is_read_from_a_slack_error() -> None:
    response = SlackResponse(
        client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage", req_args={},
        data={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "30"}, status_code=429,
    )  # fmt: skip
    assert retry_after_seconds(SlackApiError("ratelimited", response)) == 30.0  # type: ignore[no-untyped-call]
    assert retry_after_seconds(ValueError("no response")) is None


def test_reports_fall_due_on_the_first_in_the_contract_zone() -> None:
    resonate = CONFIG.contracts["resonate-ems"]  # America/New_York
    # 2026-03-01 04:59Z is still Feb 28 23:59 EST; 05:00Z is Mar 1 00:00 EST.
    assert jobs_due(resonate, datetime(2026, 3, 1, 4, 59, tzinfo=UTC)) == []
    (job,) = jobs_due(resonate, datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    assert (job.post_id, job.unit, job.period.label) == ("report#resonate-ems#2026-02", "month", "2026-02")
    sonarqube = CONFIG.contracts["sonarqube-support"]  # quarterly credits, Europe/Zurich
    (quarter_end,) = jobs_due(sonarqube, datetime(2026, 3, 31, 22, 0, tzinfo=UTC))  # Apr 1 00:00 CEST
    assert quarter_end.post_id == "report#sonarqube-support#2026-Q1"
    (mid_quarter,) = jobs_due(sonarqube, datetime(2026, 2, 28, 23, 0, tzinfo=UTC))  # Mar 1 00:00 CET
    assert mid_quarter.post_id == "report#sonarqube-support#2026-02@2026-Q1"
    assert jobs_due(sonarqube, datetime(2026, 3, 2, 12, 0, tzinfo=UTC)) == []
