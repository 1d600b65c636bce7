"""Where policy files are: the shipped ones (`engine/policies/`) and a deployment's own directories, each policy
id once (its file name without `.toml`). Listing them reads no policy.

A deployment's directories come from `SLAOPS_POLICY_DIRS` (colon-separated; template.yaml sets
`/opt/policies`, the contracts layer's `config/policies/`) and from `add_policy_dirs` or, for one run,
`extra_policy_dirs` (the CLI's `--policy-dir`, `check`'s paths). A deployment policy whose id is taken
already (a shipped one, or one in an earlier directory) is refused: nothing is silently shadowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sla_core.engine.errors import PolicyError

SHIPPED_DIR = Path(__file__).parent / "policies"
POLICY_DIRS_ENV = "SLAOPS_POLICY_DIRS"
_added: list[Path] = []


def add_policy_dirs(dirs: Iterable[Path | str]) -> None:
    """Load policies from these directories too (after the shipped ones and SLAOPS_POLICY_DIRS')."""
    _added.extend(Path(d) for d in dirs)


def reset_policy_dirs() -> None:
    """Forget directories added by `add_policy_dirs` (tests)."""
    _added.clear()


@contextmanager
def extra_policy_dirs(dirs: Iterable[Path | str]) -> Iterator[None]:
    """Load policies from these directories too while the block runs (the CLI's --policy-dir, `check`'s paths)."""
    added = [Path(d) for d in dirs]
    _added.extend(added)
    try:
        yield
    finally:
        for directory in added:
            _added.remove(directory)


def policy_files(directory: Path) -> list[Path]:
    """The policy files of one directory, by name (a policy's id is its file name without `.toml`)."""
    return sorted(directory.glob("*.toml"))


def policy_dirs() -> tuple[Path, ...]:
    """The shipped directory, then SLAOPS_POLICY_DIRS', then those added, each once, in that order."""
    return _distinct(os.environ.get(POLICY_DIRS_ENV, ""), tuple(_added))


@cache
def _distinct(from_env: str, added: tuple[Path, ...]) -> tuple[Path, ...]:
    """`policy_dirs` for these settings, resolved once (every policy lookup asks: a sweep, once per contract)."""
    found: list[Path] = []
    for directory in (SHIPPED_DIR, *(Path(d) for d in from_env.split(":") if d.strip()), *added):
        if directory.resolve() not in (d.resolve() for d in found):
            found.append(directory)
    return tuple(found)


def policy_paths() -> dict[str, Path]:
    """Policy id → its file, over every policy directory; a missing directory or a taken id is a PolicyError."""
    return dict(_paths(policy_dirs()))


@cache
def _paths(dirs: tuple[Path, ...]) -> tuple[tuple[str, Path], ...]:
    found: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise PolicyError(f"{directory}: policy directory not found (set by {POLICY_DIRS_ENV} or --policy-dir)")
        for path in policy_files(directory):
            taken = found.get(path.stem)
            if taken is not None:
                raise PolicyError(f"{path}: {taken_id(path, taken)}")
            found[path.stem] = path
    return tuple(found.items())


def taken_id(path: Path, other: Path) -> str:
    """Why a policy file whose id another file has is refused."""
    return (
        f"policy id {path.stem!r} is taken by {other}; give this policy another id (a deployment policy never "
        "replaces another)"
    )
