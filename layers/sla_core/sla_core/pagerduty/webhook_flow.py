"""One verified PagerDuty delivery, end to end: map it, record it exactly once, show it in Slack.

Exactly once, and why there is no separate X-Webhook-Id marker on the `triggered` path:
- the timeline append is a conditional put keyed by `event.id`, which is the same on every retry of a
  delivery (like X-Webhook-Id) *and* across subscriptions that both deliver one event (unlike it); a
  redelivery after a crash still completes the incident, because the fold is idempotent;
- a card is posted only while the incident has no Slack ts, and the ts is saved right after the post;
- a later event's thread reply is guarded by a delivery marker (`repository.claim_delivery`) keyed by the
  event id and written after the reply; a redelivery that was appended before claims the marker first and
  replies only if the marker was not there (the earlier attempt died before replying).
So a new incident costs three DynamoDB requests: incident creation, timeline append, Slack ts.
A resolve's month-so-far summary and claim reminders are queued (post queue) before any reply, and again by a
redelivery, so a Slack failure after them cannot lose them; an event whose instants are implausible
(`app/event_bounds`) is answered `implausible` with nothing written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_core.app.event_bounds import ImplausibleInstant
from sla_core.app.incident_cards import show_card
from sla_core.app.incident_service import RecordResult, record_event
from sla_core.app.ports import IncidentChannel
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.incidents.state import RESOLVED
from sla_core.pagerduty.events import (
    SOURCE,
    Ignored,
    PagerDutyEvent,
    PayloadError,
    incident_event,
    parse_body,
    parse_event,
)
from sla_core.storage import repository
from sla_core.storage.models import IncidentItem

logger = logging.getLogger(__name__)
REPLY_MARKER = "pagerduty-reply"
MARKER_KEEP = timedelta(days=3)  # PagerDuty retries for up to 48 hours


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
    contract, read = _contract(parsed, contracts)
    try:
        result = record_event(
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
        )
    except ImplausibleInstant as error:  # the same bytes fail the same way on every retry: answered 2xx
        return Outcome("implausible", str(error), parsed.event_type, parsed.event_id, parsed.incident_id)
    _show(parsed, result, contracts, channel, now)
    status = "recorded" if result.appended else "duplicate"
    return Outcome(
        status, f"{parsed.kind} on {parsed.incident_id}", parsed.event_type, parsed.event_id, parsed.incident_id
    )


def _contract(parsed: PagerDutyEvent, contracts: ContractsConfig) -> tuple[Contract | None, IncidentItem | None]:
    """The payload's service decides; events that only reference the incident use the stored incident's
    contract (and hand that read on to `record_event`)."""
    if parsed.service_id is not None:
        return contracts.contract_for_service(parsed.service_id), None
    found = repository.get_incident(parsed.incident_id)
    return (contracts.contracts.get(found.contract_id) if found is not None else None), found


def _show(
    parsed: PagerDutyEvent, result: RecordResult, contracts: ContractsConfig, shown: IncidentChannel, now: datetime
) -> None:
    """Post the card if the incident has none; otherwise update it and reply in its thread once per event."""
    item = result.incident
    if result.repeated or (item.slack_ts is None and item.backfilled_at is not None and item.status == RESOLVED):
        return  # a change its backfill recorded, or an incident the backfill read closed: not replayed in Slack
    contract = contracts.contracts.get(item.contract_id)
    posted = False
    if item.slack_ts is None:
        channel = contract.slack_channel if contract is not None else contracts.default_channel
        card = show_card(
            item, contract, result.deadlines, channel, shown,
            owner=result.created and result.appended, now=now, holder=parsed.event_id, wrote_event=result.appended,
        )  # fmt: skip
        item, posted = card.item, card.posted
    if result.resolve_posts_owed and contract is not None:
        # Queued in the card's thread before any other Slack call; a failure before this (the card's post) is
        # answered 5xx, and the redelivery queues them.
        shown.after_resolve(item, contract, now)
    if parsed.kind == "triggered":
        # The card is the trigger's message; a late trigger (after other events) only corrects the card.
        if result.appended and not posted:
            shown.refresh_card(item, contract, result.deadlines)
        return
    if not result.appended and not repository.claim_delivery(REPLY_MARKER, parsed.event_id, now=now, keep=MARKER_KEEP):
        return  # a duplicate whose reply was already posted
    if not posted:
        shown.refresh_card(item, contract, result.deadlines)
    shown.reply_event(item, incident_event(parsed, contract), result.deadlines, contract, label=parsed.label)
    if result.appended:
        repository.claim_delivery(REPLY_MARKER, parsed.event_id, now=now, keep=MARKER_KEEP)
