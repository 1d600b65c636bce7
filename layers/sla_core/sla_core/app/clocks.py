"""An incident's clocks under its contract, recomputed from its stored state (cards, views and reminders show
them; recording an event recomputes them itself)."""

from __future__ import annotations

from sla_core.app.contract_terms import terms_for
from sla_core.config.contract import Contract
from sla_core.incidents.records import Incident
from sla_core.incidents.tracking import Terms, TrackedDeadline, track


def deadlines_of(item: Incident, contract: Contract | None) -> list[TrackedDeadline]:
    """The incident's clocks under its contract, recomputed from its stored state."""
    return deadlines_of_terms(item, terms_for(contract))


def deadlines_of_terms(item: Incident, terms: Terms | None) -> list[TrackedDeadline]:
    return track(terms, item.state) if terms is not None else []
