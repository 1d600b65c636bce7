"""One verified PagerDuty delivery, end to end: parse it, map it to its contract, and hand it to
`app.record_and_show`, which records it exactly once and shows it in Slack (the card, its updates and thread
replies, a resolve's queued summary and claim reminders: the protocol is written down there).

Why there is no separate X-Webhook-Id marker on the `triggered` path: the timeline append is a conditional put keyed
by `event.id`, which is the same on every retry of a delivery (like X-Webhook-Id) *and* across subscriptions that
both deliver one event (unlike it). So a new incident costs three DynamoDB requests: incident creation, timeline
append, Slack ts. An event whose instants are implausible (`app/event_bounds`) is answered `implausible` with
nothing written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sla_core.app.event_bounds import ImplausibleInstant
from sla_core.app.ports import IncidentChannel
from sla_core.app.record_and_show import record_and_show, stored_contract
from sla_core.config.contract import ContractsConfig
from sla_core.pagerduty.events import (
    SOURCE,
    Ignored,
    PayloadError,
    incident_event,
    parse_body,
    parse_event,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a delivery: recorded, duplicate, ignored (type not acted on), invalid (payload) or
    implausible (an instant outside the accepted bounds, or contradicting the incident's other times)."""

    status: str
    detail: str
    event_type: str | None = None
    event_id: str | None = None
    incident_id: str | None = None


def handle_delivery(
    body: bytes, *, webhook_id: str | None, contracts: ContractsConfig, channel: IncidentChannel, now: datetime
) -> Outcome:
    """Parse a verified body, record its event and show it on `channel`; storage and posting errors propagate
    (answer 5xx)."""
    try:
        parsed = parse_event(parse_body(body))
    except PayloadError as error:
        return Outcome("invalid", str(error))
    if isinstance(parsed, Ignored):
        return Outcome("ignored", parsed.reason, parsed.event_type, parsed.event_id)
    # The payload's service decides; events that only reference the incident use the stored incident's contract.
    if parsed.service_id is not None:
        contract, read = contracts.contract_for_service(parsed.service_id), None
    else:
        contract, read = stored_contract(parsed.incident_id, contracts)
    try:
        result = record_and_show(
            channel,
            contracts,
            incident_id=parsed.incident_id,
            event=incident_event(parsed, contract),
            contract=contract,
            source=SOURCE,
            recorded_at=now,
            title=parsed.title,
            source_id=parsed.pagerduty_id,
            source_url=parsed.html_url,
            service_id=parsed.service_id,
            details={"pagerduty_event_type": parsed.event_type, **({"webhook_id": webhook_id} if webhook_id else {})},
            read=read,
            label=parsed.label,
        ).result
    except ImplausibleInstant as error:  # the same bytes fail the same way on every retry: answered 2xx
        return Outcome("implausible", str(error), parsed.event_type, parsed.event_id, parsed.incident_id)
    status = "recorded" if result.appended else "duplicate"
    return Outcome(
        status, f"{parsed.kind} on {parsed.incident_id}", parsed.event_type, parsed.event_id, parsed.incident_id
    )
