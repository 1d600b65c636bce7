"""A reported month is never rewritten silently (DynamoDB Local): its report keeps the figures it gave; later
downtime (a PagerDuty resolve delivered late) changes the month only once someone confirms the recompute.

Sonar Software billing, October 2026 in New York: 31 x 1,440 = 44,640 min (DST ends in November). Reported
with no downtime: 100%, 0.00 USD. Then 45 min of downtime Sat 10 Oct 02:00-02:45 EDT arrive late: (44,640 -
45) / 44,640 = 99.89919...% → 99.8991%, below 99.99%: 45 x 2,400.00 / 44,640 = 2.4193... → 2.42 USD.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sla_core.app.recompute import confirm, recompute, remember_reported
from sla_core.app.reports import jobs_due
from sla_core.app.store import post_queue, repository
from sla_core.config.contracts import load_contracts
from sla_core.slack.render.corrections import correction_text

pytestmark = pytest.mark.integration

SONAR = load_contracts().contracts["sonar-billing"]
REPORTED_AT = datetime.fromisoformat("2026-11-01T09:00:00-05:00")
NOW = datetime.fromisoformat("2026-11-12T10:00:00-05:00")


def test_a_reported_month_changes_only_on_confirmation_and_once(table: str) -> None:
    (job,) = jobs_due(SONAR, REPORTED_AT)
    remember_reported(job, SONAR, REPORTED_AT)
    assert recompute(SONAR, "2026-10", NOW).changed is False
    start = datetime.fromisoformat("2026-10-10T02:00:00-04:00")
    interval = repository.new_downtime(downtime_id="late", contract_id=SONAR.id, component="platform",
                                       started_at=start, ended_at=start + timedelta(minutes=45),
                                       recorded_by="pagerduty", source="pagerduty")  # fmt: skip
    assert repository.record_interval(interval)  # start and end in one put
    shown = recompute(SONAR, "2026-10", NOW)
    assert shown.changed and shown.old_at == REPORTED_AT
    assert (shown.old or {})["platform"]["credit_amount"] == "0.00" and shown.new["platform"]["credit_amount"] == "2.42"
    assert shown.new["platform"]["availability_percent"] == "99.8991"
    assert confirm(SONAR, "2026-10", "not-what-was-shown", actor="U1", now=NOW, words=correction_text) is None
    correction = confirm(SONAR, "2026-10", shown.token, actor="U1", now=NOW, words=correction_text)
    assert correction is not None
    posts = [p.text for p in post_queue.due_posts(NOW).posts if p.purpose == "correction"]
    assert posts == ["Correction to 2026-10: estimated credit 0.00 → 2.42 USD, availability 100% → 99.8991% "
                     "(recomputed under the terms and records in force, by <@U1>)"]  # fmt: skip
    # On record now: the correction; pressing again records nothing more.
    assert recompute(SONAR, "2026-10", NOW).changed is False
    assert confirm(SONAR, "2026-10", shown.token, actor="U1", now=NOW, words=correction_text) is None
    assert len(repository.corrections(SONAR.id, "2026-10")) == 1
