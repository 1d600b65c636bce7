"""The notes a measurement carries: what the monitoring rule dropped, what the period's edges cut, and how
maintenance and exclusions were counted, in prose for people."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sla_core.engine.classification import (
    BEYOND_ALLOWANCE,
    EMERGENCY_COUNTED,
    IN_WINDOWS,
    OUT_OF_WINDOWS,
    UNEXCLUDED_MAINTENANCE,
    UNPLANNED,
    WITHIN_ALLOWANCE,
    Tally,
)
from sla_core.engine.periods import Period
from sla_core.engine.rounding import minutes_text
from sla_core.engine.terms import AvailabilityTerms


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def measurement_notes(
    terms: AvailabilityTerms, zone: ZoneInfo, found: Tally, dropped: list[tuple[int, int]], period: Period
) -> list[str]:
    """One sentence per rule that changed the figures: dropped outages, edges, maintenance, exclusions."""
    notes: list[str] = []
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
    maintenance = terms.maintenance
    permitted, refused = "", ""
    if maintenance and maintenance.windows:
        windows = f"windows ({', '.join(maintenance.windows_text)}, {zone.key})"
        permitted, refused = f"inside the allowed {windows}", f"outside the allowed {windows}"
        if maintenance.windows_are == "forbidden":
            permitted, refused = f"outside the forbidden {windows}", f"inside the forbidden {windows}"
    allowance = f" of {maintenance.allowance}" if maintenance and maintenance.allowance else ""
    for reason, amount in found.reasons:
        text = f"{minutes_text(amount)} minutes"
        if reason == OUT_OF_WINDOWS:
            notes.append(f"{text} of scheduled maintenance fell {refused} and count as downtime")
        elif reason == BEYOND_ALLOWANCE:
            notes.append(f"{text} of maintenance went beyond the monthly allowance{allowance} and count as downtime")
        elif reason == IN_WINDOWS:
            notes.append(f"{text} excluded: scheduled maintenance {permitted}")
        elif reason == WITHIN_ALLOWANCE:
            notes.append(f"{text} excluded: maintenance within the monthly allowance{allowance}")
        elif reason in (EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE):
            notes.append(f"{text} of {reason}")
        elif reason != UNPLANNED:
            notes.append(f"{text} excluded: {reason}")
    return notes
