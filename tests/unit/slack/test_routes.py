"""The routes: each names a flow method that exists and takes what its listener hands it, and `/sla help` lists
each subcommand once, in the order declared."""

from __future__ import annotations

import inspect
from importlib import import_module

import pytest

from sla_core.slack import commands
from sla_core.slack.routes import BUTTONS, HOME, MODALS, SUBCOMMANDS

# What each kind of listener passes its handler (after the flow's own `self`).
PARAMETERS = {"subcommand": ["args", "inv"], "button": ["press", "inv"], "modal": ["incident_id", "text", "inv"],
              "home": ["user_id", "now"]}  # fmt: skip
HANDLERS = [
    *(("subcommand", route.handler) for route in SUBCOMMANDS),
    *(("button", route.handler) for route in BUTTONS),
    *(("modal", route.handler) for route in MODALS),
    ("home", HOME),
]


@pytest.mark.parametrize(("kind", "handler"), HANDLERS)
def test_each_handler_is_a_flow_method_taking_what_its_listener_passes(kind: str, handler: str) -> None:
    module, _, path = handler.partition(":")
    class_name, _, name = path.partition(".")
    method = getattr(getattr(import_module(module), class_name), name)
    assert list(inspect.signature(method).parameters)[1:] == PARAMETERS[kind]


def test_each_subcommand_and_action_is_declared_once() -> None:
    names = [route.name for route in SUBCOMMANDS]
    assert len(names) == len(set(names)) == 17
    actions = [route.action_id for route in BUTTONS]
    assert len(actions) == len(set(actions)) == 9


def test_the_help_lists_each_subcommand_in_order_then_help() -> None:
    lines = [line for line in commands.HELP_TEXT.splitlines() if line.startswith("• `/sla ")]
    listed = [line.removeprefix("• `/sla ").split()[0].rstrip("`:") for line in lines]
    assert listed == [*(route.name for route in SUBCOMMANDS), "help"]
    assert commands.usage_for("credit").startswith("Usage: `/sla credit <contract> [YYYY-MM|YYYY-Qn]`")
