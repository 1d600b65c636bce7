"""Commercial terms of a policy: availability, exclusions, credits, claims and termination rights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sla_core.fields import Table


@dataclass(frozen=True, slots=True)
class CommercialTerms:
    """Placeholder until the availability and credit sections are encoded."""


def parse_terms(top: Table, calendars: dict[str, Any], components: tuple[str, ...]) -> CommercialTerms:
    """Read the policy's commercial sections (none yet)."""
    return CommercialTerms()
