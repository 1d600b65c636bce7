"""Secrets and deployment settings: SSM Parameter Store in AWS, plain environment variables locally.

In AWS each secret's environment variable holds only the *name* of an SSM SecureString parameter
(`SLACK_SIGNING_SECRET_PARAM`, ...); the value is fetched at run time, decrypted, and cached for five
minutes by Powertools Parameters. With `SLAOPS_LOCAL=1` (the local stack and the tests set it) the values
come straight from `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN` and `PAGERDUTY_WEBHOOK_SECRET`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LOCAL_ENV = "SLAOPS_LOCAL"
SECRET_MAX_AGE_SECONDS = 300
DEFAULT_REGION = "us-east-1"
DEFAULT_OUTBOX = ".local/slack-outbox.jsonl"
DEFAULT_CONTRACTS_FILE = "config/contracts.toml"
# Bolt refuses to start without a token; locally, with no bot token, outbound calls go to the outbox instead.
LOCAL_PLACEHOLDER_BOT_TOKEN = "xoxb-local-outbox"  # noqa: S105 - a placeholder, not a credential


class SettingsError(RuntimeError):
    """A setting or secret is missing: the message names the variable to set."""


@dataclass(frozen=True)
class Secret:
    """One secret: the variable holding its value locally, and the one holding its SSM name in AWS."""

    env: str
    param_env: str


SLACK_SIGNING_SECRET = Secret("SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET_PARAM")
SLACK_BOT_TOKEN = Secret("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_PARAM")
PAGERDUTY_WEBHOOK_SECRET = Secret("PAGERDUTY_WEBHOOK_SECRET", "PAGERDUTY_WEBHOOK_SECRET_PARAM")


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


def dynamodb_connect_timeout_seconds() -> float:
    """How long one DynamoDB connection attempt may take (`DYNAMODB_CONNECT_TIMEOUT_SECONDS`, default 0.5)."""
    return _seconds(DYNAMODB_CONNECT_TIMEOUT_ENV, DEFAULT_DYNAMODB_CONNECT_TIMEOUT_SECONDS)


def dynamodb_read_timeout_seconds() -> float:
    """How long DynamoDB may stay silent on a sent request (`DYNAMODB_READ_TIMEOUT_SECONDS`, default 1.0)."""
    return _seconds(DYNAMODB_READ_TIMEOUT_ENV, DEFAULT_DYNAMODB_READ_TIMEOUT_SECONDS)


def dynamodb_max_retry_attempts() -> int:
    """Retries after a failed DynamoDB request (`DYNAMODB_MAX_RETRY_ATTEMPTS`, default 1: two attempts in all)."""
    raw = os.environ.get(DYNAMODB_MAX_RETRY_ATTEMPTS_ENV, "").strip()
    if not raw:
        return DEFAULT_DYNAMODB_MAX_RETRY_ATTEMPTS
    if not raw.isdigit() or int(raw) > 10:
        raise SettingsError(f"{DYNAMODB_MAX_RETRY_ATTEMPTS_ENV}={raw!r} is not a whole number from 0 to 10")
    return int(raw)


# -- How far back a recorded instant may lie (app/event_bounds.py) ------------------------------------------
LOOKBACK_DAYS_ENV = "SLAOPS_LOOKBACK_DAYS"
RECORD_FROM_ENV = "SLAOPS_RECORD_FROM"
DEFAULT_LOOKBACK_DAYS = 92


def lookback_days() -> int:
    """How many days before now an incident event or downtime may be dated (`SLAOPS_LOOKBACK_DAYS`, default 92:
    a quarter, so a late record or correction still reaches the last quarter's figures)."""
    raw = os.environ.get(LOOKBACK_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_LOOKBACK_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= 3660:
        raise SettingsError(f"{LOOKBACK_DAYS_ENV}={raw!r} is not a whole number of days from 1 to 3660")
    return int(raw)


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
