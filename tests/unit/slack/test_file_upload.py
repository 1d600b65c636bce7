"""File uploads (the CSV reports): the outbox records the file's name and content as `files.uploadV2`; with a
token, slack_sdk's files_upload_v2 asks the stand-in Slack for an upload URL, sends the bytes there and
completes the upload into the channel with the comment."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sla_core.config.clock import FixedClock
from sla_core.slack.client import Outbox, SlackPoster
from sla_core.slack.render.text import ELLIPSIS, MESSAGE_TEXT
from tests.support.slack_stub import SlackStub, running_stub

NOW = datetime(2026, 3, 9, 14, 15, tzinfo=UTC)
CONTENT = "section,component\r\noutage,web\r\n"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    yield from running_stub()


def test_the_outbox_records_the_files_name_and_content(tmp_path: Path) -> None:
    echo = io.StringIO()
    box = Outbox(tmp_path / "outbox.jsonl", echo=echo, clock=FixedClock(NOW))
    SlackPoster(outbox=box).upload_file(
        "C0SONORAN01", "sonoran-hosting-2030-02-sla.csv", CONTENT, title="SLA report", initial_comment="February"
    )
    (entry,) = box.entries()
    assert entry == {
        "at": NOW.isoformat(),
        "method": "files.uploadV2",
        "channel": "C0SONORAN01",
        "filename": "sonoran-hosting-2030-02-sla.csv",
        "content": CONTENT,
        "title": "SLA report",
        "initial_comment": "February",
    }
    assert echo.getvalue().splitlines() == [
        "[slack outbox] files.uploadV2 -> C0SONORAN01",
        "    February",
        f"    file sonoran-hosting-2030-02-sla.csv ({len(CONTENT)} characters)",
    ]


def test_the_comment_is_cut_to_a_messages_text(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox.jsonl", echo=None, clock=FixedClock(NOW))
    SlackPoster(outbox=box).upload_file("C1", "a.csv", CONTENT, title="t", initial_comment="x" * (MESSAGE_TEXT + 5))
    (entry,) = box.entries()
    assert len(entry["initial_comment"]) == MESSAGE_TEXT and entry["initial_comment"].endswith(ELLIPSIS)


def test_the_web_api_uploads_in_three_steps(stub: SlackStub) -> None:
    poster = SlackPoster.for_token("xoxb-test", base_url=stub.api_url)
    content = CONTENT + "note,web,“quoted” – 2.68 USD\r\n"  # not only ASCII: the length is in bytes
    poster.upload_file("C0SONARBIL1", "sonar-billing-2026-03-sla.csv", content, title="SLA", initial_comment="Hi")
    assert [call.method for call in stub.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    (asked, sent, _) = stub.calls
    assert asked.args["filename"] == "sonar-billing-2026-03-sla.csv"
    assert int(asked.args["length"]) == sent.args["length"] == len(content.encode("utf-8"))
    (shared,) = stub.shared()
    assert (shared.channel, shared.filename, shared.content) == (
        "C0SONARBIL1",
        "sonar-billing-2026-03-sla.csv",
        content,
    )
    assert (shared.title, shared.initial_comment) == ("SLA", "Hi")
