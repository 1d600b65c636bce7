"""`python -m sla_core backfill pagerduty` against `make run`'s local stack, as the README's "Start with your history"
shows: a real subprocess with SLAOPS_LOCAL=1 and LOCAL_DYNAMODB_PORT, reading an HTTPS PagerDuty REST stub.

October 2026 on sonar-billing (Sonar Software: 99.99% of the calendar month in New York time; per-minute credit of
the 2,400.00 USD invoice over the month's minutes). October in New York is all EDT: 31 x 1,440 = 44,640 minutes.
- PE2EOUT, P1 (production-down, an outage): Tue 13 Oct 10:00 -> 11:30 EDT: 90 min down.
- PE2ETKT, P3 (normal, a ticket): Mon 19 Oct 09:00 -> Wed 21 Oct 09:00 EDT, two days: no downtime.
- PE2EOPN, P3: Fri 30 Oct 10:00 EDT, still open: its card goes to the channel.
Availability 1 - 90/44,640 = 99.798387...%, shown rounded down to 4 places as every availability is: 99.7983%
(99.7984% rounded half-up); credit 90/44,640 x 2,400.00 = 4.8387... -> 4.84 USD.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.pagerduty_payloads import replay
from tests.support.pagerduty_rest import TOKEN, Entry, Incident, Stub, cert_file, pagerduty_rest
from tests.support.signing import pagerduty_headers
from tests.support.stack_runner import (
    PAGERDUTY_SECRET,
    RunningStack,
    ask_sla,
    outbox_entries,
    post,
    running_stack,
)

pytestmark = pytest.mark.integration

HISTORY = [
    Incident("PE2EOUT", "PSONAR1", "2026-10-13T14:00:00Z", "Billing down", "P1", [
        Entry("RE2EOUTT", "trigger", "2026-10-13T14:00:00Z", agent=None),
        Entry("RE2EOUTA", "acknowledge", "2026-10-13T14:05:00Z"),
        Entry("RE2EOUTR", "resolve", "2026-10-13T15:30:00Z"),
    ]),
    Incident("PE2ETKT", "PSONAR1", "2026-10-19T13:00:00Z", "Invoice PDF wrong", "P3", [
        Entry("RE2ETKTT", "trigger", "2026-10-19T13:00:00Z"),
        Entry("RE2ETKTA", "acknowledge", "2026-10-19T14:30:00Z"),
        Entry("RE2ETKTR", "resolve", "2026-10-21T13:00:00Z"),
    ]),
    Incident("PE2EOPN", "PSONAR1", "2026-10-30T14:00:00Z", "Report totals off", "P3", [
        Entry("RE2EOPNT", "trigger", "2026-10-30T14:00:00Z"),
    ]),
]  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("backfill-stack")) as running:
        yield running


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    with pagerduty_rest(Stub(list(HISTORY), page_cap=2)) as running:
        yield running


def backfill(stack: RunningStack, stub: Stub) -> dict[str, Any]:
    """The README's local command, as a subprocess of its own (the stack's functions run in another process)."""
    drop = ("TABLE_NAME", "DYNAMODB_ENDPOINT", "SLACK_", "PAGERDUTY_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
    env.update(
        SLAOPS_LOCAL="1",
        LOCAL_DYNAMODB_PORT=str(stack.dynamodb_port),
        SLACK_OUTBOX=str(stack.outbox),
        PAGERDUTY_API_TOKEN=TOKEN,
        PAGERDUTY_API_URL=stub.url,
        SSL_CERT_FILE=cert_file(),
        PYTHONPATH=f"{ROOT / 'layers' / 'sla_core'}{os.pathsep}{ROOT}",
    )
    argv = ["backfill", "pagerduty", "--since", "2026-10-01", "--until", "2026-11-01"]
    done = subprocess.run(
        [sys.executable, "-m", "sla_core", *argv],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def post_id(entry: dict[str, Any]) -> str:
    """The post id a message carries in its metadata (`card#<incident>`, `backfill#<contract>#<run>`, ...)."""
    return str((entry.get("metadata") or {}).get("event_payload", {}).get("post_id") or "")


def test_a_backfilled_month_gives_the_webhook_figures_and_again_or_a_late_webhook_changes_nothing(
    stack: RunningStack, stub: Stub
) -> None:
    result = backfill(stack, stub)
    assert (result["read"], result["recorded"], result["already_recorded"]) == (3, 3, 0)
    answer = ask_sla(stack, "credit sonar-billing 2026-10", "t-backfill-1")
    assert "Availability 99.7983%" in answer and "credit: *4.84 USD*" in answer, answer

    everything = outbox_entries(stack)
    posted = [e for e in everything if e["method"] == "chat.postMessage"]
    cards = [e for e in posted if post_id(e).startswith("card#")]
    assert [e["text"] for e in cards] == [
        "normal incident: Report totals off (Sonar Software billing platform): triggered"
    ]
    summaries = [e for e in posted if post_id(e).startswith("backfill#")]
    assert all(e["text"].startswith(":inbox_tray:") for e in summaries)
    channels = [e["channel"] for e in summaries]
    assert len(channels) == len(set(channels)) == len(result["contracts"])  # one per contract channel
    (summary,) = [e for e in summaries if e["channel"] == "C0SONARBIL1"]
    assert "availability 99.7983%" in summary["text"] and "estimated credit 4.84 USD" in summary["text"]

    # Again, then PagerDuty's late webhook for the outage's resolve, with its own event id (not the log entry's) and
    # milliseconds in the same second: nothing recorded, nothing posted but the summary.
    again = backfill(stack, stub)
    assert (again["recorded"], again["already_recorded"]) == (0, 3)
    body = replay("incident.resolved", incident="PE2EOUT", at="2026-10-13T15:30:00.816Z", agent="Alice Admin")
    status, text = post(f"{stack.api}/pagerduty/webhook", body, pagerduty_headers(body, PAGERDUTY_SECRET))
    assert (status, json.loads(text)) == (202, {"accepted": True})
    answer = ask_sla(stack, "credit sonar-billing 2026-10", "t-backfill-2")
    assert "Availability 99.7983%" in answer and "credit: *4.84 USD*" in answer, answer
    # (The stack's minute ticks may post the open incident's reminders, and duty reminders, meanwhile.)
    later = [post_id(e).split("#")[0] for e in outbox_entries(stack)[len(everything) :] if post_id(e)]
    assert sorted(p for p in later if p in ("card", "backfill")) == ["backfill"] * len(channels)
