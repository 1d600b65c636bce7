"""A contract's month at a glance, per component: the downtime budget left and the availability of each day.

Fed from stored downtime exactly as the credit estimate is (`contract_credit.recorded_downtime`: an interval
still open counts up to `now`), measured on the contract's own month in its zone, whatever period its credit
uses (SonarSource's is a quarter). The current month shows its days up to `now`; a past month (the monthly
report) all of them. A policy without an availability target has neither figure, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sla_core.app.contract_credit import downtime_of, recorded_downtime
from sla_core.app.contract_terms import contract_zone
from sla_core.app.skipping import Skips
from sla_core.config.contract import Contract
from sla_core.engine.availability import Measurement, measure
from sla_core.engine.daily_availability import DailyAvailability, daily_availability
from sla_core.engine.downtime_budget import DowntimeBudget, downtime_budget
from sla_core.engine.instants import require_aware, to_micros
from sla_core.engine.intervals import Downtime
from sla_core.engine.periods import Period, month_of
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import StoredDowntime


@dataclass(frozen=True, slots=True)
class ComponentGlance:
    """One component's month: the measurement, the budget and the days; all None (with `no_target` saying why)
    when the policy sets no availability target."""

    component: str
    period: Period
    measurement: Measurement | None
    budget: DowntimeBudget | None
    days: DailyAvailability | None
    no_target: str | None = None
    downtime: tuple[Downtime, ...] = ()  # the stored intervals it rests on, cut at `now` (not read again)


def month_glance(
    contract: Contract,
    now: datetime,
    period: Period | None = None,
    skips: Skips | None = None,
    read: Mapping[str, Sequence[StoredDowntime]] | None = None,
) -> list[ComponentGlance]:
    """Each component's downtime budget and daily availability for `period` (default: the month containing
    `now` in the contract's zone), from the downtime stored up to `now` (`skips`: see `recorded_downtime`), or
    from the intervals already `read` per component."""
    require_aware(now, "now")
    policy = load_policy(contract.policy)
    zone = contract_zone(contract)
    month = period or month_of(to_micros(now), zone)
    terms = policy.terms.availability
    if terms is None:
        why = f"{policy.vendor} sets no availability target"
        return [ComponentGlance(c, month, None, None, None, why) for c in contract.components]
    credit = policy.terms.credit
    glances = []
    for component in contract.components:
        year_from = policy.allowance_year(month.start, zone)
        if read is None or year_from is not None:  # a yearly allowance needs the year's earlier maintenance too
            intervals = tuple(recorded_downtime(contract, component, month, now, skips, policy=policy))
        else:
            intervals = tuple(downtime_of(read.get(component, ()), component, month, now, skips))
        m = measure(terms, intervals, month, zone, allowance_from=year_from)
        days = daily_availability(terms, m, zone, credit=credit, until=to_micros(now))
        budget = downtime_budget(terms, credit, m)
        glances.append(ComponentGlance(component, month, m, budget, days, downtime=intervals))
    return glances
