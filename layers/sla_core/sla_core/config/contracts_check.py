"""`python -m sla_core check` for a contracts file: read as the functions read it at start (every contract against
its policy, holiday overrides against the holidays package, agreement dates against the terms a policy encodes),
each problem placed at its line."""

from __future__ import annotations

from pathlib import Path

from sla_core.config.contracts import read_contracts
from sla_core.engine.policy_check import Finding, finding


def check_contracts_file(path: Path) -> list[Finding]:
    """Every problem of the contracts file, sorted by line, or none."""
    problems = read_contracts(path)[1]
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    return sorted((finding(str(path), problem, text) for problem in problems), key=lambda f: f.line or 0)
