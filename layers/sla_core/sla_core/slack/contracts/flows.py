"""The contract subcommands: `deadline` (what if), `credit` and `contracts` (recorded downtime: `slack.downtime`)."""

from __future__ import annotations

from sla_core.app.contract_credit import stored_estimates
from sla_core.app.contract_terms import contract_zone, terms_for
from sla_core.app.incident_service import contract_policy
from sla_core.app.month_glance import month_glance
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.instants import to_micros
from sla_core.engine.policy_registry import load_policy, policy_ids
from sla_core.slack.flow_base import FlowBase, Invocation, Reply
from sla_core.slack.render.alternate_words import moved_due
from sla_core.slack.render.contracts import contract_summary, explanation
from sla_core.slack.render.credit import credit_text
from sla_core.slack.render.terms_notes import deadline_notes
from sla_core.slack.render.text import date_token, escape
from sla_core.slack.render.views import metric_name
from sla_core.slack.time_phrases import parse_time, split_at


class ContractFlows(FlowBase):
    """What a contract promises and what it owes: what-if deadlines, credits, recorded downtime, the list."""

    def deadline(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 2, "deadline")
        contract = self.contract(words[0])
        policy = contract_policy(contract)
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
        """`/sla credit <contract> [period]`: each component's estimate; for the period running now, also the
        downtime budget its month has left (or why the policy has none)."""
        self._need(args, 1, "credit")
        contract = self.contract(args[0])
        found = stored_estimates(contract, args[1] if len(args) > 1 else None, inv.now)
        current = any(stored.estimate.period.contains(to_micros(inv.now)) for stored in found)
        glances = {g.component: g for g in month_glance(contract, inv.now)} if current else {}
        return Reply(
            "\n\n".join(credit_text(contract, s.estimate, s.others(), glances.get(s.estimate.component)) for s in found)
        )

    def list_contracts(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`contracts`: each contract with its targets in words; `contracts <id>`: one contract (or policy) in full."""
        if args:
            return self._explain(args[0])
        lines = [line for c in self.contracts.contracts.values() for line in contract_summary(c, load_policy(c.policy))]
        lines.append("`/sla contracts <contract>` explains one in full: calendars, targets, credit, claims, readings.")
        return Reply("\n".join(lines))

    def _explain(self, name: str) -> Reply:
        """A tracked contract's policy explained for its tier and region; a policy id on its own is explained too."""
        found = self.contracts.contracts.get(name.lower())
        if found is None and name.lower() in policy_ids():
            text, blocks = explanation(load_policy(name), None)
        else:
            contract = found or self.contract(name)  # an unknown name lists the tracked contracts
            text, blocks = explanation(contract_policy(contract), contract)
        return Reply(text, blocks=blocks)
