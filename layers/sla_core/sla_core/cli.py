"""Command line: `python -m sla_core policies | deadline | credit` — JSON on stdout, one-line errors, exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sla_core.deadlines import compute_deadline
from sla_core.errors import SlaError
from sla_core.instants import parse_instant
from sla_core.policy import all_policies, load_policy


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and go through the same exit-2 path as bad values."""

    def error(self, message: str) -> NoReturn:
        raise SlaError(f"{message} (see: {self.prog} --help)")


def _policies(_: argparse.Namespace) -> Any:
    return {"policies": [p.summary() for p in all_policies()]}


def _deadline(args: argparse.Namespace) -> Any:
    policy = load_policy(args.policy)
    opened = parse_instant(args.opened, "--opened")
    return compute_deadline(policy, args.severity, opened, args.metric, args.tier, args.region).as_dict()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sla_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("policies", help="list policy ids, vendors, tiers, regions and severities")
    deadline = commands.add_parser("deadline", help="when a target falls due")
    deadline.add_argument("--policy", required=True)
    deadline.add_argument("--tier")
    deadline.add_argument("--region")
    deadline.add_argument("--severity", required=True)
    deadline.add_argument("--opened", required=True, help="ISO 8601 with offset, e.g. 2026-03-09T10:15:00-04:00")
    deadline.add_argument("--metric", default="initial_response")
    return parser


HANDLERS: dict[str, Callable[[argparse.Namespace], Any]] = {"policies": _policies, "deadline": _deadline}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input prints one line to stderr and exits 2, never a traceback."""
    try:
        args = build_parser().parse_args(argv)
        result = HANDLERS[args.command](args)
    except SlaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0
