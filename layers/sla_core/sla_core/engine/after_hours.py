"""After-hours support (policy data `[after_hours]`): whether a ticket opened at an instant is outside the support
hours, and what the paid help costs then.

Outside means the policy's `outside` calendar is closed at that instant, in its zone and with its holidays (the
contract's, where it overrides them): evenings, weekends and observed holidays. The charge is `rate` per `per` for
the time worked, at least `minimum`, time beyond the minimum billed in `billing.increment` steps (each started
step in full); it is waived when the issue is caused by the provider, which the policy takes for the severities
its waiver lists. Money is exact until it is rounded half-up to the cent, once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clause
from sla_core.engine.errors import InputError
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.instants import require_aware
from sla_core.engine.policy import Policy
from sla_core.engine.rounding import minutes_text, round_half_up
from sla_core.engine.spans import Span
from sla_core.engine.terms import AfterHoursTerms


@dataclass(frozen=True, slots=True)
class AfterHours:
    """A ticket's after-hours position: whether the paid help applies, why, and what it costs (`charge`, None
    when it does not apply), with the clauses whose readings the figure rests on."""

    applies: bool
    why: str
    terms: AfterHoursTerms
    calendar: BusinessCalendar
    minimum_charge: Decimal
    charge: Decimal | None
    worked: timedelta | None
    waived: bool
    basis: str
    readings: tuple[Clause, ...]

    @property
    def rate_text(self) -> str:
        """'100 USD per hour' (or per the policy's unit)."""
        return rate_text(self.terms)

    def as_dict(self) -> dict[str, Any]:
        """The `after_hours` object of `python -m sla_core deadline`."""
        terms = self.terms
        return {
            "applies": self.applies,
            "why": self.why,
            "calendar": self.calendar.name,
            "rate": f"{terms.rate:f}",
            "currency": terms.currency,
            "per": str(terms.per),
            "minimum": str(terms.minimum),
            "minimum_charge": f"{self.minimum_charge:.2f}",
            "worked_minutes": int(self.worked.total_seconds() // 60) if self.worked is not None else None,
            "waived": self.waived,
            "waived_when": terms.waiver.when if terms.waiver else None,
            "charge": f"{self.charge:.2f}" if self.charge is not None else None,
            "basis": self.basis,
            "quote": terms.clause.quote,
        }


def rate_text(terms: AfterHoursTerms) -> str:
    """'100 USD per hour' (or per the policy's unit)."""
    per = "hour" if terms.per == Span(1, "hour") else str(terms.per)
    return f"{terms.rate:f} {terms.currency} per {per}"


def _local_text(instant: datetime, calendar: BusinessCalendar) -> str:
    return instant.astimezone(calendar.zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _holiday(calendar: BusinessCalendar, day: date) -> str | None:
    """The name of the observed holiday on a local date, if the calendar closes for one."""
    if calendar.holidays is None or day not in calendar.holidays:
        return None
    return calendar.holidays.names(day.year).get(day, "observed holiday")


def _billed(terms: AfterHoursTerms, worked: timedelta) -> int:
    """Microseconds charged for `worked`: at least the minimum, the rest rounded up to whole increments."""
    minimum = terms.minimum.micros
    micros = max(worked // timedelta(microseconds=1), minimum)
    step = terms.billing.increment.micros if terms.billing else 1
    beyond = micros - minimum
    return minimum + -(-beyond // step) * step


def _charge_basis(terms: AfterHoursTerms, worked: timedelta | None, minimum_charge: Decimal, charge: Decimal) -> str:
    """How the charge was found, in words and figures."""
    rate = rate_text(terms)
    if worked is None:
        return (
            f"At least {minimum_charge:.2f} {terms.currency} (the {terms.minimum} minimum at {rate}); more if the help "
            "takes longer."
        )
    worked_text, billed_text = minutes_text(worked // timedelta(microseconds=1)), minutes_text(_billed(terms, worked))
    step = f", then each started {terms.billing.increment}" if terms.billing else ""
    return (
        f"{worked_text} min worked, {billed_text} min billed (the {terms.minimum} minimum{step}) × {rate} = "
        f"{charge:.2f} {terms.currency}."
    )


def _money(terms: AfterHoursTerms, micros: int) -> Decimal:
    """The rate for `micros` of help, rounded half-up to the cent once."""
    return round_half_up(Fraction(terms.rate) * micros / terms.per.micros)


def _holiday_readings(policy: Policy, region: str | None, holidays: HolidaySpec | None) -> list[Clause]:
    """The reading of which holidays are observed, unless a contract's override replaced the policy's."""
    if holidays is not None:
        return []
    source = policy.regions[resolved].holidays if (resolved := policy.region(region)) else policy.holidays
    return [source.clause] if source.clause.has_reading else []


def _with_waiver(policy: Policy, severity_id: str, vendor_caused: bool, found: AfterHours) -> AfterHours:
    """The position with the waiver applied: for an issue deemed caused by the provider, or a severity the
    policy takes as one (resting on the waiver's reading)."""
    waiver = found.terms.waiver
    by_severity = waiver is not None and severity_id in waiver.severities
    if waiver is None or not (vendor_caused or by_severity):
        return found
    readings = found.readings
    if not vendor_caused and waiver.clause.has_reading:
        readings += (waiver.clause,)
    cause = (
        waiver.when if vendor_caused else f"{waiver.when}, as a {policy.severities[severity_id].name} is taken to be"
    )
    basis = f"Waived: {cause}; otherwise {found.basis[0].lower()}{found.basis[1:]}"
    return replace(found, charge=Decimal("0.00"), waived=True, basis=basis, readings=readings)


def after_hours(
    policy: Policy,
    severity: str,
    opened_at: datetime,
    region: str | None = None,
    holidays: HolidaySpec | None = None,
    *,
    worked: timedelta | None = None,
    vendor_caused: bool = False,
) -> AfterHours | None:
    """The after-hours position of a ticket of `severity` opened at `opened_at` (None: the policy has no paid
    after-hours support); `worked` is how long the help took, when known, and `vendor_caused` that the issue
    was deemed caused by the provider (the charge is then waived)."""
    terms = policy.terms.after_hours
    if terms is None:
        return None
    require_aware(opened_at, "opened_at")
    if worked is not None and worked <= timedelta(0):
        raise InputError(f"the after-hours time worked must be positive, not {worked}")
    if vendor_caused and terms.waiver is None:
        raise InputError(f"policy {policy.id} states no waiver of the after-hours charge")
    severity_id = policy.severity(severity).id
    calendar = policy.calendar(terms.outside, policy.region(region), holidays)
    minimum_charge = _money(terms, terms.minimum.micros)
    readings: tuple[Clause, ...] = (terms.clause,) if terms.clause.has_reading else ()
    opened, hours = _local_text(opened_at, calendar), calendar.description or calendar.name
    if calendar.is_open(opened_at):
        why = f"Opened {opened}, within {hours}: no after-hours charge."
        return AfterHours(False, why, terms, calendar, minimum_charge, None, worked, False, why, readings)
    holiday = _holiday(calendar, opened_at.astimezone(calendar.zone).date())
    why = f"Opened {opened}, outside {hours}" + (f", on an observed holiday ({holiday})." if holiday else ".")
    if holiday:
        readings += tuple(_holiday_readings(policy, region, holidays))
    if worked is not None and terms.billing is not None and terms.billing.clause.has_reading:
        readings += (terms.billing.clause,)
    full = _money(terms, _billed(terms, worked) if worked is not None else terms.minimum.micros)
    basis = _charge_basis(terms, worked, minimum_charge, full)
    found = AfterHours(True, why, terms, calendar, minimum_charge, full, worked, False, basis, readings)
    return _with_waiver(policy, severity_id, vendor_caused, found)
