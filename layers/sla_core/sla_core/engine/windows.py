"""Weekly windows in local wall time ("Mon-Fri 09:00-19:00", overnight "Thu 21:00-03:00")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sla_core.engine.errors import InputError, PolicyError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
ACCEPTED = "'Mon-Fri 09:00-19:00', 'Sat,Sun 10:00-14:00' or overnight 'Thu 21:00-03:00'"
_PATTERN = re.compile(r"^\s*([A-Za-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Window:
    """Open from `start` to `end` minutes after local midnight of `weekday` (0 = Monday); `end` may pass 24:00."""

    weekday: int
    start: int
    end: int


def _days(spec: str, text: str) -> list[int]:
    days: list[int] = []
    for part in spec.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e[:3] not in DAYS or len(e) < 3 for e in ends):
            raise InputError(f"{text!r}: {part!r} is not a day or day range; accepted: {ACCEPTED}")
        first, last = DAYS.index(ends[0][:3]), DAYS.index(ends[-1][:3])
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def parse_window(text: str) -> list[Window]:
    """One window per day the text names; an end at or before the start runs past midnight."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise InputError(f"{text!r} is not a weekly window; accepted: {ACCEPTED}")
    sh, sm, eh, em = (int(g) for g in match.groups()[1:])
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
        raise InputError(f"{text!r}: times run from 00:00 to 24:00; accepted: {ACCEPTED}")
    start, end = sh * 60 + sm, eh * 60 + em
    if end <= start:
        end += MINUTES_PER_DAY
    return [Window(day, start, end) for day in _days(match.group(1), text)]


class Windows(tuple[Window, ...]):
    """A policy's weekly windows, parsed, with their texts as written (`texts`)."""

    ACCEPTED = f"a non-empty list of weekly windows such as {ACCEPTED}"
    texts: tuple[str, ...]

    def __new__(cls, windows: tuple[Window, ...] = (), texts: tuple[str, ...] = ()) -> Windows:
        found = super().__new__(cls, windows)
        found.texts = texts
        return found


def parse_windows(value: Any) -> Windows:
    """A policy's list of window texts (`ACCEPTED`), parsed; an empty window (it ends when it starts) and windows
    that overlap are named as such, never merged silently."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"must be a non-empty list of windows; accepted: {Windows.ACCEPTED}")
    spans: list[tuple[int, int, str]] = []  # minutes of the week, from Monday 00:00
    for text in value:
        for w in parse_window(text):
            if w.end - w.start == MINUTES_PER_DAY and w.start:
                raise PolicyError(f"{text!r} is empty: it ends at the time it starts; accepted: {ACCEPTED}")
            spans.append((w.weekday * MINUTES_PER_DAY + w.start, w.weekday * MINUTES_PER_DAY + w.end, text))
    spans.sort()
    week = 7 * MINUTES_PER_DAY
    for (_, end, text), (later, _, other) in zip(
        spans, [*spans[1:], (spans[0][0] + week, 0, spans[0][2])], strict=True
    ):
        if later < end:
            day = DAYS[(later // MINUTES_PER_DAY) % 7].capitalize()
            pair = f"{text!r} and {other!r}" if text != other else f"{text!r} (its days)"
            raise PolicyError(f"{pair} overlap on {day}; accepted: windows that do not overlap")
    return Windows(tuple(w for text in value for w in parse_window(text)), tuple(value))


def daily_segments(windows: list[Window]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per weekday, the merged (start, end) minute ranges within that local day, overnight parts moved on."""
    per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for w in windows:
        per_day[w.weekday].append((w.start, min(w.end, MINUTES_PER_DAY)))
        if w.end > MINUTES_PER_DAY:
            per_day[(w.weekday + 1) % 7].append((0, w.end - MINUTES_PER_DAY))
    merged: list[tuple[tuple[int, int], ...]] = []
    for segments in per_day:
        out: list[tuple[int, int]] = []
        for start, end in sorted(segments):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        merged.append(tuple(out))
    return tuple(merged)


def shift_lengths(windows: tuple[Window, ...] | list[Window]) -> dict[int, int]:
    """Open minutes per working day, keyed by the weekday a shift starts on: an overnight shift ('Thu
    21:00-03:00', 6 hours) counts whole on its first day, so it is one business day, not the part before
    midnight; overlapping windows of one day count once."""
    per_day: dict[int, list[tuple[int, int]]] = {}
    for w in windows:
        per_day.setdefault(w.weekday, []).append((w.start, w.end))
    lengths: dict[int, int] = {}
    for day, ranges in per_day.items():
        total, reach = 0, -1
        for start, end in sorted(ranges):
            if end > reach:
                total += end - max(start, reach)
                reach = end
        lengths[day] = total
    return lengths
