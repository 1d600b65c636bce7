"""docs/policy-language.md cannot drift: it is generated from the schema (`policy_schema`), and the schema lists
exactly the tables and fields the parsers read, checked by recording every table the parsers open while they
read every shipped and config/policies/ policy, a policy with pauses, and all their examples."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from sla_core.engine import toml_fields
from sla_core.engine.examples import parse_examples
from sla_core.engine.policy_files import SHIPPED_DIR, policy_files
from sla_core.engine.policy_parse import parse_policy
from sla_core.engine.policy_schema import CLAUSE_FIELDS, TABLES, TableDoc
from tests.conftest import ROOT
from tests.support.own_policy import write_pausing_policy
from tools.policy_reference import REFERENCE, reference

CLAUSE_KEYS = {f.key for f in CLAUSE_FIELDS}


def _steps(path: str) -> tuple[str, ...]:
    steps: list[str] = []
    for part in path.split(".") if path else []:
        steps += [part.removesuffix("[]"), "[]"] if part.endswith("[]") else [part]
    return tuple(steps)


PATTERNS = {_steps(t.path): t for t in TABLES}
CONTAINERS = {steps[: steps.index(s)] for steps in PATTERNS for s in steps if s.startswith("<")}


def _matches(pattern: tuple[str, ...], trail: tuple[str | int, ...]) -> bool:
    return len(pattern) == len(trail) and all(
        (p == "[]" and isinstance(t, int)) or (p.startswith("<") and isinstance(t, str)) or p == t
        for p, t in zip(pattern, trail, strict=True)
    )


def documented(trail: tuple[str | int, ...]) -> TableDoc | None:
    """The schema's table for a table the parser opened (literal paths before `<name>` ones)."""
    found = [t for pattern, t in PATTERNS.items() if _matches(pattern, trail)]
    return min(found, key=lambda t: t.path.count("<"), default=None)


def children(table: TableDoc) -> set[str]:
    """The keys of a table that are tables the schema documents at their own path."""
    own = _steps(table.path)
    return {p[len(own)] for p in [*PATTERNS, *CONTAINERS] if len(p) > len(own) and p[: len(own)] == own}


@pytest.fixture(scope="module")
def read(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str | int, ...], set[str]]:
    """Trail of every table the parsers opened → the keys they read there (asked for, given or not)."""
    opened: list[toml_fields.Table] = []
    original = toml_fields.Table.__init__

    def recording(self: toml_fields.Table, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        opened.append(self)

    paths = [*policy_files(SHIPPED_DIR), *policy_files(ROOT / "config" / "policies")]
    paths.append(write_pausing_policy(tmp_path_factory.mktemp("pausing")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(toml_fields.Table, "__init__", recording)
        for path in paths:
            parse_examples(parse_policy(tomllib.loads(path.read_text(encoding="utf-8")), path.name))
    keys: dict[tuple[str | int, ...], set[str]] = defaultdict(set)
    for table in opened:
        if table.trail[-1:] != ("other_values",):  # a clause field's value: this table's fields again
            keys[table.trail] |= table._read  # what the parser asked for, given or not
    return keys


def is_container(trail: tuple[str | int, ...]) -> bool:
    """A table whose keys are names of the tables in it (`[calendars]` of `[calendars.<id>]`)."""
    return any(_matches(container, trail) for container in CONTAINERS)


def test_every_table_the_parsers_open_is_documented(read: dict[tuple[str | int, ...], set[str]]) -> None:
    assert [trail for trail in read if documented(trail) is None and not is_container(trail)] == []


def test_every_field_the_parsers_read_is_documented(read: dict[tuple[str | int, ...], set[str]]) -> None:
    missing = set()
    for trail, keys in read.items():
        table = documented(trail)
        if table is None:
            continue
        allowed = {f.key for f in table.fields} | children(table) | set(table.keys)
        allowed |= CLAUSE_KEYS if table.clause else set()
        missing |= {f"{table.path or '(top)'}: {key}" for key in keys - allowed}
    assert missing == set()


def test_every_documented_field_is_read(read: dict[tuple[str | int, ...], set[str]]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for trail, keys in read.items():
        table = documented(trail)
        if table is not None:
            seen[table.path] |= keys
    stale = set()
    for table in TABLES:
        expected = {f.key for f in table.fields} | (CLAUSE_KEYS if table.clause else set())
        if table.keys:
            expected = set()  # a map's keys are data (causes); one policy need not name them all
        stale |= {f"{table.path or '(top)'}: {key}" for key in expected - seen[table.path]}
    assert stale == set(), "documented but never read (or no policy reaches the table)"


def test_the_reference_is_generated_from_the_schema() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), "run: python -m tools.policy_reference"


def test_the_reference_documents_every_table_and_field() -> None:
    text = Path(REFERENCE).read_text(encoding="utf-8")
    for table in TABLES:
        assert (f"## `{table.path}`" if table.path else "## The top level") in text
        for field in table.fields:
            assert f"| `{field.key}` |" in text
