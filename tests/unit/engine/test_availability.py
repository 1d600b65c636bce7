"""Downtime model, merging, month splits and periods, and the notes and readings of the seeds' months (their
figures are the policies' [[examples]])."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.errors import InputError
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime, for_component, merge_spans, split_by_month, subtract
from sla_core.engine.periods import month_period, parse_period
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.recording import apply_minimum, downtime_from_probes
from sla_core.engine.rounding import minutes_text
from tests.support.examples import period_example

NY = ZoneInfo("America/New_York")
PHOENIX = ZoneInfo("America/Phoenix")
MIN = 60_000_000  # microseconds per minute


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dt(start: str, end: str, kind: Kind = Kind.UNPLANNED, cause: str | None = None) -> Downtime:
    return downtime(at(start), at(end), kind, cause)


def month(policy_id: str, year: int, mon: int, *intervals: Downtime) -> Measurement:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    return measure(terms, list(intervals), month_period(year, mon, zone), zone)


def reasons(m: Measurement) -> dict[str, int]:
    return {r: v // MIN for r, v in m.reasons}


# -- the model --------------------------------------------------------------------------------------


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(InputError, match="no time zone"):
        downtime(datetime(2026, 4, 1, 10), datetime(2026, 4, 1, 11, tzinfo=NY))


def test_end_at_or_before_start_is_rejected() -> None:
    with pytest.raises(InputError, match="at or before it starts"):
        dt("2026-04-01T11:00:00-04:00", "2026-04-01T10:00:00-04:00")


def test_unknown_kind_and_cause_list_what_is_accepted() -> None:
    with pytest.raises(InputError, match="accepted: unplanned, scheduled, emergency"):
        downtime(at("2026-04-01T10:00Z"), at("2026-04-01T11:00Z"), "planned")
    with pytest.raises(InputError, match="accepted: customer, customer-equipment"):
        downtime(at("2026-04-01T10:00Z"), at("2026-04-01T11:00Z"), Kind.UNPLANNED, "aliens")


def test_minutes_are_decimals_without_float_noise() -> None:
    # 4 min 59 s = 4.98333... minutes -> 4.9833 (half-up at 4 places)
    assert minutes_text(299_000_000) == "4.9833"
    assert minutes_text(216 * MIN) == "216"


def test_component_filter_keeps_its_own_and_whole_service_intervals() -> None:
    web = Downtime(0, MIN, component="web")
    mail = Downtime(0, MIN, component="mail")
    everything = Downtime(0, MIN)
    assert for_component([web, mail, everything], "web") == [web, everything]


# -- merging and splitting --------------------------------------------------------------------------


def test_overlapping_intervals_are_counted_once() -> None:
    # 10:00-11:00 and 10:30-11:30 overlap: the union is 10:00-11:30 = 90 minutes, not 120.
    m = month(
        "resonate",
        2026,
        4,
        dt("2026-04-14T10:00:00-04:00", "2026-04-14T11:00:00-04:00"),
        dt("2026-04-14T10:30:00-04:00", "2026-04-14T11:30:00-04:00"),
    )
    assert m.counted == 90 * MIN


def test_merge_spans_joins_overlapping_and_touching_spans() -> None:
    assert merge_spans([(5, 8), (0, 2), (2, 3), (7, 10)]) == [(0, 3), (5, 10)]


def test_subtract_cuts_holes() -> None:
    assert subtract([(0, 10), (20, 30)], [(2, 4), (8, 22), (25, 26)]) == [(0, 2), (4, 8), (22, 25), (26, 30)]


def test_an_interval_across_a_month_boundary_is_split() -> None:
    # Apr 30 23:00 - May 1 01:00 EDT: 60 minutes in April, 60 in May.
    iv = dt("2026-04-30T23:00:00-04:00", "2026-05-01T01:00:00-04:00")
    pieces = split_by_month(iv, NY)
    assert [p.micros // MIN for p in pieces] == [60, 60]
    assert pieces[0].end == to_micros(at("2026-05-01T00:00:00-04:00"))


def test_an_outage_across_a_month_boundary_says_so() -> None:
    # Its minutes in each month are the policy's examples; the month's notes name the edge it crosses.
    april = period_example("resonate", "an outage across the month's end counts in April").availability
    assert april is not None and any("crossing the edge of 2026-04" in n for n in april.notes)


# -- periods and DST --------------------------------------------------------------------------------


def test_a_dst_month_has_real_minutes() -> None:
    # March 2026 in America/New_York: 31 days x 1440 = 44,640 minus the 60-minute spring-forward = 44,580.
    assert month_period(2026, 3, NY).micros == 44_580 * MIN
    # November 2026: 30 x 1440 = 43,200 plus the repeated hour = 43,260.
    assert month_period(2026, 11, NY).micros == 43_260 * MIN
    # Arizona keeps no DST: March is 44,640 minutes.
    assert month_period(2026, 3, PHOENIX).micros == 44_640 * MIN


def test_period_parsing_rejects_the_wrong_unit() -> None:
    with pytest.raises(InputError, match="is a quarter, but this policy measures calendar months"):
        parse_period("2026-Q1", "month", NY)
    with pytest.raises(InputError, match="give YYYY-Qn"):
        parse_period("2026-03", "quarter", NY)
    with pytest.raises(InputError, match="give YYYY-MM"):
        parse_period("2026-13", "month", NY)


# -- the seeds' months: their figures are the policies' [[examples]] (test_policy_examples); here the notes and
# readings a measurement gives beside them.


def measured(policy_id: str, example: str) -> Measurement:
    found = period_example(policy_id, example).availability
    assert found is not None
    return found


def test_resonate_maintenance_outside_the_window_says_why_it_counts() -> None:
    m = measured("resonate", "maintenance outside the window counts")
    assert any("60 minutes of scheduled maintenance fell outside the allowed windows" in n for n in m.notes)
    # The windows are read whole in one zone for the month: Eastern local time counts 60 min here, EST all year
    # none, so April reads them in America/New_York and names the other zone's reading.
    assert any("read whole in America/New_York for 2026-04" in r["chosen"] for r in m.readings)
    assert any(r["other"].startswith("The windows in Etc/GMT+5 for 2026-04") for r in m.readings)


def test_unplanned_downtime_during_declared_maintenance_says_so() -> None:
    # `--downtime X --maintenance X` means X was maintenance: the 30 minutes are that maintenance, not downtime.
    m = measured("resonate", "unplanned downtime during declared maintenance is that maintenance")
    assert any("30 minutes of downtime fell within declared maintenance" in n for n in m.notes)


def test_sonar_maintenance_in_the_forbidden_hours_says_which() -> None:
    m = measured("sonar-software", "maintenance inside the forbidden hours counts and is credited")
    assert "60 minutes of scheduled maintenance fell inside the forbidden windows (Mon-Fri 07:00-19:00" in m.notes[0]


def test_probe_runs_become_intervals_from_first_to_last_failure() -> None:
    # §6.1(b): failed probes at 10:00..10:06 (7 in a row) -> downtime 10:00-10:06 = 6 minutes;
    # a single failed probe at 11:00 is not downtime; 12:00 and 12:01 failed -> 1 minute.
    probes = [(at(f"2026-04-10T10:0{i}:00-07:00"), False) for i in range(7)]
    probes += [(at("2026-04-10T10:07:00-07:00"), True), (at("2026-04-10T11:00:00-07:00"), False)]
    probes += [(at("2026-04-10T11:01:00-07:00"), True), (at("2026-04-10T12:00:00-07:00"), False)]
    probes += [(at("2026-04-10T12:01:00-07:00"), False), (at("2026-04-10T12:02:00-07:00"), True)]
    found = downtime_from_probes(probes, component="web")
    assert [(iv.micros // MIN, iv.component) for iv in found] == [(6, "web"), (1, "web")]
    assert found[0].start == to_micros(at("2026-04-10T10:00:00-07:00"))


def test_probe_series_is_read_in_time_order() -> None:
    probes = [(at("2026-04-10T10:05:00-07:00"), False), (at("2026-04-10T10:00:00-07:00"), False)]
    assert [iv.micros // MIN for iv in downtime_from_probes(probes)] == [5]


def test_sonoran_short_outage_is_noted() -> None:
    m = measured("sonoran-servers", "an outage under five minutes is not recorded")
    assert any("1 outage shorter than 5 minutes" in n for n in m.notes)


def test_the_minimum_keeps_both_month_pieces_of_one_outage() -> None:
    # Apr 30 23:57 -> May 1 00:03 Arizona time is one 6-minute outage: split by month, neither piece is dropped.
    iv = dt("2026-04-30T23:57:00-07:00", "2026-05-01T00:03:00-07:00")
    kept, dropped = apply_minimum(split_by_month(iv, PHOENIX), 5 * MIN)
    assert len(kept) == 2 and dropped == []


def test_sonoran_reserved_hours_say_what_was_within_and_beyond() -> None:
    m = measured("sonoran-servers", "two reserved maintenance hours, then maintenance counts")
    assert reasons(m) == {
        "maintenance within the monthly allowance": 120,
        "maintenance beyond the monthly allowance": 30,
    }
    assert any("beyond the monthly allowance of 2 hours" in n for n in m.notes)


def test_sonoran_emergency_maintenance_names_its_reading() -> None:
    m = measured("sonoran-servers", "emergency maintenance counts as unplanned downtime")
    assert any("Emergency maintenance is unannounced" in r["chosen"] for r in m.readings)
