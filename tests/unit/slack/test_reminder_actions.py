"""A reminder's buttons and the lines saying who pressed them: which buttons each stage gets, what the values
carry, and how the message reads once someone responded or snoozed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from sla_core.engine.errors import InputError
from sla_core.incidents.reminder_stages import stages
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, track
from sla_core.slack.incidents.routes import RESPONDED_ACTION, SNOOZE_ACTION
from sla_core.slack.render.reminder_buttons import (
    OUTCOME_BLOCK,
    Responded,
    Snoozed,
    actions_block,
    parse_value,
    responded_line,
    snoozed_line,
    updated_blocks,
)
from sla_core.slack.render.reminders import stage_blocks, stage_text
from sla_core.slack.render.text import context, section

NY = ZoneInfo("America/New_York")
FIRST = "initial_response@2026-03-09T10:00:00-04:00"
UPDATE = "update@2026-03-09T10:00:00-04:00"
WORKAROUND = "workaround@2026-03-09T10:00:00-04:00"


def ids(block: dict[str, Any] | None) -> list[tuple[str, str]]:
    if block is None:
        return []
    return [(e["action_id"], e["value"]) for e in block["elements"]]


@pytest.mark.parametrize(
    ("stage_key", "expected"),
    [
        # The first response and the update cadence wait for a person: Responded; heads-up and warning: Snooze too.
        (f"{FIRST}#heads_up", [RESPONDED_ACTION, SNOOZE_ACTION]),
        (f"{FIRST}#warning", [RESPONDED_ACTION, SNOOZE_ACTION]),
        (f"{FIRST}#heads_up+snoozed", [RESPONDED_ACTION, SNOOZE_ACTION]),
        (f"{FIRST}#breach", [RESPONDED_ACTION]),
        (f"{UPDATE}#update_soon", [RESPONDED_ACTION]),
        (f"{UPDATE}#update_overdue", [RESPONDED_ACTION]),
        # A workaround is met by the resolve, not by an answer: no Responded; its breach gets no button at all.
        (f"{WORKAROUND}#heads_up", [SNOOZE_ACTION]),
        (f"{WORKAROUND}#breach", []),
    ],
)
def test_each_stage_gets_the_buttons_that_mean_something(stage_key: str, expected: list[str]) -> None:
    block = actions_block("pd-1", stage_key)
    assert ids(block) == [(action, f"pd-1|{stage_key}") for action in expected]
    if block is not None:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_after_a_response_no_button_is_left_and_after_a_snooze_no_second_snooze() -> None:
    assert actions_block("pd-1", f"{FIRST}#heads_up", responded=True) is None
    assert ids(actions_block("pd-1", f"{FIRST}#heads_up", snoozed=True)) == [
        (RESPONDED_ACTION, f"pd-1|{FIRST}#heads_up")
    ]


def test_a_value_names_the_incident_and_the_stage_or_is_refused() -> None:
    assert parse_value(f"pd-1|{FIRST}#heads_up+snoozed") == ("pd-1", f"{FIRST}#heads_up+snoozed")
    for bad in ("pd-1", f"|{FIRST}#heads_up", "pd-1|nonsense#heads_up", f"pd-1|{FIRST}#teatime", "pd-1|x@y#breach"):
        with pytest.raises(InputError):
            parse_value(bad)


def test_the_lines_say_who_did_what_and_when() -> None:
    # 10:50 EDT is 14:50Z: epoch 1773154200; 11:05 EDT 1773155100.
    at, back = datetime(2026, 3, 10, 10, 50, tzinfo=NY), datetime(2026, 3, 10, 11, 5, tzinfo=NY)
    token = "<!date^1773154200^{date_short_pretty} {time}|Tue 10 Mar 10:50 EDT>"
    assert responded_line(Responded("acknowledged", "U0ALICE0001", at), NY) == (
        f":white_check_mark: <@U0ALICE0001> recorded the first response at {token}."
    )
    assert responded_line(Responded("update", "<!channel> bot", at), NY).startswith(
        ":white_check_mark: &lt;!channel&gt; bot posted the status update at"
    )
    assert snoozed_line(Snoozed("U0DAVE00001", at, back), NY) == (
        f":zzz: <@U0DAVE00001> snoozed this for 15 min at {token}: back at "
        "<!date^1773155100^{date_short_pretty} {time}|Tue 10 Mar 11:05 EDT>."
    )
    first = snoozed_line(Snoozed("U0DAVE00001", at, first=("breach", back)), NY)
    assert first.endswith(
        "; the breach notice due <!date^1773155100^{date_short_pretty} {time}|Tue 10 Mar 11:05 EDT> comes first."
    )
    assert snoozed_line(Snoozed("U0DAVE00001", at), NY) == f":zzz: <@U0DAVE00001> snoozed this for 15 min at {token}."


def test_the_updated_message_keeps_the_reminder_and_replaces_the_outcome_and_buttons() -> None:
    posted = [section("the reminder"), context("the gauge"), {"type": "actions", "elements": []}]
    once = updated_blocks(posted, ["first"], actions_block("pd-1", f"{FIRST}#heads_up", snoozed=True))
    twice = updated_blocks(once, ["first", "second"], None)
    assert [b["type"] for b in once] == ["section", "context", "context", "actions"]
    assert [b["type"] for b in twice] == ["section", "context", "context"]
    assert twice[2]["block_id"] == OUTCOME_BLOCK and twice[2]["elements"][0]["text"] == "first\nsecond"


def test_a_posted_reminder_carries_its_buttons() -> None:
    state = fold([IncidentEvent("t", "triggered", datetime(2026, 3, 9, 10, 0, tzinfo=NY), severity="P1")])
    first = next(t for t in track(Terms("resonate"), state) if t.metric == "initial_response")
    heads_up, _, breach = stages(first)
    text = stage_text(heads_up, title="EMS", contract=None, now=heads_up.at)
    blocks = stage_blocks(heads_up, text, incident_id="pd-9", now=heads_up.at)
    assert [b["type"] for b in blocks] == ["section", "context", "actions"]
    assert ids(blocks[2]) == [(RESPONDED_ACTION, f"pd-9|{heads_up.key}"), (SNOOZE_ACTION, f"pd-9|{heads_up.key}")]
    assert ids(stage_blocks(breach, "x", incident_id="pd-9", now=breach.at)[2]) == [
        (RESPONDED_ACTION, f"pd-9|{breach.key}")
    ]
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
