"""Who may record downtime or resolve: listed users, members of listed groups, and the escalation group."""

from __future__ import annotations

from sla_core.app import authorization
from sla_core.config.contracts import load_contracts
from tests.conftest import ROOT

CONTRACTS = load_contracts(ROOT / "config" / "contracts.toml").contracts
MEMBERS = {"S0BILLINGOC": ["U0DAVE00001"], "S0DEVTOOLSX": ["U0ERIN00001"]}


def members(group_id: str) -> list[str]:
    asked.append(group_id)
    return MEMBERS.get(group_id, [])


asked: list[str] = []


def test_a_listed_user_needs_no_group_lookup() -> None:
    asked.clear()
    decision = authorization.check(CONTRACTS["sonar-billing"], authorization.RECORD_DOWNTIME, "U0ALICE0001", members)
    assert decision.allowed and asked == []


def test_a_group_member_may_and_a_stranger_is_told_who_may() -> None:
    billing = CONTRACTS["sonar-billing"]
    assert authorization.check(billing, authorization.RESOLVE, "U0DAVE00001", members).allowed
    refused = authorization.check(billing, authorization.RECORD_DOWNTIME, "U0BOB000001", members)
    assert not refused.allowed
    assert refused.refusal == "Only <@U0ALICE0001>, <!subteam^S0BILLINGOC> may record downtime on `sonar-billing`."


def test_the_escalation_group_may_always() -> None:
    # sonarqube-support lets U0BOB000001 and S0DEVTOOLSX resolve; S0DEVTOOLSX is also its escalation group.
    support = CONTRACTS["sonarqube-support"]
    assert authorization.allowed_ids(support, authorization.RESOLVE) == ["U0BOB000001", "S0DEVTOOLSX"]
    assert authorization.check(support, authorization.RESOLVE, "U0ERIN00001", members).allowed
    # atheer-platform has no escalation group: only Carol.
    atheer = CONTRACTS["atheer-platform"]
    assert authorization.check(atheer, authorization.RESOLVE, "U0DAVE00001", members).refusal == (
        "Only <@U0CAROL0001> may resolve incidents on `atheer-platform`."
    )


def test_a_group_id_given_as_the_user_never_passes() -> None:
    # S0BILLINGOC is listed (resolve) and is sonar-billing's escalation group; as a *user* id it is nobody.
    billing = CONTRACTS["sonar-billing"]
    for action in (authorization.RESOLVE, authorization.RECORD_DOWNTIME):
        decision = authorization.check(billing, action, "S0BILLINGOC", members)
        assert not decision.allowed
        assert decision.refusal.startswith("Only a Slack user (an id `U...` or `W...`) may")
    assert not authorization.check(billing, authorization.RESOLVE, "", members).allowed
    assert authorization.check(billing, authorization.RESOLVE, "W0DAVE00001", lambda _: ["W0DAVE00001"]).allowed


def test_unmapped_incidents_are_for_the_default_resolve_list_only() -> None:
    config = load_contracts(ROOT / "config" / "contracts.toml")
    assert config.default_resolve == {"S0SLAOPSOC1"}
    on_call = {"S0SLAOPSOC1": ["U0OPS000001"]}
    allowed = authorization.check_unmapped(config, authorization.RESOLVE, "U0OPS000001", on_call.__getitem__)
    assert allowed.allowed
    refused = authorization.check_unmapped(config, authorization.RESOLVE, "U0ALICE0001", on_call.__getitem__)
    assert refused.refusal == (
        "Only <!subteam^S0SLAOPSOC1> may resolve incidents of PagerDuty services no contract lists"
        " (`default_resolve` in contracts.toml)."
    )


def test_a_failed_group_lookup_is_said_not_taken_for_a_no() -> None:
    def missing_scope(group_id: str) -> list[str]:
        raise authorization.GroupLookupError(group_id, "missing_scope")

    decision = authorization.check(CONTRACTS["sonar-billing"], authorization.RESOLVE, "U0DAVE00001", missing_scope)
    assert not decision.allowed
    assert "Could not check whether you are in <!subteam^S0BILLINGOC>" in decision.refusal
    assert "`missing_scope`" in decision.refusal and "Only" not in decision.refusal
