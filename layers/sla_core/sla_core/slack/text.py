"""Small Slack text helpers every message uses: escaping, date tokens, durations and progress bars."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from sla_core.engine.instants import require_aware


class MetricWords(NamedTuple):
    """How a target's metric is named: as a card's label, in a reminder's sentence, and in a list of clocks."""

    label: str
    sentence: str
    listed: str


# The one table of metric wordings; metrics not in it are spelt from their id ('escalation_response').
METRIC_WORDS = {
    "initial_response": MetricWords("First response", "first response", "first response"),
    "update": MetricWords("Updates", "status update", "next update"),
    "resolution": MetricWords("Resolution", "resolution", "resolution"),
    "workaround": MetricWords("Workaround", "workaround", "workaround"),
}


def metric_words(metric: str) -> MetricWords:
    """The wordings of a metric id."""
    spelt = metric.replace("_", " ")
    return METRIC_WORDS.get(metric, MetricWords(spelt.capitalize(), spelt, spelt))


def escape(text: str) -> str:
    """Escape text that did not come from us, so `<!channel>` or `<@U123>` in a title cannot ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def local_time(instant: datetime, zone: tzinfo) -> str:
    """'Mon 23 Nov 11:15 EST' in the contract's zone."""
    local = require_aware(instant).astimezone(zone)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


def date_token(instant: datetime, zone: tzinfo) -> str:
    """A Slack date token: each reader sees the time in their own zone; the fallback is the contract's zone."""
    epoch = int(require_aware(instant).timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{local_time(instant, zone)}>"


def duration_text(amount: timedelta) -> str:
    """'2 h 05 min', '45 min', '3 d 4 h'; negative amounts read as overdue by that much."""
    minutes = int(abs(amount).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days} d {hours} h" if hours else f"{days} d"
    elif hours:
        text = f"{hours} h {mins:02d} min" if mins else f"{hours} h"
    else:
        text = f"{mins} min"
    return f"overdue by {text}" if amount < timedelta(0) else text


def progress_bar(fraction: float, width: int = 10) -> str:
    """A text bar of the share of a target's time used: '▓▓▓▓▓░░░░░ 50%' (capped at full when breached)."""
    clamped = min(max(fraction, 0.0), 1.0)
    filled = round(clamped * width)
    return f"{'▓' * filled}{'░' * (width - filled)} {round(fraction * 100)}%"
