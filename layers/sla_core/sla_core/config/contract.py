"""One tracked contract as the functions use it (read from config/contracts.toml by `contracts`): which policy
applies, the money, where and by whom it is worked; its PagerDuty mapping, outage rule and holiday override are
the file's own tables (`contracts_file`); and every contract of a deployment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sla_core.config.contracts_file import HolidaysEntry, OutagesEntry, PagerDutyEntry
from sla_core.incidents.thresholds import Thresholds

if TYPE_CHECKING:
    from sla_core.engine.refunds import Prepaid


@dataclass(frozen=True)
class DailyDigest:
    """The contract's daily digest: posted in its channel at `at`, local time in the contract's zone."""

    at: time


@dataclass(frozen=True)
class Contract:
    """One tracked contract: which policy applies, the money, and where and by whom it is worked."""

    id: str
    name: str
    policy: str
    tier: str | None
    region: str | None
    fee: Decimal
    currency: str
    perspective: str
    slack_channel: str
    components: tuple[str, ...]
    escalation_group: str | None
    record_downtime: frozenset[str]
    resolve: frozenset[str]
    pagerduty: PagerDutyEntry  # as written, its severities spelt as the policy spells them
    holidays: HolidaysEntry | None
    reminders: Thresholds = field(default_factory=Thresholds)
    outages: OutagesEntry = field(default_factory=OutagesEntry)
    tier_written: str | None = None  # the tier as the contract names it, when that is another name (premium)
    agreement_date: date | None = None
    renewal_date: date | None = None
    activation_date: date | None = None
    prepaid: Prepaid | None = None
    digest: DailyDigest | None = None  # None: no daily digest (the default)
    customer_timezone: str | None = None  # the zone of "customer local time" calendars

    @property
    def dates(self) -> dict[str, date | None]:
        """The contract's dates by the names policies use for them (a duty falls due before one)."""
        return {"agreement": self.agreement_date, "renewal": self.renewal_date, "activation": self.activation_date}


@dataclass(frozen=True)
class ContractsConfig:
    """Every contract of a deployment, by id, and where incidents from unmapped services go."""

    default_channel: str
    contracts: Mapping[str, Contract]
    source: str = ""
    default_resolve: frozenset[str] = frozenset()  # who may resolve (or correct) an unmapped service's incidents

    def contract_for_service(self, service_id: str) -> Contract | None:
        """The contract a PagerDuty service belongs to, if any."""
        for contract in self.contracts.values():
            if service_id in contract.pagerduty.service_ids:
                return contract
        return None

    def channel_for_service(self, service_id: str) -> str:
        """The Slack channel for a PagerDuty service: its contract's, else the default channel."""
        contract = self.contract_for_service(service_id)
        return contract.slack_channel if contract is not None else self.default_channel
