"""The routes: each flow declares its own beside itself, naming only its own methods, and every flow's are
gathered; each names a flow method that exists and takes what its listener hands it, and `/sla help` lists each
subcommand once, in the order declared."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

import pytest

import sla_core.slack
from sla_core.slack import commands, routes
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


def flow_routes() -> list[ModuleType]:
    """The `routes` module of each flow package under `sla_core.slack` (found on disk, not from `routes`)."""
    packages = (info.name for info in pkgutil.iter_modules(sla_core.slack.__path__) if info.ispkg)
    names = (f"sla_core.slack.{package}.routes" for package in packages)
    return [import_module(name) for name in names if find_spec(name)]


def test_each_flow_declares_only_its_own_handlers_beside_them() -> None:
    found = flow_routes()
    assert {module.__name__ for module in found} == {
        f"sla_core.slack.{name}.routes" for name in ("incidents", "contracts", "downtime", "reports", "recompute")
    }
    for module in found:
        flow_module = module.__name__.removesuffix(".routes") + ".flows"
        assert module.FLOW.startswith(f"{flow_module}:")
        declared = [*module.SUBCOMMANDS, *getattr(module, "BUTTONS", ()), *getattr(module, "MODALS", ())]
        assert declared and all(route.handler.startswith(f"{module.FLOW}.") for route in declared)


def test_every_flows_routes_are_gathered_once() -> None:
    found = flow_routes()
    assert sorted(SUBCOMMANDS) == sorted(route for module in found for route in module.SUBCOMMANDS)
    assert sorted(BUTTONS) == sorted(route for module in found for route in getattr(module, "BUTTONS", ()))
    assert sorted(MODALS) == sorted(route for module in found for route in getattr(module, "MODALS", ()))
    assert [module.HOME for module in found if hasattr(module, "HOME")] == [routes.HOME]
