"""The refund of prepaid fees that comes with a termination right (policy data `[termination.refund]`).

Fees paid ahead for a prepaid period (first to last day, inclusive) are refunded pro rata by calendar day: the
days from the effective date of termination to the period's last day (that date itself refunded or, under
`effective_day = "kept"`, still paid). Money is exact until it is rounded half-up to the cent, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sla_core.engine.errors import InputError
from sla_core.engine.rounding import round_half_up

if TYPE_CHECKING:  # the type only: the contracts file's ack-path reader needs Prepaid, not the policy model
    from sla_core.engine.terms import RefundTerms


@dataclass(frozen=True, slots=True)
class Prepaid:
    """Fees paid ahead for the days `first_day` to `last_day`, both included."""

    fees: Decimal
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if not self.fees.is_finite() or self.fees < 0:
            raise InputError(f"prepaid fees {self.fees} must be a non-negative amount such as 38400.00")
        if self.last_day < self.first_day:
            raise InputError(
                f"the prepaid period {self.first_day.isoformat()}/{self.last_day.isoformat()} ends before it starts"
            )

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True, slots=True)
class Refund:
    """The refund if termination takes effect on `effective`: `days` of the prepaid period's `total` days."""

    prepaid: Prepaid
    effective: date
    effective_is_assumed: bool
    days: int
    amount: Decimal
    per_day: Decimal
    currency: str
    basis: str

    def as_dict(self) -> dict[str, Any]:
        """The `refund` object of a termination right in the credit JSON."""
        return {
            "prepaid_fees": f"{self.prepaid.fees:f}",
            "prepaid_period": f"{self.prepaid.first_day.isoformat()}/{self.prepaid.last_day.isoformat()}",
            "effective": self.effective.isoformat(),
            "effective_is_assumed": self.effective_is_assumed,
            "refunded_days": self.days,
            "prepaid_days": self.prepaid.days,
            "amount": f"{self.amount:.2f}",
            "per_day": f"{self.per_day:.2f}",
            "currency": self.currency,
            "basis": self.basis,
        }


def refund(terms: RefundTerms, prepaid: Prepaid, effective: date, currency: str, *, assumed: bool) -> Refund:
    """The prepaid fees refunded if termination takes effect on `effective` (`assumed`: the caller chose that
    date, e.g. the last day the right can be exercised, and the basis says so)."""
    first = effective if terms.effective_day == "refunded" else date.fromordinal(effective.toordinal() + 1)
    start = max(first, prepaid.first_day)
    days = max((prepaid.last_day - start).days + 1, 0)
    total = prepaid.days
    amount = round_half_up(Fraction(prepaid.fees) * days / total)
    per_day = round_half_up(Fraction(prepaid.fees) / total)
    when = f"{effective.isoformat()} (the last day the right can be exercised)" if assumed else effective.isoformat()
    counted = "that day included" if terms.effective_day == "refunded" else "that day still paid"
    basis = (
        f"If termination takes effect on {when}: {days} of the {total} prepaid days "
        f"({prepaid.first_day.isoformat()} to {prepaid.last_day.isoformat()}; {counted}) × {prepaid.fees:f} / "
        f"{total} = {amount:.2f} {currency} refunded; each day earlier adds {per_day:.2f} {currency}."
    )
    return Refund(prepaid, effective, assumed, days, amount, per_day, currency, basis)
