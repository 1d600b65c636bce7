"""Posts the bot owes to Slack, exactly once: claim (create), lease, post, confirm; pending ones are retried.

A post item is created with a conditional put keyed by what it is about (an incident's reminder stage, a
contract's report for a period), so two sweeps cannot both create it. While pending it sits in the sparse
due-index under `post#<n>` shards (one thread's posts in one shard), sorted by the instant it is meant for;
a sweep reads only those due. Before posting, a sweep takes a lease with a versioned conditional write; a
crash after the lease leaves the post pending, and it is taken again once the lease has expired; an attempt
whose answer was lost is deferred `uncertain`. Either way the next attempt looks the message up first. Once
confirmed with its Slack ts, failed (refused for good, its plain-text retry too) or cancelled, it leaves the
index and expires by TTL.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from sla_core.storage.models import PostItem
from sla_core.storage.writes import saved

POST_SK = "POST"
PENDING, POSTED, CANCELLED, FAILED = "pending", "posted", "cancelled", "failed"
POST_SHARDS = 4
CONFIRMED_KEEP = timedelta(days=400)


def post_pk(post_id: str) -> str:
    return f"POST#{post_id}"


def pending_shards() -> list[str]:
    """Every due-index partition that holds pending posts."""
    return [f"post#{number}" for number in range(POST_SHARDS)]


def pending_shard_for(thread_key: str) -> str:
    """One thread's posts share a partition, so one query returns them in order."""
    return f"post#{zlib.crc32(thread_key.encode('utf-8')) % POST_SHARDS}"


def thread_key_of(channel: str, thread_ts: str | None) -> str:
    """Posts to one thread (or to one channel's top level) keep their order."""
    return f"{channel}/{thread_ts or '-'}"


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to owe: where it goes, what it says, and when it is meant to go out."""

    post_id: str
    purpose: str
    channel: str
    text: str
    send_at: datetime
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    broadcast: bool = False
    incident_id: str | None = None
    contract_id: str | None = None


def create_post(draft: Draft, *, now: datetime) -> bool:
    """Claim a post: True when this call created it, False when it exists already (claimed before)."""
    return created_post(draft, now=now) is not None


def created_post(draft: Draft, *, now: datetime) -> PostItem | None:
    """`create_post`, giving the pending post this call created (None: it existed already)."""
    thread_key = thread_key_of(draft.channel, draft.thread_ts)
    item = PostItem(
        post_pk(draft.post_id),
        POST_SK,
        post_id=draft.post_id,
        purpose=draft.purpose,
        state=PENDING,
        channel=draft.channel,
        thread_ts=draft.thread_ts,
        thread_key=thread_key,
        broadcast=draft.broadcast,
        text=draft.text,
        blocks=draft.blocks or [],
        incident_id=draft.incident_id,
        contract_id=draft.contract_id,
        created_at=now,
        send_at=draft.send_at,
        due_shard=pending_shard_for(thread_key),
        next_due_at=draft.send_at,
    )
    return item if saved(item, PostItem.pk.does_not_exist()) else None


def get_post(post_id: str) -> PostItem | None:
    """A post as last written (strongly consistent), or None."""
    try:
        return PostItem.get(post_pk(post_id), POST_SK, consistent_read=True)
    except DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class DueQuery:
    """Pending posts meant for `until` or earlier, and how many items the queries read."""

    posts: list[PostItem]
    items_read: int


def due_posts(until: datetime) -> DueQuery:
    """Pending posts whose instant has come, by due time (a thread's in its order; sparse index: never reads
    confirmed posts)."""
    found: list[PostItem] = []
    for shard in pending_shards():
        found.extend(PostItem.pending_index.query(shard, PostItem.next_due_at <= until))
    found.sort(key=due_order)
    return DueQuery(found, len(found))


def due_order(post: PostItem) -> tuple[datetime, datetime, str]:
    """Posts go out by the instant they are meant for, then the order they were owed in."""
    return (post.send_at, post.created_at, post.post_id)


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease taken; `uncertain` when the previous holder's lease ran out without a confirm or a deferral,
    so its attempt may have reached Slack."""

    taken: bool
    uncertain: bool = False


def take_lease(post: PostItem, *, now: datetime, lease: timedelta) -> Lease:
    """Lease a pending post for posting (versioned conditional write); not taken if leased, posted or changed."""
    if post.state != PENDING or (post.lease_until is not None and post.lease_until > now):
        return Lease(False)
    uncertain = post.lease_until is not None or bool(post.uncertain)
    post.lease_until = now + lease
    post.attempts = (post.attempts or 0) + 1
    return Lease(True, uncertain) if saved(post, PostItem.state == PENDING) else Lease(False)


def confirm(post: PostItem, *, ts: str, now: datetime) -> None:
    """Record the Slack ts: the post leaves the pending index and expires by TTL later."""
    for _ in range(4):
        post.state = POSTED
        post.posted_ts = ts
        post.posted_at = now
        post.lease_until = None
        post.retry_at = None
        post.last_error = None
        post.uncertain = False
        post.due_shard = None
        post.next_due_at = None
        post.expires_at = now + CONFIRMED_KEEP
        if not saved(post):
            fresh = get_post(post.post_id)
            if fresh is None or fresh.state == POSTED:
                return
            post = fresh
            continue
        return


def defer(post: PostItem, *, retry_at: datetime, error: str, uncertain: bool = False) -> bool:
    """Give a post back after a failed attempt: not retried before `retry_at`; `uncertain` when the attempt may
    have reached Slack (then every later attempt looks it up first); False if it changed meanwhile."""
    post.lease_until = None
    post.retry_at = retry_at
    post.last_error = error[:500]
    post.uncertain = bool(post.uncertain) or uncertain
    return saved(post, PostItem.state == PENDING)


def to_plain(post: PostItem, *, error: str) -> bool:
    """A post Slack refused for good: its one retry goes as plain text, at once (no backoff); False if it
    changed meanwhile."""
    post.lease_until = None
    post.plain = True
    post.last_error = error[:500]
    return saved(post, PostItem.state == PENDING)


def fail(post: PostItem, *, error: str, now: datetime) -> bool:
    """A post refused for good, as plain text too: it leaves the index with its error (never retried), so the
    later posts of its thread go out; False if it changed meanwhile."""
    post.state, post.due_shard, post.next_due_at, post.lease_until = FAILED, None, None, None
    post.last_error = error[:500]
    post.expires_at = now + CONFIRMED_KEEP
    return saved(post, PostItem.state == PENDING)


def cancel(post_id: str) -> bool:
    """A pending post no longer owed (a correction took its reason away): it leaves the index, unposted;
    False when there is none pending (never created, already posted, or changed meanwhile)."""
    post = get_post(post_id)
    if post is None or post.state != PENDING:
        return False
    post.state, post.due_shard, post.next_due_at = CANCELLED, None, None
    return saved(post, PostItem.state == PENDING)


def retext(post_id: str, text: str) -> bool:
    """A pending post's words re-rendered (its figures were corrected); False when it is no longer pending."""
    post = get_post(post_id)
    if post is None or post.state != PENDING or post.text == text:
        return False
    post.text = text
    return saved(post, PostItem.state == PENDING)
