"""Block Kit limits by construction: text is escaped first, then fitted with an ellipsis that never cuts an
escape or a Slack token, and the largest cards and views still pass slack_sdk's own validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sla_core.slack.commands import parse, unknown
from sla_core.slack.render.incident_card import card
from sla_core.slack.render.text import ELLIPSIS, MESSAGE_BLOCKS, escape, fit, fit_blocks, section
from sla_core.slack.render.views import HOME_OPEN_LISTED, home_view
from sla_core.storage import repository
from tests.support.block_kit import problems


def test_fit_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert fit("abc", 3) == "abc"
    assert fit("abcdef", 4) == "abc" + ELLIPSIS  # 3 characters + the ellipsis = 4
    assert len(fit("x" * 5000, 3000)) == 3000


def test_fit_never_cuts_an_escape_or_a_token() -> None:
    escaped = escape("<" * 10)  # ten "&lt;", 40 characters
    cut = fit(escaped, 10)  # room for 9 characters: two whole "&lt;" (8), never a partial third
    assert cut == "&lt;&lt;" + ELLIPSIS
    token = "see <!date^1773154800^{date_short_pretty}|Tue 10 Mar> now"
    assert fit(token, 20) == "see " + ELLIPSIS  # the date token would be cut: it is dropped whole


def test_fit_blocks_keeps_fifty_and_says_how_many_more() -> None:
    blocks = [section(f"item {n}") for n in range(60)]
    kept = fit_blocks(blocks)
    assert len(kept) == MESSAGE_BLOCKS
    assert kept[-1]["elements"][0]["text"].endswith("and 11 more (see `/sla status`)")  # 60 - 49 shown = 11


def _incident(title: str) -> object:
    return repository.new_incident(
        incident_id="pd-LONG",
        contract_id="unmapped",
        component="platform",
        severity="P1",
        source="pagerduty",
        title=title,
        opened_at=datetime(2026, 3, 9, 14, tzinfo=UTC),
    )


def test_a_5000_character_title_and_2000_angle_brackets_give_valid_cards() -> None:
    for title in ("T" * 5000, "<" * 2000):  # the second escapes to 8,000 characters
        text, blocks = card(_incident(title), None, [])  # type: ignore[arg-type]
        found = problems("chat.postMessage", {"text": text, "blocks": blocks})
        assert found == []
        assert len(blocks[0]["text"]["text"]) <= 3000


def test_a_home_view_with_many_open_items_is_a_valid_view() -> None:
    view = home_view(["x" * 4000] * 150, [section("y" * 4000)] * 3, datetime(2026, 3, 9, tzinfo=UTC), UTC)
    assert problems("views.publish", {"view": view}) == []
    assert len(view["blocks"]) <= 100


def test_the_home_view_counts_what_it_cuts_and_what_it_could_not_show() -> None:
    items = [f"*sla-{n:04d}*" for n in range(200)]
    view = home_view(items, [section("month")], datetime(2026, 3, 9, tzinfo=UTC), UTC, skipped=1)
    texts = json.dumps(view["blocks"])
    assert view["blocks"][0]["text"]["text"] == "Open items (200)"
    listed = [b for b in view["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("*sla-")]
    assert len(listed) == HOME_OPEN_LISTED
    assert f"{200 - HOME_OPEN_LISTED} more open, due later" in texts
    assert "1 item could not be shown" in texts
    assert problems("views.publish", {"view": view}) == []


def test_the_usage_echo_is_escaped_and_short() -> None:
    answer = unknown(parse("<!channel>" + "x" * 5000))
    assert "<!channel>" not in answer and "&lt;!channel&gt;" in answer
    assert len(answer.splitlines()[0]) < 200
