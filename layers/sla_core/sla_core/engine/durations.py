"""Contract durations ("30 minutes", "4 hours", "2 business days", "1 week") and their open-time length."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from sla_core.engine.errors import InputError


class Unit(Enum):
    """What a duration counts: plain open time, or multiples of a calendar's business day or week."""

    MINUTES = "minutes"
    HOURS = "hours"
    BUSINESS_DAYS = "business days"
    WEEKS = "weeks"


# A whole number and the unit in full: abbreviations and fractions ("4 hrs", "1.5 hours") are refused, not guessed.
_PATTERN = re.compile(r"^\s*(\d+)\s*(minutes?|hours?|business\s+days?|weeks?)\s*$", re.I)
_UNITS = {
    "minute": Unit.MINUTES,
    "hour": Unit.HOURS,
    "business day": Unit.BUSINESS_DAYS,
    "week": Unit.WEEKS,
}
ACCEPTED = "'30 minutes', '4 hours', '2 business days' or '1 week'"


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of a unit, as the contract writes it; `minutes_on` turns it into open minutes on a calendar."""

    amount: float
    unit: Unit
    ACCEPTED = f"a duration: {ACCEPTED} (of the calendar's open time)"

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        name = self.unit.value if amount != 1 else self.unit.value.removesuffix("s")
        return f"{amount} {name}"

    def open_minutes(self, business_day_minutes: int, business_week_minutes: int) -> float:
        """Open minutes this duration stands for on a calendar with the given business day and week."""
        if self.unit is Unit.MINUTES:
            return self.amount
        if self.unit is Unit.HOURS:
            return self.amount * 60
        if self.unit is Unit.BUSINESS_DAYS:
            return self.amount * business_day_minutes
        return self.amount * business_week_minutes


def parse_duration(text: str) -> Duration:
    """Parse '30 minutes', '4 hours', '1 business day', '2 weeks' (singular or plural)."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise InputError(f"{text!r} is not a duration; accepted: {ACCEPTED}")
    amount = float(match.group(1))
    word = re.sub(r"\s+", " ", match.group(2).lower()).removesuffix("s")
    if amount <= 0:
        raise InputError(f"{text!r}: a duration must be positive; accepted: {ACCEPTED}")
    return Duration(amount, _UNITS[word])
