"""The sweep's `Poster` over Slack: posts and lost-post lookups, with Slack's failures turned into
`PostRefused` (carrying Retry-After) so the sweep backs off without knowing Slack's exceptions."""

from __future__ import annotations

import logging
from datetime import datetime
from http import HTTPStatus

from slack_sdk.errors import SlackApiError, SlackClientError

from sla_core.app.ports import Blocks, PostRefused
from sla_core.slack.client import SlackPoster, SlackPostError, retry_after_seconds

logger = logging.getLogger(__name__)
POST_FAILURES = (SlackClientError, SlackPostError, OSError)


class SlackDelivery:
    """Owed posts go out through a `SlackPoster` (the Web API, or the local outbox)."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster

    def post(
        self, channel: str, text: str, *, blocks: Blocks | None, thread_ts: str | None, broadcast: bool, post_id: str
    ) -> str:
        try:
            return self.poster.post_message(
                channel, text, blocks=blocks, thread_ts=thread_ts, reply_broadcast=broadcast, post_id=post_id
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
    """A Slack failure as the app's PostRefused, with Slack's Retry-After when it sent one."""
    return PostRefused(f"{type(error).__name__}: {error}", retry_after_seconds(error))
