"""Every loaded policy (the shipped ones and a deployment's, see `policy_files`): validated once per set of
policy directories, looked up by id."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from sla_core.engine.errors import PolicyError
from sla_core.engine.policy import Policy
from sla_core.engine.policy_files import SHIPPED_DIR, policy_dirs, policy_paths
from sla_core.engine.policy_rules import parse_policy

POLICY_DIR = SHIPPED_DIR


def source_name(path: Path) -> str:
    """How errors name a policy file: a shipped one by its name, a deployment's by its path."""
    return path.name if path.parent.resolve() == SHIPPED_DIR.resolve() else str(path)


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source_name(path)}: not valid TOML: {exc}") from None
    return parse_policy(data, source_name(path))


def _all() -> dict[str, Policy]:
    return _loaded(policy_dirs())


@cache
def _loaded(dirs: tuple[Path, ...]) -> dict[str, Policy]:
    return {policy_id: load_policy_file(path) for policy_id, path in policy_paths().items()}  # ids match names


def policy_ids() -> tuple[str, ...]:
    """The ids of all loaded policies."""
    return tuple(_all())


def all_policies() -> list[Policy]:
    """Every loaded policy: the shipped ones in file-name order, then each deployment directory's."""
    return list(_all().values())


def load_policy(policy_id: str) -> Policy:
    """A policy by id (case-insensitive); an unknown id lists the valid ones."""
    policies = _all()
    for pid, policy in policies.items():
        if pid == policy_id.strip().lower():
            return policy
    raise PolicyError(f"unknown policy {policy_id!r}; valid: {', '.join(policies)}")
