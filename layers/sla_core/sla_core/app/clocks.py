"""An incident's clocks under its contract, recomputed from its stored state (cards, views and reminders show
them; recording an event recomputes them itself)."""

from __future__ import annotations

from sla_core.app.contract_terms import terms_for
from sla_core.config.contract import Contract
from sla_core.incidents.tracking import Terms, TrackedDeadline, track
from sla_core.storage.models import IncidentItem
from sla_core.storage.repository import state_of


def deadlines_of(item: IncidentItem, contract: Contract | None) -> list[TrackedDeadline]:
    """The incident's clocks under its contract, recomputed from its stored state."""
    return deadlines_of_terms(item, terms_for(contract))


def deadlines_of_terms(item: IncidentItem, terms: Terms | None) -> list[TrackedDeadline]:
    return track(terms, state_of(item)) if terms is not None else []
