"""The functions' cold starts and the Slack function's warm ack: what stands between a `/sla` and Slack's 3 s limit.

Cold: a fresh interpreter imports `functions.slack.app` and handles one signed `/sla help` (the help is the
ack); measured from process start to the response, median of COLD_RUNS runs, with the import and the first
request shown apart, and the process's CPU time (steadier than wall time when the machine is busy).
Against it, interleaved so machine noise hits both alike, as many fresh interpreters that only import Bolt's
Lambda adapter: the handler's import should cost at most IMPORT_RATIO_TARGET times that bare import.
Both with bytecode, as the build ships it (compiled by the runtime's Python: see the Makefiles).
Then each function's cold import (Slack, PagerDuty, reminders) with bytecode and from source only (what a build
without a CPython 3.13 ships: every module of the layer, the function and their packages compiled at each cold
start; the interpreter's own standard library has its bytecode either way, as Lambda's runtime does). The two
are told apart by PYTHONPYCACHEPREFIX: one cache primed by a first import, one holding the standard library only.
Warm: in one process, the time `handler` takes to return the ack of a signed `/sla help` and of a
`/sla status` (whose lazy listener is handed to a stand-in Lambda client that records the invocation and
returns, as `lambda.invoke(InvocationType="Event")` does), median of WARM_RUNS.
Targets: cold under 1 s on this machine, import within 1.25x of bare Bolt's, warm ack under 20 ms.
Run: PYTHONPATH=layers/sla_core:. .venv/bin/python bench/bench_slack.py (SLAOPS_COLD_PYTHON: the interpreter for
the cold starts; `make bench` gives it a CPython 3.13 venv with only the Lambda packages)
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
COLD_RUNS = 21
IMPORT_RATIO_TARGET = 1.25
WARM_RUNS = 500
SECRET = "bench-slack-signing-secret"
ENV = {
    "SLAOPS_LOCAL": "1",
    "SLACK_SIGNING_SECRET": SECRET,
    "CONTRACTS_FILE": str(ROOT / "config" / "contracts.toml"),
    "SLAOPS_POLICY_DIRS": str(ROOT / "config" / "policies"),
    "SLACK_OUTBOX": str(Path(tempfile.mkdtemp(prefix="bench-slack-")) / "outbox.jsonl"),
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "slaops",
    "POWERTOOLS_METRICS_NAMESPACE": "slaops",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",  # no EMF metric lines on the bench's output
    "PYTHONPATH": f"{ROOT / 'layers' / 'sla_core'}{os.pathsep}{ROOT}",
    # Timed children never write bytecode: which cache they read is set by PYTHONPYCACHEPREFIX (see `caches`).
    "PYTHONDONTWRITEBYTECODE": "1",
}
FUNCTIONS = {
    "Slack": "functions.slack.app",
    "PagerDuty": "functions.pagerduty.app",
    "reminders": "functions.reminders.app",
}
COLD_IMPORT_RUNS = 7

# The child: import the handler, handle one signed /sla help, print the phases as JSON.
# The cold child gets its signed event on stdin and uses only the standard library before the timed import,
# so the figure is the handler's import and first request, not the harness's (bench, local_stack, http.server).
COLD_CHILD = """
import json, sys, time, types, uuid
event = json.load(sys.stdin)
context = types.SimpleNamespace(
    function_name="slaops-bench-slack", memory_limit_in_mb=512, function_version="$LATEST",
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:slaops-bench-slack",
    aws_request_id=str(uuid.uuid4()), log_group_name="/aws/lambda/slaops-bench-slack",
    log_stream_name="bench", get_remaining_time_in_millis=lambda: 10_000,
)
began = time.perf_counter()
from functions.slack import app
imported = time.perf_counter()
response = app.handler(event, context)
handled = time.perf_counter()
assert response["statusCode"] == 200 and "/sla status" in response["body"], response
print(json.dumps({"import": imported - began, "first": handled - imported}))
"""

# The yardstick: a fresh interpreter that imports only Bolt's Lambda adapter (boto3, slack_sdk, Bolt itself),
# after the same standard-library modules the cold child has loaded before its clock starts.
BOLT_CHILD = """
import json, sys, time, types, uuid
began = time.perf_counter()
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
print(json.dumps({"import": time.perf_counter() - began}))
"""


def signed_event(text: str) -> dict[str, Any]:
    """A `/sla <text>` as API Gateway HTTP API delivers it, signed now with the bench secret."""
    from slack_sdk.signature import SignatureVerifier  # noqa: PLC0415 - imported inside the timed child

    from tests.support.api_gateway import post_event  # noqa: PLC0415

    body = urlencode(
        {
            "team_id": "T0001",
            "channel_id": "C0SONARBIL1",
            "user_id": "U0ALICE0001",
            "command": "/sla",
            "text": text,
            "response_url": "https://hooks.slack.com/commands/T0001/1/bench",
            "trigger_id": f"{time.time_ns()}.bench",
        }
    ).encode()
    stamp = str(int(time.time()))
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body) or "",
    }
    return post_event("/slack/events", body, headers)


class RecordingLambda:
    """Stands in for boto3's Lambda client: an `Event` invocation is queued by Lambda and returns at once."""

    def __init__(self) -> None:
        self.invocations = 0

    def invoke(self, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:
        self.invocations += 1
        return {"StatusCode": 202}


# The interpreter for the cold start. The dev venv also holds aws-sam-cli's awscrt and pyOpenSSL, which botocore
# and urllib3 import when present and Lambda does not have; for a Lambda-like figure, point this at a venv with
# only the layer's and the function's requirements (see the README's performance section).
COLD_PYTHON = os.environ.get("SLAOPS_COLD_PYTHON") or sys.executable


# A fresh interpreter that imports one function's handler module and nothing else.
IMPORT_CHILD = """
import importlib, json, sys, time
began = time.perf_counter()
importlib.import_module(sys.argv[1])
print(json.dumps({"import": time.perf_counter() - began}))
"""


def caches(work: Path) -> dict[str, dict[str, str]]:
    """The environment of each mode: `bytecode` reads a cache every module was compiled into by a first import;
    `source` one holding only the interpreter's standard library, so everything else compiles every time."""
    with_bytecode, stdlib_only = work / "pyc-all", work / "pyc-stdlib"
    env = {**os.environ, **ENV}
    stdlib = subprocess.run(
        [COLD_PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    compile_env = {**env, "PYTHONPYCACHEPREFIX": str(stdlib_only)}
    compile_env.pop("PYTHONDONTWRITEBYTECODE")
    subprocess.run([COLD_PYTHON, "-m", "compileall", "-q", "-x", "test", stdlib], env=compile_env, check=False,
                   capture_output=True)  # fmt: skip
    prime = {**env, "PYTHONPYCACHEPREFIX": str(with_bytecode)}
    prime.pop("PYTHONDONTWRITEBYTECODE")
    for module in FUNCTIONS.values():
        subprocess.run([COLD_PYTHON, "-c", IMPORT_CHILD, module], env=prime, cwd=ROOT, capture_output=True, check=True)
    subprocess.run([COLD_PYTHON, "-c", BOLT_CHILD], env=prime, cwd=ROOT, capture_output=True, check=True)
    return {
        "bytecode": {**env, "PYTHONPYCACHEPREFIX": str(with_bytecode)},
        "source": {**env, "PYTHONPYCACHEPREFIX": str(stdlib_only)},
    }


def cold_import(env: dict[str, str], module: str) -> tuple[float, float]:
    """(seconds the import took, CPU seconds of the whole process) in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [COLD_PYTHON, "-c", IMPORT_CHILD, module], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return float(json.loads(done.stdout.strip().splitlines()[-1])["import"]), cpu


def cold_imports(modes: dict[str, dict[str, str]]) -> None:
    """Each function's cold import with bytecode and from source, interleaved, median of COLD_IMPORT_RUNS."""
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(COLD_IMPORT_RUNS):
        for name, module in FUNCTIONS.items():
            for mode, env in modes.items():
                times.setdefault((name, mode), []).append(cold_import(env, module))

    def median_ms(name: str, mode: str, which: int) -> float:
        return statistics.median(sample[which] for sample in times[(name, mode)]) * 1000

    for name, module in FUNCTIONS.items():
        print(
            f"cold import of the {name} function ({module}), median of {COLD_IMPORT_RUNS}: "
            f"{median_ms(name, 'bytecode', 0):.0f} ms with bytecode, {median_ms(name, 'source', 0):.0f} ms from "
            f"source (process CPU {median_ms(name, 'bytecode', 1):.0f} / {median_ms(name, 'source', 1):.0f} ms), "
            f"load average {os.getloadavg()[0]:.1f}"
        )


def bare_bolt_import(env: dict[str, str]) -> float:
    """Seconds a fresh interpreter takes to import Bolt's Lambda adapter and nothing else."""
    done = subprocess.run(
        [COLD_PYTHON, "-c", BOLT_CHILD], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["import"])


def cold(env: dict[str, str]) -> None:
    totals, cpus, imports, firsts, bolts = [], [], [], [], []
    for run in range(COLD_RUNS):
        if run % 2:  # alternate which goes first, so neither always follows the other
            bolts.append(bare_bolt_import(env))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run(
            [COLD_PYTHON, "-c", COLD_CHILD],
            input=json.dumps(signed_event("help")),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        totals.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        phases = json.loads(done.stdout.strip().splitlines()[-1])
        imports.append(phases["import"])
        firsts.append(phases["first"])
        if not run % 2:
            bolts.append(bare_bolt_import(env))
    print(
        f"cold start, fresh interpreter → `/sla help` answered: {statistics.median(totals) * 1000:.0f} ms median "
        f"of {COLD_RUNS} with {COLD_PYTHON}, with bytecode "
        f"(import {statistics.median(imports) * 1000:.0f} ms, first request "
        f"{statistics.median(firsts) * 1000:.1f} ms; min {min(totals) * 1000:.0f}, max {max(totals) * 1000:.0f}) "
        "— target < 1000 ms"
    )
    print(
        f"  CPU time of that process (user + system, less disturbed by other load on the machine): "
        f"{statistics.median(cpus) * 1000:.0f} ms median, load average {os.getloadavg()[0]:.1f}"
    )
    handler_import, bolt_import = statistics.median(imports), statistics.median(bolts)
    print(
        f"cold import, fresh interpreters interleaved, median of {COLD_RUNS} each: functions.slack.app "
        f"{handler_import * 1000:.0f} ms, bare `from slack_bolt.adapter.aws_lambda import SlackRequestHandler` "
        f"{bolt_import * 1000:.0f} ms: ratio {handler_import / bolt_import:.2f} — target ≤ {IMPORT_RATIO_TARGET}"
    )


def warm() -> None:
    os.environ.update(ENV)
    sys.path[:0] = [str(ROOT / "layers" / "sla_core"), str(ROOT)]
    from functions.slack import app  # noqa: PLC0415 - after the environment is set, as a cold start would
    from local_stack.lambdas import FakeLambdaContext  # noqa: PLC0415

    lambda_client = RecordingLambda()
    app.slack_handler.app.listener_runner.lazy_listener_runner.lambda_client = lambda_client  # type: ignore[attr-defined]
    context = FakeLambdaContext("slaops-bench-slack", 512, 10)
    for text in ("help", "status"):
        events = [signed_event(text) for _ in range(WARM_RUNS + 20)]
        samples = []
        # Powertools prints its EMF metric set every 100 values even with metrics disabled, and then warns that
        # the next flush had nothing to publish: neither is bench output.
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
            for index, event in enumerate(events):
                began = time.perf_counter()
                response = app.handler(event, context)
                elapsed = time.perf_counter() - began
                assert response["statusCode"] == 200, response
                if index >= 20:  # the first few warm the caches
                    samples.append(elapsed)
        samples.sort()
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(
            f"warm ack of `/sla {text}`: {statistics.median(samples) * 1000:.2f} ms median, "
            f"p99 {p99 * 1000:.2f} ms over {WARM_RUNS} — target < 20 ms"
        )
    print(f"lazy invocations handed to Lambda: {lambda_client.invocations} (one per `/sla status`)")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench-slack-pyc-") as work:
        modes = caches(Path(work))
        cold(modes["bytecode"])
        cold_imports(modes)
    warm()
