"""One bad incident never breaks a view for the others (the `Side` of test_slack_app: signed requests, lazy
listeners, DynamoDB Local, the Slack stub). The bad one is the issue's: an open incident whose stored opening is
0001-01-01 (its clocks overflow the business calendar), written straight to the table as an older release or a
hand edit could have left it. `/sla status`, `status all` and App Home show the others and say "1 item could not
be shown"; the daily digest is built all the same."""

from __future__ import annotations

import json

from sla_core.app.clocks import deadlines_of
from sla_core.app.digest import build_digest
from sla_core.config.contracts import load_contracts
from sla_core.storage import repository
from tests.conftest import ROOT
from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    ALICE,
    NOW,
    Side,
    fresh,
    open_incident,
    side,
    stub,
)
from tests.support.raw_items import raw_incident

CONTRACTS = load_contracts(ROOT / "config" / "contracts.toml").contracts
NOT_SHOWN = "1 item could not be shown"


def spoil(incident_id: str) -> None:
    """Move the incident's stored opening to 0001-01-01 00:00 UTC (no validation: it is the table itself)."""

    item = raw_incident(incident_id)
    item.fold_state = {**(item.fold_state or {}), "opened_at": "0001-01-01T00:00:00+00:00"}
    item.save()


def two_open_one_spoiled(slack: Side) -> tuple[str, str]:
    good = open_incident(slack, "sonar-billing production-down Invoices fail at 10:30")
    bad = open_incident(slack, "sonar-billing normal Printer jammed at 10:40")
    spoil(bad)
    item = repository.get_incident(bad)
    assert item is not None
    try:
        deadlines_of(item, CONTRACTS["sonar-billing"])
    except OverflowError:  # New York is still in year 0 then: the business calendar overflows
        pass
    else:
        raise AssertionError("the spoiled incident's clocks were expected to fail")
    return good, bad


def test_status_and_status_all_show_the_others_and_count_the_bad_one(fresh: Side) -> None:  # noqa: F811
    good, bad = two_open_one_spoiled(fresh)
    for command in ("status", "status all"):
        text = fresh.reply(command)
        assert good in text and bad not in text, command
        assert "*1 open" in text, command  # the one that could be computed
        _, replies, _ = fresh.command(command)
        contexts = [e["text"] for b in replies[0]["blocks"] if b["type"] == "context" for e in b["elements"]]
        assert any(NOT_SHOWN in c for c in contexts), command


def test_app_home_shows_the_others_and_counts_the_bad_one(fresh: Side) -> None:  # noqa: F811
    good, bad = two_open_one_spoiled(fresh)
    assert fresh.home_opened("Ev0HOMEBAD1")["statusCode"] == 200
    (published,) = fresh.stub.of("views.publish")
    view = published.args["view"]
    text = json.dumps(json.loads(view) if isinstance(view, str) else view, ensure_ascii=False)
    assert good in text and bad not in text
    assert NOT_SHOWN in text and "Open items (1)" in text


def test_the_digest_is_built_without_the_bad_one(fresh: Side) -> None:  # noqa: F811
    good, _ = two_open_one_spoiled(fresh)
    digest = build_digest(CONTRACTS["sonar-billing"], NOW)
    assert [i.item.incident_id for i in digest.incidents] == [good]
    assert digest.skipped == 1
