"""Writes docs/policy-language.md, docs/policy.schema.json and docs/contracts.schema.json from the language's
model (the msgspec Structs of `sla_core.engine.policy`, `terms`, `example_cases` and `sla_core.config.contracts_file`),
the reference with the policies that use each field (the shipped ones and config/policies/):
`python -m tools.policy_reference`. `--check` exits 1 when a file differs from what would be written (a test runs
the same comparison)."""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi

from sla_core.config.contracts_file import ContractsFile
from sla_core.engine.clauses import Clauses
from sla_core.engine.example_cases import InstantOrNone
from sla_core.engine.holiday_rules import RULE_ACCEPTED
from sla_core.engine.policy import PolicyFile
from sla_core.engine.policy_files import SHIPPED_DIR, policy_files
from sla_core.engine.spans import CLAIM_SPAN_ACCEPTED, SPAN_ACCEPTED
from sla_core.engine.terms import Percent
from sla_core.engine.toml_decode import describe, shown
from sla_core.engine.windows import Windows
from sla_core.engine.zones import CalendarZone, Zone

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "policy-language.md"
POLICY_SCHEMA = ROOT / "docs" / "policy.schema.json"
CONTRACTS_SCHEMA = ROOT / "docs" / "contracts.schema.json"
DEPLOYMENT_DIR = ROOT / "config" / "policies"

INTRO = """# The policy language

A policy is one TOML file per contract: `layers/sla_core/sla_core/engine/policies/<id>.toml` for the shipped
ones, `config/policies/<id>.toml` (or any `--policy-dir` / `SLAOPS_POLICY_DIRS` directory) for a deployment's
own. Its `id` is its file name; an id that is taken already is refused, never shadowed. `python -m sla_core
check` validates every policy and runs its `[[examples]]`; `python -m sla_core explain --policy <id>` says what
a policy means in plain sentences. The README's "Add your own contract" goes from a contract's text to a checked
policy step by step. Editors that read JSON Schema (Taplo, Even Better TOML) validate and complete a policy
file against `docs/policy.schema.json` when its first line is `#:schema <path to>/docs/policy.schema.json`.

`check` reports every problem of every file in one run, sorted by line, each
`file:line: field.path: problem; accepted: what is accepted`: unknown keys are named (with "did you mean" when
close), a missing key at the line of its table. Decimals (percents, amounts) are written as strings (`"99.9"`):
floats are inexact. Durations (`duration`) count a calendar's open time and may be business days or weeks;
spans (`allowance`, `deadline`, ...) are whole minutes, hours or days, days being calendar days where a deadline
is counted (a claim `deadline` may be business days too). A clause the language cannot compute is stated as a
reading whose other reading is text only (`explain` and every result show it), never computed wrongly.

This file and the JSON Schemas are generated from the language's model (the msgspec Structs in
`engine/policy.py`, `engine/terms.py`, `engine/example_cases.py`) by `python -m tools.policy_reference`; a test
fails when they differ. "Used by" lists the shipped policies and those in config/policies/ that set the field.
"""

# -- the reference ---------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kind(kind: Any) -> Any:
    """The type under Annotated metadata and `| None`."""
    while True:
        if isinstance(kind, mi.Metadata):
            kind = kind.type
        elif isinstance(kind, mi.UnionType):
            kind = next(t for t in kind.types if not isinstance(t, mi.NoneType))
        else:
            return kind


def _table_of(kind: Any) -> tuple[str, mi.StructType] | None:
    """(how the path goes on: '', '[]' or '.<name>', the Struct) for a field that is a table or tables."""
    kind = _kind(kind)
    if isinstance(kind, mi.StructType):
        return "", kind
    if isinstance(kind, mi.ListType | mi.VarTupleType) and isinstance(_kind(kind.item_type), mi.StructType):
        return "[]", _kind(kind.item_type)
    if isinstance(kind, mi.DictType) and isinstance(_kind(kind.value_type), mi.StructType):
        key = _kind(kind.key_type)
        name = "<cause>" if isinstance(key, mi.LiteralType) else "<id>"
        return f".{name}", _kind(kind.value_type)
    return None


def tables(cls: type[Any]) -> Iterator[tuple[str, mi.StructType]]:
    """Every table of a model, by its path ('', 'calendars.<id>', 'severities[].targets[]', ...), in field order."""

    def walk(path: str, kind: mi.StructType) -> Iterator[tuple[str, mi.StructType]]:
        yield path, kind
        for field in kind.fields:
            found = _table_of(field.type)
            if found is not None and not field.name.startswith("_"):
                step, inner = found
                yield from walk(f"{path}.{field.encode_name}{step}" if path else f"{field.encode_name}{step}", inner)

    root = mi.type_info(cls)
    assert isinstance(root, mi.StructType)
    yield from walk("", root)


_CLAUSE_KEYS = {f.name for f in msgspec.structs.fields(Clauses)}


def _rows(kind: mi.StructType, own: bool) -> list[mi.Field]:
    """A table's fields the reference lists in its rows: not its sub-tables, not `_` fields; `own`: without the
    clause fields (listed once for all)."""
    return [
        f
        for f in kind.fields
        if not f.name.startswith("_")
        and _table_of(f.type) is None
        and not (own and issubclass(kind.cls, Clauses) and f.name in _CLAUSE_KEYS)
    ]


def _extra(field: mi.Field) -> dict[str, Any]:
    return dict(field.type.extra or {}) if isinstance(field.type, mi.Metadata) else {}


def _meaning(field: mi.Field) -> str:
    schema = field.type.extra_json_schema if isinstance(field.type, mi.Metadata) else None
    return str((schema or {}).get("description", ""))


def _default(field: mi.Field) -> str:
    extra = _extra(field)
    if "default" in extra:
        return str(extra["default"])
    if field.required:
        return "required"
    default = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
    if isinstance(default, tuple | str):
        return json.dumps(list(default) if isinstance(default, tuple) else default, ensure_ascii=False)
    return shown(default) if default not in (None, "") else "none"


def _policies() -> dict[str, Mapping[str, Any]]:
    """Every shipped and config/policies/ policy, parsed as TOML, by the name it is listed under."""
    found: dict[str, Mapping[str, Any]] = {}
    for directory, mark in ((SHIPPED_DIR, ""), (DEPLOYMENT_DIR, " (config/policies)")):
        for path in policy_files(directory) if directory.is_dir() else []:
            found[path.stem + mark] = tomllib.loads(path.read_text(encoding="utf-8"))
    return found


def _tables_at(node: Any, steps: list[str]) -> Iterator[Mapping[str, Any]]:
    """Every table of a parsed policy at a reference path."""
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


def _steps(path: str) -> list[str]:
    steps: list[str] = []
    for part in path.split(".") if path else []:
        name = part.removesuffix("[]")
        steps += [name, "[]"] if part.endswith("[]") else [name]
    return steps


def _field_rows(fields: list[mi.Field], users: Any = None) -> list[str]:
    head = "| field | type | default | meaning | example |" + (" used by |" if users else "")
    rows = [head, "|---|---|---|---|---|" + ("---|" if users else "")]
    for f in fields:
        used = f" {_cell(users(f.encode_name))} |" if users else ""
        example = str(_extra(f).get("example", ""))
        rows.append(
            f"| `{f.encode_name}` | {_cell(describe(f.type))} | {_cell(_default(f))} | {_cell(_meaning(f))} | "
            f"`{_cell(example)}` |{used}"
        )
    return rows


def _doc(cls: type[Any]) -> str:
    """A table's docstring without its `[path]` prefix: what the table says."""
    text = " ".join((cls.__doc__ or "").split())
    head, colon, rest = text.partition("`: ")
    return rest[:1].upper() + rest[1:] if colon and head.startswith("`") else text


def reference() -> str:
    """The whole generated reference."""
    policies = _policies()
    clause = [f for f in mi.type_info(Clauses).fields if not f.name.startswith("_")]  # type: ignore[attr-defined]
    lines = [
        INTRO,
        "## Clause fields",
        "",
        "Every table marked so takes these: the contract's words and, where they are ambiguous, the reading "
        "taken and the other one (as text, and where it can be, as data the engine computes again).",
        "",
        *_field_rows(clause),
        "",
    ]
    for path, kind in tables(PolicyFile):
        title = "The top level" if not path else f"`{path}`"
        lines += [f"## {title}", "", _doc(kind.cls), ""]
        if issubclass(kind.cls, Clauses):
            lines += ["Takes the clause fields (`quote` required; `reading`, `other_reading`, `other_values`, "
                      "`other_without`).", ""]  # fmt: skip

        def users(key: str, path: str = path) -> str:
            found = [n for n, data in policies.items() if any(key in t for t in _tables_at(data, _steps(path)))]
            return ", ".join(found) or "—"

        lines += [*_field_rows(_rows(kind, own=True), users), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# -- the JSON Schemas ------------------------------------------------------------------------------------------

_LEAVES: dict[type, dict[str, Any]] = {
    Windows: {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": Windows.ACCEPTED},
    Zone: {"type": "string", "description": "An IANA time zone name, e.g. America/New_York."},
    CalendarZone: {"type": "string", "description": CalendarZone.ACCEPTED},
    Percent: {"anyOf": [{"type": "string", "pattern": r"^\d+(\.\d+)?$"}, {"type": "integer", "minimum": 0}]},
    InstantOrNone: {"anyOf": [{"type": "string", "format": "date-time"}, {"const": "none"}]},
}
_DATACLASS_LEAVES = {
    "HolidayRule": {"type": "string", "description": RULE_ACCEPTED},
    "Span": {"type": "string", "pattern": r"^\s*\d+\s*(minute|hour|day)s?\s*$", "description": SPAN_ACCEPTED},
    "ClaimSpan": {
        "type": "string",
        "pattern": r"(?i)^\s*\d+\s*(minute|hour|day|business\s+day)s?\s*$",
        "description": CLAIM_SPAN_ACCEPTED,
    },
    "Duration": {
        "type": "string",
        "pattern": r"(?i)^\s*\d+(\.\d+)?\s*(minutes?|hours?|business\s+days?|weeks?)\s*$",
        "description": "'30 minutes', '4 hours', '2 business days' or '1 week'",
    },
}


def _hook(cls: type[Any]) -> dict[str, Any]:
    return dict(_LEAVES[cls])


def _clean(node: Any) -> Any:
    """The schema as Taplo reads it (draft 7): `definitions`, no `_` fields, decimals as strings or integers."""
    if isinstance(node, dict):
        node = {k: _clean(v) for k, v in node.items()}
        branches = node.get("anyOf")
        if isinstance(branches, list) and {"type": "null"} in branches:  # `T | None`: TOML has no null, T left out
            rest = [b for b in branches if b != {"type": "null"}]
            node = {k: v for k, v in node.items() if k != "anyOf"} | (rest[0] if len(rest) == 1 else {"anyOf": rest})
        if node.get("default", 0) is None:
            del node["default"]
        if isinstance(node.get("properties"), dict):
            node["properties"] = {k: v for k, v in node["properties"].items() if not k.startswith("_")}
            if "required" in node:
                node["required"] = [k for k in node["required"] if not k.startswith("_")]
        if isinstance(node.get("default"), dict):  # a table's default: the table left out
            del node["default"]
        if node.get("format") == "decimal":
            node = {"anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "integer"}]}
        if isinstance(node.get("$ref"), str):
            node["$ref"] = node["$ref"].replace("#/$defs/", "#/definitions/")
        return node
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def schema(cls: type[Any], title: str) -> dict[str, Any]:
    """The JSON Schema (draft 7) of a model's file."""
    found = msgspec.json.schema(cls, schema_hook=_hook)
    defs = found.pop("$defs")
    defs.update({name: spec for name, spec in _DATACLASS_LEAVES.items() if name in defs})
    root = defs[found["$ref"].rsplit("/", 1)[1]]
    cleaned: dict[str, Any] = _clean({"$schema": "http://json-schema.org/draft-07/schema#", "title": title, **root})
    return cleaned | {"definitions": _clean(defs)}


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    """Every generated file and its text."""
    return {
        REFERENCE: reference(),
        POLICY_SCHEMA: _json(schema(PolicyFile, "slaops policy")),
        CONTRACTS_SCHEMA: _json(schema(ContractsFile, "slaops contracts.toml")),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the reference and the schemas, or with --check say whether they are up to date."""
    parser = argparse.ArgumentParser(prog="python -m tools.policy_reference", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for path, text in outputs().items():
        if args.check:
            if (path.read_text(encoding="utf-8") if path.exists() else "") != text:
                print(f"{path.relative_to(ROOT)} is out of date: run python -m tools.policy_reference", file=sys.stderr)
                stale = 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
