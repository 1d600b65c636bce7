"""The contract facts issue 11 point 7 tracks: agreement, renewal and activation dates, the Premium and Base
tiers of SonarSource, and Resonate's prepaid fees; each mistake is one line naming file, field and accepted."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from sla_core.config.contracts import ContractsError, load_contracts, parse_contracts
from tests.conftest import ROOT

CONFIG = ROOT / "config" / "contracts.toml"
SOURCE = "config/contracts.toml"


def shipped() -> dict[str, Any]:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def with_fields(contract_id: str, **fields: Any) -> dict[str, Any]:
    """The shipped file with fields of one contract set (None removes a field)."""
    data = copy.deepcopy(shipped())
    table = data["contracts"][contract_id]
    for key, value in fields.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return data


def problem(data: dict[str, Any]) -> str:
    with pytest.raises(ContractsError) as raised:
        parse_contracts(data, source=SOURCE)
    return str(raised.value)


def test_the_shipped_file_carries_the_new_facts() -> None:
    config = load_contracts(CONFIG)
    billing, support, ems = (config.contracts[c] for c in ("sonar-billing", "sonarqube-support", "resonate-ems"))
    assert billing.activation_date == date(2021, 3, 15)
    assert (support.agreement_date, support.renewal_date, support.tier_written) == (date(2025, 11, 14), None, None)
    assert ems.prepaid is not None
    assert (ems.prepaid.fees, ems.prepaid.first_day, ems.prepaid.last_day) == (
        Decimal("38400.00"), date(2026, 1, 1), date(2026, 12, 31),
    )  # fmt: skip
    assert support.dates == {"agreement": date(2025, 11, 14), "renewal": None, "activation": None}


def test_premium_is_read_as_enterprise_and_remembered_as_written() -> None:
    config = parse_contracts(with_fields("sonarqube-support", tier="premium", agreement_date=date(2026, 3, 2)))
    support = config.contracts["sonarqube-support"]
    assert (support.tier, support.tier_written, support.agreement_date) == ("enterprise", "premium", date(2026, 3, 2))
    undated = parse_contracts(with_fields("sonarqube-support", tier="premium", agreement_date=None))
    assert undated.contracts["sonarqube-support"].tier == "enterprise"  # accepted; the condition is shown


def test_premium_in_an_agreement_dated_3_march_2026_or_later_is_refused() -> None:
    data = with_fields("sonarqube-support", tier="premium", agreement_date=date(2026, 3, 3))
    # The policy's own reading of the clause (Policy.tier_choice), as every figure takes it.
    assert problem(data) == (
        "config/contracts.toml: contracts.sonarqube-support.agreement_date: tier 'premium' means enterprise only in "
        "agreements dated before 2026-03-03; this agreement is dated 2026-03-03, so name its tier: core, standard, "
        "enterprise, base"
    )


def test_an_agreement_older_than_the_terms_its_policy_encodes_is_refused_at_load() -> None:
    # Atheer's terms apply to orders on or after 5 August 2023 (policy `effective`); one dated the day before is
    # under terms the policy does not encode, so the contract does not load (before, only `check` said so).
    data = with_fields("atheer-platform", agreement_date=date(2023, 8, 4))
    found = problem(data)
    assert found.startswith(f"{SOURCE}: contracts.atheer-platform.agreement_date: policy atheer encodes the terms")
    assert "dated 2023-08-04" in found
    parse_contracts(with_fields("atheer-platform", agreement_date=date(2023, 8, 5)), source=SOURCE)  # the first day


def test_base_is_a_tier_a_contract_may_have() -> None:
    config = parse_contracts(with_fields("sonarqube-support", tier="base"))
    assert config.contracts["sonarqube-support"].tier == "base"


def test_renewal_date_is_a_date_after_the_agreement() -> None:
    config = parse_contracts(with_fields("sonarqube-support", renewal_date=date(2026, 11, 14)))
    assert config.contracts["sonarqube-support"].renewal_date == date(2026, 11, 14)
    assert problem(with_fields("sonarqube-support", renewal_date=date(2025, 11, 14))) == (
        "config/contracts.toml: contracts.sonarqube-support.renewal_date: 2025-11-14 is not after agreement_date "
        "2025-11-14; accepted: a date after the agreement_date"
    )


@pytest.mark.parametrize(
    ("contract_id", "fields", "expected"),
    [
        ("sonarqube-support", {"agreement_date": "2025-11-14"},
         "contracts.sonarqube-support.agreement_date: '2025-11-14' is not a date; accepted: a date written as "
         "2026-03-03 (no quotes)"),
        ("sonarqube-support", {"renewal_date": 20271114},
         "contracts.sonarqube-support.renewal_date: 20271114 is not a date"),
        ("resonate-ems", {"activation_date": date(2026, 1, 5)},
         "contracts.resonate-ems.activation_date: 2026-01-05 is not allowed here (resonate does not "
         "measure availability from it); accepted: no activation_date field"),
        ("sonar-billing", {"prepaid": {"fees": "1.00", "from": date(2026, 1, 1), "through": date(2026, 12, 31)}},
         "contracts.sonar-billing.prepaid: a table is not allowed here (sonar-software refunds no prepaid fees on "
         "termination); accepted: no prepaid field"),
        ("resonate-ems", {"prepaid": {"fees": "1.00", "from": date(2026, 1, 1)}},
         "contracts.resonate-ems.prepaid.through: is required; accepted: a date written as 2026-01-01 (no quotes)"),
        ("resonate-ems", {"prepaid": {"fees": 38400, "from": date(2026, 1, 1), "through": date(2026, 12, 31)}},
         "contracts.resonate-ems.prepaid.fees: 38400 is not a decimal string"),
        ("resonate-ems", {"prepaid": {"fees": "1", "from": date(2026, 1, 1), "until": date(2026, 12, 31)}},
         "contracts.resonate-ems.prepaid.until: unknown field; accepted: fees, from, through"),
        ("resonate-ems", {"prepaid": {"fees": "1", "from": date(2026, 12, 31), "through": date(2026, 1, 1)}},
         "contracts.resonate-ems.prepaid.through: 2026-01-01 is before from (2026-12-31); accepted: a date on or "
         "after from"),
    ],
)  # fmt: skip
def test_bad_facts_are_one_line(contract_id: str, fields: dict[str, Any], expected: str) -> None:
    lines = problem(with_fields(contract_id, **fields)).splitlines()  # every problem, the one made first
    assert lines[0].startswith(f"{SOURCE}: {expected}")
    assert all(line.startswith(f"{SOURCE}: ") for line in lines)
