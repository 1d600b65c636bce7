"""Every target of every seed contract, computed by hand from the contract text.

Calendar facts used below (2026): US DST starts Sun Mar 8 and ends Sun Nov 1; EU DST starts Sun Mar 29 and
ends Sun Oct 25. US federal holidays: Jul 3 (Independence Day observed), Nov 11 (Veterans Day), Nov 26
(Thanksgiving). Switzerland: Dec 25. Singapore: Nov 9 (Diwali observed). Nov 20 and 27 are Fridays.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.other_readings import deadline_result
from sla_core.engine.policy_registry import load_policy


def due(policy: str, severity: str, opened: str, metric: str = "initial_response", **kw: str) -> str:
    result = compute_deadline(
        load_policy(policy), severity, datetime.fromisoformat(opened), metric, kw.get("tier"), kw.get("region")
    )
    return result.due_at.isoformat()


# -- Sonar Software: Mon–Fri 09:00–19:00 Eastern, US holidays -------------------------------------------


def test_sonar_production_down_first_response_carries_over_the_weekend() -> None:
    # "Production Down ... Initial Response Time 1 Hour" during business hours.
    # Fri Nov 20 18:30: 30 min until 19:00 close; remaining 30 min from Mon Nov 23 09:00 -> 09:30 EST.
    assert due("sonar-software", "production-down", "2026-11-20T18:30:00-05:00") == "2026-11-23T09:30:00-05:00"


def test_sonar_production_down_hourly_update_skips_thanksgiving() -> None:
    # "Update Timing: Every Hour" on business hours. Wed Nov 25 18:45: 15 min to 19:00; Thu Nov 26 is
    # Thanksgiving (closed); remaining 45 min from Fri Nov 27 09:00 -> 09:45.
    got = due("sonar-software", "production-down", "2026-11-25T18:45:00-05:00", "update")
    assert got == "2026-11-27T09:45:00-05:00"


def test_sonar_normal_request_business_day_wins_before_opening() -> None:
    # 1 business day = 10 open hours (09:00–19:00). Mon Nov 23 08:00: clock starts 09:00 -> 19:00 Mon.
    # 24 clock hours would be Tue 08:00; the earlier (Mon 19:00) is due.
    assert due("sonar-software", "normal", "2026-11-23T08:00:00-05:00") == "2026-11-23T19:00:00-05:00"


def test_sonar_normal_request_24_hours_win_over_a_weekend() -> None:
    # Fri Nov 20 10:00: 1 business day = 9 h Fri (10:00–19:00) + 1 h Mon -> Mon 10:00;
    # "within 24 hours" -> Sat Nov 21 10:00, the earlier.
    assert due("sonar-software", "normal", "2026-11-20T10:00:00-05:00") == "2026-11-21T10:00:00-05:00"


def test_sonar_normal_update_24_clock_hours_across_us_spring_forward() -> None:
    # Update: earlier of 1 business day and 24 hours. Sat Mar 7 12:00 EST = 17:00 UTC; +24 h real time =
    # Sun Mar 8 17:00 UTC = 13:00 EDT (clocks jumped an hour). Business day: Mon 09:00 -> 19:00 EDT.
    got = due("sonar-software", "normal", "2026-03-07T12:00:00-05:00", "update")
    assert got == "2026-03-08T13:00:00-04:00"


def test_sonar_feature_request_business_week_wins_from_monday() -> None:
    # 1 week = 5 business days x 10 h = 50 open hours: Mon Nov 16 09:00 .. Fri Nov 20 19:00 (5 x 10 h).
    # A calendar week would end Mon Nov 23 09:00.
    assert due("sonar-software", "feature-request", "2026-11-16T09:00:00-05:00") == "2026-11-20T19:00:00-05:00"


def test_sonar_feature_request_calendar_week_wins_over_thanksgiving() -> None:
    # Fri Nov 20 20:00 (closed): 50 open hours = Mon 23, Tue 24, Wed 25, Fri 27 (Thu is Thanksgiving), Mon 30
    # -> Mon Nov 30 19:00. 168 clock hours -> Fri Nov 27 20:00, the earlier.
    assert due("sonar-software", "feature-request", "2026-11-20T20:00:00-05:00") == "2026-11-27T20:00:00-05:00"


# -- Sonoran: 1 business day = Mon–Fri 09:00–17:00 Arizona (8 h), US holidays -------------------------------


def test_sonoran_escalation_skips_thanksgiving() -> None:
    # Wed Nov 25 15:00 MST: 2 h to 17:00; Thu closed (Thanksgiving); 6 h from Fri 09:00 -> 15:00.
    assert due("sonoran-servers", "escalation", "2026-11-25T15:00:00-07:00") == "2026-11-27T15:00:00-07:00"


def test_sonoran_escalation_ignores_us_dst_because_arizona_has_none() -> None:
    # Fri Mar 6 16:00 MST: 1 h Fri; Mon Mar 9 (after US DST began; Phoenix stays -07:00) 09:00 + 7 h = 16:00.
    assert due("sonoran-servers", "escalation", "2026-03-06T16:00:00-07:00") == "2026-03-09T16:00:00-07:00"


# -- SonarSource ---------------------------------------------------------------------------------------


def test_sonarsource_core_blocker_across_eu_spring_forward() -> None:
    # Core: 2 business days on 08:00–17:00 (9 h) = 18 open hours. EMEA = Europe/Zurich.
    # Fri Mar 27 15:00 CET: 2 h; Mon Mar 30 (CEST since Sun Mar 29) 9 h -> 11 h; Tue Mar 31 08:00 + 7 h = 15:00.
    got = due("sonarsource", "blocker", "2026-03-27T15:00:00+01:00", tier="core", region="emea")
    assert got == "2026-03-31T15:00:00+02:00"


@pytest.mark.parametrize("severity", ["blocker", "critical", "major", "minor"])
def test_sonarsource_core_every_severity_skips_us_thanksgiving(severity: str) -> None:
    # Core, Americas (America/Chicago, US holidays): 18 open hours. Wed Nov 25 16:00 CST: 1 h; Thu closed;
    # Fri Nov 27 9 h -> 10 h; Mon Nov 30 08:00 + 8 h = 16:00.
    got = due("sonarsource", severity, "2026-11-25T16:00:00-06:00", tier="core", region="americas")
    assert got == "2026-11-30T16:00:00-06:00"


def test_sonarsource_standard_blocker_pauses_over_the_weekend() -> None:
    # Standard: 2 clock hours on the 24x5 clock. APAC (Singapore). Fri Nov 20 23:00 SGT: 1 h to midnight;
    # the timer pauses Sat–Sun; Mon Nov 23 00:00 + 1 h = 01:00.
    got = due("sonarsource", "blocker", "2026-11-20T23:00:00+08:00", tier="standard", region="apac")
    assert got == "2026-11-23T01:00:00+08:00"


def test_sonarsource_standard_critical() -> None:
    # Standard: 4 clock hours on 24x5. Americas. Fri Nov 20 22:00 CST: 2 h; Mon Nov 23 00:00 + 2 h = 02:00.
    got = due("sonarsource", "critical", "2026-11-20T22:00:00-06:00", tier="standard", region="americas")
    assert got == "2026-11-23T02:00:00-06:00"


def test_sonarsource_standard_major_skips_thanksgiving() -> None:
    # Standard: 1 business day on 24x5 = 24 open hours. Wed Nov 25 12:00 CST: 12 h to midnight; Thu closed;
    # Fri Nov 27 00:00 + 12 h = 12:00.
    got = due("sonarsource", "major", "2026-11-25T12:00:00-06:00", tier="standard", region="americas")
    assert got == "2026-11-27T12:00:00-06:00"


def test_sonarsource_standard_minor_on_swiss_christmas() -> None:
    # Standard, EMEA: Fri Dec 25 is a Swiss public holiday, then the weekend; Mon Dec 28 00:00 + 24 h
    # = Tue Dec 29 00:00 CET.
    got = due("sonarsource", "minor", "2026-12-25T10:00:00+01:00", tier="standard", region="emea")
    assert got == "2026-12-29T00:00:00+01:00"


def test_sonarsource_standard_minor_on_singapore_diwali() -> None:
    # Standard, APAC: Fri Nov 6 12:00 SGT: 12 h to midnight; weekend; Mon Nov 9 is Diwali (observed);
    # Tue Nov 10 00:00 + 12 h = 12:00.
    got = due("sonarsource", "minor", "2026-11-06T12:00:00+08:00", tier="standard", region="apac")
    assert got == "2026-11-10T12:00:00+08:00"


def test_sonarsource_enterprise_blocker_across_eu_fall_back() -> None:
    # Enterprise: 1 clock hour, 24/7. Sun Oct 25 02:30 CEST = 00:30 UTC; +1 h = 01:30 UTC, which is 02:30 CET
    # because clocks went back at 01:00 UTC: the wall clock shows the same time, one real hour later.
    got = due("sonarsource", "blocker", "2026-10-25T02:30:00+02:00", tier="enterprise", region="emea")
    assert got == "2026-10-25T02:30:00+01:00"


def test_sonarsource_enterprise_critical_runs_through_the_weekend() -> None:
    # Enterprise: 2 clock hours, 24/7. Sat Nov 21 23:00 SGT -> Sun Nov 22 01:00.
    got = due("sonarsource", "critical", "2026-11-21T23:00:00+08:00", tier="enterprise", region="apac")
    assert got == "2026-11-22T01:00:00+08:00"


def test_sonarsource_enterprise_major_runs_through_christmas() -> None:
    # Enterprise: 12 clock hours, 24/7 (holidays do not pause it). Dec 24 20:00 CET -> Dec 25 08:00.
    got = due("sonarsource", "major", "2026-12-24T20:00:00+01:00", tier="enterprise", region="emea")
    assert got == "2026-12-25T08:00:00+01:00"


def test_sonarsource_enterprise_minor_counts_defined_business_days() -> None:
    # Enterprise Minor: "1 Business Day", and "Business Days: Monday through Friday, excluding public holidays
    # observed in the assigned support region" is a defined term (issue point 6): 24 h of Business Days time,
    # not 24 clock hours through the weekend. Fri Nov 20 10:00 CET: 14 h to midnight; Sat-Sun do not count;
    # Mon Nov 23 00:00 + 10 h = 10:00 CET. (Before: 24 clock hours, Sat Nov 21 10:00.)
    got = due("sonarsource", "minor", "2026-11-20T10:00:00+01:00", tier="enterprise", region="emea")
    assert got == "2026-11-23T10:00:00+01:00"


def test_sonarsource_enterprise_minor_across_eu_spring_forward() -> None:
    # Sat Mar 28 12:00 CET: the weekend (with Sun Mar 29's spring-forward) does not count; Mon Mar 30 00:00 CEST
    # + 24 h = Tue Mar 31 00:00 CEST. (Before: 24 clock hours, Sun Mar 29 13:00 CEST.)
    got = due("sonarsource", "minor", "2026-03-28T12:00:00+01:00", tier="enterprise", region="emea")
    assert got == "2026-03-31T00:00:00+02:00"


def test_sonarsource_enterprise_minor_on_swiss_christmas() -> None:
    # Thu Dec 24 12:00 CET: 12 h to midnight; Fri Dec 25 (Christmas, a Swiss public holiday) and the weekend do
    # not count; Mon Dec 28 00:00 + 12 h = 12:00 CET.
    result = compute_deadline(
        load_policy("sonarsource"),
        "minor",
        datetime.fromisoformat("2026-12-24T12:00:00+01:00"),
        tier="enterprise",
        region="emea",
    )
    assert result.due_at.isoformat() == "2026-12-28T12:00:00+01:00"
    # only the region's holiday choice is a reading; the target itself is not ambiguous
    assert [c.chosen for c in result.readings] == [load_policy("sonarsource").regions["emea"].holidays.clause.chosen]


# -- Atheer: Mon–Fri 09:00–17:00 Pacific (8 h business day), US holidays -------------------------------------


def test_atheer_p1_across_us_fall_back() -> None:
    # P1: 4 business hours, the earlier of the PT and the PST-all-year clock (issue point 6).
    # PT: Fri Oct 30 15:00-17:00 PDT = 2 h; DST ends Sun Nov 1; Mon Nov 2 09:00 PST + 2 h = 11:00.
    # PST: Fri 15:00 PDT = 14:00 PST; 14:00-17:00 PST = 3 h; Mon Nov 2 09:00 PST + 1 h = 10:00 PST. Earlier: 10:00.
    assert due("atheer", "P1", "2026-10-30T15:00:00-07:00") == "2026-11-02T10:00:00-08:00"


def test_atheer_p1_neither_zone_reading_is_always_earlier() -> None:
    # Summer (PDT): PT hours are 09:00-17:00 PDT, PST hours 10:00-18:00 PDT.
    # Mon Jun 8 09:00 PDT: PT 09:00 + 4 h = 13:00; PST opens 10:00, + 4 h = 14:00. Earlier: PT, 13:00.
    morning = deadline_result(load_policy("atheer"), "P1", datetime.fromisoformat("2026-06-08T09:00:00-07:00"))
    assert morning["due_at"] == "2026-06-08T13:00:00-07:00"
    # Mon Jun 8 13:30 PDT: PT 13:30-17:00 = 3.5 h, Tue 09:00 + 0.5 h = Tue 09:30; PST 13:30 + 4 h = 17:30 (before
    # 18:00 PDT). Earlier: PST, Mon 17:30 PDT; under the other reading (PT only): Tue Jun 9 09:30 PDT.
    afternoon = deadline_result(load_policy("atheer"), "P1", datetime.fromisoformat("2026-06-08T13:30:00-07:00"))
    assert afternoon["due_at"] == "2026-06-08T17:30:00-07:00"
    zone = next(r for r in afternoon["readings"] if "neither is always earlier" in r["chosen"])
    assert zone["if_other"] == {"due_at": "2026-06-09T09:30:00-07:00"}
    # In winter PST is Pacific local time and both clocks agree.
    winter = deadline_result(load_policy("atheer"), "P1", datetime.fromisoformat("2026-12-07T13:30:00-08:00"))
    assert winter["due_at"] == "2026-12-08T09:30:00-08:00"
    assert all(r["differs"] == [] for r in winter["readings"])


def test_atheer_p2_skips_veterans_day() -> None:
    # P2: 2 business days = 16 h. Tue Nov 10 13:00: 4 h; Wed Nov 11 Veterans Day; Thu 8 h -> 12 h;
    # Fri Nov 13 09:00 + 4 h = 13:00.
    assert due("atheer", "P2", "2026-11-10T13:00:00-08:00") == "2026-11-13T13:00:00-08:00"


def test_atheer_p3_skips_thanksgiving() -> None:
    # P3: 5 business days = 40 h. Mon Nov 23 09:00: Mon, Tue, Wed 8 h each (24); Thu closed; Fri (32);
    # Mon Nov 30 09:00 + 8 h = 17:00.
    assert due("atheer", "P3", "2026-11-23T09:00:00-08:00") == "2026-11-30T17:00:00-08:00"


def test_atheer_p4_over_independence_day_weekend() -> None:
    # P4: 5 business days = 40 h. Sat Jul 4 (after Fri Jul 3, the observed holiday): clock starts
    # Mon Jul 6 09:00; five 8 h days end Fri Jul 10 17:00 PDT.
    assert due("atheer", "P4", "2026-07-04T10:00:00-07:00") == "2026-07-10T17:00:00-07:00"


# -- Resonate: Primary Hours 09:00–21:00 Eastern every day except US holidays ---------------------------------


def test_resonate_p1_in_primary_hours_is_30_clock_minutes() -> None:
    # Opened Mon Nov 23 20:50 (Primary): "< 30 minute initial response" -> 21:20, past the 21:00 close.
    assert due("resonate", "P1", "2026-11-23T20:50:00-05:00") == "2026-11-23T21:20:00-05:00"


def test_resonate_p1_early_morning_primary_opening_beats_four_hours() -> None:
    # Opened Tue Nov 24 06:00 (Secondary): 4 h -> 10:00; 30 min into Primary Hours -> 09:30, the earlier.
    assert due("resonate", "P1", "2026-11-24T06:00:00-05:00") == "2026-11-24T09:30:00-05:00"


def test_resonate_p1_late_night_gets_four_hours() -> None:
    # Opened Mon Nov 23 22:00 (Secondary): 4 h -> Tue 02:00; Primary would give Tue 09:30.
    assert due("resonate", "P1", "2026-11-23T22:00:00-05:00") == "2026-11-24T02:00:00-05:00"


def test_resonate_p1_on_thanksgiving_is_secondary_hours() -> None:
    # Thanksgiving 10:00 is outside Primary Hours (holiday): 4 h -> 14:00; next Primary Hours give Fri 09:30.
    assert due("resonate", "P1", "2026-11-26T10:00:00-05:00") == "2026-11-26T14:00:00-05:00"


def test_resonate_p1_follow_up_every_4_hours_across_us_fall_back() -> None:
    # "Follow-up status communicated to Customer every 4 hours": Sat Oct 31 23:00 EDT = Nov 1 03:00 UTC;
    # +4 h = 07:00 UTC = Nov 1 02:00 EST (the 01:00–02:00 hour happened twice).
    got = due("resonate", "P1", "2026-10-31T23:00:00-04:00", "update")
    assert got == "2026-11-01T02:00:00-05:00"


def test_resonate_p2_counts_weekend_primary_hours() -> None:
    # P2: 2 h of Primary Hours. Sat Nov 21 20:30: 30 min; Sun Nov 22 09:00 + 1 h 30 = 10:30.
    assert due("resonate", "P2", "2026-11-21T20:30:00-05:00") == "2026-11-22T10:30:00-05:00"


def test_resonate_p2_workaround_within_one_business_day() -> None:
    # 1 business day = 12 Primary hours. Wed Nov 25 15:00: 6 h; Thanksgiving closed; Fri 09:00 + 6 h = 15:00.
    got = due("resonate", "P2", "2026-11-25T15:00:00-05:00", "workaround")
    assert got == "2026-11-27T15:00:00-05:00"


def test_resonate_p3_across_us_spring_forward() -> None:
    # P3: 8 h of Primary Hours. Sat Mar 7 16:00 EST: 5 h to 21:00; Sun Mar 8 (now EDT) 09:00 + 3 h = 12:00.
    assert due("resonate", "P3", "2026-03-07T16:00:00-05:00") == "2026-03-08T12:00:00-04:00"
