"""Secrets and deployment settings: SSM Parameter Store in AWS, plain environment variables locally.

In AWS each secret's environment variable holds only the *name* of an SSM SecureString parameter
(`SLACK_SIGNING_SECRET_PARAM`, ...); the value is fetched at run time, decrypted, and cached for five
minutes by Powertools Parameters. With `SLAOPS_LOCAL=1` (the local stack and the tests set it) the values
come straight from `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN` and `PAGERDUTY_WEBHOOK_SECRET`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

LOCAL_ENV = "SLAOPS_LOCAL"
SECRET_MAX_AGE_SECONDS = 300
DEFAULT_REGION = "us-east-1"
DEFAULT_OUTBOX = ".local/slack-outbox.jsonl"
DEFAULT_CONTRACTS_FILE = "config/contracts.toml"
# Bolt refuses to start without a token; locally, with no bot token, outbound calls go to the outbox instead.
LOCAL_PLACEHOLDER_BOT_TOKEN = "xoxb-local-outbox"  # noqa: S105 - a placeholder, not a credential


class SettingsError(RuntimeError):
    """A setting or secret is missing: the message names the variable to set."""


# The settings' values are named tuples: the Slack ack path imports this module, and a frozen dataclass costs
# five times as long to define, on every cold start.
class Secret(NamedTuple):
    """One secret: the variable holding its value locally, and the one holding its SSM name in AWS."""

    env: str
    param_env: str


SLACK_SIGNING_SECRET = Secret("SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET_PARAM")
SLACK_BOT_TOKEN = Secret("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_PARAM")
PAGERDUTY_WEBHOOK_SECRET = Secret("PAGERDUTY_WEBHOOK_SECRET", "PAGERDUTY_WEBHOOK_SECRET_PARAM")
PAGERDUTY_API_TOKEN = Secret("PAGERDUTY_API_TOKEN", "PAGERDUTY_API_TOKEN_PARAM")
DEFAULT_PAGERDUTY_API_URL = "https://api.pagerduty.com"
# `make run`'s DynamoDB Local: its port, and the table name the local stack gives the template's table (its
# logical id in template.yaml).
LOCAL_DYNAMODB_PORT_ENV = "LOCAL_DYNAMODB_PORT"
DEFAULT_LOCAL_DYNAMODB_PORT = 8000
LOCAL_TABLE_NAME = "SlaOpsTable"


def is_local() -> bool:
    """True when running on a developer machine or in tests (`SLAOPS_LOCAL=1`), not in Lambda."""
    return os.environ.get(LOCAL_ENV) == "1"


def read_secret(secret: Secret) -> str | None:
    """The secret's value, or None when it is not configured locally."""
    if is_local():
        return os.environ.get(secret.env) or None
    name = os.environ.get(secret.param_env)
    if not name:
        raise SettingsError(
            f"{secret.param_env} is not set: it must hold the SSM parameter name of {secret.env} "
            f"(or set {LOCAL_ENV}=1 and {secret.env} to run locally)"
        )
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - only needed in AWS

    value = parameters.get_parameter(name, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS)
    return value or None


def require_secret(secret: Secret) -> str:
    """The secret's value; a missing one is an error that names the variable."""
    value = read_secret(secret)
    if value is None:
        where = secret.env if is_local() else f"the SSM parameter named by {secret.param_env}"
        raise SettingsError(f"{secret.env} is empty: set {where}")
    return value


def slack_signing_secret() -> str:
    """The Slack app's signing secret (Bolt verifies every request with it)."""
    return require_secret(SLACK_SIGNING_SECRET)


def slack_bot_token() -> str | None:
    """The bot token; None locally when unset, which sends outbound Slack calls to the outbox."""
    if is_local():
        return read_secret(SLACK_BOT_TOKEN)
    return require_secret(SLACK_BOT_TOKEN)


def bolt_token() -> str:
    """The token Bolt authorizes requests with: the bot token, or a placeholder locally without one."""
    return slack_bot_token() or LOCAL_PLACEHOLDER_BOT_TOKEN


def pagerduty_webhook_secrets() -> tuple[str, ...]:
    """Every active PagerDuty webhook secret (comma or newline separated while one is rotated)."""
    raw = require_secret(PAGERDUTY_WEBHOOK_SECRET)
    secrets = tuple(part for part in re.split(r"[,\s]+", raw) if part)
    if not secrets:
        raise SettingsError(f"{PAGERDUTY_WEBHOOK_SECRET.env} holds no secret")
    return secrets


def pagerduty_api_token() -> str:
    """The read-only PagerDuty REST API key the backfill reads history with: `PAGERDUTY_API_TOKEN` when set
    (a developer's shell, the local stack), else in AWS the SSM SecureString named by `PAGERDUTY_API_TOKEN_PARAM`."""
    value = os.environ.get(PAGERDUTY_API_TOKEN.env, "").strip()
    if value:
        return value
    if is_local():
        raise SettingsError(f"{PAGERDUTY_API_TOKEN.env} is not set: give a read-only PagerDuty REST API key")
    return require_secret(PAGERDUTY_API_TOKEN)


def pagerduty_api_url() -> str:
    """PagerDuty's REST API base URL (`PAGERDUTY_API_URL`, default https://api.pagerduty.com; EU accounts use
    https://api.eu.pagerduty.com)."""
    url = (os.environ.get("PAGERDUTY_API_URL") or DEFAULT_PAGERDUTY_API_URL).strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", url):
        raise SettingsError(f"PAGERDUTY_API_URL={url!r} is not an http(s) URL, e.g. {DEFAULT_PAGERDUTY_API_URL}")
    return url


def local_dynamodb_endpoint() -> str:
    """The local stack's DynamoDB Local (`DYNAMODB_ENDPOINT` if set, else port `LOCAL_DYNAMODB_PORT`, default 8000)."""
    explicit = os.environ.get("DYNAMODB_ENDPOINT", "").strip()
    if explicit:
        return explicit
    raw = os.environ.get(LOCAL_DYNAMODB_PORT_ENV, "").strip() or str(DEFAULT_LOCAL_DYNAMODB_PORT)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{LOCAL_DYNAMODB_PORT_ENV}={raw!r} is not a port number")
    return f"http://127.0.0.1:{int(raw)}"


def region() -> str:
    """The AWS region (Lambda sets AWS_REGION; PynamoDB 6 has no default, so fall back explicitly)."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def outbox_path() -> Path:
    """Where the local Slack outbox is appended (`SLACK_OUTBOX`, default .local/slack-outbox.jsonl)."""
    return Path(os.environ.get("SLACK_OUTBOX") or DEFAULT_OUTBOX)


def contracts_file() -> Path:
    """The contracts configuration (`CONTRACTS_FILE`; /opt/contracts.toml in Lambda, from its config layer)."""
    return Path(os.environ.get("CONTRACTS_FILE") or DEFAULT_CONTRACTS_FILE)


# -- DynamoDB client timeouts (storage/models.py puts them on every model's Meta) ------------------------
DYNAMODB_CONNECT_TIMEOUT_ENV = "DYNAMODB_CONNECT_TIMEOUT_SECONDS"
DYNAMODB_READ_TIMEOUT_ENV = "DYNAMODB_READ_TIMEOUT_SECONDS"
DYNAMODB_MAX_RETRY_ATTEMPTS_ENV = "DYNAMODB_MAX_RETRY_ATTEMPTS"
DEFAULT_DYNAMODB_CONNECT_TIMEOUT_SECONDS = 0.5
DEFAULT_DYNAMODB_READ_TIMEOUT_SECONDS = 1.0
DEFAULT_DYNAMODB_MAX_RETRY_ATTEMPTS = 1


def _seconds(env: str, default: float) -> float:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 60:  # also refuses nan and inf
        raise SettingsError(f"{env}={raw!r} is not a number of seconds between 0 and 60")
    return value


def dynamodb_connect_timeout_seconds(default: float | None = None) -> float:
    """How long one DynamoDB connection attempt may take (`DYNAMODB_CONNECT_TIMEOUT_SECONDS`, default 0.5)."""
    return _seconds(
        DYNAMODB_CONNECT_TIMEOUT_ENV, DEFAULT_DYNAMODB_CONNECT_TIMEOUT_SECONDS if default is None else default
    )


def dynamodb_read_timeout_seconds(default: float | None = None) -> float:
    """How long DynamoDB may stay silent on a sent request (`DYNAMODB_READ_TIMEOUT_SECONDS`, default 1.0)."""
    fallback = DEFAULT_DYNAMODB_READ_TIMEOUT_SECONDS if default is None else default
    return _seconds(DYNAMODB_READ_TIMEOUT_ENV, fallback)


def dynamodb_max_retry_attempts(default: int | None = None) -> int:
    """Retries after a failed DynamoDB request (`DYNAMODB_MAX_RETRY_ATTEMPTS`, default 1: two attempts in all)."""
    raw = os.environ.get(DYNAMODB_MAX_RETRY_ATTEMPTS_ENV, "").strip()
    if not raw:
        return DEFAULT_DYNAMODB_MAX_RETRY_ATTEMPTS if default is None else default
    if not raw.isdigit() or int(raw) > 10:
        raise SettingsError(f"{DYNAMODB_MAX_RETRY_ATTEMPTS_ENV}={raw!r} is not a whole number from 0 to 10")
    return int(raw)


# -- which Slack workspaces may use the app (functions/slack/app.py refuses every other) -----------------
SLACK_TEAM_IDS_ENV = "SLACK_TEAM_IDS"
SLACK_ENTERPRISE_IDS_ENV = "SLACK_ENTERPRISE_IDS"
_TEAM_ID = re.compile(r"^T[A-Z0-9]{2,20}$")
_ENTERPRISE_ID = re.compile(r"^E[A-Z0-9]{2,20}$")


class Workspaces(NamedTuple):
    """The Slack workspaces (team ids) and Enterprise Grid organizations (enterprise ids) the app is installed
    in. Both empty: any workspace (only locally; `slack_workspaces()` refuses that in AWS)."""

    team_ids: frozenset[str]
    enterprise_ids: frozenset[str]

    @property
    def any(self) -> bool:
        return not self.team_ids and not self.enterprise_ids

    def admits(self, team_id: str | None, enterprise_id: str | None) -> bool:
        """Whether a request from this team (of this enterprise, on Grid) may be served."""
        if self.any:
            return True
        return (team_id or "") in self.team_ids or (enterprise_id or "") in self.enterprise_ids


def _ids(env: str, pattern: re.Pattern[str], example: str) -> frozenset[str]:
    raw = os.environ.get(env, "")
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    for slack_id in ids:
        if not pattern.match(slack_id):
            raise SettingsError(f"{env}: {slack_id!r} is not a Slack id such as {example} (comma-separated ids)")
    return frozenset(ids)


def slack_workspaces() -> Workspaces:
    """`SLACK_TEAM_IDS` (T... ids) and `SLACK_ENTERPRISE_IDS` (E... ids), comma-separated. In AWS at least one
    must be set (the template's SlackTeamIds parameter is required); locally, unset means any workspace."""
    found = Workspaces(
        _ids(SLACK_TEAM_IDS_ENV, _TEAM_ID, "T0123ABCD"), _ids(SLACK_ENTERPRISE_IDS_ENV, _ENTERPRISE_ID, "E0123ABCD")
    )
    if found.any and not is_local():
        raise SettingsError(f"{SLACK_TEAM_IDS_ENV} is not set: the Slack team id(s) the app is installed in")
    return found


# -- Slack Web API: how long a call may take, and the sweep's posting rates (README, Settings) -------------
SLACK_HTTP_TIMEOUT_ENV = "SLACK_HTTP_TIMEOUT_SECONDS"
SLACK_CHANNEL_POST_INTERVAL_ENV = "SLACK_CHANNEL_POST_INTERVAL_SECONDS"
SLACK_POSTS_PER_MINUTE_ENV = "SLACK_POSTS_PER_MINUTE"
DEFAULT_SLACK_HTTP_TIMEOUT_SECONDS = 3.0
DEFAULT_SLACK_CHANNEL_POST_INTERVAL_SECONDS = 1.0
DEFAULT_SLACK_POSTS_PER_MINUTE = 250


def slack_http_timeout_seconds() -> float:
    """How long one Slack Web API request may take before it is given up as uncertain
    (`SLACK_HTTP_TIMEOUT_SECONDS`, default 3: within the PagerDuty function's 5 s)."""
    return _seconds(SLACK_HTTP_TIMEOUT_ENV, DEFAULT_SLACK_HTTP_TIMEOUT_SECONDS)


def slack_channel_post_interval_seconds() -> float:
    """The sweep's least gap between two posts to one channel (`SLACK_CHANNEL_POST_INTERVAL_SECONDS`, default 1:
    Slack allows about one message a second per channel)."""
    return _seconds(SLACK_CHANNEL_POST_INTERVAL_ENV, DEFAULT_SLACK_CHANNEL_POST_INTERVAL_SECONDS)


def slack_posts_per_minute() -> int:
    """The sweep's workspace budget (`SLACK_POSTS_PER_MINUTE`, default 250): Slack limits an app to several
    hundred messages a minute per workspace, and cards and replies from the other functions share it."""
    return _whole(SLACK_POSTS_PER_MINUTE_ENV, DEFAULT_SLACK_POSTS_PER_MINUTE, 6000)


# -- how often `/sla open` may be used (slack/incidents/flows.py; README "Limits") --------------------------
OPEN_LIMIT_PER_USER_ENV = "OPEN_LIMIT_PER_USER"
OPEN_LIMIT_PER_CHANNEL_ENV = "OPEN_LIMIT_PER_CHANNEL"
OPEN_LIMIT_WINDOW_MINUTES_ENV = "OPEN_LIMIT_WINDOW_MINUTES"
DEFAULT_OPEN_LIMIT_PER_USER = 10
DEFAULT_OPEN_LIMIT_PER_CHANNEL = 30
DEFAULT_OPEN_LIMIT_WINDOW_MINUTES = 10


class OpenLimits(NamedTuple):
    """At most `per_user` incidents opened by one user, and `per_channel` from one channel, per window."""

    per_user: int
    per_channel: int
    window_minutes: int


def _whole(env: str, default: int, most: int) -> int:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= most:
        raise SettingsError(f"{env}={raw!r} is not a whole number from 1 to {most}")
    return int(raw)


def open_limits() -> OpenLimits:
    """`OPEN_LIMIT_PER_USER` (default 10), `OPEN_LIMIT_PER_CHANNEL` (default 30) opens per
    `OPEN_LIMIT_WINDOW_MINUTES` (default 10, a fixed window)."""
    return OpenLimits(
        _whole(OPEN_LIMIT_PER_USER_ENV, DEFAULT_OPEN_LIMIT_PER_USER, 10_000),
        _whole(OPEN_LIMIT_PER_CHANNEL_ENV, DEFAULT_OPEN_LIMIT_PER_CHANNEL, 10_000),
        _whole(OPEN_LIMIT_WINDOW_MINUTES_ENV, DEFAULT_OPEN_LIMIT_WINDOW_MINUTES, 24 * 60),
    )


# -- How far back a recorded instant may lie (app/event_bounds.py) ------------------------------------------
LOOKBACK_DAYS_ENV = "SLAOPS_LOOKBACK_DAYS"
RECORD_FROM_ENV = "SLAOPS_RECORD_FROM"
DEFAULT_LOOKBACK_DAYS = 92


def lookback_days() -> int:
    """How many days before now an incident event or downtime may be dated (`SLAOPS_LOOKBACK_DAYS`, default 92:
    a quarter, so a late record or correction still reaches the last quarter's figures)."""
    return _whole(LOOKBACK_DAYS_ENV, DEFAULT_LOOKBACK_DAYS, 3660)


def record_from() -> date | None:
    """A fixed first day instead of the look-back (`SLAOPS_RECORD_FROM`, an ISO date), for replaying history;
    None when unset."""
    raw = os.environ.get(RECORD_FROM_ENV, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SettingsError(f"{RECORD_FROM_ENV}={raw!r} is not a date such as 2026-01-01") from None
