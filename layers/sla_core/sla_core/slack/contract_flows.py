"""The contract subcommands: `deadline` (what if), `credit` and `contracts` (recorded downtime: downtime_flows)."""

from __future__ import annotations

from sla_core.app.contract_credit import (
    contract_zone,
    stored_estimates,
)
from sla_core.app.incident_service import terms_for
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.contract_notes import deadline_notes
from sla_core.slack.credit_messages import credit_text
from sla_core.slack.flow_base import FlowBase, Invocation, Reply
from sla_core.slack.other_words import moved_due
from sla_core.slack.text import date_token, escape
from sla_core.slack.time_phrases import parse_time, split_at
from sla_core.slack.views import metric_name


class ContractFlows(FlowBase):
    """What a contract promises and what it owes: what-if deadlines, credits, recorded downtime, the list."""

    def deadline(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 2, "deadline")
        contract = self.contract(words[0])
        policy = load_policy(contract.policy)
        severity = policy.severity(words[1])
        zone_in = self.zone_for(inv, contract)
        opened = parse_time(phrase, zone=zone_in, now=inv.now) if phrase is not None else inv.now  # future is fine
        terms = terms_for(contract)
        holidays = terms.holidays if terms else None
        zone = contract_zone(contract)
        lines = [
            f"*What if* a `{severity.id}` opened {date_token(opened, zone)} on `{contract.id}` (nothing recorded):"
        ]
        for target in policy.targets(severity, policy.tier(contract.tier)):
            due = compute_deadline(policy, severity.id, opened, target.metric, contract.tier, contract.region, holidays)
            every = " (then again after each update)" if due.recurring else ""
            lines.append(
                f"• {metric_name(due.metric)}: {due.target} on {escape(due.calendar.description or due.calendar.name)}"
                f" → due {date_token(due.due_at, zone)}{moved_due(due, zone)}{every}"
            )
        lines += deadline_notes(contract, severity.id, opened)  # tier meaning or no SLA, after-hours charge
        return Reply("\n".join(lines))

    def credit(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 1, "credit")
        contract = self.contract(args[0])
        found = stored_estimates(contract, args[1] if len(args) > 1 else None, inv.now)
        return Reply("\n\n".join(credit_text(contract, stored.estimate, stored.others()) for stored in found))

    def list_contracts(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        lines = []
        for contract in self.contracts.contracts.values():
            policy = load_policy(contract.policy)
            tier = policy.tier(contract.tier)
            availability = policy.terms.availability
            head = (
                f"*{escape(contract.name)}* (`{contract.id}`): {escape(policy.vendor)}, policy `{policy.id}`"
                + (f" {tier}/{contract.region}" if tier else "")
                + f", <#{contract.slack_channel}>, components {', '.join(contract.components)}"
                + (f", availability target {availability.target_percent}%" if availability else "")
            )
            lines.append(head)
            for severity in policy.severities.values():
                targets = ", ".join(
                    f"{metric_name(t.metric)} {' or '.join(str(c.duration) for c in t.clocks)}"
                    for t in policy.targets(severity, tier)
                )
                lines.append(f"    • `{severity.id}`: {targets or 'no targets'}")
        return Reply("\n".join(lines))
