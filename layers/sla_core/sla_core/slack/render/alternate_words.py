"""The other figure next to the chosen one, in Slack words: "due Sat 11 Apr 11:00 EDT (Mon 13 Apr 11:00 EDT if
read as: Primary Hours run Monday to Friday only)", "224.00 USD (0.00 USD if read as: Eastern local time only)".

Shown only where the other reading (stated as policy data) changes the answer; the reading itself is named in
a few words: its first alternative without asides, escaped and fitted, so a line stays short and Block Kit-safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sla_core.app.alternate_figures import OtherFigure
from sla_core.engine.alternate_readings import moved_deadlines
from sla_core.engine.clauses import Clause, Reading
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.deadlines import Deadline
from sla_core.engine.instants import from_micros
from sla_core.slack.render.text import duration_text, escape, fit, local_time

OTHER_WORDS = 120  # characters of the other reading's words at most
# Readings that rest on an assumption about the input: their other side in words (the engine's are sentences).
ASSUMPTION_WORDS = {
    "missed_on_reading": "the misses that depend on a reading were met",
    "unknown_notice": "maintenance without an announcement time was announced too late",
}
_ALTERNATIVE = re.compile(r"[;,] or ")
_ASIDE = re.compile(r"\s*\([^()]*\)")


def other_words(reading: Mapping[str, str]) -> str:
    """The other reading in a few escaped words: the first alternative it names (the one stated as data),
    without parenthesised asides or the final stop."""
    if isinstance(reading, Reading) and reading.assumption in ASSUMPTION_WORDS:
        return ASSUMPTION_WORDS[reading.assumption]
    first = _ALTERNATIVE.split(reading.get("other", ""), maxsplit=1)[0]
    words = _ASIDE.sub("", first).strip().rstrip(".").strip()
    return fit(escape(words), OTHER_WORDS)


def if_other(figure: str, reading: Mapping[str, str]) -> str:
    """'<figure> if read as: <other reading>'."""
    return f"{figure} if read as: {other_words(reading)}"


def aside(parts: Sequence[str]) -> str:
    """' (a) (b)' after a chosen figure, or nothing when no other reading changes it."""
    return "".join(f" ({part})" for part in parts)


# -- deadlines -----------------------------------------------------------------------------------------


def moved_due(deadline: Deadline, zone: tzinfo) -> str:
    """' (Wed 15 Apr 09:15 EDT if read as: ...)' for each reading whose other side moves the due instant."""
    moved = moved_deadlines(deadline)
    return aside([if_other(local_time(other.due_at, zone), _reading(clause)) for clause, other in moved])


def flipped_outcome(deadline: Deadline, done_at: datetime) -> str:
    """' (met with 2 h to spare if read as: ...)' for each reading whose other side turns met into missed or
    missed into met for work done at `done_at`."""
    met = deadline.outcome(done_at)["met"]
    parts = []
    for clause, other in moved_deadlines(deadline):
        outcome = other.outcome(done_at)
        if outcome["met"] != met:
            parts.append(if_other(verdict(outcome), _reading(clause)))
    return aside(parts)


def verdict(outcome: Mapping[str, Any]) -> str:
    """'met with 12 min to spare' or 'missed by 1 h 05 min', from `Deadline.outcome`."""
    margin = timedelta(minutes=abs(float(outcome["margin_minutes"])))
    return f"met with {duration_text(margin)} to spare" if outcome["met"] else f"missed by {duration_text(margin)}"


def _reading(clause: Clause) -> dict[str, str]:
    """The clause's reading in its JSON shape (a clause `moved_deadlines` names always carries one)."""
    return clause.readings()[0]


# -- credit estimates ------------------------------------------------------------------------------------


def other_figure(others: Sequence[OtherFigure], names: Sequence[str], render: Callable[[CreditEstimate], str]) -> str:
    """' (<figure> if read as: ...)' for each other reading that changes one of the figures `names`."""
    return aside([if_other(render(o.estimate), o.reading) for o in others if set(names) & set(o.differs)])


def amount_text(estimate: CreditEstimate) -> str:
    """'12.10 USD'."""
    return f"{estimate.amount:.2f} {estimate.currency}"


def other_amount(others: Sequence[OtherFigure]) -> str:
    """The other credit amount: ' (0.00 USD if read as: ...)'."""
    return other_figure(others, ("credit_amount",), amount_text)


def other_availability(others: Sequence[OtherFigure]) -> str:
    """The other availability and verdict: ' (met at 99.5370% if read as: ...)'."""

    def render(e: CreditEstimate) -> str:
        m = e.availability
        return f"{'met' if e.target_met else 'missed'} at {m.percent_text()}%" if m is not None else "not measured"

    return other_figure(others, ("availability_percent", "target_met"), render)


def other_claim(others: Sequence[OtherFigure]) -> str:
    """The other claim deadline: ' (Thu 30 Apr 00:00 CEST if read as: ...)', or 'no deadline'."""

    def render(e: CreditEstimate) -> str:
        deadline = e.claim.deadline
        return local_time(from_micros(deadline, e.zone), e.zone) if deadline is not None else "no deadline"

    return other_figure(others, ("claim_deadline",), render)


def other_termination(others: Sequence[OtherFigure]) -> str:
    """The other termination right: ' (no termination right if read as: ...)' or ' (a right until ... if ...)'."""

    def render(e: CreditEstimate) -> str:
        right = e.termination
        if right is None or not right.exists or right.until is None:
            return "no termination right"
        return f"a right until {local_time(from_micros(right.until, e.zone), e.zone)}"

    return other_figure(others, ("termination_right",), render)


def reading_misses(missed: int, on_reading: int | None) -> str:
    """' (1 depends on a reading: 4 without it)' after a count of missed responses, or nothing."""
    if not on_reading:
        return ""
    verb = "depends" if on_reading == 1 else "depend"
    return f" ({on_reading} {verb} on a reading: {missed - on_reading} {without(on_reading)})"


def without(on_reading: int) -> str:
    """'without it' or 'without them': the misses that depend on a reading."""
    return "without it" if on_reading == 1 else "without them"
