"""The live deadlines of an incident under its contract: first response, update cadence, resolution.

Where the policy lets a clock stop for a reason (`[pauses.<id>]`) and the incident was paused for it, the
paused open time does not count: each pause that began before the (already extended) due instant moves it by
the open time it lasted; while a pause is still running the clock is stopped (`paused_since`, no reminders).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sla_core.engine.deadlines import Deadline, compute_deadline
from sla_core.engine.errors import PolicyError
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.state import IncidentState


@dataclass(frozen=True, slots=True)
class Terms:
    """What the SLA clocks of one contract need: policy, tier, region, any holiday override, and the zone of the
    customer's local time (for a policy whose calendars keep it)."""

    policy: str
    tier: str | None = None
    region: str | None = None
    holidays: HolidaySpec | None = None
    customer_zone: str | None = None

    def load(self) -> Policy:
        """The policy, its calendars in the customer's local time read in `customer_zone`."""
        return load_policy(self.policy).for_customer(self.customer_zone)


@dataclass(frozen=True, slots=True)
class TrackedDeadline:
    """One running (or finished) clock of an incident."""

    metric: str
    started_at: datetime
    deadline: Deadline
    met_at: datetime | None
    paused: timedelta = timedelta(0)  # open time the clock stood still, already added to the due instant
    paused_since: datetime | None = None  # stopped now (a pause not yet resumed)
    paused_for: str | None = None  # the reason of the running pause

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
        tracked.append(_paused(TrackedDeadline(target.metric, started, deadline, met), policy, state))
    return tracked


def _paused(tracked: TrackedDeadline, policy: Policy, state: IncidentState) -> TrackedDeadline:
    """The clock with the incident's pauses for reasons that stop this metric taken out of its time."""
    spans = [
        (start, end, reason)
        for start, end, reason in state.pauses
        if reason in policy.pauses and tracked.metric in policy.pauses[reason].metrics
    ]
    if not spans:
        return tracked
    calendar = tracked.deadline.calendar
    due, stopped = tracked.due_at, timedelta(0)
    for start, end, reason in spans:
        if start >= due or (tracked.met_at is not None and start >= tracked.met_at):
            break
        begin = max(start, tracked.started_at)
        if end is None:
            return replace(tracked, deadline=replace(tracked.deadline, due_at=due), paused=stopped,
                           paused_since=begin, paused_for=reason)  # fmt: skip
        if end > begin:
            length = calendar.elapsed(begin, end)
            due, stopped = calendar.add(due, length), stopped + length
    return replace(tracked, deadline=replace(tracked.deadline, due_at=due), paused=stopped)
