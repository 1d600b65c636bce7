"""Fixed-window counters in the table: how often someone did something lately, so a flood (one user's 200
`/sla open` in 4 s) is refused once a limit is reached. One conditional UpdateItem per attempt: ADD 1 unless
the window's count already reached the limit; the item expires by TTL after its window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError

from sla_core.storage.models import RateItem
from sla_core.storage.writes import condition_failed

KEEP_AFTER_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Window:
    """A fixed window of `length` that `now` falls in."""

    start: datetime
    end: datetime


def window_of(now: datetime, length: timedelta) -> Window:
    """The window of `length` (counted from the Unix epoch) that holds `now`."""
    seconds = int(length.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)
    return Window(start, start + length)


def take(what: str, who: str, *, limit: int, length: timedelta, now: datetime) -> bool:
    """Count one more `what` by `who` in the current window; False (and nothing counted) at the limit."""
    window = window_of(now, length)
    item = RateItem(f"RATE#{what}#{who}", window.start.isoformat())
    try:
        item.update(
            actions=[RateItem.times.add(1), RateItem.expires_at.set(window.end + KEEP_AFTER_WINDOW)],
            condition=RateItem.times.does_not_exist() | (RateItem.times < limit),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
