"""The SLA report as CSV, one definition for `/sla report` and `python -m sla_core report`: a row per outage (its
whole span in the contract's zone, the minutes of it inside the period counted and excluded, and why), then the
totals, the credit, the claim deadline, each reading with the figures under the other one, and the notes.

Each outage's minutes come from the engine's own classification (`classification.tally`), run over the outages
in time order: an outage's figures are what it adds to the tally of the outages before it (where the policy has
a monthly maintenance allowance, used in time order; otherwise its own tally), so the allowance is used up
exactly as the estimate used it and the outages add up to the estimate's totals, to the microsecond. Minutes are
shown rounded half-up to 2 places; instants as ISO 8601 with the offset of the contract's zone.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import partial
from typing import Any

from sla_core.app.alternate_figures import OtherFigure, StoredEstimate
from sla_core.engine.alternate_readings import credit_figures
from sla_core.engine.classification import (
    BEYOND_ALLOWANCE,
    BEYOND_YEARLY,
    EMERGENCY_COUNTED,
    LATE_NOTICE,
    OUT_OF_WINDOWS,
    UNEXCLUDED_MAINTENANCE,
    UNPLANNED,
    tally,
)
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.instants import iso
from sla_core.engine.intervals import Downtime, merge_spans
from sla_core.engine.periods import MICROS_PER_MINUTE
from sla_core.engine.policy import Policy
from sla_core.engine.rounding import round_half_up

COLUMNS = (
    "section",
    "component",
    "start",
    "end",
    "minutes_counted",
    "minutes_excluded",
    "counted_why",
    "excluded_why",
    "cause",
    "incident",
    "figure",
    "value",
    "unit",
    "detail",
    "if_other",
)
# The classification's reasons whose time counts as downtime; every other reason's time is excluded.
COUNTED_REASONS = frozenset(
    {UNPLANNED, EMERGENCY_COUNTED, UNEXCLUDED_MAINTENANCE, LATE_NOTICE, OUT_OF_WINDOWS, BEYOND_ALLOWANCE, BEYOND_YEARLY}
)
Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class OutageLine:
    """One whole outage (its intervals merged, unsplit) and how its time inside the period was classified:
    µs counted and excluded, and µs by reason."""

    start: int
    end: int
    counted: int
    excluded: int
    reasons: tuple[tuple[str, int], ...]
    intervals: tuple[Downtime, ...]


def report_filename(name: str, period_label: str) -> str:
    """The report's file name: 'sonar-billing-2026-03-sla.csv'."""
    return f"{name}-{period_label}-sla.csv"


def report_csv(parts: Sequence[StoredEstimate], notes: Sequence[str] = ()) -> str:
    """The CSV of one or more estimates (one per component), header first; `notes` are added to each part's."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    for part in parts:
        writer.writerows(report_rows(part, notes))
    return out.getvalue()


def report_for_inputs(policy: Policy, period: str, agreement_date: date | None = None, **inputs: Any) -> str:
    """The CSV of the estimate `estimate_credit(policy, period, **inputs)` (what the CLI's `credit` computes),
    noting what the tier name means under an agreement dated `agreement_date`."""
    choice = policy.tier_choice(inputs.get("tier"), agreement_date)
    estimate = estimate_credit(policy, period, **inputs)
    part = StoredEstimate(estimate, tuple(inputs.get("intervals", ())), tuple(inputs.get("failed_months", ())))
    return report_csv([part], [choice.condition] if choice.condition else [])


def report_rows(part: StoredEstimate, notes: Sequence[str] = ()) -> list[Row]:
    """One estimate's rows: the period, its outages, totals, credit, claim, readings and notes, in that order."""
    e = part.estimate
    return [
        _heading_row(e),
        *(_outage_row(e, line) for line in outage_lines(e)),
        *_total_rows(e),
        *_credit_rows(e),
        *_claim_rows(e),
        *_reading_rows(e, part.others()),
        *(_row(e, "note", figure="note", detail=note) for note in (*e.notes, *notes)),
    ]


def outage_lines(estimate: CreditEstimate) -> tuple[OutageLine, ...]:
    """The outages with time in the measured period, in time order, each classified by the estimate's own rules
    (what it adds to the tally of the outages before it); none without an availability measurement."""
    m, terms = estimate.availability, estimate.policy.terms.availability
    if m is None or terms is None:
        return ()
    classify = partial(
        tally,
        period=m.period,
        terms=terms,
        zone=estimate.zone,
        excluded=terms.excluded,
        unknown_notice=m.unknown_notice,
        allowance_used=m.allowance_used,
    )
    # Only a monthly allowance ties an outage's figures to the outages before it; without one each outage is
    # classified on its own (linear, not quadratic, in the number of outages).
    allowance = terms.maintenance is not None and terms.maintenance.allowance is not None
    nothing = before = classify([])
    seen: list[Downtime] = []
    lines: list[OutageLine] = []
    for (start, end), run in _runs(m.recorded):
        if end <= m.period.start or start >= m.period.end:
            continue
        seen = [*seen, *run] if allowance else run
        found = classify(seen)
        added = _added(before.reasons, found.reasons)
        lines.append(
            OutageLine(start, end, found.counted - before.counted, found.excluded - before.excluded, added, tuple(run))
        )
        before = found if allowance else nothing
    return tuple(lines)


def _runs(intervals: Sequence[Downtime]) -> list[tuple[tuple[int, int], list[Downtime]]]:
    """The intervals grouped into whole outages (runs that overlap or touch), each with its merged span."""
    spans = merge_spans((iv.start, iv.end) for iv in intervals)
    starts = [start for start, _ in spans]
    runs: list[list[Downtime]] = [[] for _ in spans]
    for iv in sorted(intervals, key=lambda iv: iv.start):
        runs[bisect_right(starts, iv.start) - 1].append(iv)
    return list(zip(spans, runs, strict=True))


def _added(before: Iterable[tuple[str, int]], after: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """The µs by reason that `after` has beyond `before`."""
    earlier = dict(before)
    return tuple(
        (reason, amount - earlier.get(reason, 0)) for reason, amount in after if amount > earlier.get(reason, 0)
    )


# -- rows ---------------------------------------------------------------------------------------------------


def _row(e: CreditEstimate, section: str, **fields: str) -> Row:
    """A row of `section` about the estimate's component; the columns not given stay empty."""
    return {"section": section, "component": e.component, **fields}


def _minutes(micros: int) -> str:
    """µs as minutes with 2 places, half-up: '120.00'."""
    return f"{round_half_up(Fraction(micros, MICROS_PER_MINUTE)):f}"


def _why(reasons: Iterable[tuple[str, int]], *, counted: bool) -> str:
    """The counted (or the excluded) reasons with their minutes: 'scheduled maintenance: 30.00; ...'."""
    return "; ".join(f"{reason}: {_minutes(v)}" for reason, v in reasons if (reason in COUNTED_REASONS) == counted)


def _joined(values: Iterable[str | None]) -> str:
    """The distinct values given, in first-seen order, joined by '; '."""
    return "; ".join(dict.fromkeys(v for v in values if v))


def _heading_row(e: CreditEstimate) -> Row:
    """The period the rows are about, with the vendor, policy, tier, region and the zone times are given in."""
    where = ", ".join(f"{name} {value}" for name, value in (("tier", e.tier), ("region", e.region)) if value)
    detail = f"{e.policy.vendor}, policy {e.policy.id}{', ' + where if where else ''}; times in {e.zone.key}"
    period = e.period
    return _row(
        e, "report", start=iso(period.start, e.zone), end=iso(period.end, e.zone), figure="period",
        value=period.label, detail=detail,
    )  # fmt: skip


def _outage_row(e: CreditEstimate, line: OutageLine) -> Row:
    """One outage: its whole span, its minutes in the period counted and excluded with why, causes, incidents."""
    return _row(
        e,
        "outage",
        start=iso(line.start, e.zone),
        end=iso(line.end, e.zone),
        minutes_counted=_minutes(line.counted),
        minutes_excluded=_minutes(line.excluded),
        counted_why=_why(line.reasons, counted=True),
        excluded_why=_why(line.reasons, counted=False),
        cause=_joined(iv.cause for iv in line.intervals),
        incident=_joined(iv.incident for iv in line.intervals),
    )


def _total_rows(e: CreditEstimate) -> list[Row]:
    """Availability over the measured period with its minutes, then credited minutes and missed responses."""
    rows = [_availability_row(e)] if e.availability is not None else []
    if e.credited_micros is not None:
        rows.append(_row(e, "total", figure="credited_minutes", value=_minutes(e.credited_micros), unit="min"))
    if e.missed_responses is not None:
        depending = e.missed_on_reading
        detail = f"{depending} of them missed only under the chosen readings of the deadlines" if depending else ""
        rows.append(_row(e, "total", figure="missed_responses", value=str(e.missed_responses), detail=detail))
    return rows


def _availability_row(e: CreditEstimate) -> Row:
    """The measured period's counted and excluded minutes by reason, and the availability against the target."""
    m = e.availability
    assert m is not None
    verdict = f"target {m.target_percent:f}% {'met' if m.met else 'missed'}"
    return _row(
        e,
        "total",
        start=iso(m.period.start, e.zone),
        end=iso(m.period.end, e.zone),
        minutes_counted=_minutes(m.counted),
        minutes_excluded=_minutes(m.excluded),
        counted_why=_why(m.reasons, counted=True),
        excluded_why=_why(m.reasons, counted=False),
        figure="availability_percent",
        value=m.percent_text(),
        unit="%",
        detail=f"{verdict}; {_minutes(m.total)} minutes in the period",
    )


def _credit_rows(e: CreditEstimate) -> list[Row]:
    """The credit (percent where the mechanism has one, the amount and its basis) and any termination right."""
    rows: list[Row] = []
    if e.percent is not None:
        rows.append(_row(e, "credit", figure="credit_percent", value=f"{e.percent:f}", unit="%"))
    rows.append(_row(e, "credit", figure="credit_amount", value=f"{e.amount:.2f}", unit=e.currency, detail=e.basis))
    right = e.termination
    if right is not None:
        until = iso(right.until, e.zone) if right.until is not None else ""
        value = "yes" if right.exists else "no"
        rows.append(_row(e, "credit", end=until, figure="termination_right", value=value, detail=right.basis))
    return rows


def _claim_rows(e: CreditEstimate) -> list[Row]:
    """The claim deadline with its basis, then where to send the claim and what it must contain."""
    claim = e.claim
    deadline = iso(claim.deadline, e.zone) if claim.deadline is not None else ""
    rows = [_row(e, "claim", figure="claim_deadline", value=deadline, detail=claim.basis)]
    if claim.submit_to or claim.contents:
        contents = "; ".join(claim.contents)
        rows.append(_row(e, "claim", figure="claim_requirements", value=claim.submit_to or "", detail=contents))
    return rows


def _reading_rows(e: CreditEstimate, others: Sequence[OtherFigure]) -> list[Row]:
    """Each reading: the chosen one, the other one, and the figures that change under the other one."""
    rows: list[Row] = []
    for reading in e.readings:
        other = next((o for o in others if o.reading == reading), None)
        changed = _if_other(other) if other is not None else ""
        rows.append(
            _row(e, "reading", figure="reading", value=reading["chosen"], detail=reading["other"], if_other=changed)
        )
    return rows


def _if_other(other: OtherFigure) -> str:
    """The figures that differ under the other reading: 'credit_amount=0.00; claim_deadline=...'."""
    figures = credit_figures(other.estimate.as_dict())
    return "; ".join(f"{name}={_figure_text(figures.get(name))}" for name in other.differs)


def _figure_text(value: Any) -> str:
    """A figure of `credit_figures` as text: yes/no, 'none', a termination right's 'yes until ...'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        exists = bool(value.get("exists"))
        return f"yes until {value['until']}" if exists and value.get("until") else _figure_text(exists)
    return "none" if value is None else str(value)
