"""The other reading's credit figures in Slack (issue 11 point 4): `/sla credit`, the resolve summary and the
monthly and quarterly reports put the figure under the other reading next to the chosen one wherever it changes
the answer, and nothing where it does not. Figures worked by hand from the seed text in each comment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sla_core.app.alternate_figures import other_figures
from sla_core.app.contract_credit import MissedResponse, MonthToDate, contract_estimate
from sla_core.app.notices import ComponentMonth, Report, ReportJob
from sla_core.config.contracts import load_contracts
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.periods import month_period, parse_period
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.render.credit import credit_text
from sla_core.slack.render.incident_card import resolve_summary
from sla_core.slack.render.reports import SlackMessages, monthly_lines, quarterly_lines
from tests.support.block_kit import problems

CONTRACTS = load_contracts().contracts
RESONATE, SONARQUBE = CONTRACTS["resonate-ems"], CONTRACTS["sonarqube-support"]
EASTERN, ZURICH = ZoneInfo("America/New_York"), ZoneInfo("Europe/Zurich")
EST_OTHER = "if read as: The windows in America/New_York for 2026-04"


def down(start: str, end: str, kind: Kind = Kind.UNPLANNED) -> Downtime:
    return downtime(datetime.fromisoformat(start), datetime.fromisoformat(end), kind, component="platform")


def resonate_april(*intervals: Downtime) -> CreditEstimate:
    return contract_estimate(RESONATE, load_policy("resonate"), "2026-04", "platform", intervals)


# April 2026 = 43,200 min, 99.5% allows 216: 200 min unplanned and maintenance Thu 9 Apr 21:00-22:00 EDT, outside the
# EST window (22:00-04:00 EDT) that the chosen reading also holds. Chosen: 260 count, (43,200 - 260) / 43,200 =
# 99.3981%, missed, 7% of 3,200.00 = 224.00 USD. Other (Eastern local time only): 200 count, 99.5370%, met, 0.00.
EST_MONTH = (
    down("2026-04-14T10:00:00-04:00", "2026-04-14T13:20:00-04:00"),
    down("2026-04-09T21:00:00-04:00", "2026-04-09T22:00:00-04:00", Kind.SCHEDULED),
)


def test_sla_credit_shows_the_other_availability_and_amount() -> None:
    estimate = resonate_april(*EST_MONTH)
    text = credit_text(RESONATE, estimate, other_figures(estimate, EST_MONTH))
    assert f"Availability 99.3981% against 99.5% (missed) (met at 99.5370% {EST_OTHER}); counted downtime 260" in text
    assert f"Estimated credit: *224.00 USD* (0.00 USD {EST_OTHER}) (" in text
    assert text.count("if read as") == 2  # the claim reading (no deadline) is not data: nothing computed for it


def test_the_resolve_summary_shows_the_other_availability_and_amount() -> None:
    estimate = resonate_april(*EST_MONTH)
    text = resolve_summary(MonthToDate(estimate, 2, other_figures(estimate, EST_MONTH)), RESONATE)
    assert f"Availability 99.3981% (target 99.5%) (met at 99.5370% {EST_OTHER}): 4 h 20 min of downtime" in text
    assert f"Estimated credit: 224.00 USD (0.00 USD {EST_OTHER}). " in text


def test_a_reading_that_changes_nothing_adds_nothing() -> None:
    # 60 min unplanned: (43,200 - 60) / 43,200 = 99.8611%, met, 0.00; maintenance Thu 9 Apr 22:00-23:00 EDT is
    # inside the window in either zone, so the maintenance reading (listed) changes no figure.
    intervals = (
        down("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00"),
        down("2026-04-09T22:00:00-04:00", "2026-04-09T23:00:00-04:00", Kind.SCHEDULED),
    )
    estimate = resonate_april(*intervals)
    others = other_figures(estimate, intervals)
    text = credit_text(RESONATE, estimate, others) + resolve_summary(MonthToDate(estimate, 2, others), RESONATE)
    assert "Availability 99.8611% against 99.5% (met); counted downtime 60" in text
    assert "read whole in America/New_York for 2026-04" in text and "if read as" not in text


def test_sonarsource_credit_says_which_misses_depend_on_a_reading() -> None:
    # 2026-Q1, 5 missed first responses, 1 of them a miss only under a chosen reading of its deadline. 5 > 4: 25% of
    # 15,000.00 = 3,750.00 EUR; without it 4, not more than four: 0.00. The claim is due 30 days after Mar 31
    # 24:00 CEST (May 1 00:00); the other reading counts from Mar 31 itself: Apr 30 00:00 CEST.
    estimate = contract_estimate(
        SONARQUBE, load_policy("sonarsource"), "2026-Q1", "platform", (), missed=5, missed_on_reading=1
    )
    text = credit_text(SONARQUBE, estimate, other_figures(estimate))
    assert "Missed first responses: 5 (1 depends on a reading: 4 without it)." in text
    assert "Estimated credit: *3750.00 EUR* (0.00 EUR if read as: the misses that depend on a reading were met)" in text
    assert "(Thu 30 Apr 00:00 CEST if read as: 30 days counted from the quarter's last day itself): " in text
    plain = contract_estimate(SONARQUBE, load_policy("sonarsource"), "2026-Q1", "platform", (), missed=5)
    assert "Missed first responses: 5." in credit_text(SONARQUBE, plain, other_figures(plain))


def test_the_monthly_report_shows_the_other_termination_right() -> None:
    # Resonate July 2026 = 44,640 min, 300 min down: (44,640 - 300) / 44,640 = 99.3279%, an SLA Failure (7% of
    # 3,200.00 = 224.00). With January and April failed, Jan, Apr and Jul fall within one six-month span of dates:
    # the right lasts until 10 days after July, Aug 11 00:00 EDT. Other reading (six consecutive calendar months):
    # Jan-Jun holds two failures, Feb-Jul two: no right. Availability and amount do not depend on that reading.
    intervals = (down("2026-07-14T10:00:00-04:00", "2026-07-14T15:00:00-04:00"),)
    failed = ("2026-01", "2026-04")
    estimate = contract_estimate(
        RESONATE, load_policy("resonate"), "2026-07", "platform", intervals, failed_months=failed
    )
    month = ComponentMonth("platform", estimate, other_figures(estimate, intervals, failed))
    job = ReportJob("report#resonate-ems#2026-07", "resonate-ems", "month", month_period(2026, 7, EASTERN), None)
    report = Report(job, RESONATE, "Resonate", components=(month,))
    lines = monthly_lines(report)
    (termination,) = [line for line in lines if "Termination right" in line]
    # Aug 11 00:00 EDT = 04:00Z: 1767225600 (2026-01-01T00:00Z) + 222 days (19,180,800 s) + 14,400 s = 1786420800.
    assert "It can be used until <!date^1786420800^" in termination
    assert termination.endswith("(no termination right if read as: Six consecutive calendar months).")
    assert "*platform*: availability 99.3279% against the 99.5% target: *missed*." in lines
    assert "Estimated credit to claim: *224.00 USD*. " in "\n".join(lines)
    text, blocks = SlackMessages().report(report)
    assert problems("chat.postMessage", {"text": text, "blocks": blocks}) == []


def test_the_quarter_end_report_counts_the_misses_that_depend_on_a_reading() -> None:
    # 5 tickets missed in 2026-Q1, SQ-0 only under a chosen reading: more than 4 with it, not without it.
    quarter = parse_period("2026-Q1", "quarter", ZURICH)
    opened = datetime(2026, 1, 14, 10, tzinfo=ZURICH)
    missed = tuple(MissedResponse(f"SQ-{n}", f"ticket {n}", opened, opened, on_reading=n == 0) for n in range(5))
    estimate = contract_estimate(
        SONARQUBE, load_policy("sonarsource"), "2026-Q1", "platform", (), missed=5, missed_on_reading=1
    )
    job = ReportJob(
        "report#sonarqube-support#2026-Q1", "sonarqube-support", "quarter", month_period(2026, 3, ZURICH), quarter
    )
    report = Report(job, SONARQUBE, "SonarSource", missed=missed, missed_limit=4, quarter_estimate=estimate,
                    quarter_others=other_figures(estimate))  # fmt: skip
    lines = quarterly_lines(report)
    assert lines[1] == (
        "5 tickets missed the initial response in 2026-Q1 (1 depends on a reading: 4 without it); the credit needs "
        "more than 4: *threshold passed* (not passed without it)."
    )
    assert [line.endswith("(depends on a reading)") for line in lines[2:7]] == [True, False, False, False, False]
    assert "*3750.00 EUR* (0.00 EUR if read as: the misses that depend on a reading were met)" in lines[7]
