"""What the sweep and the reports hand to the `Messages` port to put in words: digests, duty and claim reminders,
reports and changes of terms, as frozen values (they sit below `ports`, which only names them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sla_core.app.alternate_figures import OtherFigure
from sla_core.app.contract_credit import MissedResponse
from sla_core.app.month_glance import ComponentGlance
from sla_core.config.contract import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.duties import DutyDeadline, DutyReminder
from sla_core.engine.periods import Period
from sla_core.incidents.records import Incident
from sla_core.incidents.tracking import TrackedDeadline

NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class OpenIncident:
    """An open incident and its clocks under its contract."""

    item: Incident
    deadlines: tuple[TrackedDeadline, ...]

    @property
    def running(self) -> list[TrackedDeadline]:
        """The clocks not met yet, soonest first."""
        return sorted((t for t in self.deadlines if t.met_at is None), key=lambda t: t.due_at)

    @property
    def next_due(self) -> datetime:
        """When its next clock falls due (the far future when none runs)."""
        running = self.running
        return running[0].due_at if running else NEVER


@dataclass(frozen=True, slots=True)
class Digest:
    """One contract's digest for one local day, as of `now`."""

    contract: Contract
    day: date
    zone: ZoneInfo
    now: datetime
    incidents: tuple[OpenIncident, ...]
    glances: tuple[ComponentGlance, ...]
    skipped: int = 0  # open incidents whose clocks could not be computed (logged), not in `incidents`

    @property
    def due_today(self) -> list[tuple[OpenIncident, TrackedDeadline]]:
        """Each running clock that falls due on the digest's day in the contract's zone, in due order (those
        already past today included)."""
        found = [
            (incident, tracked)
            for incident in self.incidents
            for tracked in incident.running
            if tracked.due_at.astimezone(self.zone).date() == self.day
        ]
        return sorted(found, key=lambda pair: pair[1].due_at)


@dataclass(frozen=True, slots=True)
class DutyNotice:
    """One duty reminder owed to a contract's channel at `reminder.at` (claimed at `now`, which its words
    count the days left from)."""

    post_id: str
    contract: Contract
    deadline: DutyDeadline
    reminder: DutyReminder
    now: datetime

    @property
    def days_left(self) -> int:
        """Whole local days from `now` to the deadline's date (the deadline is 00:00 on it)."""
        assert self.deadline.on is not None
        return (self.deadline.on - self.now.astimezone(self.deadline.zone).date()).days


@dataclass(frozen=True, slots=True)
class ReportJob:
    """One report owed: a contract's month (or quarter) report, identified by its post id."""

    post_id: str
    contract_id: str
    unit: Literal["month", "quarter"]
    period: Period
    quarter: Period | None


@dataclass(frozen=True, slots=True)
class ComponentMonth:
    """One component's month in a monthly report: its estimate (availability, credit, claim, termination)
    and its figures under each other reading that changes them."""

    component: str
    estimate: CreditEstimate
    others: tuple[OtherFigure, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A report's figures, for the words `Messages.report` puts around them.

    Monthly reports, and quarter-end reports of a credit on the quarter's downtime, fill `components`;
    quarterly ones on missed initial responses fill `missed`, the threshold and, at quarter end, the
    quarter's estimate. Both carry the month's glance per component (`glances`)."""

    job: ReportJob
    contract: Contract
    vendor: str
    components: tuple[ComponentMonth, ...] = ()
    missed: tuple[MissedResponse, ...] = ()
    missed_limit: int = 0
    quarter_estimate: CreditEstimate | None = None
    quarter_others: tuple[OtherFigure, ...] = ()
    glances: tuple[ComponentGlance, ...] = ()
    skipped: int = 0  # stored items left out of the figures (each logged): a bad one never stops the report

    def glance(self, component: str) -> ComponentGlance | None:
        """The month at a glance of one component, if the report has it."""
        return next((g for g in self.glances if g.component == component), None)

    @property
    def quarter_ends(self) -> bool:
        return self.job.quarter is not None and self.job.period.end == self.job.quarter.end


@dataclass(frozen=True, slots=True)
class ClaimReminder:
    """One reminder owed before a claim window closes: `before` ahead of `deadline`, for `estimate`'s credit
    (for one outage starting `outage_start`, where the credit is claimed per outage)."""

    post_id: str
    contract: Contract
    estimate: CreditEstimate
    deadline: datetime
    send_at: datetime
    before: str
    outage_start: datetime | None


Figures = dict[str, dict[str, Any]]  # component → figure → value


@dataclass(frozen=True, slots=True)
class ClockChange:
    """One open incident's clock that a change of terms moved (None: the clock no longer or newly applies)."""

    incident_id: str
    title: str
    metric: str
    before: datetime | None
    after: datetime | None


@dataclass(frozen=True, slots=True)
class TermsChange:
    """What a change of a contract's terms changed: open clocks, and the current period's figures."""

    contract: Contract
    version: str
    period: str | None
    clocks: tuple[ClockChange, ...]
    before: Figures
    after: Figures

    @property
    def changed(self) -> bool:
        return bool(self.clocks) or self.before != self.after
