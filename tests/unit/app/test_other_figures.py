"""A contract's estimate under each other reading that changes a figure (issue 11 point 4), from the same inputs
the estimate was computed from; figures worked by hand from the seed text in each comment."""

from __future__ import annotations

from datetime import datetime

from sla_core.app.alternate_figures import StoredEstimate, estimate_inputs, other_figures
from sla_core.app.contract_credit import MissedResponse, contract_estimate, missed_counts
from sla_core.config.contracts import load_contracts
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy_registry import load_policy

CONTRACTS = load_contracts().contracts


def down(start: str, end: str, kind: Kind = Kind.UNPLANNED) -> Downtime:
    return downtime(datetime.fromisoformat(start), datetime.fromisoformat(end), kind, component="platform")


def test_resonate_est_windows_change_availability_verdict_and_amount() -> None:
    # April 2026 = 43,200 min; 99.5% allows 216. 200 min unplanned + maintenance Thu 9 Apr 21:00-22:00 EDT. The
    # windows are read whole in the zone that counts more this month: EST all year (22:00-04:00 EDT), where
    # 21:00-22:00 EDT is outside, so 260 min count: (43,200 - 260) / 43,200 = 99.3981%, missed; 7% of the 3,200.00
    # fee = 224.00 USD. Other (Eastern local time): the hour is excluded, 200 count: 99.5370%, met: 0.00.
    intervals = [
        down("2026-04-14T10:00:00-04:00", "2026-04-14T13:20:00-04:00"),
        down("2026-04-09T21:00:00-04:00", "2026-04-09T22:00:00-04:00", Kind.SCHEDULED),
    ]
    estimate = contract_estimate(CONTRACTS["resonate-ems"], load_policy("resonate"), "2026-04", "platform", intervals)
    assert f"{estimate.amount:.2f}" == "224.00"
    (other,) = other_figures(estimate, intervals)
    assert "read whole in Etc/GMT+5 for 2026-04" in other.reading["chosen"]
    assert other.differs == ("availability_percent", "target_met", "credit_amount")
    assert other.estimate.availability is not None and other.estimate.availability.percent_text() == "99.5370"
    assert (f"{other.estimate.amount:.2f}", other.estimate.target_met) == ("0.00", True)
    assert StoredEstimate(estimate, tuple(intervals)).others() == (other,)


def test_the_inputs_are_the_estimates_own_plus_what_it_does_not_keep() -> None:
    # Fee, currency and component come from the estimate (the contract's); the recorded downtime and the earlier
    # failed months, which the estimate does not keep, are passed through as given.
    intervals = [down("2026-04-14T10:00:00-04:00", "2026-04-14T13:20:00-04:00")]
    estimate = contract_estimate(CONTRACTS["resonate-ems"], load_policy("resonate"), "2026-04", "platform", intervals)
    inputs = estimate_inputs(estimate, intervals, ["2026-01"])
    assert (inputs["fee"], inputs["currency"], inputs["component"]) == (estimate.fee, "USD", "platform")
    assert (inputs["intervals"], inputs["failed_months"], inputs["unknown_notice"]) == (
        tuple(intervals),
        ("2026-01",),
        "in_time",
    )


def test_sonar_every_minute_or_only_beyond_the_allowance_changes_the_amount_only() -> None:
    # Sonar billing, April 2026 (43,200 min), fee 2,400.00: 60 min unplanned. Chosen (every minute credited):
    # 60 / 43,200 x 2,400 = 3.333... -> 3.33. Other (only beyond the 0.01% allowance, 4.32 min): 55.68 / 43,200 x
    # 2,400 = 3.0933... -> 3.09. Availability (99.8611%, missed) is the same under both.
    intervals = [down("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00")]
    estimate = contract_estimate(
        CONTRACTS["sonar-billing"], load_policy("sonar-software"), "2026-04", "platform", intervals
    )
    assert f"{estimate.amount:.2f}" == "3.33"
    (other,) = other_figures(estimate, intervals)
    assert (other.differs, f"{other.estimate.amount:.2f}") == (("credit_amount",), "3.09")


def test_readings_that_change_nothing_give_no_other_figures() -> None:
    # Resonate, April 2026: 60 min unplanned (99.8611%, met: 0.00) and maintenance Thu 9 Apr 22:00-23:00 EDT,
    # inside the window in either zone (21:00-03:00 EDT and 22:00-04:00 EDT): excluded either way, so the month
    # reads the windows in the first zone listed. The maintenance reading is there, and changes nothing.
    intervals = [
        down("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00"),
        down("2026-04-09T22:00:00-04:00", "2026-04-09T23:00:00-04:00", Kind.SCHEDULED),
    ]
    estimate = contract_estimate(CONTRACTS["resonate-ems"], load_policy("resonate"), "2026-04", "platform", intervals)
    assert any("read whole in America/New_York for 2026-04" in r["chosen"] for r in estimate.readings)
    assert other_figures(estimate, intervals) == ()


def test_sonarsource_misses_that_depend_on_a_reading() -> None:
    # SonarQube Enterprise (fee 15,000.00 EUR), 2026-Q1: 5 misses, 1 of them only under a chosen reading.
    # 5 > 4: 25% x 15,000 = 3,750.00. Without it 4, not more than four: 0.00 and the target met.
    when = datetime.fromisoformat("2026-01-14T10:00:00+01:00")
    misses = [MissedResponse(f"SQ-{n}", "t", when, when, on_reading=n == 0) for n in range(5)]
    missed, on_reading = missed_counts(misses)
    assert (missed, on_reading) == (5, 1)
    assert missed_counts(misses[1:]) == (4, None) and missed_counts(None) == (None, None)
    estimate = contract_estimate(
        CONTRACTS["sonarqube-support"], load_policy("sonarsource"), "2026-Q1", "platform", (),
        missed=missed, missed_on_reading=on_reading,
    )  # fmt: skip
    assert f"{estimate.amount:.2f}" == "3750.00"
    by_figure = {o.differs: o for o in other_figures(estimate)}
    misses_reading = by_figure[("target_met", "credit_amount")]
    assert "1 of the 5 missed initial responses" in misses_reading.reading["chosen"]
    assert f"{misses_reading.estimate.amount:.2f}" == "0.00"
    # The claim reading moves the deadline: 30 days after Mar 31 24:00 CEST = May 1 00:00; other (from Mar 31
    # itself) Apr 30 00:00 CEST. Enterprise earns the credit under both scope readings: that one is not listed.
    assert set(by_figure) == {("target_met", "credit_amount"), ("claim_deadline",)}
