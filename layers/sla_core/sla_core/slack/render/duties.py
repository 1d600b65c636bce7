"""What a dated-duty reminder says (e.g. SonarSource's written downgrade request before renewal), in Slack mrkdwn."""

from __future__ import annotations

from sla_core.app.notices import DutyNotice
from sla_core.slack.render.text import date_token, escape


def duty_reminder_text(notice: DutyNotice) -> str:
    """The reminder: what to do and how, on which contract, by when (a date token), and its conditions; worded
    for the customer, or for the provider whose customer holds the duty."""
    deadline, contract = notice.deadline, notice.contract
    duty = deadline.duty
    assert deadline.due is not None and deadline.on is not None
    left = "tomorrow" if notice.days_left == 1 else f"in {notice.days_left} days"
    how = f" ({escape(duty.how)})" if duty.how else ""
    due = date_token(deadline.due, deadline.zone)
    by = f"by {due} (before the {escape(duty.before.replace('_', ' '))} date, {deadline.on.isoformat()})"
    if contract.perspective == "provider":
        head = f":memo: *Customer deadline {left}* on {escape(contract.name)}: {escape(duty.name)}{how}, {by}."
    else:
        head = f":memo: *Deadline {left}* on {escape(contract.name)}: {escape(duty.name)}{how}, {by}."
    return " ".join([head, *(escape(condition) for condition in duty.conditions)])
