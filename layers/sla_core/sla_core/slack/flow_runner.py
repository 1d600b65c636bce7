"""The lazy side of a route (`routes`): the flow method it names, made for one request over the contracts and the
Slack calls, and a flow's refusal (`SlaError`) turned into a reply that says what was wrong (escaped as a whole:
it may quote what the user typed). Only the lazy listeners import this module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from sla_core.app.lookups import claim_once
from sla_core.config.contract import ContractsConfig
from sla_core.engine.errors import SlaError
from sla_core.slack import commands
from sla_core.slack.client import SlackPoster
from sla_core.slack.flow_base import Invocation, Press, Reply, SlackApi
from sla_core.slack.render.text import escape
from sla_core.slack.route_types import Button, Modal, Subcommand
from sla_core.slack.routes import HOME, SUBCOMMANDS

DELIVERY_KEEP = timedelta(hours=1)


def flow_method(handler: str, contracts: ContractsConfig, slack: SlackApi) -> Callable[..., Any]:
    """`module:Class.method` as a bound method of a flow made over the contracts and the Slack calls."""
    module, _, path = handler.partition(":")
    class_name, _, name = path.partition(".")
    flow = getattr(import_module(module), class_name)(contracts, slack)
    method: Callable[..., Any] = getattr(flow, name)
    return method


def first_delivery(key: str, now: datetime) -> bool:
    """Claim a Slack delivery once (a conditional put); False for a repeat (a retry or a replay)."""
    return claim_once("slack", key, now=now, keep=DELIVERY_KEEP)


def invocation(body: dict[str, Any], now: datetime) -> Invocation:
    """Who, where and which request, from a command, block_actions, view_submission or event payload."""
    user = body.get("user_id") or (body.get("user") or {}).get("id", "")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id", "")
    return Invocation(user_id=user, channel_id=channel, trigger_id=body.get("trigger_id", ""), now=now)


def subcommand(route: Subcommand, args: tuple[str, ...], inv: Invocation, contracts: ContractsConfig,
               poster: SlackPoster) -> Reply:  # fmt: skip
    """Run one subcommand; bad input gets what was wrong and the subcommand's usage, never an error."""
    try:
        reply: Reply = flow_method(route.handler, contracts, SlackApi(poster))(args, inv)
    except SlaError as error:
        return Reply(f"{escape(str(error))}\n{commands.usage_for(route.name)}")
    return reply


def command(text: str | None, inv: Invocation, contracts: ContractsConfig, poster: SlackPoster) -> Reply:
    """A whole `/sla` text as Slack sends it: the help, the usage for what is not a subcommand, else the
    subcommand's answer (the listeners answer the first two in the ack; tests and benches call this)."""
    parsed = commands.parse(text)
    route = next((sub for sub in SUBCOMMANDS if sub.name == parsed.name), None)
    if parsed.is_help:
        return Reply(commands.HELP_TEXT)
    if route is None:
        return Reply(commands.unknown(parsed))
    return subcommand(route, parsed.args, inv, contracts, poster)


def press(route: Button, value: str, message_ts: str | None, inv: Invocation, contracts: ContractsConfig,
          poster: SlackPoster) -> Reply | None:  # fmt: skip
    """Run one button's flow on the message clicked; a refusal is the reply (none when the flow opened a view)."""
    clicked = Press(route.action_id, value, message_ts)
    try:
        reply: Reply | None = flow_method(route.handler, contracts, SlackApi(poster))(clicked, inv)
    except SlaError as error:
        return Reply(escape(str(error)))
    return reply


def submit(route: Modal, incident_id: str, text: str, inv: Invocation, contracts: ContractsConfig,
           poster: SlackPoster) -> Reply:  # fmt: skip
    """A modal's submission (the text typed, about the incident it was opened on), as its flow answers it."""
    reply: Reply = flow_method(route.handler, contracts, SlackApi(poster))(incident_id, text, inv)
    return reply


def publish_home(user_id: str, now: datetime, contracts: ContractsConfig, poster: SlackPoster) -> None:
    """Publish a user's App Home."""
    flow_method(HOME, contracts, SlackApi(poster))(user_id, now)
