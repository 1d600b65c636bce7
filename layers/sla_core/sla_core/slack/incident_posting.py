"""The app's `IncidentChannel` in Slack: an incident's card, its thread replies and the words of a resolve's posts,
rendered and posted through a poster. Nothing is stored here: `app.record_and_show` stores the card's ts that
`post_card` returns, and queues what the resolve owes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sla_core.app.contract_credit import MonthToDate
from sla_core.app.notices import ClaimReminder
from sla_core.config.contract import Contract
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import POST_FAILURES, refused
from sla_core.slack.render.incident_card import card, event_reply, resolve_summary
from sla_core.slack.render.reports import claim_reminder_text


def card_post_id(incident_id: str) -> str:
    """The id in a card's message metadata, by which a card posted before a crash is found again."""
    return f"card#{incident_id}"


class SlackIncidentChannel:
    """Cards, thread replies and a resolve's words in Slack, through a poster."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster

    def post_card(
        self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline], channel: str
    ) -> str:
        """chat.postMessage of the card (its card id in the message metadata); its ts. A failed post is
        `PostRefused`, `uncertain` when the card may have reached the channel (its answer lost or late)."""
        text, blocks = card(item, contract, deadlines)
        try:
            return self.poster.post_message(channel, text, blocks=blocks, post_id=card_post_id(item.incident_id))
        except POST_FAILURES as error:
            raise refused(error) from error

    def find_card(self, incident_id: str, channel: str, *, since: datetime) -> str | None:
        return self.poster.find_posted(channel, card_post_id(incident_id), thread_ts=None, oldest=since)

    def update_card(self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline]) -> None:
        """chat.update of the card with the incident's current state (nothing when it has no card yet)."""
        if item.slack_channel is None or item.slack_ts is None:
            return
        text, blocks = card(item, contract, deadlines)
        self.poster.update_message(item.slack_channel, item.slack_ts, text, blocks=blocks)

    def reply_event(
        self,
        item: Incident,
        event: IncidentEvent,
        deadlines: Sequence[TrackedDeadline],
        contract: Contract | None,
        *,
        label: str | None,
    ) -> None:
        """The event's reply in the card's thread (nothing when there is no card)."""
        if item.slack_channel is None or item.slack_ts is None:
            return
        text = event_reply(event, deadlines, contract, label=label, severity=item.severity)
        self.poster.post_message(item.slack_channel, text, thread_ts=item.slack_ts)

    def resolve_summary(self, summary: MonthToDate, contract: Contract) -> str:
        return resolve_summary(summary, contract)

    def claim_reminder(self, reminder: ClaimReminder) -> str:
        return claim_reminder_text(reminder)
