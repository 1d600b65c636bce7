"""The daily digest in Slack: the deadlines that fall today, the open incidents, and the month's downtime budget.

The same lines as `/sla status` (each clock's time left on its own calendar, a progress bar, a date token every
reader sees in their own zone), so the digest and the status never disagree. Titles come from outside: escaped.
"""

from __future__ import annotations

from sla_core.app.notices import Digest, OpenIncident
from sla_core.app.ports import Blocks
from sla_core.app.skipping import not_shown
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.render.glance import glance_lines
from sla_core.slack.render.text import context, escape, section
from sla_core.slack.render.views import deadline_line, incident_lines

MAX_OPEN = 40  # open incidents shown one section each; the digest stays well within 50 blocks


def day_text(digest: Digest) -> str:
    """'Tue 10 Mar'."""
    return f"{digest.day:%a} {digest.day.day} {digest.day:%b}"


def due_line(incident: OpenIncident, tracked: TrackedDeadline, digest: Digest) -> str:
    """'• *sla-ab12cd* Invoices fail: first response: 30 min left `▓▓▓▓▓░░░░░ 50%` · due <date>'."""
    item = incident.item
    return f"• *{escape(item.incident_id)}* {escape(item.title)}: {deadline_line(tracked, digest.now, digest.zone)}"


def due_today_text(digest: Digest) -> str:
    """The deadlines of today, in due order, or that there are none."""
    due = digest.due_today
    if not due:
        return "*Due today*: nothing."
    return "\n".join([f"*Due today* ({len(due)})", *(due_line(i, t, digest) for i, t in due)])


def budget_text(digest: Digest) -> str:
    """Each component's downtime budget for the month so far (or why its policy has none)."""
    month = digest.glances[0].period.label if digest.glances else ""
    lines = [line for glance in digest.glances for line in glance_lines(glance, sparkline=False)]
    return "\n".join([f"*Downtime budget, {month} so far*", *lines])


def digest_message(digest: Digest) -> tuple[str, Blocks]:
    """The digest's fallback text and blocks: title, due today, the open incidents (at most `MAX_OPEN`), budget."""
    contract, incidents = digest.contract, digest.incidents
    title = f":sunrise: *Daily SLA digest: {escape(contract.name)}, {day_text(digest)}*"
    more = f", the {MAX_OPEN} due soonest below" if len(incidents) > MAX_OPEN else ""
    open_head = f"*{len(incidents)} open*{more}" if incidents else "*Nothing open.* :white_check_mark:"
    blocks = [section(title), section(due_today_text(digest)), section(open_head)]
    blocks += [section(incident_lines(i.item, i.deadlines, digest.now, digest.zone)) for i in incidents[:MAX_OPEN]]
    if digest.skipped:
        blocks.append(context(not_shown(digest.skipped)))
    blocks.append(section(budget_text(digest)))
    counts = f"{len(digest.due_today)} due today, {len(incidents)} open"
    return escape(f"Daily SLA digest: {contract.name}, {day_text(digest)}: {counts}"), blocks
