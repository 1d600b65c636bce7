"""The words of a backfill's one summary post per contract channel: what was read from history, and each
touched period's availability, estimated credit, claim deadline and any termination right."""

from __future__ import annotations

from typing import Any

from sla_core.app.backfill import ContractSummary
from sla_core.app.ports import Blocks
from sla_core.slack.render.text import context, escape, fit_blocks, section


def backfill_summary(summary: ContractSummary) -> tuple[str, Blocks]:
    """(text, blocks) of one contract's backfill summary."""
    contract = summary.contract
    name = escape(contract.name or contract.id)
    incidents = "incident" if summary.incidents == 1 else "incidents"
    head = (
        f":inbox_tray: *History read for {name}*: {summary.incidents} {incidents} from PagerDuty, "
        f"{summary.recorded} newly recorded, {summary.open} still open (their cards are live)."
    )
    lines = [_period_line(figures) for figures in summary.periods]
    text = "\n".join([head, *lines, *summary.notes])
    blocks = [section(head), *(section(line) for line in lines)]
    if summary.notes:
        blocks.append(context(" ".join(escape(note) for note in summary.notes)))
    return text, fit_blocks(blocks)


def _period_line(figures: dict[str, Any]) -> str:
    """One period and component: availability against target, credit, claim deadline, termination right."""
    where = f"*{figures['period']}* ({escape(str(figures['component']))})"
    if "error" in figures:
        return f"{where}: no figures: {escape(str(figures['error']))}"
    parts = []
    if figures.get("availability_percent") is not None:
        met = {True: "met", False: "missed", None: "no target"}[figures.get("target_met")]
        parts.append(f"availability {figures['availability_percent']}% (target {figures['target_percent']}%, {met})")
    if figures.get("missed_responses") is not None:
        parts.append(f"{figures['missed_responses']} missed initial responses")
    parts.append(f"estimated credit {figures['credit_amount']} {figures['currency']}")
    if figures.get("claim_deadline"):
        parts.append(f"claim by {figures['claim_deadline']}")
    termination = figures.get("termination_right")
    if isinstance(termination, dict) and termination.get("exists"):
        parts.append(f"*termination right* until {termination.get('until')}")
    return f"{where}: " + ", ".join(parts)
