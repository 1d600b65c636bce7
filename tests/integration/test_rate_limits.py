"""Fixed-window counters on DynamoDB Local, and `/sla open` refused past its per-user and per-channel limits
through the real Slack handler (the `Side` of test_slack_app)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sla_core.storage import rate_limits, repository
from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    ALICE,
    BOB,
    DAVE,
    Side,
    fresh,
    side,
    stub,
)

T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TEN_MINUTES = timedelta(minutes=10)


def test_a_window_counts_to_its_limit_then_refuses_and_the_next_window_starts_again(table: str) -> None:
    taken = [
        rate_limits.take("open-user", ALICE, limit=3, length=TEN_MINUTES, now=T0 + timedelta(seconds=s))
        for s in range(5)
    ]
    assert taken == [True, True, True, False, False]
    assert rate_limits.take("open-user", BOB, limit=3, length=TEN_MINUTES, now=T0)  # someone else's count
    # 15:00-15:10 is one window (epoch seconds divisible by 600); 15:10 begins the next.
    assert rate_limits.window_of(T0 + timedelta(minutes=9, seconds=59), TEN_MINUTES).start == T0
    assert rate_limits.take("open-user", ALICE, limit=3, length=TEN_MINUTES, now=T0 + TEN_MINUTES)


def opened(reply: str) -> bool:
    return reply.startswith("Opened *sla-")


def test_open_is_refused_past_the_users_and_then_the_channels_limit(
    fresh: Side,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPEN_LIMIT_PER_USER", "2")
    monkeypatch.setenv("OPEN_LIMIT_PER_CHANNEL", "3")
    replies = [fresh.reply(f"open sonar-billing normal Printer {n} jammed") for n in range(3)]
    assert [opened(r) for r in replies] == [True, True, False]
    assert replies[2].startswith("Nothing opened: 2 incidents were already opened by you in the last 10 minutes")
    assert "`OPEN_LIMIT_PER_USER`" in replies[2] and "Try again in 10 min" in replies[2]  # the clock is 15:00:00
    assert opened(fresh.reply("open sonar-billing normal Scanner jammed", user=BOB))  # 3rd from the channel
    refused = fresh.reply("open sonar-billing normal Fax jammed", user=DAVE)
    assert refused.startswith("Nothing opened: 3 incidents were already opened in this channel")
    assert len(repository.open_contract_incidents("sonar-billing")) == 3
