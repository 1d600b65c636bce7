"""Credit estimate for a month of 10,000 downtime intervals, per policy (target: under 100 ms).

The intervals are seeded-random over April 2026: 1 to 240 minutes long, many overlapping, a third scheduled
maintenance and a tenth emergency maintenance, a fifth with a cause (some excluded, some credited), some
crossing into May. Each figure is the median of REPEATS full `estimate_credit` runs: merging, exclusions,
maintenance windows (BusinessCalendar overlap), allowance, minimum outage, credit and claim window.
Run: PYTHONPATH=layers/sla_core .venv/bin/python bench/bench_credit.py
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sla_core.engine.credits import estimate_credit
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy_registry import load_policy

INTERVALS = 10_000
REPEATS = 9
CAUSES = [None] * 8 + ["network", "ddos"]


def intervals(zone: ZoneInfo, seed: int = 20260401) -> list[Downtime]:
    """INTERVALS seeded-random intervals in April 2026 (local time of `zone`)."""
    rng = random.Random(seed)
    start = datetime(2026, 4, 1, tzinfo=zone)
    month_minutes = 30 * 24 * 60
    kinds = [Kind.UNPLANNED] * 17 + [Kind.SCHEDULED] * 10 + [Kind.EMERGENCY] * 3
    found = []
    for _ in range(INTERVALS):
        at = start + timedelta(minutes=rng.randrange(month_minutes), seconds=rng.randrange(60))
        length = timedelta(minutes=rng.randint(1, 240))
        found.append(downtime(at, at + length, rng.choice(kinds), rng.choice(CAUSES)))
    return found


def median_ms(policy_id: str, **kwargs: object) -> float:
    """Median wall time of one estimate, in milliseconds."""
    policy = load_policy(policy_id)
    data = intervals(policy.zone_for(None))
    runs = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        estimate_credit(policy, "2026-04", fee=Decimal("1000"), intervals=data, **kwargs)  # type: ignore[arg-type]
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs)


def main() -> None:
    print(f"{INTERVALS} downtime intervals in 2026-04, median of {REPEATS} runs of estimate_credit:")
    for policy_id, kwargs in (
        ("resonate", {}),
        ("sonar-software", {}),
        ("sonoran-servers", {"component": "web"}),
        ("atheer", {}),
    ):
        print(f"  {policy_id:<16} {median_ms(policy_id, **kwargs):7.1f} ms")


if __name__ == "__main__":
    main()
