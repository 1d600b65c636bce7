"""A stored-downtime credit estimate's figures under each other reading that changes them.

The issue's reading rule: where a figure rests on a reading, show the figure under the other reading too.
`engine.alternate_readings.other_credit` computes an estimate again under one reading's other side; this module
feeds it the same inputs the estimate was computed from (the contract's fee, tier, region and component, the
recorded downtime, missed responses and failed months) and keeps the readings that change availability, the
target verdict, the amount, the claim deadline or the termination right, for Slack to put next to the chosen
figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sla_core.engine.alternate_readings import credit_figures, differing, other_credit
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.errors import SlaError
from sla_core.engine.intervals import Downtime


@dataclass(frozen=True, slots=True)
class OtherFigure:
    """One reading of an estimate, the estimate under its other reading, and the figures that change
    (names as in `alternate_readings.CREDIT_FIGURES`)."""

    reading: dict[str, str]
    estimate: CreditEstimate
    differs: tuple[str, ...]


def estimate_inputs(
    estimate: CreditEstimate, intervals: Sequence[Downtime] = (), failed_months: Sequence[str] = ()
) -> dict[str, Any]:
    """The `estimate_credit` keyword inputs of an estimate: its own fields plus what it does not keep (the
    downtime intervals as given and the earlier failed months)."""
    measured = estimate.availability
    return {
        "fee": estimate.fee,
        "intervals": tuple(intervals),
        "tier": estimate.tier,
        "region": estimate.region,
        "component": estimate.component,
        "missed_responses": estimate.missed_responses,
        "missed_on_reading": estimate.missed_on_reading,
        "currency": estimate.currency,
        "failed_months": tuple(failed_months),
        "unknown_notice": measured.unknown_notice if measured is not None else "in_time",
        "activation": estimate.activation,
        "prepaid": estimate.prepaid,
        "terminate_on": estimate.terminate_on,
        "holidays": estimate.holidays,
    }


def other_figures(
    estimate: CreditEstimate, intervals: Sequence[Downtime] = (), failed_months: Sequence[str] = ()
) -> tuple[OtherFigure, ...]:
    """The readings of `estimate` whose other reading (stated as data) changes a figure, each with the estimate
    under it; `intervals` and `failed_months` must be what `estimate` was computed from. A reading whose other
    side is not data, or rejects the input, changes nothing shown here (the CLI's `if_other_note` says why)."""
    inputs = estimate_inputs(estimate, intervals, failed_months)
    base = credit_figures(estimate.as_dict())
    found: list[OtherFigure] = []
    for reading in estimate.readings:
        try:
            other = other_credit(estimate, reading, estimate.policy, estimate.period.label, inputs)
        except SlaError:
            continue
        if other is None:
            continue
        differs = differing(base, credit_figures(other.as_dict()))
        if differs:
            found.append(OtherFigure(reading, other, tuple(differs)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class StoredEstimate:
    """An estimate with the inputs it was computed from that it does not keep, so its other figures can be
    computed when they are shown (and not for callers that only want the estimate)."""

    estimate: CreditEstimate
    intervals: tuple[Downtime, ...] = ()
    failed_months: tuple[str, ...] = ()

    def others(self) -> tuple[OtherFigure, ...]:
        """`other_figures` of the estimate."""
        return other_figures(self.estimate, self.intervals, self.failed_months)
