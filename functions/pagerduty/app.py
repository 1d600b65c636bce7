"""PagerDuty V3 webhooks: verify, record exactly once, post to the contract's channel, answer.

Answers, chosen for PagerDuty's delivery rules (2xx within 5 s; 5xx, 429 and timeouts are retried for
48 h; any other 4xx is dropped, and three drops in a row disable the subscription for 24 h):
- 401 for a missing or wrong `X-PagerDuty-Signature`, checked over the raw body bytes before anything is
  parsed; nothing is written or posted. (An attacker's request: dropping it is right.)
- 202 once the event is durably recorded and shown in Slack, and for duplicates.
- 202 for event types the bot does not act on (service.*, pagey.ping, new types), logged.
- 202 `ignored` for an event whose instants are implausible (README: "Plausible instants"): nothing is
  written, metric `WebhookEventImplausible`; a retry would be refused the same way.
- 202 for a correctly signed body that is not JSON or lacks what the bot needs, logged as an error with the
  reason and counted (metric `WebhookPayloadInvalid`). Not 400: PagerDuty would drop it anyway, and three
  in a row would disable the subscription and throw away its queue, losing the valid incidents behind
  it. Not 5xx: the same bytes would fail the same way for 48 hours.
- 500 when storage or Slack fails, so PagerDuty retries; every step is idempotent, so the retry completes
  what the failed attempt started.
The secrets are re-read on every request through the Powertools cache, so a rotated secret is picked up
within five minutes without a deploy.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pynamodb.exceptions import PynamoDBException

from sla_core.app.incident_cards import CardPending
from sla_core.config import settings, time_budget
from sla_core.config.clock import SystemClock
from sla_core.config.contracts import load_contracts
from sla_core.pagerduty.signatures import SIGNATURE_HEADER, pagerduty_signature_valid
from sla_core.pagerduty.webhook_flow import handle_delivery
from sla_core.slack.client import SlackPoster
from sla_core.slack.incident_posting import SlackIncidentChannel
from sla_core.slack.request_guard import raw_body
from sla_core.storage import models

logger = Logger()
tracer = Tracer()
metrics = Metrics()
resolver = APIGatewayHttpResolver()
clock = SystemClock()

contracts = load_contracts()  # at cold start: a bad contracts file fails here, loudly
models.connect()  # DynamoDB clients made in the init phase, outside the 5 s Timeout


@cache
def slack_channel() -> SlackIncidentChannel:
    """Incidents are shown in Slack (Web API with the bot token, or the local outbox); made once per container."""
    return SlackIncidentChannel(SlackPoster.from_settings())


def _json(status: int, payload: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(payload))


@resolver.post("/pagerduty/webhook")
def receive_webhook() -> Response[str]:
    """Signature over the raw bytes first; then parse, record and post through the core; answer."""
    event = resolver.current_event
    body = raw_body(event.raw_event)  # None when API Gateway's base64 does not decode: nothing can match
    webhook_id = event.headers.get("x-webhook-id")
    secrets = settings.pagerduty_webhook_secrets()
    if body is None or not pagerduty_signature_valid(body, event.headers.get(SIGNATURE_HEADER), secrets):
        metrics.add_metric(name="WebhookSignatureRejected", unit=MetricUnit.Count, value=1)
        logger.warning("PagerDuty webhook rejected: bad signature", extra={"webhook_id": webhook_id})
        return _json(401, {"message": "invalid signature"})
    try:
        outcome = handle_delivery(
            body, webhook_id=webhook_id, contracts=contracts, channel=slack_channel(), now=clock.now()
        )
    except CardPending as pending:
        metrics.add_metric(name="WebhookCardPending", unit=MetricUnit.Count, value=1)
        logger.info("PagerDuty webhook recorded; its card is still being posted: retry", extra={"detail": str(pending)})
        return _json(503, {"message": "card being posted by another delivery; retry"})
    except PynamoDBException:
        metrics.add_metric(name="WebhookStorageFailed", unit=MetricUnit.Count, value=1)
        logger.exception("PagerDuty webhook not recorded: storage failed", extra={"webhook_id": webhook_id})
        return _json(500, {"message": "storage unavailable; retry"})
    except Exception:
        metrics.add_metric(name="WebhookFailed", unit=MetricUnit.Count, value=1)
        logger.exception("PagerDuty webhook not completed", extra={"webhook_id": webhook_id})
        return _json(500, {"message": "not completed; retry"})
    fields = {"webhook_id": webhook_id, "outcome": outcome.status, "detail": outcome.detail}
    fields.update(event_type=outcome.event_type, event_id=outcome.event_id, incident_id=outcome.incident_id)
    if outcome.status == "invalid":
        metrics.add_metric(name="WebhookPayloadInvalid", unit=MetricUnit.Count, value=1)
        logger.error("PagerDuty webhook payload unusable; answered 202 so the subscription stays on", extra=fields)
        return _json(202, {"accepted": True, "ignored": outcome.detail})
    if outcome.status == "implausible":
        metrics.add_metric(name="WebhookEventImplausible", unit=MetricUnit.Count, value=1)
        logger.warning("PagerDuty event refused: implausible times; answered 202, nothing written", extra=fields)
        return _json(202, {"accepted": True, "ignored": outcome.detail})
    if outcome.status == "ignored":
        logger.info("PagerDuty webhook of a type the bot does not act on", extra=fields)
        return _json(202, {"accepted": True, "ignored": outcome.detail})
    metrics.add_metric(name=f"Webhook{outcome.status.capitalize()}", unit=MetricUnit.Count, value=1)
    logger.info("PagerDuty webhook handled", extra=fields)
    return _json(202, {"accepted": True})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) event in, HTTP response out; Slack's 429s are waited out only within
    the time the function has left."""
    with time_budget.running(time_budget.TimeBudget.of(context)):
        return resolver.resolve(event, context)
