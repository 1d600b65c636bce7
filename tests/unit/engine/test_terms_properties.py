"""Property-based tests of availability and credits over random downtime in and around April 2026."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla_core.engine.availability import Measurement, measure
from sla_core.engine.credits import estimate_credit
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind
from sla_core.engine.periods import month_period
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.terms import CAUSES

MIN = 60_000_000
APRIL_START = to_micros(datetime(2026, 4, 1, tzinfo=ZoneInfo("UTC")))
POLICIES = ["resonate", "sonar-software", "sonoran-servers", "atheer"]
# No allowance, no minimum outage and no per-month choice of reading: intervals are independent (Resonate reads its
# maintenance windows in the zone that counts the most downtime that month, which couples its intervals).
NO_COUPLING = ["sonar-software"]


@st.composite
def intervals(draw: st.DrawFn, *, kinds: list[Kind] | None = None, causes: bool = True) -> Downtime:
    """An interval starting from a day before April to its end, 1 s to 12 h long."""
    start = APRIL_START + draw(st.integers(-24 * 60, 31 * 24 * 60)) * MIN + draw(st.integers(0, 59)) * 1_000_000
    length = draw(st.integers(1, 12 * 3600)) * 1_000_000
    kind = draw(st.sampled_from(kinds or list(Kind)))
    cause = draw(st.sampled_from([None, None, None, *CAUSES])) if causes else None
    return Downtime(start, start + length, kind, cause)


@st.composite
def disjoint(draw: st.DrawFn, kinds: list[Kind] | None = None) -> list[Downtime]:
    """Intervals separated by gaps of at least a minute (never touching)."""
    found, t = [], APRIL_START - 6 * 3600 * MIN // 60
    for _ in range(draw(st.integers(0, 12))):
        t += draw(st.integers(1, 3 * 24 * 60)) * MIN
        length = draw(st.integers(1, 8 * 3600)) * 1_000_000
        kind = draw(st.sampled_from(kinds or list(Kind)))
        found.append(Downtime(t, t + length, kind, draw(st.sampled_from([None, *CAUSES]))))
        t += length
    return found


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


def availability(policy_id: str, items: list[Downtime]) -> Measurement:
    policy = load_policy(policy_id)
    terms = policy.terms.availability
    assert terms is not None
    zone = policy.zone_for(None)
    return measure(terms, items, month_period(2026, 4, zone), zone)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), st.lists(intervals(), max_size=25))
def test_availability_stays_between_0_and_100(policy_id: str, items: list[Downtime]) -> None:
    m = availability(policy_id, items)
    assert 0 <= m.availability <= 100
    assert 0 <= m.counted + m.excluded <= m.total


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), st.lists(intervals(), max_size=20), intervals(kinds=[Kind.UNPLANNED]))
def test_adding_downtime_never_raises_availability(policy_id: str, items: list[Downtime], extra: Downtime) -> None:
    # Unplanned downtime only: declared maintenance may turn overlapping downtime into excluded maintenance.
    before = availability(policy_id, items)
    after = availability(policy_id, [*items, extra])
    assert after.availability <= before.availability
    assert after.counted >= before.counted


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(NO_COUPLING),
    st.lists(intervals(), max_size=20),
    intervals(kinds=[Kind.SCHEDULED, Kind.EMERGENCY], causes=False),
)
def test_declared_maintenance_counts_at_most_its_own_length(
    policy_id: str, items: list[Downtime], extra: Downtime
) -> None:
    # Declaring maintenance changes nothing outside it, and inside it at most its own length can count.
    before = availability(policy_id, items)
    after = availability(policy_id, [*items, extra])
    assert after.counted <= before.counted + extra.micros


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["resonate", "sonar-software", "sonoran-servers"]),
    st.lists(intervals(), max_size=20),
    st.decimals(min_value=0, max_value=10**7, places=2),
)
def test_availability_credits_never_exceed_their_caps(policy_id: str, items: list[Downtime], fee: Decimal) -> None:
    policy = load_policy(policy_id)
    component = "web" if policy_id == "sonoran-servers" else None
    result = estimate_credit(policy, "2026-04", fee=fee, intervals=items, component=component)
    assert result.amount >= 0
    if policy_id == "resonate":
        # Capped at 10% of the month's fees.
        assert result.amount <= cents(fee * Decimal("0.10"))
    else:
        # Time-based: at most every minute of the 30-day April, i.e. the whole fee.
        assert result.amount <= fee


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.decimals(min_value=0, max_value=10**7, places=2))
def test_missed_response_credit_never_exceeds_25_percent(missed: int, fee: Decimal) -> None:
    policy = load_policy("sonarsource")
    r = estimate_credit(policy, "2026-Q1", fee=fee, tier="enterprise", region="emea", missed_responses=missed)
    cap = cents(fee * Decimal("0.25"))
    assert r.amount == (cap if missed > 4 else Decimal("0.00"))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), st.lists(intervals(), min_size=1, max_size=15), st.data())
def test_overlapping_copies_never_change_the_counted_minutes(
    policy_id: str, items: list[Downtime], data: st.DataObject
) -> None:
    # A copy of any part of an interval (same kind and cause) merges into it and adds nothing.
    copies = []
    for iv in data.draw(st.lists(st.sampled_from(items), max_size=5)):
        a = data.draw(st.integers(iv.start, iv.end - 1))
        b = data.draw(st.integers(a + 1, iv.end))
        copies.append(Downtime(a, b, iv.kind, iv.cause))
    before, after = availability(policy_id, items), availability(policy_id, [*items, *copies])
    assert (after.counted, after.excluded) == (before.counted, before.excluded)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NO_COUPLING), disjoint())
def test_non_overlapping_intervals_count_independently(policy_id: str, items: list[Downtime]) -> None:
    # Without an allowance or minimum outage, the counted minutes of separate intervals simply add up.
    together = availability(policy_id, items).counted
    assert together == sum(availability(policy_id, [iv]).counted for iv in items)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), disjoint(kinds=[Kind.UNPLANNED]))
def test_separate_unplanned_outages_count_their_length_inside_the_month(policy_id: str, items: list[Downtime]) -> None:
    policy = load_policy(policy_id)
    period = month_period(2026, 4, policy.zone_for(None))
    plain = [Downtime(iv.start, iv.end) for iv in items]
    minimum = 5 * MIN if policy_id == "sonoran-servers" else 0
    expected = sum(
        max(0, min(iv.end, period.end) - max(iv.start, period.start)) for iv in plain if iv.micros >= minimum
    )
    assert availability(policy_id, plain).counted == expected
