"""The storage conformance suite on the in-memory store (the same tests run on DynamoDB Local in
tests/integration/test_storage_conformance.py)."""

from __future__ import annotations

import pytest

from sla_core.app.store import Store
from tests.support.storage_conformance import (  # noqa: F401 - the suite's tests, collected here
    test_a_delivery_is_claimed_once,
    test_a_post_goes_back_plain_fails_or_is_cancelled_only_while_pending,
    test_a_save_from_a_stale_read_is_refused_and_a_writer_that_always_loses_gives_up,
    test_a_window_counts_to_its_limit_then_refuses_and_the_next_window_starts_again,
    test_an_event_recorded_with_its_change_is_recorded_once,
    test_contract_index_lists_a_contracts_incidents_in_opening_order,
    test_corrections_reported_figures_and_terms_are_written_once,
    test_create_is_idempotent_and_round_trips,
    test_downtime_between_returns_overlapping_and_open_intervals,
    test_many_writers_lose_nothing,
    test_naive_datetimes_are_refused_not_assumed_utc,
    test_open_soonest_orders_by_the_soonest_running_clock_and_counts_the_rest,
    test_posts_are_created_once_and_due_in_order_while_pending,
    test_the_due_index_holds_only_open_incidents_that_are_due,
    test_the_open_index_holds_a_contracts_open_incidents_only,
    test_the_timeline_is_append_only_and_in_time_order,
    test_two_concurrent_updates_both_survive,
)
from tests.support.stores import memory


@pytest.fixture
def store() -> Store:
    """A new, empty in-memory store."""
    return memory()
