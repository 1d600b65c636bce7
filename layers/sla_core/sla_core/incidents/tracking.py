"""The live deadlines of an incident under its contract: first response, update cadence, resolution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_core.engine.deadlines import Deadline, compute_deadline
from sla_core.engine.errors import PolicyError
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.state import IncidentState


@dataclass(frozen=True, slots=True)
class Terms:
    """What the SLA clocks of one contract need: policy, tier, region and any holiday override."""

    policy: str
    tier: str | None = None
    region: str | None = None
    holidays: HolidaySpec | None = None

    def load(self) -> Policy:
        return load_policy(self.policy)


@dataclass(frozen=True, slots=True)
class TrackedDeadline:
    """One running (or finished) clock of an incident."""

    metric: str
    started_at: datetime
    deadline: Deadline
    met_at: datetime | None

    @property
    def due_at(self) -> datetime:
        return self.deadline.due_at

    @property
    def recurring(self) -> bool:
        return self.deadline.recurring

    @property
    def key(self) -> str:
        """Identifies this clock run: a recurring clock restarted by an update gets a new key."""
        return f"{self.metric}@{self.started_at.astimezone(self.deadline.calendar.zone).isoformat()}"

    def remaining(self, now: datetime) -> timedelta:
        """Open time left on the contract's clock (negative once breached)."""
        return self.deadline.remaining(now)

    def fraction_used(self, now: datetime) -> float:
        """Share of the target's open time used by `now` (above 1 once breached)."""
        calendar = self.deadline.calendar
        total = calendar.elapsed(self.started_at, self.due_at).total_seconds()
        used = calendar.elapsed(self.started_at, now).total_seconds()
        return used / total if total > 0 else 1.0


def track(terms: Terms, state: IncidentState) -> list[TrackedDeadline]:
    """Every target the contract sets for the incident's severity, computed from the incident's own times."""
    if state.opened_at is None or state.severity is None:
        return []
    policy = terms.load()
    try:
        severity = policy.severity(state.severity)
    except PolicyError:
        return []
    tracked: list[TrackedDeadline] = []
    for target in policy.targets(severity, policy.tier(terms.tier)):
        if target.recurring:
            if not state.is_open:
                continue
            started = max(t for t in (state.opened_at, state.last_update_at) if t is not None)
            met = None
        else:
            started = state.opened_at
            met = state.acknowledged_at if target.metric == "initial_response" else state.resolved_at
        deadline = compute_deadline(
            policy, severity.id, started, target.metric, terms.tier, terms.region, terms.holidays
        )
        tracked.append(TrackedDeadline(target.metric, started, deadline, met))
    return tracked
