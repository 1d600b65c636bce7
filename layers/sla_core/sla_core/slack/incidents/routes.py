"""The incident flow's routes: its subcommands, the card's buttons and select, a reminder's buttons, the update
modal and App Home, each handled by an `IncidentFlows` method (`flows`)."""

from __future__ import annotations

from sla_core.slack.route_types import Button, Modal, Subcommand

FLOW = "sla_core.slack.incidents.flows:IncidentFlows"

SUBCOMMANDS = (
    Subcommand("open <contract> <severity> <title> [at <time>]", "track a ticket reported outside PagerDuty",
               "/sla open sonar-billing production-down Invoices fail at yesterday 14:00", f"{FLOW}.open"),
    Subcommand("ack <id> [at <time>]", "acknowledge (the first response)", "/sla ack sla-7kq2m4xa",
               f"{FLOW}.ack_command"),
    Subcommand("update <id> <text>", "post an update (restarts the update clock)",
               "/sla update sla-7kq2m4xa Vendor is rolling back", f"{FLOW}.update_command"),
    Subcommand("resolve <id> [at <time>]", "resolve", "/sla resolve sla-7kq2m4xa at -10m",
               f"{FLOW}.resolve_command"),
    Subcommand("status", "open items in this channel with time left and deadlines (`all`: every contract)",
               "/sla status all", f"{FLOW}.status"),
    Subcommand("show <id>", "one incident with its timeline", "/sla show sla-7kq2m4xa", f"{FLOW}.show"),
    Subcommand("correct <id> severity <severity>|opened <time>|resolved <time> [because <why>]",
               "fix an incident's record after the fact: its clocks and months are recomputed, and changed figures "
               "posted", "/sla correct sla-7kq2m4xa opened 09:40 because the monitor fired late",
               f"{FLOW}.correct"),
    Subcommand("pause <id> <reason> [at <time>]", "stop the clocks the contract lets that reason stop (e.g. waiting "
               "for the customer)", "/sla pause sla-7kq2m4xa waiting-for-customer", f"{FLOW}.pause"),
    Subcommand("resume <id> [at <time>]", "the paused clocks run again, moved by the time they stood still",
               "/sla resume sla-7kq2m4xa", f"{FLOW}.resume"),
    Subcommand("history <contract> [YYYY-MM|YYYY-Qn]",
               "every correction of a contract's figures, with who, when and why", "/sla history sonar-billing 2026-03",
               f"{FLOW}.history"),
)  # fmt: skip

# The incident card's buttons and select (render.incident_card draws them) and a reminder's (render.reminder_buttons).
ACK_ACTION = "incident_ack"
UPDATE_ACTION = "incident_update"
RESOLVE_ACTION = "incident_resolve"
OUTAGE_ON_ACTION = "incident_outage_on"
OUTAGE_OFF_ACTION = "incident_outage_off"
CAUSE_ACTION = "incident_cause"
RESPONDED_ACTION = "reminder_responded"
SNOOZE_ACTION = "reminder_snooze"
BUTTONS = (
    Button(ACK_ACTION, f"{FLOW}.record_press"),
    Button(UPDATE_ACTION, f"{FLOW}.open_update"),
    Button(RESOLVE_ACTION, f"{FLOW}.record_press"),
    Button(OUTAGE_ON_ACTION, f"{FLOW}.classify"),
    Button(OUTAGE_OFF_ACTION, f"{FLOW}.classify"),
    Button(CAUSE_ACTION, f"{FLOW}.classify"),
    Button(RESPONDED_ACTION, f"{FLOW}.press_reminder"),
    Button(SNOOZE_ACTION, f"{FLOW}.press_reminder"),
)

# The update modal the card's "Post update" opens (render.views draws it).
UPDATE_MODAL = Modal("incident_update_modal", "update", "text", f"{FLOW}.submit_update")
MODALS = (UPDATE_MODAL,)

# App Home: `handler(user_id, now)` publishes the opener's view.
HOME = f"{FLOW}.publish_home"
