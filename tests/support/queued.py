"""What the record path queued for the sweep to post (the post queue), read back in tests."""

from __future__ import annotations

from sla_core.app.record_and_show import RESOLVE_PURPOSE, resolve_post_id
from sla_core.storage import post_queue, repository
from sla_core.storage.models import PostItem


def resolve_summary_text(incident_id: str) -> str:
    """The month-to-date summary queued for an incident's latest resolve (into its card's thread)."""
    item = repository.get_incident(incident_id)
    assert item is not None and item.resolved_at is not None, f"{incident_id} is not resolved"
    post = post_queue.get_post(resolve_post_id(item))
    assert post is not None, f"no summary queued for {incident_id}'s resolve"
    assert post.purpose == RESOLVE_PURPOSE and post.thread_ts == item.slack_ts
    return str(post.text)


def queued_summaries(incident_id: str) -> list[str]:
    """Every resolve summary queued for an incident, in the order they were queued."""
    posts = [p for p in PostItem.scan(PostItem.incident_id == incident_id) if p.purpose == RESOLVE_PURPOSE]
    return [str(p.text) for p in sorted(posts, key=lambda p: (p.created_at, p.post_id))]
