"""The contracts a deployment tracks, read from config/contracts.toml into its model (`contracts_file`) and checked
against the policies it names: a bad file stops the function at start with every problem, one line each, as the
policy files' are (`engine.toml_decode`), so a typo never silently drops a contract or mis-maps an incident. Each
contract is checked against its policy as the engine loads it (`load_contracts`, off the Slack ack path, which reads
the file alone: `read_contracts_file`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import msgspec

from sla_core.config import settings
from sla_core.config.contracts_file import ContractEntry, ContractsFile, OutagesEntry, PagerDutyEntry
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.toml_decode import Decoder, Problem, shown
from sla_core.engine.zones import Zone, parse_zone
from sla_core.incidents.thresholds import Thresholds

if TYPE_CHECKING:  # built only where contracts are loaded: the Slack ack path reads the file and stops there
    from sla_core.config.contract import Contract, ContractsConfig
    from sla_core.engine.policy import Policy

DECODER = Decoder({Zone: parse_zone})
_MINUTE = timedelta(minutes=1)


class ContractsError(SlaError):
    """The contracts file is invalid: one line naming the file, contract, field and what is accepted."""


def load_contracts(path: Path | str | None = None) -> ContractsConfig:
    """Read and validate a contracts file (default: CONTRACTS_FILE, else config/contracts.toml)."""
    config, problems = read_contracts(path)
    if config is None:
        raise ContractsError("\n".join(problems))
    return config


def read_contracts_file(path: Path | str | None = None) -> ContractsFile:
    """The contracts file read into its model and checked on its own, without the policies it names (the Slack
    ack path's check at cold start: reading every policy file costs more than the ack may); a ContractsError
    names every problem."""
    source, data, problems = _read(path)
    found, found_problems = DECODER.decode(data, ContractsFile) if data is not None else (None, [])
    problems += [problem.line(source) for problem in found_problems]
    if found is None or problems:
        raise ContractsError("\n".join(problems))
    return found  # type: ignore[no-any-return]


def read_contracts(path: Path | str | None = None) -> tuple[ContractsConfig | None, list[str]]:
    """A contracts file read and checked: the config (None when it has problems) and every problem, one line each."""
    source, data, problems = _read(path)
    config, found = contracts_problems(data, source) if data is not None else (None, [])
    return config, problems + [problem.line(source) for problem in found]


def _read(path: Path | str | None) -> tuple[str, dict[str, Any] | None, list[str]]:
    """The file as its problems name it, its TOML (None when it does not read) and why not."""
    source = Path(path) if path is not None else settings.contracts_file()
    try:
        return str(source), tomllib.loads(source.read_text(encoding="utf-8")), []
    except FileNotFoundError:
        return str(source), None, [f"{source}: file not found (set CONTRACTS_FILE to the contracts file)"]
    except tomllib.TOMLDecodeError as error:
        return str(source), None, [f"{source}: not valid TOML: {error}"]


def parse_contracts(data: Mapping[str, Any], *, source: str = "<contracts>") -> ContractsConfig:
    """Validate already-parsed TOML; a ContractsError names every problem, one line each."""
    config, problems = contracts_problems(data, source)
    if config is None:
        raise ContractsError("\n".join(problem.line(source) for problem in problems))
    return config


def contracts_problems(data: Mapping[str, Any], source: str) -> tuple[ContractsConfig | None, list[Problem]]:
    """The contracts of parsed TOML, each checked against its policy (all must load); every problem found."""
    from sla_core.config.contract import ContractsConfig  # noqa: PLC0415 - off the Slack ack path, see above
    from sla_core.engine.policy_registry import all_policies  # noqa: PLC0415

    found, problems = DECODER.decode(data, ContractsFile)
    if found is None:
        return None, problems
    if not found.contracts:
        problems.append(Problem("contracts", "no contract defined", "one [contracts.<id>] table each"))
    try:
        policies = {policy.id: policy for policy in all_policies()}
    except PolicyError as error:
        return None, [*problems, *(Problem("", f"policies do not load: {line}") for line in str(error).splitlines())]
    contracts: dict[str, Contract] = {}
    owners: dict[str, str] = {}
    for contract_id, entry in found.contracts.items():
        where = f"contracts.{contract_id}"
        local = list(_entry_problems(entry, policies))
        problems += [Problem(f"{where}.{p.path}", p.problem, p.accepted) for p in local]
        for service_id in entry.pagerduty.service_ids if entry.pagerduty else ():
            if service_id in owners:
                problems.append(Problem(
                    f"{where}.pagerduty.service_ids", f"{service_id} already belongs to contract "
                    f"{shown(owners[service_id])}", "each service on one contract",
                ))  # fmt: skip
            owners.setdefault(service_id, contract_id)
        if not local:
            contracts[contract_id] = _contract(contract_id, entry, policies[entry.policy])
    if problems:
        return None, problems
    config = ContractsConfig(
        found.default_channel, MappingProxyType(contracts), source, frozenset(found.default_resolve)
    )
    return config, []


def _entry_problems(entry: ContractEntry, policies: Mapping[str, Policy]) -> Iterator[Problem]:
    """What a contract entry must agree on with its policy, and its fields with each other (paths relative)."""
    if entry.policy not in policies:
        yield Problem("policy", f"{shown(entry.policy)} is not a policy", ", ".join(policies))
        return
    name, policy = entry.policy, policies[entry.policy]
    tier = [*_named(entry.tier, "tier", tuple(policy.tiers), f"a tier of {name}", f"{name} has no tiers")]
    yield from tier
    yield from _named(entry.region, "region", tuple(policy.regions), f"a support region of {name}",
                      f"{name} has no support regions")  # fmt: skip
    if not tier:
        try:  # another name for a tier may hold only in older agreements; a policy may encode later terms only
            policy.tier_choice(entry.tier, entry.agreement_date)
        except PolicyError as exc:
            yield Problem("agreement_date", str(exc))
    yield from _subset(entry.components, "components", policy.components, f"components of {name}")
    if entry.holidays is not None:
        from sla_core.engine.holiday_sets import holiday_problem  # noqa: PLC0415 - it imports `holidays`

        unknown = holiday_problem(entry.holidays.country, entry.holidays.subdiv)
        yield from [Problem(f"holidays.{unknown[0]}", unknown[1], unknown[2])] if unknown else []
    pagerduty = entry.pagerduty or PagerDutyEntry()
    named = {f"pagerduty.priorities.{priority}": severity for priority, severity in pagerduty.priorities.items()}
    for key, severity in [*named.items(), ("pagerduty.default_severity", pagerduty.default_severity)]:
        if severity is not None and severity.lower() not in {s.lower() for s in policy.severities}:
            yield Problem(key, f"{shown(severity)} is not a severity of {name}", ", ".join(policy.severities))
    outages = entry.outages or OutagesEntry()
    yield from _subset(outages.severities, "outages.severities", tuple(policy.severities), f"severities of {name}")
    for service in outages.services:
        if service not in pagerduty.service_ids:
            yield Problem(f"outages.services.{service}", f"{shown(service)} is not one of this contract's "
                          "pagerduty.service_ids", ", ".join(pagerduty.service_ids) or "none configured")  # fmt: skip
    yield from _dates(entry, policy)


def _named(value: str | None, key: str, known: tuple[str, ...], kind: str, none: str) -> Iterator[Problem]:
    if not known and value is not None:
        yield Problem(key, f"{shown(value)} is not allowed here ({none})", f"no {key} field")
    elif known and value is None:
        yield Problem(key, "is required", ", ".join(known))
    elif known and value not in known:
        yield Problem(key, f"{shown(value)} is not {kind}", ", ".join(known))


def _subset(values: tuple[str, ...] | None, key: str, allowed: tuple[str, ...], kind: str) -> Iterator[Problem]:
    if values is not None and (not values or not set(values) <= set(allowed)):
        yield Problem(key, f"{shown(list(values))} is not a non-empty list of {kind}", ", ".join(allowed))


def _dates(entry: ContractEntry, policy: Policy) -> Iterator[Problem]:
    agreement, renewal = entry.agreement_date, entry.renewal_date
    if renewal is not None and agreement is not None and renewal <= agreement:
        yield Problem("renewal_date", f"{renewal.isoformat()} is not after agreement_date {agreement.isoformat()}",
                      "a date after the agreement_date")  # fmt: skip
    counted_from = policy.availability.counts_from if policy.availability is not None else None
    if entry.activation_date is not None and counted_from is None:
        yield Problem("activation_date", f"{entry.activation_date.isoformat()} is not allowed here ({policy.id} does "
                      "not measure availability from it)", "no activation_date field")  # fmt: skip
    customer = policy.needs_customer_zone
    if entry.customer_timezone is None and customer:
        yield Problem("customer_timezone", f"is required: {policy.id} keeps a calendar in the customer's local time "
                      '(timezone = "customer")', "an IANA zone such as 'Europe/Berlin'")  # fmt: skip
    elif entry.customer_timezone is not None and not customer:
        yield Problem("customer_timezone", f"{shown(entry.customer_timezone)} is not allowed here ({policy.id} keeps "
                      "no calendar in the customer's local time)", "no customer_timezone field")  # fmt: skip
    if entry.prepaid is not None and (policy.termination is None or policy.termination.refund is None):
        yield Problem("prepaid", f"a table is not allowed here ({policy.id} refunds no prepaid fees on termination)",
                      "no prepaid field")  # fmt: skip
    elif entry.prepaid is not None and entry.prepaid.through < entry.prepaid.first:
        first, last = entry.prepaid.first.isoformat(), entry.prepaid.through.isoformat()
        yield Problem("prepaid.through", f"{last} is before from ({first})", "a date on or after from")
    reminders = entry.reminders
    if reminders is not None and reminders.warning_percent <= reminders.heads_up_percent:
        least = reminders.heads_up_percent + 1
        problem = f"{reminders.warning_percent} is not a whole number from {least} to 99"
        yield Problem(
            "reminders.warning_percent", problem, f"a whole number from {least} to 99 (above heads_up_percent)"
        )


def _contract(contract_id: str, entry: ContractEntry, policy: Policy) -> Contract:
    """A checked entry as the engine and the front ends use it: tier names resolved, defaults filled in."""
    from sla_core.config import contract  # noqa: PLC0415 - off the Slack ack path, see above
    from sla_core.engine.refunds import Prepaid  # noqa: PLC0415

    tier = policy.tier_choice(entry.tier, entry.agreement_date)
    severities = {s.lower(): s for s in policy.severities}
    pagerduty, reminders, prepaid = entry.pagerduty or PagerDutyEntry(), entry.reminders, entry.prepaid
    return contract.Contract(
        id=contract_id,
        name=entry.name or contract_id,
        tier=tier.id,
        fee=Decimal(entry.fee),
        components=entry.components or policy.components,
        record_downtime=frozenset(entry.record_downtime),
        resolve=frozenset(entry.resolve),
        pagerduty=msgspec.structs.replace(
            pagerduty,
            priorities={p: severities[s.lower()] for p, s in pagerduty.priorities.items()},
            default_severity=severities[pagerduty.default_severity.lower()] if pagerduty.default_severity else None,
        ),
        reminders=Thresholds(
            reminders.heads_up_percent / 100,
            reminders.warning_percent / 100,
            reminders.warning_minutes_before * _MINUTE,
            reminders.update_minutes_before * _MINUTE,
        )
        if reminders
        else Thresholds(),
        outages=entry.outages or OutagesEntry(),
        tier_written=tier.written,
        prepaid=Prepaid(Decimal(prepaid.fees), prepaid.first, prepaid.through) if prepaid else None,
        digest=contract.DailyDigest(time.fromisoformat(entry.digest.at)) if entry.digest else None,
        **{key: getattr(entry, key) for key in _AS_WRITTEN},
    )


_AS_WRITTEN = ("policy", "region", "currency", "perspective", "slack_channel", "escalation_group", "agreement_date",
               "renewal_date", "activation_date", "customer_timezone", "holidays")  # fmt: skip
