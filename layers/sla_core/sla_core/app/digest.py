"""The daily digest of a contract's channel: what is due today, what is open, and the month's downtime budget.

Off unless the contract asks for it (contracts.toml `[contracts.<id>.digest] at = "09:00"`, the contract's own
local time). The sweep claims each local day's digest at its first tick from that time on, with a conditional
create keyed by contract and local date, so it is posted exactly once, even when ticks were missed; a sweep down
all day long owes nothing once the day is over (a digest of yesterday is no digest). The figures come from the
same places as `/sla status` (the open-index) and `/sla credit` (`month_glance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_terms import contract_zone
from sla_core.app.month_glance import month_glance
from sla_core.app.notices import Digest, OpenIncident
from sla_core.app.ports import Messages
from sla_core.app.skipping import each_kept
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.incidents.records import Draft

DIGEST_PURPOSE = "digest"


def open_incidents(contract: Contract) -> list[OpenIncident]:
    """The contract's open incidents (sparse open-index) with their clocks, the one due soonest first."""
    return open_incidents_counted(contract)[0]


def open_incidents_counted(contract: Contract) -> tuple[list[OpenIncident], int]:
    """`open_incidents`, and how many open incidents were left out because their clocks could not be
    computed (each is logged; the others are still shown)."""
    found, skipped = each_kept(
        repository.open_contract_incidents(contract.id),
        lambda item: OpenIncident(item, tuple(deadlines_of(item, contract))),
        what="open incident",
        key=lambda item: item.incident_id,
    )
    return sorted(found, key=lambda incident: incident.next_due), skipped


def digest_post_id(contract: Contract, now: datetime) -> str | None:
    """The digest the contract is owed at `now` (its id names the local day), or None: no digest configured, or
    its time has not come yet today."""
    if contract.digest is None:
        return None
    local = now.astimezone(contract_zone(contract))
    if local.time() < contract.digest.at:
        return None
    return f"digest#{contract.id}#{local.date().isoformat()}"


def build_digest(contract: Contract, now: datetime) -> Digest:
    """The digest's figures at `now`: open incidents with their clocks, and the month's budget per component."""
    zone = contract_zone(contract)
    incidents, skipped = open_incidents_counted(contract)
    return Digest(
        contract, now.astimezone(zone).date(), zone, now, tuple(incidents), tuple(month_glance(contract, now)), skipped
    )


def digest_drafts(post_id: str, contract: Contract, now: datetime, messages: Messages) -> Sequence[Draft]:
    """The digest's post in the contract's channel, for now."""
    text, blocks = messages.digest(build_digest(contract, now))
    return [Draft(post_id, DIGEST_PURPOSE, contract.slack_channel, text, now, blocks=blocks, contract_id=contract.id)]
