"""One card per incident, under any concurrency: the delivery that creates the incident and writes its event to
the timeline owns the card (creation is a conditional put and so is each timeline entry, so there is exactly
one) and holds a lease on posting it. Copies that arrive meanwhile wait briefly for the card's ts instead of
posting their own; a lease that ran out without a ts (the owner crashed) is taken over with a versioned save,
and the taker first looks the card up by its message metadata, so a card Slack accepted before the crash is
found, not posted again.

A redelivery of the event whose delivery holds the lease takes it back:
- at once when the redelivery itself wrote that event's timeline entry: the earlier attempt created the incident
  (a write that landed after its answer was lost, as in a stalled table) but never got as far as the timeline, so
  it never posted; this is the first retry after a stall, and it shows the card;
- otherwise once that attempt must be over (the webhook function's Timeout has passed since the lease was
  taken), looking the card up first. Copies of that event arriving while the attempt may still run wait like
  any other."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sla_core.app.clocks import deadlines_of
from sla_core.app.ports import IncidentChannel, PostRefused
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.incidents.records import Incident
from sla_core.incidents.tracking import TrackedDeadline

CARD_LEASE = timedelta(seconds=30)  # longer than any function's run; a crashed owner's lease runs out after it
HOLDER_RUN = timedelta(seconds=5)  # the webhook function's Timeout: Lambda ends an attempt by then
WAITS = (0.05, 0.1, 0.2, 0.4, 0.8)  # seconds a copy waits for the owner's card: 1.55 s in all, well within 5 s
LOOKUP_MARGIN = timedelta(minutes=10)


class CardPending(RuntimeError):
    """Another delivery holds the card's lease and has not posted it yet: answer 5xx so the sender retries."""


@dataclass(frozen=True, slots=True)
class ShownCard:
    """The incident as stored once its card exists, and whether this call posted it."""

    item: Incident
    posted: bool


def lease_for_new_card(item: Incident, now: datetime, holder: str) -> Incident:
    """A new incident whose creator (the delivery of event `holder`) holds the card's lease (saved with the
    creation)."""
    return replace(item, card_lease_until=now + CARD_LEASE, card_lease_holder=holder)


def show_card(
    item: Incident,
    contract: Contract | None,
    deadlines: Sequence[TrackedDeadline],
    channel: str,
    shown: IncidentChannel,
    *,
    owner: bool,
    now: datetime,
    holder: str | None = None,
    wrote_event: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> ShownCard:
    """Make sure the incident has its one card. `owner`: this delivery created the incident (and wrote its
    event); `holder`: the event this delivery carries; `wrote_event`: this delivery wrote that event's timeline
    entry. A redelivery of the event whose delivery holds the lease takes it back at once when it wrote the
    event itself (the earlier attempt stopped before the timeline, so before the card), or once that attempt
    must be over (looking the card up before posting it), instead of waiting for the lease to run out."""
    if item.slack_ts is not None:
        return ShownCard(item, False)
    if owner:
        return ShownCard(_post(item, contract, deadlines, channel, shown), True)
    until, since = item.card_lease_until, now - HOLDER_RUN
    held = holder is not None and item.card_lease_holder == holder and until is not None
    # This event's earlier attempt holds the lease and never posted (it did not write the event), or has surely
    # ended (killed at its Timeout): take it back.
    never_posted = held and wrote_event
    mine = never_posted or (held and until is not None and until - CARD_LEASE <= since)
    for wait in () if mine else (0.0, *WAITS):
        if wait:
            sleep(wait)
            item = repository.get_incident(item.incident_id) or item
        if item.slack_ts is not None:
            return ShownCard(item, False)
        if item.card_lease_until is None or item.card_lease_until <= now:
            break
    else:
        if not mine:
            raise CardPending(f"the card of {item.incident_id} is being posted by another delivery")
    previous = item.card_lease_until
    leased = repository.take_card_lease(item, now + CARD_LEASE, holder)
    if leased is None:
        raise CardPending(f"the incident {item.incident_id} changed while its card was claimed")
    item = leased
    if previous is not None and not never_posted:  # the last holder may have posted before it crashed
        found = shown.find_card(item.incident_id, channel, since=previous - CARD_LEASE - LOOKUP_MARGIN)
        if found is not None:  # it shows the state of its crashed poster: brought up to date either way
            stored, changed = store_card(item, contract, channel, found, shown)
            if not changed:
                shown.update_card(stored, contract, deadlines)
            return ShownCard(stored, False)
    return ShownCard(_post(item, contract, deadlines, channel, shown), True)


def _post(
    item: Incident,
    contract: Contract | None,
    deadlines: Sequence[TrackedDeadline],
    channel: str,
    shown: IncidentChannel,
) -> Incident:
    """Post the card under the lease. If Slack refused it, give the lease back so the sender's retry posts it;
    a post that may have reached Slack (its answer lost or late) or any other failure (the ts not stored) keeps
    the lease, whose taker looks the card up before posting."""
    try:
        ts = shown.post_card(item, contract, deadlines, channel)
    except PostRefused as refusal:
        if not refusal.uncertain:
            repository.release_card_lease(item)
        raise
    return store_card(item, contract, channel, ts, shown)[0]


def store_card(
    item: Incident, contract: Contract | None, channel: str, ts: str, shown: IncidentChannel
) -> tuple[Incident, bool]:
    """Save a posted card's channel and ts on the incident (one conditional write; a re-read only on a conflict).
    The ts is stored right after the post: a crash before that leaves the incident without one, and the next
    delivery finds the card by its metadata under the lease. When the incident changed meanwhile, the card is
    updated to its current state (and True says so)."""

    def change(fresh: Incident) -> Incident:
        return fresh if fresh.slack_ts is not None else replace(fresh, slack_channel=channel, slack_ts=ts)

    stored = repository.save_incident(item, item.incident_id, change)
    changed = stored.version != (item.version or 0) + 1  # saved on a fresh read: someone wrote in between
    if changed:
        shown.update_card(stored, contract, deadlines_of(stored, contract))
    return stored, changed
