"""A target's clocks in words: "30 min when opened in Primary Hours; otherwise 4 h, or 30 min into the next Primary
Hours if that is sooner", never "30 minutes or 30 minutes or 4 hours".

A clock on an always-open calendar is plain clock time ("4 h"); any other says whose open time it counts ("1
business day of Sonar standard support hours (10 h)"), and for a ticket opened while that calendar is closed,
"into the next" opening. Clocks a 24/7 clock of no longer duration always beats are left out (open time never
runs faster than clock time), and clocks conditioned on when the ticket arrived are split by that condition.
"""

from __future__ import annotations

from collections.abc import Sequence

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.durations import Duration, Unit
from sla_core.engine.policy import Policy, Target, TargetClock


def number(amount: float) -> str:
    """12.0 → '12', 1.5 → '1.5'."""
    return str(int(amount)) if amount == int(amount) else f"{amount:g}"


def short_name(policy: Policy, calendar_id: str) -> str:
    """A calendar's name up to its first parenthesis ('Primary Hours'), else its id."""
    spec = policy.calendars[calendar_id]
    return spec.name.split(" (")[0].strip() or calendar_id


def _calendar(policy: Policy, calendar_id: str, region: str | None) -> BusinessCalendar:
    return policy.shape_calendar(calendar_id, region)


def duration_words(duration: Duration, calendar: BusinessCalendar) -> str:
    """'30 min', '4 h', '2 business days (18 h)', '1 week (50 h)': business units say their open hours."""
    amount = number(duration.amount)
    if duration.unit is Unit.MINUTES:
        return f"{amount} min"
    if duration.unit is Unit.HOURS:
        return f"{amount} h"
    assert calendar.business_day_minutes is not None
    minutes = duration.open_minutes(calendar.business_day_minutes, calendar.business_week_minutes)
    unit = duration.unit.value if duration.amount != 1 else duration.unit.value.removesuffix("s")
    return f"{amount} {unit} ({number(minutes / 60)} h)"


def _minutes(clock: TargetClock, calendar: BusinessCalendar) -> float:
    assert calendar.business_day_minutes is not None
    return clock.duration.open_minutes(calendar.business_day_minutes, calendar.business_week_minutes)


def _pruned(policy: Policy, clocks: Sequence[TargetClock], region: str | None) -> list[TargetClock]:
    """The clocks that can give the earliest due instant: a 24/7 clock beats any clock at least as long; 24/7
    clocks come first."""
    always = [c for c in clocks if _calendar(policy, c.calendar, region).always_open]
    shortest = min((_minutes(c, _calendar(policy, c.calendar, region)) for c in always), default=None)
    kept = [
        c
        for c in clocks
        if c in always or shortest is None or _minutes(c, _calendar(policy, c.calendar, region)) < shortest
    ]
    if always:
        kept = [min(always, key=lambda c: _minutes(c, _calendar(policy, c.calendar, region)))] + [
            c for c in kept if c not in always
        ]
    return list(dict.fromkeys(kept))


def _clock_words(policy: Policy, clock: TargetClock, region: str | None, outside: str | None) -> str:
    calendar = _calendar(policy, clock.calendar, region)
    amount = duration_words(clock.duration, calendar)
    if calendar.always_open:
        return amount
    if clock.calendar == outside:
        return f"{amount} into the next {short_name(policy, clock.calendar)}"
    return f"{amount} of {short_name(policy, clock.calendar)}"


def _soonest(policy: Policy, clocks: Sequence[TargetClock], region: str | None, outside: str | None = None) -> str:
    """One clock's words, or 'A, or B if that is sooner', or 'the soonest of A, B and C'."""
    words = [_clock_words(policy, c, region, outside) for c in _pruned(policy, clocks, region)]
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return f"{words[0]}, or {words[1]} if that is sooner"
    return f"the soonest of {', '.join(words[:-1])} and {words[-1]}"


def target_words(policy: Policy, target: Target, region: str | None = None) -> str:
    """The target's clocks in words, conditions on when the ticket arrived included."""
    conditioned = {c.opened_in or c.opened_outside for c in target.clocks} - {None}
    if not conditioned:
        text = _soonest(policy, target.clocks, region)
    elif len(conditioned) == 1:
        calendar = conditioned.pop()
        assert calendar is not None
        inside = [c for c in target.clocks if c.opened_outside != calendar]
        outside = [c for c in target.clocks if c.opened_in != calendar]
        text = (
            f"{_soonest(policy, inside, region)} when opened in {short_name(policy, calendar)}; "
            f"otherwise {_soonest(policy, outside, region, calendar)}"
        )
    else:
        parts = [f"{_clock_words(policy, c, region, None)}{_condition(policy, c)}" for c in target.clocks]
        text = f"the soonest that applies of {'; '.join(parts)}"
    return f"{text}, again after each update" if target.recurring else text


def _condition(policy: Policy, clock: TargetClock) -> str:
    if clock.opened_in:
        return f" (opened in {short_name(policy, clock.opened_in)})"
    if clock.opened_outside:
        return f" (opened outside {short_name(policy, clock.opened_outside)})"
    return ""
