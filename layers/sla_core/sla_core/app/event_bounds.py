"""Which instants the record accepts, checked before anything is written (README: "Plausible instants").

Every instant from Slack or PagerDuty that happened (an event's time, a corrected opening or resolve) lies
- not before the record's first day: the later of the contract's agreement or activation date (the earlier of the
  two when both are given, at 00:00 in the contract's zone) and the look-back (`SLAOPS_LOOKBACK_DAYS`, default 92
  days before now; `SLAOPS_RECORD_FROM` names a fixed first day instead, for replaying history);
- not more than `AHEAD` after now (clock skew between PagerDuty, Slack and us).
An incident's folded state is checked whole after the event: it is not resolved before it opened, and no
acknowledgement, update or pause lies before its opening. An event that adds such a contradiction is refused; one
the record already held before (older data) does not block later events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sla_core.app.contract_terms import contract_zone
from sla_core.config import settings
from sla_core.config.contract import Contract
from sla_core.engine.errors import InputError
from sla_core.incidents.state import STATUS_OF, IncidentEvent, IncidentState

AHEAD = timedelta(minutes=5)
_KEPT_KINDS = frozenset({"triggered", "corrected", "classified", "snoozed"})  # dated now, or the opening itself


class ImplausibleInstant(InputError):
    """An instant outside the accepted bounds, or an event that contradicts the incident's other times: the
    message says which and what is accepted."""


def _day_start(day: date, contract: Contract | None) -> datetime:
    if contract is None:
        return datetime.combine(day, time(), tzinfo=UTC)
    return datetime.combine(day, time(), tzinfo=contract_zone(contract))


def earliest(contract: Contract | None, now: datetime) -> tuple[datetime, str]:
    """The record's first accepted instant and why (the look-back, the fixed first day, or the contract's date)."""
    fixed = settings.record_from()
    if fixed is not None:
        found, why = _day_start(fixed, contract), f"{settings.RECORD_FROM_ENV} ({fixed.isoformat()})"
    else:
        days = settings.lookback_days()
        found, why = now - timedelta(days=days), f"the look-back of {days} days"
    dates = [d for d in ((contract.agreement_date, contract.activation_date) if contract else ()) if d is not None]
    if contract is not None and dates and _day_start(min(dates), contract) > found:
        start = min(dates)
        name = "agreement" if start == contract.agreement_date else "activation"
        found, why = _day_start(start, contract), f"the {name} date of `{contract.id}` ({start.isoformat()})"
    return found, why


def check_instant(
    at: datetime, what: str, contract: Contract | None, now: datetime, *, ahead: timedelta = AHEAD
) -> None:
    """Refuse an instant before the record's first day or more than `ahead` after now."""
    first, why = earliest(contract, now)
    last = now + ahead
    if at < first or at > last:
        raise ImplausibleInstant(
            f"{what} {_shown(at)} is outside what the record accepts: from {_shown(first)} ({why}) to "
            f"{_shown(last)} (now, plus {int(ahead.total_seconds() // 60)} minutes of clock skew)."
        )


def check_event(event: IncidentEvent, contract: Contract | None, now: datetime) -> None:
    """Every instant an event carries, against the bounds (before anything is written)."""
    check_instant(event.occurred_at, f"The {event.kind} time", contract, now)
    if event.opened_fix is not None:
        check_instant(event.opened_fix, "The corrected opening", contract, now)
    if event.resolved_fix is not None:
        check_instant(event.resolved_fix, "The corrected resolve", contract, now)


def check_order(before: IncidentState, event: IncidentEvent, after: IncidentState, *, strict_status: bool) -> None:
    """Refuse an event that makes the incident's times contradict each other, or (`strict_status`: a person
    typed it) a status change that the incident's later status overrides, so it would change nothing."""
    opened = before.opened_at if before.triggered else None
    if opened is not None and event.kind not in _KEPT_KINDS and event.occurred_at < opened:
        raise ImplausibleInstant(
            f"The {event.kind} time {_shown(event.occurred_at)} is before the incident opened ({_shown(opened)}); "
            "accepted: a time at or after its opening."
        )
    new = _contradictions(after) - _contradictions(before)
    if new:
        raise ImplausibleInstant(f"{'; '.join(sorted(new))}. Accepted: times in the order things happen.")
    status = STATUS_OF.get(event.kind)
    key = after.status_key
    if strict_status and status is not None and key is not None and key[2] != event.event_id:
        raise ImplausibleInstant(
            f"The incident is {after.status} since {_shown(key[0])}, after the {event.kind} time "
            f"{_shown(event.occurred_at)}, so it would change nothing; accepted: a time after {_shown(key[0])}."
        )


def _contradictions(state: IncidentState) -> set[str]:
    """What in a folded state contradicts the order things happen in."""
    opened = state.opened_at
    if opened is None:
        return set()
    found = set()
    if state.resolved_at is not None and state.resolved_at < opened:
        found.add(f"it would be resolved ({_shown(state.resolved_at)}) before it opened ({_shown(opened)})")
    if not state.triggered:
        return found
    if state.acknowledged_at is not None and state.acknowledged_at < opened:
        found.add(f"its acknowledgement ({_shown(state.acknowledged_at)}) would be before it opened ({_shown(opened)})")
    if state.last_update_at is not None and state.last_update_at < opened:
        found.add(f"its last update ({_shown(state.last_update_at)}) would be before it opened ({_shown(opened)})")
    if state.pause_marks and state.pause_marks[0][0] < opened:
        found.add(f"a pause ({_shown(state.pause_marks[0][0])}) would be before it opened ({_shown(opened)})")
    return found


def _shown(at: datetime) -> str:
    """An instant in a refusal: UTC, to the minute (any instant, year 1 to 9999, prints)."""
    try:
        d = at.astimezone(UTC)
    except (OverflowError, ValueError):
        return at.isoformat(timespec="minutes")
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d} UTC"  # strftime drops year 1's zeros
