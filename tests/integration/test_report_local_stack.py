"""`/sla report` through `make run`'s local stack: a signed PagerDuty outage is recorded, a signed `/sla report`
asks for its month, and without a bot token the file's name and content land in the outbox as files.uploadV2.

sonar-billing (Sonar Software, 99.99% of each calendar month in New York time, per-minute credit of the
2,400.00 USD prior invoice over the minutes of the month). November 2026 in New York has 30 × 1,440 + 60 =
43,260 minutes (DST ends Sun 1 Nov). A P1 ("production-down", an outage) Sat 7 Nov 02:00 → 03:00 EST is 60 min
down: (43,260 − 60) / 43,260 = 99.86130...% → 99.8613%, below 99.99%; credit 60 × 2,400.00 / 43,260 = 3.3287...
→ 3.33 USD.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from tests.integration.test_outages_local_stack import ask, incident, outbox
from tests.support.stack_runner import RunningStack, running_stack

pytestmark = pytest.mark.integration
REPORT = "sonar-billing-2026-11-sla.csv"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with running_stack(tmp_path_factory.mktemp("report-stack")) as running:
        yield running


def test_the_report_lands_in_the_outbox_with_its_name_and_rows(stack: RunningStack) -> None:
    incident(stack, "POUTAGE1", "P1", "2026-11-07T07:00:00Z", "2026-11-07T08:00:00Z")
    answer = ask(stack, "report sonar-billing 2026-11", "t-report")
    assert answer == (
        f"Uploaded `{REPORT}` to <#C0SONARBIL1>.\n"
        "• platform: availability 99.8613% (target 99.99%, missed), 1 outage, estimated credit 3.33 USD"
    )
    (upload,) = [entry for entry in outbox(stack) if entry["method"] == "files.uploadV2"]
    assert (upload["channel"], upload["filename"]) == ("C0SONARBIL1", REPORT)
    assert upload["initial_comment"].startswith("SLA report for *Sonar Software billing platform*, 2026-11")
    table = list(csv.DictReader(io.StringIO(upload["content"])))
    (outage,) = [row for row in table if row["section"] == "outage"]
    assert (outage["start"], outage["end"]) == ("2026-11-07T02:00:00-05:00", "2026-11-07T03:00:00-05:00")
    assert (outage["minutes_counted"], outage["minutes_excluded"]) == ("60.00", "0.00")
    assert outage["incident"] == "pd-POUTAGE1"  # the PagerDuty incident the downtime was recorded from
    figures = {row["figure"]: row for row in table if row["section"] in ("total", "credit")}
    assert figures["availability_percent"]["value"] == "99.8613"
    assert (figures["credit_amount"]["value"], figures["credit_amount"]["unit"]) == ("3.33", "USD")
