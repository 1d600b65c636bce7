"""How many incidents `/sla open` may open per user and per channel in a window (settings.open_limits): each open
is counted (a fixed-window counter), and one over either limit opens nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sla_core.config import settings
from sla_core.storage import rate_limits


@dataclass(frozen=True, slots=True)
class OpenLimitHit:
    """The limit an open ran into: how many, by whom (`user` or `channel`), the setting that sets it, the window,
    and the minutes until the window ends."""

    limit: int
    by: str
    setting: str
    window_minutes: int
    wait_minutes: int


def over_open_limit(user_id: str, channel_id: str, now: datetime) -> OpenLimitHit | None:
    """Count an open against its user's and its channel's limits; the limit reached (nothing is opened then), or
    None."""
    limits = settings.open_limits()
    length = timedelta(minutes=limits.window_minutes)
    for what, who, limit, env, by in (
        ("open-user", user_id, limits.per_user, settings.OPEN_LIMIT_PER_USER_ENV, "user"),
        ("open-channel", channel_id, limits.per_channel, settings.OPEN_LIMIT_PER_CHANNEL_ENV, "channel"),
    ):
        if not rate_limits.take(what, who, limit=limit, length=length, now=now):
            wait = ceil((rate_limits.window_of(now, length).end - now).total_seconds() / 60)
            return OpenLimitHit(limit, by, env, limits.window_minutes, wait)
    return None
