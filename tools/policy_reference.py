"""Writes docs/policy-language.md from the policy language's schema (`sla_core.engine.policy_schema`), with the
policies that use each field (the shipped ones and config/policies/): `python -m tools.policy_reference`.
`--check` exits 1 when the file differs from what would be written (a test runs the same comparison)."""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sla_core.engine.policy_files import SHIPPED_DIR, policy_files
from sla_core.engine.policy_schema import CLAUSE_FIELDS, TABLES, FieldDoc, TableDoc

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "policy-language.md"
DEPLOYMENT_DIR = ROOT / "config" / "policies"

INTRO = """# The policy language

A policy is one TOML file per contract: `layers/sla_core/sla_core/engine/policies/<id>.toml` for the shipped
ones, `config/policies/<id>.toml` (or any `--policy-dir` / `SLAOPS_POLICY_DIRS` directory) for a deployment's
own. Its `id` is its file name; an id that is taken already is refused, never shadowed. `python -m sla_core
check` validates every policy and runs its `[[examples]]`; `python -m sla_core explain --policy <id>` says what
a policy means in plain sentences. The README's "Add your own contract" goes from a contract's text to a checked
policy step by step.

Every problem is one line, `file:line: field.path: problem; accepted: what is accepted`. Decimals (percents,
amounts) are written as strings (`"99.9"`): floats are inexact. Durations (`duration`) count a calendar's open
time and may be business days or weeks; spans (`allowance`, `deadline`, ...) are whole minutes, hours or days,
days being calendar days where a deadline is counted. A clause the language cannot compute is stated as a
reading whose other reading is text only (`explain` and every result show it), never computed wrongly.

This file is generated from `layers/sla_core/sla_core/engine/policy_schema.py` by
`python -m tools.policy_reference`; a test fails when it differs, and when a parser reads a field the schema
does not list. "Used by" lists the shipped policies and those in config/policies/ that set the field.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _steps(path: str) -> list[str]:
    """'severities[].targets[]' → ['severities', '[]', 'targets', '[]']."""
    steps: list[str] = []
    for part in path.split(".") if path else []:
        name = part.removesuffix("[]")
        steps += [name, "[]"] if part.endswith("[]") else [name]
    return steps


def _tables_at(node: Any, steps: list[str]) -> Iterator[Mapping[str, Any]]:
    """Every table of a parsed policy at a schema path."""
    if not steps:
        if isinstance(node, Mapping):
            yield node
        return
    step, rest = steps[0], steps[1:]
    if step == "[]":
        for item in node if isinstance(node, list) else []:
            yield from _tables_at(item, rest)
    elif step.startswith("<"):
        for value in node.values() if isinstance(node, Mapping) else []:
            yield from _tables_at(value, rest)
    elif isinstance(node, Mapping) and step in node:
        yield from _tables_at(node[step], rest)


def _policies() -> dict[str, Mapping[str, Any]]:
    """Every shipped and config/policies/ policy, parsed as TOML, by the name it is listed under."""
    found: dict[str, Mapping[str, Any]] = {}
    for directory, mark in ((SHIPPED_DIR, ""), (DEPLOYMENT_DIR, " (config/policies)")):
        for path in policy_files(directory) if directory.is_dir() else []:
            found[path.stem + mark] = tomllib.loads(path.read_text(encoding="utf-8"))
    return found


def _users(table: TableDoc, key: str, policies: Mapping[str, Mapping[str, Any]]) -> str:
    """The policies that set `key` in a table at this table's path."""
    return (
        ", ".join(
            name for name, data in policies.items() if any(key in t for t in _tables_at(data, _steps(table.path)))
        )
        or "—"
    )


def _field_rows(fields: tuple[FieldDoc, ...], users: Any = None) -> list[str]:
    head = "| field | type | default | meaning | example |" + (" used by |" if users else "")
    rows = [head, "|---|---|---|---|---|" + ("---|" if users else "")]
    for f in fields:
        used = f" {_cell(users(f.key))} |" if users else ""
        rows.append(
            f"| `{f.key}` | {_cell(f.type)} | {_cell(f.default)} | {_cell(f.meaning)} | `{_cell(f.example)}` |{used}"
        )
    return rows


def _table_section(table: TableDoc, policies: Mapping[str, Mapping[str, Any]]) -> list[str]:
    title = "The top level" if not table.path else f"`{table.path}`"
    lines = [f"## {title}", "", table.meaning, ""]
    if table.keys:
        lines += ["| key | value | used by |", "|---|---|---|"]
        lines += [f"| `{key}` | {_cell(table.value)} | {_users(table, key, policies)} |" for key in table.keys]
        return [*lines, ""]
    if table.clause:
        lines += [
            "Takes the clause fields (`quote` required; `reading`, `other_reading`, `other_values`, `other_without`).",
            "",
        ]
    return [*lines, *_field_rows(table.fields, lambda key: _users(table, key, policies)), ""]


def reference() -> str:
    """The whole generated reference."""
    policies = _policies()
    lines = [
        INTRO,
        "## Clause fields",
        "",
        "Every table marked so takes these: the contract's words and, where they are ambiguous, the reading "
        "taken and the other one (as text, and where it can be, as data the engine computes again).",
        "",
        *_field_rows(CLAUSE_FIELDS),
        "",
    ]
    for table in TABLES:
        lines += _table_section(table, policies)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the reference, or with --check say whether it is up to date."""
    parser = argparse.ArgumentParser(prog="python -m tools.policy_reference", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/policy-language.md is out of date")
    args = parser.parse_args(argv)
    text = reference()
    if args.check:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(
                f"{REFERENCE.relative_to(ROOT)} is out of date: run python -m tools.policy_reference", file=sys.stderr
            )
            return 1
        return 0
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
