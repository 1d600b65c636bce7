"""Reporting periods: a calendar month (YYYY-MM) or fiscal quarter (YYYY-Qn) in a zone, as UTC microseconds.

A period runs from local midnight of its first day to local midnight after its last, so its length is the
real number of minutes (a month with a spring-forward day is 60 minutes short).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sla_core.engine.errors import InputError
from sla_core.engine.instants import from_micros, to_micros

MICROS_PER_MINUTE = 60_000_000
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-[Qq]([1-4])\s*$")


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in microseconds since the epoch; `label` is how the user wrote it (normalised)."""

    label: str
    unit: Literal["month", "quarter"]
    zone: ZoneInfo
    start: int
    end: int

    @property
    def micros(self) -> int:
        return self.end - self.start

    @property
    def start_at(self) -> datetime:
        return from_micros(self.start, self.zone)

    @property
    def end_at(self) -> datetime:
        return from_micros(self.end, self.zone)

    def contains(self, micros: int) -> bool:
        return self.start <= micros < self.end


def _midnight(year: int, month: int, zone: ZoneInfo) -> int:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return to_micros(datetime(year, month, 1, tzinfo=zone))


def month_period(year: int, month: int, zone: ZoneInfo) -> Period:
    """The calendar month `year`-`month` in `zone`."""
    return Period(
        f"{year:04d}-{month:02d}", "month", zone, _midnight(year, month, zone), _midnight(year, month + 1, zone)
    )


def quarter_period(year: int, quarter: int, zone: ZoneInfo, fiscal_start_month: int = 1) -> Period:
    """Quarter `quarter` of fiscal year `year`, which begins in `fiscal_start_month` of calendar `year`."""
    first = fiscal_start_month + 3 * (quarter - 1)
    return Period(
        f"{year:04d}-Q{quarter}", "quarter", zone, _midnight(year, first, zone), _midnight(year, first + 3, zone)
    )


def quarter_of(micros: int, zone: ZoneInfo, fiscal_start_month: int = 1) -> Period:
    """The fiscal quarter containing an instant, in `zone` (the inverse of `quarter_period`)."""
    local = from_micros(micros, zone)
    fiscal_year = local.year if local.month >= fiscal_start_month else local.year - 1
    quarter = (local.month - fiscal_start_month) % 12 // 3 + 1
    return quarter_period(fiscal_year, quarter, zone, fiscal_start_month)


def year_start(micros: int, zone: ZoneInfo, fiscal_start_month: int = 1) -> int:
    """Local midnight of the 1st of `fiscal_start_month` (January: the calendar year) that begins the year
    containing an instant, in `zone`."""
    local = from_micros(micros, zone)
    return _midnight(local.year if local.month >= fiscal_start_month else local.year - 1, fiscal_start_month, zone)


def month_of(micros: int, zone: ZoneInfo) -> Period:
    """The calendar month containing an instant, in `zone`."""
    local = from_micros(micros, zone)
    return month_period(local.year, local.month, zone)


def parse_month(text: str, zone: ZoneInfo, what: str = "month") -> Period:
    """Parse 'YYYY-MM' into that calendar month in `zone`."""
    match = _MONTH.match(text) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{what} {text!r} is not a month; give YYYY-MM, e.g. 2026-03")
    return month_period(int(match.group(1)), int(match.group(2)), zone)


def parse_period(text: str, unit: Literal["month", "quarter"], zone: ZoneInfo, fiscal_start_month: int = 1) -> Period:
    """Parse a period of the kind the policy measures: 'YYYY-MM' for months, 'YYYY-Qn' for quarters."""
    if unit == "month":
        if isinstance(text, str) and _QUARTER.match(text):
            raise InputError(f"period {text!r} is a quarter, but this policy measures calendar months; give YYYY-MM")
        return parse_month(text, zone, "period")
    match = _QUARTER.match(text) if isinstance(text, str) else None
    if not match:
        raise InputError(
            f"period {text!r} is not a quarter; this policy measures fiscal quarters: give YYYY-Qn, e.g. 2026-Q1"
        )
    return quarter_period(int(match.group(1)), int(match.group(2)), zone, fiscal_start_month)
