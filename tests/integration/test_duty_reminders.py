"""Dated duties and the refund estimate through the reminder sweep against DynamoDB Local (Slack is a recorder).

The contracts are the shipped ones with the facts these tests need, in 2027 so no other test's ticks meet them:
- SonarQube support (EMEA, Zurich), renewal_date 2027-03-01: the downgrade request is due by 00:00 CET on it
  (2027-02-28T23:00Z); reminders 30, 7 and 1 days before at local midnight: 30 Jan, 22 Feb and 28 Feb 00:00 CET
  = 2027-01-29T23:00Z, 2027-02-21T23:00Z and 2027-02-27T23:00Z. Each goes out once, whatever the ticks do.
- A copy whose renewal_date (2027-02-25) is added on 20 Feb, after its 30- and 7-day reminder times (26 Jan, 18
  Feb): the next tick posts the 7-day one, which says 5 days are left; the 30-day one is never posted.
- Resonate EMS with 38,400.00 USD prepaid for 2027 (365 days): P1 outages of 300 minutes on Tue 12 Jan, 9 Feb
  and 9 Mar 2027 fail January (300 of 44,640 min: 99.3279%), February (of 40,320: 99.2559%) and March (of 44,580,
  DST: 99.3270%), all below 99.5%. On 1 Apr the March report finds three failed months in a row: the right
  lasts until 11 Apr 00:00 EDT, so its last day is 10 Apr: 10–30 Apr (21) + May–Dec (31+30+31+31+30+31+30+31 =
  245) = 266 days; 38,400.00 × 266 / 365 = 27,984.6575... -> 27,984.66 USD; a day is 105.2054... -> 105.21.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sla_core.app import duties
from sla_core.app.incident_service import record_event
from sla_core.app.ports import Blocks
from sla_core.app.sweep import Sweep
from sla_core.config.clock import FixedClock
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import parse_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.render.reports import SlackMessages
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SHIPPED = tomllib.loads((ROOT / "config" / "contracts.toml").read_text(encoding="utf-8"))
SUPPORT_CHANNEL, RESONATE_CHANNEL = "C0SONARQUBE", "C0RESONATE1"


def contracts(**extra: dict[str, Any]) -> ContractsConfig:
    """The shipped contracts, SonarQube support renewing on 1 Mar 2027 and Resonate prepaid for 2027, plus
    `extra` contracts copied from SonarQube support with the fields given."""
    data = copy.deepcopy(SHIPPED)
    data["contracts"]["sonarqube-support"]["renewal_date"] = date(2027, 3, 1)
    data["contracts"]["resonate-ems"]["prepaid"] = {"fees": "38400.00", "from": date(2027, 1, 1),
                                                   "through": date(2027, 12, 31)}  # fmt: skip
    for contract_id, fields in extra.items():
        table = copy.deepcopy(data["contracts"]["sonarqube-support"])
        table.pop("pagerduty")
        data["contracts"][contract_id] = {**table, **fields}
    return parse_contracts(data)


@dataclass
class Recorder:
    """A Slack that accepts every post and remembers it."""

    posted: list[dict[str, Any]] = field(default_factory=list)

    def post(
        self,
        channel: str,
        text: str,
        *,
        blocks: Blocks | None,
        thread_ts: str | None,
        broadcast: bool,
        post_id: str,
        plain: bool = False,
    ) -> str:
        self.posted.append({"channel": channel, "text": text, "post_id": post_id})
        return f"1800000000.{len(self.posted):06d}"

    def find(self, channel: str, post_id: str, *, thread_ts: str | None, oldest: datetime) -> str | None:
        return None


def tick(config: ContractsConfig, slack: Recorder, at: str, contract_id: str = "sonarqube-support") -> list[str]:
    """One sweep at `at`; the duty reminders it posted for one contract (reports, which the 1st also brings, and
    other contracts' reminders left out)."""
    before = len(slack.posted)
    Sweep(config, slack, SlackMessages(), FixedClock(datetime.fromisoformat(at))).run()
    return [p["text"] for p in slack.posted[before:] if p["post_id"].startswith(f"duty#{contract_id}#")]


@pytest.fixture(autouse=True)
def a_fresh_process() -> None:
    duties._claimed.clear()  # each test starts as a cold start would


def test_each_downgrade_reminder_goes_out_once_at_its_instant(table: str) -> None:
    config, slack = contracts(), Recorder()
    assert tick(config, slack, "2027-01-29T22:59:00+00:00") == []
    (first,) = tick(config, slack, "2027-01-29T23:00:00+00:00")
    assert first.startswith(":memo: *Deadline in 30 days* on SonarQube Enterprise support: Request a Support Tier")
    assert slack.posted[-1]["channel"] == SUPPORT_CHANNEL
    assert tick(config, slack, "2027-01-29T23:01:00+00:00") == []
    duties._claimed.clear()  # another process: its claim finds the post and writes nothing new
    assert tick(config, slack, "2027-01-30T12:00:00+00:00") == []
    assert tick(config, slack, "2027-02-21T22:59:00+00:00") == []
    (week,) = tick(config, slack, "2027-02-21T23:00:00+00:00")
    assert week.startswith(":memo: *Deadline in 7 days*")
    (day,) = tick(config, slack, "2027-02-27T23:00:00+00:00")
    assert day.startswith(":memo: *Deadline tomorrow*")
    assert tick(config, slack, "2027-02-28T23:00:00+00:00") == []  # 1 Mar 00:00 CET: the deadline itself
    duty_posts = [p["post_id"] for p in slack.posted if p["post_id"].startswith("duty#")]
    assert duty_posts == [
        "duty#sonarqube-support#downgrade-request#2027-03-01#30d",
        "duty#sonarqube-support#downgrade-request#2027-03-01#7d",
        "duty#sonarqube-support#downgrade-request#2027-03-01#1d",
    ]


def test_a_renewal_date_added_late_gets_the_latest_reminder_only(table: str) -> None:
    slack = Recorder()
    assert tick(contracts(), slack, "2027-02-19T12:00:00+00:00", "sq-late") == []  # not configured yet
    late = contracts(**{"sq-late": {"name": "SonarQube late", "renewal_date": date(2027, 2, 25)}})
    (reminder,) = tick(late, slack, "2027-02-20T12:00:00+00:00", "sq-late")
    assert reminder.startswith(":memo: *Deadline in 5 days* on SonarQube late")
    late_posts = [p["post_id"] for p in slack.posted if p["post_id"].startswith("duty#sq-late#")]
    assert late_posts == ["duty#sq-late#downgrade-request#2027-02-25#7d"]
    assert tick(late, slack, "2027-02-20T12:01:00+00:00", "sq-late") == []


def p1(incident_id: str, opened: datetime, config: ContractsConfig) -> None:
    contract = config.contracts["resonate-ems"]
    for event in (
        IncidentEvent(f"{incident_id}-t", "triggered", opened, severity="P1"),
        IncidentEvent(f"{incident_id}-r", "resolved", opened + timedelta(minutes=300), actor="U1"),
    ):
        record_event(incident_id=incident_id, event=event, contract=contract, source="pagerduty",
                     recorded_at=event.occurred_at, title="EMS down")  # fmt: skip


def test_the_monthly_report_estimates_the_refund_next_to_the_termination_right(table: str) -> None:
    config, slack = contracts(), Recorder()
    for number, day in enumerate((date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9))):  # Tuesdays, before DST
        p1(f"pd-RF{number}", datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC), config)  # 10:00 EST
    Sweep(config, slack, SlackMessages(), FixedClock(datetime(2027, 4, 1, 12, 0, tzinfo=UTC))).run()
    (posted,) = [p for p in slack.posted if p["post_id"] == "report#resonate-ems#2027-03"]
    report = posted["text"]
    assert posted["channel"] == RESONATE_CHANNEL
    assert "*platform*: availability 99.3270% against the 99.5% target: *missed*" in report
    assert ":warning: *Termination right*: 3 failed months within" in report
    assert (
        ":moneybag: *Refund of prepaid fees on termination*: If termination takes effect on 2027-04-10 (the last day "
        "the right can be exercised): 266 of the 365 prepaid days (2027-01-01 to 2027-12-31; that day included) × "
        "38400.00 / 365 = 27984.66 USD refunded; each day earlier adds 105.21 USD."
    ) in report
    # The other reading keeps the effective day as paid: 265 days, 38,400 × 265 / 365 = 27,879.45 USD.
    assert "(27879.45 USD refunded if read as: The effective date is still a paid day" in report
