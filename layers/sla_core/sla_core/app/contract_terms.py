"""What a contract's entry in contracts.toml makes of its policy: the terms its clocks run on and the zone its
times are in (every use case that reads a contract's clocks or periods asks here)."""

from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from sla_core.config.contract import Contract
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.tracking import Terms


def contract_zone(contract: Contract) -> ZoneInfo:
    """The zone a contract's clocks, periods and times are in: its policy's, or its support region's."""
    policy = load_policy(contract.policy)
    return policy.zone_for(policy.region(contract.region))


def display_zone(contract: Contract | None) -> tzinfo:
    """The zone to show a contract's times in; UTC for what no contract maps."""
    return contract_zone(contract) if contract is not None else UTC


def terms_for(contract: Contract | None) -> Terms | None:
    """The SLA terms a contract's clocks run on (None for incidents no contract maps)."""
    if contract is None:
        return None
    return Terms(
        contract.policy, contract.tier, contract.region, holiday_override(contract), contract.customer_timezone
    )


def holiday_override(contract: Contract) -> HolidaySpec | None:
    """The public holidays the contract uses instead of its policy's, if it names any (contracts.toml)."""
    return HolidaySpec(contract.holidays.country, contract.holidays.subdiv) if contract.holidays else None
