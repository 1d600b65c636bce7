"""The card lease of a new incident (app/incident_cards) on DynamoDB Local: the redelivery of the event whose
attempt took the lease takes it back at once when it wrote the event itself (that attempt never reached the
timeline, so never posted), otherwise once that attempt must be over (issue 20, point 6); copies meanwhile, and
other events, wait for the card as before. Slack is a recording stand-in of the `IncidentChannel` port."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from sla_core.app.contract_credit import MonthToDate
from sla_core.app.incident_cards import CardPending, lease_for_new_card, show_card
from sla_core.app.notices import ClaimReminder
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
CHANNEL = "C0SONARBIL1"


class Channel:
    """Posts cards (each gets the next ts; the app stores it); finds none (the crashed attempt posted nothing)."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    def post_card(
        self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline], channel: str
    ) -> str:
        self.posted.append(item.incident_id)
        return f"{len(self.posted)}.000"

    def find_card(self, incident_id: str, channel: str, *, since: datetime) -> str | None:
        return None

    def update_card(self, item: Incident, contract: Contract | None, deadlines: Sequence[TrackedDeadline]) -> None:
        raise AssertionError("not used by show_card")

    def reply_event(
        self,
        item: Incident,
        event: IncidentEvent,
        deadlines: Sequence[TrackedDeadline],
        contract: Contract | None,
        *,
        label: str | None,
    ) -> None:
        raise AssertionError("not used by show_card")

    def resolve_summary(self, summary: MonthToDate, contract: Contract) -> str:
        raise AssertionError("not used by show_card")

    def claim_reminder(self, reminder: ClaimReminder) -> str:
        raise AssertionError("not used by show_card")


def leased(holder: str) -> Incident:
    """A new incident whose creating delivery (of event `holder`, at T0) took the card's lease and then failed."""
    item = repository.new_incident(
        incident_id="pd-PLEASE1", contract_id="sonar-billing", component="platform", severity="normal",
        source="pagerduty", title="Stalled", opened_at=T0,
    )  # fmt: skip
    item = lease_for_new_card(item, T0, holder)
    assert repository.create_incident(item)
    found = repository.get_incident("pd-PLEASE1")
    assert found is not None
    return found


def show(item: Incident, channel: Channel, holder: str, now: datetime, *, wrote_event: bool = False) -> Incident:
    return show_card(
        item, None, [], CHANNEL, channel, owner=False, now=now, holder=holder, wrote_event=wrote_event,
        sleep=lambda _: None,
    ).item  # fmt: skip


def test_the_holders_redelivery_takes_the_lease_back_once_its_first_attempt_is_over(table: str) -> None:
    channel = Channel()
    item = leased("EV-1")
    # 2 s later the first attempt may still be running (Timeout 5 s): a copy of its event waits, as any other.
    with pytest.raises(CardPending):
        show(item, channel, "EV-1", T0 + timedelta(seconds=2))
    # Another event 6 s later still waits for the 30 s lease to run out.
    with pytest.raises(CardPending):
        show(item, channel, "EV-2", T0 + timedelta(seconds=6))
    # The same event's redelivery 6 s later: that attempt has ended, so it takes the lease and posts the card.
    shown = show(repository.get_incident("pd-PLEASE1") or item, channel, "EV-1", T0 + timedelta(seconds=6))
    assert shown.slack_ts == "1.000" and channel.posted == ["pd-PLEASE1"]
    # And once shown, every later delivery finds the card: still one.
    again = show(repository.get_incident("pd-PLEASE1") or item, channel, "EV-1", T0 + timedelta(seconds=7))
    assert again.slack_ts == "1.000" and channel.posted == ["pd-PLEASE1"]


class Lookups(Channel):
    """Counts card lookups: a lease whose holder never wrote its event needs none."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def find_card(self, incident_id: str, channel: str, *, since: datetime) -> str | None:
        self.lookups += 1
        return None


def test_the_first_retry_after_a_stall_takes_the_lease_at_once_when_it_writes_the_event_itself(table: str) -> None:
    """The stalled attempt's creation landed after its answer was lost; it never wrote its event to the timeline,
    so it never posted. Its redelivery, 1 s later (well within that attempt's 5 s Timeout), wrote the event
    itself: it takes the lease at once and posts the card, without a lookup."""
    channel = Lookups()
    item = leased("EV-1")
    # A copy of the same event that found the event already written (the attempt got that far) still waits.
    with pytest.raises(CardPending):
        show(item, channel, "EV-1", T0 + timedelta(seconds=1))
    # Another event never takes a lease on the strength of its own timeline entry.
    with pytest.raises(CardPending):
        show(item, channel, "EV-2", T0 + timedelta(seconds=1), wrote_event=True)
    shown = show(
        repository.get_incident("pd-PLEASE1") or item, channel, "EV-1", T0 + timedelta(seconds=1), wrote_event=True
    )
    assert shown.slack_ts == "1.000" and channel.posted == ["pd-PLEASE1"] and channel.lookups == 0
    stored = repository.get_incident("pd-PLEASE1")
    assert stored is not None and stored.slack_ts == "1.000" and stored.card_lease_holder == "EV-1"
