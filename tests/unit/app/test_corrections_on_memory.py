"""Corrections of the record (/sla recompute, a terms change replayed) on the in-memory store: the DynamoDB
Local tests of those modules, run unchanged."""

from __future__ import annotations

from tests.integration.test_recompute import (  # noqa: F401 - fixtures and tests, collected here
    test_a_reported_month_changes_only_on_confirmation_and_once,
)
from tests.integration.test_terms_replay import (  # noqa: F401 - fixtures and tests, collected here
    acme_dirs,
    test_a_contract_whose_replay_fails_is_replayed_again_next_tick,
    test_a_fee_change_shows_the_month_so_far_under_the_old_and_the_new_entry,
    test_a_policy_change_between_two_ticks_reschedules_an_open_incidents_reminders,
    test_an_idle_tick_reads_one_item_not_every_contracts_terms,
)
