"""The open incidents across contracts that the views across contracts list (App Home, `/sla status all`): the ones
whose next clock runs out first, read whole, and how many are open in all, counted from the index's small
entries; no contract's open incidents are read one contract at a time, and none beyond the listed are computed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sla_core.app.clocks import deadlines_of
from sla_core.app.incident_service import UNMAPPED
from sla_core.app.notices import OpenIncident
from sla_core.app.skipping import each_kept
from sla_core.app.store import repository
from sla_core.config.contract import Contract


@dataclass(frozen=True, slots=True)
class OpenAcross:
    """The listed open incidents with their clocks (soonest due first), how many are open in all, and how many of
    the listed could not be computed (logged, left out)."""

    incidents: list[OpenIncident]
    total: int
    skipped: int


def open_soonest(contracts: Mapping[str, Contract], limit: int) -> OpenAcross:
    """At most `limit` open incidents of `contracts` (by id), those due soonest, and the count of all open
    incidents that a contract maps (one whose contract left the contracts file still counts)."""
    found = repository.open_soonest(contracts.keys(), limit, uncounted=UNMAPPED)
    incidents, skipped = each_kept(
        found.items,
        lambda item: OpenIncident(item, tuple(deadlines_of(item, contracts[item.contract_id]))),
        what="open incident",
        key=lambda item: item.incident_id,
    )
    return OpenAcross(sorted(incidents, key=lambda i: i.next_due), found.total, skipped)
