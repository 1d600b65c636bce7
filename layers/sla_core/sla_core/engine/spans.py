"""Contract spans ("5 minutes", "72 hours", "30 days"): allowances, thresholds and claim or exercise periods.

Spans are whole minutes, hours or days; days are calendar days in the policy's zone where a deadline is
counted ("30 days after the quarter"), 24 hours where an amount of time is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from sla_core.engine.errors import PolicyError
from sla_core.engine.instants import from_micros, to_micros
from sla_core.engine.toml_decode import shown

_SPAN = re.compile(r"^\s*(\d+)\s*(minute|hour|day)s?\s*$", re.I)
_MICROS = {"minute": 60_000_000, "hour": 3_600_000_000, "day": 86_400_000_000}
SPAN_ACCEPTED = "a whole number of minutes, hours or days, e.g. '5 minutes', '72 hours', '30 days'"


@dataclass(frozen=True, slots=True)
class Span:
    """A whole number of minutes, hours or days, as the contract writes it."""

    amount: int
    unit: Literal["minute", "hour", "day"]
    ACCEPTED = SPAN_ACCEPTED

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @property
    def micros(self) -> int:
        """Elapsed length (a day is 24 hours): for allowances and thresholds."""
        return self.amount * _MICROS[self.unit]

    def after(self, micros: int, zone: ZoneInfo) -> int:
        """Deadline `self` after an instant: days are local calendar days (DST-proof), hours are elapsed."""
        if self.unit != "day":
            return micros + self.micros
        local = from_micros(micros, zone)
        return to_micros((local + timedelta(days=self.amount)).replace(tzinfo=zone))


_BUSINESS_DAYS = re.compile(r"^\s*(\d+)\s*business\s+days?\s*$", re.I)
CLAIM_SPAN_ACCEPTED = f"{SPAN_ACCEPTED}, or whole business days, e.g. '5 business days'"


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """How long a claim may be made: a span (`span`), or whole business days (`business_days`, counted by
    `claims.business_days_after`)."""

    span: Span | None
    business_days: int = 0
    ACCEPTED = CLAIM_SPAN_ACCEPTED

    def __str__(self) -> str:
        if self.span is not None:
            return str(self.span)
        return f"{self.business_days} business day{'' if self.business_days == 1 else 's'}"


def parse_claim_span(text: Any) -> ClaimSpan:
    """Parse a claim period: a span ('30 days') or business days ('5 business days'), positive."""
    match = _BUSINESS_DAYS.match(text) if isinstance(text, str) else None
    if match is None:
        try:
            return ClaimSpan(parse_contract_span(text))
        except PolicyError:
            raise PolicyError(f"{shown(text)} is not a claim period; accepted: {CLAIM_SPAN_ACCEPTED}") from None
    if int(match.group(1)) <= 0:
        raise PolicyError(f"{shown(text)}: a claim period must be positive; accepted: {CLAIM_SPAN_ACCEPTED}")
    return ClaimSpan(None, int(match.group(1)))


def parse_contract_span(text: Any) -> Span:
    """Parse a span as a policy writes it: '5 minutes', '2 hours', '30 days' (singular or plural, positive)."""
    match = _SPAN.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) <= 0:
        raise PolicyError(f"{text!r} is not a span; accepted: {SPAN_ACCEPTED}")
    return Span(int(match.group(1)), cast(Literal["minute", "hour", "day"], match.group(2).lower()))
