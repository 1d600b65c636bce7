"""A policy's `[[examples]]` as the file writes them: hand-worked cases beside the rules, never read by them
(`examples` runs them). A deadline (`opened`, `due`) or a period (`period` and the figures it expects)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from sla_core.engine.errors import PolicyError
from sla_core.engine.toml_decode import INSTANT, doc, shown
from sla_core.engine.zones import Zone

Metric = Literal["initial_response", "update", "resolution", "workaround", "escalation_response"]
NONE = "none"


class InstantOrNone(datetime):
    """An expected instant, or "none" where the result must have none."""

    ACCEPTED = f'{INSTANT}, or "none"'


class Interval(msgspec.Struct, kw_only=True, frozen=True):
    """`examples[].downtime[]`: an unplanned downtime interval of a period example."""

    start: Annotated[datetime, doc("When the interval began.", "start = 2026-04-10T10:00:00-07:00")]
    end: Annotated[datetime, doc("When it ended (after start).", "end = 2026-04-10T11:00:00-07:00")]
    cause: Annotated[
        str | None,
        doc(
            "Why it happened, for the policy's exclusions and credited causes.",
            'cause = "network"',
            default="none (plain downtime)",
        ),
    ] = None


class MaintenanceInterval(Interval, kw_only=True, frozen=True):
    """`examples[].maintenance[]`, `examples[].emergency[]`: a scheduled or emergency maintenance interval of a
    period example, with when it was announced and whether it fell in posted windows."""

    announced: Annotated[
        datetime | None,
        doc(
            "When the maintenance was announced, for the notice rule.",
            "announced = 2026-04-06T10:00:00-04:00",
            default="none (taken as announced in time)",
        ),
    ] = None
    posted: Annotated[bool, doc("It fell in the provider's posted maintenance windows.", "posted = true")] = False


def _figure(meaning: str, example: str) -> Any:
    return doc(meaning, example, default="not checked")


class Example(msgspec.Struct, kw_only=True, frozen=True):
    """`[[examples]]`: a hand-worked case, its arithmetic in a comment above it; `check` and the tests run it. A
    deadline (opened, due) or a period (period and expected figures). Never read by the rules."""

    name: Annotated[
        str, doc("What the case shows; tests find a case by it.", 'name = "P1 opened late at night gets four hours"')
    ]
    severity: Annotated[
        str | None, doc("The ticket's severity.", 'severity = "P1"', default="required for a deadline")
    ] = None
    opened: Annotated[
        datetime | None,
        doc("When the ticket was opened.", "opened = 2026-11-23T22:00:00-05:00", default="required for a deadline"),
    ] = None
    due: Annotated[
        datetime | None,
        doc(
            "The due instant worked out by hand.", "due = 2026-11-24T02:00:00-05:00", default="required for a deadline"
        ),
    ] = None
    metric: Annotated[Metric, doc("Which target.", 'metric = "update"')] = "initial_response"
    tier: Annotated[str | None, doc("The tier, for a policy with tiers.", 'tier = "core"', default="none")] = None
    region: Annotated[str | None, doc("The region, for a policy with regions.", 'region = "emea"', default="none")] = (
        None
    )
    agreement_date: Annotated[
        date | None,
        doc(
            "The agreement's date, for tier names that hold only before one.",
            "agreement_date = 2025-11-14",
            default="none",
        ),
    ] = None
    other_due: Annotated[
        datetime | None,
        doc(
            "The due instant under the other reading of the target's clause (of its calendar's, where the target has "
            "none).",
            "other_due = 2026-06-09T09:30:00-07:00",
            default="none",
        ),
    ] = None
    other_holidays_due: Annotated[
        datetime | None,
        doc(
            "The due instant under the other reading of the holidays (the region's, for a region).",
            "other_holidays_due = 2026-10-13T13:00:00-07:00",
            default="none",
        ),
    ] = None
    customer_timezone: Annotated[
        Zone | None,
        doc(
            "The customer's zone, for a policy whose calendars keep the customer's local time (a contract's "
            "customer_timezone).",
            'customer_timezone = "Europe/Berlin"',
            default="none",
        ),
    ] = None
    period: Annotated[
        str | None,
        doc(
            "The month or quarter measured.",
            'period = "2026-04"',
            default="required for a period",
            accepted='"YYYY-MM", or "YYYY-Qn" for quarterly credits',
        ),
    ] = None
    fee: Annotated[
        Decimal | None,
        doc(
            "The fee the credit is computed from.", 'fee = "1000"', default="none (needed unless the mechanism is none)"
        ),
    ] = None
    component: Annotated[
        str | None, doc("Which component is measured.", 'component = "web"', default="the only one")
    ] = None
    downtime: Annotated[
        tuple[Interval, ...],
        doc(
            "Unplanned downtime.", "downtime = [{ start = 2026-04-10T10:00:00-07:00, end = 2026-04-10T11:00:00-07:00 }]"
        ),
    ] = ()
    maintenance: Annotated[
        tuple[MaintenanceInterval, ...],
        doc(
            "Scheduled maintenance.",
            "maintenance = [{ start = 2026-04-05T01:00:00-07:00, end = 2026-04-05T03:30:00-07:00 }]",
        ),
    ] = ()
    emergency: Annotated[
        tuple[MaintenanceInterval, ...],
        doc(
            "Emergency maintenance.",
            "emergency = [{ start = 2026-04-14T12:00:00-07:00, end = 2026-04-14T12:10:00-07:00 }]",
        ),
    ] = ()
    missed_responses: Annotated[
        int | None,
        doc(
            "Tickets of the period that missed their first response (missed_responses credits).",
            "missed_responses = 5",
            default="none",
        ),
    ] = None
    post_mortem: Annotated[
        datetime | None,
        doc(
            "When a post-mortem was posted (claims with post_mortem).",
            "post_mortem = 2026-04-11T09:00:00-07:00",
            default="none",
        ),
    ] = None
    failed_months: Annotated[
        tuple[str, ...],
        doc(
            "Earlier failed months (a termination right).",
            'failed_months = ["2026-02", "2026-03"]',
            accepted='a list of "YYYY-MM"',
        ),
    ] = ()
    activation: Annotated[
        date | None,
        doc("The contract's activation date (availability counts_from).", "activation = 2026-04-15", default="none"),
    ] = None
    availability: Annotated[
        Decimal | None,
        _figure("Expected availability in percent (4 places, rounded down).", 'availability = "99.9303"'),
    ] = None
    target_met: Annotated[bool | None, _figure("Whether the period meets its target.", "target_met = true")] = None
    downtime_minutes: Annotated[
        Decimal | None, _figure("Expected counted downtime minutes.", 'downtime_minutes = "30"')
    ] = None
    excluded_minutes: Annotated[Decimal | None, _figure("Expected excluded minutes.", 'excluded_minutes = "120"')] = (
        None
    )
    credited_minutes: Annotated[
        Decimal | None, _figure("Expected credited minutes (time credits).", 'credited_minutes = "60"')
    ] = None
    credit: Annotated[Decimal | None, _figure("Expected credit amount.", 'credit = "1.39"')] = None
    credit_percent: Annotated[
        Decimal | None, _figure("Expected credit percent (bands, missed responses).", 'credit_percent = "7"')
    ] = None
    claim_deadline: Annotated[
        InstantOrNone | None, _figure("Expected claim deadline.", "claim_deadline = 2026-04-13T11:00:00-07:00")
    ] = None
    termination_until: Annotated[
        InstantOrNone | None,
        _figure(
            'Until when a termination right lasts as of the period\'s end ("none": no right).',
            "termination_until = 2026-05-11T00:00:00-04:00",
        ),
    ] = None
    other_of: Annotated[
        str | None,
        doc(
            "The table whose other reading other_availability, other_target_met, other_credit and other_claim_deadline "
            "are worked under, as its path in the file.",
            'other_of = "credit"',
            default="the only reading of the result stated as data",
        ),
    ] = None
    other_availability: Annotated[
        Decimal | None, _figure("Expected availability under the other reading.", 'other_availability = "99.8"')
    ] = None
    other_target_met: Annotated[
        bool | None, _figure("Whether the period meets its target under the other reading.", "other_target_met = false")
    ] = None
    other_credit: Annotated[
        Decimal | None, _figure("Expected credit amount under the other reading.", 'other_credit = "0.00"')
    ] = None
    other_claim_deadline: Annotated[
        InstantOrNone | None,
        _figure("Expected claim deadline under the other reading.", "other_claim_deadline = 2026-05-30T00:00:00-04:00"),
    ] = None
    _path: tuple[str | int, ...] = ()


def instant_or_none(value: Any) -> datetime | str:
    """An expected instant, or the string "none" when the result must have none."""
    if value == NONE or (isinstance(value, datetime) and value.utcoffset() is not None):
        return value  # type: ignore[no-any-return]
    raise PolicyError(f"{shown(value)} is neither an instant nor 'none'; accepted: {InstantOrNone.ACCEPTED}")
