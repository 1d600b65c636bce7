"""Slack text helpers: escaping outside text, date tokens, durations and progress bars."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.slack.render.text import date_token, duration_text, escape, progress_bar


def test_escape_defuses_mentions_and_entities() -> None:
    assert escape("<!channel> & <@U123> @here") == "&lt;!channel&gt; &amp; &lt;@U123&gt; @here"


def test_date_token_has_epoch_and_contract_zone_fallback() -> None:
    # 2026-11-23 11:15 EST = 16:15 UTC = epoch 1795450500.
    instant = datetime.fromisoformat("2026-11-23T16:15:00+00:00")
    token = date_token(instant, ZoneInfo("America/New_York"))
    assert token == "<!date^1795450500^{date_short_pretty} {time}|Mon 23 Nov 11:15 EST>"


def test_duration_text() -> None:
    assert duration_text(timedelta(minutes=45)) == "45 min"
    assert duration_text(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert duration_text(timedelta(days=3, hours=4)) == "3 d 4 h"
    assert duration_text(-timedelta(minutes=12)) == "overdue by 12 min"


def test_progress_bar() -> None:
    assert progress_bar(0.5) == "▓▓▓▓▓░░░░░ 50%"
    assert progress_bar(1.3) == "▓▓▓▓▓▓▓▓▓▓ 130%"
    assert progress_bar(0) == "░░░░░░░░░░ 0%"
