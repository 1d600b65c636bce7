"""The recompute flow's subcommand and its confirmation button, each handled by a `RecomputeFlows` method
(`flows`)."""

from __future__ import annotations

from sla_core.slack.route_types import Button, Subcommand

FLOW = "sla_core.slack.recompute.flows:RecomputeFlows"

SUBCOMMANDS = (
    Subcommand("recompute <contract> <YYYY-MM|YYYY-Qn>", "a period's figures on record against the figures now; a "
               "button records the correction", "/sla recompute sonar-billing 2026-10", f"{FLOW}.recompute"),
)  # fmt: skip

RECOMPUTE_ACTION = "recompute_confirm"  # `/sla recompute`'s confirmation (its flow draws it)
BUTTONS = (Button(RECOMPUTE_ACTION, f"{FLOW}.confirm_recompute"),)
