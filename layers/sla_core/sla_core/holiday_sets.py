"""Public holidays from the `holidays` package (by country and subdivision) plus explicit dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import holidays

from sla_core.errors import PolicyError


@dataclass(frozen=True, slots=True)
class HolidaySpec:
    """Which holidays close a calendar: a country (ISO 3166 alpha-2), an optional subdivision, extra dates."""

    country: str | None = None
    subdiv: str | None = None
    extra: tuple[date, ...] = ()

    def validate(self, where: str) -> None:
        """Fail with the field named when the country or subdivision is not known to `holidays`."""
        if self.country is None:
            if self.subdiv:
                raise PolicyError(f"{where}.subdiv: a subdivision needs a country")
            return
        supported = holidays.list_supported_countries()
        if self.country not in supported:
            raise PolicyError(
                f"{where}.country: {self.country!r} is not a country the holidays package knows; "
                "use an ISO 3166 alpha-2 code such as 'US', 'CH' or 'SG'"
            )
        subdivs = supported[self.country]
        if self.subdiv is not None and self.subdiv not in subdivs:
            raise PolicyError(
                f"{where}.subdiv: {self.subdiv!r} is not a subdivision of {self.country}; "
                f"accepted: {', '.join(subdivs) or 'none'}"
            )


@dataclass(slots=True)
class HolidaySet:
    """Answers 'is this local date a holiday?', loading one year of the package's data at a time."""

    spec: HolidaySpec
    _dates: set[date] = field(default_factory=set)
    _years: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._dates.update(self.spec.extra)

    def __contains__(self, day: date) -> bool:
        if self.spec.country and day.year not in self._years:
            self._years.add(day.year)
            self._dates.update(holidays.country_holidays(self.spec.country, subdiv=self.spec.subdiv, years=day.year))
        return day in self._dates

    def names(self, year: int) -> dict[date, str]:
        """The holidays of a year with their names, for display and tests."""
        found: dict[date, str] = {d: "contract holiday" for d in self.spec.extra if d.year == year}
        if self.spec.country:
            found.update(holidays.country_holidays(self.spec.country, subdiv=self.spec.subdiv, years=year))
        return found
