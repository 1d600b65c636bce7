"""Periodic reports, on the 1st of each month in a contract's zone, and the claim-window reminders they set.

Monthly (contracts whose credit is measured by month): last month's availability per component, target
met or missed, the estimated credit with the readings it rests on, and the claim deadline; for Resonate,
a termination right that three failed months within six give, and until when it can be used. Quarterly
(SonarSource): at quarter end the tickets that missed their initial response and whether more than the
threshold did; in the other months, the count so far. Where a credit is due and the claim window is still
open, reminders are scheduled 7 days and 1 day before it closes. Figures come from the same modules as
`python -m sla_core credit` (availability, credits, claims), fed with the downtime and incidents stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sla_core.app.contract_credit import contract_estimate, missed_initial_responses, recorded_downtime
from sla_core.config.contracts import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.instants import from_micros
from sla_core.engine.periods import Period, month_period, quarter_period
from sla_core.engine.policy import Policy, load_policy
from sla_core.slack.text import date_token, escape
from sla_core.storage.post_queue import Draft

REPORT_PURPOSE, CLAIM_PURPOSE = "report", "claim_reminder"
CLAIM_REMINDERS = (("7d", timedelta(days=7), "7 days"), ("1d", timedelta(days=1), "1 day"))
MAX_LISTED = 10
_claimed: set[str] = set()


@dataclass(frozen=True, slots=True)
class ReportJob:
    """One report owed: a contract's month (or quarter) report, identified by its post id."""

    post_id: str
    contract_id: str
    unit: Literal["month", "quarter"]
    period: Period
    quarter: Period | None


def already_claimed(post_id: str) -> bool:
    """True when this process claimed (or saw) the report already: later ticks of the day skip the read."""
    return post_id in _claimed


def remember_claimed(post_id: str) -> None:
    _claimed.add(post_id)


def contract_zone(contract: Contract) -> ZoneInfo:
    """The zone the contract's periods are counted in (the policy's, or its support region's)."""
    policy = load_policy(contract.policy)
    return policy.zone_for(policy.region(contract.region))


def _month_before(local: datetime, zone: ZoneInfo) -> Period:
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return month_period(year, month, zone)


def _quarter_of(period: Period, policy: Policy, zone: ZoneInfo) -> tuple[Period, bool]:
    """The fiscal quarter containing a month, and whether the month ends it."""
    credit = policy.terms.credit
    start_month = credit.fiscal_year_start_month if credit is not None else 1
    local = period.start_at
    offset = (local.month - start_month) % 12
    fiscal_year = local.year if local.month >= start_month else local.year - 1
    quarter = quarter_period(fiscal_year, offset // 3 + 1, zone, start_month)
    return quarter, period.end == quarter.end


def jobs_due(contract: Contract, now: datetime) -> list[ReportJob]:
    """The report a contract is owed at `now`: on the 1st of a month in its zone, last month's (or quarter's)."""
    zone = contract_zone(contract)
    local = now.astimezone(zone)
    if local.day != 1:
        return []
    policy = load_policy(contract.policy)
    month = _month_before(local, zone)
    credit = policy.terms.credit
    if credit is not None and credit.period == "quarter":
        quarter, ends = _quarter_of(month, policy, zone)
        label = quarter.label if ends else f"{month.label}@{quarter.label}"
        return [ReportJob(f"report#{contract.id}#{label}", contract.id, "quarter", month, quarter)]
    return [ReportJob(f"report#{contract.id}#{month.label}", contract.id, "month", month, None)]


# -- inputs from storage ----------------------------------------------------------------------------


def failed_months_before(
    contract: Contract, policy: Policy, period: Period, component: str, now: datetime
) -> list[str]:
    """Months before `period` within the termination window whose availability target was missed."""
    terms = policy.terms.termination
    if terms is None or policy.terms.availability is None:
        return []
    zone = period.zone
    failed: list[str] = []
    start = period.start_at
    for back in range(1, terms.window_months):
        index = start.year * 12 + start.month - 1 - back
        month = month_period(index // 12, index % 12 + 1, zone)
        estimate = contract_estimate(
            contract, policy, month.label, component, recorded_downtime(contract, component, month, now)
        )
        if estimate.target_met is False:
            failed.append(month.label)
    return failed


# -- texts ------------------------------------------------------------------------------------------


def _readings_text(estimate: CreditEstimate) -> list[str]:
    return [f"• _Reading:_ {escape(r['chosen'])} (other reading: {escape(r['other'])})" for r in estimate.readings]


def _claim_text(estimate: CreditEstimate) -> str:
    claim = estimate.claim
    if estimate.amount <= 0:
        return "Nothing to claim."
    if claim.deadline is None:
        return f"Claim: no deadline. {escape(claim.basis)}"
    due = date_token(from_micros(claim.deadline, estimate.zone), estimate.zone)
    where = f" Submit to {escape(claim.submit_to)}." if claim.submit_to else ""
    contents = f" Include: {escape('; '.join(claim.contents))}." if claim.contents else ""
    return f"*Claim by {due}*.{where}{contents}"


def _money_line(contract: Contract, estimate: CreditEstimate) -> str:
    who = "owed to the customer" if contract.perspective == "provider" else "to claim"
    return f"Estimated credit {who}: *{estimate.amount:.2f} {estimate.currency}*. {escape(estimate.basis)}"


def _termination_line(estimate: CreditEstimate) -> str | None:
    right = estimate.termination
    if right is None or not right.exists or right.until is None:
        return None
    until = date_token(from_micros(right.until, estimate.zone), estimate.zone)
    return f":warning: *Termination right*: {escape(right.basis)} It can be used until {until}."


def claim_reminders(contract: Contract, estimate: CreditEstimate, now: datetime) -> list[Draft]:
    """Reminders 7 days and 1 day before each claim window of the estimate closes (those still ahead).

    A credit claimed per outage (Sonoran: 72 h after each) has a window per outage; others one per period.
    Post ids are the window's own deadline, so the monthly report and the resolve of the incident that
    opened the window schedule the same posts, and the conditional create keeps one of each.
    """
    claim = estimate.claim
    if estimate.amount <= 0 or claim.deadline is None:
        return []
    zone = estimate.zone
    credit = f"{estimate.amount:.2f} {estimate.currency} estimated for {estimate.period.label}"
    windows = [
        (from_micros(deadline, zone), f"the outage of {date_token(from_micros(outage.start, zone), zone)} ({credit})")
        for outage, deadline in claim.per_outage
    ] or [
        (
            from_micros(claim.deadline, zone),
            f"the {estimate.period.label} credit of {estimate.amount:.2f} {estimate.currency}",
        )
    ]
    drafts: list[Draft] = []
    for deadline, what in windows:
        for tag, before, words in CLAIM_REMINDERS:
            send_at = deadline - before
            if send_at <= now:
                continue
            text = (
                f":alarm_clock: *Claim window closes in {words}*: {what} on {escape(contract.name)} must be "
                f"claimed by {date_token(deadline, zone)}."
                + (f" Submit to {escape(claim.submit_to)}." if claim.submit_to else "")
            )
            post_id = f"claim#{contract.id}#{estimate.component}#{deadline.isoformat()}#{tag}"
            drafts.append(Draft(post_id, CLAIM_PURPOSE, contract.slack_channel, text, send_at, contract_id=contract.id))
    return drafts


def _draft(job: ReportJob, contract: Contract, lines: list[str], now: datetime) -> Draft:
    text = "\n".join(lines)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]
    return Draft(job.post_id, REPORT_PURPOSE, contract.slack_channel, text, now, blocks=blocks, contract_id=contract.id)


def build(job: ReportJob, contract: Contract, now: datetime) -> list[Draft]:
    """The report's post, then any claim-window reminders it schedules."""
    if job.unit == "quarter":
        return _quarterly(job, contract, now)
    return _monthly(job, contract, now)


def _monthly(job: ReportJob, contract: Contract, now: datetime) -> list[Draft]:
    policy = load_policy(contract.policy)
    period = job.period
    lines = [f":bar_chart: *Monthly SLA report: {escape(contract.name)}, {period.label}* ({escape(policy.vendor)})"]
    reminders: list[Draft] = []
    for component in contract.components:
        intervals = recorded_downtime(contract, component, period, now)
        failed = failed_months_before(contract, policy, period, component, now)
        estimate = contract_estimate(contract, policy, period.label, component, intervals, failed_months=failed)
        m = estimate.availability
        if m is not None:
            verdict = "met" if m.met else "missed"
            lines.append(
                f"*{escape(component)}*: availability {m.percent_text()}% against the {m.target_percent}% target: "
                f"*{verdict}*."
            )
        lines.append(_money_line(contract, estimate))
        lines.append(_claim_text(estimate))
        termination = _termination_line(estimate)
        if termination:
            lines.append(termination)
        lines.extend(_readings_text(estimate))
        reminders += claim_reminders(contract, estimate, now)
    return [_draft(job, contract, lines, now), *reminders]


def _quarterly(job: ReportJob, contract: Contract, now: datetime) -> list[Draft]:
    policy = load_policy(contract.policy)
    assert job.quarter is not None
    quarter = job.quarter
    ends = job.period.end == quarter.end
    missed = missed_initial_responses(contract, quarter, now)
    rule = policy.terms.credit.missed_responses if policy.terms.credit else None
    limit = rule.more_than if rule is not None else 0
    passed = len(missed) > limit
    title = "Quarter-end" if ends else "Monthly"
    lines = [
        f":bar_chart: *{title} SLA report: {escape(contract.name)}, {quarter.label if ends else job.period.label}* "
        f"({escape(policy.vendor)})",
        f"{len(missed)} ticket{'' if len(missed) == 1 else 's'} missed the initial response in {quarter.label}"
        f"{'' if ends else ' so far'}; the credit needs more than {limit}: "
        f"{'*threshold passed*' if passed else 'threshold not passed'}.",
    ]
    lines += [
        f"• {escape(m.incident_id)} {escape(m.title)}: opened {date_token(m.opened_at, quarter.zone)}, "
        f"response due {date_token(m.due_at, quarter.zone)}"
        for m in missed[:MAX_LISTED]
    ]
    if len(missed) > MAX_LISTED:
        lines.append(f"• and {len(missed) - MAX_LISTED} more")
    if not ends:
        return [_draft(job, contract, lines, now)]
    estimate = contract_estimate(contract, policy, quarter.label, policy.component(None), (), missed=len(missed))
    lines += [_money_line(contract, estimate), _claim_text(estimate), *_readings_text(estimate)]
    return [_draft(job, contract, lines, now), *claim_reminders(contract, estimate, now)]
