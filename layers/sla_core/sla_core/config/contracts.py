"""The contracts a deployment tracks (config/contracts.toml): parsed with tomllib, validated, failing loudly.

A bad file stops the function at start with one line naming the file, the contract, the field, what
was wrong and what is accepted, so a typo never silently drops a contract or mis-maps an incident.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from sla_core.config import settings
from sla_core.engine.errors import SlaError
from sla_core.engine.holiday_sets import holiday_problem
from sla_core.engine.policy import outlines
from sla_core.incidents.reminder_stages import Thresholds

PERSPECTIVES = ("customer", "provider")

_CONTRACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,20}$")
_USER_OR_GROUP_ID = re.compile(r"^[UWS][A-Z0-9]{8,20}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{8,20}$")
_PAGERDUTY_ID = re.compile(r"^P[A-Z0-9]{5,13}$")
_FEE = re.compile(r"^\d+(\.\d+)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

TOP_KEYS = ("default_channel", "contracts")
CONTRACT_KEYS = (
    "name",
    "policy",
    "tier",
    "region",
    "fee",
    "currency",
    "perspective",
    "slack_channel",
    "components",
    "escalation_group",
    "record_downtime",
    "resolve",
    "pagerduty",
    "holidays",
    "reminders",
)
PAGERDUTY_KEYS = ("service_ids", "priorities", "default_severity")
HOLIDAY_KEYS = ("country", "subdiv")
REMINDER_KEYS = ("heads_up_percent", "warning_percent", "warning_minutes_before", "update_minutes_before")


class ContractsError(SlaError):
    """The contracts file is invalid: one line naming the file, contract, field and what is accepted."""


@dataclass(frozen=True)
class PagerDutyMapping:
    """Which PagerDuty services raise incidents on a contract, and how their priorities map to severities."""

    service_ids: tuple[str, ...] = ()
    priorities: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    default_severity: str | None = None

    def severity_for(self, priority: str | None) -> str | None:
        """The severity for a PagerDuty priority name (priority may be null: then the default)."""
        if priority is not None and priority in self.priorities:
            return self.priorities[priority]
        return self.default_severity


@dataclass(frozen=True)
class HolidayOverride:
    """Public holidays to use instead of the policy's own (a `holidays` country and subdivision)."""

    country: str
    subdiv: str | None = None


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
    pagerduty: PagerDutyMapping
    holidays: HolidayOverride | None
    reminders: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class ContractsConfig:
    """Every contract of a deployment, by id, and where incidents from unmapped services go."""

    default_channel: str
    contracts: Mapping[str, Contract]
    source: str = ""

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


def load_contracts(path: Path | str | None = None) -> ContractsConfig:
    """Read and validate a contracts file (default: CONTRACTS_FILE, else config/contracts.toml)."""
    source = Path(path) if path is not None else settings.contracts_file()
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ContractsError(f"{source}: file not found (set CONTRACTS_FILE to the contracts file)") from None
    except tomllib.TOMLDecodeError as error:
        raise ContractsError(f"{source}: not valid TOML: {error}") from None
    return parse_contracts(data, source=str(source))


def parse_contracts(data: Mapping[str, Any], *, source: str = "<contracts>") -> ContractsConfig:
    """Validate already-parsed TOML; raise ContractsError on the first problem."""
    top = _Fields(source, None, "", data)
    top.only(TOP_KEYS)
    default_channel = top.text("default_channel", _CHANNEL_ID, "a Slack channel id such as C0123456789")
    raw_contracts = top.table("contracts", required=True)
    if not raw_contracts:
        raise ContractsError(f"{source}: contracts: no contract defined; accepted: one [contracts.<id>] table each")
    contracts: dict[str, Contract] = {}
    service_owner: dict[str, str] = {}
    for contract_id, raw in raw_contracts.items():
        if not _CONTRACT_ID.match(contract_id):
            raise ContractsError(
                f"{source}: contract {contract_id!r}: id: not a valid id; "
                "accepted: 2-63 lower-case letters, digits and dashes"
            )
        if not isinstance(raw, Mapping):
            raise ContractsError(f"{source}: contract {contract_id!r}: must be a table [contracts.{contract_id}]")
        contract = _parse_contract(_Fields(source, contract_id, "", raw))
        for service_id in contract.pagerduty.service_ids:
            if service_id in service_owner:
                raise ContractsError(
                    f"{source}: contract {contract_id!r}: pagerduty.service_ids: {service_id} already belongs "
                    f"to contract {service_owner[service_id]!r}; accepted: each service on one contract"
                )
            service_owner[service_id] = contract_id
        contracts[contract_id] = contract
    return ContractsConfig(default_channel, MappingProxyType(contracts), source)


def _parse_contract(fields: _Fields) -> Contract:
    fields.only(CONTRACT_KEYS)
    policy = fields.choice("policy", tuple(outlines()))
    outline = outlines()[policy]
    tier = region = None
    if outline.tiers:
        tier = fields.choice("tier", outline.tiers)
    else:
        fields.absent("tier", f"{policy} has no tiers")
    if outline.regions:
        region = fields.choice("region", outline.regions)
    else:
        fields.absent("region", f"{policy} has no support regions")
    components = fields.subset("components", outline.components) or outline.components
    escalation_group = fields.text("escalation_group", _GROUP_ID, "a Slack user group id such as S0123456789", False)
    return Contract(
        id=fields.contract or "",
        name=fields.free_text("name") or fields.contract or "",
        policy=policy,
        tier=tier,
        region=region,
        fee=fields.money("fee"),
        currency=fields.text("currency", _CURRENCY, "an ISO 4217 code such as USD or EUR"),
        perspective=fields.choice("perspective", PERSPECTIVES),
        slack_channel=fields.text("slack_channel", _CHANNEL_ID, "a Slack channel id such as C0123456789"),
        components=components,
        escalation_group=escalation_group or None,
        record_downtime=frozenset(fields.ids("record_downtime")),
        resolve=frozenset(fields.ids("resolve")),
        pagerduty=_parse_pagerduty(fields.nested("pagerduty"), outline.severities),
        holidays=_parse_holidays(fields.nested("holidays")),
        reminders=_parse_reminders(fields.nested("reminders")),
    )


def _parse_pagerduty(fields: _Fields | None, severities: tuple[str, ...]) -> PagerDutyMapping:
    if fields is None:
        return PagerDutyMapping()
    fields.only(PAGERDUTY_KEYS)
    service_ids = fields.text_list("service_ids", _PAGERDUTY_ID, "PagerDuty service ids such as PF9KMXH")
    accepted = f"a severity of the policy: {', '.join(severities)}"
    by_name = {s.lower(): s for s in severities}
    priorities: dict[str, str] = {}
    for priority, severity in fields.table("priorities").items():
        if not isinstance(severity, str) or severity.lower() not in by_name:
            fields.fail(f"priorities.{priority}", f"{severity!r} is not a severity of this policy", accepted)
        priorities[priority] = by_name[severity.lower()]
    default = fields.free_text("default_severity")
    if default is not None and default.lower() not in by_name:
        fields.fail("default_severity", f"{default!r} is not a severity of this policy", accepted)
    default = by_name[default.lower()] if default else None
    return PagerDutyMapping(tuple(service_ids), MappingProxyType(priorities), default or None)


def _parse_holidays(fields: _Fields | None) -> HolidayOverride | None:
    if fields is None:
        return None
    fields.only(HOLIDAY_KEYS)
    country = fields.text("country", _COUNTRY, "an ISO 3166-1 alpha-2 country code such as US")
    subdiv = fields.free_text("subdiv")
    problem = holiday_problem(country, subdiv)
    if problem is not None:
        fields.fail(*problem)
    return HolidayOverride(country, subdiv)


def _parse_reminders(fields: _Fields | None) -> Thresholds:
    """Optional reminder thresholds; each field left out keeps its default (50%, 75% or 15 min, 10 min)."""
    default = Thresholds()
    if fields is None:
        return default
    fields.only(REMINDER_KEYS)
    minutes = timedelta(minutes=1)
    heads_up = fields.whole("heads_up_percent", 1, 99, round(default.heads_up_fraction * 100))
    warning = fields.whole("warning_percent", heads_up + 1, 99, round(default.warning_fraction * 100))
    warning_before = fields.whole("warning_minutes_before", 0, 1440, default.warning_before // minutes)
    update_before = fields.whole("update_minutes_before", 1, 1440, default.update_before // minutes)
    return Thresholds(heads_up / 100, warning / 100, warning_before * minutes, update_before * minutes)


class _Fields:
    """Typed reads of one TOML table that raise ContractsError naming the file, contract and field."""

    def __init__(self, source: str, contract: str | None, prefix: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.contract = contract
        self.prefix = prefix
        self.data = data

    def fail(self, key: str, problem: str, accepted: str) -> NoReturn:
        where = f"contract {self.contract!r}: " if self.contract else ""
        raise ContractsError(f"{self.source}: {where}{self.prefix}{key}: {problem}; accepted: {accepted}")

    def only(self, keys: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in keys:
                self.fail(key, "unknown field", ", ".join(keys))

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                self.fail(key, "missing", "a value (see the comments in config/contracts.toml)")
            return None
        return self.data[key]

    def text(self, key: str, pattern: re.Pattern[str], accepted: str, required: bool = True) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(key, f"{value!r} is not valid", accepted)
        return str(value)

    def free_text(self, key: str) -> str | None:
        value = self._get(key, False)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.fail(key, f"{value!r} is not a non-empty string", "a non-empty string")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key, True)
        if value not in options:
            self.fail(key, f"{value!r} is not one of them", ", ".join(options))
        return str(value)

    def absent(self, key: str, why: str) -> None:
        if key in self.data:
            self.fail(key, f"not allowed here ({why})", "no such field for this policy")

    def money(self, key: str) -> Decimal:
        value = self._get(key, True)
        accepted = 'a non-negative decimal amount as a string, e.g. fee = "1250.00"'
        if not isinstance(value, str) or not _FEE.match(value):
            self.fail(key, f"{value!r} is not a decimal string", accepted)
        try:
            return Decimal(value)
        except InvalidOperation:
            self.fail(key, f"{value!r} is not a decimal", accepted)

    def table(self, key: str, required: bool = False) -> Mapping[str, Any]:
        value = self._get(key, required)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(key, f"{value!r} is not a table", f"a [{self.prefix}{key}] table")
        return value

    def nested(self, key: str) -> _Fields | None:
        if key not in self.data:
            return None
        return _Fields(self.source, self.contract, f"{self.prefix}{key}.", self.table(key))

    def text_list(self, key: str, pattern: re.Pattern[str], accepted: str) -> list[str]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) and pattern.match(item) for item in value):
            self.fail(key, f"{value!r} is not a list of valid ids", f"a list of {accepted}")
        if len(set(value)) != len(value):
            self.fail(key, f"{value!r} repeats an entry", "each entry once")
        return list(value)

    def ids(self, key: str) -> list[str]:
        return self.text_list(key, _USER_OR_GROUP_ID, "Slack user ids (U...) or user group ids (S...)")

    def whole(self, key: str, low: int, high: int, default: int) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"{value!r} is not a whole number from {low} to {high}", f"a whole number {low}-{high}")
        return int(value)

    def subset(self, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not value or not all(item in allowed for item in value):
            self.fail(key, f"{value!r} is not a non-empty list of known components", ", ".join(allowed))
        if len(set(value)) != len(value):
            self.fail(key, f"{value!r} repeats a component", "each component once")
        return tuple(value)
