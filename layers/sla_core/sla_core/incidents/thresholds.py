"""Per-contract reminder thresholds, apart from the reminder stages so configuration can import them cheaply.

The contracts file is read at every cold start (the Slack ack path among them); this module imports only the
standard library, not the tracking, deadline and calendar modules behind `reminder_stages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Per-contract reminder settings; defaults follow common practice (50%, 75% or 15 min, breach)."""

    heads_up_fraction: float = 0.5
    warning_fraction: float = 0.75
    warning_before: timedelta = timedelta(minutes=15)
    update_before: timedelta = timedelta(minutes=10)
