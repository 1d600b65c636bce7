"""The downtime flow's subcommands, each handled by a `DowntimeFlows` method (`flows`)."""

from __future__ import annotations

from sla_core.slack.route_types import Subcommand

FLOW = "sla_core.slack.downtime.flows:DowntimeFlows"

SUBCOMMANDS = (
    Subcommand("downtime <contract> [component] <start> <end> [maintenance|emergency] [cause <id>]",
               "record downtime by hand", "/sla downtime sonoran-hosting web yesterday 14:00 14:45 cause ddos",
               f"{FLOW}.downtime"),
    Subcommand("maintenance <contract> [component] <start> <end> [announced <time>] [emergency] [posted] "
               "[cause <id>]", "declare the provider's maintenance, ahead of time or after the fact: downtime inside "
               "it is excluded as the policy allows",
               "/sla maintenance resonate-ems 2026-11-05T21:00 2026-11-05T23:00 announced 2026-11-01T10:00",
               f"{FLOW}.maintenance"),
)  # fmt: skip
