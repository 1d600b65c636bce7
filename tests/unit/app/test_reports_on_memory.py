"""Reports, the digest and the figures kept (quarter and month reports, claim reminders, alternate readings)
on the in-memory store: the DynamoDB Local tests of those modules, run unchanged."""

from __future__ import annotations

from tests.integration.test_digest_sweep import (  # noqa: F401 - fixtures and tests, collected here
    slack,
    test_the_digest_goes_out_once_a_day_from_its_local_time_even_after_missed_ticks,
)
from tests.integration.test_month_glance import (  # noqa: F401 - fixtures and tests, collected here
    test_each_component_has_its_own_budget,
    test_the_current_month_so_far_and_then_the_whole_month_for_the_report,
)
from tests.integration.test_new_clauses_stored import (  # noqa: F401 - fixtures and tests, collected here
    contract,
    test_a_quarter_uses_what_the_years_earlier_maintenance_left_of_the_allowance,
    test_an_incidents_clock_runs_on_the_customers_hours,
)
from tests.integration.test_other_figures_stored import (  # noqa: F401 - fixtures and tests, collected here
    test_sla_credit_on_stored_tickets_shows_both_figures,
    test_the_misses_that_depend_on_a_reading_are_named_and_counted,
    test_the_resolve_summary_on_stored_downtime_shows_both_figures,
)
from tests.integration.test_quarter_reports import (  # noqa: F401 - fixtures and tests, collected here
    fresh_process,
    test_a_report_that_cannot_be_built_is_logged_once_and_costs_no_later_tick,
    test_a_stored_interval_that_cannot_be_read_is_left_out_and_said_the_report_still_posts,
    test_claims_leave_the_tick_time_to_post_what_is_owed,
    test_the_quarter_end_report_gives_the_quarters_credit_and_schedules_its_claim_reminders,
)
