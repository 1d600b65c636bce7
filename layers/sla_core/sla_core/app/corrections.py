"""Corrections of the record and what they change: a period's figures are taken before and after a correction
(maintenance declared after the fact, downtime recorded late, an incident reclassified or its times fixed); a
period whose figures changed gets one kept correction (storage) and one post to the contract's channel, owed
through the post queue exactly once, and its claim-window reminders follow the new figures: scheduled, moved
(their text re-rendered) or cancelled, once each. Nothing changed, nothing posted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

from sla_core.app.contract_credit import estimate_for_contract
from sla_core.app.contract_terms import contract_zone
from sla_core.app.notices import ClaimReminder, Figures
from sla_core.app.reports import claim_drafts_with, claim_reminders
from sla_core.app.store import post_queue, repository
from sla_core.config.contract import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.errors import SlaError
from sla_core.engine.instants import to_micros
from sla_core.engine.periods import month_of, quarter_of
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Draft

T = TypeVar("T")
FIGURES = ("availability_percent", "target_met", "credit_amount", "currency", "claim_deadline")


@dataclass(frozen=True, slots=True)
class Correction:
    """One period's figures before and after a correction, and what the correction was (`what`: words)."""

    correction_id: str
    contract: Contract
    period: str
    before: Figures
    after: Figures
    what: str
    actor: str | None
    at: datetime
    incident_id: str | None = None


def period_estimates(
    contract: Contract, period: str, now: datetime, policy: Policy | None = None
) -> list[CreditEstimate]:
    """A period's estimates per component as stored downtime gives them now ([] when there are no credit terms)."""
    try:
        return estimate_for_contract(contract, period, now, policy)
    except SlaError:
        return []


def period_figures(contract: Contract, period: str, now: datetime, policy: Policy | None = None) -> Figures:
    """A period's figures per component as the estimates give them now ({} when the policy states no credit),
    under the contract's policy or the `policy` given."""
    return figures_of(period_estimates(contract, period, now, policy))


def figures_of(estimates: Iterable[CreditEstimate]) -> Figures:
    """The figures a correction compares, per component."""
    figures: Figures = {}
    for estimate in estimates:
        found = estimate.as_dict()
        figures[estimate.component] = {key: found.get(key) for key in FIGURES}
        right = found.get("termination_right")
        if right is not None:
            figures[estimate.component]["termination_right"] = {"exists": right["exists"], "until": right["until"]}
    return figures


def periods_touched(contract: Contract, spans: Iterable[tuple[datetime, datetime]]) -> list[str]:
    """The credit periods (months or the policy's quarters, in the contract's zone) the spans reach into."""
    credit = load_policy(contract.policy).terms.credit
    if credit is None:
        return []
    zone = contract_zone(contract)
    unit = (
        month_of if credit.period == "month" else partial(quarter_of, fiscal_start_month=credit.fiscal_year_start_month)
    )
    found: list[str] = []
    for start, end in spans:
        at = to_micros(start)
        stop = max(to_micros(end), at + 1)  # an instant reaches into its own period
        while at < stop:
            period = unit(at, zone)
            if period.label not in found:
                found.append(period.label)
            at = period.end
    return found


def corrected(
    contract: Contract,
    periods: Iterable[str],
    change: Callable[[], T],
    *,
    correction_id: str,
    what: Callable[[T], str | None],
    actor: str | None,
    now: datetime,
    words: Callable[[Correction], str],
    incident_id: str | None = None,
    claim_words: Callable[[ClaimReminder], str] | None = None,
) -> tuple[T, list[Correction]]:
    """Run `change` (a write) and keep and post a correction for each period whose figures it changed.

    `what` describes the change from its result (None: it changed nothing, e.g. a repeated request); `words`
    renders the channel post and `claim_words` the claim reminders that follow. Each period's correction is
    kept and owed once (keyed by `correction_id`).
    """
    labels = list(dict.fromkeys(periods))
    before_estimates = {label: period_estimates(contract, label, now) for label in labels}
    before = {label: figures_of(found) for label, found in before_estimates.items()}
    result = change()
    description = what(result)
    found: list[Correction] = []
    if description is None:
        return result, found
    for label in labels:
        after_estimates = period_estimates(contract, label, now)
        after = figures_of(after_estimates)
        if after == before[label]:
            continue
        if claim_words is not None:
            follow_claims(contract, before_estimates[label], after_estimates, now, claim_words)
        correction = Correction(
            correction_id, contract, label, before[label], after, description, actor, now, incident_id
        )
        if owe_correction(correction, words):
            found.append(correction)
    return result, found


def owe_correction(correction: Correction, words: Callable[[Correction], str]) -> bool:
    """Keep a correction and owe its post to the contract's channel; False when it was kept already."""
    contract = correction.contract
    kept = repository.record_correction(
        correction_id=correction.correction_id,
        contract_id=contract.id,
        period=correction.period,
        recorded_at=correction.at,
        actor=correction.actor,
        what=correction.what,
        before=correction.before,
        after=correction.after,
        incident_id=correction.incident_id,
    )
    if kept:
        draft = Draft(
            post_id=f"correction#{contract.id}#{correction.period}#{correction.correction_id}",
            purpose="correction",
            channel=contract.slack_channel,
            text=words(correction),
            send_at=correction.at,
            contract_id=contract.id,
        )
        post_queue.create_post(draft, now=correction.at)
    return kept


def follow_claims(
    contract: Contract,
    before: Iterable[CreditEstimate],
    after: Iterable[CreditEstimate],
    now: datetime,
    words: Callable[[ClaimReminder], str],
) -> None:
    """The claim reminders of the period as the new figures call for them: a reminder no longer owed (no credit,
    or a window moved) is cancelled; one still owed says the new amount; a new one is scheduled. Only pending
    posts change; one already sent stays sent."""
    old = {r.post_id for estimate in before for r in claim_reminders(contract, estimate, now)}
    new = [r for estimate in after for r in claim_reminders(contract, estimate, now)]
    for post_id in old - {r.post_id for r in new}:
        post_queue.cancel(post_id)
    for draft in claim_drafts_with(new, words):
        if not post_queue.create_post(draft, now=now):
            post_queue.retext(draft.post_id, draft.text)
