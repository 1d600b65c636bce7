"""Whether an event repeats, under another id, one a backfill already recorded for the incident.

A backfill records PagerDuty's REST log entries (ids like `Q02JTSNZWHSEKV`, instants to whole seconds); the V3
webhook for the same change carries its own `event.id` and a millisecond instant. So, for an incident marked
`backfilled_at` (closed or open when a backfill read it) and for the backfill's own events (history read after
the webhooks recorded it), and only then (the webhook's common path pays nothing), an event repeats the history
when one timeline entry of the same second has its kind, the same source type and agent where both have one, a
different id, and exactly one of the two came from the backfill (two webhooks in one second stay two events).
Such an event is a duplicate.
"""

from __future__ import annotations

from typing import Any

from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.storage import repository

BACKFILL_DETAIL = "backfill"  # the timeline detail a backfilled event carries (app/backfill.py)
SOURCE_TYPE_DETAIL = "pagerduty_event_type"


def repeats_history(item: Incident, event: IncidentEvent, details: dict[str, Any]) -> bool:
    """Whether `event` (with the timeline `details` it would be written with) repeats a change already recorded
    on the backfilled incident `item`; False at once, without a read, for an incident never backfilled."""
    backfill = bool(details.get(BACKFILL_DETAIL))
    if item.backfilled_at is None and not backfill:
        return False
    source_type = details.get(SOURCE_TYPE_DETAIL)
    for entry in repository.timeline_in_second(item.incident_id, event.occurred_at):
        known = entry.details or {}
        if (
            entry.event_id != event.event_id
            and entry.event_type == event.kind
            and bool(known.get(BACKFILL_DETAIL)) != backfill
            and _same_or_unknown(known.get(SOURCE_TYPE_DETAIL), source_type)
            and _same_or_unknown(entry.actor, event.actor)
        ):
            return True
    return False


def _same_or_unknown(known: object, new: object) -> bool:
    return known is None or new is None or known == new
