"""A policy's hand-worked `[[examples]]` as the tests use them: each case's inputs are read from its policy file
(written once, with its arithmetic), and a test asserts what the figures do not say (notes, bases, readings)."""

from __future__ import annotations

from sla_core.engine.credits import CreditEstimate
from sla_core.engine.deadlines import Deadline
from sla_core.engine.examples import DeadlineExample, PeriodExample, find_example
from sla_core.engine.policy_registry import load_policy


def period_example(policy_id: str, name: str) -> CreditEstimate:
    """The credit estimate of the policy's period example called `name`."""
    policy = load_policy(policy_id)
    example = find_example(policy, name)
    assert isinstance(example, PeriodExample), name
    return example.compute(policy)


def deadline_example(policy_id: str, name: str) -> Deadline:
    """The deadline of the policy's deadline example called `name`."""
    policy = load_policy(policy_id)
    example = find_example(policy, name)
    assert isinstance(example, DeadlineExample), name
    return example.compute(policy)
