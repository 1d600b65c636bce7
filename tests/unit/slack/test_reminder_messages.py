"""Reminder stages and texts on business time, per-contract thresholds, backoff, and when reports fall due."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from sla_core.app.reports import jobs_due
from sla_core.app.sweep import backoff
from sla_core.config.contracts import ContractsError, load_contracts, parse_contracts
from sla_core.incidents.reminder_stages import Thresholds, stages
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, TrackedDeadline, track
from sla_core.slack.client import retry_after_seconds
from sla_core.slack.reminder_messages import stage_blocks, stage_text
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
    context = stage_blocks(heads_up, text, now=heads_up.at)[1]["elements"][0]["text"]
    assert context.startswith("▓▓▓▓▓░░░░░ 50% of 4 hours")


def test_the_breach_notice_mentions_the_escalation_group() -> None:
    breach = stages(first_response())[2]
    with_group = stage_text(breach, title="AR", contract=CONFIG.contracts["resonate-ems"], now=breach.at)
    assert "<!subteam^S0RESONATEX> please escalate now." in with_group and "overdue now" in with_group
    later = stage_text(
        breach, title="AR", contract=CONFIG.contracts["atheer-platform"], now=breach.at + timedelta(minutes=7)
    )
    assert "overdue by 7 min" in later and "<!subteam^" not in later and "Escalate now." in later


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
