"""The daily digest setting (`[contracts.<id>.digest] at = "09:00"`): off unless asked for, read as the contract's
local time, and owed once per local day from that time on (the post id names the day)."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime, time
from typing import Any

import pytest

from sla_core.app.digest import digest_post_id
from sla_core.config.contract import Contract
from sla_core.config.contracts import ContractsError, parse_contracts
from tests.conftest import ROOT


def shipped() -> dict[str, Any]:
    with (ROOT / "config" / "contracts.toml").open("rb") as handle:
        return tomllib.load(handle)


def resonate(digest: Any) -> Contract:
    """Resonate (policy zone America/New_York) with a digest table."""
    data = copy.deepcopy(shipped())
    data["contracts"]["resonate-ems"]["digest"] = digest
    return parse_contracts(data).contracts["resonate-ems"]


def test_the_digest_is_off_unless_a_contract_asks_for_it() -> None:
    assert {c.digest for c in parse_contracts(shipped()).contracts.values()} == {None}
    assert resonate({"at": "09:00"}).digest is not None
    assert resonate({"at": "17:45"}).digest.at == time(17, 45)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("digest", "line"),
    [
        ({"at": "9:00"}, "contracts.resonate-ems.digest.at: '9:00' is not valid"),
        ({"at": "24:00"}, "contracts.resonate-ems.digest.at: '24:00' is not valid"),
        ({"at": "09:60"}, "contracts.resonate-ems.digest.at: '09:60' is not valid"),
        ({"at": "09:00\n"}, "contracts.resonate-ems.digest.at: '09:00\\n' is not valid"),
        ({"at": 900}, "contracts.resonate-ems.digest.at: 900 is not valid"),
        ({}, "contracts.resonate-ems.digest.at: is required"),
        ({"at": "09:00", "days": "mon"}, "contracts.resonate-ems.digest.days: unknown field; accepted: at"),
    ],
)
def test_a_bad_digest_setting_is_named_in_one_line(digest: dict[str, Any], line: str) -> None:
    with pytest.raises(ContractsError) as error:
        resonate(digest)
    assert line in str(error.value)
    if "unknown" not in line:
        assert str(error.value).endswith('accepted: a 24-hour local time written as "09:00"')


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "now", "post_id"),
    [
        # Thu 5 Nov 2026, EST (UTC−5): 08:59 local is 13:59Z, 09:00 local 14:00Z.
        ("09:00", "2026-11-05T13:59:59", None),
        ("09:00", "2026-11-05T14:00:00", "digest#resonate-ems#2026-11-05"),
        # Thu 23:59 EST is Fri 04:59Z: still Thursday's digest (already claimed by then, so nothing new).
        ("09:00", "2026-11-06T04:59:00", "digest#resonate-ems#2026-11-05"),
        # Fri 00:00 EST (05:00Z): Friday's digest is not due before 09:00 Friday; Thursday's is not owed any more.
        ("09:00", "2026-11-06T05:00:00", None),
        # A sweep back at Fri 11:30 EST (16:30Z) owes Friday's digest.
        ("09:00", "2026-11-06T16:30:00", "digest#resonate-ems#2026-11-06"),
        # Sun 8 Mar 2026, the spring-forward day: 09:00 EDT (UTC−4) is 13:00Z.
        ("09:00", "2026-03-08T12:59:00", None),
        ("09:00", "2026-03-08T13:00:00", "digest#resonate-ems#2026-03-08"),
        # 02:30 does not exist that day (02:00 EST jumps to 03:00 EDT): the first tick after, 03:00 EDT = 07:00Z.
        ("02:30", "2026-03-08T06:59:00", None),
        ("02:30", "2026-03-08T07:00:00", "digest#resonate-ems#2026-03-08"),
    ],
)
def test_the_digest_is_owed_once_per_local_day_from_its_time_on(at: str, now: str, post_id: str | None) -> None:
    assert digest_post_id(resonate({"at": at}), utc(now)) == post_id


def test_a_contract_without_a_digest_is_owed_none() -> None:
    contract = parse_contracts(shipped()).contracts["resonate-ems"]
    assert digest_post_id(contract, utc("2026-11-05T20:00:00")) is None
