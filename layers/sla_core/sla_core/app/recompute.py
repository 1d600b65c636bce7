"""Reported periods are never rewritten silently: a report keeps the figures it gave (`remember_reported`);
`/sla recompute <contract> <period>` compares the latest figures on record (as reported, or as last corrected)
with the figures computed now, and only a confirmation records the correction and posts it, once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sla_core.app.corrections import Correction, owe_correction, period_figures
from sla_core.app.notices import Figures, ReportJob
from sla_core.app.store import repository
from sla_core.config.contract import Contract


@dataclass(frozen=True, slots=True)
class Recompute:
    """A period's figures on record (None: never reported nor corrected) against the figures computed now."""

    contract: Contract
    period: str
    old: Figures | None
    old_at: datetime | None
    new: Figures

    @property
    def changed(self) -> bool:
        return self.old is not None and self.old != self.new

    @property
    def token(self) -> str:
        """Names these new figures: a confirmation applies only to what was shown."""
        return hashlib.sha256(json.dumps(self.new, sort_keys=True, default=str).encode()).hexdigest()[:12]


def reported_period(job: ReportJob) -> str | None:
    """The credit period a report closes: its month, or its quarter on the quarter's last month."""
    if job.unit == "month":
        return job.period.label
    if job.quarter is not None and job.period.end == job.quarter.end:
        return job.quarter.label
    return None


def remember_reported(job: ReportJob, contract: Contract, now: datetime) -> None:
    """Keep the figures a report gives for the credit period it closes (the first report's stay)."""
    period = reported_period(job)
    if period is not None:
        repository.record_reported(contract.id, period, period_figures(contract, period, now), now)


def recompute(contract: Contract, period: str, now: datetime) -> Recompute:
    """The period on record (its last correction, else its report) against its figures now."""
    corrections = repository.corrections(contract.id, period)
    if corrections:
        last = corrections[-1]
        return Recompute(contract, period, dict(last.after), last.recorded_at, period_figures(contract, period, now))
    found = repository.reported(contract.id, period)
    old, at = (dict(found.figures), found.reported_at) if found is not None else (None, None)
    return Recompute(contract, period, old, at, period_figures(contract, period, now))


def confirm(
    contract: Contract, period: str, token: str, *, actor: str, now: datetime, words: Callable[[Correction], str]
) -> Correction | None:
    """Record and post the correction `/sla recompute` showed, if the figures are still the ones it showed and
    still differ from those on record; None otherwise (nothing to do, or the figures moved since: look again)."""
    found = recompute(contract, period, now)
    if not found.changed or found.token != token or found.old is None:
        return None
    correction = Correction(
        f"recompute-{found.token}", contract, period, found.old, found.new,
        "recomputed under the terms and records in force", actor, now,
    )  # fmt: skip
    return correction if owe_correction(correction, words) else None
