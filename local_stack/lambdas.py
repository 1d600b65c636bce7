"""The template's functions run in this process as Lambda would run them: real handler, fake context,
and a stand-in Lambda client so Bolt's lazy listeners (an async self-invoke in AWS) run here too.

Bolt ships `slack_bolt.adapter.aws_lambda.local_lambda_client.LocalLambdaClient` for the same purpose,
but it is built on Chalice; this one keeps its `invoke(FunctionName, InvocationType, Payload)` shape.
`SlackRequestHandler` installs a `LambdaLazyListenerRunner` whose `lambda_client` is None until first use
(then `boto3.client("lambda")`); setting it beforehand points lazy invocations here.

Each function's `Timeout` is enforced: the handler runs in a worker thread and an invocation still running
at its timeout is given up on (`FunctionTimeout`), which the gateway answers as API Gateway answers a timed
out Lambda. Python cannot kill a thread, so the abandoned handler runs on and its late writes may still
land; that is what a Lambda killed mid-write leaves behind too, and it is safe because every write is
idempotent (a retry finds the write done and completes the rest). Unlike Lambda, the module's state (its
cached clients) is kept for the next invocation instead of a fresh sandbox.
"""

from __future__ import annotations

import importlib
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TextIO

from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner

from local_stack.template import LOCAL_ACCOUNT, FunctionSpec

Handler = Callable[[Any, Any], Any]


@dataclass
class FakeLambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: float
    function_version: str = "$LATEST"
    region: str = "us-east-1"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{LOCAL_ACCOUNT}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[{self.function_version}]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_s - (time.monotonic() - self.started)) * 1000))


class FunctionTimeout(Exception):
    """An invocation still running at its function's Timeout (Lambda's `Sandbox.Timedout`)."""

    def __init__(self, function: str, request_id: str, timeout_s: float) -> None:
        super().__init__(f"{request_id} Task timed out after {timeout_s:.2f} seconds")
        self.function = function
        self.request_id = request_id
        self.timeout_s = timeout_s


class LocalFunction:
    """One function of the template: its handler imported from functions/<x>/app.py."""

    def __init__(self, spec: FunctionSpec) -> None:
        self.spec = spec
        self.module: ModuleType = importlib.import_module(spec.module)
        self.handler: Handler = getattr(self.module, spec.attribute)

    def context(self) -> FakeLambdaContext:
        return FakeLambdaContext(self.spec.name, self.spec.memory_mb, self.spec.timeout_s)

    def invoke(self, event: Any) -> Any:
        """Call the handler synchronously, as Lambda's RequestResponse invocation would, for at most the
        function's Timeout; its exception, if any, is raised here; `FunctionTimeout` once the time is up."""
        context = self.context()
        outcome: dict[str, Any] = {}
        finished = threading.Event()

        def run() -> None:
            try:
                outcome["result"] = self.handler(event, context)
            except BaseException as error:  # handed to the caller's thread, like Lambda's error response
                outcome["error"] = error
            finally:
                finished.set()

        name = f"{self.spec.logical_id}-{context.aws_request_id[:8]}"
        threading.Thread(target=run, name=name, daemon=True).start()
        if not finished.wait(context.timeout_s):
            raise FunctionTimeout(self.spec.logical_id, context.aws_request_id, context.timeout_s)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")


class LocalLambdaClient:
    """Answers `lambda.invoke` by running the named local function; `Event` invocations run in a thread."""

    def __init__(self, functions: Iterable[LocalFunction], errors: TextIO) -> None:
        self._by_name = {function.spec.name: function for function in functions}
        self._errors = errors
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def functions(self) -> list[LocalFunction]:
        return list(self._by_name.values())

    def _function(self, name_or_arn: str) -> LocalFunction:
        name = name_or_arn.split(":function:", 1)[-1].split(":", 1)[0]
        if name not in self._by_name:
            raise ValueError(f"no local function named {name!r}; known: {', '.join(sorted(self._by_name))}")
        return self._by_name[name]

    def invoke(self, FunctionName: str, InvocationType: str = "RequestResponse", Payload: str = "{}") -> dict[str, Any]:
        function = self._function(FunctionName)
        event = json.loads(Payload)
        if InvocationType == "Event":
            thread = threading.Thread(target=self._run_async, args=(function, event), daemon=True)
            with self._lock:
                self._threads = [alive for alive in self._threads if alive.is_alive()]
                self._threads.append(thread)
            thread.start()
            return {"StatusCode": 202}
        return {"StatusCode": 200, "Payload": function.invoke(event)}

    def _run_async(self, function: LocalFunction, event: Any) -> None:
        try:
            function.invoke(event)
        except FunctionTimeout as timeout:
            print(f"[local] async invocation of {function.spec.logical_id}: {timeout}", file=self._errors)
        except Exception:
            print(f"[local] async invocation of {function.spec.logical_id} failed:", file=self._errors)
            traceback.print_exc(file=self._errors)

    def wait(self, timeout: float = 10.0) -> None:
        """Wait for the async invocations started so far (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


def wire_lazy_listeners(function: LocalFunction, client: LocalLambdaClient) -> bool:
    """Point a Bolt app's Lambda lazy-listener runner (if the module has one) at the local client."""
    for value in vars(function.module).values():
        app = getattr(value, "app", None)
        runner = getattr(getattr(app, "listener_runner", None), "lazy_listener_runner", None)
        if isinstance(runner, LambdaLazyListenerRunner):
            runner.lambda_client = client
            return True
    return False
