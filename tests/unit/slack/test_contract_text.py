"""`/sla contracts`: each contract's targets in words (not "1 week or 1 week"), and `/sla contracts <id>`: the
contract's policy explained as `explain` does, for its tier and region, in valid Block Kit with nothing cut."""

from __future__ import annotations

from sla_core.config.contracts import load_contracts
from sla_core.engine.explain import Section, explain
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.render.contracts import contract_summary, explanation, explanation_blocks
from sla_core.slack.render.text import ELLIPSIS, SECTION_TEXT, escape
from tests.support.block_kit import problems

CONTRACTS = load_contracts()


def test_the_list_says_what_each_clock_means() -> None:
    resonate = CONTRACTS.contracts["resonate-ems"]
    lines = contract_summary(resonate, load_policy("resonate"))
    assert lines[1] == (
        "    • `P1`: first response 30 min when opened in Primary Hours; otherwise 4 h, or 30 min into the next "
        "Primary Hours if that is sooner; next update 4 h, again after each update"
    )
    sonar = contract_summary(CONTRACTS.contracts["sonar-billing"], load_policy("sonar-software"))
    assert sonar[3] == (
        "    • `feature-request`: first response 1 week (168 h), or 1 week (50 h) of Sonar standard support hours "
        "if that is sooner"
    )


def test_the_list_shows_a_tiered_contracts_own_targets() -> None:
    # sonarqube-support is Enterprise, EMEA: the blocker's 1 clock hour only, not Core's or Standard's.
    lines = contract_summary(CONTRACTS.contracts["sonarqube-support"], load_policy("sonarsource"))
    assert lines[1] == "    • `blocker`: first response 1 h"


def test_a_contract_explained_is_valid_block_kit_with_every_line() -> None:
    contract = CONTRACTS.contracts["resonate-ems"]
    text, blocks = explanation(load_policy("resonate"), contract)
    assert text == "`resonate-ems`: Resonate Service Level Agreement (resonate)"
    assert problems("response_url", {"text": text, "blocks": blocks}) == []
    shown = "\n".join(block["text"]["text"] for block in blocks)
    assert ELLIPSIS not in shown and all(len(b["text"]["text"]) <= SECTION_TEXT for b in blocks)
    for section in explain(load_policy("resonate")):
        assert f"*{section.title}*" in shown
        for line in section.lines:
            assert escape(line.strip())[:60] in shown


def test_a_long_section_is_split_not_cut() -> None:
    # 40 lines of 200 characters (8,000 with their bullets) need three sections of at most 3,000.
    lines = tuple(f"{n:02d} " + "x" * 197 for n in range(40))
    blocks = explanation_blocks([Section("Readings", lines)])
    texts = [b["text"]["text"] for b in blocks]
    assert len(texts) == 3 and texts[0].startswith("*Readings*\n• 00 ") and not texts[1].startswith("*")
    assert all(len(t) <= SECTION_TEXT for t in texts) and ELLIPSIS not in "".join(texts)
    numbers = [line[2:4] for text in texts for line in text.splitlines() if line.startswith("• ")]
    assert numbers == [f"{n:02d}" for n in range(40)]  # every line, in order, none cut


def test_a_contracts_own_holidays_are_said() -> None:
    # sonarqube-support overrides EMEA's Swiss holidays with Geneva's (contracts.toml [holidays]).
    text, blocks = explanation(load_policy("sonarsource"), CONTRACTS.contracts["sonarqube-support"])
    shown = "\n".join(block["text"]["text"] for block in blocks)
    assert text == "`sonarqube-support`: Sonar Support Terms (sonarsource)"
    assert "• Region emea (EMEA): times in Europe/Zurich; CH public holidays." in shown
    assert "• This contract uses CH public holidays (subdivision GE) instead of the policy's holidays." in shown
    assert "initial response: 1 h" in shown and "Business Hours (18 h)" not in shown  # Enterprise, not Core
