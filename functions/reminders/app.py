"""The reminder sweep, once a minute: read the open incidents due by the tick's scheduled time.

`now` is the tick's scheduled time (EventBridge Scheduler's `<aws.scheduler.scheduled-time>`), so a late
or repeated delivery of one tick sees the same instant. The sweep reads the sparse due-index only, never
a scan; sending the reminders comes in a later issue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_core.clock import scheduled_clock
from sla_core.contracts import load_contracts
from sla_core.storage import repository

logger = Logger()
tracer = Tracer()
metrics = Metrics()

contracts = load_contracts()  # at cold start: a bad contracts file fails here, loudly


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One tick: count (and later remind) the incidents due at or before the scheduled time."""
    now = scheduled_clock(event).now()
    due = repository.due_incidents(now)
    metrics.add_metric(name="DueIncidents", unit=MetricUnit.Count, value=len(due))
    logger.info("reminder sweep", extra={"scheduled_time": now.isoformat(), "due": len(due)})
    return {"scheduled_time": now.isoformat(), "due": len(due)}
