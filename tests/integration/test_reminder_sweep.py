"""The reminder sweep against DynamoDB Local, with Slack stubbed at the HTTP boundary.

A Resonate P1 opened Mon 2026-03-09 10:00 EDT (14:00Z, inside Primary Hours) has two clocks, both 24/7:
- first response, 30 min: heads-up at 50% = 14:15Z; warning at max(75% = 14:22:30Z, 30 − 15 = 14:15Z)
  = 14:22:30Z, so the first minute tick after it is 14:23Z; breach at 14:30Z;
- status update every 4 h: update due soon at 18:00Z − 10 min = 17:50Z, overdue at 18:00Z; an update at
  18:05Z restarts it: due 22:05Z, due soon at 21:55Z.
The incident is acknowledged at 14:35Z (after the breach) and resolved at 22:00Z, before 22:05Z.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from local_stack.lambdas import FakeLambdaContext
from sla_core.app.incident_service import record_event
from sla_core.app.sweep import Sweep
from sla_core.config.clock import FixedClock
from sla_core.config.contracts import load_contracts
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import SlackDelivery
from sla_core.slack.render.reports import SlackMessages
from sla_core.storage import post_queue, repository
from tests.support.raw_items import raw_incident

pytestmark = pytest.mark.integration

CONFIG = load_contracts()
CONTRACT = CONFIG.contracts["resonate-ems"]
T0 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
CARD_CHANNEL, CARD_TS = "C0RESONATE1", "1773064800.000100"


def at(hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return T0.replace(hour=int(hours), minute=int(minutes))


# -- Slack at the HTTP boundary -------------------------------------------------------------------

Answer = tuple[int, dict[str, str], dict[str, Any]]


@dataclass
class SlackStub:
    """A local Web API answering chat.postMessage as scripted: queued (status, headers, body), then ok."""

    script: list[Answer] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    history_error: str | None = None

    def answer(self, form: dict[str, Any]) -> Answer:
        with self.lock:
            self.requests.append(form)
            if form["method"] == "conversations.replies" and self.history_error:
                return 200, {}, {"ok": False, "error": self.history_error}
            if form["method"] == "conversations.replies":  # a thread: its parent's replies, with metadata
                replies = [
                    m for m in self.delivered if (m["channel"], m.get("thread_ts")) == (form["channel"], form["ts"])
                ]
                return 200, {}, {"ok": True, "messages": replies, "has_more": False}
            if self.script:
                return self.script.pop(0)
            ts = f"1773070000.{len(self.delivered) + 1:06d}"
            self.delivered.append({**form, "ts": ts})
            return 200, {}, {"ok": True, "channel": form.get("channel"), "ts": ts}

    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "chat.postMessage"]


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    stub = SlackStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            if "json" in (self.headers.get("Content-Type") or ""):
                form = json.loads(body)
            else:
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
            form["method"] = self.path.rsplit("/", 1)[-1]
            self.reply(*stub.answer(form))

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            form: dict[str, Any] = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
            form["method"] = path.rsplit("/", 1)[-1]
            self.reply(*stub.answer(form))

        def reply(self, status: int, headers: dict[str, str], payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def poster(stub: SlackStub) -> SlackPoster:
    return SlackPoster.for_token("xoxb-test", base_url=stub.base_url, max_rate_limit_retries=0)  # as the sweep's


# -- the incident ---------------------------------------------------------------------------------

LIFE = [
    (at("14:00"), IncidentEvent("t", "triggered", at("14:00"), severity="P1")),
    (at("14:35"), IncidentEvent("a", "acknowledged", at("14:35"), actor="U1")),
    (at("18:05"), IncidentEvent("u", "update", at("18:05"), actor="U1", text="Root cause found")),
    (at("22:00"), IncidentEvent("r", "resolved", at("22:00"), actor="U1")),
]
EXPECTED = [  # (minute the stage goes out, stage)
    ("14:15", "heads_up"),
    ("14:23", "warning"),
    ("14:30", "breach"),
    ("17:50", "update_soon"),
    ("18:00", "update_overdue"),
    ("21:55", "update_soon"),
]


def record(
    incident_id: str, event: IncidentEvent, *, with_card: bool = True, recorded_at: datetime | None = None
) -> None:
    record_event(
        incident_id=incident_id, event=event, contract=CONTRACT, source="pagerduty",
        recorded_at=recorded_at or event.occurred_at, title="EMS <!channel> down",
    )  # fmt: skip
    if with_card and event.kind == "triggered":
        repository.update_incident(
            incident_id, lambda item: replace(item, slack_channel=CARD_CHANNEL, slack_ts=CARD_TS)
        )


def live(
    incident_id: str,
    run_tick: Any,
    *,
    until: str = "22:10",
    with_card: bool = True,
    life: list[tuple[datetime, IncidentEvent]] = LIFE,
    down: tuple[str, str] | None = None,
) -> dict[str, int]:
    """Minute ticks from 14:00 to `until` (none in the `down` minutes [from, to)), recording the incident's
    events as their minutes come; returns how many Slack deliveries each minute saw."""
    seen: dict[str, int] = {}
    events = list(life)
    now = T0
    while now <= at(until):
        while events and events[0][0] <= now:
            record(incident_id, events.pop(0)[1], with_card=with_card)
        if down is None or not at(down[0]) <= now < at(down[1]):
            seen[now.strftime("%H:%M")] = run_tick(now)
        now += timedelta(minutes=1)
    return seen


def stage_of(message: dict[str, Any]) -> str:
    text = str(message["text"])
    for marker, stage in (
        ("*Heads-up*", "heads_up"),
        ("*Warning*", "warning"),
        ("*Breached*", "breach"),
        ("*Update due soon*", "update_soon"),
        ("*Update overdue*", "update_overdue"),
    ):
        if marker in text:
            return stage
    raise AssertionError(f"not a reminder: {text}")


def posted_by_minute(stub: SlackStub, seen: dict[str, int]) -> list[tuple[str, str]]:
    minutes = [minute for minute, count in seen.items() for _ in range(count)]
    return list(zip(minutes, [stage_of(m) for m in stub.delivered], strict=True))


# -- tests ------------------------------------------------------------------------------------------


def test_a_whole_incident_life_posts_each_stage_once_in_the_thread(table: str, slack: SlackStub) -> None:
    sweep_poster = poster(slack)

    def tick(now: datetime) -> int:
        before = len(slack.delivered)
        Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run()
        return len(slack.delivered) - before

    seen = live("pd-LIFE", tick)

    assert posted_by_minute(slack, seen) == EXPECTED
    assert {(m["channel"], m["thread_ts"]) for m in slack.delivered} == {(CARD_CHANNEL, CARD_TS)}
    breach = slack.delivered[2]
    assert breach["reply_broadcast"] in (True, "true", "1")  # the breach notice also goes to the channel
    assert "<!subteam^S0RESONATEX>" in breach["text"]
    assert all("reply_broadcast" not in m for i, m in enumerate(slack.delivered) if i != 2)
    # Time left on the 24/7 clock: 30 min target, heads-up at 14:15 leaves 15 min, warning at 14:23 leaves 7.
    assert "15 min left (24/7 clock)" in slack.delivered[0]["text"]
    assert "only 7 min left (24/7 clock)" in slack.delivered[1]["text"]
    # The update cadence: at 17:50 there are 10 min left of the 4 h; at 21:55 10 min of the restarted one.
    assert "10 min left" in slack.delivered[3]["text"] and "10 min left" in slack.delivered[5]["text"]
    # The title came from outside: escaped, so it cannot ping the channel.
    assert all("<!channel>" not in m["text"] and "&lt;!channel&gt;" in m["text"] for m in slack.delivered)
    incident = repository.get_incident("pd-LIFE")
    assert incident is not None and incident.next_due_at is None and raw_incident("pd-LIFE").due_shard is None
    assert post_queue.due_posts(at("23:59")).posts == []  # every post confirmed: nothing pending is read


def test_without_a_card_reminders_go_to_the_contract_channel(table: str, slack: SlackStub) -> None:
    sweep_poster = poster(slack)
    seen = live(
        "pd-NOCARD",
        lambda now: Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run().posted,
        until="14:15",
        with_card=False,
    )
    assert seen["14:15"] == 1
    (message,) = slack.delivered
    assert message["channel"] == CONTRACT.slack_channel and "thread_ts" not in message


def test_two_concurrent_sweeps_post_each_stage_once(table: str, slack: SlackStub) -> None:
    sweep_poster = poster(slack)
    barrier = threading.Barrier(2)

    def tick(now: datetime) -> int:
        before = len(slack.delivered)
        failures: list[BaseException] = []

        def run() -> None:
            try:
                barrier.wait(timeout=10)
                Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run()
            except BaseException as error:  # surfaced below
                failures.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        return len(slack.delivered) - before

    seen = live("pd-TWO", tick)
    assert posted_by_minute(slack, seen) == EXPECTED


class CrashAfterClaim(SlackPoster):
    """A poster whose process dies (the first time) after the sweep has leased a post, before Slack sees it."""

    crashes = 1

    def post_message(self, channel: str, text: str, **kwargs: Any) -> str:
        if self.crashes:
            self.crashes -= 1
            raise SystemExit("crashed between claim and post")
        return super().post_message(channel, text, **kwargs)


def test_a_crash_between_claim_and_post_is_retried_after_the_lease_once(table: str, slack: SlackStub) -> None:
    crashing = CrashAfterClaim.for_token("xoxb-test", base_url=slack.base_url)
    assert isinstance(crashing, CrashAfterClaim)
    record("pd-CRASH", LIFE[0][1])
    with pytest.raises(SystemExit):
        Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at("14:15"))).run()
    post = post_queue.get_post(f"stage#pd-CRASH#{_first_response_key()}#heads_up")
    assert post is not None and post.state == "pending" and post.lease_until == at("14:18")  # leased 3 min
    assert slack.requests == []
    # 14:16 and 14:17: the lease still holds, so nobody posts; 14:18: it has expired and the post goes out once.
    for minute, expected in (("14:16", 0), ("14:17", 0), ("14:18", 1), ("14:19", 1), ("14:20", 1)):
        Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at(minute))).run()
        assert len(slack.delivered) == expected, minute
    assert [stage_of(m) for m in slack.delivered] == ["heads_up"]
    # Its lease ran out unconfirmed, so the sweep first looked for the message in the thread: not there.
    assert [r["method"] for r in slack.requests] == ["conversations.replies", "chat.postMessage"]


class CrashAfterPost(SlackPoster):
    """A poster whose process dies (the first time) right after Slack accepted the message: the ts is lost."""

    crashes = 1

    def post_message(self, channel: str, text: str, **kwargs: Any) -> str:
        ts = super().post_message(channel, text, **kwargs)
        if self.crashes:
            self.crashes -= 1
            raise SystemExit("crashed between post and confirm")
        return ts


def test_a_crash_between_post_and_confirm_finds_the_message_instead_of_reposting(table: str, slack: SlackStub) -> None:
    crashing = CrashAfterPost.for_token("xoxb-test", base_url=slack.base_url)
    record("pd-LOST", LIFE[0][1])
    with pytest.raises(SystemExit):
        Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at("14:15"))).run()
    assert len(slack.delivered) == 1
    post_id = f"stage#pd-LOST#{_first_response_key()}#heads_up"
    assert slack.delivered[0]["metadata"] == {"event_type": "slaops_post", "event_payload": {"post_id": post_id}}
    for minute in ("14:16", "14:17", "14:18", "14:19"):
        Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at(minute))).run()
    # 14:18: the lease ran out unconfirmed, so the sweep looked in the thread, found its message and confirmed it.
    assert len(slack.delivered) == 1 and len(slack.posts()) == 1
    assert [r["method"] for r in slack.requests] == ["chat.postMessage", "conversations.replies"]
    post = post_queue.get_post(post_id)
    assert post is not None and (post.state, post.posted_ts) == ("posted", slack.delivered[0]["ts"])


def test_a_refused_lookup_does_not_hold_the_post_back(table: str, slack: SlackStub) -> None:
    slack.history_error = "missing_scope"  # an app installed without channels:history
    crashing = CrashAfterClaim.for_token("xoxb-test", base_url=slack.base_url)
    record("pd-SCOPE", LIFE[0][1])
    with pytest.raises(SystemExit):
        Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at("14:15"))).run()
    Sweep(CONFIG, SlackDelivery(crashing), SlackMessages(), FixedClock(at("14:18"))).run()
    assert [r["method"] for r in slack.requests] == ["conversations.replies", "chat.postMessage"]
    assert [stage_of(m) for m in slack.delivered] == ["heads_up"]


def _first_response_key() -> str:
    return "initial_response@2026-03-09T10:00:00-04:00"


def test_slack_429_then_500_delays_but_neither_loses_nor_repeats_nor_reorders(table: str, slack: SlackStub) -> None:
    limited: Answer = (429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"})
    broken: Answer = (500, {}, {"ok": False, "error": "internal_error"})
    # 14:15: 429 -> the channel is held 1 s and the post tried again in the same tick: 500, which may have posted
    # (uncertain) -> back off 2 min (second attempt); 14:17: looked up (not there), posted: 500 -> back off 4 min;
    # 14:21: looked up, posted.
    slack.script = [limited, broken, broken]
    sweep_poster = poster(slack)
    attempts: dict[str, list[str]] = {}

    def tick(now: datetime) -> int:
        before, tried = len(slack.delivered), len(slack.requests)
        Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run()
        if len(slack.requests) > tried:
            attempts[now.strftime("%H:%M")] = [r["method"] for r in slack.requests[tried:]]
        return len(slack.delivered) - before

    seen = live("pd-FLAKY", tick, until="14:40")

    post, lookup = "chat.postMessage", "conversations.replies"
    assert attempts == {
        "14:15": [post, post],
        "14:17": [lookup, post],
        "14:21": [lookup, post],
        "14:23": [post],
        "14:30": [post],
    }
    # The warning (due 14:22:30) waited behind the heads-up; each went out once, in order.
    assert posted_by_minute(slack, seen) == [("14:21", "heads_up"), ("14:23", "warning"), ("14:30", "breach")]


def test_the_oldest_pending_post_age_grows_while_slack_refuses_and_drops_once_it_goes_out(
    table: str, slack: SlackStub
) -> None:
    broken: Answer = (500, {}, {"ok": False, "error": "internal_error"})
    slack.script = [broken, broken]  # 14:15 refused (back off 1 min), 14:16 refused (2 min), 14:18 delivered
    sweep_poster = poster(slack)
    record("pd-AGE", LIFE[0][1])
    ages: dict[str, float] = {}
    for minute in ("14:14", "14:15", "14:16", "14:17", "14:18"):
        result = Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(at(minute))).run()
        ages[minute] = result.oldest_pending_age_s
    # The heads-up is meant for 14:15: pending (refused or backing off) from then until it goes out at 14:18.
    assert ages == {"14:14": 0.0, "14:15": 0.0, "14:16": 60.0, "14:17": 120.0, "14:18": 0.0}
    assert [stage_of(m) for m in slack.delivered] == ["heads_up"]
    assert result.as_dict()["oldest_pending_age_s"] == 0.0


def test_the_handler_takes_now_from_the_scheduled_time(table: str) -> None:
    from functions.reminders import app

    record("pd-HANDLER", LIFE[0][1], with_card=False)
    context = FakeLambdaContext("ReminderFunction", 512, 50)
    assert app.handler({"scheduled_time": "2026-03-09T14:14:00Z"}, context) == {
        "scheduled_time": "2026-03-09T14:14:00+00:00",
        "due": 0,
    }
    assert app.handler({"scheduled_time": "2026-03-09T14:15:00Z"}, context)["due"] == 1
    # The heads-up was claimed and recorded: the incident's next stage is the warning at 14:22:30.
    incident = repository.get_incident("pd-HANDLER")
    assert incident is not None and incident.next_due_at == datetime(2026, 3, 9, 14, 22, 30, tzinfo=UTC)
    assert app.handler({"scheduled_time": "2026-03-09T14:16:00Z"}, context)["due"] == 0


# -- catch-up: a late incident, a sweep that was down -----------------------------------------------


def sweep_tick(slack: SlackStub) -> Any:
    """A tick that runs one sweep and returns how many messages reached Slack."""
    sweep_poster = poster(slack)

    def tick(now: datetime) -> int:
        before = len(slack.delivered)
        Sweep(CONFIG, SlackDelivery(sweep_poster), SlackMessages(), FixedClock(now)).run()
        return len(slack.delivered) - before

    return tick


def test_an_incident_opened_six_hours_late_gets_one_breach_notice_per_clock(table: str, slack: SlackStub) -> None:
    # Triggered at 14:00Z but delivered at 20:00Z: all five stages are due at once. The first response (due 14:30)
    # is overdue by 5 h 30 min; the update (due 18:00) by 2 h. Only those two go out, and nothing after them.
    record("pd-LATE", LIFE[0][1], recorded_at=at("20:00"))
    tick = sweep_tick(slack)
    seen = {f"20:{minute:02d}": tick(at(f"20:{minute:02d}")) for minute in range(11)}
    assert posted_by_minute(slack, seen) == [("20:00", "breach"), ("20:00", "update_overdue")]
    breach, overdue = (m["text"] for m in slack.delivered)
    assert "was due" in breach and "is overdue by 5 h 30 min (24/7 clock). <!subteam^S0RESONATEX>" in breach
    assert "is overdue by 2 h (24/7 clock)." in overdue
    assert not any(" left" in m["text"] or "% of the time" in m["text"] for m in slack.delivered)
    assert slack.delivered[0]["reply_broadcast"] in (True, "true", "1")  # the breach still reaches the channel
    incident = repository.get_incident("pd-LATE")
    assert incident is not None and incident.next_due_at is None  # the skipped stages are marked sent
    assert len(incident.reminders_sent or ()) == 5
    # The skipped stages were never drafted: only the two posts exist, both confirmed.
    key = _first_response_key()
    assert post_queue.get_post(f"stage#pd-LATE#{key}#heads_up") is None
    assert post_queue.get_post(f"stage#pd-LATE#{key}#warning") is None
    assert post_queue.due_posts(at("23:59")).posts == []


def test_a_sweep_down_for_an_hour_posts_only_the_breach_then_carries_on(table: str, slack: SlackStub) -> None:
    # No acknowledgement; the sweep is down 14:10–15:10. At 15:10 the heads-up (14:15), warning (14:22:30) and
    # breach (14:30) are all due: only the breach goes out, overdue by 40 min. The update stages go out on time.
    seen = live("pd-DOWN", sweep_tick(slack), until="18:05", life=LIFE[:1], down=("14:10", "15:10"))
    assert posted_by_minute(slack, seen) == [("15:10", "breach"), ("17:50", "update_soon"), ("18:00", "update_overdue")]
    assert "is overdue by 40 min (24/7 clock)" in slack.delivered[0]["text"]
    assert "10 min left (24/7 clock)" in slack.delivered[1]["text"]
    assert "is overdue now (24/7 clock)" in slack.delivered[2]["text"]
