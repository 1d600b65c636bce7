"""The report flow's subcommand, handled by `ReportFlows.report` (`flows`)."""

from __future__ import annotations

from sla_core.slack.route_types import Subcommand

FLOW = "sla_core.slack.reports.flows:ReportFlows"

SUBCOMMANDS = (
    Subcommand("report <contract> [YYYY-MM|YYYY-Qn]", "upload the period's SLA report (a CSV: each outage with its "
               "minutes counted and excluded and why, the totals, the credit and the readings) to the contract's "
               "channel", "/sla report sonar-billing 2026-03", f"{FLOW}.report"),
)  # fmt: skip
