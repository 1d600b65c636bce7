"""What the monthly and quarterly reports and the claim-window reminders say, in Slack mrkdwn."""

from __future__ import annotations

from datetime import datetime

from sla_core.app.ports import Blocks
from sla_core.app.reports import MAX_LISTED, ClaimReminder, Report, claim_drafts, claim_reminders
from sla_core.config.contracts import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.instants import from_micros
from sla_core.incidents.reminder_stages import Stage
from sla_core.slack.reminder_messages import stage_blocks, stage_text
from sla_core.slack.text import date_token, escape, section
from sla_core.storage.post_queue import Draft


class SlackMessages:
    """The `Messages` the sweep and the reports post, as Slack text and Block Kit."""

    def stage(self, stage: Stage, *, title: str, contract: Contract | None, now: datetime) -> tuple[str, Blocks]:
        text = stage_text(stage, title=title, contract=contract, now=now)
        return text, stage_blocks(stage, text, now=now)

    def report(self, report: Report) -> tuple[str, Blocks]:
        lines = quarterly_lines(report) if report.job.unit == "quarter" else monthly_lines(report)
        text = "\n".join(lines)
        return text, [section(text)]

    def claim_reminder(self, reminder: ClaimReminder) -> str:
        return claim_reminder_text(reminder)


def claim_reminder_drafts(contract: Contract, estimate: CreditEstimate, now: datetime) -> list[Draft]:
    """The claim-window reminders an estimate owes from `now` on, as posts."""
    return claim_drafts(claim_reminders(contract, estimate, now), SlackMessages())


def readings_lines(estimate: CreditEstimate) -> list[str]:
    return [f"• _Reading:_ {escape(r['chosen'])} (other reading: {escape(r['other'])})" for r in estimate.readings]


def claim_line(estimate: CreditEstimate) -> str:
    claim = estimate.claim
    if estimate.amount <= 0:
        return "Nothing to claim."
    if claim.deadline is None:
        return f"Claim: no deadline. {escape(claim.basis)}"
    due = date_token(from_micros(claim.deadline, estimate.zone), estimate.zone)
    where = f" Submit to {escape(claim.submit_to)}." if claim.submit_to else ""
    contents = f" Include: {escape('; '.join(claim.contents))}." if claim.contents else ""
    return f"*Claim by {due}*.{where}{contents}"


def money_line(contract: Contract, estimate: CreditEstimate) -> str:
    who = "owed to the customer" if contract.perspective == "provider" else "to claim"
    return f"Estimated credit {who}: *{estimate.amount:.2f} {estimate.currency}*. {escape(estimate.basis)}"


def termination_line(estimate: CreditEstimate) -> str | None:
    right = estimate.termination
    if right is None or not right.exists or right.until is None:
        return None
    until = date_token(from_micros(right.until, estimate.zone), estimate.zone)
    return f":warning: *Termination right*: {escape(right.basis)} It can be used until {until}."


def claim_reminder_text(reminder: ClaimReminder) -> str:
    estimate, contract = reminder.estimate, reminder.contract
    zone = estimate.zone
    claim = estimate.claim
    credit = f"{estimate.amount:.2f} {estimate.currency}"
    what = (
        f"the outage of {date_token(reminder.outage_start, zone)} ({credit} estimated for {estimate.period.label})"
        if reminder.outage_start is not None
        else f"the {estimate.period.label} credit of {credit}"
    )
    return (
        f":alarm_clock: *Claim window closes in {reminder.before}*: {what} on {escape(contract.name)} must be "
        f"claimed by {date_token(reminder.deadline, zone)}."
        + (f" Submit to {escape(claim.submit_to)}." if claim.submit_to else "")
    )


def monthly_lines(report: Report) -> list[str]:
    contract, period = report.contract, report.job.period
    lines = [f":bar_chart: *Monthly SLA report: {escape(contract.name)}, {period.label}* ({escape(report.vendor)})"]
    for month in report.components:
        estimate = month.estimate
        m = estimate.availability
        if m is not None:
            verdict = "met" if m.met else "missed"
            lines.append(
                f"*{escape(month.component)}*: availability {m.percent_text()}% against the {m.target_percent}% "
                f"target: *{verdict}*."
            )
        lines.append(money_line(contract, estimate))
        lines.append(claim_line(estimate))
        termination = termination_line(estimate)
        if termination:
            lines.append(termination)
        lines.extend(readings_lines(estimate))
    return lines


def quarterly_lines(report: Report) -> list[str]:
    contract, job = report.contract, report.job
    assert job.quarter is not None
    quarter, ends = job.quarter, report.quarter_ends
    missed, limit = report.missed, report.missed_limit
    passed = len(missed) > limit
    title = "Quarter-end" if ends else "Monthly"
    lines = [
        f":bar_chart: *{title} SLA report: {escape(contract.name)}, {quarter.label if ends else job.period.label}* "
        f"({escape(report.vendor)})",
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
    estimate = report.quarter_estimate
    if estimate is not None:
        lines += [money_line(contract, estimate), claim_line(estimate), *readings_lines(estimate)]
    return lines
