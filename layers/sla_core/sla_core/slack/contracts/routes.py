"""The contract flow's subcommands, each handled by a `ContractFlows` method (`flows`)."""

from __future__ import annotations

from sla_core.slack.route_types import Subcommand

FLOW = "sla_core.slack.contracts.flows:ContractFlows"

SUBCOMMANDS = (
    Subcommand("deadline <contract> <severity> [at <time>]",
               "what-if: when the targets would fall due, nothing recorded",
               "/sla deadline sonarqube-support blocker at 17:30", f"{FLOW}.deadline"),
    Subcommand("credit <contract> [YYYY-MM|YYYY-Qn]",
               "availability, estimated credit, claim deadline and a claim text", "/sla credit sonoran-hosting 2026-03",
               f"{FLOW}.credit"),
    Subcommand("contracts [contract]", "what is tracked, each contract's targets in words; with a contract, its "
               "calendars, targets, credit, claims and readings in full", "/sla contracts resonate-ems",
               f"{FLOW}.list_contracts"),
)  # fmt: skip
