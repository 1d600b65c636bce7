"""The items storage wrote, read straight from the table: for tests of what storage derives (index entries) that
the domain's values do not carry."""

from __future__ import annotations

from sla_core.storage import post_queue, repository
from sla_core.storage.models import IncidentItem, PostItem


def raw_incident(incident_id: str) -> IncidentItem:
    """The incident's item as stored (strongly consistent)."""
    return IncidentItem.get(repository.incident_pk(incident_id), repository.INCIDENT_SK, consistent_read=True)


def raw_post(post_id: str) -> PostItem:
    """The post's item as stored (strongly consistent)."""
    return PostItem.get(post_queue.post_pk(post_id), post_queue.POST_SK, consistent_read=True)
