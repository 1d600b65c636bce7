"""The reminder sweep and the post queue's delivery (leases, retries, 429s, lost answers, duties, snoozes)
on the in-memory store: the DynamoDB Local tests that read no raw item, run unchanged."""

from __future__ import annotations

from tests.integration.test_duty_reminders import (  # noqa: F401 - fixtures and tests, collected here
    a_fresh_process,
    test_a_renewal_date_added_late_gets_the_latest_reminder_only,
    test_each_downgrade_reminder_goes_out_once_at_its_instant,
    test_the_monthly_report_estimates_the_refund_next_to_the_termination_right,
)
from tests.integration.test_post_delivery import (  # noqa: F401 - fixtures and tests, collected here
    stub,
    test_a_429_holds_its_channel_only_and_the_tick_never_sleeps_its_retry_after,
    test_a_backlog_in_one_channel_delays_no_other_channel,
    test_a_breach_notice_still_goes_out_after_the_resolve,
    test_a_month_report_whose_answer_is_lost_or_late_is_posted_once,
    test_a_post_refused_as_plain_text_too_fails_and_its_thread_goes_on_time,
    test_a_post_refused_for_good_goes_out_once_as_plain_text,
    test_a_reminder_whose_answer_is_lost_or_late_is_found_not_posted_again,
    test_a_short_retry_after_is_waited_out_within_the_tick,
    test_a_tick_stops_taking_posts_with_five_seconds_left_and_leaves_the_rest_queued,
    test_not_in_channel_backs_off_without_holding_back_another_thread_or_channel,
    test_pending_reminders_of_a_paused_clock_are_cancelled,
    test_pending_reminders_of_a_resolved_incident_are_cancelled,
    test_reports_are_built_while_the_channels_wait_their_turn,
    test_the_handler_passes_its_remaining_time_to_the_tick,
    test_the_workspace_budget_spaces_all_posts,
)
from tests.integration.test_reminder_sweep import (  # noqa: F401 - fixtures and tests, collected here
    slack,
    test_a_crash_between_claim_and_post_is_retried_after_the_lease_once,
    test_a_crash_between_post_and_confirm_finds_the_message_instead_of_reposting,
    test_a_refused_lookup_does_not_hold_the_post_back,
    test_a_sweep_down_for_an_hour_posts_only_the_breach_then_carries_on,
    test_an_incident_opened_six_hours_late_gets_one_breach_notice_per_clock,
    test_slack_429_then_500_delays_but_neither_loses_nor_repeats_nor_reorders,
    test_the_handler_takes_now_from_the_scheduled_time,
    test_the_oldest_pending_post_age_grows_while_slack_refuses_and_drops_once_it_goes_out,
    test_two_concurrent_sweeps_post_each_stage_once,
    test_without_a_card_reminders_go_to_the_contract_channel,
)
from tests.integration.test_snooze_sweep import (  # noqa: F401 - fixtures and tests, collected here
    test_snoozed_notices_come_back_once_and_never_hold_back_the_warning_or_the_breach,
)
