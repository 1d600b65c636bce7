"""A reminder's buttons ("Responded", "Snooze 15 min") and the lines that say who pressed them, and when.

Every value is `<incident id>|<stage key>`; `incidents.routes` sends the clicks to `IncidentFlows.press_reminder`, and
`incidents.reminder_presses` does the work. "Responded" is offered
where the clock waits for something a person does (the first response, the next status update), "Snooze" on
heads-ups and warnings only: a breach is never snoozed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sla_core.engine.errors import InputError
from sla_core.incidents.reminder_stages import BREACH, RANK, SNOOZABLE, SNOOZE, WARNING, clock_key, stage_name
from sla_core.slack.incidents.routes import RESPONDED_ACTION, SNOOZE_ACTION
from sla_core.slack.render.text import BUTTON_TEXT, BUTTON_VALUE, context, date_token, duration_text, escape, plain

OUTCOME_BLOCK = "reminder_outcome"
# What "Responded" records, by the clock's metric: the first response, or the update the cadence waits for.
RESPONSES = {"initial_response": "acknowledged", "update": "update"}
DONE_WORDS = {"acknowledged": "recorded the first response", "update": "posted the status update"}
LATER_WORDS = {WARNING: "warning", BREACH: "breach notice"}
SNOOZE_TEXT = duration_text(SNOOZE)
Block = dict[str, Any]


def action_value(incident_id: str, stage_key: str) -> str:
    """A button's value: the incident and the stage its message is about."""
    return f"{incident_id}|{stage_key}"[:BUTTON_VALUE]


def parse_value(value: str) -> tuple[str, str]:
    """(incident id, stage key) from a button's value; InputError for a value no reminder carries."""
    incident_id, _, stage_key = value.partition("|")
    try:
        clock_start(stage_key)
    except ValueError:
        raise InputError("That button names no reminder.") from None
    if not incident_id or stage_name(stage_key) not in RANK:
        raise InputError("That button names no reminder.")
    return incident_id, stage_key


def clock_start(stage_key: str) -> datetime:
    """When the stage's clock run began (its key ends with the instant: `update@2026-03-09T14:05:00-04:00`)."""
    return datetime.fromisoformat(clock_key(stage_key).partition("@")[2])


def response_kind(stage_key: str) -> str | None:
    """The event "Responded" records for the stage's clock, or None where no person's answer meets it."""
    return RESPONSES.get(clock_key(stage_key).split("@", 1)[0])


def actions_block(incident_id: str, stage_key: str, *, responded: bool = False, snoozed: bool = False) -> Block | None:
    """The buttons still useful on the reminder: none once responded; no second snooze of the same notice."""
    value = action_value(incident_id, stage_key)

    def button(label: str, action_id: str, style: str | None = None) -> Block:
        element: Block = {"type": "button", "text": plain(label, BUTTON_TEXT), "action_id": action_id, "value": value}
        return {**element, "style": style} if style else element

    buttons = []
    if response_kind(stage_key) is not None and not responded:
        buttons.append(button("Responded", RESPONDED_ACTION, "primary"))
    if stage_name(stage_key) in SNOOZABLE and not (responded or snoozed):
        buttons.append(button(f"Snooze {SNOOZE_TEXT}", SNOOZE_ACTION))
    return {"type": "actions", "elements": buttons} if buttons else None


def who(actor: str | None) -> str:
    """A Slack user as a mention, anyone else (a PagerDuty name) as escaped text."""
    if actor and actor[0] in "UW" and actor.isalnum():
        return f"<@{actor}>"
    return escape(actor or "someone")


@dataclass(frozen=True, slots=True)
class Responded:
    """What met the reminder's clock: the event kind, who and when."""

    kind: str
    actor: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Snoozed:
    """The snooze of the reminder, and what follows it: the notice back at `back_at`, or `first` (the later stage,
    'warning' or 'breach', with its instant) coming before the snooze is over; neither once the clock is met."""

    actor: str | None
    at: datetime
    back_at: datetime | None = None
    first: tuple[str, datetime] | None = None


def responded_line(done: Responded, zone: tzinfo) -> str:
    """':white_check_mark: <@U1> recorded the first response at <date>.'"""
    return f":white_check_mark: {who(done.actor)} {DONE_WORDS[done.kind]} at {date_token(done.at, zone)}."


def snoozed_line(snooze: Snoozed, zone: tzinfo) -> str:
    """':zzz: <@U1> snoozed this for 15 min at <date>: back at <date>.' (or what comes first)."""
    head = f":zzz: {who(snooze.actor)} snoozed this for {SNOOZE_TEXT} at {date_token(snooze.at, zone)}"
    if snooze.back_at is not None:
        return f"{head}: back at {date_token(snooze.back_at, zone)}."
    if snooze.first is not None:
        name, at = snooze.first
        return f"{head}; the {LATER_WORDS[name]} due {date_token(at, zone)} comes first."
    return f"{head}."


def outcome_blocks(lines: list[str], actions: Block | None) -> list[Block]:
    """The outcome context (replacing any earlier one) and the buttons still useful."""
    found = [{**context("\n".join(lines)), "block_id": OUTCOME_BLOCK}] if lines else []
    return found + ([actions] if actions is not None else [])


def updated_blocks(posted: list[Block], lines: list[str], actions: Block | None) -> list[Block]:
    """The reminder as posted (its sentence and gauge), then who did what and when, then the buttons left."""
    kept = [b for b in posted if b.get("type") != "actions" and b.get("block_id") != OUTCOME_BLOCK]
    return kept + outcome_blocks(lines, actions)
