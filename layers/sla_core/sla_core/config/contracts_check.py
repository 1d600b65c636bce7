"""`python -m sla_core check` for a contracts file: read as the functions read it at start (every policy it names
among the loaded ones, holiday overrides known to the holidays package), its problem placed at its line."""

from __future__ import annotations

from pathlib import Path

from sla_core.config.contracts import ContractsError, check_holiday_overrides, load_contracts
from sla_core.engine.policy_check import Finding, finding


def check_contracts_file(path: Path) -> list[Finding]:
    """The contracts file's first problem (the reader stops there), or none."""
    try:
        check_holiday_overrides(load_contracts(path))
    except ContractsError as exc:
        text = path.read_text(encoding="utf-8") if path.is_file() else None
        return [finding(str(path), str(exc), text)]
    return []
