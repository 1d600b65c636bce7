"""THE Slack rendering of an incident: the card (Block Kit), its thread replies, and the resolve summary.

Every function that shows an incident (PagerDuty webhooks, Slack buttons and commands, reminders) renders
it here, from the stored incident and its contract, so the card looks the same whoever updates it. Text
that did not come from us (titles, names, notes) is escaped: a title with `<!channel>` pings nobody.
Instants are shown in the contract's zone and as Slack date tokens (each reader sees their own time).
Buttons carry the incident id as `value`; the Slack function handles the clicks (action ids below).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sla_core.app.contract_credit import MonthToDate, display_zone
from sla_core.config.contracts import Contract
from sla_core.engine.instants import from_micros
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.text import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    FIELD_TEXT,
    MESSAGE_TEXT,
    SECTION_TEXT,
    context,
    date_token,
    duration_text,
    escape,
    fit,
    local_time,
    metric_words,
    mrkdwn,
    plain,
    section,
)
from sla_core.storage.models import IncidentItem

ACK_ACTION = "incident_ack"
UPDATE_ACTION = "incident_update"
RESOLVE_ACTION = "incident_resolve"
NO_CONTRACT_NOTE = "No contract maps this incident's PagerDuty service, so no SLA deadlines or credits apply."
STATUS_LABELS = {
    "triggered": ":rotating_light: Triggered",
    "acknowledged": ":eyes: Acknowledged",
    "resolved": ":white_check_mark: Resolved",
}

Block = dict[str, Any]


def when(instant: datetime, zone: tzinfo) -> str:
    """'Mon 23 Nov 10:30 EST (<date token>)': the contract's local time, then each reader's own."""
    return f"{local_time(instant, zone)} ({date_token(instant, zone)})"


def deadline_line(tracked: TrackedDeadline, zone: tzinfo) -> str:
    """One clock of the incident: due when, or met / missed and by how much open time."""
    label = metric_words(tracked.metric).label
    if tracked.recurring:
        return f"*{label}* every {tracked.deadline.target}: next due {when(tracked.due_at, zone)}"
    if tracked.met_at is None:
        return f"*{label}* due {when(tracked.due_at, zone)} (target {tracked.deadline.target})"
    return f"*{label}* {outcome_text(tracked, tracked.met_at)} at {when(tracked.met_at, zone)}"


def outcome_text(tracked: TrackedDeadline, done_at: datetime) -> str:
    """'met with 12 min to spare' or 'missed by 1 h 05 min' (open time of the contract's calendar)."""
    outcome = tracked.deadline.outcome(done_at)
    margin = timedelta(minutes=abs(float(outcome["margin_minutes"])))
    return f"met with {duration_text(margin)} to spare" if outcome["met"] else f"missed by {duration_text(margin)}"


def card(
    item: IncidentItem, contract: Contract | None, deadlines: Sequence[TrackedDeadline]
) -> tuple[str, list[Block]]:
    """The incident message: fallback text and blocks (severity, title, contract, link, deadlines, buttons)."""
    zone = display_zone(contract)
    title = escape(item.title)
    severity = escape(item.severity)
    status = STATUS_LABELS.get(item.status, escape(item.status))
    where = escape(contract.name) if contract is not None else "no contract"
    text = fit(f"{severity} incident: {title} ({where}): {item.status}", MESSAGE_TEXT)
    link = f"<{escape(item.source_url)}|Open in PagerDuty>" if item.source_url else "no PagerDuty link"
    fields = [
        f"*Severity*\n{severity}",
        f"*Status*\n{status}",
        f"*Contract*\n{where}" + (f" · {escape(item.component)}" if contract is not None else ""),
        f"*Opened*\n{when(item.opened_at, zone)}",
    ]
    blocks: list[Block] = [
        section(f"*{fit(title, max(SECTION_TEXT - len(link) - 4, 200))}*\n{link}"),
        {"type": "section", "fields": [mrkdwn(field, FIELD_TEXT) for field in fields]},
    ]
    lines = [deadline_line(tracked, zone) for tracked in deadlines]
    if item.resolved_at is not None and item.status == "resolved":
        lines.append(f"*Resolved* at {when(item.resolved_at, zone)}")
    if lines:
        blocks.append(section("\n".join(lines)))
    if contract is None:
        blocks.append(context(NO_CONTRACT_NOTE))
    buttons = _buttons(item)
    if buttons:
        blocks.append({"type": "actions", "block_id": f"incident:{item.incident_id}", "elements": buttons})
    return text, blocks


def _buttons(item: IncidentItem) -> list[Block]:
    def button(label: str, action_id: str, style: str | None = None) -> Block:
        element: Block = {
            "type": "button",
            "text": plain(label, BUTTON_TEXT),
            "action_id": action_id,
            "value": item.incident_id[:BUTTON_VALUE],
        }
        if style:
            element["style"] = style
        return element

    if item.status == "resolved":
        return []
    found = [button("Acknowledge", ACK_ACTION, "primary")] if item.status == "triggered" else []
    return [*found, button("Post update", UPDATE_ACTION), button("Resolve", RESOLVE_ACTION, "danger")]


def event_reply(
    event: IncidentEvent,
    deadlines: Sequence[TrackedDeadline],
    contract: Contract | None,
    *,
    label: str | None = None,
    severity: str | None = None,
) -> str:
    """The thread reply for one later event (escaped; `label` names a source type such as 'escalated')."""
    zone = display_zone(contract)
    by = f" by {escape(event.actor)}" if event.actor else ""
    at = when(event.occurred_at, zone)
    clocks = {tracked.metric: tracked for tracked in deadlines}
    if event.kind == "acknowledged":
        text = f"Acknowledged{by} at {at}."
        first = clocks.get("initial_response")
        if first is not None:
            text += f" First response target {outcome_text(first, first.met_at or event.occurred_at)}."
        return text
    if event.kind == "update":
        text = f"Update{by} at {at}" + (f":\n>{escape(event.text)}" if event.text else ".")
        cadence = clocks.get("update")
        return text + (f"\nNext update due {when(cadence.due_at, zone)}." if cadence is not None else "")
    if event.kind == "priority_updated":
        text = f"Priority changed{by} at {at}: severity now {escape(severity or event.severity or 'unknown')}."
        if deadlines:
            text += " Deadlines recomputed from the original start:\n" + "\n".join(
                deadline_line(tracked, zone) for tracked in deadlines
            )
        return text
    if event.kind == "resolved":
        return f"Resolved{by} at {at}."
    if event.kind == "reopened":
        return f"Reopened{by} at {at}."
    if event.kind == "unacknowledged":
        return f"Unacknowledged at {at}: back to triggered."
    if event.kind == "triggered":
        return f"Triggered at {at}."
    what = escape(label or event.kind).capitalize()
    target = {"reassigned": " to ", "escalated": " to ", "delegated": " to escalation policy "}.get(label or "", ": ")
    return f"{what}{by} at {at}" + (f"{target}{escape(event.text)}." if event.text else ".")


def resolve_summary(summary: MonthToDate, contract: Contract) -> str:
    """Month-to-date availability, estimated credit and claim deadline, with the readings they depend on."""
    estimate = summary.estimate
    zone = estimate.zone
    m = estimate.availability
    lines = [f"*{escape(contract.name)} · {escape(estimate.component)}, {estimate.period.label} so far*"]
    if m is not None:
        lines.append(
            f"Availability {m.percent_text()}% (target {m.target_percent:f}%): {_minutes(m.counted)} of downtime "
            f"counted from {summary.intervals} recorded interval{'s' if summary.intervals != 1 else ''}."
        )
    amount = f"{estimate.amount:.2f} {estimate.currency}"
    lines.append(f"Estimated credit: {amount}. {escape(estimate.basis)}")
    if estimate.claim.deadline is not None:
        deadline = from_micros(estimate.claim.deadline, zone)
        lines.append(f"Claim by {when(deadline, zone)}.")
    else:
        lines.append(f"Claim deadline: none. {escape(estimate.claim.basis)}")
    if estimate.readings:
        lines.append("Readings this depends on:")
        lines.extend(f"• {escape(reading.get('chosen', ''))}" for reading in estimate.readings)
    return "\n".join(lines)


def _minutes(micros: int) -> str:
    return duration_text(timedelta(microseconds=micros)) if micros >= 60_000_000 else f"{micros / 60_000_000:.2f} min"
