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
from datetime import datetime
from typing import Any

from sla_core.engine.clauses import Clause, Reading
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.policy import Policy
from sla_core.engine.policy_parse import parse_policy

CREDIT_FIGURES = ("availability_percent", "target_met", "credit_amount", "claim_deadline", "termination_right")
DEADLINE_FIGURES = ("due_at",)
_NOT_DATA = (
    "not computed: this other reading is not stated as policy data (it rests on facts the policy does not hold, "
    "such as the customer's country or invoice dates, or on a rule the engine does not model)"
)
_READING_KEYS = ("reading", "other_reading", "other_values", "other_without")
_variants: dict[tuple[int, tuple[str | int, ...]], tuple[Policy, Policy]] = {}


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
        built = parse_policy(data, policy.source)
    except PolicyError as exc:
        raise PolicyError(
            f"the other reading of {'.'.join(map(str, clause.path))} is not a valid policy: {exc}"
        ) from None
    if len(_variants) > 256:
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
        entry.update(if_other=figures, differs=[k for k in figures if figures[k] != base.get(k)])
    return entry


def credit_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The figures `if_other` reports for a credit: availability, target, amount, claim deadline, and the
    termination right as whether it exists and until when (None for a policy without one)."""
    figures = {key: result.get(key) for key in CREDIT_FIGURES}
    right = result.get("termination_right")
    if right is not None:
        figures["termination_right"] = {"exists": right["exists"], "until": right["until"]}
    return figures


def credit_result(policy: Policy, period: str, **inputs: Any) -> dict[str, Any]:
    """`estimate_credit(...).as_dict()` whose readings each carry the figures under the other reading."""
    estimate = estimate_credit(policy, period, **inputs)
    result = estimate.as_dict()
    base = credit_figures(result)

    def other(reading: dict[str, str]) -> Callable[[], dict[str, Any] | None]:
        def compute() -> dict[str, Any] | None:
            found = _other_credit(estimate, reading, policy, period, inputs)
            return credit_figures(found.as_dict()) if found is not None else None

        return compute

    result["readings"] = [_entry(r, base, other(r)) for r in estimate.readings]
    return result


def _other_credit(
    estimate: CreditEstimate, reading: dict[str, str], policy: Policy, period: str, inputs: dict[str, Any]
) -> CreditEstimate | None:
    """The estimate under a reading's other side, or None when that side is not expressed as data."""
    if not isinstance(reading, Reading):
        return None
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
) -> dict[str, Any]:
    """`compute_deadline(...).as_dict()` whose readings each carry `if_other: {"due_at": ...}`."""
    deadline = compute_deadline(policy, severity, opened_at, metric, tier, region)
    result = deadline.as_dict()
    base = {"due_at": result["due_at"]}

    def other(clause: Clause) -> Callable[[], dict[str, Any] | None]:
        def compute() -> dict[str, Any] | None:
            if not clause.other_is_data:
                return None
            found = compute_deadline(variant(policy, clause), severity, opened_at, metric, tier, region)
            return {"due_at": found.due_at.isoformat()}

        return compute

    pairs: Sequence[tuple[Clause, dict[str, str]]] = [(c, r) for c in deadline.readings for r in c.readings()]
    result["readings"] = [_entry(r, base, other(c)) for c, r in pairs]
    return result
