"""Claims and rights: by when a credit must be claimed, what the claim holds, who is eligible, and the
right to terminate after repeated SLA failures (with the refund of prepaid fees it brings, see `refunds`).

Deadlines are instants in the policy's (or region's) zone. A deadline in days counts local calendar days
from local midnight ("30 days after the quarter" ends at local midnight even across a DST change); hours are
elapsed time ("72 hours from the incident"); business days are whole local days that `business_day` accepts
("within 5 business days of the end of the month" ends at the midnight after the fifth).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.errors import PolicyError
from sla_core.engine.instants import from_micros, iso, require_aware, to_micros
from sla_core.engine.intervals import Outage
from sla_core.engine.periods import Period, month_period
from sla_core.engine.refunds import Prepaid, Refund, refund
from sla_core.engine.spans import ClaimSpan
from sla_core.engine.terms import ClaimTerms, TerminationTerms

BusinessDay = Callable[[date], bool]
_SEARCH_DAYS = 3_660  # ten years: a business-day test that accepts no day in that long is a broken policy


def _weekdays(day: date) -> bool:
    return day.weekday() < 5


def business_days_after(micros: int, count: int, zone: ZoneInfo, business_day: BusinessDay = _weekdays) -> int:
    """The end (next local midnight) of the `count`th business day among the whole local days from the first
    local midnight at or after the instant: a day already begun is not counted (the customer-favourable
    reading of "within 5 business days of" an instant)."""
    local = from_micros(micros, zone)
    day = local.date() if local.time() == time(0) else local.date() + timedelta(days=1)
    for _ in range(_SEARCH_DAYS):
        if business_day(day):
            count -= 1
            if count == 0:
                return to_micros(datetime.combine(day + timedelta(days=1), time(0), zone))
        day += timedelta(days=1)
    raise PolicyError(f"no {count} business days within ten years of {local.isoformat()}")


def after(span: ClaimSpan, micros: int, zone: ZoneInfo, business_day: BusinessDay = _weekdays) -> int:
    """The instant a claim period `span` after `micros` ends."""
    if span.span is not None:
        return span.span.after(micros, zone)
    return business_days_after(micros, span.business_days, zone, business_day)


@dataclass(frozen=True, slots=True)
class Claim:
    """The claim window and requirements for one period's credit."""

    deadline: int | None
    per_outage: tuple[tuple[Outage, int], ...]
    basis: str
    submit_to: str | None
    contents: tuple[str, ...]
    eligibility: tuple[str, ...]
    readings: tuple[dict[str, str], ...]

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The claim fields of the credit JSON, instants in `zone`."""
        return {
            "claim_deadline": iso(self.deadline, zone) if self.deadline is not None else None,
            "claim_deadline_basis": self.basis,
            "claim_deadlines": [
                {"outage_start": iso(o.start, zone), "outage_end": iso(o.end, zone), "deadline": iso(d, zone)}
                for o, d in self.per_outage
            ],
            "claim_submit_to": self.submit_to,
            "claim_contents": list(self.contents),
            "eligibility": list(self.eligibility),
        }


def outage_deadline(
    terms: ClaimTerms, outage: Outage, post_mortem: int | None, zone: ZoneInfo, business_day: BusinessDay = _weekdays
) -> int:
    """Deadline for one outage: the span after its end (or start), or after a later post-mortem about it."""
    assert terms.deadline is not None
    if terms.counted_from == "outage_start":
        return after(terms.deadline, outage.start, zone, business_day)
    base = outage.end
    if terms.post_mortem and post_mortem is not None and post_mortem >= outage.start:
        base = max(base, post_mortem)
    return after(terms.deadline, base, zone, business_day)


def claim_for(
    terms: ClaimTerms | None,
    period: Period,
    zone: ZoneInfo,
    outages: Sequence[Outage],
    post_mortem: datetime | None = None,
    business_day: BusinessDay = _weekdays,
) -> Claim:
    """The claim window for `period`: after the period ends, or after each credited outage (the earliest
    outage deadline is the one to meet: claiming by then loses nothing); `business_day` says which local days
    a deadline in business days counts."""
    if terms is None:
        return Claim(None, (), "The policy states no claim procedure, so no claim deadline.", None, (), (), ())
    readings = terms.clause.readings()
    if terms.eligibility_clause is not None:
        readings += terms.eligibility_clause.readings()

    def claim(deadline: int | None, per_outage: tuple[tuple[Outage, int], ...], basis: str) -> Claim:
        return Claim(deadline, per_outage, basis, terms.submit_to, terms.contents, terms.eligibility, tuple(readings))

    if terms.deadline is None:
        return claim(None, (), "The contract states no claim deadline.")
    if terms.counted_from == "period_end":
        deadline = after(terms.deadline, period.end, zone, business_day)
        basis = f"{terms.deadline} after {period.label} ends ({iso(period.end, zone)}): {iso(deadline, zone)}."
        return claim(deadline, (), basis)
    if not outages:
        return claim(None, (), f"No credited outage in {period.label}, so there is nothing to claim.")
    pm = to_micros(require_aware(post_mortem, "post-mortem")) if post_mortem is not None else None
    per_outage = tuple((o, outage_deadline(terms, o, pm, zone, business_day)) for o in outages)
    first = min(per_outage, key=lambda pair: pair[1])
    later = (
        " or its post-mortem, if later and given" if terms.post_mortem and terms.counted_from == "outage_end" else ""
    )
    basis = (
        f"{terms.deadline} after the {'start' if terms.counted_from == 'outage_start' else 'end'} of the outage "
        f"{iso(first[0].start, zone)} – {iso(first[0].end, zone)}"
        f"{later}: {iso(first[1], zone)}"
        f"{f'; the earliest of {len(per_outage)} outage deadlines' if len(per_outage) > 1 else ''}."
    )
    return claim(first[1], per_outage, basis)


# -- termination ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TerminationRight:
    """Whether a termination right exists as of an instant, until when, and the failures behind it."""

    exists: bool
    until: int | None
    last_failure: str | None
    failures_in_window: tuple[str, ...]
    basis: str
    readings: tuple[dict[str, str], ...]
    refund: Refund | None = None

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The `termination_right` object of the credit JSON, instants in `zone`."""
        return {
            "exists": self.exists,
            "until": iso(self.until, zone) if self.until is not None else None,
            "last_failure": self.last_failure,
            "failures_in_window": list(self.failures_in_window),
            "basis": self.basis,
            "refund": self.refund.as_dict() if self.refund is not None else None,
        }

    def last_day(self, zone: ZoneInfo) -> date | None:
        """The last local date on which the right can still be exercised (the day before `until`)."""
        return from_micros(self.until - 1, zone).date() if self.until is not None else None


def with_refund(
    right: TerminationRight,
    terms: TerminationTerms,
    prepaid: Prepaid | None,
    effective: date | None,
    currency: str,
    zone: ZoneInfo,
) -> TerminationRight:
    """The right with the refund of prepaid fees it brings, where the policy refunds them, the fees are known
    and the right exists; termination is taken to take effect on `effective`, else on the right's last day."""
    last_day = right.last_day(zone)
    if terms.refund is None or prepaid is None or not right.exists or last_day is None:
        return right
    found = refund(terms.refund, prepaid, effective or last_day, currency, assumed=effective is None)
    return replace(right, refund=found, readings=(*right.readings, *terms.refund.clause.readings()))


def _label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def termination_right(
    terms: TerminationTerms, failed_months: Iterable[tuple[int, int]], as_of: datetime, zone: ZoneInfo
) -> TerminationRight:
    """Resonate §4: more than `failures_more_than` failed months within any `window_months` consecutive
    calendar months (a rolling window: within any such span of dates, which touches one calendar month more)
    give a right exercisable until `exercise_within` after the end of the last failed month.
    Months that begin after `as_of` are ignored; the right exists while `as_of` is before its deadline."""
    now = to_micros(require_aware(as_of, "as of"))
    known = sorted(
        {y * 12 + m - 1 for y, m in failed_months if month_period(y, m, zone).start <= now},
    )
    window, limit = terms.calendar_months, terms.failures_more_than
    within, any_within = f"{window} consecutive months", f"any {window} consecutive months"
    if terms.window == "rolling":
        span = f"rolling {terms.window_months}-month period ({window} consecutive calendar months)"
        within, any_within = f"a {span}", f"any {span}"
    readings = tuple(terms.clause.readings())
    triggers: list[tuple[int, tuple[int, ...], int]] = []
    for month in known:
        inside = tuple(i for i in known if month - window < i <= month)
        if len(inside) > limit:
            end = month_period(month // 12, month % 12 + 1, zone).end
            triggers.append((month, inside, terms.exercise_within.after(end, zone)))
    live = [t for t in triggers if now < t[2]]
    if live:
        month, inside, until = live[-1]
        basis = (
            f"{len(inside)} failed months within {within} ({', '.join(map(_label, inside))}), "
            f"more than {limit}: the right lasts {terms.exercise_within} after {_label(month)} ends, "
            f"until {iso(until, zone)}."
        )
        return TerminationRight(True, until, _label(month), tuple(map(_label, inside)), basis, readings)
    if triggers:
        month, inside, until = triggers[-1]
        basis = f"The right that arose with the failure in {_label(month)} expired at {iso(until, zone)}."
        return TerminationRight(False, until, _label(month), tuple(map(_label, inside)), basis, readings)
    most = max((sum(1 for i in known if m - window < i <= m) for m in known), default=0)
    basis = f"At most {most} failed month{'' if most == 1 else 's'} within {any_within}; more than {limit} are needed."
    return TerminationRight(False, None, None, (), basis, readings)
