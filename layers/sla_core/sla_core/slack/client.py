"""Talking to Slack: one `Transport` interface with two implementations, the Web API with a bot token
and a local JSONL outbox without one, behind `SlackPoster`.

Retries at the HTTP level (`retry_handlers`) never repeat what could show twice: a post (chat.postMessage, files.*,
a response_url reply) whose connection dropped or timed out may have reached Slack, so it is not re-sent here;
the caller treats it as uncertain and looks it up by its metadata before posting again. A 429 is retried only
when its Retry-After and the retried call fit in the time the function has left (`config.time_budget`); the
sweep retries none (it holds the channel instead).

Every outbound Slack call the product makes goes through `SlackPoster`: chat.postMessage, chat.update,
replies to a slash command's `response_url`, views.publish (App Home) and views.open, file uploads
(files.uploadV2: the CSV reports), and the lookups (users.info, usergroups.users.list,
conversations.history/replies). Locally, with no `SLACK_BOT_TOKEN`, each
call is appended as one JSON line to `.local/slack-outbox.jsonl` and printed; lookups find what the outbox
holds (no user zones, no group members).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from sla_core.config import settings, time_budget
from sla_core.config.clock import Clock, SystemClock
from sla_core.slack.render.text import MESSAGE_TEXT, fit, fit_blocks

Block = Mapping[str, Any]
RESPONSE_URL = "response_url"
POST_EVENT_TYPE = "slaops_post"
UPLOAD_METHOD = "files.uploadV2"  # how the outbox records a file upload (slack_sdk's files_upload_v2)


class SlackPostError(RuntimeError):
    """Slack answered a call with an error (the message carries Slack's error code)."""


class Outbox:
    """Append-only record of the Slack calls that would have been made; one JSON object a line."""

    def __init__(self, path: Path, *, echo: TextIO | None = sys.stdout, clock: Clock | None = None) -> None:
        self.path = path
        self._echo = echo
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._sequence = 0

    def record(self, method: str, **fields: Any) -> dict[str, Any]:
        """Append one call (`method` is the Web API method, or `response_url` with the URL in `url`)."""
        now = self._clock.now()
        with self._lock:
            self._sequence += 1
            entry: dict[str, Any] = {"at": now.isoformat(), "method": method}
            entry.update({key: value for key, value in fields.items() if value is not None})
            if method == "chat.postMessage":
                entry["ts"] = fake_ts(now, self._sequence)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            if self._echo is not None:
                print(describe(entry), file=self._echo, flush=True)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every call recorded so far, oldest first."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]

    # -- the Transport interface ----------------------------------------------------------------

    def post(self, **message: Any) -> str:
        return str(self.record("chat.postMessage", **message)["ts"])

    def update(self, **message: Any) -> None:
        self.record("chat.update", **message)

    def history(
        self, channel: str, *, thread_ts: str | None, oldest: str, cursor: str | None
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        """The channel's recorded messages, newest first, in one page."""
        return [e for e in reversed(self.entries()) if e.get("channel") == channel], None

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.record("views.publish", user_id=user_id, view=view)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.record("views.open", trigger_id=trigger_id, view=view)

    def user_tz(self, user_id: str) -> str | None:
        return None

    def group_members(self, group_id: str) -> list[str]:
        return []

    def respond(self, url: str, **reply: Any) -> None:
        self.record(RESPONSE_URL, url=url, **reply)

    def upload_file(self, channel: str, filename: str, content: str, title: str, initial_comment: str) -> None:
        """The file's name and whole content land in the outbox, as `files.uploadV2`."""
        self.record(
            UPLOAD_METHOD,
            channel=channel,
            filename=filename,
            content=content,
            title=title,
            initial_comment=initial_comment,
        )


def fake_ts(now: datetime, sequence: int) -> str:
    """A Slack-like message timestamp (`seconds.micros`), unique within one outbox."""
    return f"{int(now.timestamp())}.{sequence:06d}"


def describe(entry: Mapping[str, Any]) -> str:
    """One outbox entry as a few readable lines for the terminal."""
    target = entry.get("channel") or entry.get("user_id") or entry.get("url") or ""
    head = f"[slack outbox] {entry['method']} -> {target}"
    if entry.get("thread_ts"):
        head += f" (thread {entry['thread_ts']}{', also to channel' if entry.get('reply_broadcast') else ''})"
    if entry.get("ts"):
        head += f" ts={entry['ts']}"
    lines = [head]
    text = entry.get("text")
    if text:
        lines.extend(f"    {line}" for line in str(text).splitlines())
    blocks = entry.get("blocks")
    if blocks:
        lines.append(f"    ({len(blocks)} block{'s' if len(blocks) != 1 else ''})")
    if entry.get("view"):
        lines.append("    (App Home view)")
    if entry.get("filename"):
        lines.extend(f"    {line}" for line in str(entry.get("initial_comment") or "").splitlines())
        lines.append(f"    file {entry['filename']} ({len(str(entry.get('content') or ''))} characters)")
    return "\n".join(lines)


MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "files.")
RETRY_JITTER_S = 1.0  # slack_sdk sleeps Retry-After plus up to 1 s, so many clients do not retry at once


def sends_message(url: str) -> bool:
    """Whether a Web API call (by its URL) makes something appear in Slack, so that repeating it could show it
    twice: posts and file uploads. Reads, chat.update and views.* are safe to repeat."""
    method = urlsplit(url).path.rsplit("/", 1)[-1]
    return method.startswith(MESSAGE_METHODS)


class SafeConnectionRetry(ConnectionErrorRetryHandler):
    """slack_sdk's connection-error retry, for calls that are safe to repeat only (see `sends_message`)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if sends_message(request.url):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


class BoundedRateLimitRetry(RateLimitErrorRetryHandler):
    """A 429 waits out its Retry-After (slack_sdk's sleep) and is retried, only when the wait and the retried
    call (one request timeout) fit in the time the running function has left; otherwise the 429 reaches the
    caller at once."""

    def __init__(self, max_retry_count: int, request_timeout_s: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.request_timeout_s = request_timeout_s

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _retry_after(response.headers) + RETRY_JITTER_S
        return time_budget.current().allows(wait + self.request_timeout_s)


def _retry_after(headers: Mapping[str, Any]) -> float:
    """Retry-After in seconds (1 when Slack sent none or something unreadable)."""
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(str(text)))
            except ValueError:
                return 1.0
    return 1.0


def retry_handlers(max_rate_limit_retries: int, request_timeout_s: float) -> list[RetryHandler]:
    """Connection errors retried for calls safe to repeat; 429s retried within the function's time left (none
    when `max_rate_limit_retries` is 0)."""
    handlers: list[RetryHandler] = [SafeConnectionRetry()]
    if max_rate_limit_retries > 0:
        handlers.append(BoundedRateLimitRetry(max_rate_limit_retries, request_timeout_s))
    return handlers


class Transport(Protocol):
    """Where Slack calls go: the Web API (`WebApi`) or the local outbox (`Outbox`)."""

    def post(self, **message: Any) -> str: ...

    def update(self, **message: Any) -> None: ...

    def history(
        self, channel: str, *, thread_ts: str | None, oldest: str, cursor: str | None
    ) -> tuple[list[Mapping[str, Any]], str | None]: ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None: ...

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None: ...

    def user_tz(self, user_id: str) -> str | None: ...

    def group_members(self, group_id: str) -> list[str]: ...

    def respond(self, url: str, **reply: Any) -> None: ...

    def upload_file(self, channel: str, filename: str, content: str, title: str, initial_comment: str) -> None: ...


class WebApi:
    """The Slack Web API through a slack_sdk `WebClient`; replies to response_urls through a WebhookClient."""

    def __init__(self, client: WebClient, *, max_rate_limit_retries: int = 2) -> None:
        self.client = client
        self._max_rate_limit_retries = max_rate_limit_retries
        self._timeout = float(client.timeout)

    def post(self, **message: Any) -> str:
        return str(self.client.chat_postMessage(**message)["ts"])

    def update(self, **message: Any) -> None:
        self.client.chat_update(**message)

    def history(
        self, channel: str, *, thread_ts: str | None, oldest: str, cursor: str | None
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        """One page of conversations.replies (in a thread) or conversations.history, with metadata."""
        if thread_ts:
            page = self.client.conversations_replies(
                channel=channel, ts=thread_ts, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
            )
        else:
            page = self.client.conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
            )
        return list(page.get("messages") or []), (page.get("response_metadata") or {}).get("next_cursor") or None

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.client.views_publish(user_id=user_id, view=view)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.client.views_open(trigger_id=trigger_id, view=view)

    def user_tz(self, user_id: str) -> str | None:
        tz = self.client.users_info(user=user_id)["user"].get("tz")
        return str(tz) if tz else None

    def group_members(self, group_id: str) -> list[str]:
        return list(self.client.usergroups_users_list(usergroup=group_id).get("users") or [])

    def respond(self, url: str, **reply: Any) -> None:
        # A reply through a response_url shows in Slack: like a post, never re-sent on a dropped connection.
        handlers = _no_resend(retry_handlers(self._max_rate_limit_retries, self._timeout))
        webhook = WebhookClient(url, timeout=self._timeout, retry_handlers=handlers)  # type: ignore[arg-type]
        response = webhook.send(**reply)
        if response.status_code != 200:
            raise SlackPostError(f"response_url answered {response.status_code}: {response.body}")

    def upload_file(self, channel: str, filename: str, content: str, title: str, initial_comment: str) -> None:
        """files_upload_v2: files.getUploadURLExternal, the upload itself, then files.completeUploadExternal,
        which shares the file in `channel` with `initial_comment` as its message (files:write scope)."""
        self.client.files_upload_v2(
            channel=channel, filename=filename, content=content, title=title, initial_comment=initial_comment
        )


def _no_resend(handlers: list[RetryHandler]) -> list[RetryHandler]:
    """The handlers without any connection-error retry (for calls that always show something in Slack)."""
    return [handler for handler in handlers if not isinstance(handler, ConnectionErrorRetryHandler)]


class SlackPoster:
    """Posts to Slack through one transport: the Web API, or an `Outbox` when there is no bot token."""

    def __init__(
        self,
        *,
        client: WebClient | None = None,
        outbox: Outbox | None = None,
        max_rate_limit_retries: int = 2,
    ) -> None:
        if (client is None) == (outbox is None):
            raise ValueError("give a WebClient or an Outbox, not both or neither")
        self.client = client
        self.outbox = outbox
        self.transport: Transport
        if outbox is not None:
            self.transport = outbox
        else:
            assert client is not None
            self.transport = WebApi(client, max_rate_limit_retries=max_rate_limit_retries)

    @classmethod
    def for_token(
        cls,
        token: str,
        *,
        base_url: str | None = None,
        max_rate_limit_retries: int = 2,
        timeout: float | None = None,
    ) -> SlackPoster:
        """A poster that calls the Slack Web API with `token` (base_url points it elsewhere in tests); each
        request may take `timeout` seconds (default: the `SLACK_HTTP_TIMEOUT_SECONDS` setting)."""
        seconds = settings.slack_http_timeout_seconds() if timeout is None else timeout
        client = WebClient(
            token=token,
            base_url=base_url or WebClient.BASE_URL,
            timeout=seconds,  # type: ignore[arg-type]  # urllib takes float seconds; slack_sdk annotates int
            retry_handlers=retry_handlers(max_rate_limit_retries, seconds),
        )
        return cls(client=client, max_rate_limit_retries=max_rate_limit_retries)

    @classmethod
    def from_settings(cls, *, max_rate_limit_retries: int = 2) -> SlackPoster:
        """The bot token from settings when there is one, else the local outbox."""
        token = settings.slack_bot_token()
        if token:
            return cls.for_token(token, max_rate_limit_retries=max_rate_limit_retries)
        return cls(outbox=Outbox(settings.outbox_path()))

    def post_message(
        self,
        channel: str,
        text: str,
        *,
        blocks: Sequence[Block] | None = None,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
        post_id: str | None = None,
    ) -> str:
        """chat.postMessage; returns the new message's ts (to update it or thread under it later).

        `reply_broadcast` shows a thread reply in the channel too (Slack's "Also send to channel");
        `post_id` goes into the message's metadata so `find_posted` can find it again.
        """
        return self.transport.post(
            channel=channel,
            text=fit(text, MESSAGE_TEXT),
            blocks=_plain(blocks),
            thread_ts=thread_ts,
            reply_broadcast=True if reply_broadcast and thread_ts else None,
            metadata={"event_type": POST_EVENT_TYPE, "event_payload": {"post_id": post_id}} if post_id else None,
        )

    def find_posted(self, channel: str, post_id: str, *, thread_ts: str | None, oldest: datetime) -> str | None:
        """The ts of a message posted with `post_id` in its metadata since `oldest`, or None.

        Used before re-posting something whose earlier attempt may have reached Slack without its ts being
        recorded (a crash between posting and confirming): found, it is confirmed instead of posted twice.
        Reads conversations.replies (in a thread) or conversations.history (channels:history scope).
        """
        since = f"{oldest.timestamp():.6f}"
        cursor: str | None = None
        while True:
            messages, cursor = self.transport.history(channel, thread_ts=thread_ts, oldest=since, cursor=cursor)
            for message in messages:
                if _post_id_of(message) == post_id:
                    return str(message["ts"])
            if cursor is None:
                return None

    def update_message(self, channel: str, ts: str, text: str, *, blocks: Sequence[Block] | None = None) -> None:
        """chat.update of a message this app posted."""
        self.transport.update(channel=channel, ts=ts, text=fit(text, MESSAGE_TEXT), blocks=_plain(blocks))

    def respond(
        self,
        response_url: str,
        text: str,
        *,
        blocks: Sequence[Block] | None = None,
        response_type: str = "ephemeral",
        replace_original: bool | None = None,
    ) -> None:
        """Reply through a slash command's or an action's `response_url` (no token needed)."""
        self.transport.respond(
            response_url,
            text=fit(text, MESSAGE_TEXT),
            blocks=_plain(blocks),
            response_type=response_type,
            replace_original=replace_original,
        )

    def publish_home(self, user_id: str, view: Mapping[str, Any]) -> None:
        """views.publish of a user's App Home tab."""
        self.transport.publish_home(user_id, dict(view))

    def upload_file(self, channel: str, filename: str, content: str, *, title: str, initial_comment: str) -> None:
        """Share a text file (a CSV report) in `channel`, introduced by `initial_comment` (a message: fitted to
        a message's text)."""
        self.transport.upload_file(channel, filename, content, title, fit(initial_comment, MESSAGE_TEXT))


def _post_id_of(message: Mapping[str, Any]) -> str | None:
    """The post id in a message's (or outbox entry's) slaops metadata, if it has one."""
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != POST_EVENT_TYPE:
        return None
    payload = metadata.get("event_payload") or {}
    value = payload.get("post_id") if isinstance(payload, Mapping) else None
    return str(value) if value is not None else None


def _plain(blocks: Sequence[Block] | None) -> list[dict[str, Any]] | None:
    """Blocks as plain dicts, at most a message's worth."""
    return None if blocks is None else fit_blocks([dict(block) for block in blocks])


def retry_after_seconds(error: BaseException) -> float | None:
    """The Retry-After Slack sent with a 429 that outlasted the retry handler, if this error carries one."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, value in dict(headers).items():
        if str(name).lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                return float(str(text))
            except ValueError:
                return None
    return None
