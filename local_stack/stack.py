"""The local stack in one process: DynamoDB Local with the template's tables, the template's HTTP routes
served by the real handlers, and its schedules fired every period, all read from template.yaml."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from local_stack.dynamodb import DynamoDBLocal, LocalStackError, create_tables, port_free
from local_stack.gateway import TICK_PATH, Gateway
from local_stack.lambdas import LocalFunction, LocalLambdaClient, wire_lazy_listeners
from local_stack.scheduler import Scheduler, render_input, scheduled_time_text
from local_stack.template import Schedule, Template, load_template, resolve_environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_API_PORT = 3000
DEFAULT_DYNAMODB_PORT = 8000
ENV_FILE = ".env.local"
# Development secrets used when none is given, so signed requests can be made by hand (README).
LOCAL_SECRET_DEFAULTS = {
    "SLACK_SIGNING_SECRET": "local-slack-signing-secret",
    "PAGERDUTY_WEBHOOK_SECRET": "local-pagerduty-webhook-secret",
}
# Locally: no X-Ray daemon, and EMF metric blobs would drown the terminal (set these to override).
LOCAL_RUNTIME_DEFAULTS = {
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv-style file (comments, blank lines and `export ` prefixes allowed)."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key, value = stripped.removeprefix("export ").split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def local_environment(template: Template, table_names: Mapping[str, str], endpoint: str) -> dict[str, str]:
    """Every function's environment from the template, resolved for this machine, plus local settings.

    All functions share one process here, so their variables must agree; they do in template.yaml. Empty
    values (the template's local-only placeholders) are left out, so they never hide this machine's settings.
    """
    merged: dict[str, str] = {}
    for spec in template.functions.values():
        for key, value in resolve_environment(template, spec, table_names).items():
            if value == "":
                continue
            if merged.get(key, value) != value:
                raise LocalStackError(f"{spec.logical_id} sets {key}={value!r}, another function {merged[key]!r}")
            merged[key] = value
    merged.update({"SLAOPS_LOCAL": "1", "DYNAMODB_ENDPOINT": endpoint})
    return merged


def workspaces_text() -> str:
    """Which Slack workspaces the local Slack function lets in (SLACK_TEAM_IDS / SLACK_ENTERPRISE_IDS)."""
    from sla_core.config.settings import slack_workspaces  # noqa: PLC0415 - the layer is on sys.path by now

    found = slack_workspaces()
    if found.any:
        return "any (SLACK_TEAM_IDS and SLACK_ENTERPRISE_IDS unset; in AWS the SlackTeamIds parameter is required)"
    return "only " + ", ".join(sorted(found.team_ids | found.enterprise_ids))


class LocalStack:
    """Start with start(), stop with stop(); stop() always leaves no java process behind."""

    def __init__(
        self,
        *,
        root: Path = ROOT,
        api_port: int = DEFAULT_API_PORT,
        dynamodb_port: int = DEFAULT_DYNAMODB_PORT,
        out: TextIO = sys.stdout,
    ) -> None:
        self.root = root
        self.api_port = api_port
        self.out = out
        self.template = load_template(root / "template.yaml")
        self.dynamodb = DynamoDBLocal(root, dynamodb_port, workdir=root / ".local")
        self.functions: dict[str, LocalFunction] = {}
        self.gateway: Gateway | None = None
        self.scheduler: Scheduler | None = None
        self.lambda_client: LocalLambdaClient | None = None
        self.started_in_s = 0.0
        for path in [root, *self.template.built_layers()]:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))

    def start(self) -> None:
        """Start everything or nothing: on any failure what was started is stopped again."""
        started = time.monotonic()
        if not port_free(self.api_port):
            raise LocalStackError(
                f"port {self.api_port} is already in use: stop what holds it or set LOCAL_API_PORT to another port"
            )
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.started_in_s = time.monotonic() - started
        self._banner()

    def _start(self) -> None:
        self.dynamodb.start()
        table_names = {logical_id: logical_id for logical_id in self.template.tables()}
        create_tables(self.dynamodb.client(), self.template.tables(), table_names)
        for key, value in {**LOCAL_SECRET_DEFAULTS, **LOCAL_RUNTIME_DEFAULTS}.items():
            os.environ.setdefault(key, value)
        os.environ.update(local_environment(self.template, table_names, self.dynamodb.endpoint))
        from sla_core.storage import models  # noqa: PLC0415 - only once the environment is set

        models.configure()
        self.functions = {logical_id: LocalFunction(spec) for logical_id, spec in self.template.functions.items()}
        self.lambda_client = LocalLambdaClient(self.functions.values(), errors=self.out)
        for function in self.functions.values():
            wire_lazy_listeners(function, self.lambda_client)
        routes = {route: self.functions[route.function] for route in self.template.routes}
        self.gateway = Gateway(self.api_port, routes, self.tick, self.out)
        self.gateway.start()
        self.scheduler = Scheduler(self.template.schedules, self._fire, now=lambda: datetime.now(UTC))
        self.scheduler.start()

    def tick(self, at: datetime | None = None) -> dict[str, Any]:
        """Run every scheduled function once, as the tick scheduled at `at` (default: this minute)."""
        when = at or datetime.now(UTC).replace(second=0, microsecond=0)
        results = {schedule.function: self._fire(schedule, when) for schedule in self.template.schedules}
        return {"scheduled_time": scheduled_time_text(when), "results": results}

    def _fire(self, schedule: Schedule, at: datetime) -> Any:
        started = time.monotonic()
        try:
            result = self.functions[schedule.function].invoke(render_input(schedule, at))
        except Exception as error:
            print(f"[local] schedule {schedule.event_name} -> {schedule.function} failed: {error!r}", file=self.out)
            raise
        elapsed = (time.monotonic() - started) * 1000
        print(
            f"[local] schedule {schedule.event_name} {scheduled_time_text(at)} -> {schedule.function} "
            f"in {elapsed:.0f} ms: {result}",
            file=self.out,
            flush=True,
        )
        return result

    def stop(self) -> None:
        """Stop the schedules, the HTTP server, pending lazy invocations and DynamoDB Local, in that order."""
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        if self.lambda_client is not None:
            self.lambda_client.wait(timeout=5)
        self.dynamodb.stop()

    def _banner(self) -> None:
        api = f"http://127.0.0.1:{self.api_port}"
        lines = [f"slaops local stack ready in {self.started_in_s:.1f} s"]
        lines.extend(f"  {route.method:<5} {api}{route.path:<24} -> {route.function}" for route in self.template.routes)
        for schedule in self.template.schedules:
            lines.append(f"  {schedule.expression} -> {schedule.function}")
        lines.append(f"  POST  {api}{TICK_PATH}?at=2026-03-09T14:15:00Z  runs the schedules at that instant")
        tables = ", ".join(self.template.tables())
        lines.append(
            f"  DynamoDB Local {self.dynamodb.endpoint} (pid {self.dynamodb.pid}, in memory; tables: {tables})"
        )
        if not os.environ.get("SLACK_BOT_TOKEN"):
            lines.append(
                f"  Slack outbox {os.environ.get('SLACK_OUTBOX') or '.local/slack-outbox.jsonl'} (no SLACK_BOT_TOKEN)"
            )
        lines.append(f"  Slack workspaces: {workspaces_text()}")
        lines.append("Ctrl-C to stop.")
        print("\n".join(lines), file=self.out, flush=True)
