"""The shared incident card and thread replies, rendered from an unsaved incident (no I/O)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from sla_core.app.contract_terms import terms_for
from sla_core.config.contracts import load_contracts
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import track
from sla_core.slack.incidents.routes import (
    ACK_ACTION,
    CAUSE_ACTION,
    OUTAGE_OFF_ACTION,
    OUTAGE_ON_ACTION,
    RESOLVE_ACTION,
    UPDATE_ACTION,
)
from sla_core.slack.render.incident_card import (
    NO_CONTRACT_NOTE,
    card,
    event_reply,
)
from sla_core.storage import repository

RESONATE = load_contracts().contracts["resonate-ems"]
OPENED = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Mon 10:00 EST, Resonate primary hours


def incident(status: str = "triggered", title: str = "DB down") -> Incident:
    item = repository.new_incident(
        incident_id="pd-P1", contract_id="resonate-ems", component="platform", severity="P1",
        source="pagerduty", title=title, opened_at=OPENED, status=status,
    )  # fmt: skip
    return replace(item, source_url="https://acme.pagerduty.com/incidents/P1")


def test_buttons_follow_the_status_and_carry_the_incident_id() -> None:
    def actions(status: str, outage: bool = False) -> list[tuple[str, str]]:
        item = replace(incident(status), outage=outage)
        _, blocks = card(item, RESONATE, [])
        found = [b for b in blocks if b["type"] == "actions"]
        return [(e["action_id"], e.get("value") or e["initial_option"]["value"]) for b in found for e in b["elements"]]

    lifecycle = [(ACK_ACTION, "pd-P1"), (UPDATE_ACTION, "pd-P1"), (RESOLVE_ACTION, "pd-P1")]
    assert actions("triggered") == [*lifecycle, (OUTAGE_ON_ACTION, "pd-P1")]
    assert actions("acknowledged") == [*lifecycle[1:], (OUTAGE_ON_ACTION, "pd-P1")]
    # A resolved incident keeps only its classification: that is when the month is recomputed from it.
    assert actions("resolved") == [(OUTAGE_ON_ACTION, "pd-P1")]
    # An outage offers the way back and its cause (Resonate lists excluded causes; none chosen yet).
    assert actions("resolved", outage=True) == [(OUTAGE_OFF_ACTION, "pd-P1"), (CAUSE_ACTION, "pd-P1|none")]


def test_the_card_says_whether_the_incident_counts_toward_availability() -> None:
    ticket, outage = incident(), replace(incident(), outage=True)
    assert "Ticket: not counted as downtime" in json.dumps(card(ticket, RESONATE, [])[1])
    assert "Outage: counts as downtime" in json.dumps(card(outage, RESONATE, [])[1])
    # The cause select offers "no excluded cause" and each of Resonate's excluded causes, in the policy's order.
    (select,) = [e for b in card(outage, RESONATE, [])[1] if b["type"] == "actions" for e in b["elements"]
                 if e["type"] == "static_select"]  # fmt: skip
    causes = [o["value"].split("|")[1] for o in select["options"]]
    assert causes == ["none", "internet", "third-party", "force-majeure", "customer", "customer-equipment", "beta"]
    assert "Availability" not in json.dumps(card(ticket, None, [])[1])  # no contract, no availability


def test_a_pinging_title_is_escaped_everywhere() -> None:
    text, blocks = card(incident(title="<!channel> <!here> @here & <@U1>"), None, [])
    rendered = text + json.dumps(blocks)
    assert "<!channel>" not in rendered and "<!here>" not in rendered and "<@U1>" not in rendered
    assert "&lt;!channel&gt; &lt;!here&gt; @here &amp; &lt;@U1&gt;" in text
    assert NO_CONTRACT_NOTE in json.dumps(blocks)


def test_deadlines_in_the_contract_zone_and_the_ack_verdict() -> None:
    # Resonate P1 opened Mon 10:00 EST: first response due 10:30 EST (30 min), updates every 4 h.
    terms = terms_for(RESONATE)
    assert terms is not None
    ack = IncidentEvent("a", "acknowledged", datetime(2026, 11, 23, 15, 40, tzinfo=UTC), actor="Ann <!channel>")
    state = fold([IncidentEvent("t", "triggered", OPENED, severity="P1"), ack])
    tracked = track(terms, state)
    _, blocks = card(incident("acknowledged"), RESONATE, tracked)
    text = json.dumps(blocks)
    # Acked 10:40, due 10:30: missed by 10 minutes of primary hours.
    assert "*First response* missed by 10 min at Mon 23 Nov 10:40 EST" in text
    reply = event_reply(ack, tracked, RESONATE)
    # 2026-01-01T00:00Z is 1767225600; 23 Nov is 326 days later (304 days Jan-Oct + 22): +28,166,400 s;
    # 15:40Z adds 56,400 s: 1795448400.
    assert reply.startswith("Acknowledged by Ann &lt;!channel&gt; at Mon 23 Nov 10:40 EST (<!date^1795448400^")
    assert reply.endswith("First response target missed by 10 min.")
