"""Timeouts: the local stack enforces each function's Timeout as Lambda and API Gateway do, and every
DynamoDB request fails well within the shortest function Timeout (the PagerDuty webhook's 5 s)."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from local_stack.dynamodb import free_port
from local_stack.gateway import Gateway
from local_stack.lambdas import FunctionTimeout, LocalFunction, LocalLambdaClient
from local_stack.scheduler import Scheduler
from local_stack.template import FunctionSpec, Route, Schedule, Template
from sla_core.config import settings
from sla_core.config.settings import SettingsError
from sla_core.storage import models

SHORT = 0.2  # the fake function's Timeout, in seconds
LATE_WRITES: dict[str, str] = {}


def sleepy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The fake function: sleeps `sleep` seconds, then (even when abandoned) records a write and answers.
    Its orders are the event itself, or the body of an HTTP API event."""
    orders: dict[str, Any] = json.loads(event["body"]) if "body" in event else event
    time.sleep(float(orders.get("sleep", 0)))
    if "fail" in orders:
        raise ValueError(orders["fail"])
    LATE_WRITES[orders.get("key", "")] = context.aws_request_id
    return {"statusCode": 202, "headers": {"content-type": "application/json"}, "body": '{"ok": true}'}


def fake_function(timeout_s: float = SHORT) -> LocalFunction:
    spec = FunctionSpec(
        logical_id="SleepyFunction",
        name="slaops-local-sleepy",
        code_uri="tests/unit/local_stack/",
        handler="test_timeouts.sleepy",
        environment={},
        memory_mb=128,
        timeout_s=timeout_s,
    )
    return LocalFunction(spec)


def wait_for(key: str, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while key not in LATE_WRITES and time.monotonic() < deadline:
        time.sleep(0.01)
    return key in LATE_WRITES


def test_an_invocation_past_its_timeout_is_abandoned_and_its_late_write_still_lands() -> None:
    function = fake_function()
    started = time.monotonic()
    with pytest.raises(FunctionTimeout, match=r"Task timed out after 0\.20 seconds") as raised:
        function.invoke({"sleep": SHORT * 3, "key": "late"})
    assert SHORT <= time.monotonic() - started < SHORT * 2.5
    assert raised.value.function == "SleepyFunction"
    assert "late" not in LATE_WRITES  # still running, in a thread nobody waits for
    assert wait_for("late")  # and it finishes, as a Lambda killed mid-write may have written


def test_within_its_timeout_the_result_or_the_error_comes_back() -> None:
    function = fake_function()
    assert function.invoke({"key": "fast"})["statusCode"] == 202
    with pytest.raises(ValueError, match="boom"):
        function.invoke({"fail": "boom"})


@pytest.fixture
def gateway() -> Iterator[tuple[Gateway, io.StringIO]]:
    log = io.StringIO()
    server = Gateway(free_port(), {Route("POST", "/sleepy", "SleepyFunction"): fake_function()}, lambda at: {}, log=log)
    server.start()
    try:
        yield server, log
    finally:
        server.stop()


def post(url: str, body: dict[str, Any]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_gateway_answers_a_timed_out_function_as_api_gateway_does(gateway: tuple[Gateway, io.StringIO]) -> None:
    server, log = gateway
    started = time.monotonic()
    status, body = post(f"{server.url}/sleepy", {"sleep": SHORT * 5, "key": "gateway"})
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})
    assert time.monotonic() - started < SHORT * 4  # answered at the timeout, not when the handler ended
    assert "Task timed out after 0.20 seconds; abandoned" in log.getvalue()
    assert post(f"{server.url}/sleepy", {"key": "quick"}) == (202, b'{"ok": true}')
    assert post(f"{server.url}/sleepy", {"fail": "boom"})[0] == 500


def test_an_async_invocation_that_times_out_is_reported() -> None:
    errors = io.StringIO()
    client = LocalLambdaClient([fake_function()], errors=errors)
    answer = client.invoke(FunctionName="slaops-local-sleepy", InvocationType="Event", Payload='{"sleep": 0.6}')
    assert answer == {"StatusCode": 202}
    client.wait(timeout=5)
    assert "async invocation of SleepyFunction" in errors.getvalue()
    assert "Task timed out after 0.20 seconds" in errors.getvalue()


def test_a_failing_tick_does_not_stop_the_schedule() -> None:
    schedule = Schedule("SleepyFunction", "EverySecond", "rate(1 minute)", "{}")
    fired: list[datetime] = []
    twice = threading.Event()
    clock = [datetime(2026, 3, 9, 14, 14, 59, 900_000, tzinfo=UTC)]

    def fire(which: Schedule, at: datetime) -> None:
        fired.append(at)
        clock[0] = at.replace(second=59, microsecond=900_000)  # the next boundary is 0.1 s away
        if len(fired) >= 2:
            twice.set()
        raise FunctionTimeout("SleepyFunction", "request", 50)

    scheduler = Scheduler([schedule], fire, now=lambda: clock[0])
    scheduler.start()
    try:
        assert twice.wait(5), "the schedule stopped after a failed tick"
    finally:
        scheduler.stop()
    assert fired[:2] == [datetime(2026, 3, 9, 14, 15, tzinfo=UTC), datetime(2026, 3, 9, 14, 16, tzinfo=UTC)]


# -- DynamoDB timeouts ----------------------------------------------------------------------------------


@pytest.fixture
def meta_restored() -> Iterator[None]:
    """Put the models' Meta back as it was (configure() re-reads the environment)."""
    meta = models.TableItem.Meta
    names = ("connect_timeout_seconds", "read_timeout_seconds", "max_retry_attempts")
    saved = {name: getattr(meta, name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(meta, name, value)
        for model in models.MODELS:
            model._connection = None


def test_every_dynamodb_request_fails_within_the_shortest_function_timeout(
    template: Template, monkeypatch: pytest.MonkeyPatch, meta_restored: None
) -> None:
    for name in ("DYNAMODB_CONNECT_TIMEOUT_SECONDS", "DYNAMODB_READ_TIMEOUT_SECONDS", "DYNAMODB_MAX_RETRY_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    models.configure(table_name=models.TableItem.Meta.table_name, host=models.TableItem.Meta.host)
    meta = models.IncidentItem.Meta  # inherited by every model
    assert (meta.connect_timeout_seconds, meta.read_timeout_seconds, meta.max_retry_attempts) == (0.5, 1.0, 1)
    assert models.failure_bound_seconds() == pytest.approx(4.0)
    webhook = template.functions["PagerDutyWebhookFunction"].timeout_s
    assert webhook == 5
    assert models.failure_bound_seconds() < webhook - 0.5  # time left to log and answer 500
    assert min(spec.timeout_s for spec in template.functions.values()) == webhook
    slack = template.functions["SlackFunction"].timeout_s
    assert slack - models.failure_bound_seconds() > 5  # the lazy listener can still tell the user


def test_the_timeouts_reach_botocore_and_can_be_overridden(
    monkeypatch: pytest.MonkeyPatch, meta_restored: None
) -> None:
    monkeypatch.setenv("DYNAMODB_CONNECT_TIMEOUT_SECONDS", "0.25")
    monkeypatch.setenv("DYNAMODB_READ_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("DYNAMODB_MAX_RETRY_ATTEMPTS", "0")
    models.configure(table_name="t", host="http://127.0.0.1:1", region="us-east-1")
    assert models.failure_bound_seconds() == pytest.approx(2.25)
    config: Any = models.IncidentItem._get_connection().connection.client.meta.config  # botocore Config
    assert (config.connect_timeout, config.read_timeout) == (0.25, 2.0)
    assert config.retries == {"total_max_attempts": 1, "mode": "standard"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DYNAMODB_CONNECT_TIMEOUT_SECONDS", "soon"),
        ("DYNAMODB_READ_TIMEOUT_SECONDS", "0"),
        ("DYNAMODB_READ_TIMEOUT_SECONDS", "nan"),
        ("DYNAMODB_MAX_RETRY_ATTEMPTS", "-1"),
        ("DYNAMODB_MAX_RETRY_ATTEMPTS", "1.5"),
    ],
)
def test_a_bad_timeout_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    read = {
        "DYNAMODB_CONNECT_TIMEOUT_SECONDS": settings.dynamodb_connect_timeout_seconds,
        "DYNAMODB_READ_TIMEOUT_SECONDS": settings.dynamodb_read_timeout_seconds,
        "DYNAMODB_MAX_RETRY_ATTEMPTS": settings.dynamodb_max_retry_attempts,
    }[name]
    with pytest.raises(SettingsError, match=name):
        read()


def remaining(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The fake function that reports the time its context says it has left, before and after a short wait."""
    before = context.get_remaining_time_in_millis()
    time.sleep(0.05)
    return {"before": before, "after": context.get_remaining_time_in_millis()}


def test_each_invocation_gets_a_context_counting_down_from_its_timeout() -> None:
    # The reminder tick stops taking work with 5 s of this left (app/sweep.py); locally it must count down as
    # Lambda's does, from the function's Timeout, per invocation.
    spec = fake_function(timeout_s=3.0).spec
    function = LocalFunction(FunctionSpec(**{**vars(spec), "handler": "test_timeouts.remaining"}))
    first, second = function.invoke({}), function.invoke({})
    for answer in (first, second):
        assert 2_900 <= answer["before"] <= 3_000
        assert answer["after"] <= answer["before"] - 50


def test_connect_builds_every_models_client_without_a_request() -> None:
    """`models.connect()` at a cold start leaves every model with its client, so concurrent first deliveries
    do not each build one; no request is sent (the endpoint here answers nothing)."""
    models.configure(host=f"http://127.0.0.1:{free_port()}")
    try:
        assert all(model._connection is None for model in models.MODELS)
        models.connect()
        clients = [model._get_connection().connection._client for model in models.MODELS]
        assert all(client is not None for client in clients)
        assert len({id(client) for client in clients}) == len(models.MODELS)  # one per model, as PynamoDB keeps them
    finally:
        models.configure()
