"""Every message the suite posts, checked against Slack's own Block Kit models (slack_sdk's validation), so
no message can exceed a limit unnoticed: section 3,000, header 150, button value 2,000, 50 blocks in a
message, 100 in a Home view, 40,000 characters of message text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS = 50
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "response_url"})
VIEW_METHODS = frozenset({"views.publish", "views.open"})


def problems(method: str, call: Mapping[str, Any]) -> list[str]:
    """What in one Slack call (its method and arguments, as posted or recorded) breaks Block Kit's rules."""
    found: list[str] = []
    if method in MESSAGE_METHODS:
        text = call.get("text") or ""
        if len(text) > MESSAGE_TEXT:
            found.append(f"{method}: text of {len(text)} characters")
        blocks = call.get("blocks") or []
        if len(blocks) > MESSAGE_BLOCKS:
            found.append(f"{method}: {len(blocks)} blocks")
        for block in blocks:
            try:
                parsed = Block.parse(block)
                if parsed is None:
                    found.append(f"{method}: unknown block {block.get('type')!r}")
                else:
                    parsed.validate_json()
            except SlackObjectFormationError as error:
                found.append(f"{method}: {error}")
    if method in VIEW_METHODS:
        try:
            View(**dict(call["view"])).validate_json()
        except (SlackObjectFormationError, KeyError, TypeError) as error:
            found.append(f"{method}: {error}")
    return found


def outbox_problems(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """The problems of every call an outbox recorded."""
    return [problem for entry in entries for problem in problems(str(entry["method"]), entry)]


def check_outbox(path: Path) -> None:
    """Fail with every Block Kit problem of the calls recorded in an outbox file."""
    import json

    if not path.exists():
        return
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = outbox_problems(entries)
    assert not found, "messages outside Block Kit's limits:\n" + "\n".join(found[:20])
