"""When to speak up about a deadline: heads-up, warning and breach; 'update due soon' and 'update overdue'.

Stages are instants on the contract's clock (business time where the target runs on business time), so
a heads-up at 50% of a 2-business-day target lands halfway through the open hours, not halfway through
the weekend. Each stage has a stable key so it is posted once; `next_due` gives the sparse index its sort key.
When several stages of one clock fall due at once (a late or backdated incident, a sweep that was down),
`latest_per_clock` keeps only the furthest one, so people get one true message instead of a stale series.
A heads-up or warning snoozed from its buttons comes back once, `SNOOZE` of the clock's own time after the
click, as a stage of its own (`with_snoozes`), unless a later stage of the clock comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_core.incidents.thresholds import Thresholds as Thresholds  # noqa: PLC0414 - re-exported
from sla_core.incidents.tracking import TrackedDeadline

HEADS_UP, WARNING, BREACH = "heads_up", "warning", "breach"
UPDATE_SOON, UPDATE_OVERDUE = "update_soon", "update_overdue"
# How far along its clock each stage is: of the stages of one clock due together, the highest rank is posted.
RANK = {HEADS_UP: 0, WARNING: 1, BREACH: 2, UPDATE_SOON: 0, UPDATE_OVERDUE: 1}
SNOOZE = timedelta(minutes=15)
SNOOZABLE = frozenset({HEADS_UP, WARNING})  # never a breach, and a snooze never holds one back
AGAIN = "+snoozed"  # a re-notice's key is the snoozed stage's key and this
Snooze = tuple[str, datetime, str | None]  # (stage key, snoozed at, by whom), as the folded state keeps them


@dataclass(frozen=True, slots=True)
class Stage:
    """One reminder of one clock run, due at `at`."""

    key: str
    name: str
    at: datetime
    tracked: TrackedDeadline


DEFAULT = Thresholds()


def stages(tracked: TrackedDeadline, thresholds: Thresholds = DEFAULT) -> list[Stage]:
    """The reminders a clock run calls for, in time order; none once the target is met or while it is paused."""
    if tracked.met_at is not None or tracked.paused_since is not None:
        return []
    calendar = tracked.deadline.calendar
    start, due = tracked.started_at, tracked.due_at
    total = calendar.elapsed(start, due)

    def point(open_time: timedelta) -> datetime:
        return calendar.add(start, max(open_time, timedelta(0)))

    if tracked.recurring:
        named = [(UPDATE_SOON, point(total - thresholds.update_before)), (UPDATE_OVERDUE, due)]
    else:
        warning = max(point(total * thresholds.warning_fraction), point(total - thresholds.warning_before))
        named = [(HEADS_UP, point(total * thresholds.heads_up_fraction)), (WARNING, warning), (BREACH, due)]
    return [Stage(f"{tracked.key}#{name}", name, at, tracked) for name, at in named]


def next_due(all_stages: list[Stage], sent: set[str] | frozenset[str]) -> datetime | None:
    """The earliest stage not yet sent (the incident's place in the due index), or None."""
    pending = [s.at for s in all_stages if s.key not in sent]
    return min(pending) if pending else None


def latest_per_clock(due: Iterable[Stage]) -> list[Stage]:
    """Of the stages due together, only the furthest of each clock run (breach over warning over heads-up;
    update overdue over update due soon), in time order: the others are stale and are marked sent unposted."""
    latest: dict[str, Stage] = {}
    for stage in due:
        kept = latest.get(stage.tracked.key)
        if kept is None or (RANK[stage.name], stage.at) > (RANK[kept.name], kept.at):
            latest[stage.tracked.key] = stage
    return sorted(latest.values(), key=lambda s: (s.at, s.key))


def percent_used(tracked: TrackedDeadline, now: datetime) -> int:
    """Whole percent of the target's open time used by `now`, rounded down so it says 100 only once none is left."""
    calendar = tracked.deadline.calendar
    total = calendar.elapsed(tracked.started_at, tracked.due_at)
    if total <= timedelta(0):
        return 100
    return calendar.elapsed(tracked.started_at, now) * 100 // total


def with_snoozes(clock: list[Stage], snoozes: Iterable[Snooze]) -> list[Stage]:
    """One clock run's stages, and a re-notice for each snoozed heads-up or warning (a snoozed re-notice too):
    `SNOOZE` of the clock's open time after the snooze, dropped when a later stage of the clock comes first."""
    when = {key: at for key, at, _ in snoozes}
    found, pending = list(clock), list(clock)
    while pending:
        stage = pending.pop()
        snoozed_at = when.get(stage.key)
        if snoozed_at is None or stage.name not in SNOOZABLE:
            continue
        again = stage.tracked.deadline.calendar.add(snoozed_at, SNOOZE)
        if any(RANK[s.name] > RANK[stage.name] and s.at <= again for s in clock):
            continue
        renotice = Stage(stage.key + AGAIN, stage.name, again, stage.tracked)
        found.append(renotice)
        pending.append(renotice)
    return sorted(found, key=lambda s: (s.at, s.key))


def incident_stages(
    tracked: Iterable[TrackedDeadline], thresholds: Thresholds = DEFAULT, snoozes: Iterable[Snooze] = ()
) -> list[Stage]:
    """Every reminder of an incident's clocks, snoozes included: what the sweep posts and the due index follows."""
    marks = tuple(snoozes)
    return [s for t in tracked for s in with_snoozes(stages(t, thresholds), marks)]


def clock_key(stage_key: str) -> str:
    """The clock run a stage key belongs to (`TrackedDeadline.key`)."""
    return stage_key.split("#", 1)[0]


def stage_name(stage_key: str) -> str:
    """The stage a key names (a re-notice's is its snoozed stage's): 'heads_up', 'breach', ..."""
    return stage_key.split("#", 1)[-1].split("+", 1)[0]
