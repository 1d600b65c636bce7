"""The storage the use cases call, as Protocols (only the members `app/` uses), and the one switch that says
which implementation answers: DynamoDB (`sla_core.storage`'s modules) unless `use` installs another, e.g. the
in-memory store (`sla_core.storage.memory`) the unit tests of the use cases run on."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sla_core.incidents.records import (
    Draft,
    Incident,
    Post,
    RecordedCorrection,
    Reported,
    SeenTerms,
    StoredDowntime,
    TimelineEntry,
)
from sla_core.storage import post_queue as dynamodb_post_queue
from sla_core.storage import rate_limits as dynamodb_rate_limits
from sla_core.storage import repository as dynamodb_repository
from sla_core.storage.post_queue import DueQuery, Lease
from sla_core.storage.rate_limits import Window
from sla_core.storage.repository import OpenSoonest


class Repository(Protocol):
    """Incidents (versioned), their timelines, downtime, corrections, reported figures, terms and deliveries."""

    def new_incident(
        self, *, incident_id: str, contract_id: str, component: str, severity: str, source: str, title: str,
        opened_at: datetime, source_id: str | None = None, status: str = "triggered",
    ) -> Incident: ...  # fmt: skip
    def open_contract_incidents(self, contract_id: str) -> list[Incident]: ...
    def create_incident(self, incident: Incident) -> Incident | None: ...
    def get_incident(self, incident_id: str) -> Incident | None: ...
    def update_incident(
        self, incident_id: str, change: Callable[[Incident], Incident], *, attempts: int = ...
    ) -> Incident: ...
    def save_incident(
        self, read: Incident | None, incident_id: str, change: Callable[[Incident], Incident], *, attempts: int = ...
    ) -> Incident: ...
    def save_incident_with(
        self, read: Incident | None, incident_id: str,
        change: Callable[[Incident], tuple[Incident, Sequence[StoredDowntime]]], *, attempts: int = ...,
        entry: TimelineEntry | None = None,
    ) -> tuple[Incident, bool]: ...  # fmt: skip
    def take_card_lease(self, incident: Incident, until: datetime, holder: str | None = None) -> Incident | None: ...
    def release_card_lease(self, incident: Incident) -> bool: ...
    def due_incidents(self, until: datetime) -> list[Incident]: ...
    def open_soonest(self, contract_ids: Collection[str], limit: int, *, uncounted: str) -> OpenSoonest: ...
    def contract_incidents(self, contract_id: str, *, opened_since: datetime | None = None) -> list[Incident]: ...
    def timeline_entry(
        self, incident_id: str, *, event_id: str, event_type: str, occurred_at: datetime, recorded_at: datetime,
        source: str, actor: str | None = None, details: dict[str, Any] | None = None,
    ) -> TimelineEntry: ...  # fmt: skip
    def append_entry(self, entry: TimelineEntry) -> bool: ...
    def timeline(self, incident_id: str) -> list[TimelineEntry]: ...
    def timeline_in_second(self, incident_id: str, instant: datetime) -> list[TimelineEntry]: ...
    def new_downtime(
        self, *, downtime_id: str, contract_id: str, component: str, started_at: datetime, recorded_by: str,
        source: str, ended_at: datetime | None = None, incident_id: str | None = None, reason: str | None = None,
        cause: str | None = None, announced_at: datetime | None = None, posted_window: bool = False,
    ) -> StoredDowntime: ...  # fmt: skip
    def record_interval(self, downtime: StoredDowntime) -> StoredDowntime | None: ...
    def end_downtime(self, downtime: StoredDowntime, ended_at: datetime) -> None: ...
    def downtime_between(
        self, contract_id: str, component: str, start: datetime, end: datetime
    ) -> list[StoredDowntime]: ...
    def downtime_ending_after(self, start: datetime) -> list[StoredDowntime]: ...
    def incident_downtime(
        self, contract_id: str, component: str, incident_id: str, opened_at: datetime
    ) -> list[StoredDowntime]: ...
    def record_correction(
        self, *, correction_id: str, contract_id: str, period: str, recorded_at: datetime, actor: str | None,
        what: str, before: dict[str, Any], after: dict[str, Any], incident_id: str | None = None,
    ) -> bool: ...  # fmt: skip
    def corrections(self, contract_id: str, period: str | None = None) -> list[RecordedCorrection]: ...
    def record_reported(self, contract_id: str, period: str, figures: dict[str, Any], at: datetime) -> bool: ...
    def reported(self, contract_id: str, period: str) -> Reported | None: ...
    def terms_seen(self, contract_id: str) -> SeenTerms | None: ...
    def see_terms(
        self, seen: SeenTerms | None, contract_id: str, version: str, policy_text: str, entry: dict[str, Any],
        now: datetime,
    ) -> bool: ...  # fmt: skip
    def deployed_terms(self) -> str | None: ...
    def see_deployed_terms(self, deployed_version: str, now: datetime) -> None: ...
    def claim_delivery(self, source: str, delivery_id: str, *, now: datetime, keep: timedelta) -> bool: ...


class PostQueue(Protocol):
    """The posts owed to Slack: created once, leased, confirmed, deferred, failed, cancelled or re-worded."""

    def create_post(self, draft: Draft, *, now: datetime) -> bool: ...
    def created_post(self, draft: Draft, *, now: datetime) -> Post | None: ...
    def get_post(self, post_id: str) -> Post | None: ...
    def due_posts(self, until: datetime) -> DueQuery: ...
    def take_lease(self, post: Post, *, now: datetime, lease: timedelta) -> Lease: ...
    def confirm(self, post: Post, *, ts: str, now: datetime) -> None: ...
    def defer(self, post: Post, *, retry_at: datetime, error: str, uncertain: bool = False) -> Post | None: ...
    def to_plain(self, post: Post, *, error: str) -> Post | None: ...
    def fail(self, post: Post, *, error: str, now: datetime) -> bool: ...
    def cancel(self, post_id: str) -> bool: ...
    def retext(self, post_id: str, text: str) -> bool: ...


class RateLimits(Protocol):
    """Fixed-window counters: one more attempt, unless the window's limit is reached."""

    def window_of(self, now: datetime, length: timedelta) -> Window: ...
    def take(self, what: str, who: str, *, limit: int, length: timedelta, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class Store:
    """One implementation of all three."""

    repository: Repository
    post_queue: PostQueue
    rate_limits: RateLimits


DYNAMODB = Store(dynamodb_repository, dynamodb_post_queue, dynamodb_rate_limits)
_active: list[Store] = [DYNAMODB]


class _Forward:
    """Forwards every attribute (read, set, deleted) to one part of the store in use at that moment (its own
    `__dict__` too, so a test's monkeypatch saves and restores the part's attribute)."""

    __slots__ = ("_part",)

    def __init__(self, part: Callable[[Store], object]) -> None:
        object.__setattr__(self, "_part", part)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._part(_active[-1]), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._part(_active[-1]), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._part(_active[-1]), name)


repository = cast(Repository, _Forward(lambda store: store.repository))
post_queue = cast(PostQueue, _Forward(lambda store: store.post_queue))
rate_limits = cast(RateLimits, _Forward(lambda store: store.rate_limits))


@contextmanager
def use(store: Store) -> Iterator[Store]:
    """Answer every call of the use cases from `store` until the block ends (then from what answered before)."""
    _active.append(store)
    try:
        yield store
    finally:
        _active.remove(store)
