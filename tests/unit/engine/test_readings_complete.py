"""Every reading whose other side moves a deadline is reported with that figure: for every shipped policy, every
recorded reading written as data is applied on its own, each target recomputed over a set of instants (weekdays,
nights, weekends, US and EU holidays, both DST changes, quarter ends), and wherever the due instant moves, the
deadline's `readings` must hold that reading with `if_other.due_at` equal to the moved instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sla_core.engine.alternate_readings import deadline_result, variant
from sla_core.engine.clauses import Clause
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import SlaError
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy

POLICIES = ["sonar-software", "sonoran-servers", "sonarsource", "atheer", "resonate"]
# Local wall times in the policy's zone: a weekday morning and afternoon, a night, a weekend, US holidays (Columbus
# Day, Thanksgiving, July 3 observed), Swiss/Singapore holidays (Aug 1, Aug 10), the US and EU DST changes, a
# summer afternoon (where PT and PST differ), the quarter end.
LOCAL = [
    "2026-06-08T09:00", "2026-06-08T13:30", "2026-06-09T23:00", "2026-03-14T10:00", "2026-10-12T10:00",
    "2026-11-25T15:00", "2026-11-26T10:00", "2026-07-02T10:00", "2026-07-31T16:00", "2026-08-10T10:00",
    "2026-03-06T16:00", "2026-10-30T15:00", "2026-03-27T16:00", "2026-09-30T16:00",
]  # fmt: skip


def data_clauses(policy: Policy) -> Iterator[Clause]:
    """Every clause of the policy file whose other reading is written as data, rebuilt with its path."""

    def walk(node: Any, path: tuple[str | int, ...]) -> Iterator[Clause]:
        if isinstance(node, dict):
            if "reading" in node and ("other_values" in node or "other_without" in node):
                yield Clause(
                    node["quote"], node["reading"], node["other_reading"], path,
                    node.get("other_values", {}), tuple(node.get("other_without", ())),
                )  # fmt: skip
            for key, value in node.items():
                if key != "examples":
                    yield from walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, (*path, i))

    yield from walk(policy.data, ())


def cases(policy: Policy) -> Iterator[tuple[str | None, str | None, str, str]]:
    """(tier, region, severity, metric) for every target of every tier with an SLA and every region."""
    tiers: list[str | None] = [t.id for t in policy.tiers.values() if t.sla and t.same_as is None] or [None]
    regions: list[str | None] = list(policy.regions) or [None]
    for tier in tiers:
        for region in regions:
            for severity in policy.severities:
                for target in policy.targets(policy.severity(severity), tier):
                    yield tier, region, severity, target.metric


@pytest.mark.parametrize("policy_id", POLICIES)
def test_every_reading_that_moves_a_deadline_is_reported(policy_id: str) -> None:
    policy = load_policy(policy_id)
    clauses = list(data_clauses(policy))
    assert clauses, "every shipped policy records readings as data"
    checked = moved = 0
    for tier, region, severity, metric in cases(policy):
        zone = ZoneInfo(policy.zone_for(region).key)
        for text in LOCAL:
            opened = datetime.fromisoformat(text).replace(tzinfo=zone)
            result = deadline_result(policy, severity, opened, metric, tier, region)
            reported = {r["chosen"]: r for r in result["readings"]}
            for clause in clauses:
                try:
                    other = compute_deadline(variant(policy, clause), severity, opened, metric, tier, region)
                except SlaError:
                    continue  # the other reading rejects this input: it has no figure to report
                checked += 1
                if other.due_at == datetime.fromisoformat(result["due_at"]):
                    continue
                moved += 1
                where = f"{policy_id} {tier} {region} {severity} {metric} opened {opened.isoformat()}"
                assert clause.chosen in reported, f"{where}: {'.'.join(map(str, clause.path))} moves it unreported"
                found = reported[clause.chosen]["if_other"]
                assert found is not None and datetime.fromisoformat(found["due_at"]) == other.due_at, where
    # SonarSource's data readings are all commercial (its holiday readings rest on the customer's country, text
    # only); every other policy has readings that move some of these deadlines.
    assert checked > 0 and (moved > 0) == (policy_id != "sonarsource")


def test_resonate_primary_hours_reading_is_reported_on_a_saturday() -> None:
    # Sat 14 Mar 2026 10:00 EDT: Primary Hours run every day (the chosen reading), so it is opened in Primary
    # Hours: 30 clock minutes → 10:30 EDT. Under Mon–Fri Primary Hours it is Secondary: the earlier of 4 clock hours
    # (14:00 EDT) and 30 min into the next Primary Hours (Mon 16 Mar 09:30): Sat 14:00 EDT.
    policy = load_policy("resonate")
    opened = datetime(2026, 3, 14, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    result = deadline_result(policy, "P1", opened)
    assert result["due_at"] == "2026-03-14T10:30:00-04:00"
    (entry,) = [r for r in result["readings"] if r["other"] == "Primary Hours run Monday to Friday only."]
    assert entry["if_other"]["due_at"] == (opened + timedelta(hours=4)).isoformat()
