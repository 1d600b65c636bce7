"""The notes a measurement carries: what the monitoring rule dropped, what the period's edges cut, and how
maintenance and exclusions were counted, in prose for people."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sla_core.engine.classification import (
    BEYOND_ALLOWANCE,
    BEYOND_YEARLY,
    EMERGENCY_COUNTED,
    IN_WINDOWS,
    LATE_NOTICE,
    OUT_OF_WINDOWS,
    UNEXCLUDED_MAINTENANCE,
    UNPLANNED,
    WITHIN_ALLOWANCE,
    WITHIN_YEARLY,
    Tally,
)
from sla_core.engine.instants import iso
from sla_core.engine.intervals import Downtime
from sla_core.engine.periods import Period
from sla_core.engine.rounding import minutes_text
from sla_core.engine.terms import AvailabilityTerms, Notice


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _hours(micros: int) -> str:
    return f"{round(micros / 3_600_000_000, 2):g} h"


def notice_notes(notice: Notice | None, found: Tally, intervals: Sequence[Downtime], zone: ZoneInfo) -> list[str]:
    """Why maintenance counted for short notice, which maintenance was assumed announced in time, and that
    announcement times change nothing where the policy sets no notice rule."""
    if notice is None:
        if any(iv.announced is not None for iv in intervals):
            return ["the policy sets no notice rule for maintenance, so announcement times change nothing"]
        return []
    notes: list[str] = []
    for start, end, lead in found.late:
        when = f"maintenance {iso(start, zone)} – {iso(end, zone)}"
        if lead is None:
            notes.append(f"{when} has no announcement time and is taken here as announced too late: it counts")
        else:
            ahead = f"{_hours(lead)} ahead" if lead >= 0 else f"{_hours(-lead)} after it started"
            notes.append(
                f"{when} was announced {ahead}; the contract requires {notice.required}, so it counts as downtime"
            )
    if found.assumed:
        notes.append(
            f"{_plural(found.assumed, 'maintenance interval')} without an announcement time taken as announced in "
            f"time ({notice.required} ahead); readings give the figures if not"
        )
    return notes


def measurement_notes(
    terms: AvailabilityTerms,
    zone: ZoneInfo,
    found: Tally,
    dropped: list[tuple[int, int]],
    period: Period,
    intervals: Sequence[Downtime] = (),
    allowance_used: int = 0,
) -> list[str]:
    """One sentence per rule that changed the figures: dropped outages, edges, maintenance, notice, exclusions
    (and how much of a yearly allowance the year's earlier maintenance used); and, for a contract that measures by
    probes, the basis: incident time, not the provider's probe series."""
    notes: list[str] = []
    recording = terms.recording
    if recording and recording.probe_interval and (found.counted or found.excluded or dropped):
        notes.append(
            "Basis: downtime is the recorded incidents' time, start to end; the contract measures it by probes every "
            f"{recording.probe_interval} ({recording.probe_failures} or more failures in a row, from the first to "
            "the last failed probe), so the provider's figure can differ by up to one probe interval at each end "
            "of an outage"
        )
    if dropped and terms.recording and terms.recording.minimum_outage:
        total = sum(e - s for s, e in dropped)
        notes.append(
            f"{_plural(len(dropped), 'outage')} shorter than {terms.recording.minimum_outage} "
            f"({minutes_text(total)} minutes in all) not recorded, per the policy's monitoring rule"
        )
    if found.outside:
        notes.append(f"{_plural(found.outside, 'interval')} outside {period.label} ignored")
    if found.split:
        notes.append(
            f"{_plural(found.split, 'interval')} crossing the edge of {period.label} split: only the part inside counts"
        )
    if found.absorbed:
        notes.append(
            f"{minutes_text(found.absorbed)} minutes of downtime fell within declared maintenance and are judged "
            "as that maintenance (its windows, allowance and notice), not as unplanned downtime"
        )
    maintenance = terms.maintenance
    permitted, refused = "", ""
    if maintenance and maintenance.windows:
        zones = maintenance.zones or (zone.key,)
        where = zones[0] if len(zones) == 1 else f"in each of {' and '.join(zones)}"
        windows = f"windows ({', '.join(maintenance.windows_text)}, {where})"
        permitted, refused = f"inside the allowed {windows}", f"outside the allowed {windows}"
        if maintenance.windows_are == "forbidden":
            permitted, refused = f"outside the forbidden {windows}", f"inside the forbidden {windows}"
    allowance = f" of {maintenance.allowance}" if maintenance and maintenance.allowance else ""
    if allowance_used:
        notes.append(f"{minutes_text(allowance_used)} minutes of the yearly allowance{allowance} were used by "
                     f"maintenance earlier in the year, before {period.label}")  # fmt: skip
    for reason, amount in found.reasons:
        text = f"{minutes_text(amount)} minutes"
        if reason == OUT_OF_WINDOWS:
            notes.append(f"{text} of scheduled maintenance fell {refused} and count as downtime")
        elif reason in (BEYOND_ALLOWANCE, BEYOND_YEARLY):
            per = "yearly" if reason == BEYOND_YEARLY else "monthly"
            notes.append(f"{text} of maintenance went beyond the {per} allowance{allowance} and count as downtime")
        elif reason == IN_WINDOWS:
            notes.append(f"{text} excluded: scheduled maintenance {permitted}")
        elif reason in (WITHIN_ALLOWANCE, WITHIN_YEARLY):
            per = "yearly" if reason == WITHIN_YEARLY else "monthly"
            notes.append(f"{text} excluded: maintenance within the {per} allowance{allowance}")
        elif reason in (EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE):
            notes.append(f"{text} of {reason}")
        elif reason == LATE_NOTICE:
            notes.append(f"{text} of maintenance announced too late count as downtime")
        elif reason != UNPLANNED:
            notes.append(f"{text} excluded: {reason}")
    notes += notice_notes(maintenance.notice if maintenance else None, found, intervals, zone)
    return notes
