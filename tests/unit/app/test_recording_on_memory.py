"""Recording events and pauses (app/incident_service.py, the card lease) on the in-memory store: the
DynamoDB Local tests of those modules that read no raw item, run unchanged."""

from __future__ import annotations

from tests.integration.test_card_lease import (  # noqa: F401 - fixtures and tests, collected here
    test_the_first_retry_after_a_stall_takes_the_lease_at_once_when_it_writes_the_event_itself,
    test_the_holders_redelivery_takes_the_lease_back_once_its_first_attempt_is_over,
)
from tests.integration.test_incident_service import (  # noqa: F401 - fixtures and tests, collected here
    test_a_ticket_records_no_downtime_and_an_outage_does,
    test_concurrent_events_on_one_incident_all_survive,
    test_marking_a_reminder_moves_the_incident_to_its_next_stage,
    test_the_contracts_outage_rule_and_a_classification_before_the_resolve,
)
from tests.integration.test_pauses_flow import (  # noqa: F401 - fixtures and tests, collected here
    flows,
    test_a_reason_the_contract_has_not_is_refused_with_the_ones_it_has,
    test_pause_and_resume_move_the_resolution_clock_by_the_open_time_it_stood_still,
)
