"""Every Slack interaction slaops answers: the routes each flow declares beside itself (`<flow>/routes.py`),
gathered for `listeners`, which registers each as its own Bolt listener, and for the help, which lists the
subcommands flow by flow in this order. A new subcommand, button or modal is declared in its flow's `routes`; a
new flow adds its `routes` here."""

from __future__ import annotations

from sla_core.slack.contracts import routes as contracts
from sla_core.slack.downtime import routes as downtime
from sla_core.slack.incidents import routes as incidents
from sla_core.slack.recompute import routes as recompute
from sla_core.slack.reports import routes as reports
from sla_core.slack.route_types import Button, Modal, Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = (
    *incidents.SUBCOMMANDS,
    *contracts.SUBCOMMANDS,
    *downtime.SUBCOMMANDS,
    *reports.SUBCOMMANDS,
    *recompute.SUBCOMMANDS,
)
BUTTONS: tuple[Button, ...] = (*incidents.BUTTONS, *recompute.BUTTONS)
MODALS: tuple[Modal, ...] = incidents.MODALS
HOME = incidents.HOME
