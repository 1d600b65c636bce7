"""A reminder's Responded and Snooze buttons through the real Slack handler, with the sweep posting the reminders.

Sonar billing, with the heads-up moved to 25% (`[reminders] heads_up_percent = 25`) so a snoozed heads-up can come
back before the warning. A production-down opened Tue 2026-03-10 10:30 EDT (14:30Z), business hours Mon–Fri
09:00–19:00 New York:
- first response, 1 business hour: due 11:30 EDT (15:30Z); heads-up at 25% = 15 min → 10:45 (14:45Z); warning at
  max(75% = 45 min, 60 − 15 = 45 min) → 11:15 (15:15Z);
- status update every business hour: update due soon at 60 − 10 = 50 min → 11:20 (15:20Z).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sla_core.app.store import post_queue, repository
from sla_core.app.sweep import Sweep, stage_post_id
from sla_core.config.clock import FixedClock
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import parse_contracts
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages
from tests.conftest import ROOT
from tests.integration.test_slack_app import (
    ALICE,
    BILLING_CHANNEL,
    BOB,
    DAVE,
    Side,
    fresh,
    open_incident,
    side,
    stub,
)

__all__ = ["fresh", "side", "stub"]  # the fixtures, shared with test_slack_app

FIRST = "initial_response@2026-03-10T10:30:00-04:00"
UPDATE = "update@2026-03-10T10:30:00-04:00"
FIVE = timedelta(minutes=5)


def at(hh: int, mm: int) -> datetime:
    """An instant of Tue 10 Mar 2026, in UTC."""
    return datetime(2026, 3, 10, hh, mm, tzinfo=UTC)


def token(instant: datetime) -> str:
    """The start of the Slack date token of an instant."""
    return f"<!date^{int(instant.timestamp())}^"


@pytest.fixture
def billing(fresh: Side, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Side, ContractsConfig]]:
    """The handler's contracts with Sonar billing's heads-up at 25%."""
    text = (
        ROOT / "config" / "contracts.toml"
    ).read_text() + "\n[contracts.sonar-billing.reminders]\nheads_up_percent = 25\n"
    config = parse_contracts(tomllib.loads(text))
    monkeypatch.setattr(fresh.function.module.listeners, "contracts", config)  # what the lazy listeners run on
    yield fresh, config


def tick(side: Side, config: ContractsConfig, now: datetime) -> list[dict[str, Any]]:
    """One sweep at `now`, posting to the stub; the reminders it posted."""
    before = len(side.stub.of("chat.postMessage"))
    poster = SlackPoster.for_token("xoxb-test", base_url=side.stub.api_url)
    Sweep(config, SlackDelivery(poster), SlackMessages(), FixedClock(now)).run()
    return [call.args for call in side.stub.of("chat.postMessage")[before:]]


def click(
    side: Side, monkeypatch: pytest.MonkeyPatch, now: datetime, action: str, value: str, user: str
) -> tuple[str, list[dict[str, Any]]]:
    """Press a reminder's button at `now` on the message its post was confirmed with; the reply and the
    chat.update calls the click made."""
    stage_key = value.split("|", 1)[1]
    post = post_queue.get_post(stage_post_id(value.split("|", 1)[0], stage_key))
    assert post is not None and post.posted_ts is not None
    monkeypatch.setattr(side.function.module.listeners, "clock", FixedClock(now))
    before = len(side.stub.of("chat.update"))
    _, replies = side.button(action, value, user, message_ts=post.posted_ts)
    assert len(replies) == 1
    updates = [c.args for c in side.stub.of("chat.update")[before:] if c.args["ts"] == post.posted_ts]
    return str(replies[0]["text"]), updates


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    return [(e["action_id"], e["value"]) for a in actions for e in a["elements"]]


def outcome(message: dict[str, Any]) -> str:
    (found,) = [b for b in message["blocks"] if b.get("block_id") == "reminder_outcome"]
    return str(found["elements"][0]["text"])


def test_snooze_then_responded_on_the_reminders_in_the_thread(
    billing: tuple[Side, ContractsConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    side, config = billing
    incident_id = open_incident(side)  # 10:30 EDT, the card is the first message: ts 1773154800.000000
    heads_up, renotice = f"{incident_id}|{FIRST}#heads_up", f"{incident_id}|{FIRST}#heads_up+snoozed"

    assert tick(side, config, at(14, 44)) == []
    (posted,) = tick(side, config, at(14, 45))
    assert (posted["channel"], posted["thread_ts"]) == (BILLING_CHANNEL, "1773154800.000000")
    assert "*Heads-up*" in posted["text"] and "25% of the time" in posted["text"]  # 15 of 60 business minutes
    assert buttons(posted) == [("reminder_responded", heads_up), ("reminder_snooze", heads_up)]

    # Dave snoozes it at 10:50 EDT: back 15 open minutes later, 11:05 EDT (15:05Z), before the warning (11:15).
    reply, (update,) = click(side, monkeypatch, at(14, 50), "reminder_snooze", heads_up, DAVE)
    said = f":zzz: <@{DAVE}> snoozed this for 15 min at {token(at(14, 50))}"
    assert reply.startswith(said) and f": back at {token(at(15, 5))}" in reply
    assert update["channel"] == BILLING_CHANNEL
    assert outcome(update).startswith(said)
    assert update["blocks"][0]["text"]["text"] == posted["blocks"][0]["text"]["text"]  # the reminder as posted
    assert buttons(update) == [("reminder_responded", heads_up)]  # no second snooze
    item = repository.get_incident(incident_id)
    assert item is not None and item.next_due_at == at(15, 5) and item.status == "triggered"
    # The same snooze again (a stale client) records nothing and leaves the message alone.
    reply, updates = click(side, monkeypatch, at(14, 52), "reminder_snooze", heads_up, ALICE)
    assert reply.startswith(f"Already snoozed: {said}") and updates == []
    snoozed = [e for e in repository.timeline(incident_id) if e.event_type == "snoozed"]
    assert [(e.actor, e.occurred_at, e.details["text"]) for e in snoozed] == [(DAVE, at(14, 50), f"{FIRST}#heads_up")]

    assert tick(side, config, at(15, 4)) == []
    (again,) = tick(side, config, at(15, 5))
    # 35 of 60 minutes used (58.3% → 58%), 25 left.
    assert "*Heads-up*" in again["text"] and "58% of the time" in again["text"] and "25 min left" in again["text"]
    assert buttons(again) == [("reminder_responded", renotice), ("reminder_snooze", renotice)]

    # Alice answers from the notice that came back, at 11:08 EDT: the first response, as `/sla ack` records it.
    reply, (update,) = click(side, monkeypatch, at(15, 8), "reminder_responded", renotice, ALICE)
    assert f"<@{ALICE}> acknowledged *{incident_id}*" in reply
    assert outcome(update).startswith(
        f":white_check_mark: <@{ALICE}> recorded the first response at {token(at(15, 8))}"
    )
    assert buttons(update) == []
    item = repository.get_incident(incident_id)
    assert item is not None and (item.status, item.acknowledged_at) == ("acknowledged", at(15, 8))
    posted_texts = [c.args["text"] for c in side.stub.of("chat.postMessage") if c.args.get("thread_ts")]
    thread = [text for text in posted_texts if text.startswith("Acknowledged")]
    # 11:08 against 11:30: 22 business minutes to spare.
    assert len(thread) == 1 and "met with 22 min to spare" in thread[0]
    # Bob answers the first heads-up too, later: nothing is recorded twice, and that message is left alone.
    reply, updates = click(side, monkeypatch, at(15, 9), "reminder_responded", heads_up, BOB)
    assert reply.startswith(f"Nothing recorded: :white_check_mark: <@{ALICE}> recorded the first response at")
    assert updates == []
    assert [e.actor for e in repository.timeline(incident_id) if e.event_type == "acknowledged"] == [ALICE]

    # The first response is met: no warning at 11:15. The update cadence goes on: due soon at 11:20 EDT.
    assert tick(side, config, at(15, 15)) == []
    (soon,) = tick(side, config, at(15, 20))
    update_soon = f"{incident_id}|{UPDATE}#update_soon"
    assert "*Update due soon*" in soon["text"] and buttons(soon) == [("reminder_responded", update_soon)]
    reply, (update,) = click(side, monkeypatch, at(15, 22), "reminder_responded", update_soon, DAVE)
    assert f"<@{DAVE}> posted an update to *{incident_id}*" in reply
    assert outcome(update).startswith(f":white_check_mark: <@{DAVE}> posted the status update at {token(at(15, 22))}")
    # The update at 11:22 restarts the cadence: next due an open hour later, 12:22 EDT (16:22Z).
    (cadence,) = [d for d in item_deadlines(incident_id) if d.name.startswith("update@")]
    assert cadence.due_at == at(16, 22)
    reply, updates = click(side, monkeypatch, at(15, 23), "reminder_responded", update_soon, ALICE)
    assert reply.startswith(f"Nothing recorded: :white_check_mark: <@{DAVE}> posted the status update at")
    assert updates == [] and len([e for e in repository.timeline(incident_id) if e.event_type == "update"]) == 1


def item_deadlines(incident_id: str) -> list[Any]:
    item = repository.get_incident(incident_id)
    assert item is not None
    return list(item.deadlines or [])


def test_a_breach_cannot_be_snoozed_and_a_resolved_incident_answers_nothing(
    billing: tuple[Side, ContractsConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    side, config = billing
    incident_id = open_incident(side)
    # At 11:30 EDT both clocks fall due, and a sweep that was down since posts only their last stages.
    overdue, late = tick(side, config, at(15, 30))
    breach = f"{incident_id}|{FIRST}#breach"
    assert buttons(overdue) == [("reminder_responded", breach)]  # no snooze on a breach
    assert buttons(late) == [("reminder_responded", f"{incident_id}|{UPDATE}#update_overdue")]
    reply, updates = click(side, monkeypatch, at(15, 31), "reminder_snooze", breach, DAVE)
    assert reply == "Only a heads-up or a warning can be snoozed; a breach needs an answer now." and updates == []
    side.reply(f"resolve {incident_id}", user=DAVE)
    reply, updates = click(side, monkeypatch, at(15, 32), "reminder_responded", breach, DAVE)
    assert reply == f"*{incident_id}* is resolved: nothing to respond to or snooze." and updates == []
    assert [e.event_type for e in repository.timeline(incident_id)] == ["triggered", "resolved"]


def test_of_two_clicks_at_the_same_moment_one_records(
    billing: tuple[Side, ContractsConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    side, config = billing
    incident_id = open_incident(side)
    tick(side, config, at(14, 45))
    heads_up = f"{incident_id}|{FIRST}#heads_up"
    # Another Lambda is handling Bob's click on the same clock: it claimed the response a moment ago.
    assert repository.claim_delivery("reminder-button", f"{incident_id}|{FIRST}|responded", now=at(14, 46), keep=FIVE)
    reply, updates = click(side, monkeypatch, at(14, 46), "reminder_responded", heads_up, ALICE)
    assert reply == "Nothing recorded: someone pressed this on the same reminder just now." and updates == []
    assert [e.event_type for e in repository.timeline(incident_id)] == ["triggered"]
    # Snoozing is claimed per notice, so the snooze of this heads-up is still Alice's to make.
    reply, (update,) = click(side, monkeypatch, at(14, 47), "reminder_snooze", heads_up, ALICE)
    assert reply.startswith(f":zzz: <@{ALICE}> snoozed this") and outcome(update).startswith(f":zzz: <@{ALICE}>")
