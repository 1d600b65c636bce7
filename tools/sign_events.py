"""Re-signs the sample API events in events/ for `sam local invoke -e`, so the handlers answer instead of 401.

Run by `make events`. Each API Gateway HTTP API (payload 2.0) event is signed over its raw body (base64
decoded when `isBase64Encoded`) the way the sender signs it:
- `POST /slack/events`: `x-slack-signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">` with a fresh
  `x-slack-request-timestamp` (Bolt refuses one over five minutes old, so re-sign right before invoking);
- `POST /pagerduty/webhook`: `x-pagerduty-signature: v1=<hex HMAC-SHA256 of the body>`, one value per secret.
The secrets are the local stack's: the environment, then `.env.local`, then the development defaults.
Other files (the schedule's input, env.json) are left as they are.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

from local_stack.stack import ENV_FILE, LOCAL_SECRET_DEFAULTS, ROOT, read_env_file
from sla_core.pagerduty.signatures import SIGNATURE_HEADER, pagerduty_signature

EVENTS = ROOT / "events"
SLACK_ROUTE = "POST /slack/events"
PAGERDUTY_ROUTE = "POST /pagerduty/webhook"
SLACK_SIGNATURE_HEADER = "x-slack-signature"
SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp"
NOT_EVENTS = {"env.json"}
DESCRIPTION = "Re-sign the Slack and PagerDuty sample events with the local secrets and a fresh timestamp."


@dataclass(frozen=True)
class Secrets:
    """The Slack signing secret and the PagerDuty webhook secrets (several while one is rotated)."""

    slack: str
    pagerduty: tuple[str, ...]


def local_secrets(environ: Mapping[str, str] | None = None, root: Path = ROOT) -> Secrets:
    """The secrets the local stack would use: environment first, then `.env.local`, then the defaults."""
    env = os.environ if environ is None else environ
    from_file = read_env_file(root / ENV_FILE)

    def value(key: str) -> str:
        return env.get(key) or from_file.get(key) or LOCAL_SECRET_DEFAULTS[key]

    # Split like sla_core.config.settings.pagerduty_webhook_secrets does.
    pagerduty = tuple(part for part in re.split(r"[,\s]+", value("PAGERDUTY_WEBHOOK_SECRET")) if part)
    return Secrets(slack=value("SLACK_SIGNING_SECRET"), pagerduty=pagerduty)


def raw_body(event: Mapping[str, Any]) -> bytes:
    """The bytes the sender signed: the body as API Gateway received it."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8")


def sign_event(event: dict[str, Any], secrets: Secrets, timestamp: int) -> str | None:
    """Sign one event in place; returns the route it was signed for, or None when it is not an API event."""
    route = event.get("routeKey")
    if route not in (SLACK_ROUTE, PAGERDUTY_ROUTE):
        return None
    body = raw_body(event)
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    if route == SLACK_ROUTE:
        stamp = str(timestamp)
        signature = SignatureVerifier(secrets.slack).generate_signature(timestamp=stamp, body=body)
        assert signature is not None  # only None without a timestamp
        headers[SLACK_TIMESTAMP_HEADER] = stamp
        headers[SLACK_SIGNATURE_HEADER] = signature
    else:
        headers[SIGNATURE_HEADER] = ",".join(pagerduty_signature(body, secret) for secret in secrets.pagerduty)
    headers["content-length"] = str(len(body))
    event["headers"] = headers
    context = event.get("requestContext")
    if isinstance(context, dict):
        context["time"] = datetime.fromtimestamp(timestamp, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
        context["timeEpoch"] = timestamp * 1000
    return str(route)


def dump(event: Mapping[str, Any]) -> str:
    """The events' file format (two-space JSON, trailing newline), so a re-sign changes only what it signs."""
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def sign_events(directory: Path, secrets: Secrets, timestamp: int) -> list[tuple[Path, str]]:
    """Re-sign every API event in `directory`; returns each file signed and its route."""
    signed: list[tuple[Path, str]] = []
    for path in sorted(directory.glob("*.json")):
        if path.name in NOT_EVENTS:
            continue
        event = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(event, dict):
            continue
        route = sign_event(event, secrets, timestamp)
        if route is not None:
            path.write_text(dump(event), encoding="utf-8")
            signed.append((path, route))
    return signed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.sign_events", description=DESCRIPTION)
    parser.add_argument("--dir", type=Path, default=EVENTS, help="the events folder (default: events/)")
    parser.add_argument("--timestamp", type=int, default=None, help="Unix time to sign with (default: now)")
    args = parser.parse_args(argv)
    timestamp = int(time.time()) if args.timestamp is None else args.timestamp
    signed = sign_events(args.dir, local_secrets(), timestamp)
    if not signed:
        print(f"no API events in {args.dir}", file=sys.stderr)
        return 1
    for path, route in signed:
        print(f"signed {path.name} ({route}) at {timestamp}")
    print("Slack refuses timestamps over 5 minutes old: invoke soon, or run `make events` again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
