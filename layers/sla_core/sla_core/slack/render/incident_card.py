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

from sla_core.app.contract_credit import MonthToDate
from sla_core.app.contract_terms import display_zone
from sla_core.config.contract import Contract
from sla_core.engine.instants import from_micros
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.incidents.routes import (
    ACK_ACTION,
    CAUSE_ACTION,
    OUTAGE_OFF_ACTION,
    OUTAGE_ON_ACTION,
    RESOLVE_ACTION,
    UPDATE_ACTION,
)
from sla_core.slack.render.alternate_words import (
    amount_text,
    flipped_outcome,
    moved_due,
    other_amount,
    other_availability,
    other_claim,
    verdict,
)
from sla_core.slack.render.terms_notes import incident_notes
from sla_core.slack.render.text import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    FIELD_TEXT,
    MESSAGE_TEXT,
    OPTION_TEXT,
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

NO_CAUSE = "none"
CAUSE_WORDS = {
    "customer": "caused by the customer",
    "customer-equipment": "customer equipment or network",
    "third-party": "third-party systems",
    "force-majeure": "force majeure",
    "ddos": "denial-of-service attack",
    "network": "network unavailability",
    "internet": "internet problems",
    "security-threat": "security threat",
    "beta": "beta product",
}
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
    """One clock of the incident: due when, or met / missed and by how much open time; with the due instant
    (or verdict) under each other reading that changes it."""
    label = metric_words(tracked.metric).label
    if not tracked.recurring and tracked.met_at is not None:
        return f"*{label}* {outcome_text(tracked, tracked.met_at)} at {when(tracked.met_at, zone)}"
    if tracked.paused_since is not None:
        left = duration_text(tracked.remaining(tracked.paused_since))
        reason = escape(tracked.paused_for or "")
        return f"*{label}* paused since {when(tracked.paused_since, zone)} ({reason}): {left} left when it resumes"
    if tracked.paused:  # the other reading's due instant would leave the pauses out: not shown
        due = f"{when(tracked.due_at, zone)}, {duration_text(tracked.paused)} paused"
    else:
        due = f"{when(tracked.due_at, zone)}{moved_due(tracked.deadline, zone)}"
    if tracked.recurring:
        return f"*{label}* every {tracked.deadline.target}: next due {due}"
    return f"*{label}* due {due} (target {tracked.deadline.target})"


def outcome_text(tracked: TrackedDeadline, done_at: datetime) -> str:
    """'met with 12 min to spare' or 'missed by 1 h 05 min' (open time of the contract's calendar), and the
    verdict under each other reading that turns it round."""
    return verdict(tracked.deadline.outcome(done_at)) + flipped_outcome(tracked.deadline, done_at)


def card(item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline]) -> tuple[str, list[Block]]:
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
    if contract is not None:
        fields.append(f"*Availability*\n{availability_text(item)}")
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
    blocks.extend(context(note) for note in incident_notes(item, contract))  # after-hours charge, no-SLA tier
    buttons = _buttons(item, contract)
    if buttons:
        blocks.append({"type": "actions", "block_id": f"incident:{item.incident_id}", "elements": buttons})
    return text, blocks


def availability_text(item: Incident) -> str:
    """Whether the incident counts toward availability, and its cause: the card's Availability field."""
    if not item.outage:
        return "Ticket: not counted as downtime"
    cause = item.state.cause
    return "Outage: counts as downtime" + (f" ({CAUSE_WORDS.get(cause, cause)})" if cause else "")


def classified_text(event: IncidentEvent) -> str:
    """What a `classified` event said: an outage (with its cause) or a ticket."""
    if not event.outage:
        return "Marked not an outage (no downtime counted)"
    return "Marked an outage" + (f" ({CAUSE_WORDS.get(event.cause, event.cause)})" if event.cause else "")


def corrected_text(event: IncidentEvent, zone: tzinfo) -> str:
    """What a `corrected` event fixed: 'severity now critical', 'opened Mon 23 Nov 09:40 EST', ..."""
    parts = [f"severity now {escape(event.severity)}"] if event.severity else []
    if event.opened_fix is not None:
        parts.append(f"opened {when(event.opened_fix, zone)}")
    if event.resolved_fix is not None:
        parts.append(f"resolved {when(event.resolved_fix, zone)}")
    return ", ".join(parts) or "nothing"


def cause_value(incident_id: str, cause: str) -> str:
    """A cause option's value: the incident and the cause id (the select has no other place for the id)."""
    return f"{incident_id}|{cause}"


def _cause_select(item: Incident, contract: Contract) -> Block | None:
    """The outage's cause, from the policy's excluded and credited causes (none when it lists none)."""
    causes = load_policy(contract.policy).causes()
    if not item.outage or not causes:
        return None
    options = [
        {"text": plain(text, OPTION_TEXT), "value": cause_value(item.incident_id, value)}
        for value, text in [(NO_CAUSE, "no excluded cause"), *((c, CAUSE_WORDS.get(c, c)) for c in causes)]
    ]
    current = item.state.cause or NO_CAUSE
    select: Block = {
        "type": "static_select",
        "action_id": CAUSE_ACTION,
        "placeholder": plain("Outage cause", OPTION_TEXT),
        "options": options,
    }
    select["initial_option"] = next(o for o in options if o["value"] == cause_value(item.incident_id, current))
    return select


def _buttons(item: Incident, contract: Contract | None = None) -> list[Block]:
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

    found: list[Block] = []
    if item.status != "resolved":
        found = [button("Acknowledge", ACK_ACTION, "primary")] if item.status == "triggered" else []
        found += [button("Post update", UPDATE_ACTION), button("Resolve", RESOLVE_ACTION, "danger")]
    if contract is not None:
        toggle = ("Not an outage", OUTAGE_OFF_ACTION) if item.outage else ("Count as outage", OUTAGE_ON_ACTION)
        found.append(button(*toggle))
        select = _cause_select(item, contract)
        if select is not None:
            found.append(select)
    return found


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
    if event.kind == "classified":
        return f"{classified_text(event)}{by} at {at}."
    if event.kind == "corrected":
        why = f" because {escape(event.text)}" if event.text else ""
        return f"Corrected{by} at {at}: {corrected_text(event, zone)}{why}."
    if event.kind == "paused":
        return f"Paused{by} at {at} ({escape(event.text or '')}): the clocks that reason stops stand still."
    if event.kind == "resumed":
        return f"Resumed{by} at {at}: the paused clocks run again."
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
    """Month-to-date availability, estimated credit and claim deadline, with the readings they depend on and
    the figures under each other reading that changes them."""
    estimate, others = summary.estimate, summary.others
    zone = estimate.zone
    m = estimate.availability
    lines = [f"*{escape(contract.name)} · {escape(estimate.component)}, {estimate.period.label} so far*"]
    if m is not None:
        lines.append(
            f"Availability {m.percent_text()}% (target {m.target_percent:f}%){other_availability(others)}: "
            f"{_minutes(m.counted)} of downtime counted from {summary.intervals} recorded "
            f"interval{'s' if summary.intervals != 1 else ''}."
        )
    lines.append(f"Estimated credit: {amount_text(estimate)}{other_amount(others)}. {escape(estimate.basis)}")
    if estimate.claim.deadline is not None:
        deadline = from_micros(estimate.claim.deadline, zone)
        lines.append(f"Claim by {when(deadline, zone)}{other_claim(others)}.")
    else:
        lines.append(f"Claim deadline: none{other_claim(others)}. {escape(estimate.claim.basis)}")
    if estimate.readings:
        lines.append("Readings this depends on:")
        lines.extend(f"• {escape(reading.get('chosen', ''))}" for reading in estimate.readings)
    return "\n".join(lines)


def _minutes(micros: int) -> str:
    return duration_text(timedelta(microseconds=micros)) if micros >= 60_000_000 else f"{micros / 60_000_000:.2f} min"
