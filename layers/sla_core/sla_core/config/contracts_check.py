"""`python -m sla_core check` for a contracts file: read as the functions read it at start (every policy it names
among the loaded ones, holiday overrides known to the holidays package), its problem placed at its line."""

from __future__ import annotations

from pathlib import Path

from sla_core.config.contracts import ContractsError, check_holiday_overrides, load_contracts
from sla_core.engine.errors import PolicyError
from sla_core.engine.policy_check import Finding, finding
from sla_core.engine.policy_registry import load_policy


def check_contracts_file(path: Path) -> list[Finding]:
    """The contracts file's first problem (the reader stops there), or none; then every contract whose
    agreement_date its policy's terms do not cover (Atheer's apply to orders from 5 August 2023)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        config = load_contracts(path)
        check_holiday_overrides(config)
    except ContractsError as exc:
        return [finding(str(path), str(exc), text)]
    found: list[Finding] = []
    for contract in config.contracts.values():
        if contract.agreement_date is None:
            continue
        try:
            load_policy(contract.policy).tier_choice(contract.tier_written or contract.tier, contract.agreement_date)
        except PolicyError as exc:
            found.append(finding(str(path), f"{path}: contracts.{contract.id}.agreement_date: {exc}", text))
    return found
