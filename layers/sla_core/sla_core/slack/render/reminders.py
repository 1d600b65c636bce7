"""What a reminder says: the stage, the target, the time left on the contract's clock, who to escalate to.

Time left is open time on the target's own calendar (business time where the target runs on business
hours), so "2 h left" on a Friday evening means two working hours, not two wall-clock hours. Every message
reads true whenever it is rendered: before the deadline it says how long is left ("12 min left"), from the
deadline on how late it is ("overdue by 2 h"), and a share of the time is only ever "used" while some is left.
Incident titles come from outside and are escaped; the breach notice mentions the contract's escalation group.
Each reminder carries its buttons (Responded, and Snooze on a heads-up or a warning: `reminder_buttons`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sla_core.config.contract import Contract
from sla_core.incidents.reminder_stages import (
    BREACH,
    HEADS_UP,
    UPDATE_OVERDUE,
    UPDATE_SOON,
    WARNING,
    Stage,
    percent_used,
)
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.render.reminder_buttons import actions_block
from sla_core.slack.render.text import context, date_token, duration_text, escape, metric_words, progress_bar, section

ICONS = {
    HEADS_UP: ":hourglass_flowing_sand:",
    WARNING: ":warning:",
    BREACH: ":rotating_light:",
    UPDATE_SOON: ":memo:",
    UPDATE_OVERDUE: ":bangbang:",
}
MINUTE = timedelta(minutes=1)
FULL_BAR = "▓" * 10


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


@dataclass(frozen=True, slots=True)
class Timing:
    """Where `now` stands against a clock's deadline, in words: `left` before it, `late` from it on."""

    overdue: bool
    left: str  # "12 min left" (before the deadline only)
    late: str  # "overdue now" | "overdue by 2 h" | "overdue" (from the deadline on only)
    percent: int  # whole percent of the open time used, below 100 while time is left


def timing(tracked: TrackedDeadline, now: datetime) -> Timing:
    """The time left or the lateness on the clock's own calendar. Late by under a minute of open time reads
    'overdue now' just after the deadline and plain 'overdue' later (a business clock closed since it fell due)."""
    remaining = tracked.remaining(now)
    overdue = now >= tracked.due_at
    left = f"{duration_text(remaining)} left" if remaining >= MINUTE else "less than 1 min left"
    if -remaining >= MINUTE:
        late = duration_text(remaining)
    else:
        late = "overdue now" if now - tracked.due_at < MINUTE else "overdue"
    return Timing(overdue, left, late, percent_used(tracked, now))


def stage_text(stage: Stage, *, title: str, contract: Contract | None, now: datetime) -> str:
    """The reminder's text (also the notification fallback of its blocks), true before and after the deadline."""
    tracked = stage.tracked
    what = f"*{metric_name(tracked.metric)}*"
    due = date_token(tracked.due_at, tracked.deadline.calendar.zone)
    subject = escape(title)
    clock = clock_text(stage)
    when = timing(tracked, now)
    was_due = f"was due {due} and is {when.late} ({clock})"
    if tracked.recurring:
        if when.overdue:
            return f"{ICONS[UPDATE_OVERDUE]} *Update overdue*: the {what} on {subject} {was_due}."
        return (
            f"{ICONS[UPDATE_SOON]} *Update due soon*: the next {what} on {subject} is due {due}; {when.left} ({clock})."
        )
    icon = ICONS[stage.name]
    if stage.name == BREACH:
        if when.overdue:
            return f"{icon} *Breached*: the {what} target on {subject} {was_due}. {escalation_mention(contract)}"
        return (
            f"{icon} *About to breach*: the {what} target on {subject} is due {due}; {when.left} ({clock}). "
            f"{escalation_mention(contract)}"
        )
    label = "*Heads-up*" if stage.name == HEADS_UP else "*Warning*"
    if when.overdue:
        return f"{icon} {label}: the {what} on {subject} {was_due}."
    if stage.name == HEADS_UP:
        used = f"{when.percent}% of the time for the {what} on {subject} is used"
        return f"{icon} {label}: {used}; {when.left} ({clock}), due {due}."
    return f"{icon} {label}: the {what} on {subject} is due {due}; only {when.left} ({clock})."


def stage_blocks(stage: Stage, text: str, *, incident_id: str, now: datetime) -> list[dict[str, Any]]:
    """The reminder as Block Kit: the sentence, how much of the target's time is used (or how late it is), and
    its buttons (Responded where a person's answer meets the clock, Snooze on a heads-up or a warning)."""
    tracked = stage.tracked
    when = timing(tracked, now)
    target = escape(tracked.deadline.target)
    if when.overdue:
        gauge = f"{FULL_BAR} {target} used up · {when.late}"
    else:
        gauge = f"{progress_bar(when.percent / 100)} of {target}"
    actions = actions_block(incident_id, stage.key)
    return [section(text), context(f"{gauge} · {clock_text(stage)}"), *([actions] if actions else [])]
