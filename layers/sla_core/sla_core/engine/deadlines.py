"""Deadlines: when a severity's target falls due for a ticket opened at a given instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clause
from sla_core.engine.errors import NoSla, PolicyError
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.instants import require_aware
from sla_core.engine.policy import Policy, Target, TargetClock


@dataclass(slots=True)
class Deadline:
    """A computed due instant, the clock that produced it, and the clauses whose readings it depends on."""

    policy: str
    tier: str | None
    region: str | None
    severity: str
    metric: str
    opened_at: datetime
    due_at: datetime
    clock: TargetClock
    calendar: BusinessCalendar
    recurring: bool
    quote: str
    readings: tuple[Clause, ...]
    alternatives: tuple[tuple[TargetClock, datetime], ...]
    holidays: HolidaySpec | None = None  # the holiday override it was computed with, to compute it again
    met_at_due: bool = True  # the policy's boundary: "within" (done at the due instant is met) or "less than"
    customer_zone: str | None = None  # the zone of "customer local time" calendars it was computed with

    @property
    def target(self) -> str:
        return str(self.clock.duration)

    def remaining(self, now: datetime) -> timedelta:
        """Open time left on this deadline's clock (negative once breached)."""
        return self.calendar.remaining(now, self.due_at)

    def outcome(self, done_at: datetime) -> dict[str, Any]:
        """Whether work done at `done_at` met the target, and by how much open time it beat or missed it."""
        margin = self.calendar.elapsed(done_at, self.due_at)
        return {
            "met": met_by(done_at, self.due_at, self.met_at_due),
            "margin_minutes": round(margin.total_seconds() / 60, 2),
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m sla_core deadline`."""
        return {
            "policy": self.policy,
            "tier": self.tier,
            "region": self.region,
            "severity": self.severity,
            "metric": self.metric,
            "opened_at": self.opened_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "timezone": self.calendar.zone.key,
            "calendar": self.calendar.name,
            "calendar_name": self.calendar.description,
            "target": self.target,
            "recurring": self.recurring,
            "at_due": "met" if self.met_at_due else "missed",
            "quote": self.quote,
            "readings": [reading for clause in self.readings for reading in clause.readings()],
            "alternatives": [
                {"target": str(c.duration), "calendar": c.calendar, "due_at": due.isoformat()}
                for c, due in self.alternatives
            ],
        }


def met_by(done_at: datetime, due_at: datetime, met_at_due: bool) -> bool:
    """Whether work done at `done_at` meets a target due at `due_at`; exactly at it only where the contract says
    "within" (`met_at_due`), not "less than"."""
    return done_at <= due_at if met_at_due else done_at < due_at


def _applies(policy: Policy, clock: TargetClock, region: str | None, opened_at: datetime) -> bool:
    """Whether a clock applies to a ticket opened at `opened_at` (its opened_in / opened_outside calendars)."""
    if clock.opened_in and not policy.calendar(clock.opened_in, region).is_open(opened_at):
        return False
    return not (clock.opened_outside and policy.calendar(clock.opened_outside, region).is_open(opened_at))


def find_target(policy: Policy, severity: str, metric: str, tier: str | None) -> tuple[str, Target]:
    """The severity's target for `metric` under `tier`; unknown names list what is valid."""
    sev = policy.severity(severity)
    targets = policy.targets(sev, tier)
    for target in targets:
        if target.metric == metric.strip().lower():
            return sev.id, target
    valid = ", ".join(sorted({t.metric for t in targets})) or "none"
    raise PolicyError(f"policy {policy.id} has no {metric!r} target for severity {sev.id}; valid: {valid}")


def compute_deadline(
    policy: Policy,
    severity: str,
    opened_at: datetime,
    metric: str = "initial_response",
    tier: str | None = None,
    region: str | None = None,
    holidays: HolidaySpec | None = None,
) -> Deadline:
    """Due instant of a target: the earliest of its applicable clocks (the customer-favourable combination).
    A tier without an SLA raises NoSla, whose message is the plain answer."""
    require_aware(opened_at, "opened_at")
    without = policy.no_sla(tier)
    if without is not None:
        raise NoSla(without.no_sla_answer())
    tier, region = policy.tier(tier), policy.region(region)
    severity_id, target = find_target(policy, severity, metric, tier)
    candidates: list[tuple[TargetClock, datetime, BusinessCalendar]] = []
    for clock in target.clocks:
        if _applies(policy, clock, region, opened_at):
            calendar = policy.calendar(clock.calendar, region, holidays)
            candidates.append((clock, calendar.add(opened_at, clock.duration), calendar))
    clock, due, calendar = min(candidates, key=lambda c: c[1])
    shown = policy.zone_for(region)  # a clock on its own zone (e.g. PST all year) still shows policy-zone instants
    # Every calendar a clock of the target names (its own, opened_in, opened_outside) can move the due instant
    # under its other reading, whichever clock wins here: all their readings are reported.
    named = dict.fromkeys(
        name for c in target.clocks for name in (c.calendar, c.opened_in, c.opened_outside) if name is not None
    )
    specs = [policy.calendars[name] for name in named]
    holiday_source = policy.regions[region].holidays if region else policy.holidays
    readings = [target.clause] + [s.clause for s in specs]
    if any(s.use_holidays for s in specs) and holidays is None:
        readings.append(holiday_source.clause)
    readings = [c for c in dict.fromkeys(readings) if c.has_reading]
    return Deadline(
        policy=policy.id,
        tier=tier,
        region=region,
        severity=severity_id,
        metric=target.metric,
        opened_at=opened_at,
        due_at=due.astimezone(shown),
        clock=clock,
        calendar=calendar,
        recurring=target.recurring,
        quote=target.clause.quote,
        readings=tuple(readings),
        alternatives=tuple((c, d.astimezone(shown)) for c, d, _ in candidates) if len(candidates) > 1 else (),
        holidays=holidays,
        met_at_due=policy.met_at_due(target.metric),
        customer_zone=policy.customer_zone,
    )
