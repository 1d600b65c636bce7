"""Who may act, through the real Slack handler (the `Side` of test_slack_app: signed requests, lazy listeners,
DynamoDB Local, the Slack stub): a group id is never a user, an incident no contract owns is resolved only by
`default_resolve`, a failed group lookup is said as such, and acting on another contract's incident from a
contract channel is answered to the typist alone."""

from __future__ import annotations

from datetime import timedelta

from sla_core.app.incident_service import record_event
from sla_core.app.store import repository
from sla_core.incidents.state import IncidentEvent
from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    ALICE,
    BILLING_CHANNEL,
    DAVE,
    NOW,
    Side,
    fresh,
    open_incident,
    side,
    stub,
)

HOSTING_CHANNEL = "C0SONORAN01"  # sonoran-hosting's channel
DEFAULT_CHANNEL = "C0SLAOPS000"
OPS = "U0OPS000001"  # in S0SLAOPSOC1, the default_resolve group of config/contracts.toml


def only_reply(slack: Side, text: str, *, user: str, channel: str = BILLING_CHANNEL) -> dict[str, object]:
    response, replies, _ = slack.command(text, user=user, channel=channel)
    assert response["statusCode"] == 200
    assert len(replies) == 1, replies
    return replies[0]


def test_a_group_id_as_the_user_resolves_nothing(fresh: Side) -> None:  # noqa: F811
    incident_id = open_incident(fresh)
    reply = only_reply(fresh, f"resolve {incident_id}", user="S0BILLINGOC")
    assert "Only a Slack user (an id `U...` or `W...`) may resolve incidents" in str(reply["text"])
    item = repository.get_incident(incident_id)
    assert item is not None and item.status != "resolved"


def test_a_failed_group_lookup_is_said_and_nothing_is_resolved(fresh: Side) -> None:  # noqa: F811
    incident_id = open_incident(fresh)
    fresh.stub.errors["usergroups.users.list"] = "missing_scope"
    try:
        reply = only_reply(fresh, f"resolve {incident_id}", user=DAVE)  # Dave is in S0BILLINGOC
    finally:
        del fresh.stub.errors["usergroups.users.list"]
    text = str(reply["text"])
    assert "Could not check whether you are in <!subteam^S0BILLINGOC>" in text and "`missing_scope`" in text
    assert not text.startswith("Only")
    item = repository.get_incident(incident_id)
    assert item is not None and item.status != "resolved"


def test_another_contracts_incident_is_answered_only_to_the_typist(fresh: Side) -> None:  # noqa: F811
    incident_id = open_incident(fresh)  # sonar-billing's, "Invoices fail"
    elsewhere = only_reply(fresh, f"update {incident_id} Checking the queue", user=ALICE, channel=HOSTING_CHANNEL)
    assert elsewhere.get("response_type") == "ephemeral"
    assert "Invoices fail" in str(elsewhere["text"])  # the typist still sees what was done
    home = only_reply(fresh, f"update {incident_id} Queue drained", user=ALICE)
    assert home.get("response_type") == "in_channel"


def test_an_incident_no_contract_owns_is_resolved_only_by_default_resolve(fresh: Side) -> None:  # noqa: F811
    opened = NOW - timedelta(minutes=30)
    record_event(
        incident_id="pd-UNMAPPED1",
        event=IncidentEvent("pd-trigger-unmapped", "triggered", opened, None),
        contract=None,
        source="pagerduty",
        recorded_at=opened,
        title="Unmapped service down",
        service_id="PUNKNOWN",
    )
    fresh.stub.groups["S0SLAOPSOC1"] = [OPS]
    refused = only_reply(fresh, "resolve pd-UNMAPPED1", user=DAVE, channel=DEFAULT_CHANNEL)
    assert "Only <!subteam^S0SLAOPSOC1> may resolve incidents of PagerDuty services no contract lists" in str(
        refused["text"]
    )
    item = repository.get_incident("pd-UNMAPPED1")
    assert item is not None and item.contract_id == "unmapped" and item.status != "resolved"
    done = only_reply(fresh, "resolve pd-UNMAPPED1", user=OPS, channel=DEFAULT_CHANNEL)
    assert f"<@{OPS}> resolved" in str(done["text"]) and done.get("response_type") == "in_channel"
