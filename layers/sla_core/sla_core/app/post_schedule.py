"""In which order, and how fast, one tick sends its due posts: by due time, round-robin across channels, at most
one post per channel per `Rates.channel_interval_s` and `Rates.per_minute` posts in all, each thread's in order.

`PostSchedule` decides only (no storage, no Slack, no clock of its own): the sweep asks `next(at)` which post
goes next and how long to wait for its turn (`at` and the waits are seconds on a monotonic clock), then says
what became of it: `took` (an attempt reached Slack: it counts against the rates), `skip` (no attempt), and after
a refusal `put_back` (tried again this tick, at its channel's next turn or once a 429's hold is over) or
`block` (its thread waits for the next tick). The next post is the one whose channel can take it soonest; of
those, the one due first. So a backlog in one channel takes one post a second from the budget and every other
channel's posts fill the rest, and a post backing off holds back the later posts of its own thread only.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sla_core.config import settings
from sla_core.incidents.records import Post
from sla_core.storage.post_queue import due_order


@dataclass(frozen=True, slots=True)
class Rates:
    """How fast the sweep may post: one post per channel every `channel_interval_s` seconds, `per_minute` in
    all (evenly spaced, so no 60 s window holds more, across ticks too)."""

    channel_interval_s: float = settings.DEFAULT_SLACK_CHANNEL_POST_INTERVAL_SECONDS
    per_minute: int = settings.DEFAULT_SLACK_POSTS_PER_MINUTE

    @classmethod
    def from_settings(cls) -> Rates:
        """`SLACK_CHANNEL_POST_INTERVAL_SECONDS` and `SLACK_POSTS_PER_MINUTE`."""
        return cls(settings.slack_channel_post_interval_seconds(), settings.slack_posts_per_minute())

    @property
    def gap_s(self) -> float:
        """The least time between any two posts."""
        return 60.0 / self.per_minute


@dataclass(frozen=True, slots=True)
class Turn:
    """The post to send next and how many seconds to wait before sending it; `post` None when none is left."""

    post: Post | None
    wait_s: float = 0.0


class PostSchedule:
    """The due posts of one tick, queued per channel in due order (see the module's docstring)."""

    def __init__(self, posts: Iterable[Post], rates: Rates, *, now: datetime) -> None:
        self.rates = rates
        self._now = now
        self._queues: dict[str, deque[Post]] = {}
        for post in sorted(posts, key=due_order):
            self._queues.setdefault(post.channel, deque()).append(post)
        self._ready_at: dict[str, float] = {}  # a channel's next turn
        self._next_any = -math.inf  # the workspace's next turn
        self._blocked: set[str] = set()  # threads that wait for the next tick
        self._again: set[str] = set()  # posts put back this tick: their own retry_at does not hold them

    def next(self, at: float) -> Turn:
        """The post whose channel can take it soonest (of those, the one due first), and the wait for its turn."""
        best: tuple[float, tuple[datetime, datetime, str], Post] | None = None
        for channel in self._queues:
            head = self._head(channel)
            if head is None:
                continue
            candidate = (max(self._ready_at.get(channel, -math.inf), at), due_order(head), head)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None:
            return Turn(None)
        start = max(best[0], self._next_any)
        return Turn(best[2], max(0.0, start - at))

    def add(self, post: Post) -> None:
        """A post created during the tick (a report built while the channels waited their turn) joins its
        channel's queue in due order."""
        queue = self._queues.setdefault(post.channel, deque())
        queue.append(post)
        if len(queue) > 1 and due_order(queue[-2]) > due_order(post):
            self._queues[post.channel] = deque(sorted(queue, key=due_order))

    def took(self, post: Post, at: float) -> None:
        """`post` was sent to Slack at `at` (whatever the answer): its channel's and the workspace's turns move on."""
        self._pop(post)
        self._ready_at[post.channel] = at + self.rates.channel_interval_s
        self._next_any = at + self.rates.gap_s

    def skip(self, post: Post, *, block: bool = False) -> None:
        """`post` leaves this tick without reaching Slack (cancelled, or leased by another sweep: then `block`
        keeps the rest of its thread back)."""
        self._pop(post)
        if block:
            self._blocked.add(post.thread_key)

    def block(self, post: Post) -> None:
        """The later posts of `post`'s thread wait for the next tick (it is backing off)."""
        self._blocked.add(post.thread_key)

    def put_back(self, post: Post, *, hold_until: float | None = None) -> None:
        """Try `post` again this tick, first in its channel; `hold_until`: not before (a 429's Retry-After),
        and nothing else goes to its channel before then either."""
        self._queues.setdefault(post.channel, deque()).appendleft(post)
        self._again.add(post.post_id)
        if hold_until is not None:
            self._ready_at[post.channel] = max(self._ready_at.get(post.channel, -math.inf), hold_until)

    def _pop(self, post: Post) -> None:
        queue = self._queues[post.channel]
        queue.remove(post)
        if not queue:
            del self._queues[post.channel]

    def _head(self, channel: str) -> Post | None:
        """The first post of `channel` that may go this tick; the others before it leave the queue (a post
        backing off also keeps its thread's later posts back)."""
        queue = self._queues[channel]
        while queue:
            post = queue[0]
            backing_off = post.retry_at is not None and post.retry_at > self._now and post.post_id not in self._again
            if backing_off:
                self._blocked.add(post.thread_key)
            if post.thread_key in self._blocked:
                queue.popleft()
                continue
            return post
        return None
