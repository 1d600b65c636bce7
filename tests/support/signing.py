"""Requests signed the way Slack and PagerDuty sign them, for handler and local stack tests."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

from sla_core.pagerduty.signatures import pagerduty_signature


def slack_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` over the raw bytes, with its timestamp header."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = "v0=" + hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def slash_command_body(
    text: str,
    response_url: str = "https://hooks.slack.com/commands/T0001/1/abc",
    *,
    trigger_id: str = "1234.5678.abcd",
    user_id: str = "U0ALICE0001",
) -> bytes:
    """A `/sla` slash command as Slack posts it (form encoded); each real command has its own trigger id."""
    fields = {
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C0SLAOPS000",
        "channel_name": "slaops",
        "user_id": user_id,
        "user_name": "alice",
        "command": "/sla",
        "text": text,
        "api_app_id": "A0SLAOPS01",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields).encode("utf-8")


def pagerduty_headers(body: bytes, *secrets: str) -> dict[str, str]:
    """PagerDuty's X-PagerDuty-Signature (one `v1=` value per secret) and delivery headers."""
    return {
        "content-type": "application/json",
        "x-pagerduty-signature": ",".join(pagerduty_signature(body, secret) for secret in secrets),
        "x-webhook-id": "5ac64822-3561-4db6-9b9b-0a6fd7b0e8c1",
    }
