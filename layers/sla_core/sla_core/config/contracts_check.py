"""`python -m sla_core check` for a contracts file: read as the functions read it at start (every policy it names
among the loaded ones, holiday overrides known to the holidays package), each problem placed at its line; then
every contract whose agreement_date its policy's terms do not cover (Atheer's apply to orders from 5 August 2023)."""

from __future__ import annotations

from pathlib import Path

from sla_core.config.contracts import ContractsError, check_holiday_overrides, read_contracts
from sla_core.engine.errors import PolicyError
from sla_core.engine.policy_check import Finding, finding
from sla_core.engine.policy_registry import load_policy


def check_contracts_file(path: Path) -> list[Finding]:
    """Every problem of the contracts file, sorted by line, or none."""
    config, problems = read_contracts(path)
    if config is not None:
        try:
            check_holiday_overrides(config)
        except ContractsError as exc:
            problems = [str(exc)]
        for contract in config.contracts.values() if not problems else ():
            if contract.agreement_date is None:
                continue
            try:
                load_policy(contract.policy).tier_choice(
                    contract.tier_written or contract.tier, contract.agreement_date
                )
            except PolicyError as exc:
                problems.append(f"{path}: contracts.{contract.id}.agreement_date: {exc}")
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    return sorted((finding(str(path), problem, text) for problem in problems), key=lambda f: f.line or 0)
