"""Record an incident event and show it, exactly once, for every way in (PagerDuty webhooks, Slack commands and
buttons): the one place that decides what Slack is owed after a record.

After `record_event`:
1. a change its backfill recorded (`repeated`), or a closed incident a backfill read without a card, is not
   replayed in Slack;
2. an incident without a card gets its one card (`incident_cards.show_card`: the lease, the lookup of a card a
   crashed attempt posted, the ts stored as soon as the post returns);
3. the resolve of an outage queues its month-to-date summary (in the card's thread) and its claim-window reminders
   before any other Slack call, under ids derived from the resolve, so a retry after any failure finds them queued
   and the sweep posts each once;
4. a trigger's message is the card (a late trigger only brings the card up to date); any other event updates the
   card and replies in its thread once per event: a redelivery replies only when the first attempt did not get
   that far (a marker written after the reply says it did).
The `IncidentChannel` port only renders and posts; everything stored is stored here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sla_core.app.contract_credit import month_to_date
from sla_core.app.incident_cards import show_card
from sla_core.app.incident_service import RecordResult, record_event
from sla_core.app.ports import IncidentChannel
from sla_core.app.reports import claim_drafts_with, claim_reminders
from sla_core.app.store import post_queue, repository
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.incidents.records import Draft, Incident
from sla_core.incidents.state import RESOLVED, IncidentEvent

RESOLVE_PURPOSE = "resolve_summary"
MARKER_KEEP = timedelta(days=3)  # PagerDuty retries for up to 48 hours


@dataclass(frozen=True, slots=True)
class Shown:
    """What `record_and_show` did: what was recorded, and the incident as stored once shown (with its card)."""

    result: RecordResult
    incident: Incident


def record_and_show(
    shown: IncidentChannel,
    contracts: ContractsConfig,
    *,
    incident_id: str,
    event: IncidentEvent,
    contract: Contract | None,
    source: str,
    recorded_at: datetime,
    label: str | None = None,
    title: str | None = None,
    component: str | None = None,
    source_id: str | None = None,
    source_url: str | None = None,
    service_id: str | None = None,
    details: dict[str, Any] | None = None,
    read: Incident | None = None,
) -> Shown:
    """Record `event` (see `record_event`; `ImplausibleInstant` before anything is written) and show it on `shown`.
    `label` names the source's own word for the event in its reply (PagerDuty's `escalated`, ...). Storage and
    posting errors propagate: the sender's retry completes what is missing, and nothing twice."""
    result = record_event(
        incident_id=incident_id, event=event, contract=contract, source=source, recorded_at=recorded_at,
        title=title, component=component, source_id=source_id, source_url=source_url, service_id=service_id,
        details=details, read=read,
    )  # fmt: skip
    return Shown(result, _show(result, event, contracts, shown, source=source, now=recorded_at, label=label))


def stored_contract(incident_id: str, contracts: ContractsConfig) -> tuple[Contract | None, Incident | None]:
    """For an event that names no service: the stored incident's contract, and the incident as read (handed on to
    `record_and_show`, which saves under that read's version)."""
    found = repository.get_incident(incident_id)
    return (contracts.contracts.get(found.contract_id) if found is not None else None), found


def _show(
    result: RecordResult,
    event: IncidentEvent,
    contracts: ContractsConfig,
    shown: IncidentChannel,
    *,
    source: str,
    now: datetime,
    label: str | None,
) -> Incident:
    """Steps 1-4 of the module's docstring; returns the incident as stored."""
    item = result.incident
    if result.repeated or (item.slack_ts is None and item.backfilled_at is not None and item.status == RESOLVED):
        return item
    contract = contracts.contracts.get(item.contract_id)
    posted = False
    if item.slack_ts is None:
        channel = contract.slack_channel if contract is not None else contracts.default_channel
        card = show_card(
            item, contract, result.deadlines, channel, shown,
            owner=result.created and result.appended, now=now, holder=event.event_id, wrote_event=result.appended,
        )  # fmt: skip
        item, posted = card.item, card.posted
    if result.resolve_posts_owed and contract is not None:
        queue_resolve_posts(item, contract, now, shown)
    if event.kind == "triggered":
        if result.appended and not posted:
            shown.update_card(item, contract, result.deadlines)
        return item
    marker = f"{source}-reply"
    if not result.appended and not repository.claim_delivery(marker, event.event_id, now=now, keep=MARKER_KEEP):
        return item  # a redelivery whose reply was posted
    if not posted:
        shown.update_card(item, contract, result.deadlines)
    shown.reply_event(item, event, result.deadlines, contract, label=label)
    if result.appended:
        repository.claim_delivery(marker, event.event_id, now=now, keep=MARKER_KEEP)
    return item


def queue_resolve_posts(item: Incident, contract: Contract, now: datetime, shown: IncidentChannel) -> None:
    """Once per resolve of an outage on a component that counts toward availability (and again on a redelivery,
    in case the first attempt failed after recording it): queue the reply with the month to date, the estimated
    credit and the claim deadline, and the claim-window reminders. Conditional creates: the sweep posts each once."""
    if item.component not in contract.components:
        return
    summary = month_to_date(item, contract, now)
    if summary is None:
        return
    channel = item.slack_channel or contract.slack_channel
    text = shown.resolve_summary(summary, contract)
    draft = Draft(
        post_id=resolve_post_id(item), purpose=RESOLVE_PURPOSE, channel=channel, text=text, send_at=now,
        thread_ts=item.slack_ts, incident_id=item.incident_id, contract_id=contract.id,
    )  # fmt: skip
    post_queue.create_post(draft, now=now)
    for draft in claim_drafts_with(claim_reminders(contract, summary.estimate, now), shown.claim_reminder):
        post_queue.create_post(draft, now=now)


def resolve_post_id(item: Incident) -> str:
    """The queued summary of one recorded outage as it now stands: the incident, its resolve instant, and what its
    downtime follows (opening, outage or not, cause, the classification that said so). A redelivery finds the
    same id; a reclassification or correction that changes the downtime is a new summary."""
    state = item.state
    resolved = item.resolved_at.isoformat() if item.resolved_at is not None else "-"
    facts = repr((state.opened_at, item.outage, state.cause, state.classified_key))
    return f"resolve#{item.incident_id}@{resolved}#{hashlib.sha256(facts.encode()).hexdigest()[:12]}"
