"""The `/sla` command's dispatch; each subcommand, button, modal and the App Home lives in a flow module.

The Slack handler acks and hands the request here from a lazy listener, so every flow module may
take its time and call Slack (users.info for the typist's zone, usergroups.users.list for authorization,
views.open, chat.postMessage/update). Writes go through `incident_service.record_event` and the repository;
event and incident ids derive from the request's trigger_id, so a repeated request records nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from sla_core.engine.errors import SlaError
from sla_core.slack import commands
from sla_core.slack.contract_flows import ContractFlows
from sla_core.slack.downtime_flows import DowntimeFlows
from sla_core.slack.flow_base import Invocation, Reply, SlackApi
from sla_core.slack.incident_flows import IncidentFlows
from sla_core.slack.recompute_flows import RECOMPUTE_ACTION, RecomputeFlows
from sla_core.slack.render.text import escape
from sla_core.slack.report_flows import ReportFlows

__all__ = ["Flows", "Invocation", "Reply", "SlackApi"]


class Flows(IncidentFlows, ContractFlows, DowntimeFlows, ReportFlows, RecomputeFlows):
    """Every Slack interaction of slaops, given the contracts and the Slack calls.

    Errors (`SlaError`) become replies, escaped as a whole: they may quote what the user typed.
    """

    def command(self, text: str | None, inv: Invocation) -> Reply:
        """Run one `/sla` command; bad input gets a message saying what is accepted, never an error."""
        parsed = commands.parse(text)
        handlers: dict[str, Callable[[tuple[str, ...], Invocation], Reply]] = {
            "open": self.open,
            "ack": self.ack_command,
            "update": self.update_command,
            "resolve": self.resolve_command,
            "status": self.status,
            "show": self.show,
            "deadline": self.deadline,
            "credit": self.credit,
            "report": self.report,
            "downtime": self.downtime,
            "maintenance": self.maintenance,
            "correct": self.correct,
            "pause": self.pause,
            "resume": self.resume,
            "history": self.history,
            "recompute": self.recompute,
            "contracts": self.list_contracts,
        }
        if parsed.is_help:
            return Reply(commands.HELP_TEXT)
        handler = handlers.get(parsed.name)
        if handler is None:
            return Reply(commands.unknown(parsed))
        try:
            return handler(parsed.args, inv)
        except SlaError as error:
            return Reply(f"{escape(str(error))}\n{commands.usage_for(parsed.name)}")

    def button(self, action_id: str, value: str, inv: Invocation, message_ts: str | None = None) -> Reply | None:
        """A button: the recompute confirmation here, the incidents' and reminders' in `IncidentFlows`."""
        if action_id != RECOMPUTE_ACTION:
            return super().button(action_id, value, inv, message_ts)
        try:
            return self.confirm_recompute(value, inv)
        except SlaError as error:
            return Reply(escape(str(error)))
