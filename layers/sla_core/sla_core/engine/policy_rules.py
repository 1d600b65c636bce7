"""Reading a policy file into its model (`policy`, `terms`, `example_cases`) and every rule between fields, in one
place: the model says what each field is, these say what fields must agree on. Every problem of a file is found in
one pass (`policy_problems`, for `check`); `parse_policy` raises them all as one PolicyError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache, partial
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clauses
from sla_core.engine.durations import Duration, parse_duration
from sla_core.engine.errors import PolicyError
from sla_core.engine.example_cases import Example, InstantOrNone, instant_or_none
from sla_core.engine.holiday_rules import HolidayRule, parse_holiday_rule
from sla_core.engine.holiday_sets import holiday_problem
from sla_core.engine.policy import CalendarSpec, Holidays, NamedHoliday, Pause, Policy, Target, Tier
from sla_core.engine.spans import ClaimSpan, Span, parse_claim_span, parse_contract_span
from sla_core.engine.terms import (
    AVAILABILITY_MECHANISMS,
    PERIOD_UNITS,
    TIME_MECHANISMS,
    AfterHoursTerms,
    AvailabilityTerms,
    Band,
    Cap,
    CreditTerms,
    Divisor,
    Maintenance,
    Percent,
)
from sla_core.engine.toml_decode import (
    Decoder,
    Problem,
    Rule,
    decimal,
    shown,
    struct_info,
    unknown,
    unknown_field,
)
from sla_core.engine.windows import MINUTES_PER_DAY, Windows, parse_window, parse_windows
from sla_core.engine.zones import CalendarZone, Zone, parse_calendar_zone, parse_zone

_CLAUSE_KEYS = ("quote", "reading", "other_reading", "other_values", "other_without")


def _percent(value: Any) -> Percent:
    number = decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise PolicyError(f"must be a percent from '0' to '100', not {shown(value)}; accepted: {Percent.ACCEPTED}")
    return Percent(number)


LEAVES = {
    Span: parse_contract_span,
    Duration: parse_duration,
    Windows: parse_windows,
    Zone: parse_zone,
    Percent: _percent,
    InstantOrNone: instant_or_none,
    HolidayRule: parse_holiday_rule,
    ClaimSpan: parse_claim_span,
    CalendarZone: parse_calendar_zone,
}


@cache
def _fields(cls: type) -> dict[str, Any]:
    """A table's own fields (not the clause fields) by their names in the file, with their inspected types."""
    info = struct_info(cls)
    return {f.encode_name: f.type for f in info.fields if not f.name.startswith("_") and f.name not in _CLAUSE_KEYS}


def _other_values(table: Clauses) -> Iterator[Problem]:
    """`other_values` names this table's fields and gives each a value it accepts (else the other reading would
    silently drop out of every figure)."""
    fields = _fields(type(table))
    for key, value in table.other_values.items():
        if key not in fields:
            yield unknown_field(f"other_values.{key}", key, list(fields))
        else:
            yield from DECODER.decode(value, fields[key], ("other_values", key))[1]
    for key in table.other_without:
        if key not in fields and key not in _CLAUSE_KEYS:
            yield Problem("other_without", f"{shown(key)} is not a field of this table", ", ".join(fields))


def _clause(table: Clauses) -> Iterator[Problem]:
    if (table.reading is None) != (table.other_reading is None):
        yield Problem("other_reading" if table.reading else "reading", "reading and other_reading go together")
    if (table.other_values or table.other_without) and table.reading is None:
        key = "other_values" if table.other_values else "other_without"
        yield Problem(key, "expresses the other reading, so it needs reading and other_reading")
    for key in table.other_without:
        if key in _CLAUSE_KEYS:
            yield Problem("other_without", f"{shown(key)} is not a field the other reading can leave out")
    yield from _other_values(table)


def _holidays(table: Holidays) -> Iterator[Problem]:
    if table.unnamed and table.reading is not None:
        # The rule for a set the contract does not name: none closes the clock (the customer-favourable reading)
        # and the home country's set is the other reading, as data, so its figure is computed.
        if table.country is not None:
            yield Problem("country", "an unnamed holiday set closes no public holidays under the chosen reading")
        if "country" not in table.other_values:
            yield Problem("other_values", "an unnamed holiday set gives the other reading's country as data")
    if table.country is None:
        if table.subdiv:
            yield Problem("subdiv", "a subdivision needs a country")
        return
    found = holiday_problem(table.country, table.subdiv)
    if found is not None:
        yield Problem(*found)


def _calendar(table: CalendarSpec) -> Iterator[Problem]:
    if table.business_day is None:
        try:
            BusinessCalendar(table.id, ZoneInfo("UTC"), table.windows, None, None)
        except PolicyError as exc:
            overnight = [
                text for text in table.windows.texts if any(w.end > MINUTES_PER_DAY for w in parse_window(text))
            ]
            if overnight and "differ in length" in str(exc):  # name the reversed window rather than advise business_day
                yield Problem("windows", f"{shown(overnight[0])} ends before it starts, so it runs past midnight and "
                              "open days differ in length", "start before end, e.g. 'Mon-Fri 09:00-17:00'; for hours "
                              "meant overnight, business_day as well")  # fmt: skip
            else:
                yield Problem("windows", str(exc))


def _target(table: Target) -> Iterator[Problem]:
    if table.recurring and table.metric != "update":
        yield Problem("recurring", f"{table.metric} happens once, so it cannot recur", "recurring only with metric = "
                      '"update" (an update cadence)')  # fmt: skip
    if table.any_of and table.duration is not None:
        yield Problem("any_of", "give either duration + calendar or any_of, not both")
    elif not table.any_of:
        yield from (Problem(key, "is required") for key in ("duration", "calendar") if getattr(table, key) is None)


def _pause(table: Pause) -> Iterator[Problem]:
    if not table.metrics:
        yield Problem("applies_to", "is required: the metrics whose clocks this pause stops")


def _divisor(table: Divisor) -> Iterator[Problem]:
    if not table.lengths:
        yield Problem("lengths", "must name at least one length: 'month' or a span such as '30 days'")
    for length in table.lengths:
        if length not in PERIOD_UNITS:
            try:
                parse_contract_span(length)
            except PolicyError as exc:
                yield Problem("lengths", str(exc))


def _credit(table: CreditTerms) -> Iterator[Problem]:
    needs = {"per_minute": "divisor", "proportional": "divisor", "tiered_percent": "bands"}
    needs["missed_responses"] = "missed_responses"
    needed = needs.get(table.mechanism)
    if needed is not None and not getattr(table, needed):
        yield Problem(needed, f"is required for mechanism {table.mechanism}")
    if table.multiplier != 1 and table.mechanism not in TIME_MECHANISMS:
        yield Problem(
            "multiplier", f"applies only to time credits ({', '.join(TIME_MECHANISMS)}), not {table.mechanism}"
        )
    if table.multiplier <= 0:
        yield Problem("multiplier", f"must be above '0', not {shown(str(table.multiplier))}")
    yield from _bands(table.bands)
    own = [length for length in table.divisor.lengths if length in PERIOD_UNITS] if table.divisor else []
    if any(length != table.period for length in own):
        yield Problem("divisor.lengths", f"the credit period is a {table.period}, so its own length is written "
                      f"{shown(table.period)}")  # fmt: skip


def _bands(bands: tuple[Band, ...]) -> Iterator[Problem]:
    """A credit table's rows: each threshold once; the lower the availability, the higher the credit (a row that
    breaks that is a warning naming both rows: often a typo, '2' for '20')."""
    seen: dict[tuple[Decimal, bool], int] = {}
    for i, band in enumerate(bands):
        if not _one_limit(band):
            continue  # a problem of its own
        key = "at_or_below" if band.inclusive else "below"
        if (band.limit, band.inclusive) in seen:
            yield Problem(f"bands[{i}].{key}", f"repeats the threshold of bands[{seen[band.limit, band.inclusive]}] "
                          f"({key} {shown(str(band.limit))})", "each threshold once")  # fmt: skip
        seen.setdefault((band.limit, band.inclusive), i)
    rows = [(b.limit, not b.inclusive, i) for i, b in enumerate(bands) if _one_limit(b)]
    for (limit, exclusive, low), (other, other_exclusive, high) in pairwise(sorted(rows)):
        if bands[low].percent < bands[high].percent and (limit, exclusive) != (other, other_exclusive):
            problem = f"bands[{low}] ({bands[low].describe()}) credits less than bands[{high}] "
            problem += f"({bands[high].describe()}), though availability is lower"
            yield Problem(f"bands[{low}].percent", problem, warning=True)


def _one_limit(band: Band) -> bool:
    """Whether the band gives exactly one of `below` and `at_or_below` (else it has no limit to compare)."""
    return (band.below is None) != (band.at_or_below is None)


def _after_hours(table: AfterHoursTerms) -> Iterator[Problem]:
    if table.rate < 0:
        yield Problem("rate", f"must not be negative, not {shown(str(table.rate))}")


def _example(table: Example) -> Iterator[Problem]:
    if (table.opened is None) == (table.period is None):
        yield Problem("", "give either opened (a deadline) or period (a month or quarter)", "one of them")
    elif table.opened is not None:
        yield from (Problem(key, "is required") for key in ("severity", "due") if getattr(table, key) is None)
    elif not any(getattr(table, key) is not None for key in _FIGURES):
        yield Problem("", "expects no figure: give at least one", ", ".join(_FIGURES))


_FIGURES = ("availability", "downtime_minutes", "excluded_minutes", "credited_minutes", "credit", "credit_percent",
            "target_met", "claim_deadline", "termination_until")  # fmt: skip
_Check = tuple[Callable[[Any], object], str, str, str | None]
# The rules that are one condition each: when it holds of a table, the problem at its key (and what is accepted).
_CHECKS: dict[type, tuple[_Check, ...]] = {
    NamedHoliday: ((lambda t: (t.rule is None) == (t.day is None), "rule",
                    "give exactly one of rule (every year) or date (one day)", HolidayRule.ACCEPTED),),
    Tier: ((lambda t: t.agreements_before is not None and t.same_as is None, "agreements_before",
            "limits another name for a tier, so it needs same_as", None),
           (lambda t: t.same_as is not None and not t.sla, "sla",
            "another name for a tier has that tier's SLA; leave sla out", None)),
    Maintenance: ((lambda t: (t.given_windows_are is None) != (not t.windows), "windows_are",
                   "windows and windows_are (allowed or forbidden) go together", None),
                  (lambda t: t.zones and not t.windows, "window_zones",
                   "needs windows: it names the zones the windows are read in", None),
                  (lambda t: t.allowance is None and t.allowance_per != "month", "allowance_per",
                   "says what the allowance is for, so it needs allowance", None)),
    AvailabilityTerms: ((lambda t: t.target_percent == 0, "target_percent", "must be above '0'", None),),
    Band: ((lambda t: not _one_limit(t), "below", "give exactly one of below or at_or_below", None),),
    Cap: ((lambda t: (t.percent is None) == (t.service is None), "percent",
           "give exactly one of percent or service", 'percent = "10" or service = "30 days"'),),
}  # fmt: skip


def _checked(checks: tuple[_Check, ...], table: Any) -> list[Problem]:
    """The problems of a table's one-condition rules."""
    return [Problem(key, problem, accepted) for when, key, problem, accepted in checks if when(table)]


RULES: dict[type, Rule] = {
    Clauses: _clause, Holidays: _holidays, CalendarSpec: _calendar, Target: _target, Pause: _pause, Divisor: _divisor,
    CreditTerms: _credit, AfterHoursTerms: _after_hours, Example: _example,
    **{cls: partial(_checked, checks) for cls, checks in _CHECKS.items()},
}  # fmt: skip
DECODER = Decoder(LEAVES, RULES)


def _names(policy: Policy) -> Iterator[Problem]:
    """What policy-wide names must agree on: calendars, tiers, severities and components named where used."""
    real = [t for t, tier in policy.tiers.items() if tier.same_as is None and tier.sla]
    for tid, named in policy.tiers.items():
        if named.same_as is not None and named.same_as not in real:
            yield Problem(f"tiers.{tid}.same_as", f"{shown(named.same_as)} is not a tier with an SLA of this policy",
                          ", ".join(real))  # fmt: skip
    yield from twice("severities[{}].id", "severity", [s.id for s in policy.severity_list])
    for i, severity in enumerate(policy.severity_list):
        for j, target in enumerate(severity.targets):
            where = f"severities[{i}].targets[{j}]"
            for k, clock in enumerate(target.clocks):
                at = f"{where}.any_of[{k}]" if target.any_of else where
                for key in ("calendar", "opened_in", "opened_outside"):
                    yield from unknown(f"{at}.{key}", [getattr(clock, key)], policy.calendars, "calendar")
            yield from unknown(f"{where}.tiers", target.tiers, policy.tiers, "tier")
            for tier in (t for t in target.tiers if t in policy.tiers and t not in real):
                yield Problem(f"{where}.tiers", f"tier {shown(tier)} has no targets of its own (it is another name or "
                              "has no SLA)", ", ".join(real))  # fmt: skip
    credit, after_hours = policy.credit, policy.after_hours
    if credit is not None and credit.mechanism in AVAILABILITY_MECHANISMS and policy.availability is None:
        yield Problem("credit.mechanism", f"{credit.mechanism} needs an [availability] section")
    goal = policy.availability.target_percent if policy.availability is not None else None
    for i, band in enumerate(credit.bands if credit is not None and goal is not None else ()):
        if _one_limit(band) and goal is not None and band.limit > goal:
            key = "at_or_below" if band.inclusive else "below"
            yield Problem(f"credit.bands[{i}].{key}", f"{shown(str(band.limit))} is above the availability target "
                          f"({goal}%): a period that meets the target would earn this credit",
                          f"a threshold at or below {goal}")  # fmt: skip
    if credit is not None and credit.scope is not None:
        yield from unknown("credit.scope.tiers", credit.scope.tiers, policy.tiers, "tier")
        yield from unknown("credit.scope.components", credit.scope.components, policy.components, "component")
    if after_hours is not None:
        yield from unknown("after_hours.outside", [after_hours.outside], policy.calendars, "calendar")
        severities = [s.id for s in policy.severity_list]
        waived = after_hours.waiver.severities if after_hours.waiver else ()
        yield from unknown("after_hours.waiver.severities", waived, severities, "severity")
    yield from twice("duties[{}].id", "duty", [duty.id for duty in policy.duties])
    if credit is not None and credit.period == "quarter":
        yield from _quarterly_limits(policy)


def twice(path: str, what: str, ids: list[str]) -> Iterator[Problem]:
    """A problem at each id (`path` formatted with its index) given before."""
    lower = [key.lower() for key in ids]
    yield from (Problem(path.format(i), f"{what} {shown(key)} is defined twice") for i, key in enumerate(ids)
                if key.lower() in lower[:i])  # fmt: skip


def _quarterly_limits(policy: Policy) -> Iterator[Problem]:
    """What a quarterly credit period cannot compute, refused by name rather than given a wrong figure."""
    maintenance = policy.availability.maintenance if policy.availability is not None else None
    if maintenance is not None and maintenance.allowance is not None and maintenance.allowance_per == "month":
        yield Problem("availability.maintenance.allowance", "is an allowance per month, but [credit] period is a "
                      "quarter: a monthly allowance within a quarter is not supported",
                      'allowance_per = "year", no allowance, or period = "month"')  # fmt: skip
    if policy.termination is not None:
        yield Problem("termination", "counts failed months, but [credit] period is a quarter: a termination right over "
                      "quarters is not supported", 'no [termination], or period = "month"')  # fmt: skip


def policy_problems(data: dict[str, Any], source: str) -> tuple[Policy | None, list[Problem]]:
    """The policy read from one parsed file (None when it has problems), and every problem and warning found."""
    policy, problems = DECODER.decode(data, Policy)
    if policy is not None:
        problems += _names(policy)
        expected = Path(source).stem
        if policy.id != expected:
            problems.append(Problem("id", f"{shown(policy.id)} must match the file name ({shown(expected)})"))
    if policy is None or any(not problem.warning for problem in problems):
        return None, problems
    policy._source, policy._data = source, data
    return policy, problems


def parse_policy(data: dict[str, Any], source: str) -> Policy:
    """Validate one parsed policy file; a PolicyError names `source`, the field and the problem, one line each."""
    policy, problems = policy_problems(data, source)
    if policy is None:
        raise PolicyError("\n".join(problem.line(source) for problem in problems if not problem.warning))
    return policy
