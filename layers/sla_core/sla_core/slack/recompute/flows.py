"""`/sla recompute <contract> <period>`: a period's figures on record against the figures computed now, and a
button that records and posts the correction (reported months are never rewritten without it)."""

from __future__ import annotations

from sla_core.app import authorization
from sla_core.app.contract_terms import contract_zone
from sla_core.app.recompute import Recompute, confirm, recompute
from sla_core.slack.flow_base import FlowBase, Invocation, Press, Reply
from sla_core.slack.recompute.routes import RECOMPUTE_ACTION
from sla_core.slack.render.corrections import changes, correction_text
from sla_core.slack.render.text import BUTTON_TEXT, BUTTON_VALUE, date_token, escape, plain, section


class RecomputeFlows(FlowBase):
    """Comparing a period on record with the figures now, and confirming the correction."""

    def recompute(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 2, "recompute")
        contract = self.contract(args[0])
        found = recompute(contract, args[1], inv.now)
        text = _compared(found)
        if not found.changed:
            return Reply(text)
        value = f"{contract.id}|{found.period}|{found.token}"[:BUTTON_VALUE]
        button = {"type": "button", "text": plain("Record the correction", BUTTON_TEXT), "action_id": RECOMPUTE_ACTION,
                  "value": value, "style": "primary"}  # fmt: skip
        return Reply(text, blocks=[section(text), {"type": "actions", "elements": [button]}])

    def confirm_recompute(self, press: Press, inv: Invocation) -> Reply:
        """The button: record and post the correction shown, by the people who may record downtime."""
        contract_id, period, token = [*press.value.split("|"), "", ""][:3]
        contract = self.contract(contract_id)
        decision = self.allowed(contract, authorization.RECORD_DOWNTIME, inv.user_id)
        if not decision.allowed:
            return Reply(decision.refusal)
        correction = confirm(contract, period, token, actor=inv.user_id, now=inv.now, words=correction_text)
        if correction is None:
            return Reply(
                f"Nothing recorded: `/sla recompute {contract.id} {escape(period)}` shows where it stands now."
            )
        text = f"Recorded by <@{inv.user_id}>: {correction_text(correction)}"
        return Reply(text, in_channel=self.in_channel_here(inv, contract))


def _compared(found: Recompute) -> str:
    """'2026-10 as reported Sun 1 Nov ...: ...; computed now: ...' in words."""
    head = f"*`{found.contract.id}` {escape(found.period)}*"
    if found.old is None:
        return f"{head}: nothing on record yet (not reported, never corrected); `/sla credit` shows it now."
    zone = contract_zone(found.contract)
    when = date_token(found.old_at, zone) if found.old_at is not None else "earlier"
    if not found.changed:
        return f"{head}: the figures on record ({when}) still hold."
    return f"{head}: on record ({when}) → computed now: {changes(found.contract, found.old, found.new)}."
