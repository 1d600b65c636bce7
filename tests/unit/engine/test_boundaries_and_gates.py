"""The boundary rule per policy ("within" meets at the due instant, "less than" misses), Atheer's effective date
gated by the agreement date, and holiday sets a contract does not name: none chosen, the home country's beside
every deadline they move, and a state's "as well" as a union, never earlier."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla_core.engine.alternate_readings import deadline_result
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import PolicyError
from sla_core.engine.explain import explain_text
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.policy_files import SHIPPED_DIR
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.policy_rules import parse_policy

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")


def test_resonate_less_than_misses_at_the_due_instant() -> None:
    # "Primary Hours: < 30 minute initial response": Mon 9 Mar 2026 10:00 EDT, due 10:30; a response at exactly
    # 10:30 took 30 minutes, not less: missed. One second earlier is met.
    deadline = compute_deadline(load_policy("resonate"), "P1", datetime(2026, 3, 9, 10, 0, tzinfo=NY))
    assert deadline.due_at == datetime(2026, 3, 9, 10, 30, tzinfo=NY)
    assert deadline.as_dict()["at_due"] == "missed"
    assert deadline.outcome(deadline.due_at)["met"] is False
    assert deadline.outcome(deadline.due_at - timedelta(seconds=1))["met"] is True
    # Follow-ups "every 4 hours" name no "less than": met at the due instant.
    update = compute_deadline(load_policy("resonate"), "P1", datetime(2026, 3, 9, 10, 0, tzinfo=NY), "update")
    assert update.outcome(update.due_at)["met"] is True


@pytest.mark.parametrize(("policy_id", "severity"), [("sonar-software", "production-down"), ("atheer", "P1"),
                                                     ("sonoran-servers", "escalation")])  # fmt: skip
def test_within_meets_at_the_due_instant(policy_id: str, severity: str) -> None:
    deadline = compute_deadline(load_policy(policy_id), severity, datetime(2026, 6, 8, 10, 0, tzinfo=NY))
    assert deadline.outcome(deadline.due_at)["met"] is True
    assert deadline.outcome(deadline.due_at + timedelta(seconds=1))["met"] is False
    assert "exactly at the due instant meets" in explain_text(load_policy(policy_id))


def test_atheer_terms_need_an_order_signed_on_or_after_5_august_2023() -> None:
    atheer = load_policy("atheer")
    opened = datetime(2026, 6, 8, 9, 0, tzinfo=LA)
    with pytest.raises(PolicyError, match=r"agreements signed on or after 2023-08-05.*dated 2023-08-04"):
        deadline_result(atheer, "P1", opened, agreement_date=date(2023, 8, 4))
    # On the date itself the terms apply: 09:00 + 4 business hours = 13:00 PDT.
    found = deadline_result(atheer, "P1", opened, agreement_date=date(2023, 8, 5))
    assert found["due_at"] == "2026-06-08T13:00:00-07:00"


def test_a_state_as_well_is_the_union_never_fewer_days() -> None:
    # The holidays package's US-CA calendar has no Columbus Day (Mon 12 Oct 2026); "California as well" keeps it.
    federal, california = HolidaySet(HolidaySpec("US")), HolidaySet(HolidaySpec("US", "CA"))
    assert date(2026, 10, 12) in federal and date(2026, 10, 12) in california
    assert set(federal.names(2026)) <= set(california.names(2026))
    assert date(2026, 3, 31) in california and date(2026, 3, 31) not in federal  # César Chávez Day


def test_an_unnamed_set_closes_nothing_and_gives_the_home_countrys_figure() -> None:
    # Atheer P1, Mon 12 Oct 2026 (Columbus Day) 10:00 PDT + 4 h = 14:00 PDT; under US federal holidays Tue 13 Oct
    # 09:00 + 4 h = 13:00 PDT. With California's as well (a contract override, the union): also Tue 13:00.
    atheer = load_policy("atheer")
    opened = datetime(2026, 10, 12, 10, 0, tzinfo=LA)
    result = deadline_result(atheer, "P1", opened)
    assert result["due_at"] == "2026-10-12T14:00:00-07:00"
    (entry,) = [r for r in result["readings"] if r["chosen"] == atheer.holidays.clause.chosen]
    assert entry["if_other"]["due_at"] == "2026-10-13T13:00:00-07:00"
    union = compute_deadline(atheer, "P1", opened, holidays=HolidaySpec("US", "CA"))
    assert union.due_at == datetime(2026, 10, 13, 13, 0, tzinfo=LA)


def test_the_unnamed_rule_is_enforced_by_the_parser() -> None:
    text = (load_policy("atheer").data | {})["holidays"]
    assert text["unnamed"] is True and "country" not in text and text["other_values"] == {"country": "US"}
    for policy_id in ("sonar-software", "atheer", "resonate", "sonoran-servers"):
        policy = load_policy(policy_id)
        assert policy.holidays.unnamed and policy.holidays.spec == HolidaySpec()
        assert "names no holiday list" in explain_text(policy)
    assert not load_policy("sonarsource").holidays.unnamed


def test_an_unnamed_set_that_closes_days_or_gives_no_figure_is_refused() -> None:
    text = (SHIPPED_DIR / "atheer.toml").read_text(encoding="utf-8")
    with pytest.raises(PolicyError, match=r"holidays.country: an unnamed holiday set closes no public holidays"):
        parse_policy(tomllib.loads(text.replace("unnamed = true\n", 'unnamed = true\ncountry = "US"\n')), "atheer.toml")
    without = text.replace('other_values = { country = "US" }\n', "other_values = { dates = [2026-12-24] }\n", 1)
    with pytest.raises(PolicyError, match=r"holidays.other_values: an unnamed holiday set gives the other reading's"):
        parse_policy(tomllib.loads(without), "atheer.toml")
