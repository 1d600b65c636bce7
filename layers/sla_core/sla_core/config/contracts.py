"""The contracts a deployment tracks (config/contracts.toml): parsed with tomllib, validated, failing loudly.

A bad file stops the function at start with one line, `<file>: contracts.<id>.<field>: <problem>; accepted:
<what is>` (engine.toml_fields' format, shared with the policy files), so a typo never silently drops a contract
or mis-maps an incident. Whether `holidays` knows an override is `check_holiday_overrides`' job: it is heavy.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from sla_core.config import settings
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.policy_files import policy_paths
from sla_core.engine.refunds import Prepaid
from sla_core.engine.toml_fields import Table, problem_line
from sla_core.incidents.thresholds import Thresholds

PERSPECTIVES = ("customer", "provider")

_CONTRACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,20}$")
_USER_OR_GROUP_ID = re.compile(r"^[UWS][A-Z0-9]{8,20}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{8,20}$")
_PAGERDUTY_ID = re.compile(r"^P[A-Z0-9]{5,13}$")
_FEE = re.compile(r"^\d+(\.\d+)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SLACK_IDS = "Slack user ids (U...) or user group ids (S...)"

TOP_KEYS = ("default_channel", "default_resolve", "contracts")
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
    "outages",
    "agreement_date",
    "renewal_date",
    "activation_date",
    "prepaid",
    "digest",
)
PREPAID_KEYS = ("fees", "from", "through")
OUTAGE_KEYS = ("severities", "priorities", "services")
PAGERDUTY_KEYS = ("service_ids", "priorities", "default_severity")
HOLIDAY_KEYS = ("country", "subdiv")
REMINDER_KEYS = ("heads_up_percent", "warning_percent", "warning_minutes_before", "update_minutes_before")
DIGEST_KEYS = ("at",)
_LOCAL_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")


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
class OutageRule:
    """Which of a contract's incidents describe unavailability (and so record downtime when resolved), where the
    contract says otherwise than its policy's severities: a PagerDuty service wins over a priority, a priority
    over the contract's severity list, which replaces the policy's."""

    severities: frozenset[str] | None = None
    priorities: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    services: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))

    def is_outage(self, severity: str, priority: str | None, service_id: str | None, policy_says: bool) -> bool:
        """Whether an incident counts toward availability, before anyone marks it on its card."""
        if service_id is not None and service_id in self.services:
            return self.services[service_id]
        if priority is not None and priority in self.priorities:
            return self.priorities[priority]
        if self.severities is not None:
            return severity in self.severities
        return policy_says


@dataclass(frozen=True)
class DailyDigest:
    """The contract's daily digest: posted in its channel at `at`, local time in the contract's zone."""

    at: time


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
    outages: OutageRule = field(default_factory=OutageRule)
    tier_written: str | None = None  # the tier as the contract names it, when that is another name (premium)
    agreement_date: date | None = None
    renewal_date: date | None = None
    activation_date: date | None = None
    prepaid: Prepaid | None = None
    digest: DailyDigest | None = None  # None: no daily digest (the default)

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
    top = Table(data, "", source, ContractsError)
    top.only(TOP_KEYS)
    default_channel = top.matching("default_channel", _CHANNEL_ID, "a Slack channel id such as C0123456789")
    default_resolve = frozenset(top.ids("default_resolve", _USER_OR_GROUP_ID, _SLACK_IDS))
    table = top.table("contracts")
    if table is None or not table.data:
        problem = "is required" if table is None else "no contract defined"
        raise top.fail("contracts", problem, "one [contracts.<id>] table each")
    contracts: dict[str, Contract] = {}
    service_owner: dict[str, str] = {}
    for contract_id in table.data:
        if not _CONTRACT_ID.match(contract_id):
            accepted = "2-63 lower-case letters, digits and dashes"
            raise table.fail(contract_id, f"{contract_id!r} is not a valid contract id", accepted)
        fields = table.table(contract_id)
        assert fields is not None
        contract = _parse_contract(contract_id, fields)
        for service_id in contract.pagerduty.service_ids:
            if service_id in service_owner:
                raise fields.fail(
                    "pagerduty.service_ids",
                    f"{service_id} already belongs to contract {service_owner[service_id]!r}",
                    "each service on one contract",
                )
            service_owner[service_id] = contract_id
        contracts[contract_id] = contract
    return ContractsConfig(default_channel, MappingProxyType(contracts), source, default_resolve)


def check_holiday_overrides(config: ContractsConfig) -> None:
    """Fail (ContractsError) when a contract's holiday override names a country or subdivision `holidays` lacks.

    Apart from `load_contracts` because it imports the `holidays` package: the Slack function runs it in its
    first lazy listener, off the ack path; the other functions at start; a unit test on the shipped file in CI.
    """
    from sla_core.engine.holiday_sets import holiday_problem  # noqa: PLC0415 - it imports `holidays` on use

    for contract in config.contracts.values():
        if contract.holidays is not None:
            problem = holiday_problem(contract.holidays.country, contract.holidays.subdiv)
            if problem is not None:
                key, found, accepted = problem
                where = f"contracts.{contract.id}.holidays.{key}"
                raise ContractsError(problem_line(config.source, where, found, accepted))


class PolicyOutline(NamedTuple):
    """The names a contract may use from its policy: tiers, regions, severities and components; the tier names
    that are another name for a tier (`aliases`: name, tier, agreements dated before); and which sections the
    contract's optional facts need (`features`: see _FEATURES)."""

    tiers: tuple[str, ...]
    regions: tuple[str, ...]
    severities: tuple[str, ...]
    components: tuple[str, ...]
    aliases: tuple[tuple[str, str, date | None], ...] = ()
    features: frozenset[str] = frozenset()


# A policy file's table headers: [tiers.core], [regions.emea.holidays], [[severities]], [[severities.targets]].
_HEADER = re.compile(r"\[(\[)?\s*([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?([A-Za-z0-9_.-]*)\s*\]\]?\s*(?:#.*)?")
_OUTLINE_KEY = re.compile(r"^(id|components)\s*=")
_TIER_KEY = re.compile(r"^(same_as|agreements_before)\s*=")
# Policy sections a contract's optional facts need: activation_date (availability counted from activation) and
# [prepaid] (fees refunded on termination).
_FEATURES = {("availability", "counts_from"): "activation", ("termination", "refund"): "refund"}


def policy_outlines() -> dict[str, PolicyOutline]:
    """Policy id → its outline, read straight from every policy file (shipped and the deployment's, see
    engine.policy_files) without loading the engine; a missing policy directory or a taken id stops here."""
    try:
        return _outlines(tuple(policy_paths().items()))
    except PolicyError as error:
        raise ContractsError(str(error)) from None


@cache
def _outlines(paths: tuple[tuple[str, Path], ...]) -> dict[str, PolicyOutline]:
    return {policy_id: _outline(path.read_text(encoding="utf-8")) for policy_id, path in paths}


def _outline(text: str) -> PolicyOutline:
    """A policy's outline from its table headers and the key lines it needs, not a full parse of the file.

    Parsing every policy in full (quotes, targets, terms) would add ~8 ms to each cold start, the Slack ack
    path's among them; the policies themselves are validated on first use. A layout the line reader does not
    follow (multi-line strings, quoted keys, ...) gets the full parse; a test checks both against the engine.
    """
    if '"""' not in text and "'''" not in text:
        try:
            return _outline_of(_outline_lines(text))
        except (ValueError, KeyError):  # tomllib.TOMLDecodeError is a ValueError
            pass
    return _outline_of(tomllib.loads(text))


def _outline_lines(text: str) -> dict[str, Any]:
    """What an outline needs of a policy file: its top-level keys, [tiers.*] and [regions.*] names, severity ids."""
    top: dict[str, Any] = {}
    named: dict[str, dict[str, Any]] = {"tiers": {}, "regions": {}}
    severities: list[dict[str, Any]] = []
    keys: dict[str, Any] | None = top  # where key lines go: the top level, a [[severities]] entry, or nowhere
    pattern = _OUTLINE_KEY  # the key lines read there
    sections: dict[str, dict[str, Any]] = {}  # the _FEATURES sections found, shaped as a full parse has them
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            header = _HEADER.fullmatch(stripped)
            if header is None:
                raise ValueError(f"not a plain table header: {stripped}")
            array, first, second, rest = header.groups()
            if first in named and second is not None and not array:
                named[first].setdefault(second, {})
            if (first, second) in _FEATURES and not array and not rest:
                sections.setdefault(first, {})[second] = {}
            keys, pattern = None, _OUTLINE_KEY
            if first == "tiers" and second is not None and not array and not rest:
                keys, pattern = named["tiers"][second], _TIER_KEY
            if array and first == "severities" and second is None:
                severities.append({})
                keys = severities[-1]
        elif keys is not None and pattern.match(stripped):
            keys.update(tomllib.loads(stripped))
    return {**top, **sections, **named, "severities": severities}


def _outline_of(data: Mapping[str, Any]) -> PolicyOutline:
    """The outline of a parsed policy, or of the part of one `_outline` read."""
    return PolicyOutline(
        tiers=tuple(data.get("tiers", {})),
        regions=tuple(data.get("regions", {})),
        severities=tuple(s["id"] for s in data.get("severities", [])),
        components=tuple(data.get("components", ["platform"])),
        aliases=tuple(
            (name, str(tier["same_as"]), tier.get("agreements_before"))
            for name, tier in data.get("tiers", {}).items()
            if "same_as" in tier
        ),
        features=frozenset(
            feature
            for (first, second), feature in _FEATURES.items()
            if isinstance(section := data.get(first), Mapping) and isinstance(section.get(second), Mapping)
        ),
    )


def _parse_contract(contract_id: str, fields: Table) -> Contract:
    """One [contracts.<id>] table, checked against its policy's outline."""
    fields.only(CONTRACT_KEYS)
    outlines = policy_outlines()
    policy = fields.choice("policy", tuple(outlines), "a policy")
    outline = outlines[policy]
    tier = region = None
    agreement = fields.calendar_date("agreement_date")
    tier_written = None
    if outline.tiers:
        named = fields.choice("tier", outline.tiers, f"a tier of {policy}")
        tier, tier_written = _tier_meant(fields, named, agreement, outline)
    else:
        fields.absent("tier", f"{policy} has no tiers")
    if outline.regions:
        region = fields.choice("region", outline.regions, f"a support region of {policy}")
    else:
        fields.absent("region", f"{policy} has no support regions")
    components = fields.subset("components", outline.components, f"components of {policy}") or outline.components
    pagerduty = _parse_pagerduty(fields.table("pagerduty"), policy, outline.severities)
    service_ids = pagerduty.service_ids
    return Contract(
        id=contract_id,
        name=fields.opt_text("name") or contract_id,
        policy=policy,
        tier=tier,
        region=region,
        fee=fields.money("fee", _FEE),
        currency=fields.matching("currency", _CURRENCY, "an ISO 4217 code such as USD or EUR"),
        perspective=fields.choice("perspective", PERSPECTIVES, "a perspective"),
        slack_channel=fields.matching("slack_channel", _CHANNEL_ID, "a Slack channel id such as C0123456789"),
        components=components,
        escalation_group=fields.opt_matching(
            "escalation_group", _GROUP_ID, "a Slack user group id such as S0123456789"
        ),
        record_downtime=frozenset(fields.ids("record_downtime", _USER_OR_GROUP_ID, _SLACK_IDS)),
        resolve=frozenset(fields.ids("resolve", _USER_OR_GROUP_ID, _SLACK_IDS)),
        pagerduty=pagerduty,
        holidays=_parse_holidays(fields.table("holidays")),
        reminders=_parse_reminders(fields.table("reminders")),
        outages=_parse_outages(fields.table("outages"), policy, outline.severities, service_ids),
        tier_written=tier_written,
        agreement_date=agreement,
        renewal_date=_renewal(fields, agreement),
        activation_date=_needing(fields, outline, "activation", f"{policy} does not measure availability from it"),
        prepaid=_parse_prepaid(fields, outline, policy),
        digest=_parse_digest(fields.table("digest")),
    )


def _tier_meant(fields: Table, tier: str, agreement: date | None, outline: PolicyOutline) -> tuple[str, str | None]:
    """(the tier the contract's tier name means, that name when it is another name for it): another name holds
    only in agreements dated before its date, so a later agreement_date refuses it."""
    for name, meant, before in outline.aliases:
        if name != tier:
            continue
        if agreement is not None and before is not None and agreement >= before:
            others = ", ".join(t for t in outline.tiers if t not in {a for a, _, _ in outline.aliases})
            problem = (
                f"{name!r} means {meant} only in agreements dated before {before.isoformat()}, and agreement_date "
                f"is {agreement.isoformat()}"
            )
            raise fields.fail("tier", problem, others)
        return meant, name
    return tier, None


def _renewal(fields: Table, agreement: date | None) -> date | None:
    """The optional renewal_date, which must come after the agreement_date when both are given."""
    renewal = fields.calendar_date("renewal_date")
    if renewal is not None and agreement is not None and renewal <= agreement:
        problem = f"{renewal.isoformat()} is not after agreement_date {agreement.isoformat()}"
        raise fields.fail("renewal_date", problem, "a date after the agreement_date")
    return renewal


def _needing(fields: Table, outline: PolicyOutline, feature: str, why: str) -> date | None:
    """An optional `<feature>_date` field, allowed only where the policy has the section that uses it."""
    key = f"{feature}_date"
    if feature not in outline.features:
        fields.absent(key, why)
        return None
    return fields.calendar_date(key)


def _parse_prepaid(fields: Table, outline: PolicyOutline, policy: str) -> Prepaid | None:
    """The optional [contracts.<id>.prepaid] table: fees paid ahead and the days they pay for (both included),
    for a policy that refunds them on termination."""
    if "refund" not in outline.features:
        fields.absent("prepaid", f"{policy} refunds no prepaid fees on termination")
        return None
    table = fields.table("prepaid")
    if table is None:
        return None
    table.only(PREPAID_KEYS)
    fees = table.money("fees", _FEE)
    first, last = table.calendar_date("from"), table.calendar_date("through")
    accepted = "a date written as 2026-01-01 (no quotes)"
    if first is None or last is None:
        raise table.fail("from" if first is None else "through", "is required", accepted)
    if last < first:
        problem = f"{last.isoformat()} is before from ({first.isoformat()})"
        raise table.fail("through", problem, "a date on or after from")
    return Prepaid(fees, first, last)


def _parse_pagerduty(fields: Table | None, policy: str, severities: tuple[str, ...]) -> PagerDutyMapping:
    """The optional [contracts.<id>.pagerduty] table; priorities map onto the policy's severities."""
    if fields is None:
        return PagerDutyMapping()
    fields.only(PAGERDUTY_KEYS)
    service_ids = fields.ids("service_ids", _PAGERDUTY_ID, "PagerDuty service ids such as PF9KMXH")
    accepted = ", ".join(severities)
    by_name = {s.lower(): s for s in severities}
    priorities: dict[str, str] = {}
    table = fields.table("priorities")
    if table is not None:
        for priority, severity in table.data.items():
            if not isinstance(severity, str) or severity.lower() not in by_name:
                raise table.fail(priority, f"{severity!r} is not a severity of {policy}", accepted)
            priorities[priority] = by_name[severity.lower()]
    default = fields.opt_text("default_severity")
    if default is not None and default.lower() not in by_name:
        raise fields.fail("default_severity", f"{default!r} is not a severity of {policy}", accepted)
    default = by_name[default.lower()] if default else None
    return PagerDutyMapping(tuple(service_ids), MappingProxyType(priorities), default or None)


def _parse_outages(
    fields: Table | None, policy: str, severities: tuple[str, ...], service_ids: tuple[str, ...]
) -> OutageRule:
    """The optional [contracts.<id>.outages] table: which severities, PagerDuty priorities and services are
    outages here (true) or tickets (false)."""
    if fields is None:
        return OutageRule()
    fields.only(OUTAGE_KEYS)
    chosen = fields.subset("severities", severities, f"severities of {policy}") if fields.has("severities") else None
    return OutageRule(
        frozenset(chosen) if chosen is not None else None,
        _flags(fields.table("priorities"), None, "PagerDuty priority names"),
        _flags(fields.table("services"), service_ids, "this contract's pagerduty.service_ids"),
    )


def _flags(table: Table | None, keys: tuple[str, ...] | None, kind: str) -> Mapping[str, bool]:
    """A `{ name = true | false }` table; with `keys`, each name must be one of them."""
    found: dict[str, bool] = {}
    for key in table.data if table is not None else ():
        assert table is not None
        if keys is not None and key not in keys:
            raise table.fail(key, f"{key!r} is not one of {kind}", ", ".join(keys) or "none configured")
        found[key] = table.flag(key, False)
    return MappingProxyType(found)


def _parse_holidays(fields: Table | None) -> HolidayOverride | None:
    """The override's form only; whether `holidays` knows it is `check_holiday_overrides`' job (it is heavy)."""
    if fields is None:
        return None
    fields.only(HOLIDAY_KEYS)
    country = fields.matching("country", _COUNTRY, "an ISO 3166-1 alpha-2 country code such as US")
    return HolidayOverride(country, fields.opt_text("subdiv"))


def _parse_reminders(fields: Table | None) -> Thresholds:
    """Optional reminder thresholds; each field left out keeps its default (50%, 75% or 15 min, 10 min)."""
    default = Thresholds()
    if fields is None:
        return default
    fields.only(REMINDER_KEYS)
    minutes = timedelta(minutes=1)
    heads_up = fields.whole("heads_up_percent", round(default.heads_up_fraction * 100), minimum=1, maximum=99)
    warning = fields.whole("warning_percent", round(default.warning_fraction * 100), minimum=heads_up + 1, maximum=99)
    warning_before = fields.whole("warning_minutes_before", default.warning_before // minutes, maximum=1440)
    update_before = fields.whole("update_minutes_before", default.update_before // minutes, minimum=1, maximum=1440)
    return Thresholds(heads_up / 100, warning / 100, warning_before * minutes, update_before * minutes)


def _parse_digest(fields: Table | None) -> DailyDigest | None:
    """The optional [contracts.<id>.digest] table: the local time of the daily digest ("09:00"); absent: none."""
    if fields is None:
        return None
    fields.only(DIGEST_KEYS)
    at = fields.matching("at", _LOCAL_TIME, 'a 24-hour local time written as "09:00"')
    return DailyDigest(time.fromisoformat(at))
