"""What the Web API client repeats on its own: never a post whose connection was lost (it may be in the channel),
reads and chat.update on a lost connection, and a 429 only when its Retry-After fits in the function's time left.
Failures are classified for the sweep: rate limited, uncertain (maybe posted), permanent, or transient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError

from sla_core.app.ports import PERMANENT, RATE_LIMITED, TRANSIENT, UNCERTAIN, PostRefused
from sla_core.config import time_budget
from sla_core.config.time_budget import TimeBudget
from sla_core.slack.client import SlackPoster
from sla_core.slack.delivery import SlackDelivery
from tests.support.slack_stub import DROP, LATE, Fault, SlackStub, running_stub

METADATA = {"event_type": "slaops_post", "event_payload": {"post_id": "stage#X#heads_up"}}


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    yield from running_stub()


def poster(stub: SlackStub, *, timeout: float = 2.0, retries: int = 2) -> SlackPoster:
    return SlackPoster.for_token("xoxb-test", base_url=stub.api_url, timeout=timeout, max_rate_limit_retries=retries)


def post(stub: SlackStub, **kwargs: object) -> str:
    return SlackDelivery(poster(stub, **kwargs)).post(  # type: ignore[arg-type]
        "C1", "hello", blocks=None, thread_ts=None, broadcast=False, post_id="stage#X#heads_up"
    )


def test_a_post_whose_connection_drops_after_slack_stored_it_is_not_resent(stub: SlackStub) -> None:
    stub.faults.append(Fault("chat.postMessage", DROP))
    with pytest.raises(PostRefused) as refused:
        post(stub)
    assert refused.value.kind == UNCERTAIN
    # slack_sdk's default ConnectionErrorRetryHandler would have sent it again at once: two messages.
    assert len(stub.of("chat.postMessage")) == 1 and len(stub.in_channel("C1")) == 1
    assert stub.in_channel("C1")[0]["metadata"] == METADATA  # so the next attempt can find it


def test_a_post_answered_after_the_client_timeout_is_uncertain_and_not_resent(stub: SlackStub) -> None:
    stub.faults.append(Fault("chat.postMessage", LATE, delay=0.6))
    with pytest.raises(PostRefused) as refused:
        post(stub, timeout=0.2)
    assert refused.value.kind == UNCERTAIN
    assert len(stub.of("chat.postMessage")) == 1


def test_a_lookup_whose_connection_drops_is_retried_it_is_safe_to_repeat(stub: SlackStub) -> None:
    stub.faults.append(Fault("conversations.history", DROP))
    assert poster(stub).find_posted("C1", "x", thread_ts=None, oldest=datetime(2026, 3, 1, tzinfo=UTC)) is None
    assert len(stub.of("conversations.history")) == 2


def test_a_429_is_retried_when_its_retry_after_fits_in_the_time_left(stub: SlackStub) -> None:
    stub.faults.append(Fault("chat.postMessage", status=429, retry_after=0))
    with time_budget.running(TimeBudget.lasting(10)):
        assert post(stub) == "1773154800.000000"
    assert len(stub.of("chat.postMessage")) == 2


def test_a_429_whose_retry_after_outlasts_the_function_is_not_slept_on(stub: SlackStub) -> None:
    # Retry-After 13 s with 5 s left: no sleep; the caller gets the 429 with its Retry-After at once.
    stub.faults.append(Fault("chat.postMessage", status=429, retry_after=13))
    with time_budget.running(TimeBudget.lasting(5)), pytest.raises(PostRefused) as refused:
        post(stub)
    assert (refused.value.kind, refused.value.retry_after) == (RATE_LIMITED, 13.0)
    assert len(stub.of("chat.postMessage")) == 1


def test_the_sweeps_client_never_retries_a_429(stub: SlackStub) -> None:
    stub.faults.append(Fault("chat.postMessage", status=429, retry_after=0))
    with pytest.raises(PostRefused) as refused:
        post(stub, retries=0)
    assert refused.value.kind == RATE_LIMITED and len(stub.of("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault("chat.postMessage", error="invalid_blocks"), PERMANENT),
        (Fault("chat.postMessage", error="msg_too_long"), PERMANENT),
        (Fault("chat.postMessage", error="invalid_arguments"), PERMANENT),
        (Fault("chat.postMessage", error="not_in_channel"), TRANSIENT),
        (Fault("chat.postMessage", error="channel_not_found"), TRANSIENT),
        (Fault("chat.postMessage", error="fatal_error"), UNCERTAIN),  # "some aspect ... may have succeeded"
        (Fault("chat.postMessage", status=500, error="internal_error"), UNCERTAIN),
        (Fault("chat.postMessage", status=503, error="service_unavailable"), UNCERTAIN),
    ],
)
def test_slack_errors_are_classified(stub: SlackStub, fault: Fault, kind: str) -> None:
    stub.faults.append(fault)
    with pytest.raises(PostRefused) as refused:
        post(stub)
    assert refused.value.kind == kind
    assert isinstance(refused.value.__cause__, SlackApiError)


def test_a_refused_connection_never_sent_anything() -> None:
    closed = SlackPoster.for_token("xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=1)  # discard port
    with pytest.raises(PostRefused) as refused:
        SlackDelivery(closed).post("C1", "x", blocks=None, thread_ts=None, broadcast=False, post_id="p")
    assert refused.value.kind == TRANSIENT


def test_a_plain_retry_drops_the_blocks_and_cuts_the_text(stub: SlackStub) -> None:
    delivery = SlackDelivery(poster(stub))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    delivery.post("C1", "x" * 9000, blocks=blocks, thread_ts="1.2", broadcast=False, post_id="p", plain=True)
    (sent,) = stub.of("chat.postMessage")
    assert "blocks" not in sent.args and len(sent.args["text"]) == 4000 and sent.args["thread_ts"] == "1.2"
    assert sent.args["metadata"]["event_payload"] == {"post_id": "p"}
