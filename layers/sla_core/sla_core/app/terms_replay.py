"""A deployment that changes a contract's terms (its policy file or its contracts.toml entry) is noticed by the
first sweep tick after it: the open incidents' clocks are recomputed (reminders rescheduled or withdrawn), the
current period's figures are computed under the old and the new terms, and what changed is said once in the
contract's channel (and kept as a correction). Months already reported are not rewritten: `/sla recompute`.

An idle tick reads one small item: the hash of every contract's terms version (computed once per process from
the deployed files) against the hash last replayed in full; only when they differ are the contracts' own terms
read, and the new hash is recorded once every contract was replayed without error.

The terms last seen are kept per contract (`SeenTerms`: version, policy text, money fields), so the
figures under the old terms can be computed again after the old files are gone.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_credit import current_period_text
from sla_core.app.contract_terms import contract_zone
from sla_core.app.corrections import period_figures
from sla_core.app.incident_service import refresh_clocks
from sla_core.app.notices import ClockChange, Figures, TermsChange
from sla_core.app.ports import Messages
from sla_core.app.store import post_queue, repository
from sla_core.app.terms_version import deployed_version, money_entry, policy_text, terms_version
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.engine.errors import SlaError
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.policy_rules import parse_policy
from sla_core.incidents.records import Draft, SeenTerms

logger = logging.getLogger(__name__)


def replay_terms(contract: Contract, now: datetime) -> TermsChange | None:
    """Recompute what the contract's terms in force decide, if they changed since the sweep last looked; None
    when they did not (or at the first look ever, which only records them). Another sweep that recorded the
    change first reports it, so a change is reported once."""
    version = terms_version(contract)
    seen = repository.terms_seen(contract.id)
    if seen is not None and seen.terms_version == version:
        return None
    clocks = _recompute_clocks(contract, version)
    period, before, after = _period_figures(contract, seen, now)
    if not repository.see_terms(seen, contract.id, version, policy_text(contract.policy), money_entry(contract), now):
        return None
    if seen is None:
        return None
    return TermsChange(contract, version, period, tuple(clocks), before, after)


def _recompute_clocks(contract: Contract, version: str) -> list[ClockChange]:
    """Each open incident not yet computed under `version`, recomputed; the clocks whose due instant moved."""
    changes: list[ClockChange] = []
    for item in repository.open_contract_incidents(contract.id):
        if item.terms_version == version:
            continue
        before = {d.name.split("@")[0]: d.due_at for d in item.deadlines or []}
        updated = refresh_clocks(item.incident_id, contract)
        after = {t.metric: t.due_at for t in deadlines_of(updated, contract)}
        if item.terms_version is None:
            continue  # computed before versions were kept: recomputed quietly
        for metric in dict.fromkeys([*before, *after]):
            if before.get(metric) != after.get(metric):
                changes.append(ClockChange(item.incident_id, item.title, metric, before.get(metric), after.get(metric)))
    return changes


def _period_figures(contract: Contract, seen: SeenTerms | None, now: datetime) -> tuple[str | None, Figures, Figures]:
    """The current period's figures under the terms last seen and under those in force ({} where unknown)."""
    credit = load_policy(contract.policy).terms.credit
    if credit is None or seen is None:
        return None, {}, {}
    period = current_period_text(credit.period, contract_zone(contract), now, credit.fiscal_year_start_month)
    old_policy, old_contract = _old_terms(contract, seen)
    before = period_figures(old_contract, period, now, old_policy) if old_policy is not None else {}
    return period, before, period_figures(contract, period, now)


def _old_terms(contract: Contract, seen: SeenTerms) -> tuple[Policy | None, Contract]:
    """The policy and the contract's money fields as they were (None: the old policy no longer reads)."""
    try:
        policy = parse_policy(tomllib.loads(seen.policy_text), f"{contract.policy}.toml")
    except (SlaError, tomllib.TOMLDecodeError):
        return None, contract
    entry = seen.entry or {}
    activation = entry.get("activation_date")
    old = replace(
        contract,
        fee=Decimal(str(entry.get("fee", contract.fee))),
        currency=str(entry.get("currency", contract.currency)),
        activation_date=date.fromisoformat(activation) if activation else None,
    )
    return policy, old


def claim_terms_changes(contracts: ContractsConfig, now: datetime, messages: Messages) -> int:
    """The sweep's step: replay each contract whose terms changed; owe one post per change (and keep the
    period's change of figures as a correction). How many posts it claimed. Nothing but one small read while
    the deployed terms are those last replayed."""
    deployed = deployed_version(contracts)
    if repository.deployed_terms() == deployed:
        return 0
    claimed, failed = 0, False
    for contract in contracts.contracts.values():
        try:
            change = replay_terms(contract, now)
        except Exception:  # one contract's terms must not hold up the others' reminders
            logger.exception("terms replay failed", extra={"contract_id": contract.id})
            failed = True
            continue
        if change is None or not change.changed:
            continue
        if change.period is not None and change.before != change.after:
            repository.record_correction(
                correction_id=f"terms-{change.version}",
                contract_id=contract.id,
                period=change.period,
                recorded_at=now,
                actor=None,
                what=f"the contract's terms changed (policy {contract.policy} or its contracts.toml entry)",
                before=change.before,
                after=change.after,
            )
        draft = Draft(
            post_id=f"terms#{contract.id}#{change.version}",
            purpose="terms",
            channel=contract.slack_channel,
            text=messages.terms_change(change),
            send_at=now,
            contract_id=contract.id,
        )
        claimed += post_queue.create_post(draft, now=now)
    if not failed:  # a contract that failed is replayed again next tick
        repository.see_deployed_terms(deployed, now)
    return claimed
