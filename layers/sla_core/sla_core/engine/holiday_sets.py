"""Public holidays from the `holidays` package (by country and subdivision) plus explicit dates and named
additions (a dated day, or a rule that holds every year: `holiday_rules`).

The package's `holidays.countries` imports all of its ~250 country modules (about 0.8 s of a cold start) as soon
as one country is asked for; `_package` puts a light `holidays.countries` in its place that imports only the
modules of the countries asked for (tens of ms), resolved through the package's own registry.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import ModuleType
from typing import Any

from sla_core.engine.errors import PolicyError
from sla_core.engine.holiday_rules import HolidayRule


@dataclass(frozen=True, slots=True)
class HolidaySpec:
    """Which holidays close a calendar: a country (ISO 3166 alpha-2), an optional subdivision whose holidays
    close it as well (the union of the country's and the subdivision's, never fewer days than the country's
    alone), extra dates, and named additions: (name, a date or a yearly rule)."""

    country: str | None = None
    subdiv: str | None = None
    extra: tuple[date, ...] = ()
    named: tuple[tuple[str, date | HolidayRule], ...] = ()

    def validate(self, where: str) -> None:
        """Fail with the field named when the country or subdivision is not known to `holidays`."""
        if self.country is None:
            if self.subdiv:
                raise PolicyError(f"{where}.subdiv: a subdivision needs a country")
            return
        problem = holiday_problem(self.country, self.subdiv)
        if problem is not None:
            field_name, message, accepted = problem
            raise PolicyError(f"{where}.{field_name}: {message}; accepted: {accepted}")


SUPPORTED_COUNTRIES = "an ISO 3166-1 alpha-2 code the holidays package supports, such as US, CH or SG"


def holiday_problem(country: str, subdiv: str | None) -> tuple[str, str, str] | None:
    """(field, problem, what is accepted) when `holidays` does not know the country or subdivision.

    Looks up only the one country, so a cold start does not load the package's every calendar.
    """
    try:
        calendar = country_holidays(country)
    except NotImplementedError:
        return (
            "country",
            f"{country!r} has no holiday calendar",
            "an ISO 3166-1 alpha-2 code the holidays package supports, such as US, CH or SG",
        )
    if subdiv is not None and subdiv not in calendar.subdivisions:
        return "subdiv", f"{subdiv!r} is not a subdivision of {country}", ", ".join(calendar.subdivisions)
    return None


@dataclass(slots=True)
class HolidaySet:
    """Answers 'is this local date a holiday?', loading one year of the package's data at a time."""

    spec: HolidaySpec
    _dates: set[date] = field(default_factory=set)
    _years: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._dates.update(self.spec.extra)

    def __contains__(self, day: date) -> bool:
        if (self.spec.country or self.spec.named) and day.year not in self._years:
            self._years.add(day.year)
            self._dates.update(self._year(day.year))
        return day in self._dates

    def names(self, year: int) -> dict[date, str]:
        """The holidays of a year with their names, for display and tests."""
        found: dict[date, str] = {d: "contract holiday" for d in self.spec.extra if d.year == year}
        found.update(self._year(year))
        return found

    def _year(self, year: int) -> dict[date, str]:
        """A year's country (and subdivision) holidays and named additions, by date (a named day wins the name)."""
        found = _country_and_subdiv(self.spec, year) if self.spec.country else {}
        for name, when in self.spec.named:  # a rule moved across New Year ("December 31 + 1 day") lands in `year`
            days = [when] if isinstance(when, date) else [when.on(y) for y in (year - 1, year, year + 1)]
            found.update({day: name for day in days if day is not None and day.year == year})
        return found


def _country_and_subdiv(spec: HolidaySpec, year: int) -> dict[date, str]:
    """A year's holidays of the country and, as well, of its subdivision: the union. The `holidays` package's
    subdivision calendar alone can drop a national day (US-CA has no Columbus Day)."""
    assert spec.country is not None
    found: dict[date, str] = dict(country_holidays(spec.country, years=year))
    if spec.subdiv is not None:
        for day, name in country_holidays(spec.country, subdiv=spec.subdiv, years=year).items():
            found.setdefault(day, name)
    return found


def country_holidays(country: str, **options: Any) -> Any:
    """`holidays.country_holidays`, importing only that country's module (NotImplementedError if unknown)."""
    return _package().country_holidays(country, **options)


@cache
def _package() -> ModuleType:
    """The `holidays` package with a `holidays.countries` that imports a country's module on first use."""
    import holidays  # noqa: PLC0415 - imported on first use: it is a large package

    if "holidays.countries" not in sys.modules:
        try:
            from holidays.registry import COUNTRIES  # noqa: PLC0415

            spec = importlib.util.find_spec("holidays.countries")
        except ImportError:  # a package without the registry: its own (eager) countries package
            return holidays
        if spec is not None and spec.submodule_search_locations:
            light = importlib.util.module_from_spec(spec)  # the package's path, without running its __init__
            modules = {entity: module for module, entities in COUNTRIES.items() for entity in entities}

            def country_class(name: str) -> Any:
                if name not in modules:
                    raise AttributeError(f"module 'holidays.countries' has no attribute {name!r}")
                return getattr(importlib.import_module(f"holidays.countries.{modules[name]}"), name)

            light.__getattr__ = country_class  # type: ignore[method-assign]
            sys.modules["holidays.countries"] = light
            holidays.countries = light
    return holidays
