"""The interfaces the use cases need from the outside world, implemented in slack/ and wired in
functions/*/app.py, so the app layer (and PagerDuty's flow through it) never imports Slack."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sla_core.app.contract_credit import MonthToDate
from sla_core.app.notices import ClaimReminder, Digest, DutyNotice, Report, TermsChange
from sla_core.config.contract import Contract
from sla_core.incidents.reminder_stages import Stage
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline

if TYPE_CHECKING:
    from sla_core.incidents.records import Incident

Blocks = list[dict[str, Any]]


# How a post was refused, which decides what is done with it (app/sweep.py):
TRANSIENT = "transient"  # not posted (an error a later try may not meet): back off and try again
RATE_LIMITED = "rate_limited"  # not posted, 429: hold the channel for `retry_after`, try again then
UNCERTAIN = "uncertain"  # maybe posted (connection lost, timeout, 5xx): look it up before trying again
PERMANENT = "permanent"  # refused for what it is (invalid_blocks, msg_too_long, ...): no retry fixes it


class PostRefused(Exception):
    """A post did not go out, or may not have (`kind`, one of the four above): try it again later, never sooner
    than `retry_after` seconds when the chat service said so."""

    def __init__(self, reason: str, retry_after: float | None = None, *, kind: str = TRANSIENT) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.kind = kind

    @property
    def uncertain(self) -> bool:
        """The message may have reached the channel: the next attempt looks it up first."""
        return self.kind == UNCERTAIN


class Poster(Protocol):
    """Posts owed messages and finds one an earlier attempt may have posted (both raise PostRefused).
    `plain`: the message's text alone, cut to a safe length (the one retry of a post refused for good)."""

    def post(
        self,
        channel: str,
        text: str,
        *,
        blocks: Blocks | None,
        thread_ts: str | None,
        broadcast: bool,
        post_id: str,
        plain: bool = False,
    ) -> str: ...

    def find(self, channel: str, post_id: str, *, thread_ts: str | None, oldest: datetime) -> str | None: ...


class Messages(Protocol):
    """The words of what the sweep and the reports post: (text, blocks) for each kind of message."""

    def stage(
        self, stage: Stage, *, incident_id: str, title: str, contract: Contract | None, now: datetime
    ) -> tuple[str, Blocks]: ...

    def report(self, report: Report) -> tuple[str, Blocks]: ...

    def claim_reminder(self, reminder: ClaimReminder) -> str: ...

    def terms_change(self, change: TermsChange) -> str: ...

    def duty_reminder(self, notice: DutyNotice) -> str: ...

    def digest(self, digest: Digest) -> tuple[str, Blocks]: ...


class IncidentChannel(Protocol):
    """Where an incident is shown to people, rendered and posted, nothing stored (`record_and_show` stores what
    comes back): its card (posted with the incident's card id in its metadata, so `find_card` can find it
    again), its thread replies, and the words of what the resolve of an outage queues. Posts raise PostRefused
    (`uncertain` when the message may have reached the channel)."""

    def post_card(
        self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline], channel: str
    ) -> str: ...

    def find_card(self, incident_id: str, channel: str, *, since: datetime) -> str | None: ...

    def update_card(self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline]) -> None: ...

    def reply_event(
        self,
        item: Incident,
        event: IncidentEvent,
        deadlines: Sequence[TrackedDeadline],
        contract: Contract | None,
        *,
        label: str | None,
    ) -> None: ...

    def resolve_summary(self, summary: MonthToDate, contract: Contract) -> str: ...

    def claim_reminder(self, reminder: ClaimReminder) -> str: ...
