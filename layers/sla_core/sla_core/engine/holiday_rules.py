"""Holidays a contract names by a rule that holds every year ("the Friday after Thanksgiving", "the day after
Christmas"): a fixed day of a month ("December 26") or the nth weekday of a month ("4th Thursday of November",
"last Monday of May"), moved by whole days ("+ 1 day"). Parsed once at load; `on(year)` gives that year's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sla_core.engine.errors import PolicyError
from sla_core.engine.toml_decode import shown

RULE_ACCEPTED = (
    "'<Month> <day>' (every year, e.g. 'December 26') or '<nth> <Weekday> of <Month>' (nth: 1st-5th or last, e.g. "
    "'4th Thursday of November'), optionally '+ N days' or '- N days' (e.g. '4th Thursday of November + 1 day')"
)
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NTH = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4, "5th": 5,
        "fifth": 5, "last": -1}  # fmt: skip
_WORD = r"[A-Za-z0-9]+"
_RULE = re.compile(
    rf"^\s*(?:(?P<month>{_WORD})\s+(?P<day>\d{{1,2}})|(?P<nth>{_WORD})\s+(?P<weekday>{_WORD})\s+of\s+"
    rf"(?P<of>{_WORD}))\s*(?:(?P<sign>[+-])\s*(?P<shift>\d+)\s*days?)?\s*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class HolidayRule:
    """A yearly day: `month`, and either a fixed `day` or the `nth` (1-5, -1 for the last) `weekday` (0 Monday)
    of that month; then `shift` days later (earlier when negative). `text` is the rule as written."""

    text: str
    month: int
    day: int | None = None
    nth: int = 0
    weekday: int = 0
    shift: int = 0
    ACCEPTED = RULE_ACCEPTED

    def __str__(self) -> str:
        return self.text

    def on(self, year: int) -> date | None:
        """The rule's date in `year`; None in a year without it (a 5th weekday or 29 February that year lacks)."""
        days = calendar.monthrange(year, self.month)[1]
        if self.day is not None:
            base = date(year, self.month, self.day) if self.day <= days else None
        else:
            firsts = [d for d in range(1, days + 1) if date(year, self.month, d).weekday() == self.weekday]
            base = (
                date(year, self.month, firsts[self.nth - 1 if self.nth > 0 else -1])
                if self.nth <= len(firsts)
                else None
            )
        return base + timedelta(days=self.shift) if base is not None else None


def parse_holiday_rule(text: Any) -> HolidayRule:
    """Parse a rule as a policy writes it (see RULE_ACCEPTED); month and weekday names in full, any case."""
    match = _RULE.match(text) if isinstance(text, str) else None
    if match is None:
        raise PolicyError(f"{shown(text)} is not a holiday rule; accepted: {RULE_ACCEPTED}")
    month_word = match["month"] or match["of"]
    if month_word.lower() not in _MONTHS:
        raise PolicyError(f"{shown(text)}: {shown(month_word)} is not a month; accepted: a month's name in full, e.g. "
                          "November")  # fmt: skip
    month = _MONTHS[month_word.lower()]
    shift = int(match["shift"] or 0) * (-1 if match["sign"] == "-" else 1)
    if not 0 <= abs(shift) <= 31:
        raise PolicyError(f"{shown(text)}: moves the day by more than 31 days; accepted: + or - up to 31 days")
    if match["day"] is not None:
        day = int(match["day"])
        if not 1 <= day <= calendar.monthrange(2024, month)[1]:  # 2024: a leap year, so 29 February is a day
            raise PolicyError(
                f"{shown(text)}: {calendar.month_name[month]} has no day {day}; accepted: {RULE_ACCEPTED}"
            )
        return HolidayRule(text.strip(), month, day=day, shift=shift)
    nth, weekday = match["nth"].lower(), match["weekday"].lower()
    if nth not in _NTH:
        raise PolicyError(
            f"{shown(text)}: {shown(match['nth'])} is not an ordinal; accepted: 1st to 5th, first to fifth, last"
        )
    if weekday not in _WEEKDAYS:
        raise PolicyError(
            f"{shown(text)}: {shown(match['weekday'])} is not a weekday; accepted: a weekday's name in full"
        )
    return HolidayRule(text.strip(), month, nth=_NTH[nth], weekday=_WEEKDAYS[weekday], shift=shift)
