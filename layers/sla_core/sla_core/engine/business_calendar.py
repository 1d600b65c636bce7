"""Business calendars and business-time arithmetic: add, elapsed and remaining open time.

A calendar is weekly windows in one zone's wall time, minus holidays (a holiday closes its whole local
date). Each local week is turned once into sorted UTC intervals (integer microseconds) and cached, so
`add` and `elapsed` jump over whole weeks by their cached totals and step only through the intervals of
the first and last week. Open time is real elapsed time inside the intervals, so DST never adds or loses
an hour, and a 24/7 calendar is plain clock arithmetic. An instant is open when the wall clock reads a time
inside a window: an edge inside the hour skipped in spring opens (or closes) at the instant the clocks jump,
and wall times inside a window that the autumn change repeats are open both times.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.engine.durations import Duration
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.holiday_sets import HolidaySet
from sla_core.engine.instants import from_micros, require_aware, to_micros
from sla_core.engine.windows import MINUTES_PER_DAY, Window, daily_segments, shift_lengths

MAX_WEEKS = 52 * 20  # a calendar that stays closed for 20 years is an error, not a loop
_SECOND = 1_000_000
_MINUTE_MICROS = 60 * _SECOND
_HOUR_MICROS = 60 * _MINUTE_MICROS
_DAY_MICROS = 24 * _HOUR_MICROS
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class _Week:
    start: int
    end: int
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    total: int


@dataclass(slots=True)
class BusinessCalendar:
    """Weekly open windows in `zone`, closed on `holidays`; see the module docstring for the model."""

    name: str
    zone: ZoneInfo
    windows: tuple[Window, ...]
    holidays: HolidaySet | None = None
    business_day_minutes: int | None = None
    description: str = ""
    _segments: tuple[tuple[tuple[int, int], ...], ...] = field(init=False)
    _always: bool = field(init=False)
    _week_minutes: int = field(init=False)
    _weeks: dict[int, _Week] = field(init=False, default_factory=dict)
    _amounts: dict[Duration, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._segments = daily_segments(list(self.windows))
        if not any(self._segments):
            raise PolicyError(f"calendar {self.name!r} has no open time")
        self._always = self.holidays is None and all(s == ((0, MINUTES_PER_DAY),) for s in self._segments)
        self._week_minutes = sum(e - s for day in self._segments for s, e in day)
        if self.business_day_minutes is None:
            lengths = set(shift_lengths(self.windows).values())
            if len(lengths) != 1:
                raise PolicyError(
                    f"calendar {self.name!r}: its working days differ in length, so set business_day "
                    "(e.g. business_day = '8 hours'); an overnight shift counts whole, on the day it starts"
                )
            self.business_day_minutes = lengths.pop()

    @property
    def business_week_minutes(self) -> int:
        """Nominal open minutes of a week without holidays or DST changes."""
        return self._week_minutes

    @property
    def always_open(self) -> bool:
        """True for a 24/7 calendar without holidays: open time is plain elapsed time."""
        return self._always

    def to_timedelta(self, duration: Duration | timedelta) -> timedelta:
        """Open time a contract duration stands for on this calendar (business days and weeks scale)."""
        if isinstance(duration, timedelta):
            return duration
        assert self.business_day_minutes is not None
        minutes = duration.open_minutes(self.business_day_minutes, self.business_week_minutes)
        return timedelta(minutes=minutes)

    # -- weeks ------------------------------------------------------------------------------------

    def _monday(self, micros: int) -> int:
        local = from_micros(micros, self.zone).date()
        return local.toordinal() - local.weekday()

    def _offset(self, micros: int) -> int:
        """The zone's UTC offset at an instant, in microseconds."""
        offset = from_micros(micros, self.zone).utcoffset()
        assert offset is not None
        return (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds

    def _pieces(self, low: int, high: int) -> list[tuple[int, int, int]]:
        """[low, high) cut where the zone's offset changes: (start, end, offset) pieces, found by sampling every
        local day and bisecting to the second between samples that differ (at most one change per day)."""
        samples = [*range(low, high, _DAY_MICROS), high]
        offsets = [self._offset(u) for u in samples]
        pieces: list[tuple[int, int, int]] = []
        start = low
        for i in range(1, len(samples)):
            if offsets[i] == offsets[i - 1]:
                continue
            before, after = samples[i - 1], samples[i]
            while after - before > _SECOND:  # invariant: offset(before) is the old one, offset(after) the new one
                middle = (before + after) // 2 // _SECOND * _SECOND  # whole seconds: zones change on them
                if self._offset(middle) == offsets[i - 1]:
                    before = middle
                else:
                    after = middle
            pieces.append((start, after, offsets[i - 1]))
            start = after
        pieces.append((start, high, offsets[-1]))
        return pieces

    @staticmethod
    def _open_between(pieces: list[tuple[int, int, int]], wall_start: int, wall_end: int) -> list[tuple[int, int]]:
        """The instants whose wall time (UTC-based microseconds of the local date and time) lies in
        [wall_start, wall_end): per constant-offset piece, the wall range moved by the offset and clipped to the
        piece. An edge inside a skipped hour so opens at the instant the clocks jump, and a repeated hour whose
        wall time is inside the range is open both times."""
        found: list[tuple[int, int]] = []
        for low, high, offset in pieces:
            s, e = max(wall_start - offset, low), min(wall_end - offset, high)
            if s < e:
                if found and s <= found[-1][1]:
                    found[-1] = (found[-1][0], max(found[-1][1], e))
                else:
                    found.append((s, e))
        return found

    def _week(self, monday: int) -> _Week:
        week = self._weeks.get(monday)
        if week is not None:
            return week
        wall_monday = (monday - _EPOCH_ORDINAL) * _DAY_MICROS
        wall_next = wall_monday + 7 * _DAY_MICROS
        # Every instant whose wall time falls in this local week lies in this range (offsets span -12 h to +14 h).
        pieces = self._pieces(wall_monday - 15 * _HOUR_MICROS, wall_next + 13 * _HOUR_MICROS)
        week_start = self._open_between(pieces, wall_monday, wall_next + _DAY_MICROS)[0][0]
        week_end = self._open_between(pieces, wall_next, wall_next + _DAY_MICROS)[0][0]
        starts: list[int] = []
        ends: list[int] = []
        for offset in range(7):
            day = date.fromordinal(monday + offset)
            if self.holidays is not None and day in self.holidays:
                continue
            wall_day = wall_monday + offset * _DAY_MICROS
            for s_min, e_min in self._segments[offset]:
                wall_s, wall_e = wall_day + s_min * _MINUTE_MICROS, wall_day + e_min * _MINUTE_MICROS
                for open_s, open_e in self._open_between(pieces, wall_s, wall_e):
                    s, e = max(open_s, week_start), min(open_e, week_end)
                    if e <= s:
                        continue
                    if ends and s <= ends[-1]:
                        ends[-1] = max(ends[-1], e)
                    else:
                        starts.append(s)
                        ends.append(e)
        week = _Week(
            start=week_start,
            end=week_end,
            starts=tuple(starts),
            ends=tuple(ends),
            total=sum(e - s for s, e in zip(starts, ends, strict=True)),
        )
        if len(self._weeks) > 20_000:
            self._weeks.clear()
        self._weeks[monday] = week
        return week

    # -- arithmetic in integer microseconds --------------------------------------------------------

    def add_micros(self, start: int, amount: int) -> int:
        """Earliest instant by which `amount` of open time has elapsed since `start`."""
        if self._always:
            return start + amount
        t, remaining = start, amount
        monday = self._monday(start)
        for _ in range(MAX_WEEKS):
            week = self._week(monday)
            if t <= week.start and week.total < remaining:
                remaining -= week.total
            else:
                starts, ends = week.starts, week.ends
                for i in range(bisect_right(ends, t), len(starts)):
                    s = starts[i] if starts[i] > t else t
                    span = ends[i] - s
                    if span >= remaining:
                        return s + remaining
                    remaining -= span
            t = week.end
            monday += 7
        raise SlaError(f"calendar {self.name!r} has no open time for 20 years after the start")

    def elapsed_micros(self, start: int, end: int) -> int:
        """Open time between two instants; negative when `end` is before `start`."""
        if end < start:
            return -self.elapsed_micros(end, start)
        if self._always:
            return end - start
        total, t = 0, start
        monday = self._monday(start)
        while True:
            week = self._week(monday)
            if t <= week.start and week.end <= end:
                total += week.total
            else:
                starts, ends = week.starts, week.ends
                for i in range(bisect_right(ends, t), len(starts)):
                    if starts[i] >= end:
                        break
                    s = starts[i] if starts[i] > t else t
                    e = ends[i] if ends[i] < end else end
                    total += e - s
            if week.end >= end:
                return total
            t = week.end
            monday += 7

    def open_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """The open intervals between two instants (µs), sorted and disjoint, clipped to [start, end)."""
        if end <= start:
            return []
        if self._always:
            return [(start, end)]
        spans: list[tuple[int, int]] = []
        monday = self._monday(start)
        while True:
            week = self._week(monday)
            for i in range(bisect_right(week.ends, start), len(week.starts)):
                if week.starts[i] >= end:
                    break
                spans.append((max(week.starts[i], start), min(week.ends[i], end)))
            if week.end >= end:
                return spans
            monday += 7

    # -- the public API in datetimes ----------------------------------------------------------------

    def _micros(self, duration: Duration | timedelta) -> int:
        micros = self._amounts.get(duration) if isinstance(duration, Duration) else None
        if micros is None:
            amount = self.to_timedelta(duration)
            micros = amount.days * 86_400_000_000 + amount.seconds * 1_000_000 + amount.microseconds
            if micros < 0:
                raise SlaError(f"cannot add a negative duration ({amount}) on calendar {self.name!r}")
            if isinstance(duration, Duration):
                self._amounts[duration] = micros
        return micros

    def add(self, start: datetime, duration: Duration | timedelta) -> datetime:
        """Due instant, in this calendar's zone: `duration` of open time counted from `start`."""
        micros = self._micros(duration)
        return from_micros(self.add_micros(to_micros(require_aware(start, "start")), micros), self.zone)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between `start` and `end` (negative when `end` comes first)."""
        a, b = to_micros(require_aware(start, "start")), to_micros(require_aware(end, "end"))
        return timedelta(microseconds=self.elapsed_micros(a, b))

    def remaining(self, now: datetime, due: datetime) -> timedelta:
        """Open time left until `due`; negative (overdue by that much open time) after it."""
        return self.elapsed(now, due)

    def is_open(self, instant: datetime) -> bool:
        """Whether the calendar is open at `instant`."""
        t = to_micros(require_aware(instant))
        if self._always:
            return True
        week = self._week(self._monday(t))
        i = bisect_right(week.ends, t)
        return i < len(week.starts) and week.starts[i] <= t

    def next_open(self, instant: datetime) -> datetime:
        """`instant` itself when open, else the next opening."""
        return from_micros(self.add_micros(to_micros(require_aware(instant)), 0), self.zone)


def add(start: datetime, duration: Duration | timedelta, calendar: BusinessCalendar) -> datetime:
    """Due instant: `duration` of `calendar`'s open time after `start` (or after its next opening)."""
    return calendar.add(start, duration)


def elapsed(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Open time of `calendar` between two instants."""
    return calendar.elapsed(start, end)


def remaining(now: datetime, due: datetime, calendar: BusinessCalendar) -> timedelta:
    """Open time of `calendar` left from `now` until `due` (negative once overdue)."""
    return calendar.remaining(now, due)
