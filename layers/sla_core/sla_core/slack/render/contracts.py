"""`/sla contracts`: a short list of what is tracked, each severity's targets in words; and `/sla contracts <id>`,
the contract's policy explained as `python -m sla_core explain` does, in sections within Block Kit's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sla_core.config.contract import Contract
from sla_core.engine.clock_words import target_words
from sla_core.engine.explain import Section, explain, holiday_words
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy import Policy
from sla_core.slack.render.text import MESSAGE_BLOCKS, SECTION_TEXT, escape, fit_blocks, section
from sla_core.slack.render.views import metric_name


def contract_summary(contract: Contract, policy: Policy) -> list[str]:
    """The list's lines for one contract: what it is, then each severity's targets in words."""
    tier = policy.tier(contract.tier)
    availability = policy.terms.availability
    head = (
        f"*{escape(contract.name)}* (`{contract.id}`): {escape(policy.vendor)}, policy `{policy.id}`"
        + (f" {tier}/{contract.region}" if tier else "")
        + f", <#{contract.slack_channel}>, components {', '.join(contract.components)}"
        + (f", availability target {availability.target_percent}%" if availability else "")
    )
    lines = [head]
    for severity in policy.severities.values():
        targets = "; ".join(
            f"{metric_name(t.metric)} {escape(target_words(policy, t, contract.region))}"
            for t in policy.targets(severity, tier)
        )
        lines.append(f"    • `{severity.id}`: {targets or 'no targets'}")
    return lines


def _chunks(title: str, lines: Sequence[str]) -> list[str]:
    """A section's mrkdwn texts, as many as its lines need to stay within the section limit."""
    texts, current = [], f"*{escape(title)}*"
    for line in lines:
        shown = f"    ◦ {escape(line.strip())}" if line.startswith("  ") else f"• {escape(line)}"
        if len(current) + 1 + len(shown) > SECTION_TEXT:
            texts.append(current)
            current = ""
        current = f"{current}\n{shown}" if current else shown
    return [*texts, current]


def explanation_blocks(sections: Sequence[Section]) -> list[dict[str, Any]]:
    """The explanation as section blocks: each heading in bold, its lines as bullets, none cut."""
    return fit_blocks([section(text) for s in sections for text in _chunks(s.title, s.lines)], MESSAGE_BLOCKS)


def _with_override(sections: list[Section], contract: Contract) -> list[Section]:
    """The sections with the contract's own holidays, where it overrides the policy's, said under the zone."""
    if contract.holidays is None:
        return sections
    own = holiday_words(HolidaySpec(contract.holidays.country, contract.holidays.subdiv))
    zone = next(i for i, s in enumerate(sections) if s.title == "Zone and holidays")
    note = f"This contract uses {own} instead of the policy's holidays."
    return [*sections[:zone], Section(sections[zone].title, (*sections[zone].lines, note)), *sections[zone + 1 :]]


def explanation(policy: Policy, contract: Contract | None) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the blocks of a contract's (or a policy's) explanation: for a contract, its tier,
    region and holidays."""
    if contract is None:
        sections = explain(policy)
        return escape(sections[0].title), explanation_blocks(sections)
    sections = _with_override(explain(policy, contract.tier, contract.region), contract)
    return f"`{contract.id}`: {escape(sections[0].title)}", explanation_blocks(sections)
