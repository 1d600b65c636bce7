"""Dated customer duties (policy data `[[duties]]`): what the customer must do before a contract date, by when,
and when to be reminded.

A duty due "before" a date is due by 00:00 on that date in the contract's zone (the support region's, else the
policy's); reminders go out `REMINDERS` calendar days earlier, at local midnight, so DST never shifts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.instants import to_micros
from sla_core.engine.periods import quarter_of
from sla_core.engine.policy import Policy
from sla_core.engine.terms import Duty

# (tag, days before the deadline, words): a written request needs time to be drafted, approved and received.
REMINDERS: tuple[tuple[str, int, str], ...] = (("30d", 30, "30 days"), ("7d", 7, "7 days"), ("1d", 1, "1 day"))


@dataclass(frozen=True, slots=True)
class DutyReminder:
    """One reminder of a duty: `words` ('7 days') before the deadline, at `at`."""

    tag: str
    words: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DutyDeadline:
    """A duty with its contract date: due by `due` (None while the contract does not give the date)."""

    duty: Duty
    on: date | None
    due: datetime | None
    zone: ZoneInfo

    def reminders(self) -> list[DutyReminder]:
        """The reminders before the deadline, earliest first (none without a date): the duty's `remind_days`,
        else REMINDERS."""
        if self.on is None:
            return []
        schedule = REMINDERS
        if self.duty.remind_days:
            schedule = tuple((f"{d}d", d, f"{d} day{'' if d == 1 else 's'}") for d in self.duty.remind_days)
        return [
            DutyReminder(tag, words, datetime.combine(self.on - timedelta(days=days), datetime.min.time(), self.zone))
            for tag, days, words in schedule
        ]

    def latest_due(self, now: datetime) -> DutyReminder | None:
        """The most recent reminder whose time has come, while the deadline is still ahead (None otherwise):
        the one to post, since an earlier one it supersedes says less."""
        if self.due is None or now >= self.due:
            return None
        due = [r for r in self.reminders() if r.at <= now]
        return due[-1] if due else None

    def as_dict(self) -> dict[str, Any]:
        """One entry of `python -m sla_core duties`."""
        duty = self.duty
        return {
            "id": duty.id,
            "name": duty.name,
            "before": duty.before,
            "date": self.on.isoformat() if self.on else None,
            "due_by": self.due.isoformat() if self.due else None,
            "how": duty.how,
            "conditions": list(duty.conditions),
            "tiers": list(duty.tiers),
            "reminders": [{"before": r.words, "at": r.at.isoformat()} for r in self.reminders()],
            "quote": duty.clause.quote,
            "readings": duty.clause.readings(),
        }


def recurring_dates(policy: Policy, now: datetime, region: str | None = None) -> dict[str, date]:
    """The dates that recur, as of `now`: `quarter_end`, the day after the current quarter's last day in the
    contract's zone (fiscal quarters where the credit terms set them), so a duty due before it is due by the
    quarter's end."""
    zone = policy.zone_for(policy.region(region))
    credit = policy.terms.credit
    quarter = quarter_of(to_micros(now), zone, credit.fiscal_year_start_month if credit else 1)
    return {"quarter_end": quarter.end_at.date()}


def duty_deadlines(
    policy: Policy, dates: Mapping[str, date | None], region: str | None = None, tier: str | None = None
) -> list[DutyDeadline]:
    """Every duty of the policy with its deadline from the contract `dates` (by name: 'renewal', and the
    recurring ones, `recurring_dates`); with a `tier`, only the duties of that tier."""
    zone = policy.zone_for(policy.region(region))
    meant = policy.tier(tier) if tier is not None else None
    found: list[DutyDeadline] = []
    for duty in policy.terms.duties:
        if meant is not None and duty.tiers and meant not in duty.tiers:
            continue
        on = dates.get(duty.before)
        due = datetime.combine(on, datetime.min.time(), zone) if on is not None else None
        found.append(DutyDeadline(duty, on, due, zone))
    return found


def duties_result(
    policy: Policy, dates: Mapping[str, date | None], region: str | None = None, tier: str | None = None
) -> dict[str, Any]:
    """What `python -m sla_core duties` prints: the policy's dated duties (of `tier`, where given), their
    deadlines and reminders."""
    zone = policy.zone_for(policy.region(region))
    deadlines = duty_deadlines(policy, dates, region, tier)
    missing = sorted({d.duty.before for d in deadlines if d.on is None})
    return {
        "policy": policy.id,
        "region": policy.region(region),
        "timezone": zone.key,
        "duties": [d.as_dict() for d in deadlines],
        "notes": [f"the {name} date is not given, so the duties due before it have no deadline" for name in missing],
    }
