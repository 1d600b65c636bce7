"""The storage conformance suite: what the use cases rely on from any implementation of `app/store.py`'s
Protocols (versions and conflicts, conditional creates, the sparse indexes and their order, posts only while
pending, fixed windows). Its subclasses in tests/integration/test_storage_conformance.py (DynamoDB Local) and
tests/unit/storage/test_memory_store.py (in memory) each give the `store` fixture."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.exceptions import PutError

from sla_core.app.store import Repository, Store
from sla_core.engine.errors import InputError
from sla_core.incidents.records import Draft, Incident, StoredDeadline, StoredDowntime
from sla_core.incidents.state import RESOLVED
from sla_core.storage.writes import VersionConflictError

T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
TEN_MINUTES = timedelta(minutes=10)


def incident(
    repository: Repository, incident_id: str, *, due: datetime | None, contract: str = "sonoran-hosting"
) -> Incident:
    """An unsaved incident with one clock an hour after T0 and its next reminder `due`."""
    item = repository.new_incident(
        incident_id=incident_id, contract_id=contract, component="web", severity="escalation", source="pagerduty",
        source_id=incident_id.removeprefix("pd-"), title="web servers unreachable", opened_at=T0,
    )  # fmt: skip
    return replace(item, deadlines=(StoredDeadline("initial_response", T0 + timedelta(hours=1)),), next_due_at=due)


def draft(post_id: str, *, minutes: int, thread_ts: str | None = "1.0") -> Draft:
    return Draft(post_id, "reminder", "C1", f"text {post_id}", T0 + timedelta(minutes=minutes), thread_ts=thread_ts)


def open_incident(repository: Repository, incident_id: str) -> None:
    assert repository.create_incident(incident(repository, incident_id, due=T0 + timedelta(minutes=15)))


class StorageConformance:
    """The suite; a subclass named Test... gives the `store` fixture of the implementation it tests."""

    def test_create_is_idempotent_and_round_trips(self, store: Store) -> None:
        repository = store.repository
        assert repository.create_incident(incident(repository, "pd-Q1", due=T0 + timedelta(minutes=30)))
        assert not repository.create_incident(incident(repository, "pd-Q1", due=T0))
        stored = repository.get_incident("pd-Q1")
        assert stored is not None
        assert stored.opened_at == T0
        assert stored.opened_at.tzinfo is not None
        assert stored.next_due_at == T0 + timedelta(minutes=30)
        assert stored.deadlines[0].due_at == T0 + timedelta(hours=1)
        assert stored.reminders_sent == set()
        assert stored.version == 1
        assert repository.get_incident("absent") is None

    def test_the_due_index_holds_only_open_incidents_that_are_due(self, store: Store) -> None:
        repository = store.repository
        for number in range(12):
            repository.create_incident(incident(repository, f"pd-D{number}", due=T0 + timedelta(minutes=number)))
        repository.create_incident(incident(repository, "pd-later", due=T0 + timedelta(days=1)))
        repository.create_incident(incident(repository, "pd-nothing-due", due=None))
        due = repository.due_incidents(T0 + timedelta(minutes=5))
        assert [item.incident_id for item in due] == [f"pd-D{number}" for number in range(6)]

        def resolve(item: Incident) -> Incident:
            return replace(item, status=RESOLVED, resolved_at=T0 + timedelta(minutes=3), next_due_at=T0)

        assert repository.update_incident("pd-D2", resolve).next_due_at is None  # nothing is due once resolved
        due_ids = [item.incident_id for item in repository.due_incidents(T0 + timedelta(minutes=5))]
        assert "pd-D2" not in due_ids
        assert len(due_ids) == 5
        assert "pd-later" not in [item.incident_id for item in repository.due_incidents(T0 + timedelta(hours=23))]
        assert "pd-later" in [item.incident_id for item in repository.due_incidents(T0 + timedelta(days=2))]

    def test_contract_index_lists_a_contracts_incidents_in_opening_order(self, store: Store) -> None:
        repository = store.repository
        repository.create_incident(replace(incident(repository, "pd-B", due=None, contract="atheer-platform"),
                                           opened_at=T0 + timedelta(minutes=1)))  # fmt: skip
        repository.create_incident(incident(repository, "pd-A", due=None, contract="atheer-platform"))
        repository.create_incident(incident(repository, "pd-C", due=None, contract="resonate-ems"))
        assert [item.incident_id for item in repository.contract_incidents("atheer-platform")] == ["pd-A", "pd-B"]
        since = repository.contract_incidents("atheer-platform", opened_since=T0 + timedelta(seconds=1))
        assert [item.incident_id for item in since] == ["pd-B"]

    def test_the_open_index_holds_a_contracts_open_incidents_only(self, store: Store) -> None:
        repository = store.repository
        for incident_id in ("pd-O1", "pd-O2", "pd-O3"):
            repository.create_incident(incident(repository, incident_id, due=None, contract="atheer-platform"))
        repository.create_incident(incident(repository, "pd-X", due=None, contract="resonate-ems"))
        repository.update_incident("pd-O2", lambda item: replace(item, status=RESOLVED))
        open_ids = sorted(item.incident_id for item in repository.open_contract_incidents("atheer-platform"))
        assert open_ids == ["pd-O1", "pd-O3"]
        assert [item.incident_id for item in repository.open_contract_incidents("resonate-ems")] == ["pd-X"]

    def test_open_soonest_orders_by_the_soonest_running_clock_and_counts_the_rest(self, store: Store) -> None:
        repository = store.repository
        for minutes, incident_id in ((30, "pd-late"), (10, "pd-soon"), (20, "pd-middle")):
            clock = StoredDeadline("initial_response", T0 + timedelta(minutes=minutes))
            repository.create_incident(replace(incident(repository, incident_id, due=None), deadlines=(clock,)))
        met = (StoredDeadline("initial_response", T0, met_at=T0),)
        repository.create_incident(replace(incident(repository, "pd-no-clock", due=None), deadlines=met))
        repository.create_incident(incident(repository, "pd-other", due=None, contract="resonate-ems"))
        repository.create_incident(incident(repository, "pd-unmapped", due=None, contract="untracked"))
        found = repository.open_soonest({"sonoran-hosting"}, 2, uncounted="untracked")
        assert [item.incident_id for item in found.items] == ["pd-soon", "pd-middle"]
        assert found.total == 5  # every open incident but the unmapped one

    def test_the_timeline_is_append_only_and_in_time_order(self, store: Store) -> None:
        repository = store.repository
        repository.create_incident(incident(repository, "pd-T", due=None))

        def resolved_event() -> bool:
            entry = repository.timeline_entry(
                "pd-T", event_id="w2", event_type="incident.resolved", occurred_at=T0 + timedelta(minutes=9),
                recorded_at=T0 + timedelta(minutes=9), source="pagerduty",
            )  # fmt: skip
            return repository.append_entry(entry)

        assert resolved_event()
        triggered = repository.timeline_entry(
            "pd-T", event_id="w1", event_type="incident.triggered", occurred_at=T0, recorded_at=T0, source="pagerduty",
            actor="PLH1HKV", details={"priority": "P1"},
        )  # fmt: skip
        assert repository.append_entry(triggered)
        assert not resolved_event()
        events = repository.timeline("pd-T")
        assert [event.event_id for event in events] == ["w1", "w2"]
        assert events[0].details == {"priority": "P1"}
        assert events[0].actor == "PLH1HKV"
        events[0].details["priority"] = "changed by a caller"
        assert repository.timeline("pd-T")[0].details == {"priority": "P1"}  # what is stored changes only by a save
        assert [event.event_id for event in repository.timeline_in_second("pd-T", T0 + timedelta(microseconds=5))] == [
            "w1"
        ]

    def test_an_event_recorded_with_its_change_is_recorded_once(self, store: Store) -> None:
        repository = store.repository
        repository.create_incident(incident(repository, "pd-E", due=None))
        entry = repository.timeline_entry(
            "pd-E", event_id="e1", event_type="incident.acknowledged", occurred_at=T0, recorded_at=T0, source="slack"
        )
        interval = repository.new_downtime(
            downtime_id="d1", contract_id="sonoran-hosting", component="web", started_at=T0, recorded_by="U1",
            source="slack", ended_at=T0 + timedelta(minutes=5), incident_id="pd-E",
        )  # fmt: skip

        def acknowledge(item: Incident) -> tuple[Incident, list[StoredDowntime]]:
            return replace(item, status="acknowledged"), [interval]

        saved, recorded = repository.save_incident_with(None, "pd-E", acknowledge, entry=entry)
        assert recorded and saved.status == "acknowledged" and saved.version == 2
        again, recorded_again = repository.save_incident_with(
            None, "pd-E", lambda item: (replace(item, title="changed"), []), entry=entry
        )
        assert not recorded_again
        assert again.title == "web servers unreachable" and again.version == 2  # nothing written the second time
        assert [one.downtime_id for one in repository.incident_downtime("sonoran-hosting", "web", "pd-E", T0)] == ["d1"]
        with pytest.raises(LookupError):
            repository.update_incident("absent", lambda item: item)

    def test_downtime_between_returns_overlapping_and_open_intervals(self, store: Store) -> None:
        repository = store.repository

        def start(downtime_id: str, at: datetime) -> StoredDowntime:
            item = repository.new_downtime(
                downtime_id=downtime_id, contract_id="sonoran-hosting", component="web", started_at=at,
                recorded_by="U0ALICE0001", source="slack",
            )  # fmt: skip
            stored = repository.record_interval(item)
            assert stored is not None
            return stored

        repository.end_downtime(start("early", T0 - timedelta(days=2)), T0 - timedelta(days=1))
        repository.end_downtime(start("straddling", T0 - timedelta(hours=1)), T0 + timedelta(minutes=10))
        open_one = start("open", T0 + timedelta(hours=2))
        start("after", T0 + timedelta(days=3))
        assert not repository.record_interval(replace(open_one, version=None))  # recorded already
        found = repository.downtime_between("sonoran-hosting", "web", T0, T0 + timedelta(days=1))
        assert [item.downtime_id for item in found] == ["straddling", "open"]
        assert found[1].ended_at is None
        assert repository.downtime_between("sonoran-hosting", "mail", T0, T0 + timedelta(days=1)) == []
        with pytest.raises(ValueError, match="before it started"):
            repository.end_downtime(found[1], T0)
        repository.end_downtime(found[1], T0 + timedelta(hours=3))
        with pytest.raises(PutError):  # an interval is closed once: a second end finds it closed
            repository.end_downtime(found[1], T0 + timedelta(hours=4))
        ending = sorted(one.downtime_id for one in repository.downtime_ending_after(T0))
        assert ending == ["after", "open", "straddling"]  # "early" ended the day before

    def test_corrections_reported_figures_and_terms_are_written_once(self, store: Store) -> None:
        repository = store.repository
        for at, correction_id in ((T0 + timedelta(hours=1), "c2"), (T0, "c1")):
            assert repository.record_correction(
                correction_id=correction_id, contract_id="atheer-platform", period="2026-03", recorded_at=at,
                actor="U1", what="downtime", before={"web": "99.9"}, after={"web": "99.5"},
            )  # fmt: skip
        assert not repository.record_correction(
            correction_id="c1", contract_id="atheer-platform", period="2026-03", recorded_at=T0, actor="U1",
            what="downtime", before={}, after={},
        )  # fmt: skip
        assert [one.correction_id for one in repository.corrections("atheer-platform", "2026-03")] == ["c1", "c2"]
        assert repository.corrections("atheer-platform", "2026-02") == []
        assert repository.record_reported("atheer-platform", "2026-03", {"web": "99.9"}, T0)
        assert not repository.record_reported("atheer-platform", "2026-03", {"web": "1"}, T0)
        reported = repository.reported("atheer-platform", "2026-03")
        assert reported is not None and reported.figures == {"web": "99.9"}
        assert repository.terms_seen("atheer-platform") is None
        assert repository.see_terms(None, "atheer-platform", "v1", "policy", {"fee": "1"}, T0)
        assert not repository.see_terms(None, "atheer-platform", "v2", "policy", {"fee": "2"}, T0)  # seen first
        seen = repository.terms_seen("atheer-platform")
        assert seen is not None and seen.terms_version == "v1"
        assert repository.see_terms(seen, "atheer-platform", "v2", "policy", {"fee": "2"}, T0)
        assert not repository.see_terms(seen, "atheer-platform", "v3", "policy", {"fee": "3"}, T0)  # stale read
        assert repository.deployed_terms() is None
        repository.see_deployed_terms("hash-1", T0)
        assert repository.deployed_terms() == "hash-1"

    def test_a_delivery_is_claimed_once(self, store: Store) -> None:
        repository = store.repository
        assert repository.claim_delivery("pagerduty", "webhook-1", now=T0, keep=timedelta(days=3))
        assert not repository.claim_delivery("pagerduty", "webhook-1", now=T0, keep=timedelta(days=3))
        assert repository.claim_delivery("pagerduty", "webhook-2", now=T0, keep=timedelta(days=3))

    def test_naive_datetimes_are_refused_not_assumed_utc(self, store: Store) -> None:
        item = replace(incident(store.repository, "pd-naive", due=None), opened_at=datetime(2026, 3, 9, 14, 0))
        with pytest.raises(InputError, match="no time zone"):
            store.repository.create_incident(item)

    def test_posts_are_created_once_and_due_in_order_while_pending(self, store: Store) -> None:
        post_queue = store.post_queue
        assert post_queue.create_post(draft("p2", minutes=5), now=T0)
        assert post_queue.create_post(draft("p1", minutes=5), now=T0 - timedelta(minutes=1))
        assert post_queue.created_post(draft("p3", minutes=20), now=T0) is not None
        assert not post_queue.create_post(draft("p1", minutes=0), now=T0)
        due = post_queue.due_posts(T0 + timedelta(minutes=10))
        assert [post.post_id for post in due.posts] == ["p1", "p2"]  # same instant: the one owed first goes first
        lease = post_queue.take_lease(due.posts[0], now=T0, lease=timedelta(minutes=1))
        assert lease.taken and not lease.uncertain and lease.post is not None and lease.post.attempts == 1
        assert not post_queue.take_lease(due.posts[0], now=T0, lease=timedelta(minutes=1)).taken  # a stale copy
        post_queue.confirm(lease.post, ts="111.222", now=T0)
        confirmed = post_queue.get_post("p1")
        assert confirmed is not None and confirmed.state == "posted" and confirmed.posted_ts == "111.222"
        assert [post.post_id for post in post_queue.due_posts(T0 + timedelta(minutes=10)).posts] == ["p2"]
        assert not post_queue.retext("p1", "new words")  # no longer pending
        assert not post_queue.cancel("p1")

    def test_a_post_goes_back_plain_fails_or_is_cancelled_only_while_pending(self, store: Store) -> None:
        post_queue = store.post_queue
        for post_id in ("a", "b", "c"):
            post_queue.create_post(draft(post_id, minutes=0, thread_ts=None), now=T0)
        a = post_queue.get_post("a")
        assert a is not None
        deferred = post_queue.defer(a, retry_at=T0 + timedelta(minutes=1), error="x" * 600, uncertain=True)
        assert deferred is not None and deferred.uncertain and deferred.last_error == "x" * 500
        assert post_queue.defer(a, retry_at=T0, error="stale") is None  # changed since `a` was read
        plain = post_queue.to_plain(deferred, error="invalid_blocks")
        assert plain is not None and plain.plain
        assert post_queue.fail(plain, error="invalid_blocks", now=T0)
        assert not post_queue.fail(plain, error="again", now=T0)
        assert post_queue.retext("b", "re-worded")
        b = post_queue.get_post("b")
        assert b is not None and b.text == "re-worded" and not post_queue.retext("b", "re-worded")
        assert post_queue.cancel("c") and not post_queue.cancel("c") and not post_queue.cancel("never")
        assert [post.post_id for post in post_queue.due_posts(T0 + timedelta(hours=1)).posts] == ["b"]

    def test_a_window_counts_to_its_limit_then_refuses_and_the_next_window_starts_again(self, store: Store) -> None:
        rate_limits = store.rate_limits
        taken = [
            rate_limits.take("open-user", "U1", limit=3, length=TEN_MINUTES, now=T0 + timedelta(seconds=s))
            for s in range(5)
        ]
        assert taken == [True, True, True, False, False]
        assert rate_limits.take("open-user", "U2", limit=3, length=TEN_MINUTES, now=T0)
        # 14:00-14:10 is one window (epoch seconds divisible by 600); 14:10 begins the next.
        assert rate_limits.window_of(T0 + timedelta(minutes=9, seconds=59), TEN_MINUTES).start == T0
        assert rate_limits.take("open-user", "U1", limit=3, length=TEN_MINUTES, now=T0 + TEN_MINUTES)

    def test_two_concurrent_updates_both_survive(self, store: Store) -> None:
        repository = store.repository
        open_incident(repository, "pd-C1")
        both_read = threading.Barrier(2, timeout=10)
        calls: Counter[str] = Counter()

        def first_time_wait_for_the_other(
            name: str, change: Callable[[Incident], Incident]
        ) -> Callable[[Incident], Incident]:
            def apply(item: Incident) -> Incident:
                calls[name] += 1
                changed = change(item)
                if calls[name] == 1:
                    both_read.wait()  # both writers now hold the same version: one save must conflict
                return changed

            return apply

        def acknowledge(item: Incident) -> Incident:
            return replace(item, status="acknowledged", acknowledged_at=T0 + timedelta(minutes=4))

        def remember_reminder(item: Incident) -> Incident:
            return replace(item, reminders_sent=item.reminders_sent | {"initial_response:50"})

        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(repository.update_incident, "pd-C1", first_time_wait_for_the_other("ack", acknowledge)),
                pool.submit(
                    repository.update_incident, "pd-C1", first_time_wait_for_the_other("remind", remember_reminder)
                ),
            ]
            for future in futures:
                future.result(timeout=30)
        stored = repository.get_incident("pd-C1")
        assert stored is not None
        assert stored.status == "acknowledged"
        assert stored.reminders_sent == {"initial_response:50"}
        assert stored.version == 3
        assert sum(calls.values()) == 3, f"exactly one writer should have retried, calls: {calls}"

    def test_many_writers_lose_nothing(self, store: Store) -> None:
        repository = store.repository
        open_incident(repository, "pd-C2")
        stages = [f"update:{number}" for number in range(6)]

        def add(stage: str) -> Incident:
            return repository.update_incident(
                "pd-C2", lambda item: replace(item, reminders_sent=item.reminders_sent | {stage}), attempts=20
            )

        with ThreadPoolExecutor(max_workers=len(stages)) as pool:
            list(pool.map(add, stages))
        stored = repository.get_incident("pd-C2")
        assert stored is not None
        assert stored.reminders_sent == set(stages)
        assert stored.version == 1 + len(stages)

    def test_a_save_from_a_stale_read_is_refused_and_a_writer_that_always_loses_gives_up(self, store: Store) -> None:
        repository = store.repository
        open_incident(repository, "pd-C3")
        stale = repository.get_incident("pd-C3")
        assert stale is not None
        repository.update_incident("pd-C3", lambda item: replace(item, title="first"))
        assert repository.take_card_lease(stale, T0) is None
        assert not repository.release_card_lease(stale)
        saved = repository.save_incident(
            stale, "pd-C3", lambda item: replace(item, severity="P1")
        )  # re-read, re-applied
        assert saved.title == "first" and saved.severity == "P1" and saved.version == 3

        def meddle(item: Incident) -> Incident:
            repository.update_incident("pd-C3", lambda other: replace(other, title=f"{other.title}+"))
            return replace(item, severity="P2")

        with pytest.raises(VersionConflictError):
            repository.update_incident("pd-C3", meddle, attempts=2)
