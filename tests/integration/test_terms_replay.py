"""A deployment that changes a contract's terms, seen by the sweep's next tick (DynamoDB Local): open clocks
recomputed and rescheduled, the period so far under old and new terms, one post per change, nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sla_core.app.incident_service import record_event
from sla_core.app.store import post_queue, repository
from sla_core.app.terms_replay import claim_terms_changes
from sla_core.app.terms_version import deployed_version
from sla_core.config.contract import ContractsConfig
from sla_core.config.contracts import load_contracts, parse_contracts
from sla_core.engine.policy_files import add_policy_dirs, reset_policy_dirs
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.render.reports import SlackMessages
from tests.support.own_policy import write_pausing_policy

pytestmark = pytest.mark.integration

T0 = datetime.fromisoformat("2026-11-02T09:00:00-05:00")  # Mon
ACME = {"policy": "acme-support", "fee": "100.00", "currency": "USD", "perspective": "customer",
        "slack_channel": "C0ACME00001", "record_downtime": [], "resolve": []}  # fmt: skip


@pytest.fixture
def acme_dirs(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The test policy as deployed first (resolution in 8 business hours), and as a later deployment has it (4)."""
    first, second = tmp_path / "v1", tmp_path / "v2"
    write_pausing_policy(first)
    path = write_pausing_policy(second)
    path.write_text(path.read_text().replace('duration = "8 hours"', 'duration = "4 hours"'))
    yield first, second
    reset_policy_dirs()


def deploy(directory: Path) -> ContractsConfig:
    reset_policy_dirs()
    add_policy_dirs([directory])
    return parse_contracts({"default_channel": "C0SLAOPS000", "contracts": {"acme": dict(ACME)}})


def owed(purpose: str) -> list[str]:
    posts = post_queue.due_posts(T0 + timedelta(days=40)).posts
    return [p.text for p in posts if p.purpose == purpose]


def test_a_policy_change_between_two_ticks_reschedules_an_open_incidents_reminders(
    table: str, acme_dirs: tuple[Path, Path]
) -> None:
    first, second = acme_dirs
    config = deploy(first)
    assert claim_terms_changes(config, T0, SlackMessages()) == 0  # the first look records the terms, says nothing
    contract = config.contracts["acme"]
    record_event(incident_id="inc-1", event=IncidentEvent("t", "triggered", T0, severity="high"), contract=contract,
                 source="pagerduty", recorded_at=T0, title="Login fails")  # fmt: skip
    # Resolution 8 business hours from Mon 09:00 (Mon-Fri 09:00-17:00): due Mon 17:00.
    before = repository.get_incident("inc-1")
    assert before is not None
    assert {d.name.split("@")[0]: d.due_at for d in before.deadlines}["resolution"] == T0 + timedelta(hours=8)
    assert claim_terms_changes(config, T0 + timedelta(minutes=1), SlackMessages()) == 0  # nothing changed

    # The next deployment says 4 business hours: due Mon 13:00; its heads-up (50%) moves from 13:00 to 11:00.
    config = deploy(second)
    now = T0 + timedelta(minutes=30)
    assert claim_terms_changes(config, now, SlackMessages()) == 1
    after = repository.get_incident("inc-1")
    assert after is not None
    assert {d.name.split("@")[0]: d.due_at for d in after.deadlines}["resolution"] == T0 + timedelta(hours=4)
    (post,) = owed("terms")
    assert post.startswith("*The terms of `acme` changed*")
    assert "*inc-1* (Login fails): Resolution due" in post and "→" in post
    # The same terms at the next tick: nothing more.
    assert claim_terms_changes(config, now + timedelta(minutes=1), SlackMessages()) == 0
    assert len(owed("terms")) == 1


def test_a_fee_change_shows_the_month_so_far_under_the_old_and_the_new_entry(table: str) -> None:
    # sonar-billing, 60 min down on Sat 7 Nov 2026: November in New York has 43,260 min. Per-minute credit:
    # 60 x 2,400.00 / 43,260 = 3.3287 → 3.33 USD; with the fee changed to 1,200.00: 60 x 1,200 / 43,260 = 1.66.
    sonar = load_contracts().contracts["sonar-billing"]
    now = datetime.fromisoformat("2026-11-10T12:00:00-05:00")
    config = ContractsConfig("C0SLAOPS000", {sonar.id: sonar})
    assert claim_terms_changes(config, now, SlackMessages()) == 0
    start = datetime.fromisoformat("2026-11-07T02:00:00-05:00")
    interval = repository.new_downtime(downtime_id="d1", contract_id=sonar.id, component="platform",
                                       started_at=start, ended_at=start + timedelta(minutes=60), recorded_by="U1",
                                       source="slack")  # fmt: skip
    assert repository.record_interval(interval)  # start and end in one put
    cheaper = replace(sonar, fee=Decimal("1200.00"))
    assert claim_terms_changes(ContractsConfig("C0SLAOPS000", {sonar.id: cheaper}), now, SlackMessages()) == 1
    (post,) = owed("terms")
    assert "• 2026-11 so far: estimated credit 3.33 → 1.66 USD" in post
    (kept,) = repository.corrections(sonar.id, "2026-11")
    assert (kept.before["platform"]["credit_amount"], kept.after["platform"]["credit_amount"]) == ("3.33", "1.66")


def test_an_idle_tick_reads_one_item_not_every_contracts_terms(
    table: str, acme_dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = acme_dirs
    config = deploy(first)
    assert repository.deployed_terms() is None
    assert claim_terms_changes(config, T0, SlackMessages()) == 0
    assert repository.deployed_terms() == deployed_version(config)

    def no_read(contract_id: str) -> None:
        raise AssertionError(f"read the terms of {contract_id} on an idle tick")

    with monkeypatch.context() as patched:
        patched.setattr(repository, "terms_seen", no_read)
        assert claim_terms_changes(config, T0 + timedelta(minutes=1), SlackMessages()) == 0
    # A new deployment changes the hash, so the next tick replays every contract again and says what changed.
    config = deploy(second)
    assert deployed_version(config) != repository.deployed_terms()
    assert claim_terms_changes(config, T0 + timedelta(minutes=2), SlackMessages()) == 0  # no open incident
    assert repository.deployed_terms() == deployed_version(config)


def test_a_contract_whose_replay_fails_is_replayed_again_next_tick(
    table: str, acme_dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = deploy(acme_dirs[0])

    def broken(contract_id: str) -> None:
        raise RuntimeError("table unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(repository, "terms_seen", broken)
        assert claim_terms_changes(config, T0, SlackMessages()) == 0
    assert repository.deployed_terms() is None  # not recorded: the next tick tries every contract again
    assert claim_terms_changes(config, T0 + timedelta(minutes=1), SlackMessages()) == 0
    assert repository.terms_seen("acme") is not None
    assert repository.deployed_terms() == deployed_version(config)
