"""Both figures for every reading: a result's readings, each with the result's figures under its other reading.

A policy clause's other reading is policy data (`other_values`, `other_without`; see `clauses`): the policy is
read again with those fields (and without the reading) and the result computed again from the same input. An
assumption about the input (maintenance given without an announcement time; misses that depend on a reading)
is computed again under the other assumption. Where the other reading is not stated as data (it rests on facts
the policy does not hold, such as the customer's own country), `if_other` is None and `if_other_note` says so;
where the other reading rejects the input, too. `differs` names the figures that change; an empty list means
the result does not depend on the reading.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sla_core.engine.after_hours import AfterHours, after_hours
from sla_core.engine.clauses import Clause, Reading
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.deadlines import Deadline, compute_deadline
from sla_core.engine.errors import PolicyError, SlaError, UnusableInput
from sla_core.engine.instants import require_aware
from sla_core.engine.policy import Policy, Tier
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.policy_rules import parse_policy

CREDIT_FIGURES = ("availability_percent", "target_met", "credit_amount", "claim_deadline", "termination_right")
DEADLINE_FIGURES = ("due_at", "after_hours_charge")
_NOT_DATA = (
    "not computed: this other reading is not stated as policy data (it rests on facts the policy does not hold, "
    "such as the customer's country or invoice dates, or on a rule the engine does not model)"
)
_READING_KEYS = ("reading", "other_reading", "other_values", "other_without")
_CACHE_SIZE = 256
_variants: dict[tuple[int, tuple[str | int, ...]], tuple[Policy, Policy]] = {}
_other_deadlines: dict[tuple[Any, ...], tuple[Policy, Deadline]] = {}


def variant(policy: Policy, clause: Clause) -> Policy:
    """The policy under `clause`'s other reading: its table with `other_values` set, `other_without` left out
    and no reading; validated like any policy file (cached per policy and clause)."""
    key = (id(policy), clause.path)
    cached = _variants.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1]
    data = copy.deepcopy(policy.data)
    node: Any = data
    for step in clause.path:
        node = node[step]
    node.update(copy.deepcopy(dict(clause.other_values)))
    for name in (*clause.other_without, *_READING_KEYS):
        node.pop(name, None)
    try:
        built = parse_policy(data, policy.source).for_customer(policy.customer_zone)
    except PolicyError as exc:
        raise PolicyError(
            f"the other reading of {'.'.join(map(str, clause.path))} is not a valid policy: {exc}"
        ) from None
    if len(_variants) > _CACHE_SIZE:
        _variants.clear()
    _variants[key] = (policy, built)
    return built


def _entry(reading: dict[str, str], base: dict[str, Any], other: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    """A reading with `if_other` (the figures under the other reading), `differs`, and a note when not computed."""
    entry: dict[str, Any] = dict(reading)
    try:
        figures = other()
    except SlaError as exc:
        entry.update(
            if_other=None, differs=None, if_other_note=f"not computed: the other reading rejects this input: {exc}"
        )
        return entry
    if figures is None:
        entry.update(if_other=None, differs=None, if_other_note=_NOT_DATA)
    else:
        entry.update(if_other=figures, differs=differing(base, figures))
    return entry


def differing(base: dict[str, Any], figures: dict[str, Any]) -> list[str]:
    """The names of the figures that differ from the chosen reading's (`base`), in `figures`' order."""
    return [k for k in figures if figures[k] != base.get(k)]


def credit_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The figures `if_other` reports for a credit: availability, target, amount, claim deadline, the
    termination right as whether it exists and until when (None for a policy without one), and the refund of
    prepaid fees it brings, where one is estimated."""
    figures = {key: result.get(key) for key in CREDIT_FIGURES}
    right = result.get("termination_right")
    if right is not None:
        figures["termination_right"] = {"exists": right["exists"], "until": right["until"]}
        if right.get("refund") is not None:
            figures["refund"] = right["refund"]["amount"]
    return figures


def credit_result(policy: Policy, period: str, agreement_date: date | None = None, **inputs: Any) -> dict[str, Any]:
    """`estimate_credit(...).as_dict()` whose readings each carry the figures under the other reading, with
    what the tier name means under an agreement dated `agreement_date` (`tier_as_written`, `tier_condition`)."""
    choice = policy.tier_choice(inputs.get("tier"), agreement_date)
    estimate = estimate_credit(policy, period, **inputs)
    result = estimate.as_dict()
    if choice.written is not None:
        result.update(tier_as_written=choice.written, tier_condition=choice.condition)
    base = credit_figures(result)

    def other(reading: dict[str, str]) -> Callable[[], dict[str, Any] | None]:
        def compute() -> dict[str, Any] | None:
            found = other_credit(estimate, reading, policy, period, inputs)
            return credit_figures(found.as_dict()) if found is not None else None

        return compute

    result["readings"] = [_entry(r, base, other(r)) for r in estimate.readings]
    return result


def other_credit(
    estimate: CreditEstimate, reading: dict[str, str], policy: Policy, period: str, inputs: dict[str, Any]
) -> CreditEstimate | None:
    """The estimate under a reading's other side, computed from the same `estimate_credit` keyword inputs, or
    None when that side is not expressed as data; an SlaError when the other side rejects the input."""
    if not isinstance(reading, Reading):
        return None
    if reading.assumption.startswith("window_zone:"):
        return estimate_credit(policy, period, **{**inputs, "window_zone": reading.assumption.split(":", 1)[1]})
    if reading.assumption == "unknown_notice":
        return estimate_credit(policy, period, **{**inputs, "unknown_notice": "late"})
    if reading.assumption == "missed_on_reading":
        missed, depending = estimate.missed_responses or 0, inputs.get("missed_on_reading") or 0
        return estimate_credit(
            policy, period, **{**inputs, "missed_responses": missed - depending, "missed_on_reading": None}
        )
    if reading.clause is not None and reading.clause.other_is_data:
        return estimate_credit(variant(policy, reading.clause), period, **inputs)
    return None


def deadline_result(
    policy: Policy,
    severity: str,
    opened_at: datetime,
    metric: str = "initial_response",
    tier: str | None = None,
    region: str | None = None,
    *,
    agreement_date: date | None = None,
    after_hours_worked: timedelta | None = None,
    vendor_caused: bool = False,
) -> dict[str, Any]:
    """`compute_deadline(...).as_dict()` with what the tier name means (`tier_as_written`, `tier_condition`) and,
    for a policy with paid after-hours support, the ticket's `after_hours` position; every reading carries
    `if_other` with the due instant (and the after-hours charge, where one applies) under its other reading.
    `after_hours_worked` is how long the after-hours help took and `vendor_caused` that the issue was deemed
    caused by the provider, where known.
    A tier without an SLA gets the plain answer (`answer`, `due_at` null) instead."""
    without = policy.no_sla(tier)
    if without is not None:
        return _no_sla_result(policy, without, severity, opened_at, metric, region)
    if policy.terms.after_hours is None and (after_hours_worked is not None or vendor_caused):
        raise UnusableInput(
            f"the after-hours time and waiver apply only to policies with paid after-hours support; not {policy.id}",
            name="after_hours",
            problem="unused",
            policy=policy.id,
        )
    choice = policy.tier_choice(tier, agreement_date)

    def compute(source: Policy) -> tuple[Deadline, AfterHours | None]:
        deadline = compute_deadline(source, severity, opened_at, metric, tier, region)
        charge = after_hours(
            source, deadline.severity, opened_at, region, worked=after_hours_worked, vendor_caused=vendor_caused
        )
        return deadline, charge

    def figures(deadline: Deadline, charge: AfterHours | None) -> dict[str, Any]:
        found: dict[str, Any] = {"due_at": deadline.due_at.isoformat()}
        if charge is not None and charge.charge is not None:
            found["after_hours_charge"] = f"{charge.charge:.2f}"
        return found

    deadline, charge = compute(policy)
    result = deadline.as_dict()
    if choice.written is not None:
        result.update(tier_as_written=choice.written, tier_condition=choice.condition)
    if charge is not None:
        result["after_hours"] = charge.as_dict()
    base = figures(deadline, charge)
    clauses = list(deadline.readings) + [c for c in (charge.readings if charge else ()) if c not in deadline.readings]

    def other(clause: Clause) -> Callable[[], dict[str, Any] | None]:
        def compute_other() -> dict[str, Any] | None:
            return figures(*compute(variant(policy, clause))) if clause.other_is_data else None

        return compute_other

    pairs: Sequence[tuple[Clause, dict[str, str]]] = [(c, r) for c in clauses for r in c.readings()]
    result["readings"] = [_entry(r, base, other(c)) for c, r in pairs]
    return result


def _no_sla_result(
    policy: Policy, tier: Tier, severity: str, opened_at: datetime, metric: str, region: str | None
) -> dict[str, Any]:
    """The plain answer for a tier without an SLA (the severity and any region are still checked)."""
    return {
        "policy": policy.id,
        "tier": tier.id,
        "region": policy.region(region) if region is not None else None,
        "severity": policy.severity(severity).id,
        "metric": metric,
        "opened_at": require_aware(opened_at, "opened_at").isoformat(),
        "due_at": None,
        "answer": tier.no_sla_answer(),
        "quote": tier.quote,
        "readings": [],
    }


def moved_deadlines(deadline: Deadline, policy: Policy | None = None) -> list[tuple[Clause, Deadline]]:
    """The deadline computed again under each of its readings' other sides stated as data, where that moves the
    due instant: (clause, the other deadline) pairs (cached per policy, clause and deadline inputs; an other
    side that rejects the input moves nothing)."""
    source = policy if policy is not None else load_policy(deadline.policy).for_customer(deadline.customer_zone)
    moved: list[tuple[Clause, Deadline]] = []
    for clause in deadline.readings:
        if not clause.other_is_data:
            continue
        key = (
            id(source), clause.path, deadline.severity, deadline.metric, deadline.opened_at,
            deadline.tier, deadline.region, deadline.holidays,
        )  # fmt: skip
        cached = _other_deadlines.get(key)
        if cached is not None and cached[0] is source:
            other = cached[1]
        else:
            try:
                other = compute_deadline(
                    variant(source, clause), deadline.severity, deadline.opened_at, deadline.metric,
                    deadline.tier, deadline.region, deadline.holidays,
                )  # fmt: skip
            except SlaError:
                continue
            if len(_other_deadlines) > _CACHE_SIZE:
                _other_deadlines.clear()
            _other_deadlines[key] = (source, other)
        if other.due_at != deadline.due_at:
            moved.append((clause, other))
    return moved
