"""Reading and validating one policy file's data into a `Policy`; every error names the file, field and problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clause, parse_clause
from sla_core.engine.durations import parse_duration
from sla_core.engine.errors import PolicyError
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy import (
    METRICS,
    Boundary,
    CalendarSpec,
    Effective,
    Holidays,
    Pause,
    Policy,
    Region,
    Severity,
    Target,
    TargetClock,
    Tier,
)
from sla_core.engine.terms_parse import parse_terms
from sla_core.engine.toml_fields import Table
from sla_core.engine.windows import parse_window_list


def _zone(value: Any) -> str:
    """An IANA zone name, checked by loading it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        accepted = "a zone name such as 'America/New_York'"
        raise PolicyError(f"{value!r} is not an IANA time zone; accepted: {accepted}") from None
    return str(value)


def _holidays(table: Table | None) -> Holidays:
    """A `[holidays]` table (none: no public holidays), checked against the holidays package."""
    if table is None:
        return Holidays(HolidaySpec(), Clause(""))
    spec = HolidaySpec(table.opt_text("country"), table.opt_text("subdiv"), tuple(table.dates("dates")))
    found = Holidays(spec, parse_clause(table), table.flag("unnamed", False))
    if found.unnamed and found.clause.has_reading:
        # The rule for a set the contract does not name: none closes the clock (the customer-favourable
        # reading) and the home country's set is the other reading, as data, so its figure is computed.
        if spec.country is not None:
            raise table.fail("country", "an unnamed holiday set closes no public holidays under the chosen reading")
        if "country" not in found.clause.other_values:
            raise table.fail("other_values", "an unnamed holiday set gives the other reading's country as data")
    table.close()
    spec.validate(f"{table.source}: {table.where}")
    return found


def _boundary(table: Table | None) -> Boundary | None:
    """A `[boundary]` table: whether work done exactly at the due instant is met (`at_due`), for `metrics`."""
    if table is None:
        return None
    at_due = table.text("at_due")
    if at_due not in ("met", "missed"):
        raise table.fail("at_due", f"{at_due!r} is not a boundary", "'met' (within) or 'missed' (less than)")
    metrics = tuple(table.texts("metrics"))
    for metric in metrics:
        if metric not in METRICS:
            raise table.fail("metrics", f"{metric!r} is not a metric", ", ".join(METRICS))
    found = Boundary(at_due == "met", metrics, parse_clause(table).quote)
    table.close()
    return found


def _effective(table: Table | None) -> Effective | None:
    """An `[effective]` table: the date from which agreements are on these terms (`since`), with its quote."""
    if table is None:
        return None
    since = table.calendar_date("since")
    if since is None:
        raise table.fail("since", "is required", "a TOML date such as 2023-08-05")
    found = Effective(since, parse_clause(table).quote)
    table.close()
    return found


def _clock(table: Table, calendars: dict[str, Any]) -> TargetClock:
    """One clock of a target; the calendars it names must be defined."""
    clock = TargetClock(
        duration=table.parsed("duration", parse_duration),  # type: ignore[arg-type]
        calendar=table.text("calendar"),
        opened_in=table.opt_text("opened_in"),
        opened_outside=table.opt_text("opened_outside"),
    )
    for key in ("calendar", "opened_in", "opened_outside"):
        name = getattr(clock, key)
        if name is not None and name not in calendars:
            raise table.fail(key, f"unknown calendar {name!r}", ", ".join(calendars))
    return clock


def _target(table: Table, calendars: dict[str, Any], tiers: dict[str, Any]) -> Target:
    """A `[[severities.targets]]` entry: one clock, or `any_of` several."""
    metric = table.text("metric")
    if metric not in METRICS:
        raise table.fail("metric", f"unknown metric {metric!r}; accepted: {', '.join(METRICS)}")
    alternatives = table.tables("any_of")
    if alternatives and table.has("duration"):
        raise table.fail("any_of", "give either duration + calendar or any_of, not both")
    clocks = tuple(_clock(t, calendars) for t in alternatives) if alternatives else (_clock(table, calendars),)
    for alt in alternatives:
        alt.close()
    target_tiers = tuple(table.texts("tiers"))
    for tier in target_tiers:
        if tier not in tiers:
            raise table.fail("tiers", f"unknown tier {tier!r}; defined: {', '.join(tiers) or 'none'}")
        if tiers[tier].same_as is not None or not tiers[tier].sla:
            raise table.fail("tiers", f"tier {tier!r} has no targets of its own (it is another name or has no SLA)")
    target = Target(
        metric=metric,
        clocks=clocks,
        tiers=target_tiers,
        recurring=table.flag("recurring", False),
        clause=parse_clause(table),
    )
    table.close()
    return target


def _calendars(top: Table, zone: str) -> dict[str, CalendarSpec]:
    """The `[calendars.<id>]` tables, each built once in the policy zone so calendar errors surface at load."""
    calendars: dict[str, CalendarSpec] = {}
    for cid, table in top.named_tables("calendars", required=True).items():
        calendars[cid] = CalendarSpec(
            id=cid,
            name=table.text("name"),
            windows=table.parsed("windows", lambda v: parse_window_list(v, "Mon-Fri 09:00-19:00")[0]),  # type: ignore[arg-type]
            zone=table.parsed("timezone", _zone, required=False),
            use_holidays=table.flag("holidays", True),
            extra_holidays=tuple(table.dates("extra_holidays")),
            business_day=table.parsed("business_day", parse_duration, required=False),
            clause=parse_clause(table),
        )
        table.close()
        try:
            BusinessCalendar(cid, ZoneInfo(zone), calendars[cid].windows, None, None)
        except PolicyError as exc:
            if calendars[cid].business_day is None:
                raise table.fail("windows", str(exc)) from None
    return calendars


def _tiers(top: Table) -> dict[str, Tier]:
    """The `[tiers.<id>]` tables; `same_as` names another tier (which must be a tier with an SLA),
    `agreements_before` (a date) limits that to agreements dated before it, `sla = false` marks a tier
    without an SLA."""
    tiers: dict[str, Tier] = {}
    tables = top.named_tables("tiers")
    for tid, table in tables.items():
        same_as = table.opt_text("same_as")
        real = [t for t, other in tables.items() if "same_as" not in other.data and other.data.get("sla", True)]
        if same_as is not None and same_as not in real:
            raise table.fail("same_as", f"{same_as!r} is not a tier with an SLA of this policy", ", ".join(real))
        before = table.calendar_date("agreements_before")
        if before is not None and same_as is None:
            raise table.fail("agreements_before", "limits another name for a tier, so it needs same_as")
        sla = table.flag("sla", True)
        if same_as is not None and not sla:
            raise table.fail("sla", "another name for a tier has that tier's SLA; leave sla out")
        tiers[tid] = Tier(tid, table.text("name"), table.text("quote"), sla, same_as, before)
        table.close()
    return tiers


def _severities(top: Table, calendars: dict[str, CalendarSpec], tiers: dict[str, Tier]) -> dict[str, Severity]:
    """The `[[severities]]` entries and their targets; ids are unique regardless of case."""
    severities: dict[str, Severity] = {}
    for table in top.tables("severities", required=True):
        sid = table.text("id")
        if sid.lower() in (s.lower() for s in severities):
            raise table.fail("id", f"severity {sid!r} is defined twice")
        severities[sid] = Severity(
            id=sid,
            name=table.text("name"),
            quote=table.text("quote"),
            targets=tuple(_target(t, calendars, tiers) for t in table.tables("targets", required=True)),
            outage=table.flag("outage", False),
        )
        table.close()
    return severities


def _pauses(top: Table) -> dict[str, Pause]:
    """The `[pauses.<id>]` tables: reasons the contract lets the named metrics' clocks stop."""
    pauses: dict[str, Pause] = {}
    for pid, table in top.named_tables("pauses").items():
        metrics = table.subset("applies_to", METRICS, "metrics")
        if not metrics:
            raise table.fail("applies_to", "is required: the metrics whose clocks this pause stops", ", ".join(METRICS))
        pauses[pid.lower()] = Pause(pid.lower(), table.text("name"), metrics, parse_clause(table))
        table.close()
    return pauses


def parse_policy(data: dict[str, Any], source: str) -> Policy:
    """Validate one parsed policy file; every error names `source`, the field and the problem."""
    top = Table(data, "", source)
    zone = top.parsed("timezone", _zone)
    assert zone is not None
    holidays = _holidays(top.table("holidays"))
    calendars = _calendars(top, zone)
    regions: dict[str, Region] = {}
    for rid, table in top.named_tables("regions").items():
        regions[rid] = Region(
            id=rid,
            name=table.text("name"),
            zone=table.parsed("timezone", _zone),  # type: ignore[arg-type]
            holidays=_holidays(table.table("holidays")),
            quote=table.text("quote"),
        )
        table.close()
    tiers = _tiers(top)
    severities = _severities(top, calendars, tiers)
    components = tuple(top.texts("components") or ["platform"])
    policy = Policy(
        id=top.text("id"),
        vendor=top.text("vendor"),
        title=top.text("title"),
        seed=top.text("seed", ""),  # ours: which seed contract a shipped policy encodes
        zone=zone,
        holidays=holidays,
        calendars=calendars,
        regions=regions,
        tiers=tiers,
        severities=severities,
        components=components,
        terms=parse_terms(top, calendars, components),
        source=source,
        data=data,
        pauses=_pauses(top),
        timezone_basis=top.opt_text("timezone_basis") or "",
        effective=_effective(top.table("effective")),
        boundary=_boundary(top.table("boundary")),
    )
    top.tables("examples")  # hand-worked cases beside the rules, read by `examples` (check, tests), never here
    top.close()
    expected = Path(source).stem
    if policy.id != expected:
        raise PolicyError(f"{source}: id: {policy.id!r} must match the file name ({expected!r})")
    return policy
