"""`/sla report` through the real Slack handler (the `Side` of test_slack_app: signed requests, lazy listeners,
DynamoDB Local, the Slack stub): the CSV reaches Slack by files_upload_v2 into the contract's channel.

sonar-billing (Sonar Software: 99.99% of each calendar month in New York time, per-minute credit of the
2,400.00 USD prior invoice over the minutes of the month). March 2026 in New York has 31 × 1,440 − 60 =
44,580 minutes (DST began Sun 8 March). Recorded, in time order:
1. Scheduled maintenance Mon 2 Mar 02:00 – 03:00 EST (60 min), outside the forbidden Mon–Fri 07:00–19:00 and
   given without an announcement time (taken as announced in time): excluded.
2. Downtime Mon 9 Mar 09:00 – 09:45 EDT, recorded by hand: 45 min counted.
3. The incident opened Tue 10 Mar 10:30 EDT and resolved at 10:55: 25 min counted, named by its id.
Counted 70 min: (44,580 − 70) / 44,580 = 99.84297...% → 99.8429%, below 99.99%, so every minute is credited:
70 × 2,400.00 / 44,580 = 3.7685... → 3.77 USD.
"""

from __future__ import annotations

import csv
import io

from tests.integration.test_slack_app import (  # noqa: F401 - the fixtures `stub`, `side` and `fresh`
    BILLING_CHANNEL,
    DAVE,
    Side,
    fresh,
    open_incident,
    side,
    stub,
)

REPORT = "sonar-billing-2026-03-sla.csv"


def record_the_month(slack: Side) -> str:
    """The three intervals of the module docstring; the incident's id."""
    slack.reply("downtime sonar-billing 2026-03-02T02:00 2026-03-02T03:00 maintenance")
    slack.reply("downtime sonar-billing 2026-03-09T09:00 2026-03-09T09:45")
    incident_id = open_incident(slack)
    assert f"resolved *{incident_id}*" in slack.reply(f"resolve {incident_id} at -5m", user=DAVE)
    return incident_id


def test_report_uploads_the_csv_to_the_contracts_channel(fresh: Side) -> None:  # noqa: F811
    incident_id = record_the_month(fresh)
    reply = fresh.reply("report sonar-billing 2026-03")
    summary = "• platform: availability 99.8429% (target 99.99%, missed), 3 outages, estimated credit 3.77 USD"
    assert reply == f"Uploaded `{REPORT}` to <#{BILLING_CHANNEL}>.\n{summary}"
    (upload,) = fresh.stub.shared()
    assert (upload.channel, upload.filename) == (BILLING_CHANNEL, REPORT)
    assert upload.initial_comment is not None and upload.initial_comment.endswith(summary)
    assert "SLA report for *Sonar Software billing platform*, 2026-03, asked for by <@U0ALICE0001>." in (
        upload.initial_comment
    )
    table = list(csv.DictReader(io.StringIO(upload.content or "")))
    cells = ("start", "end", "minutes_counted", "minutes_excluded", "excluded_why", "incident")
    outages = [tuple(row[cell] for cell in cells) for row in table if row["section"] == "outage"]
    assert outages == [
        ("2026-03-02T02:00:00-05:00", "2026-03-02T03:00:00-05:00", "0.00", "60.00",
         "maintenance in the permitted windows: 60.00", ""),
        ("2026-03-09T09:00:00-04:00", "2026-03-09T09:45:00-04:00", "45.00", "0.00", "", ""),
        ("2026-03-10T10:30:00-04:00", "2026-03-10T10:55:00-04:00", "25.00", "0.00", "", incident_id),
    ]  # fmt: skip
    figures = {row["figure"]: row for row in table if row["section"] in ("total", "credit")}
    total = figures["availability_percent"]
    assert (total["minutes_counted"], total["minutes_excluded"], total["value"]) == ("70.00", "60.00", "99.8429")
    assert (figures["credit_amount"]["value"], figures["credit_amount"]["unit"]) == ("3.77", "USD")
    # Had the maintenance been announced too late, its 60 minutes would count: 130 min, (44,580 − 130) / 44,580
    # = 99.70838...% → 99.7083; 130 × 2,400.00 / 44,580 = 6.9986... → 7.00 USD.
    changed = {row["if_other"] for row in table if row["section"] == "reading"}
    assert "availability_percent=99.7083; credit_amount=7.00" in changed
    # Crediting only the minutes beyond the 0.01% allowance (44,580 × 0.0001 = 4.458 min): 65.542 × 2,400.00 /
    # 44,580 = 3.5285... → 3.53 USD.
    assert "credit_amount=3.53" in changed


def test_a_refused_upload_is_said_in_the_reply(fresh: Side) -> None:  # noqa: F811
    fresh.stub.errors["files.completeUploadExternal"] = "not_in_channel"
    try:
        reply = fresh.reply("report sonar-billing 2026-03")
    finally:
        fresh.stub.errors.clear()
    assert reply == f"Could not upload `{REPORT}` to <#{BILLING_CHANNEL}>: Slack answered `not_in_channel`."
    assert fresh.stub.shared() == []


def test_a_bad_period_gets_the_usage(fresh: Side) -> None:  # noqa: F811
    reply = fresh.reply("report sonar-billing March")
    assert "Usage: `/sla report <contract> [YYYY-MM|YYYY-Qn]`" in reply
    assert fresh.stub.of("files.getUploadURLExternal") == []


def test_help_lists_report(fresh: Side) -> None:  # noqa: F811
    response, _, _ = fresh.command("help")
    assert "• `/sla report <contract> [YYYY-MM|YYYY-Qn]`: upload the period's SLA report" in response["body"]
