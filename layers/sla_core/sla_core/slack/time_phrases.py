"""Times typed in Slack (`now`, `14:05`, `yesterday 14:00`, `-30m`, ISO 8601) read in the typist's own zone.
Maintenance is declared ahead of time too, so `tomorrow 21:00` and `+2h` read forward.

A time without an offset means wall-clock time in the invoking user's Slack time zone (users.info `tz`),
falling back to the contract's zone; the result is always timezone-aware. `HH:MM` means the most recent
such time (today, or yesterday when today's is still ahead), since these times backdate what happened.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from sla_core.engine.errors import InputError
from sla_core.engine.instants import require_aware

ACCEPTED_FORMS = (
    "`now`, `14:05` (the latest 14:05), `today 09:30`, `yesterday 14:00`, `tomorrow 21:00`, `-30m`, `-2h`, "
    "`-1h30m`, `-1d`, `+2h`, "
    "or ISO 8601 such as `2026-03-09T10:15` (your time zone) or `2026-03-09T10:15:00-04:00`"
)
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_OFFSET = re.compile(r"^([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_DAY_WORDS = {"today": 0, "yesterday": 1, "tomorrow": -1}


class TimePhraseError(InputError):
    """A time nobody can read: the message quotes it and lists the accepted forms."""


def _unreadable(text: str) -> TimePhraseError:
    return TimePhraseError(f"I can't read the time `{text}`. Accepted: {ACCEPTED_FORMS}.")


def _wall_clock(day: datetime, match: re.Match[str], zone: tzinfo) -> datetime:
    """`HH:MM` on the local date of `day`, as an aware instant (a DST gap resolves like zoneinfo does)."""
    local = day.astimezone(zone)
    return datetime(local.year, local.month, local.day, int(match.group(1)), int(match.group(2)), tzinfo=zone)


def parse_time(text: str, *, zone: tzinfo, now: datetime) -> datetime:
    """Read one time phrase (one or two words) as an aware instant; TimePhraseError lists accepted forms."""
    require_aware(now, "now")
    phrase = " ".join(text.split()).lower()
    if phrase == "now":
        return now
    offset = _OFFSET.match(phrase)
    if offset and any(offset.groups()[1:]):
        days, hours, minutes = (int(part or 0) for part in offset.groups()[1:])
        try:
            span = timedelta(days=days, hours=hours, minutes=minutes)
            return now + span if offset.group(1) == "+" else now - span
        except OverflowError:  # beyond year 1 or 9999: no calendar has it
            raise TimePhraseError(
                f"`{text}` reaches beyond any date a record can hold. Accepted: {ACCEPTED_FORMS}."
            ) from None
    words = phrase.split(" ")
    if len(words) == 2 and words[0] in _DAY_WORDS and (clock := _CLOCK.match(words[1])):
        return _wall_clock(now - timedelta(days=_DAY_WORDS[words[0]]), clock, zone)
    if len(words) == 1 and (clock := _CLOCK.match(phrase)):
        today = _wall_clock(now, clock, zone)
        return today if today <= now else _wall_clock(now - timedelta(days=1), clock, zone)
    if len(words) == 1 and re.match(r"^\d{4}-\d{2}-\d{2}", phrase):
        try:
            instant = datetime.fromisoformat(text.strip())
        except ValueError:
            raise _unreadable(text) from None
        return instant if instant.tzinfo is not None else instant.replace(tzinfo=zone)
    raise _unreadable(text)


def split_at(words: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """Split `... at <time phrase>` off the end of a command's words: (the words before, the phrase or None)."""
    lowered = [word.lower() for word in words]
    if "at" not in lowered:
        return words, None
    index = len(lowered) - 1 - lowered[::-1].index("at")
    return words[:index], " ".join(words[index + 1 :]) or ""


def parse_span(words: tuple[str, ...], *, zone: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """`<start> <end>`, each one or two words (`yesterday 14:00 15:30`): the first split that reads.

    A bare `HH:MM` end means that time after the start (the same day, or the next), not the latest one.
    """
    for cut in range(1, len(words)):
        start_text, end_text = " ".join(words[:cut]), " ".join(words[cut:])
        try:
            start = parse_time(start_text, zone=zone, now=now)
            clock = _CLOCK.match(end_text.strip())
            if clock is None:
                return start, parse_time(end_text, zone=zone, now=now)
        except TimePhraseError:
            continue
        end = _wall_clock(start, clock, zone)  # a bare HH:MM end is the first such time after the start
        return start, end if end > start else _wall_clock(start + timedelta(days=1), clock, zone)
    raise TimePhraseError(
        f"I can't read `{' '.join(words)}` as a start and an end time. Accepted for each: {ACCEPTED_FORMS}."
    )
