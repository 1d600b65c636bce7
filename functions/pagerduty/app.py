"""PagerDuty V3 webhooks: verify X-PagerDuty-Signature against every active secret, answer fast.

401 for a missing or wrong signature, 202 otherwise (PagerDuty wants any 2xx within 5 s; recording the
event comes in a later issue). The secrets are re-read on every request through the Powertools cache, so
a rotated secret is picked up within five minutes without a deploy.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_core import settings
from sla_core.contracts import load_contracts
from sla_core.signatures import SIGNATURE_HEADER, pagerduty_signature_valid

logger = Logger()
tracer = Tracer()
metrics = Metrics()
resolver = APIGatewayHttpResolver()

contracts = load_contracts()  # at cold start: a bad contracts file fails here, loudly


def _json(status: int, payload: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(payload))


@resolver.post("/pagerduty/webhook")
def receive_webhook() -> Response[str]:
    """Check the signature over the raw body bytes; accept the delivery."""
    event = resolver.current_event
    raw = event.body or ""
    body = base64.b64decode(raw) if event.is_base64_encoded else raw.encode("utf-8")
    webhook_id = event.headers.get("x-webhook-id")
    if not pagerduty_signature_valid(body, event.headers.get(SIGNATURE_HEADER), settings.pagerduty_webhook_secrets()):
        metrics.add_metric(name="WebhookSignatureRejected", unit=MetricUnit.Count, value=1)
        logger.warning("PagerDuty webhook rejected: bad signature", extra={"webhook_id": webhook_id})
        return _json(401, {"message": "invalid signature"})
    metrics.add_metric(name="WebhookAccepted", unit=MetricUnit.Count, value=1)
    logger.info("PagerDuty webhook accepted", extra={"webhook_id": webhook_id, "bytes": len(body)})
    return _json(202, {"accepted": True})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) event in, HTTP response out."""
    return resolver.resolve(event, context)
