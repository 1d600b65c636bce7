"""docs/policy-language.md and the JSON Schemas cannot drift: they are generated from the language's model (the
msgspec Structs the policy and contracts files are read into), and every shipped and example policy and the
contracts file validate against the schemas, as an editor (Taplo, Even Better TOML) would validate them."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sla_core.config.contracts import ContractsError, read_contracts_file
from sla_core.engine.policy import PolicyFile
from sla_core.engine.policy_files import SHIPPED_DIR, policy_files
from tests.conftest import ROOT
from tests.support.own_policy import (
    write_clauses_policy,
    write_hosting_policy,
    write_pausing_policy,
    write_uptime_policy,
)
from tools.policy_reference import CONTRACTS_SCHEMA, POLICY_SCHEMA, REFERENCE, outputs, tables


def as_json(node: Any) -> Any:
    """Parsed TOML as JSON Schema sees it: dates and times as their ISO strings (Taplo does the same)."""
    if isinstance(node, dict):
        return {key: as_json(value) for key, value in node.items()}
    if isinstance(node, list):
        return [as_json(value) for value in node]
    if isinstance(node, date | datetime | time):
        return node.isoformat()
    return node


def validator(path: Path) -> jsonschema.Draft7Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def problems(checker: jsonschema.Draft7Validator, path: Path) -> list[str]:
    data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in leaves(checker.iter_errors(data))]


def leaves(errors: Any) -> Any:
    """The errors that say what is wrong, not the `anyOf` around them."""
    for error in errors:
        yield from leaves(error.context) if error.context else [error]


@pytest.mark.parametrize("path", [REFERENCE, POLICY_SCHEMA, CONTRACTS_SCHEMA], ids=lambda p: p.name)
def test_the_generated_file_is_what_the_model_generates(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == outputs()[path], "run: python -m tools.policy_reference"


def test_the_reference_documents_every_table_and_field_of_the_model() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for path, kind in tables(PolicyFile):
        assert (f"## `{path}`" if path else "## The top level") in text
        for field in kind.fields:
            if not field.name.startswith("_"):
                row, section = (
                    f"| `{field.encode_name}` |",
                    f"{path}.{field.encode_name}" if path else field.encode_name,
                )
                assert row in text or f"## `{section}" in text, (path, field.encode_name)


def example_policies(directory: Path) -> list[Path]:
    """Every policy a deployment could ship: the five seeds, config/policies/ and the tests' own."""
    own = [write_hosting_policy(directory / "hosting"), write_pausing_policy(directory / "pausing")]
    own += [write_uptime_policy(directory / "uptime"), write_clauses_policy(directory / "clauses")]
    return [*policy_files(SHIPPED_DIR), *policy_files(ROOT / "config" / "policies"), *own]


def test_every_shipped_and_example_policy_validates_against_the_schema(tmp_path: Path) -> None:
    checker = validator(POLICY_SCHEMA)
    found = {path.name: problems(checker, path) for path in example_policies(tmp_path)}
    assert found == {name: [] for name in found}


def test_the_contracts_file_validates_against_its_schema() -> None:
    assert problems(validator(CONTRACTS_SCHEMA), ROOT / "config" / "contracts.toml") == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('target_percent = "99.9"', 'target_percnet = "99.9"', "availability"),  # a misspelt key
        ('mechanism = "proportional"', 'mechanism = "cashback"', "credit.mechanism"),  # not one of the choices
        ('windows = ["Mon-Fri 08:00-18:00"]', 'windows = "Mon-Fri 08:00-18:00"', "calendars.office.windows"),
    ],
)
def test_the_schema_refuses_what_check_refuses(tmp_path: Path, old: str, new: str, where: str) -> None:
    path = write_hosting_policy(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert [p for p in problems(validator(POLICY_SCHEMA), path) if p.startswith(where)]


def test_a_list_that_names_each_entry_once_is_refused_a_repeat_by_both(tmp_path: Path) -> None:
    path = tmp_path / "contracts.toml"
    text = (ROOT / "config" / "contracts.toml").read_text(encoding="utf-8")
    path.write_text(
        text.replace('default_resolve = ["S0SLAOPSOC1"]', 'default_resolve = ["S0SLAOPSOC1", "S0SLAOPSOC1"]')
    )
    with pytest.raises(ContractsError, match=r"default_resolve: \['S0SLAOPSOC1', 'S0SLAOPSOC1'\] repeats an entry"):
        read_contracts_file(path)
    assert problems(validator(CONTRACTS_SCHEMA), path) == [
        "default_resolve: ['S0SLAOPSOC1', 'S0SLAOPSOC1'] has non-unique elements"
    ]
