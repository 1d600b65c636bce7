"""A cold start asks `holidays` for one or two countries: only their modules may be imported, not the package's
~250 (its `holidays.countries` imports them all as soon as one is asked for)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

CHILD = """
import json, sys
from datetime import date
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec, holiday_problem
problems = [holiday_problem("CH", "GE"), holiday_problem("XX", None), holiday_problem("CH", "ZZ")]
from holidays.countries import Singapore  # after the first use: the light package resolves it
christmas = date(2026, 12, 25) in HolidaySet(HolidaySpec("US"))
loaded = sorted(m for m in sys.modules if m.startswith("holidays.countries."))
print(json.dumps({"problems": problems, "christmas": christmas, "loaded": loaded, "sg": Singapore.__name__}))
"""


def test_asking_for_a_country_imports_that_country_only() -> None:
    env = {"PYTHONPATH": str(ROOT / "layers" / "sla_core"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    found = json.loads(done.stdout)
    assert found["loaded"] == [
        "holidays.countries.singapore",
        "holidays.countries.switzerland",
        "holidays.countries.united_states",
    ]
    assert found["christmas"] is True and found["sg"] == "Singapore"
    known, unknown, bad_subdiv = found["problems"]
    assert known is None
    assert unknown[:2] == ["country", "'XX' has no holiday calendar"]
    assert bad_subdiv[:2] == ["subdiv", "'ZZ' is not a subdivision of CH"]
