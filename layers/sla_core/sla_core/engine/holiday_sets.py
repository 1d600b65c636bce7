"""Public holidays from the `holidays` package (by country and subdivision) plus explicit dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sla_core.engine.errors import PolicyError


@dataclass(frozen=True, slots=True)
class HolidaySpec:
    """Which holidays close a calendar: a country (ISO 3166 alpha-2), an optional subdivision whose holidays
    close it as well (the union of the country's and the subdivision's, never fewer days than the country's
    alone), extra dates."""

    country: str | None = None
    subdiv: str | None = None
    extra: tuple[date, ...] = ()

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
    import holidays  # noqa: PLC0415 - imported on first use: it is a large package

    try:
        calendar = holidays.country_holidays(country)
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
        if self.spec.country and day.year not in self._years:
            self._years.add(day.year)
            self._dates.update(_country_and_subdiv(self.spec, day.year))
        return day in self._dates

    def names(self, year: int) -> dict[date, str]:
        """The holidays of a year with their names, for display and tests."""
        found: dict[date, str] = {d: "contract holiday" for d in self.spec.extra if d.year == year}
        if self.spec.country:
            found.update(_country_and_subdiv(self.spec, year))
        return found


def _country_and_subdiv(spec: HolidaySpec, year: int) -> dict[date, str]:
    """A year's holidays of the country and, as well, of its subdivision: the union. The `holidays` package's
    subdivision calendar alone can drop a national day (US-CA has no Columbus Day)."""
    import holidays  # noqa: PLC0415 - imported on first use: it is a large package

    assert spec.country is not None
    found: dict[date, str] = dict(holidays.country_holidays(spec.country, years=year))
    if spec.subdiv is not None:
        for day, name in holidays.country_holidays(spec.country, subdiv=spec.subdiv, years=year).items():
            found.setdefault(day, name)
    return found
