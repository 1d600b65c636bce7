"""What the adapters read of the record, as the domain's values: an incident, its timeline, a contract's
corrections, a queued post; and a claim that lets one request (a delivery, a click) act once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sla_core.incidents.records import Incident, Post, RecordedCorrection, TimelineEntry
from sla_core.storage import post_queue, repository


def incident(incident_id: str) -> Incident | None:
    """The incident as last written, or None."""
    return repository.get_incident(incident_id)


def timeline(incident_id: str) -> list[TimelineEntry]:
    """The incident's timeline in the order things happened."""
    return repository.timeline(incident_id)


def corrections(contract_id: str, period: str | None = None) -> list[RecordedCorrection]:
    """A contract's corrections, by period and then in the order they were recorded (one period's, if given)."""
    return repository.corrections(contract_id, period)


def post(post_id: str) -> Post | None:
    """A queued post as last written, or None."""
    return post_queue.get_post(post_id)


def claim_once(source: str, key: str, *, now: datetime, keep: timedelta) -> bool:
    """True the first time `key` is claimed for `source` (kept `keep`); False for a repeat."""
    return repository.claim_delivery(source, key, now=now, keep=keep)
