"""Slack's signature checked over the raw bytes before Bolt parses anything: Bolt's Lambda adapter decodes the
body (form fields, `payload=` JSON) first, so unsigned garbage would otherwise reach its parser and come back
as a 500 with a traceback. Unsigned or stale requests are answered 401 here, nothing parsed. Then the
workspace: a signed request from a team or Enterprise Grid organization the app is not installed in is refused
before any listener (ack or lazy) runs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from typing import Any

from slack_bolt.request import BoltRequest

from sla_core.config.settings import Workspaces

MAX_AGE_SECONDS = 5 * 60  # Slack's own rule: older (or later) timestamps are replays
UNSIGNED = {"statusCode": 401, "headers": {"content-type": "text/plain"}, "body": "invalid request signature"}
FOREIGN = {
    "statusCode": 200,
    "headers": {"content-type": "text/plain"},
    "body": "Sorry, slaops serves only the Slack workspace it is installed in, not this one. Nothing was done.",
}
UNREADABLE = (
    "Sorry, slaops could not read that request (it is logged, nothing was recorded). `/sla help` lists what works."
)


def raw_body(event: Mapping[str, Any]) -> bytes | None:
    """The request body as its sender signed it (API Gateway base64-encodes what is not text); None if undecodable.
    The PagerDuty function reads its body with this too."""
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(body).encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(str(body), validate=True)
    except (binascii.Error, ValueError):
        return None


def signed_by_slack(event: Mapping[str, Any], secret: str, *, now: float | None = None) -> bool:
    """Whether the event carries Slack's valid `v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}`, with a timestamp
    within 5 minutes of `now`. Computed over the bytes themselves (slack_sdk's verifier decodes them as UTF-8
    first, which raises on a body that is not), compared in constant time."""
    body = raw_body(event)
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    timestamp, signature = headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
    # ASCII digits only: str.isdigit() also takes "²" (which int() refuses) and other scripts' digits.
    if body is None or not (timestamp.isascii() and timestamp.isdigit()) or not signature.isascii():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = hmac.new(secret.encode("utf-8"), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return hmac.compare_digest(b"v0=" + expected.hexdigest().encode(), signature.encode("ascii"))


def unreadable_answer() -> dict[str, Any]:
    """A signed request Bolt could not handle: 200 with a message the user sees, never a 5xx or a traceback."""
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": UNREADABLE}


def foreign_workspace(event: Mapping[str, Any], workspaces: Workspaces) -> bool:
    """Whether a signed request comes from a team (and enterprise) `workspaces` does not admit. Slack's URL
    verification and SSL check carry no team and are let through; any other request without one is foreign.
    A body Bolt cannot parse is left to the handler (which answers it as unreadable)."""
    if workspaces.any:
        return False
    try:
        headers: dict[str, str | Sequence[str]] = {str(k): str(v) for k, v in (event.get("headers") or {}).items()}
        request = BoltRequest(body=(raw_body(event) or b"").decode("utf-8"), headers=headers)
    except ValueError:  # UnicodeDecodeError and json.JSONDecodeError are ValueErrors
        return False
    if request.body.get("type") == "url_verification" or request.body.get("ssl_check") == "1":
        return False
    return not workspaces.admits(request.context.team_id, request.context.enterprise_id)
