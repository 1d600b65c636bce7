"""Who may record downtime or resolve on a contract: Slack user and user-group ids from config/contracts.toml.

Everyone may read. Writing downtime and resolving need the user to be listed, or to be a member of a listed
user group or of the contract's escalation group (which may always do both). Group members are looked up
only when the user is not listed directly, so the common case needs no Slack call. A refusal names who may;
when a group could not be read (e.g. the app lacks `usergroups:read`), it says that instead. Incidents of
PagerDuty services no contract lists are acted on only by the ids `default_resolve` lists. Only user ids
(`U...`, `W...`) act: an id of any other kind (a group's `S...`) is refused whatever the lists hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sla_core.config.contract import Contract, ContractsConfig

RECORD_DOWNTIME = "record downtime"
RESOLVE = "resolve incidents"
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")

GroupMembers = Callable[[str], Iterable[str]]


class GroupLookupError(Exception):
    """A user group's members could not be read from Slack; the message is Slack's error code."""

    def __init__(self, group_id: str, reason: str) -> None:
        super().__init__(reason)
        self.group_id = group_id
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a user may do something, and the sentence to show when not."""

    allowed: bool
    refusal: str = ""


def allowed_ids(contract: Contract, action: str) -> list[str]:
    """The ids that may do `action` on the contract: users, then groups, then the escalation group."""
    listed = contract.record_downtime if action == RECORD_DOWNTIME else contract.resolve
    ids = _users_first(listed)
    if contract.escalation_group and contract.escalation_group not in listed:
        ids.append(contract.escalation_group)
    return ids


def mention(slack_id: str) -> str:
    """`<@U…>` for a user, `<!subteam^S…>` for a user group."""
    return f"<!subteam^{slack_id}>" if slack_id.startswith("S") else f"<@{slack_id}>"


def check(contract: Contract, action: str, user_id: str, group_members: GroupMembers) -> Decision:
    """May `user_id` do `action` on `contract`? `group_members(group_id)` lists a group (usergroups.users.list)
    and raises GroupLookupError when Slack does not answer with its members."""
    return _decide(allowed_ids(contract, action), f"{action} on `{contract.id}`", user_id, group_members)


def check_unmapped(contracts: ContractsConfig, action: str, user_id: str, group_members: GroupMembers) -> Decision:
    """May `user_id` do `action` on an incident of a PagerDuty service no contract lists? Only the ids
    contracts.toml's `default_resolve` lists may (whatever the action: nobody else owns such incidents)."""
    where = f"{action} of PagerDuty services no contract lists (`default_resolve` in contracts.toml)"
    return _decide(_users_first(contracts.default_resolve), where, user_id, group_members)


def _users_first(ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=lambda slack_id: (slack_id.startswith("S"), slack_id))


def _decide(ids: list[str], what: str, user_id: str, group_members: GroupMembers) -> Decision:
    if not USER_ID.match(user_id):
        return Decision(False, f"Only a Slack user (an id `U...` or `W...`) may {what}.")
    if user_id in ids:
        return Decision(True)
    failed: list[GroupLookupError] = []
    for group_id in (slack_id for slack_id in ids if slack_id.startswith("S")):
        try:
            if user_id in set(group_members(group_id)):
                return Decision(True)
        except GroupLookupError as error:
            failed.append(error)
    if failed:
        groups = ", ".join(mention(error.group_id) for error in failed)
        reason = failed[0].reason
        return Decision(
            False,
            f"Could not check whether you are in {groups}: Slack's group lookup failed (`{reason}`), so nothing"
            f" was done. Ask whoever runs slaops to fix the app's access (`usergroups:read`), then try again.",
        )
    who = ", ".join(mention(slack_id) for slack_id in ids) or "nobody (no one is listed)"
    return Decision(False, f"Only {who} may {what}.")
