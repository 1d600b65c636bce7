"""The CLI's policy commands and option: `check [PATH...]` (validate policies and a contracts file, run every
`[[examples]]`), `explain --policy ID` (a policy in plain sentences), and `--policy-dir DIR` on every subcommand
(also SLAOPS_POLICY_DIRS, colon-separated). `cli` wires them in."""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sla_core.config import settings
from sla_core.config.contracts_check import check_contracts_file
from sla_core.engine.errors import PolicyError
from sla_core.engine.explain import explain_text
from sla_core.engine.policy_check import Finding, check_policy_files
from sla_core.engine.policy_files import POLICY_DIRS_ENV, extra_policy_dirs, policy_dirs, policy_files
from sla_core.engine.policy_registry import load_policy

DEPLOYMENT_POLICIES = Path("config/policies")
POLICY_DIR_HELP = f"also load the policies in DIR (repeatable; also {POLICY_DIRS_ENV}, colon-separated)"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A command's own text and exit code (`check` exits 2 when anything does not hold)."""

    text: str
    code: int = 0
    summary: str = ""

    def emit(self) -> int:
        """Print the text (and the summary to stderr); the exit code."""
        sys.stdout.write(self.text)
        sys.stdout.flush()
        if self.summary:
            print(self.summary, file=sys.stderr)
        return self.code


@contextmanager
def policy_dirs_of(args: argparse.Namespace) -> Iterator[None]:
    """The run's --policy-dir directories loaded beside the others; one that does not exist is an error."""
    dirs = [Path(d) for d in getattr(args, "policy_dir", None) or []]
    for directory in dirs:
        if not directory.is_dir():
            raise PolicyError(f"--policy-dir {directory}: not a directory of policy files")
    with extra_policy_dirs(dirs):
        yield


def _is_contracts(path: Path) -> bool:
    """Whether a file is a contracts file (it has [contracts.*] tables) rather than a policy."""
    try:
        return "contracts" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return path.name.startswith("contracts")


def _targets(paths: list[str]) -> tuple[list[Path], list[Path], list[Finding]]:
    """The policy files and contracts files to check (default: every policy directory and the contracts file)."""
    if not paths:
        dirs = [*policy_dirs(), *([DEPLOYMENT_POLICIES] if DEPLOYMENT_POLICIES.is_dir() else [])]
        contracts = settings.contracts_file()
        paths = [str(d) for d in dirs] + ([str(contracts)] if contracts.is_file() else [])
    policies: dict[Path, Path] = {}  # each file once, however it is named
    contracts_files: list[Path] = []
    missing: list[Finding] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            policies.update({p.resolve(): p for p in policy_files(path) if p.resolve() not in policies})
        elif not path.is_file():
            missing.append(Finding(text, None, "no such file or directory"))
        elif _is_contracts(path):
            contracts_files.append(path)
        else:
            policies.setdefault(path.resolve(), path)
    return list(policies.values()), contracts_files, missing


def _check(args: argparse.Namespace) -> Outcome:
    """`check`: every policy parsed and its examples run, its id against every other, then the contracts files."""
    policies, contracts, findings = _targets(args.paths)
    known = [path for directory in policy_dirs() if directory.is_dir() for path in policy_files(directory)]
    checked = check_policy_files(policies, known)
    found = [*findings, *checked.findings]
    if not checked.ids_taken:  # which policy a contract names is only clear once every id is someone's
        with extra_policy_dirs(dict.fromkeys(p.parent for p in policies)):
            found += [f for path in contracts for f in check_contracts_file(path)]
    errors = [f for f in found if not f.warning]
    if errors:
        problems = f"{len(errors)} problem{'' if len(errors) == 1 else 's'}"
        return Outcome("".join(f"{f}\n" for f in found), 2, f"check: {problems}")
    warned = "".join(f"{f}\n" for f in found)
    files = ", ".join(str(p) for p in contracts)
    counted = f"{checked.policies} polic{'y' if checked.policies == 1 else 'ies'} ({checked.examples} examples)"
    held = counted + (f" and {files}" if files else "")
    return Outcome(f"{warned}ok: {held} hold\n" + "".join(f"{note}\n" for note in checked.notes))


def _explain(args: argparse.Namespace) -> Outcome:
    """`explain`: the policy in plain sentences, for a tier and region when given."""
    return Outcome(explain_text(load_policy(args.policy), args.tier, args.region) + "\n")


HANDLERS: dict[str, Callable[[argparse.Namespace], Any]] = {"check": _check, "explain": _explain}


def add_policy_commands(commands: Any) -> None:
    """`check` and `explain`, then --policy-dir on every subcommand (call after all are added)."""
    check = commands.add_parser(
        "check", help="validate policies and a contracts file and run every policy's [[examples]]; exit 2 on problems"
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="policy files or directories and contracts files (default: every policy directory, config/policies "
        "and the contracts file)",
    )
    explain = commands.add_parser("explain", help="a policy in plain sentences: calendars, targets, terms, readings")
    explain.add_argument("--policy", required=True)
    explain.add_argument("--tier")
    explain.add_argument("--region")
    for parser in commands.choices.values():
        parser.add_argument("--policy-dir", action="append", metavar="DIR", help=POLICY_DIR_HELP)
