"""The reminder sweep, once a minute: remind about what is due, post owed reports, retry what Slack refused.

The tick runs within the invocation's remaining time (`context.get_remaining_time_in_millis()`): it stops
taking work with 5 s left and never sleeps on a 429 (its client retries none; the sweep holds the channel).

`now` is the tick's scheduled time (EventBridge Scheduler's `<aws.scheduler.scheduled-time>`), so a late
or repeated delivery of one tick sees the same instant. The work is `sla_core.app.sweep.Sweep`: it reads
the sparse due-index only (due incidents, due pending posts), never a scan.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_core.app.sweep import Sweep
from sla_core.config import time_budget
from sla_core.config.clock import scheduled_clock
from sla_core.config.contracts import load_contracts
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages

logger = Logger()
tracer = Tracer()
metrics = Metrics()

contracts = load_contracts()  # at cold start: a bad contracts file fails here, loudly


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One tick: claim the due reminders and reports, then deliver the pending posts, at the scheduled time."""
    metrics.add_metric(name="SweepHeartbeat", unit=MetricUnit.Count, value=1)  # the tick ran (alarm: absent)
    poster = SlackDelivery(SlackPoster.from_settings(max_rate_limit_retries=0))  # a 429 holds its channel instead
    with time_budget.running(time_budget.TimeBudget.of(context)) as budget:
        result = Sweep(contracts, poster, SlackMessages(), scheduled_clock(event), budget=budget).run()
    counts = {
        "DueIncidents": result.due,
        "PostsSent": result.posted,
        "PostsDeferred": result.deferred,
        "RemindersCancelled": result.cancelled,  # incident resolved, clock paused or met before its turn
        "SweepOutOfTime": int(result.out_of_time),  # stopped with 5 s left; the rest waits for the next tick
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    # Refused for good, as plain text too: marked failed, never retried (alarm posts-failed, README Runbook).
    metrics.add_metric(name="PostsFailed", unit=MetricUnit.Count, value=result.failed)
    metrics.add_metric(name="OldestPendingPostAge", unit=MetricUnit.Seconds, value=result.oldest_pending_age_s)
    logger.info("reminder sweep", extra=result.as_dict())
    return {"scheduled_time": result.scheduled_time.isoformat(), "due": result.due}
