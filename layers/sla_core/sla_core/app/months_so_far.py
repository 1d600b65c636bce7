"""Every contract's month so far for the views across contracts (App Home, `/sla status all`), reading only what
they show: the month's downtime of every contract in one query per shard (not one per contract and component),
then the months of the contracts with the most downtime first and the others after, up to what the view shows;
the rest are counted, never computed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_core.app.contract_terms import contract_zone
from sla_core.app.month_glance import ComponentGlance, month_glance
from sla_core.app.skipping import each_kept
from sla_core.app.store import repository
from sla_core.config.contract import Contract
from sla_core.engine.instants import to_micros
from sla_core.engine.periods import month_of
from sla_core.incidents.records import StoredDowntime


@dataclass(frozen=True, slots=True)
class ContractMonth:
    """One contract's month so far, per component."""

    contract: Contract
    glances: tuple[ComponentGlance, ...]
    down_minutes: int  # recorded downtime in the month so far, as stored (what orders the contracts)


@dataclass(frozen=True, slots=True)
class MonthsSoFar:
    """The months a view shows, most downtime first; `hidden_down` / `hidden_quiet`: contracts not shown with and
    without downtime this month; `skipped`: months that could not be computed (logged)."""

    shown: tuple[ContractMonth, ...]
    hidden_down: int
    hidden_quiet: int
    skipped: int


def months_so_far(contracts: Sequence[Contract], now: datetime, limit: int) -> MonthsSoFar:
    """The month so far of at most `limit` contracts: those with downtime recorded this month (their own month,
    in their zone), most minutes first, then the others in the order the contracts file lists them."""
    months = {c.id: month_of(to_micros(now), contract_zone(c)) for c in contracts}
    earliest = min((m.start_at for m in months.values()), default=now) - timedelta(days=1)
    read: dict[str, dict[str, list[StoredDowntime]]] = defaultdict(lambda: defaultdict(list))
    for item in repository.downtime_ending_after(earliest):
        read[item.contract_id][item.component].append(item)

    def minutes(contract: Contract) -> float:
        month = months[contract.id]
        down = 0.0
        for items in read.get(contract.id, {}).values():
            for item in items:
                if item.withdrawn_at is None:
                    start, end = max(item.started_at, month.start_at), min(item.ended_at or now, now, month.end_at)
                    down += max(0.0, (end - start).total_seconds() / 60)
        return down

    down = {c.id: minutes(c) for c in contracts}
    ranked = sorted(contracts, key=lambda c: -down[c.id])  # stable: the file's order among equals
    chosen, rest = ranked[:limit], ranked[limit:]
    shown, skipped = each_kept(
        chosen,
        lambda c: ContractMonth(c, tuple(month_glance(c, now, read=read.get(c.id, {}))), round(down[c.id])),
        what="contract month",
        key=lambda c: c.id,
    )
    hidden_down = sum(1 for c in rest if down[c.id] > 0)
    return MonthsSoFar(tuple(shown), hidden_down, len(rest) - hidden_down, skipped)
