"""Slack's signature is checked over the raw bytes; a malformed header is a refusal (401), never an exception."""

from __future__ import annotations

import pytest

from sla_core.slack.request_guard import signed_by_slack
from tests.support.signing import slack_headers

SECRET = "test-signing-secret"
BODY = b"command=%2Fsla&text=status&team_id=T0001&user_id=U0ALICE0001"
NOW = 1_773_154_800


def event(headers: dict[str, str], body: bytes = BODY) -> dict[str, object]:
    return {"headers": headers, "body": body.decode(), "isBase64Encoded": False}


def test_a_correct_signature_passes_and_a_wrong_one_does_not() -> None:
    assert signed_by_slack(event(slack_headers(BODY, SECRET, timestamp=NOW)), SECRET, now=NOW)
    assert not signed_by_slack(event(slack_headers(BODY, "other", timestamp=NOW)), SECRET, now=NOW)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-slack-request-timestamp", "١٧٧٣١٥٤٨٠٠"),  # Arabic-Indic digits: str.isdigit() says yes
        ("x-slack-request-timestamp", "17731548²0"),  # a superscript two: isdigit() yes, int() raises
        ("x-slack-request-timestamp", "-1773154800"),
        ("x-slack-request-timestamp", "1.7e9"),
        ("x-slack-request-timestamp", ""),
        ("x-slack-signature", "v0=é" + "0" * 63),  # compare_digest raises TypeError on non-ASCII str
        ("x-slack-signature", "v0=\udc80"),
        ("x-slack-signature", ""),
    ],
)
def test_a_malformed_timestamp_or_signature_is_refused_not_raised(header: str, value: str) -> None:
    headers = {**slack_headers(BODY, SECRET, timestamp=NOW), header: value}
    assert signed_by_slack(event(headers), SECRET, now=NOW) is False
