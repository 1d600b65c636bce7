"""A credit estimate as Slack text, and the ready-to-send claim letter."""

from __future__ import annotations

from collections.abc import Sequence

from sla_core.app.alternate_figures import OtherFigure
from sla_core.app.month_glance import ComponentGlance
from sla_core.config.contract import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.instants import from_micros
from sla_core.slack.render.alternate_words import (
    amount_text,
    other_amount,
    other_availability,
    other_claim,
    reading_misses,
)
from sla_core.slack.render.glance import glance_lines
from sla_core.slack.render.text import date_token, escape


def credit_text(
    contract: Contract,
    estimate: CreditEstimate,
    others: Sequence[OtherFigure] = (),
    glance: ComponentGlance | None = None,
) -> str:
    """Availability, the credit, the claim deadline, the readings, and a ready-to-send claim; next to each
    figure, the figure under any other reading (`others`) that changes it; with the month's `glance` (the
    current period), the downtime budget left before the target and the next credit tier."""
    d = estimate.as_dict()
    zone = estimate.zone
    lines = [f"*{escape(contract.name)}* · {estimate.component} · {d['period']} ({estimate.policy.vendor})"]
    if d["availability_percent"] is not None:
        lines.append(
            f"Availability {d['availability_percent']}% against {d['target_percent']}% "
            f"({'met' if d['target_met'] else 'missed'}){other_availability(others)}; "
            f"counted downtime {d['downtime_minutes']} min, excluded {d['excluded_minutes']} min."
        )
    if glance is not None:
        lines.extend(glance_lines(glance, sparkline=False))
    if estimate.missed_responses is not None:
        missed = estimate.missed_responses
        lines.append(f"Missed first responses: {missed}{reading_misses(missed, estimate.missed_on_reading)}.")
    lines.append(f"Estimated credit: *{amount_text(estimate)}*{other_amount(others)} ({escape(estimate.basis)})")
    claim = estimate.claim
    if claim.deadline is not None:
        due = date_token(from_micros(claim.deadline, zone), zone)
        lines.append(f"Claim by {due}{other_claim(others)}: {escape(claim.basis)}")
    else:
        lines.append(f"Claim: {escape(claim.basis)}{other_claim(others)}")
    for reading in estimate.readings:
        lines.append(f"Reading: {escape(reading['chosen'])} (not: {escape(reading['other'])})")
    for note in estimate.notes:
        lines.append(f"Note: {escape(note)}")
    if estimate.amount > 0:
        lines.append("*Claim text* (ready to send):")
        lines.append("```" + claim_letter(contract, estimate) + "```")
    return "\n".join(lines)


def claim_letter(contract: Contract, estimate: CreditEstimate) -> str:
    """A claim to send to the vendor, with what the contract requires the claim to contain."""
    d = estimate.as_dict()
    claim = estimate.claim
    outages = [f"- {o['outage_start']} to {o['outage_end']}" for o in d["claim_deadlines"]] or [
        f"- {reason}: {minutes} min" for reason, minutes in d["minutes_by_reason"].items()
    ]
    parts = [
        f"To: {claim.submit_to or estimate.policy.vendor}",
        f"Subject: Service credit claim, {contract.name}, {d['period']}",
        "",
        f"We claim a service credit of {d['credit_amount']} {d['currency']} under the service level terms "
        f"for {contract.name} ({d['component']}), period {d['period']} ({d['timezone']}).",
    ]
    if d["availability_percent"] is not None:
        parts.append(
            f"Measured availability: {d['availability_percent']}% against the committed {d['target_percent']}%."
        )
    if estimate.missed_responses is not None:
        parts.append(f"Tickets that missed their initial response: {estimate.missed_responses}.")
    parts += ["Outages:", *outages, f"Basis: {estimate.basis}"]
    if claim.contents:
        parts += ["", "As the contract requires, this claim contains:", *(f"- {item}" for item in claim.contents)]
    return escape("\n".join(parts))
