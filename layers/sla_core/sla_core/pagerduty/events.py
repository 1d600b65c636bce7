"""PagerDuty V3 webhook payloads → the `IncidentEvent`s the SLA core records (pure: no I/O).

One event per payload (`event`). For incident-typed events `event.data` is the incident; for
`incident.annotated`, `incident.status_update_published` and `incident.responder.*` the incident is at
`event.data.incident` (a reference: id, html_url, summary, no service or priority). `event.occurred_at` is
the time of the transition (the payload carries no acknowledged/resolved timestamps). `priority`, `agent`
and `client` may be null.

Three outcomes: a `PagerDutyEvent` to record, an `Ignored` type the bot does not act on (service events,
`pagey.ping`, unknown or new types: PagerDuty adds types over time), or a `PayloadError` for a signed
payload that is not JSON or lacks what the bot needs (the handler answers it with 2xx; see functions/pagerduty).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sla_core.config.contract import Contract
from sla_core.engine.clean_text import PoisonText, TooDeep, clean_json
from sla_core.engine.errors import InputError
from sla_core.engine.instants import parse_instant
from sla_core.incidents.state import IncidentEvent

SOURCE = "pagerduty"
ID_PREFIX = "pd-"

# PagerDuty event type -> IncidentEvent kind (incident_state.STATUS_OF); everything else is ignored.
KINDS: dict[str, str] = {
    "incident.triggered": "triggered",
    "incident.acknowledged": "acknowledged",
    "incident.unacknowledged": "unacknowledged",
    "incident.resolved": "resolved",
    "incident.reopened": "reopened",
    "incident.annotated": "update",
    "incident.status_update_published": "update",
    "incident.priority_updated": "priority_updated",
    "incident.escalated": "note",
    "incident.reassigned": "note",
    "incident.delegated": "note",
    "incident.responder.added": "note",
    "incident.responder.replied": "note",
}
# Kinds whose payload priority sets the severity (incident_state.apply only reads it for these).
SEVERITY_KINDS = frozenset({"triggered", "priority_updated"})
_INCIDENT_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_TEXT_LIMIT = 2000
# PagerDuty V3 payloads are a few KB and a handful of levels deep; far larger or deeper is refused unread.
MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32


class PayloadError(ValueError):
    """A correctly signed payload that is not JSON or lacks a field the bot needs (the message says which)."""


@dataclass(frozen=True, slots=True)
class Ignored:
    """A delivery the bot does not act on (answered 2xx and logged)."""

    event_type: str
    event_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class PagerDutyEvent:
    """One PagerDuty event, reduced to what the SLA core and the Slack card need."""

    event_id: str
    event_type: str
    kind: str
    occurred_at: datetime
    pagerduty_id: str
    title: str | None
    html_url: str | None
    service_id: str | None
    service_name: str | None
    priority: str | None
    actor: str | None
    text: str | None

    @property
    def incident_id(self) -> str:
        """Our incident id: deterministic, so every event of one PagerDuty incident lands on one item."""
        return f"{ID_PREFIX}{self.pagerduty_id}"

    @property
    def label(self) -> str:
        """'escalated', 'responder added': the PagerDuty type without its `incident.` prefix."""
        return self.event_type.removeprefix("incident.").replace(".", " ").replace("_", " ")


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a delivery, every string in it cleaned of control characters (call only after the
    signature over these bytes was verified). Oversized, too deeply nested or undecodable bodies, and bodies with
    a NUL or a lone surrogate (which Slack and DynamoDB would refuse after the incident was written), raise
    PayloadError before anything is written."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(f"body is {len(body)} bytes; PagerDuty payloads are far below {MAX_BODY_BYTES}")
    if _depth_exceeds(body, MAX_DEPTH):
        raise PayloadError(f"body is nested more than {MAX_DEPTH} levels deep")
    try:
        payload = clean_json(json.loads(body), max_depth=MAX_DEPTH, refuse_poison=True)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"body is not JSON: {error}") from None
    except PoisonText as error:
        raise PayloadError(f"body refused: {error}") from None
    except (RecursionError, TooDeep):
        raise PayloadError(f"body is nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(payload, dict):
        raise PayloadError(f"body is a JSON {type(payload).__name__}, not an object")
    return payload


def _depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (checked before the parser recurses)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def parse_event(payload: dict[str, Any]) -> PagerDutyEvent | Ignored:
    """Map one V3 payload; unknown types are `Ignored`, missing fields of known types raise PayloadError."""
    event = payload.get("event")
    if not isinstance(event, dict):
        raise PayloadError("no 'event' object")
    event_type = event.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        raise PayloadError("event.event_type is missing")
    raw_id = event.get("id")
    event_id = raw_id if isinstance(raw_id, str) and raw_id else None
    kind = KINDS.get(event_type)
    if kind is None:
        reason = "not an incident event" if not event_type.startswith("incident.") else "incident event not tracked"
        return Ignored(event_type, event_id, reason)
    if event_id is None:
        raise PayloadError(f"{event_type}: event.id is missing")
    occurred_at = _instant(event.get("occurred_at"), event_type)
    data = event.get("data")
    if not isinstance(data, dict):
        raise PayloadError(f"{event_type}: event.data is missing")
    nested = isinstance(data.get("incident"), dict)
    incident: dict[str, Any] = data["incident"] if nested else data
    pagerduty_id = incident.get("id")
    if not isinstance(pagerduty_id, str) or not _INCIDENT_ID.match(pagerduty_id):
        where = "event.data.incident.id" if nested else "event.data.id"
        raise PayloadError(f"{event_type}: {where} is missing or not a PagerDuty id: {repr(pagerduty_id)[:80]}")
    service = _object(incident.get("service"))
    return PagerDutyEvent(
        event_id=event_id,
        event_type=event_type,
        kind=kind,
        occurred_at=occurred_at,
        pagerduty_id=pagerduty_id,
        title=_text(incident.get("title")) or _text(incident.get("summary")),
        html_url=_url(incident.get("html_url")),
        service_id=_text(service.get("id")),
        service_name=_text(service.get("summary")),
        priority=_text(_object(incident.get("priority")).get("summary")),
        actor=_text(_object(event.get("agent")).get("summary")),
        text=_event_text(event_type, data, incident),
    )


def incident_event(event: PagerDutyEvent, contract: Contract | None) -> IncidentEvent:
    """The core event: the priority mapped to the contract's severity (unmapped services keep the priority name)."""
    severity = None
    if event.kind in SEVERITY_KINDS:
        severity = contract.pagerduty.severity_for(event.priority) if contract is not None else event.priority
    priority = event.priority if event.kind in SEVERITY_KINDS else None
    return IncidentEvent(event.event_id, event.kind, event.occurred_at, event.actor, severity, event.text, priority)


# REST API v2 log entry type -> the V3 webhook event type PagerDuty sends for the same change (the backfill reads
# an incident's history as log entries: GET /incidents/{id}/log_entries); other types (notify, snooze, ...) are
# not what a webhook subscription of the bot delivers, so they are not recorded.
LOG_ENTRY_TYPES: dict[str, str] = {
    "trigger_log_entry": "incident.triggered",
    "acknowledge_log_entry": "incident.acknowledged",
    "unacknowledge_log_entry": "incident.unacknowledged",
    "resolve_log_entry": "incident.resolved",
    "annotate_log_entry": "incident.annotated",
    "escalate_log_entry": "incident.escalated",
    "assign_log_entry": "incident.reassigned",
    "delegate_log_entry": "incident.delegated",
}


def log_entry_event(entry: dict[str, Any], incident: dict[str, Any]) -> PagerDutyEvent | None:
    """One REST log entry of `incident` as the webhook event it stands for (None for types not recorded).

    The event id is the log entry's own id, so reading the same history twice appends nothing twice. The REST
    incident carries only its current priority: it goes on the trigger (the webhook's trigger carries the priority
    at that moment, a later `priority_updated` the change; the latest wins either way). Raises PayloadError for
    an entry or incident without a usable id or time."""
    event_type = LOG_ENTRY_TYPES.get(str(entry.get("type")))
    if event_type is None:
        return None
    entry_id, pagerduty_id = entry.get("id"), incident.get("id")
    if not isinstance(entry_id, str) or not _INCIDENT_ID.match(entry_id):
        raise PayloadError(f"log entry id {repr(entry_id)[:80]} is not a PagerDuty id")
    if not isinstance(pagerduty_id, str) or not _INCIDENT_ID.match(pagerduty_id):
        raise PayloadError(f"incident id {repr(pagerduty_id)[:80]} is not a PagerDuty id")
    kind = KINDS[event_type]
    service = _object(incident.get("service"))
    channel = _object(entry.get("channel"))
    note = _text(channel.get("summary")) or _text(entry.get("summary")) if kind == "update" else None
    return PagerDutyEvent(
        event_id=entry_id,
        event_type=event_type,
        kind=kind,
        occurred_at=_instant(entry.get("created_at"), event_type),
        pagerduty_id=pagerduty_id,
        title=_text(incident.get("title")) or _text(incident.get("summary")),
        html_url=_url(incident.get("html_url")),
        service_id=_text(service.get("id")),
        service_name=_text(service.get("summary")),
        priority=_text(_object(incident.get("priority")).get("summary")) if kind in SEVERITY_KINDS else None,
        actor=_text(_object(entry.get("agent")).get("summary")),
        text=note,
    )


def _event_text(event_type: str, data: dict[str, Any], incident: dict[str, Any]) -> str | None:
    """What a timeline entry says beyond its type: the note, the status update, the responder's message."""
    if event_type == "incident.annotated":
        return _text(data.get("content"))
    if event_type == "incident.status_update_published":
        return _text(data.get("message"))
    if event_type.startswith("incident.responder."):
        user = _text(_object(data.get("user")).get("summary"))
        message = _text(data.get("message"))
        return ": ".join(part for part in (user, message) if part) or None
    if event_type in ("incident.reassigned", "incident.escalated"):
        names = [_text(_object(a).get("summary")) for a in incident.get("assignees") or [] if isinstance(a, dict)]
        return ", ".join(name for name in names if name) or None
    if event_type == "incident.delegated":
        return _text(_object(incident.get("escalation_policy")).get("summary"))
    return None


def _instant(value: Any, event_type: str) -> datetime:
    if not isinstance(value, str):
        raise PayloadError(f"{event_type}: event.occurred_at is missing")
    try:
        return parse_instant(value, "event.occurred_at")
    except InputError as error:
        raise PayloadError(f"{event_type}: {error}") from None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:_TEXT_LIMIT]


def _url(value: Any) -> str | None:
    """Only https links with no characters that would break Slack's `<url|label>` syntax."""
    text = _text(value)
    if text is None or not text.startswith("https://") or any(c in text for c in "<>| \n"):
        return None
    return text
