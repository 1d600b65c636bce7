"""IANA time zone names as a policy or the contracts file writes them, checked by loading them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla_core.engine.errors import PolicyError


class Zone(str):
    """An IANA time zone name ('America/New_York') that `zoneinfo` knows."""

    ACCEPTED = "a zone name such as 'America/New_York'"


def parse_zone(value: Any) -> Zone:
    """The zone named by `value`, checked by loading it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: a directory of zones, such as 'US'
        raise PolicyError(f"{value!r} is not an IANA time zone; accepted: {Zone.ACCEPTED}") from None
    return Zone(value)


CUSTOMER = "customer"


class CalendarZone(str):
    """A calendar's zone: an IANA zone name, or "customer": the customer's local time, which each contract names
    (contracts.toml `customer_timezone`)."""

    ACCEPTED = "a zone name such as 'America/New_York', or \"customer\" (the zone a contract's customer_timezone gives)"


def parse_calendar_zone(value: Any) -> CalendarZone:
    """A calendar's zone: "customer", or an IANA zone checked by loading it."""
    if value == CUSTOMER:
        return CalendarZone(value)
    try:
        return CalendarZone(parse_zone(value))
    except PolicyError:
        raise PolicyError(
            f'{value!r} is not an IANA time zone or "customer"; accepted: {CalendarZone.ACCEPTED}'
        ) from None
