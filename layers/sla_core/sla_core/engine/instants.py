"""Timezone-aware instants: strict parsing and exact integer-microsecond conversion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from sla_core.engine.errors import InputError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ACCEPTED = "ISO 8601 with an offset, e.g. '2026-03-09T10:15:00-04:00' or '2026-03-09T14:15:00Z'"


def require_aware(instant: datetime, what: str = "instant") -> datetime:
    """Reject naive datetimes: a time without a zone is ambiguous, never silently assumed."""
    if not isinstance(instant, datetime) or instant.tzinfo is None or instant.utcoffset() is None:
        raise InputError(f"{what} {instant!r} has no time zone; give {ACCEPTED}")
    return instant


def to_micros(instant: datetime) -> int:
    """Exact microseconds since the Unix epoch (no float rounding)."""
    if instant.tzinfo is None:
        require_aware(instant)
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int, zone: tzinfo) -> datetime:
    """The instant `micros` after the epoch, expressed in `zone`."""
    return (EPOCH + timedelta(microseconds=micros)).astimezone(zone)


def iso(micros: int, zone: tzinfo) -> str:
    """An instant as ISO 8601 with the zone's offset."""
    return from_micros(micros, zone).isoformat()


def parse_instant(text: str, what: str = "timestamp") -> datetime:
    """Parse an ISO 8601 timestamp that carries an explicit offset or Z."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(f"{what} {text!r} is not readable; give {ACCEPTED}") from None
    if instant.tzinfo is None:
        raise InputError(f"{what} {text!r} has no time zone; give {ACCEPTED}")
    return instant
