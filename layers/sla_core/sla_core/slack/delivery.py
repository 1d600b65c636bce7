"""The sweep's `Poster` over Slack: posts and lost-post lookups, with Slack's failures turned into
`PostRefused` of a kind (transient, rate limited, uncertain, permanent) so the sweep knows what to do without
knowing Slack's exceptions."""

from __future__ import annotations

import logging
import socket
from datetime import datetime
from http import HTTPStatus
from http.client import HTTPException
from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackClientError

from sla_core.app.ports import PERMANENT, RATE_LIMITED, TRANSIENT, UNCERTAIN, Blocks, PostRefused
from sla_core.slack.client import SlackPoster, SlackPostError, retry_after_seconds
from sla_core.slack.render.text import fit

logger = logging.getLogger(__name__)
POST_FAILURES = (SlackClientError, SlackPostError, OSError, HTTPException)
PLAIN_TEXT = 4000  # a plain retry's text: Slack advises at most 4,000 characters of message text
# Refused for what the message is: the same message will be refused again (a plain retry, then failed).
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "invalid_arguments",
        "invalid_arg_name", "invalid_array_arg", "invalid_charset", "invalid_form_data", "invalid_post_type",
        "no_text", "too_many_attachments", "invalid_attachments", "markdown_text_conflict",
        "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large",
        "metadata_must_be_sent_from_app", "cannot_reply_to_message", "message_limit_exceeded",
    }
)  # fmt: skip
# Slack's own words for these: "some aspect of the operation" may have succeeded.
UNCERTAIN_ERRORS = frozenset({"internal_error", "fatal_error"})


class SlackDelivery:
    """Owed posts go out through a `SlackPoster` (the Web API, or the local outbox)."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster

    def post(
        self,
        channel: str,
        text: str,
        *,
        blocks: Blocks | None,
        thread_ts: str | None,
        broadcast: bool,
        post_id: str,
        plain: bool = False,
    ) -> str:
        try:
            return self.poster.post_message(
                channel,
                fit(text, PLAIN_TEXT) if plain else text,
                blocks=None if plain else blocks,
                thread_ts=thread_ts,
                reply_broadcast=broadcast,
                post_id=post_id,
            )
        except POST_FAILURES as error:
            raise refused(error) from error

    def find(self, channel: str, post_id: str, *, thread_ts: str | None, oldest: datetime) -> str | None:
        """Slack refusing the lookup itself (a missing history scope, say) must not hold the post back
        forever: then it is reported as not found and posted, at the risk of a repeat."""
        try:
            return self.poster.find_posted(channel, post_id, thread_ts=thread_ts, oldest=oldest)
        except SlackApiError as error:
            if error.response is not None and error.response.status_code == HTTPStatus.OK:
                logger.warning("lost post lookup refused", extra={"post_id": post_id, "error": str(error)})
                return None
            raise refused(error) from error
        except POST_FAILURES as error:
            raise refused(error) from error


def refused(error: BaseException) -> PostRefused:
    """A Slack failure as the app's PostRefused: its kind, and Slack's Retry-After when it sent one."""
    reason = f"{type(error).__name__}: {error}"
    return PostRefused(reason, retry_after_seconds(error), kind=failure_kind(error))


def failure_kind(error: BaseException) -> str:
    """What a failed call says about its message: refused for good, rate limited, maybe posted, or not posted.

    Slack answered: 429 is rate limited; a 5xx, `internal_error` or `fatal_error` may have posted; the
    errors of `PERMANENT_ERRORS` are permanent; any other (not_in_channel, channel_not_found, invalid_auth ...)
    is transient: backed off and retried. Slack did not answer: a connection refused or a name not resolved
    never sent anything; any other lost connection or timeout happened after sending, so it is uncertain.
    """
    if isinstance(error, SlackApiError) and error.response is not None:
        status = int(error.response.status_code)
        code = str(error.response.get("error") or "") if isinstance(error.response.data, dict) else ""
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            return RATE_LIMITED
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR or code in UNCERTAIN_ERRORS:
            return UNCERTAIN
        return PERMANENT if code in PERMANENT_ERRORS else TRANSIENT
    if isinstance(error, URLError) and isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
        return TRANSIENT
    if isinstance(error, OSError | HTTPException):
        return UNCERTAIN
    return TRANSIENT
