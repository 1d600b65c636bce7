"""The storage of `app/store.py`'s Protocols held in memory: what the DynamoDB modules answer, with their
semantics (optimistic versions and conflicts, conditional creates, "only while pending", what each sparse index
holds and in which order), for the use cases' unit tests. Values go in and come out as storage would give them
back: instants in UTC (a naive one refused), JSON fields copied through JSON, the state through its codec, so no
caller can change what is stored except by saving. One lock makes each write atomic; a change function runs
outside it (as against DynamoDB, a conflicting writer re-reads and re-applies)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pynamodb.exceptions import PutError

from sla_core.engine.instants import require_aware
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
from sla_core.incidents.state import OPEN_STATUSES, RESOLVED, IncidentState
from sla_core.storage import post_queue as dynamodb_post_queue
from sla_core.storage import rate_limits as dynamodb_rate_limits
from sla_core.storage import repository as dynamodb_repository
from sla_core.storage.models import OPEN_END
from sla_core.storage.post_queue import CANCELLED, CONFIRMED_KEEP, FAILED, PENDING, POSTED, DueQuery, Lease, due_order
from sla_core.storage.repository import CONFLICT_ATTEMPTS, OpenSoonest
from sla_core.storage.state_codec import dump_state, load_state
from sla_core.storage.writes import VersionConflictError

V = TypeVar("V")
JSON_FIELDS = frozenset({"details", "before", "after", "figures", "entry"})


def _as_stored(value: V) -> V:
    """`value` as storage gives it back: instants in UTC (naive ones refused), JSON fields through JSON, the
    folded state through its codec, clocks likewise."""
    changes: dict[str, Any] = {}
    for one in fields(value):  # type: ignore[arg-type]
        current = getattr(value, one.name)
        if isinstance(current, datetime):
            changes[one.name] = require_aware(current, one.name).astimezone(UTC)
        elif one.name in JSON_FIELDS:
            changes[one.name] = json.loads(json.dumps(current or {}))
        elif one.name == "blocks":
            changes[one.name] = tuple(json.loads(json.dumps(list(current or ()))))
        elif one.name == "deadlines":
            changes[one.name] = tuple(_as_stored(deadline) for deadline in current)
        elif isinstance(current, IncidentState):
            changes[one.name] = load_state(dump_state(current))
        elif one.name == "reminders_sent":
            changes[one.name] = frozenset(current)
    return replace(value, **changes)  # type: ignore[type-var]


@dataclass
class _Tables:
    """Everything stored, under one lock."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    incidents: dict[str, Incident] = field(default_factory=dict)
    timelines: dict[str, dict[tuple[datetime, str], TimelineEntry]] = field(default_factory=dict)
    downtime: dict[tuple[str, str, datetime, str], StoredDowntime] = field(default_factory=dict)
    corrections: dict[tuple[str, str, datetime, str], RecordedCorrection] = field(default_factory=dict)
    reported: dict[tuple[str, str], Reported] = field(default_factory=dict)
    terms: dict[str, SeenTerms] = field(default_factory=dict)
    deployed: list[str] = field(default_factory=list)
    deliveries: dict[tuple[str, str], datetime] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    rates: dict[tuple[str, str, datetime], int] = field(default_factory=dict)


def _next_version(version: int | None) -> int:
    return (version or 0) + 1


def _stored_incident(incident: Incident, version: int) -> Incident:
    """The incident as saved under `version`: a resolved one has no reminder due (storage derives it)."""
    stored = _as_stored(incident)
    return replace(stored, next_due_at=stored.next_due_at if stored.status != RESOLVED else None, version=version)


def _downtime_key(downtime: StoredDowntime) -> tuple[str, str, datetime, str]:
    return downtime.contract_id, downtime.component, downtime.started_at, downtime.downtime_id


class MemoryRepository:
    """`sla_core.storage.repository` in memory."""

    new_incident = staticmethod(dynamodb_repository.new_incident)
    timeline_entry = staticmethod(dynamodb_repository.timeline_entry)
    new_downtime = staticmethod(dynamodb_repository.new_downtime)

    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def _incidents(self, keep: Callable[[Incident], bool]) -> list[Incident]:
        with self._tables.lock:
            return [incident for incident in self._tables.incidents.values() if keep(incident)]

    def open_contract_incidents(self, contract_id: str) -> list[Incident]:
        found = self._incidents(lambda incident: incident.is_open and incident.contract_id == contract_id)
        return sorted(found, key=lambda incident: (incident.opened_at, incident.incident_id))

    def create_incident(self, incident: Incident) -> Incident | None:
        stored = _stored_incident(incident, 1)
        with self._tables.lock:
            if incident.incident_id in self._tables.incidents:
                return None
            self._tables.incidents[incident.incident_id] = stored
        return stored

    def get_incident(self, incident_id: str) -> Incident | None:
        with self._tables.lock:
            return self._tables.incidents.get(incident_id)

    def update_incident(
        self, incident_id: str, change: Callable[[Incident], Incident], *, attempts: int = CONFLICT_ATTEMPTS
    ) -> Incident:
        return self.save_incident(None, incident_id, change, attempts=attempts)

    def save_incident(
        self,
        read: Incident | None,
        incident_id: str,
        change: Callable[[Incident], Incident],
        *,
        attempts: int = CONFLICT_ATTEMPTS,
    ) -> Incident:
        return self.save_incident_with(read, incident_id, lambda incident: (change(incident), ()), attempts=attempts)[0]

    def save_incident_with(
        self,
        read: Incident | None,
        incident_id: str,
        change: Callable[[Incident], tuple[Incident, Sequence[StoredDowntime]]],
        *,
        attempts: int = CONFLICT_ATTEMPTS,
        entry: TimelineEntry | None = None,
    ) -> tuple[Incident, bool]:
        fresh = _as_stored(entry) if entry is not None else None
        base = read
        for _ in range(attempts + (read is not None)):
            if base is None:
                base = self.get_incident(incident_id)
                if base is None:
                    raise LookupError(f"no incident {incident_id!r}")
            changed, others = change(base)
            saved_incident = _stored_incident(replace(changed, incident_id=incident_id), _next_version(base.version))
            downtime = [_as_stored(other) for other in others]
            with self._tables.lock:
                stored = self._tables.incidents.get(incident_id)
                if fresh is not None and self._has_entry(fresh):
                    return stored or base, False
                current = [self._tables.downtime.get(_downtime_key(one)) for one in downtime]
                stale = any(
                    one.version is not None and (now is None or now.version != one.version)
                    for one, now in zip(downtime, current, strict=True)
                )
                if stored is not None and stored.version == base.version and not stale:
                    self._tables.incidents[incident_id] = saved_incident
                    for one, now in zip(downtime, current, strict=True):
                        if one.version is not None or now is None:  # a new one that exists already is kept
                            self._tables.downtime[_downtime_key(one)] = replace(one, version=_next_version(one.version))
                    if fresh is not None:
                        self._timeline(fresh.incident_id)[self._entry_key(fresh)] = fresh
                    return saved_incident, True
            base = None
        raise VersionConflictError(f"incident {incident_id!r} changed {attempts} times while being updated")

    def _saved(self, incident: Incident) -> Incident | None:
        """Save under the version it was read at; None when it changed since."""
        with self._tables.lock:
            stored = self._tables.incidents.get(incident.incident_id)
            if stored is None or stored.version != incident.version:
                return None
            saved_incident = _stored_incident(incident, _next_version(incident.version))
            self._tables.incidents[incident.incident_id] = saved_incident
            return saved_incident

    def take_card_lease(self, incident: Incident, until: datetime, holder: str | None = None) -> Incident | None:
        return self._saved(replace(incident, card_lease_until=until, card_lease_holder=holder))

    def release_card_lease(self, incident: Incident) -> bool:
        return self._saved(replace(incident, card_lease_until=None)) is not None

    def due_incidents(self, until: datetime) -> list[Incident]:
        found = self._incidents(
            lambda incident: (
                incident.status != RESOLVED and incident.next_due_at is not None and incident.next_due_at <= until
            )
        )
        return sorted(found, key=lambda incident: (incident.next_due_at or until, incident.incident_id))

    def open_soonest(self, contract_ids: Collection[str], limit: int, *, uncounted: str) -> OpenSoonest:
        open_now = self._incidents(lambda incident: incident.status in OPEN_STATUSES)

        def soonest(incident: Incident) -> tuple[datetime, str]:
            running = [deadline.due_at for deadline in incident.deadlines if deadline.met_at is None]
            return min(running, default=OPEN_END), incident.incident_id

        asked = sorted((one for one in open_now if one.contract_id in contract_ids), key=soonest)
        return OpenSoonest(asked[:limit], sum(one.contract_id != uncounted for one in open_now))

    def contract_incidents(self, contract_id: str, *, opened_since: datetime | None = None) -> list[Incident]:
        found = self._incidents(
            lambda incident: (
                incident.contract_id == contract_id and (opened_since is None or incident.opened_at >= opened_since)
            )
        )
        return sorted(found, key=lambda incident: (incident.opened_at, incident.incident_id))

    def _timeline(self, incident_id: str) -> dict[tuple[datetime, str], TimelineEntry]:
        return self._tables.timelines.setdefault(incident_id, {})

    @staticmethod
    def _entry_key(entry: TimelineEntry) -> tuple[datetime, str]:
        return entry.occurred_at, entry.event_id

    def _has_entry(self, entry: TimelineEntry) -> bool:
        return self._entry_key(entry) in self._timeline(entry.incident_id)

    def append_entry(self, entry: TimelineEntry) -> bool:
        stored = _as_stored(entry)
        with self._tables.lock:
            if self._has_entry(stored):
                return False
            self._timeline(stored.incident_id)[self._entry_key(stored)] = stored
            return True

    def timeline(self, incident_id: str) -> list[TimelineEntry]:
        with self._tables.lock:
            found = sorted(self._timeline(incident_id).items(), key=lambda pair: pair[0])
        return [_as_stored(entry) for _, entry in found]

    def timeline_in_second(self, incident_id: str, instant: datetime) -> list[TimelineEntry]:
        second = instant.astimezone(UTC).replace(microsecond=0)
        return [
            entry for entry in self.timeline(incident_id) if second <= entry.occurred_at < second + timedelta(seconds=1)
        ]

    def _intervals(self, keep: Callable[[StoredDowntime], bool]) -> list[StoredDowntime]:
        with self._tables.lock:
            return [one for _, one in sorted(self._tables.downtime.items(), key=lambda pair: pair[0]) if keep(one)]

    def record_interval(self, downtime: StoredDowntime) -> StoredDowntime | None:
        stored = replace(_as_stored(downtime), version=1)
        with self._tables.lock:
            if _downtime_key(stored) in self._tables.downtime:
                return None
            self._tables.downtime[_downtime_key(stored)] = stored
            return stored

    def end_downtime(self, downtime: StoredDowntime, ended_at: datetime) -> None:
        if ended_at < downtime.started_at:
            raise ValueError(f"downtime cannot end ({ended_at}) before it started ({downtime.started_at})")
        closed = _as_stored(replace(downtime, ended_at=ended_at))
        with self._tables.lock:
            stored = self._tables.downtime.get(_downtime_key(closed))
            if stored is not None and (stored.ended_at is not None or stored.version != downtime.version):
                raise PutError(msg="the interval is closed or changed since it was read")
            self._tables.downtime[_downtime_key(closed)] = replace(closed, version=_next_version(downtime.version))

    def downtime_between(
        self, contract_id: str, component: str, start: datetime, end: datetime
    ) -> list[StoredDowntime]:
        return self._intervals(
            lambda one: (
                (one.contract_id, one.component) == (contract_id, component)
                and one.started_at < end
                and (one.ended_at is None or one.ended_at > start)
            )
        )

    def downtime_ending_after(self, start: datetime) -> list[StoredDowntime]:
        return [
            replace(one, recorded_by="", source="", withdrawn_by=None, version=None)
            for one in self._intervals(lambda one: (one.ended_at or OPEN_END) > start)
        ]

    def incident_downtime(
        self, contract_id: str, component: str, incident_id: str, opened_at: datetime
    ) -> list[StoredDowntime]:
        return self._intervals(
            lambda one: (
                (one.contract_id, one.component, one.incident_id) == (contract_id, component, incident_id)
                and one.started_at >= opened_at
            )
        )

    def record_correction(
        self,
        *,
        correction_id: str,
        contract_id: str,
        period: str,
        recorded_at: datetime,
        actor: str | None,
        what: str,
        before: dict[str, Any],
        after: dict[str, Any],
        incident_id: str | None = None,
    ) -> bool:
        correction = _as_stored(
            RecordedCorrection(correction_id, contract_id, period, recorded_at, what, actor, incident_id, before, after)
        )
        key = (contract_id, period, correction.recorded_at, correction_id)
        with self._tables.lock:
            if key in self._tables.corrections:
                return False
            self._tables.corrections[key] = correction
            return True

    def corrections(self, contract_id: str, period: str | None = None) -> list[RecordedCorrection]:
        with self._tables.lock:
            found = sorted(self._tables.corrections.items(), key=lambda pair: pair[0])
        return [
            _as_stored(one)
            for (contract, at_period, _, _), one in found
            if contract == contract_id and (not period or at_period == period)
        ]

    def record_reported(self, contract_id: str, period: str, figures: dict[str, Any], at: datetime) -> bool:
        stored = _as_stored(Reported(contract_id, period, at, figures))
        with self._tables.lock:
            if (contract_id, period) in self._tables.reported:
                return False
            self._tables.reported[contract_id, period] = stored
            return True

    def reported(self, contract_id: str, period: str) -> Reported | None:
        with self._tables.lock:
            found = self._tables.reported.get((contract_id, period))
        return _as_stored(found) if found is not None else None

    def terms_seen(self, contract_id: str) -> SeenTerms | None:
        with self._tables.lock:
            found = self._tables.terms.get(contract_id)
        return _as_stored(found) if found is not None else None

    def see_terms(
        self, seen: SeenTerms | None, contract_id: str, version: str, policy_text: str, entry: dict[str, Any],
        now: datetime,
    ) -> bool:  # fmt: skip
        read_at = seen.version if seen is not None else None
        with self._tables.lock:
            stored = self._tables.terms.get(contract_id)
            if (stored.version if stored is not None else None) != read_at:
                return False
            terms = SeenTerms(contract_id, version, policy_text, entry, now, _next_version(read_at))
            self._tables.terms[contract_id] = _as_stored(terms)
            return True

    def deployed_terms(self) -> str | None:
        with self._tables.lock:
            return self._tables.deployed[-1] if self._tables.deployed else None

    def see_deployed_terms(self, deployed_version: str, now: datetime) -> None:
        require_aware(now, "seen_at")
        with self._tables.lock:
            self._tables.deployed.append(deployed_version)

    def claim_delivery(self, source: str, delivery_id: str, *, now: datetime, keep: timedelta) -> bool:
        with self._tables.lock:
            if (source, delivery_id) in self._tables.deliveries:
                return False
            self._tables.deliveries[source, delivery_id] = require_aware(now + keep, "expires_at")
            return True


class MemoryPostQueue:
    """`sla_core.storage.post_queue` in memory."""

    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def created_post(self, draft: Draft, *, now: datetime) -> Post | None:
        post = Post(
            post_id=draft.post_id, purpose=draft.purpose, state=PENDING, channel=draft.channel,
            thread_key=dynamodb_post_queue.thread_key_of(draft.channel, draft.thread_ts), text=draft.text,
            created_at=now, send_at=draft.send_at, thread_ts=draft.thread_ts, broadcast=draft.broadcast,
            blocks=tuple(draft.blocks or ()), incident_id=draft.incident_id, contract_id=draft.contract_id, version=1,
        )  # fmt: skip
        stored = _as_stored(post)
        with self._tables.lock:
            if draft.post_id in self._tables.posts:
                return None
            self._tables.posts[draft.post_id] = stored
            return stored

    def create_post(self, draft: Draft, *, now: datetime) -> bool:
        return self.created_post(draft, now=now) is not None

    def get_post(self, post_id: str) -> Post | None:
        with self._tables.lock:
            found = self._tables.posts.get(post_id)
        return _as_stored(found) if found is not None else None

    def _saved(self, post: Post, *, only_pending: bool) -> Post | None:
        """Save under the version it was read at (and only while pending, if asked); None when that failed."""
        changed = _as_stored(post)
        with self._tables.lock:
            stored = self._tables.posts.get(post.post_id)
            if stored is None or stored.version != post.version or (only_pending and stored.state != PENDING):
                return None
            saved_post = replace(changed, version=_next_version(post.version))
            self._tables.posts[post.post_id] = saved_post
            return saved_post

    def due_posts(self, until: datetime) -> DueQuery:
        with self._tables.lock:
            found = [post for post in self._tables.posts.values() if post.state == PENDING and post.send_at <= until]
        found = sorted((_as_stored(post) for post in found), key=due_order)
        return DueQuery(found, len(found))

    def take_lease(self, post: Post, *, now: datetime, lease: timedelta) -> Lease:
        if post.state != PENDING or (post.lease_until is not None and post.lease_until > now):
            return Lease(None)
        uncertain = post.lease_until is not None or post.uncertain
        leased = self._saved(replace(post, lease_until=now + lease, attempts=post.attempts + 1), only_pending=True)
        return Lease(leased, uncertain) if leased is not None else Lease(None)

    def confirm(self, post: Post, *, ts: str, now: datetime) -> None:
        for _ in range(4):
            done = replace(
                post, state=POSTED, posted_ts=ts, posted_at=now, lease_until=None, retry_at=None, last_error=None,
                uncertain=False, expires_at=now + CONFIRMED_KEEP,
            )  # fmt: skip
            if self._saved(done, only_pending=False) is not None:
                return
            fresh = self.get_post(post.post_id)
            if fresh is None or fresh.state == POSTED:
                return
            post = fresh

    def defer(self, post: Post, *, retry_at: datetime, error: str, uncertain: bool = False) -> Post | None:
        changed = replace(
            post, lease_until=None, retry_at=retry_at, last_error=error[:500], uncertain=post.uncertain or uncertain
        )
        return self._saved(changed, only_pending=True)

    def to_plain(self, post: Post, *, error: str) -> Post | None:
        return self._saved(replace(post, lease_until=None, plain=True, last_error=error[:500]), only_pending=True)

    def fail(self, post: Post, *, error: str, now: datetime) -> bool:
        failed = replace(post, state=FAILED, lease_until=None, last_error=error[:500], expires_at=now + CONFIRMED_KEEP)
        return self._saved(failed, only_pending=True) is not None

    def cancel(self, post_id: str) -> bool:
        post = self.get_post(post_id)
        if post is None or post.state != PENDING:
            return False
        return self._saved(replace(post, state=CANCELLED), only_pending=True) is not None

    def retext(self, post_id: str, text: str) -> bool:
        post = self.get_post(post_id)
        if post is None or post.state != PENDING or post.text == text:
            return False
        return self._saved(replace(post, text=text), only_pending=True) is not None


class MemoryRateLimits:
    """`sla_core.storage.rate_limits` in memory."""

    window_of = staticmethod(dynamodb_rate_limits.window_of)

    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def take(self, what: str, who: str, *, limit: int, length: timedelta, now: datetime) -> bool:
        key = (what, who, self.window_of(now, length).start)
        with self._tables.lock:
            if self._tables.rates.get(key, 0) >= limit:
                return False
            self._tables.rates[key] = self._tables.rates.get(key, 0) + 1
            return True


@dataclass(frozen=True, slots=True)
class MemoryStore:
    """The three parts of one in-memory store, sharing what they hold."""

    repository: MemoryRepository
    post_queue: MemoryPostQueue
    rate_limits: MemoryRateLimits


def memory_store() -> MemoryStore:
    """A new, empty in-memory store."""
    tables = _Tables()
    return MemoryStore(MemoryRepository(tables), MemoryPostQueue(tables), MemoryRateLimits(tables))
