"""What the monthly and quarterly reports, the claim-window reminders and the daily digest say, in Slack mrkdwn.

A monthly report gives each component its own section: availability, credit, claim and readings, then the month
at a glance (the downtime budget it ended with, one block per day of availability with a legend, the worst day
and the credit tier reached); a policy without an availability target says so instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sla_core.app.alternate_figures import OtherFigure
from sla_core.app.notices import ClaimReminder, Digest, DutyNotice, Report, TermsChange
from sla_core.app.ports import Blocks
from sla_core.app.reports import MAX_LISTED, claim_drafts, claim_reminders
from sla_core.app.skipping import not_included
from sla_core.config.contract import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.instants import from_micros
from sla_core.incidents.records import Draft
from sla_core.incidents.reminder_stages import Stage
from sla_core.slack.render.alternate_words import (
    amount_text,
    other_amount,
    other_availability,
    other_claim,
    other_figure,
    other_termination,
    reading_misses,
    without,
)
from sla_core.slack.render.corrections import terms_change_text
from sla_core.slack.render.digest import digest_message
from sla_core.slack.render.duties import duty_reminder_text
from sla_core.slack.render.glance import glance_lines
from sla_core.slack.render.reminders import stage_blocks, stage_text
from sla_core.slack.render.text import date_token, escape, section


class SlackMessages:
    """The `Messages` the sweep and the reports post, as Slack text and Block Kit."""

    def stage(
        self, stage: Stage, *, incident_id: str, title: str, contract: Contract | None, now: datetime
    ) -> tuple[str, Blocks]:
        text = stage_text(stage, title=title, contract=contract, now=now)
        return text, stage_blocks(stage, text, incident_id=incident_id, now=now)

    def report(self, report: Report) -> tuple[str, Blocks]:
        on_tickets = report.job.unit == "quarter" and not report.components
        parts = [quarterly_lines(report)] if on_tickets else monthly_parts(report)
        if report.skipped:
            parts = [*parts, [f"_{not_included(report.skipped)}_"]]
        return "\n".join(line for part in parts for line in part), [section("\n".join(part)) for part in parts]

    def digest(self, digest: Digest) -> tuple[str, Blocks]:
        return digest_message(digest)

    def claim_reminder(self, reminder: ClaimReminder) -> str:
        return claim_reminder_text(reminder)

    def duty_reminder(self, notice: DutyNotice) -> str:
        return duty_reminder_text(notice)

    def terms_change(self, change: TermsChange) -> str:
        return terms_change_text(change)


def claim_reminder_drafts(contract: Contract, estimate: CreditEstimate, now: datetime) -> list[Draft]:
    """The claim-window reminders an estimate owes from `now` on, as posts."""
    return claim_drafts(claim_reminders(contract, estimate, now), SlackMessages())


def readings_lines(estimate: CreditEstimate) -> list[str]:
    return [f"• _Reading:_ {escape(r['chosen'])} (other reading: {escape(r['other'])})" for r in estimate.readings]


def claim_line(estimate: CreditEstimate, others: Sequence[OtherFigure] = ()) -> str:
    """Where and by when to claim the credit (and the deadline under any other reading that moves it)."""
    claim = estimate.claim
    if estimate.amount <= 0:
        return "Nothing to claim."
    if claim.deadline is None:
        return f"Claim: no deadline{other_claim(others)}. {escape(claim.basis)}"
    due = date_token(from_micros(claim.deadline, estimate.zone), estimate.zone)
    where = f" Submit to {escape(claim.submit_to)}." if claim.submit_to else ""
    contents = f" Include: {escape('; '.join(claim.contents))}." if claim.contents else ""
    return f"*Claim by {due}*{other_claim(others)}.{where}{contents}"


def money_line(contract: Contract, estimate: CreditEstimate, others: Sequence[OtherFigure] = ()) -> str:
    """The estimated credit, owed or to claim (and the amount under any other reading that changes it)."""
    who = "owed to the customer" if contract.perspective == "provider" else "to claim"
    return f"Estimated credit {who}: *{amount_text(estimate)}*{other_amount(others)}. {escape(estimate.basis)}"


def termination_line(estimate: CreditEstimate, others: Sequence[OtherFigure] = ()) -> str | None:
    """The termination right and until when it can be used, when there is one or an other reading gives or
    takes it away; None otherwise."""
    right, other = estimate.termination, other_termination(others)
    if right is None or not right.exists or right.until is None:
        return f"*Termination right*: none{other}." if other else None
    until = date_token(from_micros(right.until, estimate.zone), estimate.zone)
    return f":warning: *Termination right*: {escape(right.basis)} It can be used until {until}{other}."


def refund_line(estimate: CreditEstimate, others: Sequence[OtherFigure] = ()) -> str | None:
    """The refund of prepaid fees a termination right brings, where the contract gives the fees, with the
    refund under each other reading that changes it."""
    right = estimate.termination
    if right is None or right.refund is None:
        return None
    other = other_figure(others, ("refund",), refund_amount)
    return f":moneybag: *Refund of prepaid fees on termination*: {escape(right.refund.basis)}{other}"


def refund_amount(estimate: CreditEstimate) -> str:
    """'15149.59 USD refunded' (or no refund)."""
    refund = estimate.termination.refund if estimate.termination is not None else None
    return f"{refund.amount:.2f} {refund.currency} refunded" if refund is not None else "no refund"


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
    """The monthly report's lines (the message's fallback text)."""
    return [line for part in monthly_parts(report) for line in part]


def monthly_parts(report: Report) -> list[list[str]]:
    """The monthly (or quarter-end) report's title, then each component's lines with its period at a glance (a
    section each)."""
    contract, job = report.contract, report.job
    title, label = ("Quarter-end", job.quarter.label) if job.quarter is not None else ("Monthly", job.period.label)
    parts = [[f":bar_chart: *{title} SLA report: {escape(contract.name)}, {label}* ({escape(report.vendor)})"]]
    for month in report.components:
        lines: list[str] = []
        parts.append(lines)
        estimate, others = month.estimate, month.others
        m = estimate.availability
        if m is not None:
            verdict = "met" if m.met else "missed"
            lines.append(
                f"*{escape(month.component)}*: availability {m.percent_text()}% against the {m.target_percent}% "
                f"target: *{verdict}*{other_availability(others)}."
            )
        lines.append(money_line(contract, estimate, others))
        lines.append(claim_line(estimate, others))
        termination = termination_line(estimate, others)
        if termination:
            lines.append(termination)
        lines.extend(line for line in (refund_line(estimate, others),) if line)
        lines.extend(readings_lines(estimate))
        glance = report.glance(month.component)
        lines.extend(glance_lines(glance) if glance is not None else [])
    return parts


def quarterly_lines(report: Report) -> list[str]:
    contract, job = report.contract, report.job
    assert job.quarter is not None
    quarter, ends = job.quarter, report.quarter_ends
    missed, limit = report.missed, report.missed_limit
    passed = len(missed) > limit
    on_reading = sum(m.on_reading for m in missed)
    unless = f" (not passed {without(on_reading)})" if passed and len(missed) - on_reading <= limit else ""
    title = "Quarter-end" if ends else "Monthly"
    lines = [
        f":bar_chart: *{title} SLA report: {escape(contract.name)}, {quarter.label if ends else job.period.label}* "
        f"({escape(report.vendor)})",
        f"{len(missed)} ticket{'' if len(missed) == 1 else 's'} missed the initial response in {quarter.label}"
        f"{'' if ends else ' so far'}{reading_misses(len(missed), on_reading)}; the credit needs more than {limit}: "
        f"{'*threshold passed*' if passed else 'threshold not passed'}{unless}.",
    ]
    lines += [
        f"• {escape(m.incident_id)} {escape(m.title)}: opened {date_token(m.opened_at, quarter.zone)}, "
        f"response due {date_token(m.due_at, quarter.zone)}{' (depends on a reading)' if m.on_reading else ''}"
        for m in missed[:MAX_LISTED]
    ]
    if len(missed) > MAX_LISTED:
        lines.append(f"• and {len(missed) - MAX_LISTED} more")
    estimate = report.quarter_estimate
    if estimate is not None:
        others = report.quarter_others
        lines += [money_line(contract, estimate, others), claim_line(estimate, others), *readings_lines(estimate)]
    return lines + [line for glance in report.glances for line in glance_lines(glance)]
