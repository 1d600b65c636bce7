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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from sla_core.incidents.records import Draft, Post
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


def create_post(draft: Draft, *, now: datetime) -> bool:
    """Claim a post: True when this call created it, False when it exists already (claimed before)."""
    return created_post(draft, now=now) is not None


POST_FIELDS = (
    "post_id", "purpose", "state", "channel", "thread_key", "text", "created_at", "send_at", "thread_ts", "broadcast",
    "incident_id", "contract_id", "retry_at", "lease_until", "attempts", "last_error", "uncertain", "plain",
    "posted_ts", "posted_at", "expires_at",
)  # fmt: skip


def post_of(item: PostItem) -> Post:
    """The stored post as the domain sees it."""
    values = {name: getattr(item, name) for name in POST_FIELDS}
    values.update(
        broadcast=bool(item.broadcast), attempts=int(item.attempts or 0), uncertain=bool(item.uncertain),
        plain=bool(item.plain),
    )  # fmt: skip
    return Post(**values, blocks=tuple(item.blocks or ()), version=item.version)


def post_item(post: Post) -> PostItem:
    """The item that saves `post` under the version it was read at; while pending it sits in the due-index
    under its thread's shard at the instant it is meant for."""
    item = PostItem(post_pk(post.post_id), POST_SK, **{name: getattr(post, name) for name in POST_FIELDS})
    item.blocks = list(post.blocks)
    pending = post.state == PENDING
    item.due_shard = pending_shard_for(post.thread_key) if pending else None
    item.next_due_at = post.send_at if pending else None
    if post.version is not None:
        item.version = post.version
    return item


def _saved_pending(post: Post) -> Post | None:
    """Save a changed pending post under its version, only while it is pending; None when it changed."""
    item = post_item(post)
    return post_of(item) if saved(item, PostItem.state == PENDING) else None


def created_post(draft: Draft, *, now: datetime) -> Post | None:
    """`create_post`, giving the pending post this call created (None: it existed already)."""
    post = Post(
        post_id=draft.post_id, purpose=draft.purpose, state=PENDING, channel=draft.channel,
        thread_key=thread_key_of(draft.channel, draft.thread_ts), text=draft.text, created_at=now,
        send_at=draft.send_at, thread_ts=draft.thread_ts, broadcast=draft.broadcast, blocks=tuple(draft.blocks or ()),
        incident_id=draft.incident_id, contract_id=draft.contract_id,
    )  # fmt: skip
    item = post_item(post)
    return post_of(item) if saved(item, PostItem.pk.does_not_exist()) else None


def get_post(post_id: str) -> Post | None:
    """A post as last written (strongly consistent), or None."""
    try:
        return post_of(PostItem.get(post_pk(post_id), POST_SK, consistent_read=True))
    except DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class DueQuery:
    """Pending posts meant for `until` or earlier, and how many items the queries read."""

    posts: list[Post]
    items_read: int


def due_posts(until: datetime) -> DueQuery:
    """Pending posts whose instant has come, by due time (a thread's in its order; sparse index: never reads
    confirmed posts)."""
    found: list[Post] = []
    for shard in pending_shards():
        found.extend(post_of(item) for item in PostItem.pending_index.query(shard, PostItem.next_due_at <= until))
    found.sort(key=due_order)
    return DueQuery(found, len(found))


def due_order(post: Post) -> tuple[datetime, datetime, str]:
    """Posts go out by the instant they are meant for, then the order they were owed in."""
    return (post.send_at, post.created_at, post.post_id)


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease taken (`post`: the post as leased); `uncertain` when the previous holder's lease ran out without a
    confirm or a deferral, so its attempt may have reached Slack."""

    post: Post | None
    uncertain: bool = False

    @property
    def taken(self) -> bool:
        return self.post is not None


def take_lease(post: Post, *, now: datetime, lease: timedelta) -> Lease:
    """Lease a pending post for posting (versioned conditional write); not taken if leased, posted or changed."""
    if post.state != PENDING or (post.lease_until is not None and post.lease_until > now):
        return Lease(None)
    uncertain = post.lease_until is not None or post.uncertain
    leased = _saved_pending(replace(post, lease_until=now + lease, attempts=post.attempts + 1))
    return Lease(leased, uncertain) if leased is not None else Lease(None)


def confirm(post: Post, *, ts: str, now: datetime) -> None:
    """Record the Slack ts: the post leaves the pending index and expires by TTL later."""
    for _ in range(4):
        done = replace(
            post, state=POSTED, posted_ts=ts, posted_at=now, lease_until=None, retry_at=None, last_error=None,
            uncertain=False, expires_at=now + CONFIRMED_KEEP,
        )  # fmt: skip
        if saved(post_item(done)):
            return
        fresh = get_post(post.post_id)
        if fresh is None or fresh.state == POSTED:
            return
        post = fresh


def defer(post: Post, *, retry_at: datetime, error: str, uncertain: bool = False) -> Post | None:
    """Give a post back after a failed attempt: not retried before `retry_at`; `uncertain` when the attempt may
    have reached Slack (then every later attempt looks it up first); the post as saved, None if it changed."""
    changed = replace(
        post, lease_until=None, retry_at=retry_at, last_error=error[:500], uncertain=post.uncertain or uncertain
    )
    return _saved_pending(changed)


def to_plain(post: Post, *, error: str) -> Post | None:
    """A post Slack refused for good: its one retry goes as plain text, at once (no backoff); the post as saved,
    None if it changed meanwhile."""
    return _saved_pending(replace(post, lease_until=None, plain=True, last_error=error[:500]))


def fail(post: Post, *, error: str, now: datetime) -> bool:
    """A post refused for good, as plain text too: it leaves the index with its error (never retried), so the
    later posts of its thread go out; False if it changed meanwhile."""
    failed = replace(post, state=FAILED, lease_until=None, last_error=error[:500], expires_at=now + CONFIRMED_KEEP)
    return saved(post_item(failed), PostItem.state == PENDING)


def cancel(post_id: str) -> bool:
    """A pending post no longer owed (a correction took its reason away): it leaves the index, unposted;
    False when there is none pending (never created, already posted, or changed meanwhile)."""
    post = get_post(post_id)
    if post is None or post.state != PENDING:
        return False
    return saved(post_item(replace(post, state=CANCELLED)), PostItem.state == PENDING)


def retext(post_id: str, text: str) -> bool:
    """A pending post's words re-rendered (its figures were corrected); False when it is no longer pending."""
    post = get_post(post_id)
    if post is None or post.state != PENDING or post.text == text:
        return False
    return _saved_pending(replace(post, text=text)) is not None
