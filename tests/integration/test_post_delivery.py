"""How the sweep sends what it owes when Slack fails like Slack: exactly once whatever the answer (stored then
dropped, answered after the client's timeout), a post refused for good retried once as plain text and then
failed without holding its thread back, a 429 holding its channel only, no tick running into its Timeout, due
order and fairness across channels, and reminders of resolved or paused incidents cancelled.

Slack is `tests/support/slack_stub.py` at the HTTP boundary; the table is DynamoDB Local. The tick's pacing
runs on a fake monotonic clock (`FakeTime`): waiting for a channel's next turn advances it, so what a tick
of 50 s would send is checked without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sla_core.app import reports
from sla_core.app.incident_service import record_event
from sla_core.app.post_schedule import Rates
from sla_core.app.sweep import Pacer, Sweep, SweepResult
from sla_core.config.clock import FixedClock
from sla_core.config.contracts import load_contracts, parse_contracts
from sla_core.config.time_budget import UNLIMITED, TimeBudget
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.incidents.records import Draft
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages
from sla_core.storage import post_queue, repository
from tests.support.own_policy import write_pausing_policy
from tests.support.slack_stub import DROP, LATE, Fault, SlackStub, running_stub

pytestmark = pytest.mark.integration

CONFIG = load_contracts()
RESONATE = CONFIG.contracts["resonate-ems"]
T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
CARD_CHANNEL, CARD_TS = "C0RESONATE1", "1773064800.000100"
SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Heads-up* rich"}}]


class FakeTime:
    """A monotonic clock that moves only when the tick waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    yield from running_stub()


def sweep(
    stub: SlackStub,
    now: datetime,
    *,
    config: object = None,
    fake: FakeTime | None = None,
    seconds: float | None = None,
    timeout: float = 2.0,
    rates: Rates | None = None,
) -> SweepResult:
    """One tick as the reminders function runs it (no 429 retries in the client), on a fake pacing clock."""
    fake = fake or FakeTime()
    poster = SlackPoster.for_token("xoxb-test", base_url=stub.api_url, max_rate_limit_retries=0, timeout=timeout)
    budget = UNLIMITED if seconds is None else TimeBudget.lasting(seconds, monotonic=fake.monotonic)
    return Sweep(
        config or CONFIG,  # type: ignore[arg-type]
        SlackDelivery(poster),
        SlackMessages(),
        FixedClock(now),
        with_reports=config is not None,
        budget=budget,
        rates=rates or Rates(),
        pacer=Pacer(fake.monotonic, fake.sleep),
    ).run()


def owe(post_id: str, channel: str, send_at: datetime, *, thread_ts: str | None = None, blocks: bool = False) -> None:
    post_queue.create_post(
        Draft(
            post_id=post_id,
            purpose="test",
            channel=channel,
            text=f"message {post_id}",
            blocks=SECTION if blocks else None,
            send_at=send_at,
            thread_ts=thread_ts,
        ),
        now=send_at,
    )


def texts(stub: SlackStub, channel: str) -> list[str]:
    return [str(message["text"]) for message in stub.in_channel(channel)]


def open_incident(incident_id: str, *, at: datetime = T0) -> None:
    """A Resonate P1 triggered at `at` (14:00Z: heads-up 14:15Z, warning 14:22:30Z, breach 14:30Z), its card
    in CARD_CHANNEL."""
    record_event(
        incident_id=incident_id, event=IncidentEvent(f"t-{incident_id}", "triggered", at, severity="P1"),
        contract=RESONATE, source="pagerduty", recorded_at=at, title="EMS down",
    )  # fmt: skip

    repository.update_incident(incident_id, lambda item: replace(item, slack_channel=CARD_CHANNEL, slack_ts=CARD_TS))


def at(hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return T0.replace(hour=int(hours), minute=int(minutes))


# -- 1. exactly once, whatever Slack answers ---------------------------------------------------------------


@pytest.mark.parametrize("fault", [Fault("chat.postMessage", DROP), Fault("chat.postMessage", LATE, delay=0.6)])
def test_a_reminder_whose_answer_is_lost_or_late_is_found_not_posted_again(
    table: str, stub: SlackStub, fault: Fault
) -> None:
    open_incident("pd-ONCE")
    stub.faults.append(fault)
    first = sweep(stub, at("14:15"), timeout=0.3)
    assert (first.posted, first.deferred) == (0, 1)
    assert len(stub.in_channel(CARD_CHANNEL)) == 1  # Slack stored it; the answer never arrived in time
    (post,) = post_queue.due_posts(at("14:16")).posts
    assert post.uncertain and post.last_error is not None
    second = sweep(stub, at("14:16"))  # backed off 1 min; looked up by its metadata first: found, confirmed
    assert second.posted == 1
    assert [c.method for c in stub.calls if c.method != "chat.postMessage"] == ["conversations.replies"]
    assert len(stub.of("chat.postMessage")) == 1 and len(stub.in_channel(CARD_CHANNEL)) == 1
    confirmed = post_queue.get_post(post.post_id)
    assert confirmed is not None and confirmed.state == "posted"
    assert confirmed.posted_ts == stub.in_channel(CARD_CHANNEL)[0]["ts"]


@pytest.mark.parametrize("kind", [DROP, LATE])
def test_a_month_report_whose_answer_is_lost_or_late_is_posted_once(table: str, stub: SlackStub, kind: str) -> None:
    reports._claimed.clear()  # each run as a cold start: the process has not seen this report claimed
    one = replace(CONFIG, contracts={"sonoran-hosting": CONFIG.contracts["sonoran-hosting"]})
    channel = one.contracts["sonoran-hosting"].slack_channel
    stub.faults.append(Fault("chat.postMessage", kind, delay=0.6, channel=channel))
    first_of_april = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)  # the 1st in the contract's zone: March's report
    stub.ts_base = int(first_of_april.timestamp())  # Slack's clock agrees with the tick's
    sweep(stub, first_of_april, config=one, timeout=0.3)
    sweep(stub, first_of_april + timedelta(minutes=1), config=one)
    sweep(stub, first_of_april + timedelta(minutes=2), config=one)
    posted = [t for t in texts(stub, channel) if "Monthly SLA report" in t and "2026-03" in t]
    assert len(posted) == 1, texts(stub, channel)
    assert len(stub.of("chat.postMessage")) == len(stub.in_channel(channel))  # nothing was sent twice


# -- 2. refused for good: one plain retry, then failed; nothing held back -----------------------------------------


def test_a_post_refused_for_good_goes_out_once_as_plain_text(table: str, stub: SlackStub) -> None:
    owe("p-rich", "C1", at("14:00"), blocks=True)
    stub.faults.append(Fault("chat.postMessage", error="invalid_blocks"))
    result = sweep(stub, at("14:00"))
    assert result.posted == 1
    first, retry = stub.of("chat.postMessage")
    assert "blocks" in first.args and "blocks" not in retry.args and retry.args["text"] == "message p-rich"
    post = post_queue.get_post("p-rich")
    assert post is not None and post.state == "posted" and post.plain


def test_a_post_refused_as_plain_text_too_fails_and_its_thread_goes_on_time(table: str, stub: SlackStub) -> None:
    open_incident("pd-BAD")
    stub.faults.append(Fault("chat.postMessage", error="invalid_blocks", times=2))  # the heads-up, rich and plain
    assert sweep(stub, at("14:15")).failed == 1
    sweep(stub, at("14:23"))  # the warning, due 14:22:30, on time
    sweep(stub, at("14:30"))  # the breach notice, on time
    assert [t.split("*")[1] for t in texts(stub, CARD_CHANNEL)] == ["Warning", "Breached"]
    heads_up = [p for p in stub.of("chat.postMessage") if "Heads-up" in p.args["text"]]
    assert len(heads_up) == 2  # tried once rich, once plain; never again
    failed = post_queue.get_post(str(heads_up[0].args["metadata"]["event_payload"]["post_id"]))
    assert failed is not None and (failed.state, failed.last_error) == ("failed", failed.last_error)
    assert "invalid_blocks" in str(failed.last_error)
    assert post_queue.due_posts(at("23:59")).posts == []


def test_not_in_channel_backs_off_without_holding_back_another_thread_or_channel(table: str, stub: SlackStub) -> None:
    owe("p-a1", "CA", at("14:00"), thread_ts="1.1")
    owe("p-a2", "CA", at("14:01"), thread_ts="1.1")
    owe("p-a3", "CA", at("14:01"), thread_ts="2.2")  # another thread of the same channel
    owe("p-b1", "CB", at("14:01"))
    stub.faults.append(Fault("chat.postMessage", error="not_in_channel", channel="CA"))
    result = sweep(stub, at("14:02"))
    assert (result.posted, result.deferred) == (2, 1)
    assert texts(stub, "CA") == ["message p-a3"] and texts(stub, "CB") == ["message p-b1"]
    post = post_queue.get_post("p-a1")
    assert post is not None and post.retry_at == at("14:03")  # backing off: 1 min, its thread waits behind it
    sweep(stub, at("14:03"))
    assert texts(stub, "CA") == ["message p-a3", "message p-a1", "message p-a2"]


# -- 4. no sleeping, no tick run into its Timeout ---------------------------------------------------------------


def test_a_429_holds_its_channel_only_and_the_tick_never_sleeps_its_retry_after(table: str, stub: SlackStub) -> None:
    owe("p-a1", "CA", at("14:00"))
    owe("p-a2", "CA", at("14:00"))
    for n in range(3):
        owe(f"p-b{n}", "CB", at("14:01"))
    stub.faults.append(Fault("chat.postMessage", status=429, retry_after=13, channel="CA"))
    fake = FakeTime()
    result = sweep(stub, at("14:02"), fake=fake, seconds=45)
    # CA is held 13 s (more than a tick waits): CB's three posts go, 1 s apart; CA's wait for the next tick.
    assert texts(stub, "CB") == ["message p-b0", "message p-b1", "message p-b2"] and texts(stub, "CA") == []
    # The only waits are turns: the workspace's 0.24 s gap after CA's attempt, then CB's 1 s per channel.
    assert fake.waits == pytest.approx([0.24, 1.0, 1.0])
    assert len(stub.of("chat.postMessage")) == 4 and result.deferred == 1
    held = post_queue.get_post("p-a1")
    assert held is not None and held.retry_at == at("14:02") + timedelta(seconds=13)
    sweep(stub, at("14:03"))
    assert texts(stub, "CA") == ["message p-a1", "message p-a2"]


def test_a_short_retry_after_is_waited_out_within_the_tick(table: str, stub: SlackStub) -> None:
    owe("p-a1", "CA", at("14:00"))
    stub.faults.append(Fault("chat.postMessage", status=429, retry_after=1, channel="CA"))
    fake = FakeTime()
    assert sweep(stub, at("14:00"), fake=fake, seconds=45).posted == 1
    assert fake.waits == [1.0] and texts(stub, "CA") == ["message p-a1"]


def test_a_tick_stops_taking_posts_with_five_seconds_left_and_leaves_the_rest_queued(
    table: str, stub: SlackStub
) -> None:
    for n in range(20):
        owe(f"p-{n:02d}", "CA", at("14:00") + timedelta(seconds=n))
    fake = FakeTime()
    result = sweep(stub, at("14:01"), fake=fake, seconds=12)
    # One post a second in one channel: posts at 0, 1, ... 7 s; the 8th would start with 12 - 8 = 4 s left.
    assert result.posted == 8 and result.out_of_time
    assert len(post_queue.due_posts(at("14:01")).posts) == 12
    assert result.oldest_pending_age_s == 52.0  # p-08, meant for 14:00:08
    sweep(stub, at("14:02"), seconds=45)
    assert texts(stub, "CA") == [f"message p-{n:02d}" for n in range(20)]  # in due order, each once


def test_the_handler_passes_its_remaining_time_to_the_tick(table: str) -> None:
    from functions.reminders import app
    from local_stack.lambdas import FakeLambdaContext

    for n in range(3):
        owe(f"p-{n}", "CA", at("14:00"))
    context = FakeLambdaContext("ReminderFunction", 512, 4.0)  # less than the 5 s the tick keeps free
    app.handler({"scheduled_time": "2026-03-09T14:01:00Z"}, context)
    assert len(post_queue.due_posts(at("14:01")).posts) == 3  # nothing taken: all still queued


# -- 5. in due order, fair across channels ------------------------------------------------------------------------


def test_a_backlog_in_one_channel_delays_no_other_channel(table: str, stub: SlackStub) -> None:
    for n in range(100):
        owe(f"a-{n:03d}", "CA", at("13:00") + timedelta(seconds=n))  # a backlog, all older
    for channel in ("CB", "CC", "CD"):
        owe(f"{channel}-1", channel, at("14:00"))
    fake = FakeTime()
    result = sweep(stub, at("14:00"), fake=fake, seconds=50)
    order = [str(c.args["channel"]) for c in stub.of("chat.postMessage")]
    # The oldest goes first; the other channels take their turns while CA waits out its second.
    assert order[:4] == ["CA", "CB", "CC", "CD"]
    # CA: one a second while 5 s of the 50 s are left: at 0, 1, ... 45 s -> 46 posts; the rest wait, queued.
    assert order.count("CA") == 46 and result.posted == 49 and result.out_of_time
    assert texts(stub, "CA") == [f"message a-{n:03d}" for n in range(46)]


def test_the_workspace_budget_spaces_all_posts(table: str, stub: SlackStub) -> None:
    for n in range(30):
        owe(f"p-{n:02d}", f"C{n:02d}", at("14:00"))
    fake = FakeTime()
    result = sweep(stub, at("14:00"), fake=fake, seconds=50, rates=Rates(per_minute=120))
    # 120 a minute: one post every 0.5 s, whatever the channel; 30 posts take 29 gaps = 14.5 s.
    assert result.posted == 30 and fake.waits == [0.5] * 29


def test_reports_are_built_while_the_channels_wait_their_turn(table: str, stub: SlackStub) -> None:
    """A month start behind a backlog: the reports are built in the seconds the backlog's channel waits between
    its posts (nothing else is due then), and go out in the same tick, in their own channels."""
    reports._claimed.clear()
    now = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)  # the 1st in every contract's zone
    for n in range(20):
        owe(f"a-{n:03d}", "CA", now - timedelta(minutes=5) + timedelta(seconds=n))  # older than the reports
    owed = {job.post_id for c in CONFIG.contracts.values() for job in reports.jobs_due(c, now)}
    fake = FakeTime()
    result = sweep(stub, now, config=CONFIG, fake=fake, seconds=50)
    posted = [str((c.args.get("metadata") or {}).get("event_payload", {}).get("post_id", "")) for c in
              stub.of("chat.postMessage")]  # fmt: skip
    assert owed and owed <= set(posted)  # every report of the month start, in this tick
    # The oldest post went out before any report was built (building waits for a pause in posting), and the
    # reports went out while CA waited between its posts: all of them before CA's fourth.
    assert posted[0] == "a-000" and max(posted.index(post_id) for post_id in owed) < posted.index("a-003")
    assert result.posted == len(owed) + 20 and max(fake.waits) <= 1.0
    reports._claimed.clear()


# -- 5. reminders no longer owed ------------------------------------------------------------------------------


def test_pending_reminders_of_a_resolved_incident_are_cancelled(table: str, stub: SlackStub) -> None:
    open_incident("pd-GONE")
    stub.faults.append(Fault("chat.postMessage", status=503, error="service_unavailable"))
    sweep(stub, at("14:15"))  # the heads-up is refused (maybe posted): backed off
    stub.messages.clear()
    record_event(
        incident_id="pd-GONE", event=IncidentEvent("r-gone", "resolved", at("14:16"), actor="U1"),
        contract=RESONATE, source="pagerduty", recorded_at=at("14:16"), title="EMS down",
    )  # fmt: skip
    result = sweep(stub, at("14:17"))
    assert (result.cancelled, result.posted) == (1, 0) and stub.messages == []
    assert post_queue.due_posts(at("23:59")).posts == []


def test_a_breach_notice_still_goes_out_after_the_resolve(table: str, stub: SlackStub) -> None:
    open_incident("pd-LATE")
    stub.faults.append(Fault("chat.postMessage", status=503, error="service_unavailable", times=1))
    sweep(stub, at("14:30"))  # all three stages due at once: only the breach is claimed; refused
    record_event(
        incident_id="pd-LATE", event=IncidentEvent("r-late", "resolved", at("14:31"), actor="U1"),
        contract=RESONATE, source="pagerduty", recorded_at=at("14:31"), title="EMS down",
    )  # fmt: skip
    assert sweep(stub, at("14:32")).posted == 1
    assert ["Breached" in t for t in texts(stub, CARD_CHANNEL)] == [True]


def test_pending_reminders_of_a_paused_clock_are_cancelled(table: str, stub: SlackStub, tmp_path: Path) -> None:
    # Acme high (a test's own policy whose resolution clock pauses while waiting for the customer), opened Mon
    # 2 Nov 2026 09:00 EST, acknowledged 09:10: resolution 8 business hours (09:00-17:00) -> heads-up at 50%,
    # 13:00 EST = 18:00Z. Slack refuses it then; the clock is paused at 13:01; at 13:02 it is no longer owed.
    write_pausing_policy(tmp_path / "policies")
    add_policy_dirs([tmp_path / "policies"])
    try:
        config = parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {"acme": {
            "policy": "acme-support", "fee": "100.00", "currency": "USD", "perspective": "customer",
            "slack_channel": "C0ACME00001"}}})  # fmt: skip
        acme = config.contracts["acme"]
        opened = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)

        def record(event: IncidentEvent) -> None:
            record_event(incident_id="pd-PAUSE", event=event, contract=acme, source="slack",
                         recorded_at=event.occurred_at, title="Login fails")  # fmt: skip

        record(IncidentEvent("t", "triggered", opened, severity="high"))
        record(IncidentEvent("a", "acknowledged", opened + timedelta(minutes=10), actor="U1"))
        stub.faults.append(Fault("chat.postMessage", status=503, error="service_unavailable"))
        heads_up = opened + timedelta(hours=4)
        first = Sweep(config, delivery(stub), SlackMessages(), FixedClock(heads_up), with_reports=False).run()
        assert (first.claimed, first.deferred) == (1, 1)
        record(IncidentEvent("p", "paused", heads_up + timedelta(minutes=1), actor="U1", text="waiting-for-customer"))
        stub.messages.clear()
        later = heads_up + timedelta(minutes=2)
        result = Sweep(config, delivery(stub), SlackMessages(), FixedClock(later), with_reports=False).run()
        assert (result.cancelled, result.posted) == (1, 0) and stub.messages == []
        assert post_queue.due_posts(later + timedelta(days=1)).posts == []
    finally:
        reset_policy_dirs()


def delivery(stub: SlackStub) -> SlackDelivery:
    return SlackDelivery(SlackPoster.for_token("xoxb-test", base_url=stub.api_url, max_rate_limit_retries=0))
