"""Record-and-show from a signed PagerDuty webhook to the Slack stub on the in-memory store: the DynamoDB
Local tests of those modules that read no raw item and count no DynamoDB request, run unchanged."""

from __future__ import annotations

from tests.integration.test_pagerduty_slack_api import (  # noqa: F401 - fixtures and tests, collected here
    slack,
    stub,
    test_a_card_stored_by_slack_whose_answer_was_lost_or_late_is_found_not_posted_again,
    test_a_slack_failure_after_recording_is_5xx_and_the_retry_posts_the_card,
    test_the_ts_slack_returns_is_stored_and_later_events_update_that_message,
)
from tests.integration.test_pagerduty_webhook import (  # noqa: F401 - fixtures and tests, collected here
    mark,
    test_a_bad_or_missing_signature_is_401_and_nothing_is_written_or_posted,
    test_a_changed_body_fails_the_signature_of_the_original,
    test_a_note_on_an_unknown_incident_is_recorded_without_a_contract,
    test_a_title_that_would_ping_everyone_pings_nobody,
    test_an_unmapped_service_is_recorded_and_posted_to_the_default_channel,
    test_duplicate_later_events_reply_once,
    test_out_of_order_ack_before_trigger_ends_acknowledged_with_the_first_response_met,
    test_pagerdutys_own_signature_vector,
    test_resolve_on_a_contract_with_a_claim_window_posts_the_claim_deadline,
    test_rotation_either_secret_or_both_values_are_accepted,
    test_signed_but_unusable_payloads_get_2xx_so_the_subscription_stays_on,
    test_the_card_shows_severity_link_deadline_in_the_contract_zone_and_buttons,
    test_the_lifecycle_note_priority_and_resolve_with_month_to_date_availability,
    test_three_deliveries_of_a_trigger_give_one_timeline_entry_and_one_card,
    test_timeline_types_unacknowledge_and_reopen,
    test_types_the_bot_does_not_act_on_get_2xx_and_nothing_else,
)
