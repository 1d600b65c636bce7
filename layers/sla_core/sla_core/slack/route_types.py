"""The three kinds of route a flow declares in its `routes` module: a `/sla` subcommand, a button, a modal.

Handlers are named (`module:Class.method`), not imported: the ack path reads the declarations (the help, the
subcommand names, the action ids) without importing a flow, which loads storage and the policies (a third of a
second of a cold start); the lazy listener imports the one it runs. The declarations are named tuples: a frozen
dataclass costs five times as long to define, on every cold start.
"""

from __future__ import annotations

from typing import NamedTuple


class Subcommand(NamedTuple):
    """`/sla <usage>`: the help line `what` (e.g. `example`); `handler(args, invocation) -> Reply`."""

    usage: str
    what: str
    example: str
    handler: str

    @property
    def name(self) -> str:
        return self.usage.split()[0]


class Button(NamedTuple):
    """A button or select `action_id` the bot renders; `handler(press, invocation) -> Reply | None`."""

    action_id: str
    handler: str


class Modal(NamedTuple):
    """A modal `callback_id` the bot opens; `handler(incident_id, text, invocation) -> Reply`, the text read from
    the input `action_id` of the block `block_id`."""

    callback_id: str
    block_id: str
    action_id: str
    handler: str
