"""app.report_csv: the one definition of the SLA report's CSV, checked against hand-computed figures.

Sonoran Software Systems (sonoran-servers), component web, February 2030 in America/Phoenix (MST, −07:00 all
year): 28 × 1,440 = 40,320 minutes. The policy excludes network, internet, customer-equipment, DDoS and
customer causes, excludes the first 2 hours of scheduled maintenance of the month in time order, measures
availability over the month less excluded minutes and credits counted minutes / min(month, 30 days) × fee.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sla_core.app.alternate_figures import StoredEstimate
from sla_core.app.report_csv import COLUMNS, COUNTED_REASONS, outage_lines, report_csv, report_filename
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy_registry import load_policy
from tests.unit.engine.test_terms_properties import POLICIES, intervals

MST = timezone(timedelta(hours=-7))
MIN = 60_000_000  # microseconds per minute


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2030, month, day, hour, minute, tzinfo=MST)


# Five outages (hand-computed minutes inside February, counted / excluded):
#  1. Jan 31 23:00 – Feb 1 01:00 unplanned, across the month boundary: 60 of its 120 min in February, counted.
#  2. Feb 5 01:00 – 02:30 scheduled maintenance, 90 min: within the 120-min allowance, excluded (30 left).
#  3. Feb 12 01:00 – 02:30 scheduled maintenance, 90 min: 30 within the rest of the allowance, excluded;
#     60 beyond it, counted.
#  4. Feb 20 10:00 – 10:40 unplanned, touching 10:40 – 11:00 caused by the customer (incident sla-b): one
#     outage of 60 min, 40 counted and 20 excluded (cause 'customer').
#  5. Feb 28 20:00 – 22:00 unplanned, 120 min counted (incident sla-c).
# Counted 60 + 0 + 60 + 40 + 120 = 280; excluded 90 + 30 + 20 = 140.
INTERVALS = (
    downtime(at(31, 23, month=1), at(1, 1), incident="sla-a"),
    downtime(at(5, 1), at(5, 2, 30), Kind.SCHEDULED),
    downtime(at(12, 1), at(12, 2, 30), Kind.SCHEDULED),
    downtime(at(20, 10), at(20, 10, 40), incident="sla-b"),
    downtime(at(20, 10, 40), at(20, 11), cause="customer", incident="sla-b"),
    downtime(at(28, 20), at(28, 22), incident="sla-c"),
)


def estimate(intervals: tuple[Downtime, ...] = INTERVALS) -> CreditEstimate:
    return estimate_credit(
        load_policy("sonoran-servers"), "2030-02", fee=Decimal("899.50"), intervals=intervals, component="web"
    )


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_each_outage_is_classified_by_the_estimates_rules_and_they_add_up_to_its_totals() -> None:
    found = estimate()
    lines = outage_lines(found)
    minutes = [(line.counted / MIN, line.excluded / MIN) for line in lines]
    assert minutes == [(60, 0), (0, 90), (60, 30), (40, 20), (120, 0)]
    m = found.availability
    assert m is not None
    # To the microsecond: the outages' counted and excluded time is the estimate's.
    assert sum(line.counted for line in lines) == m.counted == 280 * MIN
    assert sum(line.excluded for line in lines) == m.excluded == 140 * MIN
    # The allowance is used in time order: the second maintenance gets only the 30 minutes the first left.
    assert dict(lines[2].reasons) == {
        "maintenance within the monthly allowance": 30 * MIN,
        "maintenance beyond the monthly allowance": 60 * MIN,
    }
    # The whole outage is shown, unsplit, though only its February part counts.
    assert (lines[0].start, lines[0].end) == (INTERVALS[0].start, INTERVALS[0].end)


def test_the_csv_has_the_columns_and_the_sections_in_order() -> None:
    found = rows(report_csv([StoredEstimate(estimate(), INTERVALS)]))
    assert tuple(found[0]) == COLUMNS
    sections = [row["section"] for row in found]
    assert sections[:8] == ["report", "outage", "outage", "outage", "outage", "outage", "total", "total"]
    assert sections[8:11] == ["credit", "claim", "claim"]
    assert set(sections[11:]) == {"reading", "note"} and sections[-1] == "note"
    assert {row["component"] for row in found} == {"web"}


def test_outage_rows_give_times_in_the_contracts_zone_minutes_why_cause_and_incident() -> None:
    outages = [row for row in rows(report_csv([StoredEstimate(estimate(), INTERVALS)])) if row["section"] == "outage"]
    first, second, third, fourth, fifth = outages
    assert (first["start"], first["end"]) == ("2030-01-31T23:00:00-07:00", "2030-02-01T01:00:00-07:00")
    assert (first["minutes_counted"], first["minutes_excluded"], first["incident"]) == ("60.00", "0.00", "sla-a")
    assert first["counted_why"] == "unplanned downtime: 60.00" and first["excluded_why"] == ""
    assert (second["minutes_counted"], second["minutes_excluded"]) == ("0.00", "90.00")
    assert second["excluded_why"] == "maintenance within the monthly allowance: 90.00" and second["incident"] == ""
    assert third["counted_why"] == "maintenance beyond the monthly allowance: 60.00"
    assert third["excluded_why"] == "maintenance within the monthly allowance: 30.00"
    assert (fourth["start"], fourth["end"]) == ("2030-02-20T10:00:00-07:00", "2030-02-20T11:00:00-07:00")
    assert (fourth["minutes_counted"], fourth["minutes_excluded"]) == ("40.00", "20.00")
    assert (fourth["excluded_why"], fourth["cause"], fourth["incident"]) == (
        "cause 'customer': 20.00",
        "customer",
        "sla-b",
    )
    assert (fifth["minutes_counted"], fifth["incident"]) == ("120.00", "sla-c")


def test_totals_credit_claim_and_readings() -> None:
    found = rows(report_csv([StoredEstimate(estimate(), INTERVALS)]))
    by_figure = {row["figure"]: row for row in found if row["section"] in ("total", "credit", "claim")}
    total = by_figure["availability_percent"]
    # Measured over the month less excluded minutes: (40,320 − 140 − 280) / (40,320 − 140) = 39,900 / 40,180
    # = 99.30313...% → 99.3031 (rounded down).
    assert (total["minutes_counted"], total["minutes_excluded"], total["value"]) == ("280.00", "140.00", "99.3031")
    assert total["detail"] == "target 99.9% missed; 40320.00 minutes in the period"
    assert total["excluded_why"] == "maintenance within the monthly allowance: 120.00; cause 'customer': 20.00"
    # 280 credited minutes / 40,320 (February is shorter than 30 days) × 899.50 = 6.2465... → 6.25 USD.
    assert (by_figure["credited_minutes"]["value"], by_figure["credit_amount"]["value"]) == ("280.00", "6.25")
    assert by_figure["credit_amount"]["unit"] == "USD" and "= 6.25 USD" in by_figure["credit_amount"]["detail"]
    # 72 hours after the end of the first outage (Feb 1 01:00), the earliest of the outage deadlines.
    assert by_figure["claim_deadline"]["value"] == "2030-02-04T01:00:00-07:00"
    readings = {row["value"]: row for row in found if row["section"] == "reading"}
    allowance = next(row for text, row in readings.items() if text.startswith("The first 120 minutes"))
    # Under "all announced maintenance is excluded" outage 3 is wholly excluded: counted 220, excluded 200;
    # (40,320 − 200 − 220) / (40,320 − 200) = 39,900 / 40,120 = 99.45164...% → 99.4516; 220 / 40,320 × 899.50
    # = 4.9078... → 4.91 USD.
    assert allowance["detail"] == "All announced maintenance is excluded; two hours is only the usual amount."
    assert allowance["if_other"] == "availability_percent=99.4516; credit_amount=4.91"


def test_an_outage_wholly_outside_the_period_is_not_a_row() -> None:
    january = downtime(at(10, 8, month=1), at(10, 9, month=1))
    found = estimate((january, INTERVALS[-1]))
    assert [(line.counted / MIN) for line in outage_lines(found)] == [120]


def test_a_policy_without_availability_has_no_outage_rows_but_its_missed_responses() -> None:
    # SonarSource, Standard, 2026-Q2: 5 missed responses > 4 → 25% of 12,000.00 = 3,000.00 USD; 1 of the 5 is
    # a miss only on a reading: under the other, 4 missed, not more than 4, so the target is met and no credit.
    found = estimate_credit(
        load_policy("sonarsource"), "2026-Q2", fee=Decimal(12000), tier="standard", region="emea",
        missed_responses=5, missed_on_reading=1,
    )  # fmt: skip
    table = rows(report_csv([StoredEstimate(found)]))
    assert [row for row in table if row["section"] in ("outage", "total") and row["figure"] != "missed_responses"] == []
    by_figure = {row["figure"]: row for row in table}
    assert (by_figure["missed_responses"]["value"], by_figure["credit_percent"]["value"]) == ("5", "25")
    assert (by_figure["credit_amount"]["value"], by_figure["credit_amount"]["unit"]) == ("3000.00", "USD")
    (missed,) = [row for row in table if row["section"] == "reading" and "initial responses" in row["value"]]
    assert missed["if_other"] == "target_met=yes; credit_amount=0.00"


def test_several_components_share_one_file_and_extra_notes_go_to_each() -> None:
    web = StoredEstimate(estimate(), INTERVALS)
    mail = StoredEstimate(
        estimate_credit(load_policy("sonoran-servers"), "2030-02", fee=Decimal("899.50"), component="mail")
    )
    table = rows(report_csv([web, mail], notes=["given by hand"]))
    assert [row["component"] for row in table if row["section"] == "report"] == ["web", "mail"]
    assert [row["component"] for row in table if row["detail"] == "given by hand"] == ["web", "mail"]
    (mail_total,) = [row for row in table if row["component"] == "mail" and row["figure"] == "availability_percent"]
    assert (mail_total["value"], mail_total["minutes_counted"]) == ("100.0000", "0.00")


def test_file_name() -> None:
    assert report_filename("sonar-billing", "2026-03") == "sonar-billing-2026-03-sla.csv"
    assert report_filename("sonarqube-support", "2026-Q2") == "sonarqube-support-2026-Q2-sla.csv"


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), st.lists(intervals(), max_size=20))
def test_outages_always_add_up_to_the_estimate_and_their_reasons_to_their_minutes(
    policy_id: str, items: list[Downtime]
) -> None:
    # Random downtime in and around April 2026, every kind and cause, with and without a maintenance allowance
    # (Sonoran and Atheer have one; Resonate and Sonar do not).
    policy = load_policy(policy_id)
    found = estimate_credit(policy, "2026-04", fee=Decimal(1000), intervals=items, component=policy.components[0])
    m = found.availability
    assert m is not None
    lines = outage_lines(found)
    assert sum(line.counted for line in lines) == m.counted
    assert sum(line.excluded for line in lines) == m.excluded
    for line in lines:
        assert sum(amount for reason, amount in line.reasons if reason in COUNTED_REASONS) == line.counted
        assert sum(amount for reason, amount in line.reasons if reason not in COUNTED_REASONS) == line.excluded
        assert line.counted + line.excluded > 0
