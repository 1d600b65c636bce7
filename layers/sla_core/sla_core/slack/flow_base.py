"""What every Slack flow shares: the request (`Invocation`, a click's `Press`), the answer (`Reply`), the Slack
lookups flows need (`SlackApi`), and the base of the flow classes (contract and incident lookup, the typist's
zone, time phrases, authorization)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

from sla_core.app import authorization, lookups
from sla_core.app.contract_terms import display_zone
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.engine.errors import InputError
from sla_core.incidents.records import Incident
from sla_core.slack.client import SlackPoster
from sla_core.slack.render.views import Blocks
from sla_core.slack.time_phrases import parse_time

SOURCE = "slack"
MAX_PAST = timedelta(days=3653)  # a time typed for a what-if (`/sla deadline ... at`): ten years back at most


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to post back (to the response_url): text, optional blocks, ephemeral unless in_channel."""

    text: str
    blocks: Blocks | None = None
    in_channel: bool = False


@dataclass(frozen=True, slots=True)
class Invocation:
    """Who asked, where, and the request's trigger id (the key that makes a repeated request a no-op)."""

    user_id: str
    channel_id: str
    trigger_id: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Press:
    """A button's or select's click: its action id, its value (the select's chosen option) and the message
    clicked (`message_ts`, to update in place)."""

    action_id: str
    value: str
    message_ts: str | None = None


class SlackApi:
    """The Slack lookups and views flows need beyond posting, through the poster's transport."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster
        self._zones: dict[str, ZoneInfo | None] = {}

    def user_zone(self, user_id: str) -> ZoneInfo | None:
        """The user's Slack time zone (users.info `tz`); None when it cannot be read (always, locally)."""
        if user_id not in self._zones:
            try:
                name = self.poster.transport.user_tz(user_id)
                self._zones[user_id] = ZoneInfo(name) if name else None
            except (SlackApiError, ZoneInfoNotFoundError, KeyError, ValueError, OSError):  # OSError: a zones directory
                self._zones[user_id] = None
        return self._zones[user_id]

    def group_members(self, group_id: str) -> list[str]:
        """Members of a user group (usergroups.users.list); none are known locally. Slack refusing the lookup
        (missing_scope, no_such_subteam, ...) raises GroupLookupError, so a refusal says so."""
        try:
            return self.poster.transport.group_members(group_id)
        except SlackApiError as error:
            raise authorization.GroupLookupError(group_id, str(error.response.get("error") or "no answer")) from None

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """views.open (recorded in the outbox locally)."""
        self.poster.transport.open_view(trigger_id, view)


def short_id(seed: str, prefix: str = "sla-") -> str:
    """A short id derived from a request's trigger id: the same request always names the same incident."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:8].lower()


class FlowBase:
    """The contracts and Slack calls every flow uses, and the lookups they share.

    Errors (`SlaError`) raised here become replies in `flow_runner`, escaped as a whole.
    """

    def __init__(self, contracts: ContractsConfig, slack: SlackApi) -> None:
        self.contracts = contracts
        self.slack = slack

    def contract(self, contract_id: str) -> Contract:
        found = self.contracts.contracts.get(contract_id.lower())
        if found is None:
            known = ", ".join(f"`{key}`" for key in self.contracts.contracts)
            raise InputError(f"No contract `{contract_id}`; tracked: {known}.")
        return found

    def incident(self, incident_id: str) -> tuple[Incident, Contract | None]:
        item = lookups.incident(incident_id)
        if item is None:
            raise InputError(f"No incident `{incident_id}`. `/sla status all` lists the open ones.")
        return item, self.contracts.contracts.get(item.contract_id)

    def zone_for(self, inv: Invocation, contract: Contract | None) -> tzinfo:
        """The typist's Slack zone, else the contract's, else UTC."""
        return self.slack.user_zone(inv.user_id) or display_zone(contract)

    def when(self, phrase: str | None, inv: Invocation, contract: Contract | None) -> datetime:
        """`at <phrase>` read in the typist's zone; no phrase means now. The future is refused."""
        if phrase is None:
            return inv.now
        instant = parse_time(phrase, zone=self.zone_for(inv, contract), now=inv.now)
        if instant > inv.now + timedelta(minutes=1):
            raise InputError(f"`{phrase}` is in the future; record what has happened.")
        if instant < inv.now - MAX_PAST:  # no calendar is asked about year 1; the record's own bounds are narrower
            raise InputError(f"`{phrase}` is more than 10 years ago; give a time within the last 10 years.")
        return instant

    def allowed(self, contract: Contract | None, action: str, user_id: str) -> authorization.Decision:
        if contract is None:
            return authorization.check_unmapped(self.contracts, action, user_id, self.slack.group_members)
        return authorization.check(contract, action, user_id, self.slack.group_members)

    def in_channel_here(self, inv: Invocation, contract: Contract | None) -> bool:
        """Whether an answer about `contract`'s incident may be shown to the channel the request came from: only
        in that incident's own channel (its contract's, or the default one); elsewhere it is ephemeral."""
        home = contract.slack_channel if contract is not None else self.contracts.default_channel
        return inv.channel_id == home

    def _need(self, args: tuple[str, ...], count: int, name: str) -> None:
        if len(args) < count:
            raise InputError(f"`/sla {name}` needs more than that.")
