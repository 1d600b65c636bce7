"""A month at a glance in Slack: the downtime budget line and the daily-availability sparkline with its legend.

For `/sla status`, `/sla credit <contract>` (current month), App Home and the monthly report, from
`app.month_glance`. Minutes are rounded down: a budget never reads larger than it is, and a band never reads
as starting later than it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any

from sla_core.app.month_glance import ComponentGlance
from sla_core.engine.daily_availability import DailyAvailability, Day, Level
from sla_core.engine.downtime_budget import DowntimeBudget
from sla_core.engine.instants import from_micros
from sla_core.slack.render.text import context, duration_text

MINUTE_MICROS = 60_000_000
# How a policy without bands turns downtime into credit: (while the target is met, once it is missed).
CREDIT_WORDS = {
    "after_target": (
        "once it is missed, every counted minute of the month earns credit",
        "every counted minute of the month earns credit",
    ),
    "beyond_target": ("once it is missed, each minute beyond it earns credit", "each minute beyond it earns credit"),
    "every_minute": ("every counted minute earns credit",) * 2,
    "none": ("no service credit",) * 2,
}


def percent(value: Fraction | Decimal | int) -> str:
    """A percentage rounded down to 4 places, without trailing zeros: '99.5', '96.1805', '100'."""
    exact = Decimal(Fraction(value).numerator) / Decimal(Fraction(value).denominator)
    text = f"{exact.quantize(Decimal('0.0001'), ROUND_DOWN):f}"
    return text.rstrip("0").rstrip(".")


def amount(micros: Fraction | int) -> str:
    """µs of downtime in words, rounded down to the minute ('2 h 41 min'); under a minute: 'less than 1 min'."""
    if micros < MINUTE_MICROS:
        return "less than 1 min"
    return duration_text(timedelta(microseconds=int(micros)))


def _target_part(budget: DowntimeBudget) -> str:
    """What is left before the target (and the band missing it would start), or how far past it the month is."""
    target, band = f"{percent(budget.target_percent)}%", budget.target_band
    if budget.met:
        then = f" (missing it starts the {percent(band.percent)}% tier)" if band is not None else ""
        return f"{amount(budget.left)} left before {target}{then}"
    reached = budget.reached
    tier = f", in the {percent(reached.percent)}% tier" if reached is not None else ""
    return f"used up: {amount(-budget.left)} beyond what {target} allows{tier}"


def _credit_part(budget: DowntimeBudget) -> str | None:
    """Where the next credit band starts (None when no other band is left), or how downtime earns credit under
    a policy without bands."""
    if budget.credit != "bands":
        return CREDIT_WORDS[budget.credit][0 if budget.met else 1]
    band = budget.next_band
    if band is None:
        return "no higher tier" if budget.reached is not None else None
    starts, more = amount(band.starts_at), amount(band.left(budget.counted))
    return f"the {percent(band.percent)}% tier starts at {starts} of downtime ({more} more)"


def budget_line(budget: DowntimeBudget | None, *, no_target: str | None = None) -> str:
    """'downtime budget: 2 h 41 min left before 99.5% (...); the 10% tier starts at 14 h 25 min of downtime (...)',
    or why there is none."""
    if budget is None:
        return f"downtime budget: none, {no_target or 'no availability target'}"
    parts = [_target_part(budget), _credit_part(budget)]
    return f"downtime budget: {'; '.join(p for p in parts if p)}"


def _legend_entry(level: Level, target: Decimal, lowest: Fraction) -> str:
    """'█ 100%', '▇ ≥ 99.5% (target)', '▁ below 84%' (`lowest`: the lowest floor of the other blocks)."""
    if level.floor is None:
        return f"{level.block} below {percent(lowest)}%"
    if level.floor == 100:
        return f"{level.block} 100%"
    mark = " (target)" if level.floor == Fraction(target) else ""
    return f"{level.block} ≥ {percent(level.floor)}%{mark}"


def legend(days: DailyAvailability) -> str:
    """'█ 100% · ▇ ≥ 99.5% (target) · ▆ ≥ 99% · … · ▁ below 84%'."""
    floors = [lv.floor for lv in days.levels if lv.floor is not None]
    return " · ".join(_legend_entry(lv, days.target_percent, floors[-1]) for lv in days.levels)


def _day(day: Day, zone: tzinfo) -> str:
    """'Tue 3 Nov'."""
    local = from_micros(day.start, zone)
    return f"{local:%a} {local.day} {local:%b}"


def worst_text(days: DailyAvailability) -> str:
    """'worst day: Tue 3 Nov, 96.1805% (55 min of downtime)' (and the credit tier reached, for banded credits)."""
    worst = days.worst
    text = (
        f"worst day: {_day(worst, days.zone)}, {percent(worst.availability)}% ({amount(worst.counted)} of downtime)"
        if worst is not None
        else "no counted downtime"
    )
    if days.tiered:
        tier = f"{percent(days.tier)}%" if days.tier is not None else "none"
        text += f" · credit tier reached: {tier}"
    return text


def sparkline_lines(days: DailyAvailability) -> list[str]:
    """The sparkline with the local days it covers, its legend, and the worst day (with the tier reached)."""
    if not days.days:
        return ["daily availability: no day of the month has started yet"]
    first, last = _day(days.days[0], days.zone), _day(days.days[-1], days.zone)
    return [f"daily availability `{days.sparkline}` {first} – {last}", legend(days), worst_text(days)]


def glance_lines(glance: ComponentGlance, *, sparkline: bool = True) -> list[str]:
    """One component's budget line and what it rests on, then (unless left out) its sparkline lines."""
    lines = [f"*{glance.component}* {budget_line(glance.budget, no_target=glance.no_target)}"]
    if glance.budget is not None and glance.budget.notes:
        lines.append(f"({'; '.join(glance.budget.notes)})")
    if sparkline and glance.days is not None:
        lines += sparkline_lines(glance.days)
    return lines


def glance_blocks(glances: Sequence[ComponentGlance]) -> list[dict[str, Any]]:
    """Per component: a context block with the budget line and the sparkline lines (for App Home, the report)."""
    return [context("\n".join(glance_lines(glance))) for glance in glances]
