"""The contract subcommands: `deadline` (what if), `credit`, `downtime` and `contracts`."""

from __future__ import annotations

from datetime import timedelta

from sla_core.app import authorization
from sla_core.app.contract_credit import (
    contract_zone,
    estimate_for_contract,
)
from sla_core.app.incident_service import terms_for
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import InputError
from sla_core.engine.intervals import Kind
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.credit_messages import credit_text
from sla_core.slack.flow_base import SOURCE, FlowBase, Invocation, Reply
from sla_core.slack.text import date_token, escape
from sla_core.slack.time_phrases import parse_span, parse_time, split_at
from sla_core.slack.views import metric_name
from sla_core.storage import repository

DOWNTIME_KINDS = {"maintenance": Kind.SCHEDULED, "emergency": Kind.EMERGENCY}


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
                f" → due {date_token(due.due_at, zone)}{every}"
            )
        return Reply("\n".join(lines))

    def credit(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 1, "credit")
        contract = self.contract(args[0])
        estimates = estimate_for_contract(contract, args[1] if len(args) > 1 else None, inv.now)
        return Reply("\n\n".join(credit_text(contract, estimate) for estimate in estimates))

    def downtime(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 3, "downtime")
        contract = self.contract(args[0])
        decision = self.allowed(contract, authorization.RECORD_DOWNTIME, inv.user_id)
        if not decision.allowed:
            return Reply(decision.refusal)
        words = list(args[1:])
        component = contract.components[0]
        if words and words[0].lower() in contract.components:
            component = words.pop(0).lower()
        elif len(contract.components) > 1:
            raise InputError(f"`{contract.id}` has several components; name one of {', '.join(contract.components)}.")
        kind = Kind.UNPLANNED
        if words and words[-1].lower() in DOWNTIME_KINDS:
            kind = DOWNTIME_KINDS[words.pop().lower()]
        start, end = parse_span(tuple(words), zone=self.zone_for(inv, contract), now=inv.now)
        if end <= start:
            raise InputError("The downtime must end after it starts.")
        if end > inv.now + timedelta(minutes=1):
            raise InputError("The downtime must have ended by now; record what has happened.")
        interval = repository.start_downtime(
            downtime_id=f"slack-{inv.trigger_id}",
            contract_id=contract.id,
            component=component,
            started_at=start,
            recorded_by=inv.user_id,
            source=SOURCE,
            reason=kind.value,
        )
        if interval is not None:
            repository.end_downtime(interval, end)
        zone = contract_zone(contract)
        minutes = int((end - start).total_seconds() // 60)
        head = "Recorded" if interval is not None else "Already recorded"
        return Reply(
            f"{head} {kind.value} downtime of `{contract.id}` {component}: {date_token(start, zone)} – "
            f"{date_token(end, zone)} ({minutes} min), by <@{inv.user_id}>.",
            in_channel=interval is not None,
        )

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
