"""What a reminder says: the stage, the target, the time left on the contract's clock, who to escalate to.

Time left is open time on the target's own calendar (business time where the target runs on business
hours), so "2 h left" on a Friday evening means two working hours, not two wall-clock hours. Incident
titles come from outside and are escaped; the breach notice mentions the contract's escalation user group.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sla_core.config.contracts import Contract
from sla_core.incidents.reminder_stages import BREACH, HEADS_UP, UPDATE_OVERDUE, UPDATE_SOON, WARNING, Stage
from sla_core.slack.text import context, date_token, duration_text, escape, metric_words, progress_bar, section

ICONS = {
    HEADS_UP: ":hourglass_flowing_sand:",
    WARNING: ":warning:",
    BREACH: ":rotating_light:",
    UPDATE_SOON: ":memo:",
    UPDATE_OVERDUE: ":bangbang:",
}


def metric_name(metric: str) -> str:
    """A target's metric as people say it ('first response')."""
    return metric_words(metric).sentence


def clock_text(stage: Stage) -> str:
    """Which clock the time is counted on: the calendar's description, or 24/7."""
    calendar = stage.tracked.deadline.calendar
    if calendar.always_open:
        return "24/7 clock"
    return f"business time: {calendar.description or calendar.name}"


def escalation_mention(contract: Contract | None) -> str:
    """The contract's escalation user group as a Slack mention, or a plain call to escalate."""
    if contract is not None and contract.escalation_group:
        return f"<!subteam^{contract.escalation_group}> please escalate now."
    return "Escalate now."


def stage_text(stage: Stage, *, title: str, contract: Contract | None, now: datetime) -> str:
    """The reminder's text (also the notification fallback of its blocks)."""
    tracked = stage.tracked
    zone = tracked.deadline.calendar.zone
    what = f"*{metric_name(tracked.metric)}*"
    remaining = tracked.remaining(now)
    left = duration_text(remaining)
    late = left if remaining < timedelta(0) else "overdue now"
    due = date_token(tracked.due_at, zone)
    subject = escape(title)
    used = round(tracked.fraction_used(now) * 100)
    clock = clock_text(stage)
    icon = ICONS.get(stage.name, ":bell:")
    if stage.name == HEADS_UP:
        used_text = f"{used}% of the time for the {what} on {subject} is used"
        return f"{icon} *Heads-up*: {used_text}; {left} left ({clock}), due {due}."
    if stage.name == WARNING:
        return f"{icon} *Warning*: the {what} on {subject} is due {due}; only {left} left ({clock})."
    if stage.name == BREACH:
        return (
            f"{icon} *Breached*: the {what} target on {subject} was due {due} and is {late} ({clock}). "
            f"{escalation_mention(contract)}"
        )
    if stage.name == UPDATE_SOON:
        return f"{icon} *Update due soon*: the next {what} on {subject} is due {due}; {left} left ({clock})."
    if stage.name == UPDATE_OVERDUE:
        return f"{icon} *Update overdue*: the {what} on {subject} was due {due} and is {late} ({clock})."
    return f"{icon} {stage.name}: {what} on {subject} due {due}; {left} left ({clock})."


def stage_blocks(stage: Stage, text: str, *, now: datetime) -> list[dict[str, Any]]:
    """The reminder as Block Kit: the sentence, then how much of the target's time is used."""
    bar = progress_bar(stage.tracked.fraction_used(now))
    target = stage.tracked.deadline.target
    return [
        section(text),
        context(f"{bar} of {escape(target)} · {clock_text(stage)}"),
    ]
