"""`/sla`, the incident buttons, the update modal and App Home through the real Slack handler.

Requests are signed as Slack signs them and reach `functions.slack.app.handler` as API Gateway HTTP API
events; Bolt's lazy listeners run through the local stand-in for the Lambda API; storage is DynamoDB Local;
the Slack Web API and response URLs are a local http.server (tests/slack_stub.py) the handler's poster
points at. The handler's clock is fixed at 2026-03-10T15:00:00Z, Tuesday 11:00 EDT (DST began 8 March).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from local_stack.lambdas import LocalFunction, LocalLambdaClient, wire_lazy_listeners
from local_stack.template import Template
from sla_core.config.clock import FixedClock
from sla_core.slack import flow_runner
from sla_core.slack.client import SlackPoster
from sla_core.slack.incidents.routes import UPDATE_MODAL
from sla_core.slack.listeners import FAILED_TEXT
from sla_core.slack.request_guard import UNREADABLE
from sla_core.storage import repository
from tests.conftest import SLACK_SIGNING_SECRET
from tests.support.api_gateway import post_event
from tests.support.queued import queued_summaries, resolve_summary_text
from tests.support.signing import slack_headers
from tests.support.slack_stub import SlackStub, running_stub

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
ALICE, BOB, DAVE = "U0ALICE0001", "U0BOB000001", "U0DAVE00001"
BILLING_CHANNEL = "C0SONARBIL1"


def epoch(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    """The epoch seconds of a UTC instant, as Slack date tokens carry them."""
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


@dataclass
class Side:
    """The Slack function, its lazy-listener client and the stub Slack it talks to."""

    function: LocalFunction
    client: LocalLambdaClient
    errors: io.StringIO
    stub: SlackStub

    def post(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        event = post_event("/slack/events", body, headers)
        response: dict[str, Any] = self.function.invoke(event)
        self.client.wait(timeout=20)
        assert self.errors.getvalue() == ""
        return response

    def command(
        self, text: str, *, user: str = ALICE, channel: str = BILLING_CHANNEL, trigger: str | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        """Send `/sla <text>`; returns the HTTP response, what reached its response_url, and the trigger id."""
        trigger = trigger or f"{uuid.uuid4().hex}.trigger"
        name = trigger.replace(".", "-")
        body = urlencode(
            {
                "team_id": "T0001",
                "channel_id": channel,
                "user_id": user,
                "command": "/sla",
                "text": text,
                "api_app_id": "A0SLAOPS01",
                "response_url": self.stub.response_url(name),
                "trigger_id": trigger,
            }
        ).encode()
        response = self.post(body, slack_headers(body, SLACK_SIGNING_SECRET))
        return response, self.stub.replies(name), trigger

    def reply(self, text: str, **kwargs: Any) -> str:
        """The one answer a subcommand posts to its response_url."""
        response, replies, _ = self.command(text, **kwargs)
        assert response["statusCode"] == 200
        assert len(replies) == 1, replies
        blocks = replies[0].get("blocks") or []
        return "\n".join([replies[0]["text"], *(b["text"]["text"] for b in blocks if b.get("type") == "section")])

    def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, slack_headers(body, SLACK_SIGNING_SECRET))

    def home_opened(self, event_id: str, *, team: str = "T0001") -> dict[str, Any]:
        """Slack's signed `app_home_opened` event for Alice from `team`; the HTTP response."""
        event = {
            "team_id": team,
            "api_app_id": "A0SLAOPS01",
            "type": "event_callback",
            "event_id": event_id,
            "event": {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE0001", "tab": "home"},
        }
        body = json.dumps(event).encode()
        return self.post(body, {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": "application/json"})

    def button(
        self,
        action_id: str,
        incident_id: str | None,
        user: str,
        *,
        selected: str | None = None,
        message_ts: str = "1773154800.000000",
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Press a button (its value `incident_id`; None: a press without a value, which no real Slack sends) on
        the message `message_ts` (the card's by default), or with `selected` choose that option value of its select."""
        name = uuid.uuid4().hex
        action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": "b"}
        if incident_id is not None:
            action["value"] = incident_id
        if selected is not None:
            option = {"text": {"type": "plain_text", "text": selected}, "value": selected}
            action = {"type": "static_select", "action_id": action_id, "block_id": "b", "selected_option": option}
        payload = {
            "type": "block_actions",
            "team": {"id": "T0001"},
            "user": {"id": user},
            "api_app_id": "A0SLAOPS01",
            "trigger_id": f"{name}.trigger",
            "channel": {"id": BILLING_CHANNEL},
            "container": {"type": "message", "channel_id": BILLING_CHANNEL, "message_ts": message_ts},
            "response_url": self.stub.response_url(name),
            "actions": [action],
        }
        return self.interactive(payload), self.stub.replies(name)


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    yield from running_stub()


@pytest.fixture(scope="module")
def side(template: Template, stub: SlackStub) -> Iterator[Side]:
    """The Slack function with its poster pointed at the stub and its clock fixed at NOW."""
    function = LocalFunction(template.functions["SlackFunction"])
    errors = io.StringIO()
    client = LocalLambdaClient([function], errors=errors)
    assert wire_lazy_listeners(function, client)
    stub.zones.update({ALICE: "America/New_York", BOB: "Europe/Paris", DAVE: "America/New_York"})
    stub.groups.update({"S0BILLINGOC": [DAVE], "S0HOSTINGOC": [DAVE]})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(function.module.listeners, "poster", SlackPoster.for_token("xoxb-test", base_url=stub.api_url))
        patch.setattr(function.module.listeners, "clock", FixedClock(NOW))
        yield Side(function, client, errors, stub)


@pytest.fixture
def fresh(side: Side, table: str) -> Side:
    """A fresh table and an empty record of Slack calls for each test."""
    side.stub.clear()
    return side


def open_incident(side: Side, text: str = "sonar-billing production-down Invoices fail at 10:30") -> str:
    reply = side.reply(f"open {text}")
    incident_id = reply.split("*")[1]
    assert incident_id.startswith("sla-")
    return incident_id


# -- the ack path and the request checks ---------------------------------------------------------------


def test_help_is_the_whole_answer(fresh: Side) -> None:
    response, replies, _ = fresh.command("help")
    assert response["statusCode"] == 200
    for name in ("open", "ack", "update", "resolve", "status", "show", "deadline", "credit", "downtime", "contracts"):
        assert f"• `/sla {name}" in response["body"]
    assert replies == [] and fresh.stub.calls == []  # no lazy invocation, no Slack call


def test_the_events_url_check_gets_its_challenge(fresh: Side) -> None:
    body = json.dumps({"token": "unused", "challenge": "c-123", "type": "url_verification"}).encode()
    headers = {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": "application/json"}
    response = fresh.post(body, headers)
    assert response["statusCode"] == 200 and "c-123" in response["body"]


def test_unknown_input_gets_the_usage_in_the_ack(fresh: Side) -> None:
    response, replies, _ = fresh.command("frobnicate now")
    assert response["statusCode"] == 200
    assert "I don't know `/sla frobnicate`" in response["body"]
    assert "`/sla credit <contract> [YYYY-MM|YYYY-Qn]`" in response["body"]
    assert replies == []


def test_a_subcommand_is_acked_at_once_and_answered_later(fresh: Side) -> None:
    response, replies, _ = fresh.command("contracts")
    assert response["statusCode"] == 200
    assert "Working on `/sla contracts`" in response["body"]
    assert len(replies) == 1


def test_bad_signature_and_stale_timestamp_are_401(fresh: Side) -> None:
    body = urlencode({"command": "/sla", "text": "status", "team_id": "T0001", "user_id": ALICE}).encode()
    assert fresh.post(body, slack_headers(body, "not-the-secret"))["statusCode"] == 401
    stale = slack_headers(body, SLACK_SIGNING_SECRET, timestamp=int(datetime.now(UTC).timestamp()) - 6 * 60)
    assert fresh.post(body, stale)["statusCode"] == 401
    assert fresh.stub.calls == []


@pytest.mark.parametrize(
    ("header", "value"),
    [("x-slack-request-timestamp", "17731548²0"), ("x-slack-signature", "v0=é"), ("x-slack-signature", "v0=١")],
)
def test_a_non_ascii_signature_or_timestamp_header_is_401_not_500(fresh: Side, header: str, value: str) -> None:
    body = urlencode({"command": "/sla", "text": "status", "team_id": "T0001", "user_id": ALICE}).encode()
    response = fresh.post(body, {**slack_headers(body, SLACK_SIGNING_SECRET), header: value})
    assert response["statusCode"] == 401
    assert fresh.stub.calls == []


# -- open, ack, update, resolve ------------------------------------------------------------------------


def test_open_backdated_in_the_users_zone_posts_a_card(fresh: Side) -> None:
    reply = fresh.reply("open sonar-billing production-down Invoices <!channel> fail at 10:30")
    incident_id = reply.split("*")[1]
    item = repository.get_incident(incident_id)
    assert item is not None
    # 10:30 in Alice's zone (America/New_York, EDT = UTC-4) is 14:30Z.
    assert item.opened_at == datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    assert (item.source, item.component, item.severity) == ("slack", "platform", "production-down")
    # First response: 1 business hour from 10:30 EDT (inside Mon-Fri 09:00-19:00) is 11:30 EDT = 15:30Z;
    # at 11:00 EDT 30 of its 60 minutes are used: 50%, five of ten bar cells.
    assert f"first response: 30 min left `▓▓▓▓▓░░░░░ 50%` · due <!date^{epoch(2026, 3, 10, 15, 30)}^" in reply
    assert "&lt;!channel&gt;" in reply and "<!channel>" not in reply
    posted = fresh.stub.of("chat.postMessage")
    assert len(posted) == 1 and posted[0].args["channel"] == BILLING_CHANNEL
    actions = next(b for b in posted[0].args["blocks"] if b["type"] == "actions")["elements"]
    assert [(a["action_id"], a.get("value") or a["initial_option"]["value"]) for a in actions] == [
        ("incident_ack", incident_id),
        ("incident_update", incident_id),
        ("incident_resolve", incident_id),
        # Production Down is an outage by its definition: the card offers to say otherwise, and its cause.
        ("incident_outage_off", incident_id),
        ("incident_cause", f"{incident_id}|none"),
    ]
    assert (item.slack_channel, item.slack_ts) == (BILLING_CHANNEL, "1773154800.000000")
    assert [call.args["user"] for call in fresh.stub.of("users.info")] == [ALICE]


def test_the_same_command_delivered_twice_is_recorded_once(fresh: Side) -> None:
    trigger = "replayed.trigger"
    first = fresh.command("open sonar-billing normal Slow reports", trigger=trigger)
    second = fresh.command("open sonar-billing normal Slow reports", trigger=trigger)
    assert first[0]["statusCode"] == second[0]["statusCode"] == 200
    assert len(first[1]) == 1  # the replay is acked and ignored: no second answer, card or incident
    assert len(fresh.stub.of("chat.postMessage")) == 1
    assert len(repository.contract_incidents("sonar-billing")) == 1


def test_ack_update_and_resolve_by_command_with_authorization(fresh: Side) -> None:
    incident_id = open_incident(fresh)
    reply = fresh.reply(f"ack {incident_id} at 10:45")
    assert f"<@{ALICE}> acknowledged *{incident_id}*" in reply
    reply = fresh.reply(f"update {incident_id} Vendor is <rolling> back")
    assert "Vendor is &lt;rolling&gt; back" in reply
    refused = fresh.reply(f"resolve {incident_id}")
    assert refused.startswith("Only <!subteam^S0BILLINGOC> may resolve incidents on `sonar-billing`.")
    assert [call.args["usergroup"] for call in fresh.stub.of("usergroups.users.list")] == ["S0BILLINGOC"]
    reply = fresh.reply(f"resolve {incident_id} at -5m", user=DAVE)
    assert f"<@{DAVE}> resolved *{incident_id}*" in reply
    item = repository.get_incident(incident_id)
    assert item is not None and item.status == "resolved"
    assert item.acknowledged_at == datetime(2026, 3, 10, 14, 45, tzinfo=UTC)  # 10:45 EDT
    assert item.resolved_at == datetime(2026, 3, 10, 14, 55, tzinfo=UTC)  # 15:00Z - 5 min
    events = {event.event_type: event for event in repository.timeline(incident_id)}
    assert events["acknowledged"].actor == ALICE and events["resolved"].actor == DAVE
    assert events["update"].details["text"] == "Vendor is <rolling> back"
    # The resolve recorded the outage 14:30Z-14:55Z on the contract's component.
    (down,) = repository.downtime_between("sonar-billing", "platform", NOW.replace(hour=0), NOW)
    assert (down.started_at, down.ended_at) == (item.opened_at, item.resolved_at)
    # The resolve also queued a reply in the card's thread with the month so far: 25 min down of March 2026 in
    # New York (44,580 min, DST month): per-minute credit 25 x 2400.00 / 44,580 = 1.3459 -> 1.35 USD; Sonar
    # Software states no claim deadline.
    summary = resolve_summary_text(incident_id)
    assert "Estimated credit: 1.35 USD" in summary and "Claim deadline: none" in summary
    # Each change updated the card in the channel; the resolved card keeps only its classification.
    updates = fresh.stub.of("chat.update")
    assert len(updates) == 3
    (actions,) = [b for b in updates[-1].args["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["incident_outage_off", "incident_cause"]


def test_unreadable_time_shows_the_accepted_forms(fresh: Side) -> None:
    reply = fresh.reply("open sonar-billing normal Broken at teatime")
    assert "I can't read the time `teatime`" in reply
    assert "`yesterday 14:00`" in reply and "`-30m`" in reply
    assert repository.contract_incidents("sonar-billing") == []


def test_unknown_contract_lists_the_tracked_ones(fresh: Side) -> None:
    reply = fresh.reply("open acme normal Broken")
    assert "No contract `acme`" in reply and "`sonar-billing`" in reply


# -- reading: status, show, deadline, credit, contracts -----------------------------------------------


def test_status_in_the_channel_and_everywhere(fresh: Side) -> None:
    incident_id = open_incident(fresh)
    here = fresh.reply("status")
    assert "1 open in this channel" in here and incident_id in here
    assert "`▓▓▓▓▓░░░░░ 50%`" in here  # 30 of 60 business minutes used, as above
    elsewhere = fresh.reply("status", channel="C0ATHEER001")
    assert "Nothing open in this channel (`atheer-platform`)" in elsewhere
    nowhere = fresh.reply("status", channel="C0NOCONTRACT")
    assert "No contract reports to this channel" in nowhere
    everywhere = fresh.reply("status all", channel="C0NOCONTRACT")
    assert "1 open across all contracts" in everywhere and incident_id in everywhere


def test_show_lists_the_timeline(fresh: Side) -> None:
    incident_id = open_incident(fresh)
    fresh.reply(f"ack {incident_id}")
    reply = fresh.reply(f"show {incident_id}")
    assert "*Timeline*" in reply
    assert (
        f"<!date^{epoch(2026, 3, 10, 14, 30)}^{{date_short_pretty}} {{time}}|Tue 10 Mar 10:30 EDT> triggered" in reply
    )
    assert f"acknowledged by <@{ALICE}> (slack)" in reply


def test_deadline_is_a_what_if_that_records_nothing(fresh: Side) -> None:
    reply = fresh.reply("deadline sonar-billing normal at 2026-03-13T18:00")
    # Opened Fri 13 Mar 18:00 EDT (22:00Z). One business day = 10 open hours: 1 h on Friday, 9 h on Monday,
    # so Mon 16 Mar 18:00 EDT; 24 clock hours is Sat 14 Mar 18:00 EDT = 22:00Z, the earlier, so it is due.
    assert f"→ due <!date^{epoch(2026, 3, 14, 22)}^" in reply
    assert "nothing recorded" in reply
    assert repository.contract_incidents("sonar-billing") == []


def test_downtime_authorization_kind_and_credit(fresh: Side) -> None:
    refused = fresh.reply("downtime sonar-billing 2026-03-10T09:00 2026-03-10T09:45", user=BOB)
    assert refused.startswith("Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime on `sonar-billing`.")
    reply = fresh.reply("downtime sonar-billing 2026-03-10T09:00 2026-03-10T09:45")
    assert "Recorded unplanned downtime" in reply and "(45 min)" in reply
    fresh.reply("downtime sonar-billing yesterday 02:00 yesterday 03:00 maintenance")
    stored = repository.downtime_between("sonar-billing", "platform", NOW.replace(day=1), NOW)
    assert sorted((item.reason or "", item.recorded_by) for item in stored) == [
        ("scheduled", ALICE),
        ("unplanned", ALICE),
    ]
    credit = fresh.reply("credit sonar-billing 2026-03")
    # March 2026 in New York has 44,580 minutes (the spring-forward day has 23 hours). The scheduled hour
    # (Mon 02:00-03:00, outside the forbidden Mon-Fri 07:00-19:00) is excluded; 45 unplanned minutes count:
    # availability (44,580 - 45) / 44,580 = 99.89905...% → 99.8990, below 99.99%, so every minute is credited:
    # 45 / 44,580 × 2,400.00 = 2.42261... → 2.42 USD.
    assert "Availability 99.8990% against 99.99% (missed)" in credit
    assert "Estimated credit: *2.42 USD*" in credit
    assert "*Claim text* (ready to send):" in credit
    assert "a valid credit request for the month's Actual Downtime" in credit
    assert "Subject: Service credit claim, Sonar Software billing platform, 2026-03" in credit


def test_contracts_lists_each_contract_with_its_targets(fresh: Side) -> None:
    reply = fresh.reply("contracts")
    for contract_id in ("sonar-billing", "sonoran-hosting", "sonarqube-support", "atheer-platform", "resonate-ems"):
        assert f"(`{contract_id}`)" in reply
    assert "(`github-enterprise`): GitHub, policy `github-enterprise-cloud`" in reply  # config/policies' own
    assert (
        # The hourly update runs on the clock, day and night (issue 21's reading; standard hours are the other).
        "`production-down`: first response 1 h of Sonar standard support hours; next update 1 h, again after each "
        "update"
    ) in reply
    assert "availability target 99.99%" in reply


def test_contracts_with_an_id_explains_the_contract(fresh: Side) -> None:
    reply = fresh.reply("contracts resonate-ems")
    assert reply.startswith("`resonate-ems`: Resonate Service Level Agreement (resonate)")
    assert "*Severities and targets*" in reply and "*Readings (the one taken, then the other)*" in reply
    assert "30 min when opened in Primary Hours; otherwise 4 h, or 30 min into the next Primary Hours" in reply
    assert "No contract `nope`; tracked:" in fresh.reply("contracts nope")


# -- buttons, the modal and App Home ------------------------------------------------------------------


def test_buttons_and_the_update_modal(fresh: Side) -> None:
    incident_id = open_incident(fresh)
    response, replies = fresh.button("incident_ack", incident_id, DAVE)
    assert response["statusCode"] == 200
    assert f"<@{DAVE}> acknowledged *{incident_id}*" in replies[0]["text"]
    item = repository.get_incident(incident_id)
    assert item is not None and item.status == "acknowledged" and item.acknowledged_at == NOW

    response, replies = fresh.button("incident_update", incident_id, ALICE)
    assert response["statusCode"] == 200 and replies == []
    (opened,) = fresh.stub.of("views.open")
    view = json.loads(opened.args["view"]) if isinstance(opened.args["view"], str) else opened.args["view"]
    assert view["callback_id"] == UPDATE_MODAL.callback_id and view["private_metadata"] == incident_id

    submission = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": ALICE},
        "api_app_id": "A0SLAOPS01",
        "trigger_id": "submit.trigger",
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": UPDATE_MODAL.callback_id,
            "private_metadata": incident_id,
            "state": {"values": {"update": {"text": {"type": "plain_text_input", "value": "Fix deployed"}}}},
        },
    }
    response = fresh.interactive(submission)
    assert response["statusCode"] == 200
    updates = [e for e in repository.timeline(incident_id) if e.event_type == "update"]
    assert [(e.actor, e.details["text"]) for e in updates] == [(ALICE, "Fix deployed")]
    assert fresh.stub.of("chat.postMessage")[-1].args["channel"] == ALICE

    _, replies = fresh.button("incident_resolve", incident_id, BOB)
    assert replies[0]["text"] == "Only <!subteam^S0BILLINGOC> may resolve incidents on `sonar-billing`."
    _, replies = fresh.button("incident_resolve", incident_id, DAVE)
    assert f"<@{DAVE}> resolved *{incident_id}*" in replies[0]["text"]


def test_the_card_says_outage_or_ticket_and_the_month_follows(fresh: Side, monkeypatch: pytest.MonkeyPatch) -> None:
    # A production-down outage 10:30-10:55 EDT (14:30Z-14:55Z): 25 min of March 2026's 44,580 in New York
    # (the spring-forward day has 23 hours): 25 x 2,400.00 / 44,580 = 1.3459 -> 1.35 USD while it counts.
    incident_id = open_incident(fresh)
    fresh.reply(f"resolve {incident_id} at -5m", user=DAVE)
    presses = iter(range(1, 100))

    def press(action_id: str, user: str, selected: str | None = None) -> list[dict[str, Any]]:
        """A click a second after the one before (the latest classification wins, by its time)."""
        monkeypatch.setattr(
            fresh.function.module.listeners, "clock", FixedClock(NOW + timedelta(seconds=next(presses)))
        )
        return fresh.button(action_id, incident_id, user, selected=selected)[1]

    def month() -> str:
        return fresh.reply("credit sonar-billing 2026-03")

    def interval() -> Any:
        (found,) = repository.downtime_between("sonar-billing", "platform", NOW.replace(hour=0), NOW)
        return found

    assert "Estimated credit: *1.35 USD*" in month() and interval().withdrawn_at is None
    # Only the people who may record downtime may say it was none.
    replies = press("incident_outage_off", BOB)
    assert replies[0]["text"].startswith("Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime")
    replies = press("incident_outage_off", ALICE)
    assert f"*{incident_id}* marked not an outage" in replies[0]["text"]
    # The interval stays, withdrawn by Alice now; the month no longer counts it.
    assert (interval().withdrawn_at, interval().withdrawn_by) == (NOW + timedelta(seconds=2), ALICE)
    assert "Availability 100.0000% against 99.99% (met)" in month() and "Estimated credit: *0.00 USD*" in month()
    card = fresh.stub.of("chat.update")[-1].args["blocks"]
    assert "Ticket: not counted as downtime" in json.dumps(card)
    # Back to an outage: counted again; then a force-majeure cause, which Sonar excludes from Actual Downtime.
    press("incident_outage_on", ALICE)
    assert interval().withdrawn_at is None and "Estimated credit: *1.35 USD*" in month()
    replies = press("incident_cause", ALICE, selected=f"{incident_id}|force-majeure")
    assert "marked an outage (force majeure)" in replies[0]["text"]
    assert interval().cause == "force-majeure"
    assert "excluded 25 min" in month() and "Estimated credit: *0.00 USD*" in month()
    # Who said what, and when, is in the timeline; each change queued the month again for the card's thread.
    said = [(e.actor, e.details.get("outage"), e.details.get("cause")) for e in repository.timeline(incident_id)
            if e.event_type == "classified"]  # fmt: skip
    assert said == [(ALICE, False, None), (ALICE, True, None), (ALICE, True, "force-majeure")]
    summaries = queued_summaries(incident_id)
    assert len(summaries) == 4  # the resolve, and each of the three changes
    assert ["Estimated credit: 1.35 USD" in text for text in summaries] == [True, False, True, False]


def test_maintenance_declared_ahead_or_after_the_fact(fresh: Side) -> None:
    refused = fresh.reply("maintenance sonar-billing tomorrow 21:00 tomorrow 23:00", user=BOB)
    assert refused.startswith("Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime on `sonar-billing`.")
    # Ahead of time: Wed 11 Mar 21:00-23:00 EDT, without an announcement time (taken as in time, and said so).
    ahead = fresh.reply("maintenance sonar-billing tomorrow 21:00 tomorrow 23:00")
    assert "Recorded scheduled maintenance of `sonar-billing` platform" in ahead and "(120 min)" in ahead
    assert "announcement time not given" in ahead
    # After the fact: an outage Sat 7 Mar 02:00-03:00 EST is 60 of March's 44,580 minutes: (44,580 - 60) /
    # 44,580 = 99.86541...% → 99.8654%; 60 x 2,400.00 / 44,580 = 3.2301... → 3.23 USD.
    fresh.reply("downtime sonar-billing 2026-03-07T02:00 2026-03-07T03:00")
    assert "Estimated credit: *3.23 USD*" in fresh.reply("credit sonar-billing 2026-03")
    # The maintenance it fell in, Sat 01:00-04:00 EST, announced Tue 3 Mar 09:00 EST: 3 d 16 h (88 h) ahead,
    # at least Sonar's 72 h, on a Saturday (outside the forbidden Mon-Fri 07:00-19:00): the hour is excluded.
    after = fresh.reply("maintenance sonar-billing 2026-03-07T01:00 2026-03-07T04:00 announced 2026-03-03T09:00")
    assert "announced" in after and "(3 d 16 h ahead)" in after
    assert "2026-03 platform now: availability 100.0000% (target 99.99%), estimated credit 0.00 USD." in after
    stored = {
        d.started_at: d for d in repository.downtime_between("sonar-billing", "platform", NOW.replace(day=1), NOW)
    }
    declared = stored[datetime(2026, 3, 7, 6, 0, tzinfo=UTC)]
    assert (declared.reason, declared.announced_at) == ("scheduled", datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    # Late notice makes maintenance downtime: Thu 5 Mar 21:00-22:00 EST announced Wed 4 Mar 09:00 EST is 36 h
    # ahead, under 72 h: its 60 minutes count, as much as the first outage did (99.8654%, 3.23 USD).
    fresh.reply("maintenance sonar-billing 2026-03-05T21:00 2026-03-05T22:00 announced 2026-03-04T09:00")
    # Downtime with an excluded cause (Sonar: "Internet and telephone services not provided ... by Sonar").
    caused = fresh.reply("downtime sonar-billing 2026-03-02T03:00 2026-03-02T03:30 cause internet")
    assert "cause `internet`" in caused
    credit = fresh.reply("credit sonar-billing 2026-03")
    assert "Availability 99.8654%" in credit and "Estimated credit: *3.23 USD*" in credit
    assert "announced 36 h ahead; the contract requires 72 h" in credit
    assert "excluded 210 min" in credit  # the 180 min maintenance (outage inside it) + the 30 min internet cause
    # Bad input says what is accepted.
    assert "its causes: `customer`, `customer-equipment`, `internet`" in fresh.reply(
        "maintenance sonar-billing 2026-03-07T01:00 2026-03-07T04:00 cause aliens"
    )
    assert "I can't read the time `soon`" in fresh.reply(
        "maintenance sonar-billing 2026-03-07T01:00 2026-03-07T04:00 announced soon"
    )


def owed_corrections() -> list[str]:
    """The texts of the correction posts owed (pending in the post queue), oldest first."""
    from sla_core.storage import post_queue

    due = post_queue.due_posts(NOW + timedelta(days=1)).posts
    return [post.text for post in sorted(due, key=lambda p: p.created_at) if post.purpose == "correction"]


def test_a_correction_recomputes_the_month_posts_what_changed_and_keeps_the_original(fresh: Side) -> None:
    # The outage 10:30-10:55 EDT (25 min, 1.35 USD, see above) really began at 10:00: 55 min of March's
    # 44,580: 55 x 2,400.00 / 44,580 = 2.9609... → 2.96 USD; availability (44,580 - 55) / 44,580 = 99.87662...%.
    incident_id = open_incident(fresh)
    fresh.reply(f"resolve {incident_id} at -5m", user=DAVE)
    refused = fresh.reply(f"correct {incident_id} opened 10:00", user=BOB)
    assert refused.startswith("Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime")
    reply = fresh.reply(f"correct {incident_id} opened 10:00 because the monitor fired late")
    assert f"corrected *{incident_id}*: opened Tue 10 Mar 10:00 EDT" in reply
    assert "Estimated credit: *2.96 USD*" in fresh.reply("credit sonar-billing 2026-03")
    # The original interval is kept, withdrawn; the corrected one counts.
    stored = repository.downtime_between("sonar-billing", "platform", NOW.replace(hour=0), NOW)
    counted = [(d.started_at, d.ended_at) for d in stored if d.withdrawn_at is None]
    assert counted == [(datetime(2026, 3, 10, 14, 0, tzinfo=UTC), datetime(2026, 3, 10, 14, 55, tzinfo=UTC))]
    assert [(d.started_at, d.withdrawn_by) for d in stored if d.withdrawn_at is not None] == [
        (datetime(2026, 3, 10, 14, 30, tzinfo=UTC), ALICE)
    ]
    # One correction post owed to the channel, with the old and new figures, and the history lists it.
    (post,) = owed_corrections()
    assert post.startswith("Correction to 2026-03: estimated credit 1.35 → 2.96 USD, availability 99.9439% → 99.8766%")
    assert "because the monitor fired late, by <@U0ALICE0001>)" in post
    history = fresh.reply("history sonar-billing 2026-03")
    assert "*1 correction of `sonar-billing` 2026-03*" in history and "1.35 → 2.96 USD" in history
    # The original figures can be rebuilt: the timeline keeps the source's events beside the correction, and the
    # correction keeps the figures before it.
    events = repository.timeline(incident_id)
    assert [e.event_type for e in events if e.event_type != "corrected"] == ["triggered", "resolved"]
    (kept,) = repository.corrections("sonar-billing", "2026-03")
    assert kept.before["platform"]["credit_amount"] == "1.35" and kept.after["platform"]["credit_amount"] == "2.96"
    # The same correction again changes nothing: nothing more is posted.
    fresh.reply(f"correct {incident_id} opened 10:00")
    assert len(owed_corrections()) == 1
    assert "cannot be corrected; accepted: severity, opened, resolved" in fresh.reply(f"correct {incident_id} title x")


def test_recompute_shows_a_reported_month_against_now_and_records_only_on_the_button(fresh: Side) -> None:
    from sla_core.app.recompute import remember_reported
    from sla_core.app.reports import jobs_due
    from sla_core.config.contracts import load_contracts

    # February 2026 reported on 1 Mar with no downtime (100%, 0.00 USD); 30 min Sat 14 Feb 02:00-02:30 EST
    # recorded afterwards: February in New York is 28 x 1,440 = 40,320 min: (40,320 - 30) / 40,320 =
    # 99.92559...% → 99.9255%; 30 x 2,400.00 / 40,320 = 1.7857 → 1.79 USD.
    sonar = load_contracts().contracts["sonar-billing"]
    (job,) = jobs_due(sonar, datetime(2026, 3, 1, 14, 0, tzinfo=UTC))
    remember_reported(job, sonar, datetime(2026, 3, 1, 14, 0, tzinfo=UTC))
    assert "figures on record" in fresh.reply("recompute sonar-billing 2026-02") and "still hold" in fresh.reply(
        "recompute sonar-billing 2026-02"
    )
    interval = repository.new_downtime(downtime_id="late", contract_id="sonar-billing", component="platform",
                                       started_at=datetime(2026, 2, 14, 7, 0, tzinfo=UTC), recorded_by="pagerduty",
                                       ended_at=datetime(2026, 2, 14, 7, 30, tzinfo=UTC),
                                       source="pagerduty")  # fmt: skip
    assert repository.record_interval(interval)  # start and end in one put
    _, replies, _ = fresh.command("recompute sonar-billing 2026-02")
    assert "estimated credit 0.00 → 1.79 USD, availability 100% → 99.9255%" in replies[0]["text"]
    (actions,) = [b for b in replies[0]["blocks"] if b["type"] == "actions"]
    value = actions["elements"][0]["value"]
    assert repository.corrections("sonar-billing", "2026-02") == []  # shown, not recorded
    _, pressed = fresh.button("recompute_confirm", value, BOB)
    assert pressed[0]["text"].startswith("Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime")
    _, pressed = fresh.button("recompute_confirm", value, ALICE)
    assert pressed[0]["text"].startswith("Recorded by <@U0ALICE0001>: Correction to 2026-02: estimated credit 0.00")
    _, pressed = fresh.button("recompute_confirm", value, ALICE)
    assert pressed[0]["text"].startswith("Nothing recorded")
    assert len(repository.corrections("sonar-billing", "2026-02")) == 1


def test_app_home_is_published_once_per_event(fresh: Side) -> None:
    open_incident(fresh)
    fresh.reply("downtime sonar-billing 2026-03-10T09:00 2026-03-10T09:45")
    event = {
        "token": "unused",
        "team_id": "T0001",
        "api_app_id": "A0SLAOPS01",
        "type": "event_callback",
        "event_id": "Ev0HOME0001",
        "event_time": 1773154800,
        "event": {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE0001", "tab": "home"},
    }
    body = json.dumps(event).encode()
    headers = {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": "application/json"}
    assert fresh.post(body, headers)["statusCode"] == 200
    assert (
        fresh.post(body, {**headers, "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})["statusCode"]
        == 200
    )
    (published,) = fresh.stub.of("views.publish")
    view = published.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert published.args["user_id"] == ALICE
    assert "Invoices fail" in text
    # Month to date: 1 Mar 00:00 EST (05:00Z) to 10 Mar 11:00 EDT (15:00Z) is 9 d 10 h = 13,560 minutes;
    # 45 minutes down: (13,560 - 45) / 13,560 = 99.66814...% → 99.6681, below the 99.99% target.
    assert "`sonar-billing` platform: 99.6681% (target 99.99%)" in text


def test_every_rendered_button_has_its_listener_and_no_other_id_does(fresh: Side) -> None:
    from sla_core.slack.recompute.routes import RECOMPUTE_ACTION
    from sla_core.slack.render.reminder_buttons import actions_block
    from sla_core.slack.routes import BUTTONS

    open_incident(fresh)  # production-down: an outage, so the card offers "Not an outage" and the cause select
    open_incident(fresh, "sonar-billing normal Slow reports")  # a ticket: "Count as outage"
    rendered = {
        element["action_id"]
        for call in fresh.stub.of("chat.postMessage")
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    reminder = actions_block("sla-x", "initial_response@2026-03-10T10:30:00-04:00#heads_up")
    assert reminder is not None
    rendered |= {element["action_id"] for element in reminder["elements"]}
    rendered.add(
        RECOMPUTE_ACTION
    )  # drawn when a recompute differs: see test_recompute_shows_a_reported_month_against_now...
    assert rendered == {button.action_id for button in BUTTONS}
    for action_id in sorted(rendered):  # a listener acks it, and its lazy listener answers the empty press
        response, replies = fresh.button(action_id, None, ALICE)
        assert (response["statusCode"], response.get("body")) == (200, ""), action_id
        assert [reply["text"] for reply in replies] == [UNREADABLE], action_id
    for action_id in ("incident_delete", "reminder_delete"):  # no listener: Bolt has none, the answer says so
        response, replies = fresh.button(action_id, None, ALICE)
        assert (response["statusCode"], response.get("body"), replies) == (200, UNREADABLE, []), action_id


@pytest.mark.parametrize(
    ("contract_id", "severity"),
    [
        ("sonar-billing", "feature-request"),
        ("sonoran-hosting", "escalation"),
        ("sonarqube-support", "blocker"),
        ("atheer-platform", "P1"),
        ("resonate-ems", "P1"),
    ],
)
def test_every_contract_answers_deadline_and_credit(fresh: Side, contract_id: str, severity: str) -> None:
    deadline = fresh.reply(f"deadline {contract_id} {severity}")
    assert deadline.startswith("*What if*") and "→ due <!date^" in deadline
    credit = fresh.reply(f"credit {contract_id}")
    # Nothing recorded: every availability is 100%, and no contract owes or is owed anything.
    assert "Estimated credit: *0.00 " in credit or "states no service credit terms" in credit
    assert "Usage:" not in credit or "states no service credit terms" in credit


def test_downtime_that_has_not_ended_is_refused(fresh: Side) -> None:
    reply = fresh.reply("downtime sonoran-hosting web -10m 2026-03-10T12:00", user=DAVE)
    # 12:00 in Dave's zone (EDT) is 16:00Z, an hour after the handler's now (15:00Z).
    assert "must have ended by now" in reply
    reply = fresh.reply("downtime sonoran-hosting -30m -10m", user=DAVE)
    assert "has several components; name one of web, mail, hypervisor" in reply
    assert repository.downtime_between("sonoran-hosting", "web", NOW.replace(day=1), NOW) == []


def test_what_the_user_typed_is_escaped_in_errors(fresh: Side) -> None:
    reply = fresh.reply("open sonar-billing <!channel> Broken")
    assert "&lt;!channel&gt;" in reply and "<!channel>" not in reply
    reply = fresh.reply("show <!here>")
    assert "No incident `&lt;!here&gt;`" in reply


# -- the raw request checked before Bolt parses it -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("payload is not JSON", b"payload=notjson", "application/x-www-form-urlencoded"),
        ("not UTF-8", b"\xff\xfe\xfdcommand=%2Fsla", "application/x-www-form-urlencoded"),
        ("empty", b"", "application/json"),
    ],
)
def test_unsigned_malformed_bodies_are_401_and_nothing_is_parsed(
    fresh: Side, name: str, body: bytes, content_type: str
) -> None:
    for headers in (
        {"content-type": content_type},
        {**slack_headers(body, "not-the-secret"), "content-type": content_type},
    ):
        response = fresh.post(body, headers)
        assert response["statusCode"] == 401, name
        assert "Traceback" not in response.get("body", "")
    assert fresh.stub.calls == []


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("payload is not JSON", b"payload=notjson", "application/x-www-form-urlencoded"),
        ("not UTF-8", b"\xff\xfe\xfdcommand=%2Fsla", "application/x-www-form-urlencoded"),
        (
            "view_submission without view.type",
            b"payload=" + quote(json.dumps({"type": "view_submission", "user": {"id": ALICE}, "view": {}})).encode(),
            "application/x-www-form-urlencoded",
        ),
    ],
)
def test_signed_malformed_bodies_get_a_clear_200_never_a_5xx(
    fresh: Side, name: str, body: bytes, content_type: str
) -> None:
    response = fresh.post(body, {**slack_headers(body, SLACK_SIGNING_SECRET), "content-type": content_type})
    assert response["statusCode"] == 200, name
    assert response.get("body") == UNREADABLE, name


def test_a_lazy_listener_that_fails_says_so_where_the_request_came_from(
    fresh: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable() -> Any:
        raise TimeoutError("the contracts could not be read in time")

    incident_id = open_incident(fresh)
    monkeypatch.setattr(fresh.function.module.listeners, "contracts_config", unavailable)
    response, replies, _ = fresh.command("status")
    assert "Working on `/sla status`" in response["body"]  # the ack needs no contracts
    assert [reply["text"] for reply in replies] == [FAILED_TEXT]
    _, replies = fresh.button("incident_resolve", incident_id, DAVE)
    assert [reply["text"] for reply in replies] == [FAILED_TEXT]
    item = repository.get_incident(incident_id)
    assert item is not None and item.status != "resolved"
    monkeypatch.undo()
    monkeypatch.setattr(flow_runner, "first_delivery", unavailable)  # the claim, in Bolt middleware, fails
    response, replies, _ = fresh.command("status")
    assert "Working on `/sla status`" in response["body"]
    assert [reply["text"] for reply in replies] == [FAILED_TEXT]


def test_a_signed_button_press_without_its_value_is_answered_readably(fresh: Side) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": ALICE},
        "api_app_id": "A0SLAOPS01",
        "trigger_id": "novalue.trigger",
        "channel": {"id": BILLING_CHANNEL},
        "response_url": fresh.stub.response_url("novalue"),
        "actions": [{"type": "button", "action_id": "incident_resolve", "block_id": "b"}],
    }
    assert fresh.interactive(payload)["statusCode"] == 200
    assert [r["text"] for r in fresh.stub.replies("novalue")] == [UNREADABLE]


def test_a_signed_update_submission_without_its_state_is_answered_and_nothing_written(fresh: Side) -> None:
    incident_id = open_incident(fresh)
    submission = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": ALICE},
        "api_app_id": "A0SLAOPS01",
        "trigger_id": "stateless.trigger",
        "view": {
            "id": "V0002",
            "type": "modal",
            "callback_id": UPDATE_MODAL.callback_id,
            "private_metadata": incident_id,
        },
    }
    before = len(repository.timeline(incident_id))
    response = fresh.interactive(submission)
    assert response["statusCode"] == 200
    (told,) = [c for c in fresh.stub.of("chat.postMessage") if c.args["channel"] == ALICE]
    assert told.args["text"] == UNREADABLE
    assert len(repository.timeline(incident_id)) == before
