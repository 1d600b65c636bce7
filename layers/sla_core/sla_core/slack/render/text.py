"""Small Slack text helpers every message uses: escaping, Block Kit text objects within Slack's limits, date
tokens, durations and progress bars. Text that did not come from us is escaped first, then fitted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, NamedTuple

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


# Block Kit's limits (characters; blocks per message or view).
SECTION_TEXT = 3000
FIELD_TEXT = 2000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75  # an option's text and a select's placeholder
OPTION_VALUE = 150
MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
ELLIPSIS = "…"
# What a cut must not fall inside: an escape (&amp;) or a Slack token (<@U1>, <!date^...|...>, <url|label>).
_UNBREAKABLE = re.compile(r"&(?:amp|lt|gt);|<[^<>\n]*>")


def escape(text: str) -> str:
    """Escape text that did not come from us, so `<!channel>` or `<@U123>` in a title cannot ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """`text` (already escaped) cut to at most `limit` characters with an ellipsis, never inside an escape or
    a Slack token."""
    if len(text) <= limit:
        return text
    cut = limit - len(ELLIPSIS)
    for match in _UNBREAKABLE.finditer(text, max(0, cut - SECTION_TEXT), cut + SECTION_TEXT):
        if match.start() >= cut:
            break
        if match.end() > cut:
            cut = match.start()
            break
    return text[:cut] + ELLIPSIS


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    """A mrkdwn text object within `limit`."""
    return {"type": "mrkdwn", "text": fit(text, limit)}


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object within `limit`."""
    return {"type": "plain_text", "text": fit(text, limit)}


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section within the section limit."""
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> dict[str, Any]:
    """A context block of one mrkdwn element."""
    return {"type": "context", "elements": [mrkdwn(text, CONTEXT_TEXT)]}


def fit_blocks(blocks: Sequence[dict[str, Any]], limit: int = MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """At most `limit` blocks: the last kept one says how many more there were."""
    if len(blocks) <= limit:
        return list(blocks)
    return [*blocks[: limit - 1], context(f"{ELLIPSIS} and {len(blocks) - limit + 1} more (see `/sla status`)")]


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
    filled = int(clamped * width)  # rounded down: the bar is full only when no time is left
    return f"{'▓' * filled}{'░' * (width - filled)} {round(fraction * 100)}%"
