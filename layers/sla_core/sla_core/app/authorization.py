"""Who may record downtime or resolve on a contract: Slack user and user-group ids from config/contracts.toml.

Everyone may read. Writing downtime and resolving need the user to be listed, or to be a member of a listed
user group or of the contract's escalation group (which may always do both). Group members are looked up
only when the user is not listed directly, so the common case needs no Slack call. A refusal names who may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sla_core.config.contracts import Contract

RECORD_DOWNTIME = "record downtime"
RESOLVE = "resolve incidents"

GroupMembers = Callable[[str], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a user may do something, and the sentence to show when not."""

    allowed: bool
    refusal: str = ""


def allowed_ids(contract: Contract, action: str) -> list[str]:
    """The ids that may do `action` on the contract: users, then groups, then the escalation group."""
    listed = contract.record_downtime if action == RECORD_DOWNTIME else contract.resolve
    ids = sorted(listed, key=lambda slack_id: (slack_id.startswith("S"), slack_id))  # users, then groups
    if contract.escalation_group and contract.escalation_group not in listed:
        ids.append(contract.escalation_group)
    return ids


def mention(slack_id: str) -> str:
    """`<@U…>` for a user, `<!subteam^S…>` for a user group."""
    return f"<!subteam^{slack_id}>" if slack_id.startswith("S") else f"<@{slack_id}>"


def check(contract: Contract, action: str, user_id: str, group_members: GroupMembers) -> Decision:
    """May `user_id` do `action` on `contract`? `group_members(group_id)` lists a group (usergroups.users.list)."""
    ids = allowed_ids(contract, action)
    if user_id in ids:
        return Decision(True)
    for group_id in (slack_id for slack_id in ids if slack_id.startswith("S")):
        if user_id in set(group_members(group_id)):
            return Decision(True)
    who = ", ".join(mention(slack_id) for slack_id in ids) or "nobody (the contract lists no one)"
    return Decision(False, f"Only {who} may {action} on `{contract.id}`.")
