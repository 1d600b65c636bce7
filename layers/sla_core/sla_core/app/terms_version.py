"""The version of a contract's terms: a content hash of its policy file and of its contracts.toml entry, stored
with the figures computed from them, so a deployment that changes either is noticed (see `terms_replay`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from sla_core.config.contract import Contract, ContractsConfig
from sla_core.engine.policy_files import policy_paths


def policy_text(policy_id: str) -> str:
    """The policy file as deployed (each file read once per process: a deployment starts new processes)."""
    return _read(policy_paths()[policy_id])


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def money_entry(contract: Contract) -> dict[str, Any]:
    """The entry's fields the figures are computed from, kept so figures under the old entry can be rebuilt."""
    activation = contract.activation_date.isoformat() if contract.activation_date else None
    return {"fee": f"{contract.fee:f}", "currency": contract.currency, "activation_date": activation}


def terms_version(contract: Contract) -> str:
    """16 hex digits that change whenever the policy file or anything in the contract's entry changes (the same
    in every process: sets and mappings are written sorted, so hash randomisation cannot move it)."""
    digest = hashlib.sha256(policy_text(contract.policy).encode("utf-8"))
    entry = canonical(contract)
    for name in _LATER:  # fields added since versions were first stored: left out while unset, so they stay equal
        if entry.get(name) is None:
            entry.pop(name, None)
    digest.update(json.dumps(entry, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:16]


_LATER = ("customer_timezone",)
_deployed: list[tuple[ContractsConfig, str]] = []


def deployed_version(contracts: ContractsConfig) -> str:
    """One hash of every contract's terms version: computed once per process for the deployed contracts (a
    deployment starts new processes), so an idle tick compares one string, not 1,000 policies."""
    for config, version in _deployed:
        if config is contracts:
            return version
    digest = hashlib.sha256()
    for contract_id in sorted(contracts.contracts):
        digest.update(f"{contract_id}={terms_version(contracts.contracts[contract_id])};".encode())
    version = digest.hexdigest()[:16]
    _deployed[:] = [(contracts, version)]
    return version


def canonical(value: Any) -> Any:
    """A value as JSON-ready builtins in one order: dataclasses by field, mappings by key, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted(str(canonical(v)) for v in value)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # Decimal, date, timedelta
