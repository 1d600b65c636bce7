"""Block Kit for the Slack side: incident lines (status, show), the post-update modal, and the App Home tab.

Pure functions from stored items and computed clocks to Slack JSON; text from outside (titles, updates)
is escaped, instants are date tokens (each reader sees their own zone, the fallback is the contract's).
The incident card itself is `incident_card.card`, shared with the PagerDuty and reminder functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from sla_core.app.skipping import not_shown
from sla_core.slack.incidents.routes import UPDATE_MODAL
from sla_core.slack.render.text import (
    HEADER_TEXT,
    HOME_BLOCKS,
    context,
    date_token,
    duration_text,
    escape,
    fit_blocks,
    metric_words,
    plain,
    progress_bar,
    section,
)

if TYPE_CHECKING:  # the Slack function's ack path imports this module: keep storage and policies out of it
    from sla_core.incidents.records import Incident
    from sla_core.incidents.tracking import TrackedDeadline

MAX_BLOCKS = 50
HOME_OPEN_LISTED = MAX_BLOCKS - 8  # open items listed one section each on App Home; the rest are counted
Block = dict[str, Any]
Blocks = list[Block]


def metric_name(metric: str) -> str:
    """A metric as a list of clocks names it ('next update')."""
    return metric_words(metric).listed


def pending(deadlines: Sequence[TrackedDeadline]) -> list[TrackedDeadline]:
    """The clocks still running, soonest first."""
    return sorted((d for d in deadlines if d.met_at is None), key=lambda d: d.due_at)


def deadline_line(tracked: TrackedDeadline, now: datetime, zone: tzinfo) -> str:
    """`first response: 1 h 10 min left ▓▓▓░░░░░░░ 30% · due <date>` (time left in the target's business time)."""
    remaining = tracked.remaining(now)
    left = duration_text(remaining) if remaining.total_seconds() < 0 else f"{duration_text(remaining)} left"
    return (
        f"{metric_name(tracked.metric)}: {left} `{progress_bar(tracked.fraction_used(now))}` "
        f"· due {date_token(tracked.due_at, zone)}"
    )


def incident_summary(item: Incident, zone: tzinfo) -> str:
    """`*sla-ab12cd* · sonar-billing · normal · acknowledged` with the escaped title."""
    return (
        f"*{escape(item.incident_id)}* · `{escape(item.contract_id)}` · {escape(item.severity)} · {item.status}\n"
        f"{escape(item.title)} (opened {date_token(item.opened_at, zone)})"
    )


def incident_lines(item: Incident, deadlines: Sequence[TrackedDeadline], now: datetime, zone: tzinfo) -> str:
    """The incident and each of its running clocks, one line each."""
    lines = [incident_summary(item, zone)]
    lines.extend(f"• {deadline_line(tracked, now, zone)}" for tracked in pending(deadlines))
    return "\n".join(lines)


def update_modal(incident_id: str, title: str) -> dict[str, Any]:
    """The modal the post-update button opens; its submission carries the incident id in private_metadata."""
    return {
        "type": "modal",
        "callback_id": UPDATE_MODAL.callback_id,
        "private_metadata": incident_id,
        "title": {"type": "plain_text", "text": "Post an update"},
        "submit": {"type": "plain_text", "text": "Post"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*{escape(incident_id)}*: {escape(title)}"),
            {
                "type": "input",
                "block_id": UPDATE_MODAL.block_id,
                "label": {"type": "plain_text", "text": "What changed?"},
                "element": {"type": "plain_text_input", "action_id": UPDATE_MODAL.action_id, "multiline": True},
            },
        ],
    }


def home_view(
    open_sections: Sequence[str],
    month_blocks: Sequence[Block],
    now: datetime,
    zone: tzinfo,
    *,
    skipped: int = 0,
    total: int | None = None,
) -> dict[str, Any]:
    """The App Home tab: open items across contracts (what is due next; at most `HOME_OPEN_LISTED`, the rest
    counted: `total` open in all, default as many as listed), then each contract's month so far (`month_blocks`:
    availability to date, the downtime budget and the day-by-day sparkline). `skipped` items could not be
    computed (logged): the tab says how many."""
    total = len(open_sections) if total is None else total
    title = f"Open items ({total})" if total else "Open items"
    blocks: Blocks = [{"type": "header", "text": plain(title, HEADER_TEXT)}]
    blocks.extend(section(text) for text in open_sections[:HOME_OPEN_LISTED])
    if total > HOME_OPEN_LISTED:
        more = total - HOME_OPEN_LISTED
        blocks.append(
            context(f"{more} more open, due later: `/sla status all` counts them, `/sla show <id>` shows one.")
        )
    if not total:
        blocks.append(section("Nothing open. :white_check_mark:"))
    if skipped:
        blocks.append(context(not_shown(skipped)))
    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": plain("This month so far", HEADER_TEXT)})
    blocks.extend(month_blocks or [section("No contract is tracked.")])
    blocks.append(context(f"as of {date_token(now, zone)} · `/sla help`"))
    return {"type": "home", "blocks": fit_blocks(blocks, HOME_BLOCKS)}
