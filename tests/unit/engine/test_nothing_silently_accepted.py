"""Nothing a newcomer might write by mistake is silently accepted: each mistake below loaded before (and the
other reading, the id or the band then quietly meant something else); now each is a problem naming its field,
and `check` reports every one of a file in one run, sorted by line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sla_core.engine.policy_rules import policy_problems
from tests.support.cli import run
from tests.support.own_policy import HOSTING_POLICY, write_hosting_policy

BASE = HOSTING_POLICY.format(policy_id="acme-hosting")


def problems(old: str, new: str) -> list[str]:
    """The problems (and warnings) of the hosting policy with one piece of text replaced."""
    assert old in BASE
    _, found = policy_problems(tomllib.loads(BASE.replace(old, new, 1)), "acme-hosting.toml")
    return [problem.line("acme-hosting.toml").removeprefix("acme-hosting.toml: ") for problem in found]


READING = 'quote = "Severity 2: a first response within 4 office hours."\nreading = "r"\nother_reading = "o"\n'
BANDS = '[credit]\nmechanism = "tiered_percent"\nquote = "credits"\n'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a typo inside other_values: the other reading would have dropped out of every figure
        ('quote = "Severity 2: a first response within 4 office hours."\n',
         READING + 'other_values = { calender = "always" }\n',
         "severities[1].targets[0].other_values.calender: unknown field (did you mean calendar?); accepted: metric, "
         "duration, calendar, opened_in, opened_outside, any_of, tiers, recurring"),
        ('quote = "Severity 2: a first response within 4 office hours."\n',
         READING + 'other_values = { duration = "4 hrs" }\n',
         "severities[1].targets[0].other_values.duration: '4 hrs' is not a duration; accepted: '30 minutes', "
         "'4 hours', '2 business days' or '1 week'"),
        # an upper-case id: `--policy AMC-Hosting` would then have failed listing it
        ('id = "acme-hosting"', 'id = "Acme-Hosting"',
         "id: 'Acme-Hosting' is not valid; accepted: lower-case letters, digits and dashes, e.g. 'business-hours'"),
        ("[calendars.office]", "[calendars.Office]",
         "calendars.Office: 'Office' is not valid; accepted: lower-case letters, digits and dashes"),
        # a country the holidays package knows under another code, which explain would have shown as written
        ('country = "DE"', 'country = "DEU"', "holidays.country: 'DEU' is not valid; accepted: an ISO 3166-1 alpha-2"),
        # an initial response cannot recur
        ('calendar = "always"\nquote = "Severity 1', 'calendar = "always"\nrecurring = true\nquote = "Severity 1',
         "severities[0].targets[0].recurring: initial_response happens once, so it cannot recur; accepted: "
         'recurring only with metric = "update"'),
        # undocumented duration forms are refused, not guessed
        ('duration = "4 hours"', 'duration = "4 hrs"', "severities[1].targets[0].duration: '4 hrs' is not a duration"),
        ('duration = "4 hours"', 'duration = "1.5 hours"',
         "severities[1].targets[0].duration: '1.5 hours' is not a duration"),
        # windows: overlapping, empty and reversed are named as such (not "set business_day")
        ('windows = ["Mon-Fri 08:00-18:00"]', 'windows = ["Mon-Fri 08:00-18:00", "Mon 17:00-19:00"]',
         "calendars.office.windows: 'Mon-Fri 08:00-18:00' and 'Mon 17:00-19:00' overlap on Mon"),
        ('windows = ["Mon-Fri 08:00-18:00"]', 'windows = ["Mon-Fri 08:00-08:00"]',
         "calendars.office.windows: 'Mon-Fri 08:00-08:00' is empty: it ends at the time it starts"),
        # an overnight shift is one business day; beside a shorter day it is named, not met with "set business_day"
        ('windows = ["Mon-Fri 08:00-18:00"]', 'windows = ["Mon-Fri 18:00-08:00", "Sat 10:00-12:00"]',
         "calendars.office.windows: 'Mon-Fri 18:00-08:00' ends before it starts, so it runs past midnight"),
    ],
)  # fmt: skip
def test_a_mistake_is_a_problem_at_its_field(old: str, new: str, expected: str) -> None:
    found = problems(old, new)
    assert any(line.startswith(expected) for line in found), found


Q2 = 'quote = "Severity 2: a first response within 4 office hours."\n'
PAUSE = '[pauses.waiting]\nname = "Waiting"\napplies_to = []\nquote = "q"\n\n[claims]'
AFTER_HOURS = (
    '[after_hours]\noutside = "office"\nrate = "-100"\ncurrency = "EUR"\nper = "1 hour"\nquote = "q"\n\n[claims]'
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # the other reading's fields: only this table's own, and only with a reading to be the other of
        (Q2, READING + 'other_without = ["calender"]\n',
         "severities[1].targets[0].other_without: 'calender' is not a field of this table; accepted: metric, "
         "duration, calendar, opened_in, opened_outside, any_of, tiers, recurring"),
        (Q2, Q2 + 'other_values = { duration = "8 hours" }\n',
         "severities[1].targets[0].other_values: expresses the other reading, so it needs reading and other_reading"),
        (Q2, READING + 'other_without = ["quote"]\n',
         "severities[1].targets[0].other_without: 'quote' is not a field the other reading can leave out"),
        ('country = "DE"', 'subdiv = "BY"', "holidays.subdiv: a subdivision needs a country"),
        ('duration = "4 hours"\ncalendar = "office"\n',
         'duration = "4 hours"\ncalendar = "office"\nany_of = [{ duration = "1 hour", calendar = "always" }]\n',
         "severities[1].targets[0].any_of: give either duration + calendar or any_of, not both"),
        ("[claims]", PAUSE, "pauses.waiting.applies_to: is required: the metrics whose clocks this pause stops"),
        ('lengths = ["month"]', "lengths = []",
         "credit.divisor.lengths: must name at least one length: 'month' or a span such as '30 days'"),
        ('lengths = ["month"]', 'lengths = ["a fortnight"]',
         "credit.divisor.lengths: 'a fortnight' is not a span; accepted: a whole number of minutes, hours or days, "
         "e.g. '5 minutes', '72 hours', '30 days'"),
        ("[claims]", AFTER_HOURS, "after_hours.rate: must not be negative, not '-100'"),
        # a value of the wrong shape: what is accepted is the field's, in words
        ('timezone = "Europe/Berlin"\n', 'timezone = "Europe/Berlin"\ncomponents = "web"\n',
         "components: 'web' is not a list; accepted: a list of strings"),
        ('timezone = "Europe/Berlin"\n', 'timezone = "Europe/Berlin"\nafter_hours = "none"\n',
         "after_hours: 'none' is not a table; accepted: a [after_hours] table"),
    ],
)  # fmt: skip
def test_each_rule_between_fields_is_a_problem_at_its_field(old: str, new: str, expected: str) -> None:
    assert problems(old, new) == [expected]


TIERED = BASE.replace('mechanism = "proportional"', 'mechanism = "tiered_percent"').replace(
    '[credit.divisor]\nlengths = ["month"]\nquote = "downtime / the month"\n', ""
)


def band_problems(bands: str) -> list[str]:
    _, found = policy_problems(tomllib.loads(TIERED + bands), "acme-hosting.toml")
    return [problem.line("x").removeprefix("x: ") for problem in found]


def test_credit_bands_that_repeat_or_pass_the_target_are_problems() -> None:
    rows = (
        '[[credit.bands]]\nbelow = "99.9"\npercent = "10"\nquote = "a"\n'
        '[[credit.bands]]\nbelow = "99.9"\npercent = "20"\nquote = "b"\n'
        '[[credit.bands]]\nbelow = "99.95"\npercent = "5"\nquote = "c"\n'
    )
    assert band_problems(rows) == [
        "credit.bands[1].below: repeats the threshold of bands[0] (below '99.9'); accepted: each threshold once",
        "credit.bands[2].below: '99.95' is above the availability target (99.9%): a period that meets the target "
        "would earn this credit; accepted: a threshold at or below 99.9",
    ]


def test_a_band_that_credits_less_for_lower_availability_is_a_warning_naming_both_rows() -> None:
    # "2" for "20": below 95% should earn more than below 99.9%; the policy still loads.
    rows = (
        '[[credit.bands]]\nbelow = "99.9"\npercent = "10"\nquote = "a"\n'
        '[[credit.bands]]\nbelow = "95"\npercent = "2"\nquote = "b"\n'
    )
    policy, found = policy_problems(tomllib.loads(TIERED + rows), "acme-hosting.toml")
    assert policy is not None
    assert [p.line("x") for p in found] == [
        "x: credit.bands[1].percent: warning: bands[1] (availability < 95% -> 2%) credits less than bands[0] "
        "(availability < 99.9% -> 10%), though availability is lower"
    ]


def test_check_reports_every_problem_of_a_file_in_one_run_sorted_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_hosting_policy(tmp_path)
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ('vendor = "Acme Hosting"\n', ""),  # missing: at the line of its table, 1 for the top
        ('timezone = "Europe/Berlin"', 'timezon = "Europe/Berlin"'),  # misspelt: named, with the likely key
        ('duration = "30 minutes"', 'duration = "30 mins"'),
        ('target_percent = "99.9"', 'target_percnet = "99.9"'),
    ]:
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    def line(snippet: str) -> int:
        return next(n for n, written in enumerate(lines, 1) if snippet in written)

    code, out, err = run(capsys, "check", str(path))
    assert (code, err) == (2, "check: 4 problems\n")
    assert out.splitlines() == [
        f"{path}:1: vendor: is required; accepted: a non-empty string in quotes",
        f"{path}:{line('timezon =')}: timezon: unknown field (did you mean timezone?); accepted: id, vendor, title, "
        "seed, timezone, holidays, calendars, regions, tiers, severities, components, availability, credit, claims, "
        "termination, after_hours, duties, pauses, timezone_basis, effective, boundary, examples",
        f"{path}:{line('30 mins')}: severities[0].targets[0].duration: '30 mins' is not a duration; accepted: "
        "'30 minutes', '4 hours', '2 business days' or '1 week'",
        f"{path}:{line('target_percnet')}: availability.target_percnet: unknown field (did you mean "
        "target_percent?); accepted: quote, reading, other_reading, other_values, other_without, target_percent, "
        "measured_over, excluded_causes, maintenance, emergency, recording, counts_from",
    ]


def test_check_shows_a_warning_and_still_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (
        '[[credit.bands]]\nbelow = "99.9"\npercent = "10"\nquote = "a"\n'
        '[[credit.bands]]\nbelow = "95"\npercent = "2"\nquote = "b"\n'
    )
    path = tmp_path / "acme-hosting.toml"
    path.write_text(TIERED.split("# Fri 2026-06-12")[0] + rows, encoding="utf-8")  # without the examples
    line = len(path.read_text(encoding="utf-8").splitlines()) - 1  # the second band's percent
    code, out, err = run(capsys, "check", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{path}:{line}: credit.bands[1].percent: warning: bands[1] (availability < 95% -> 2%) credits less than "
        "bands[0] (availability < 99.9% -> 10%), though availability is lower",
        "ok: 1 policy (0 examples) hold",
    ]
