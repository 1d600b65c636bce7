"""The order of one tick's posts (no storage touched: posts are built in memory): by due time, round-robin
across channels at their per-channel rate within the workspace's, threads in order, holds and put-backs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sla_core.app.post_schedule import PostSchedule, Rates
from sla_core.incidents.records import Post
from sla_core.storage.post_queue import thread_key_of

NOW = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def item(post_id: str, channel: str, minutes_late: int, *, thread: str | None = None) -> Post:
    send_at = NOW - timedelta(minutes=minutes_late)
    return Post(
        post_id=post_id, purpose="test", state="pending", channel=channel, thread_ts=thread,
        thread_key=thread_key_of(channel, thread), text=post_id, created_at=send_at, send_at=send_at,
    )  # fmt: skip


def drain(schedule: PostSchedule, *, start: float = 0.0, limit: int = 100) -> list[tuple[float, str]]:
    """Send everything as the sweep would, waiting each turn out; (time sent, post id) in order."""
    at, sent = start, []
    for _ in range(limit):
        turn = schedule.next(at)
        if turn.post is None:
            break
        at += turn.wait_s
        schedule.took(turn.post, at)
        sent.append((round(at, 2), turn.post.post_id))
    return sent


def test_the_oldest_goes_first_and_other_channels_fill_a_backlogged_channels_seconds() -> None:
    posts = [item(f"a{n}", "CA", 60 - n) for n in range(3)] + [item("b", "CB", 5), item("c", "CC", 1)]
    sent = drain(PostSchedule(posts, Rates(channel_interval_s=1.0, per_minute=240), now=NOW))
    # 240 a minute: 0.25 s between any two posts; CA again only 1 s after its last.
    assert sent == [(0.0, "a0"), (0.25, "b"), (0.5, "c"), (1.0, "a1"), (2.0, "a2")]


def test_a_channel_held_by_a_429_lets_the_others_go_and_its_post_goes_first_after() -> None:
    a1, a2, b1 = item("a1", "CA", 10), item("a2", "CA", 9), item("b1", "CB", 1)
    schedule = PostSchedule([a1, a2, b1], Rates(per_minute=6000), now=NOW)
    turn = schedule.next(0.0)
    assert turn.post is a1
    schedule.took(a1, 0.0)
    schedule.put_back(a1, hold_until=5.0)  # Retry-After 5
    assert drain(schedule, start=0.0) == [(0.01, "b1"), (5.0, "a1"), (6.0, "a2")]


def test_a_post_backing_off_holds_back_its_thread_only() -> None:
    waiting = replace(item("t1", "CA", 10, thread="1.1"), retry_at=NOW + timedelta(minutes=1))
    posts = [waiting, item("t2", "CA", 9, thread="1.1"), item("u1", "CA", 8, thread="2.2")]
    assert [post_id for _, post_id in drain(PostSchedule(posts, Rates(), now=NOW))] == ["u1"]


def test_a_blocked_thread_waits_and_a_put_back_post_ignores_its_own_backoff() -> None:
    first, second = item("t1", "CA", 10, thread="1.1"), item("t2", "CA", 9, thread="1.1")
    schedule = PostSchedule([first, second], Rates(), now=NOW)
    schedule.took(first, 0.0)
    deferred = replace(first, retry_at=NOW + timedelta(minutes=1))  # as a 429 or a plain retry leaves it
    schedule.put_back(deferred)
    assert [post_id for _, post_id in drain(schedule, start=0.0)] == ["t1", "t2"]
    schedule = PostSchedule([deferred, second], Rates(), now=NOW)
    schedule.block(deferred)
    assert drain(schedule) == []
