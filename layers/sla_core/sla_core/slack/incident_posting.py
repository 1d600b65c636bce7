"""Showing an incident in Slack: its card is posted once (channel and ts stored on the incident), later changes
update the card and reply in its thread. Every function that changes an incident posts through here.

The Slack ts is stored right after the post with a versioned save; a crash before that leaves the incident
without a ts, and the next delivery (PagerDuty retries anything not answered 2xx) posts the card then. So a
card can in rare cases be posted twice, never lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sla_core.app.contract_credit import month_to_date
from sla_core.app.incident_service import deadlines_of
from sla_core.config.contract import Contract
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import POST_FAILURES, refused
from sla_core.slack.incident_card import card, event_reply, resolve_summary
from sla_core.slack.report_messages import claim_reminder_drafts
from sla_core.storage import post_queue, repository
from sla_core.storage.models import IncidentItem
from sla_core.storage.post_queue import Draft

RESOLVE_PURPOSE = "resolve_summary"


def post_card(
    item: IncidentItem,
    contract: Contract | None,
    deadlines: Sequence[TrackedDeadline],
    poster: SlackPoster,
    channel: str,
) -> IncidentItem:
    """chat.postMessage of the incident's card in `channel` (its card id in the message metadata); returns the
    incident with the message stored."""
    text, blocks = card(item, contract, deadlines)
    ts = poster.post_message(channel, text, blocks=blocks, post_id=card_post_id(item.incident_id))
    return adopt_card(item, contract, channel, ts, poster)


def card_post_id(incident_id: str) -> str:
    """The id in a card's message metadata, by which a card posted before a crash is found again."""
    return f"card#{incident_id}"


def adopt_card(
    item: IncidentItem, contract: Contract | None, channel: str, ts: str, poster: SlackPoster
) -> IncidentItem:
    """Store a posted card's ts; when the incident changed meanwhile, update the card to its current state."""
    stored = store_message(item, channel, ts)
    if stored is not item:
        refresh_card(stored, contract, deadlines_of(stored, contract), poster)
    return stored


def store_message(item: IncidentItem, channel: str, ts: str) -> IncidentItem:
    """Save the card's channel and ts on the incident (one conditional write; a re-read only on a conflict)."""

    def change(fresh: IncidentItem) -> None:
        if fresh.slack_ts is None:
            fresh.slack_channel, fresh.slack_ts = channel, ts

    return repository.save_incident(item, item.incident_id, change)


def refresh_card(
    item: IncidentItem, contract: Contract | None, deadlines: Sequence[TrackedDeadline], poster: SlackPoster
) -> None:
    """chat.update of the incident's card with its current state (nothing when it has no card yet)."""
    if item.slack_channel is None or item.slack_ts is None:
        return
    text, blocks = card(item, contract, deadlines)
    poster.update_message(item.slack_channel, item.slack_ts, text, blocks=blocks)


def reply(item: IncidentItem, poster: SlackPoster, text: str) -> str | None:
    """A reply in the card's thread (text already escaped by the caller); None when there is no card."""
    if item.slack_channel is None or item.slack_ts is None:
        return None
    return poster.post_message(item.slack_channel, text, thread_ts=item.slack_ts)


def after_resolve(item: IncidentItem, contract: Contract, now: datetime) -> None:
    """Once per resolve (callers: when `record_event` recorded its downtime, and again on a redelivery of an
    event on a resolved outage, in case the first attempt failed after recording it), for an incident whose
    component counts toward availability: queue the reply with the month to date, the estimated credit and the
    claim deadline, and the claim-window reminders. Queued before any Slack call of the step, under ids derived
    from the resolve, so a retry after any failure finds them queued and the sweep posts each once."""
    if item.component not in contract.components:
        return
    summary = month_to_date(item, contract, now)
    if summary is None:
        return
    post_queue.create_post(
        Draft(
            post_id=resolve_post_id(item),
            purpose=RESOLVE_PURPOSE,
            channel=item.slack_channel or contract.slack_channel,
            text=resolve_summary(summary, contract),
            send_at=now,
            thread_ts=item.slack_ts,
            incident_id=item.incident_id,
            contract_id=contract.id,
        ),
        now=now,
    )
    for draft in claim_reminder_drafts(contract, summary.estimate, now):
        post_queue.create_post(draft, now=now)


def resolve_post_id(item: IncidentItem) -> str:
    """The queued summary of one recorded outage as it now stands: the incident, its resolve instant, and what its
    downtime follows (opening, outage or not, cause, the classification that said so). A redelivery finds the
    same id; a reclassification or correction that changes the downtime is a new summary."""
    state = repository.state_of(item)
    resolved = item.resolved_at.isoformat() if item.resolved_at is not None else "-"
    facts = repr((state.opened_at, item.outage, state.cause, state.classified_key))
    return f"resolve#{item.incident_id}@{resolved}#{hashlib.sha256(facts.encode()).hexdigest()[:12]}"


class SlackIncidentChannel:
    """The app's `IncidentChannel` in Slack: cards, thread replies and resolve summaries through a poster."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster

    def post_card(
        self, item: IncidentItem, contract: Contract | None, deadlines: Sequence[TrackedDeadline], channel: str
    ) -> IncidentItem:
        """Post and store the card; a failed post is `PostRefused`, `uncertain` when the card may have reached the
        channel (its answer lost or late)."""
        text, blocks = card(item, contract, deadlines)
        try:
            ts = self.poster.post_message(channel, text, blocks=blocks, post_id=card_post_id(item.incident_id))
        except POST_FAILURES as error:
            raise refused(error) from error
        return adopt_card(item, contract, channel, ts, self.poster)

    def find_card(self, item: IncidentItem, channel: str, *, since: datetime) -> str | None:
        return self.poster.find_posted(channel, card_post_id(item.incident_id), thread_ts=None, oldest=since)

    def adopt_card(
        self,
        item: IncidentItem,
        contract: Contract | None,
        deadlines: Sequence[TrackedDeadline],
        channel: str,
        ts: str,
    ) -> IncidentItem:
        stored = adopt_card(item, contract, channel, ts, self.poster)
        if stored is item:  # the found card shows the state of its crashed poster: bring it up to date
            refresh_card(stored, contract, deadlines, self.poster)
        return stored

    def refresh_card(self, item: IncidentItem, contract: Contract | None, deadlines: Sequence[TrackedDeadline]) -> None:
        refresh_card(item, contract, deadlines, self.poster)

    def reply_event(
        self,
        item: IncidentItem,
        event: IncidentEvent,
        deadlines: Sequence[TrackedDeadline],
        contract: Contract | None,
        *,
        label: str,
    ) -> None:
        reply(item, self.poster, event_reply(event, deadlines, contract, label=label, severity=item.severity))

    def after_resolve(self, item: IncidentItem, contract: Contract, now: datetime) -> None:
        after_resolve(item, contract, now)
