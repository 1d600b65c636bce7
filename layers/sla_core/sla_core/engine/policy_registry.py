"""The shipped policies (`policies/*.toml`): loaded and validated once, looked up by id."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from sla_core.engine.errors import PolicyError
from sla_core.engine.policy import Policy
from sla_core.engine.policy_parse import parse_policy

POLICY_DIR = Path(__file__).parent / "policies"


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: not valid TOML: {exc}") from None
    return parse_policy(data, path.name)


@cache
def _all() -> dict[str, Policy]:
    return {p.id: p for p in (load_policy_file(f) for f in sorted(POLICY_DIR.glob("*.toml")))}


def policy_ids() -> tuple[str, ...]:
    """The ids of all shipped policies."""
    return tuple(_all())


def all_policies() -> list[Policy]:
    """Every shipped policy, in file-name order."""
    return list(_all().values())


def load_policy(policy_id: str) -> Policy:
    """A shipped policy by id (case-insensitive); an unknown id lists the valid ones."""
    policies = _all()
    for pid, policy in policies.items():
        if pid == policy_id.strip().lower():
            return policy
    raise PolicyError(f"unknown policy {policy_id!r}; valid: {', '.join(policies)}")
