"""Every Slack interaction slaops answers, declared once: each `/sla` subcommand (its usage, what it does, an
example) and each button, modal and App Home, with the flow method that handles it (`module:Class.method`).

`slack/listeners.py` registers each one as its own Bolt listener. Handlers are named, not imported: the ack path
reads this module (the help, the subcommand names, the action ids) without importing a flow, which loads storage
and the policies (a third of a second of a cold start); the lazy listener imports the one it runs. The
declarations are named tuples: a frozen dataclass costs five times as long to define, on every cold start.
"""

from __future__ import annotations

from typing import NamedTuple

INCIDENTS = "sla_core.slack.incidents.flows:IncidentFlows"
CONTRACTS = "sla_core.slack.contracts.flows:ContractFlows"
DOWNTIME = "sla_core.slack.downtime.flows:DowntimeFlows"
REPORTS = "sla_core.slack.reports.flows:ReportFlows"
RECOMPUTE = "sla_core.slack.recompute.flows:RecomputeFlows"


class Subcommand(NamedTuple):
    """`/sla <usage>`: the help line `what` (e.g. `example`); `handler(args, invocation) -> Reply`."""

    usage: str
    what: str
    example: str
    handler: str

    @property
    def name(self) -> str:
        return self.usage.split()[0]


class Button(NamedTuple):
    """A button or select `action_id` the bot renders; `handler(press, invocation) -> Reply | None`."""

    action_id: str
    handler: str


class Modal(NamedTuple):
    """A modal `callback_id` the bot opens; `handler(incident_id, text, invocation) -> Reply`, the text read from
    the input `action_id` of the block `block_id`."""

    callback_id: str
    block_id: str
    action_id: str
    handler: str


SUBCOMMANDS = (
    Subcommand("open <contract> <severity> <title> [at <time>]", "track a ticket reported outside PagerDuty",
               "/sla open sonar-billing production-down Invoices fail at yesterday 14:00", f"{INCIDENTS}.open"),
    Subcommand("ack <id> [at <time>]", "acknowledge (the first response)", "/sla ack sla-7kq2m4xa",
               f"{INCIDENTS}.ack_command"),
    Subcommand("update <id> <text>", "post an update (restarts the update clock)",
               "/sla update sla-7kq2m4xa Vendor is rolling back", f"{INCIDENTS}.update_command"),
    Subcommand("resolve <id> [at <time>]", "resolve", "/sla resolve sla-7kq2m4xa at -10m",
               f"{INCIDENTS}.resolve_command"),
    Subcommand("status", "open items in this channel with time left and deadlines (`all`: every contract)",
               "/sla status all", f"{INCIDENTS}.status"),
    Subcommand("show <id>", "one incident with its timeline", "/sla show sla-7kq2m4xa", f"{INCIDENTS}.show"),
    Subcommand("deadline <contract> <severity> [at <time>]",
               "what-if: when the targets would fall due, nothing recorded",
               "/sla deadline sonarqube-support blocker at 17:30", f"{CONTRACTS}.deadline"),
    Subcommand("credit <contract> [YYYY-MM|YYYY-Qn]",
               "availability, estimated credit, claim deadline and a claim text", "/sla credit sonoran-hosting 2026-03",
               f"{CONTRACTS}.credit"),
    Subcommand("report <contract> [YYYY-MM|YYYY-Qn]", "upload the period's SLA report (a CSV: each outage with its "
               "minutes counted and excluded and why, the totals, the credit and the readings) to the contract's "
               "channel", "/sla report sonar-billing 2026-03", f"{REPORTS}.report"),
    Subcommand("downtime <contract> [component] <start> <end> [maintenance|emergency] [cause <id>]",
               "record downtime by hand", "/sla downtime sonoran-hosting web yesterday 14:00 14:45 cause ddos",
               f"{DOWNTIME}.downtime"),
    Subcommand("maintenance <contract> [component] <start> <end> [announced <time>] [emergency] [posted] "
               "[cause <id>]", "declare the provider's maintenance, ahead of time or after the fact: downtime inside "
               "it is excluded as the policy allows",
               "/sla maintenance resonate-ems 2026-11-05T21:00 2026-11-05T23:00 announced 2026-11-01T10:00",
               f"{DOWNTIME}.maintenance"),
    Subcommand("correct <id> severity <severity>|opened <time>|resolved <time> [because <why>]",
               "fix an incident's record after the fact: its clocks and months are recomputed, and changed figures "
               "posted", "/sla correct sla-7kq2m4xa opened 09:40 because the monitor fired late",
               f"{INCIDENTS}.correct"),
    Subcommand("pause <id> <reason> [at <time>]", "stop the clocks the contract lets that reason stop (e.g. waiting "
               "for the customer)", "/sla pause sla-7kq2m4xa waiting-for-customer", f"{INCIDENTS}.pause"),
    Subcommand("resume <id> [at <time>]", "the paused clocks run again, moved by the time they stood still",
               "/sla resume sla-7kq2m4xa", f"{INCIDENTS}.resume"),
    Subcommand("history <contract> [YYYY-MM|YYYY-Qn]",
               "every correction of a contract's figures, with who, when and why", "/sla history sonar-billing 2026-03",
               f"{INCIDENTS}.history"),
    Subcommand("recompute <contract> <YYYY-MM|YYYY-Qn>", "a period's figures on record against the figures now; a "
               "button records the correction", "/sla recompute sonar-billing 2026-10", f"{RECOMPUTE}.recompute"),
    Subcommand("contracts [contract]", "what is tracked, each contract's targets in words; with a contract, its "
               "calendars, targets, credit, claims and readings in full", "/sla contracts resonate-ems",
               f"{CONTRACTS}.list_contracts"),
)  # fmt: skip

# The incident card's buttons and select (render.incident_card draws them), a reminder's (render.reminder_buttons)
# and `/sla recompute`'s confirmation.
ACK_ACTION = "incident_ack"
UPDATE_ACTION = "incident_update"
RESOLVE_ACTION = "incident_resolve"
OUTAGE_ON_ACTION = "incident_outage_on"
OUTAGE_OFF_ACTION = "incident_outage_off"
CAUSE_ACTION = "incident_cause"
RESPONDED_ACTION = "reminder_responded"
SNOOZE_ACTION = "reminder_snooze"
RECOMPUTE_ACTION = "recompute_confirm"
BUTTONS = (
    Button(ACK_ACTION, f"{INCIDENTS}.record_press"),
    Button(UPDATE_ACTION, f"{INCIDENTS}.open_update"),
    Button(RESOLVE_ACTION, f"{INCIDENTS}.record_press"),
    Button(OUTAGE_ON_ACTION, f"{INCIDENTS}.classify"),
    Button(OUTAGE_OFF_ACTION, f"{INCIDENTS}.classify"),
    Button(CAUSE_ACTION, f"{INCIDENTS}.classify"),
    Button(RESPONDED_ACTION, f"{INCIDENTS}.press_reminder"),
    Button(SNOOZE_ACTION, f"{INCIDENTS}.press_reminder"),
    Button(RECOMPUTE_ACTION, f"{RECOMPUTE}.confirm_recompute"),
)

# The update modal the card's "Post update" opens (render.views draws it).
UPDATE_MODAL = Modal("incident_update_modal", "update", "text", f"{INCIDENTS}.submit_update")
MODALS = (UPDATE_MODAL,)

# App Home: `handler(user_id, now)` publishes the opener's view.
HOME = f"{INCIDENTS}.publish_home"
