"""The folded incident state as stored in the incident's `fold_state` JSON attribute: one typed codec
(msgspec) instead of field-by-field dump and load. Instants are ISO 8601 strings with their offset."""

from __future__ import annotations

from typing import Any

import msgspec

from sla_core.incidents.state import IncidentState


def dump_state(state: IncidentState) -> dict[str, Any]:
    """The state as JSON-ready builtins."""
    data: dict[str, Any] = msgspec.to_builtins(state)
    return data


def load_state(data: dict[str, Any] | None) -> IncidentState:
    """The state stored as `dump_state` wrote it (missing fields take their defaults)."""
    return msgspec.convert(data or {}, IncidentState)
