"""Contract policies as data: load and validate `policies/*.toml`, resolve calendars per region.

A policy names its zone and holidays (per region where the contract has regions), its calendars
(weekly windows), tiers, and per severity the targets: metric, duration and the calendar the clock
runs on. A target may list several clocks (`any_of`), optionally conditioned on when the ticket
arrived; the earliest applicable due instant wins (the customer-favourable combination).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.durations import Duration, parse_duration
from sla_core.engine.errors import PolicyError
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.terms import CommercialTerms, parse_terms
from sla_core.engine.toml_fields import Table
from sla_core.engine.windows import Window, parse_window

POLICY_DIR = Path(__file__).parent / "policies"
METRICS = ("initial_response", "update", "resolution", "workaround", "escalation_response")


@dataclass(frozen=True, slots=True)
class Reading:
    """A customer-favourable choice where the text is ambiguous, with the reading it rejected."""

    chosen: str
    other: str

    def as_dict(self) -> dict[str, str]:
        return {"chosen": self.chosen, "other": self.other}


@dataclass(frozen=True, slots=True)
class Holidays:
    """The public holidays a policy or region uses, with the clause and reading behind the choice."""

    spec: HolidaySpec
    quote: str
    reading: Reading | None


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A calendar as written in the policy; zone and holidays come from the region unless set here."""

    id: str
    name: str
    windows: tuple[Window, ...]
    zone: str | None
    use_holidays: bool
    extra_holidays: tuple[Any, ...]
    business_day: Duration | None
    quote: str
    reading: Reading | None


@dataclass(frozen=True, slots=True)
class Region:
    """A support region: its zone and public holidays."""

    id: str
    name: str
    zone: str
    holidays: Holidays
    quote: str


@dataclass(frozen=True, slots=True)
class Tier:
    """A support tier (e.g. SonarSource Core / Standard / Enterprise)."""

    id: str
    name: str
    quote: str


@dataclass(frozen=True, slots=True)
class Clock:
    """One way a target's clock can run: a duration on a calendar, optionally only for some arrivals."""

    duration: Duration
    calendar: str
    opened_in: str | None = None
    opened_outside: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A severity's commitment for one metric; `recurring` targets (update cadences) restart on each update."""

    metric: str
    clocks: tuple[Clock, ...]
    tiers: tuple[str, ...]
    recurring: bool
    quote: str
    reading: Reading | None


@dataclass(frozen=True, slots=True)
class Severity:
    """A severity or priority level and its targets."""

    id: str
    name: str
    quote: str
    targets: tuple[Target, ...]


@dataclass(slots=True)
class Policy:
    """One contract, loaded from its policy file."""

    id: str
    vendor: str
    title: str
    seed: str
    zone: str
    holidays: Holidays
    calendars: dict[str, CalendarSpec]
    regions: dict[str, Region]
    tiers: dict[str, Tier]
    severities: dict[str, Severity]
    components: tuple[str, ...]
    terms: CommercialTerms
    source: str
    _calendars: dict[tuple[str, str | None, HolidaySpec | None], BusinessCalendar] = field(default_factory=dict)

    # -- lookups (case-insensitive, errors list what is valid) --------------------------------------

    def tier(self, tier: str | None) -> str | None:
        return _pick(self.id, "tier", tier, self.tiers)

    def region(self, region: str | None) -> str | None:
        return _pick(self.id, "region", region, self.regions)

    def severity(self, severity: str) -> Severity:
        key = _pick(self.id, "severity", severity, self.severities)
        assert key is not None
        return self.severities[key]

    def component(self, component: str | None) -> str:
        if component is None:
            if len(self.components) == 1:
                return self.components[0]
            raise PolicyError(f"policy {self.id} needs a component; valid: {', '.join(self.components)}")
        for known in self.components:
            if known.lower() == component.strip().lower():
                return known
        raise PolicyError(f"unknown component {component!r} for policy {self.id}; valid: {', '.join(self.components)}")

    def calendar(
        self, calendar_id: str, region: str | None = None, holidays: HolidaySpec | None = None
    ) -> BusinessCalendar:
        """The calendar resolved for a region (zone, holidays), cached so its week cache is reused."""
        key = (calendar_id, region, holidays)
        built = self._calendars.get(key)
        if built is not None:
            return built
        spec = self.calendars[calendar_id]
        zone_name, holiday_spec = self.zone, self.holidays.spec
        if region is not None:
            zone_name, holiday_spec = self.regions[region].zone, self.regions[region].holidays.spec
        if holidays is not None:
            holiday_spec = holidays
        holiday_set = None
        if spec.use_holidays or spec.extra_holidays:
            base = holiday_spec if spec.use_holidays else HolidaySpec()
            holiday_set = HolidaySet(
                HolidaySpec(base.country, base.subdiv, tuple(base.extra) + tuple(spec.extra_holidays))
            )
        built = BusinessCalendar(
            name=spec.id,
            zone=ZoneInfo(spec.zone or zone_name),
            windows=spec.windows,
            holidays=holiday_set,
            business_day_minutes=int(spec.business_day.open_minutes(0, 0)) if spec.business_day else None,
            description=spec.name,
        )
        self._calendars[key] = built
        return built

    def zone_for(self, region: str | None) -> ZoneInfo:
        return ZoneInfo(self.regions[region].zone if region else self.zone)

    def targets(self, severity: Severity, tier: str | None) -> list[Target]:
        return [t for t in severity.targets if not t.tiers or (tier is not None and tier in t.tiers)]

    def summary(self) -> dict[str, Any]:
        """What `python -m sla_core policies` prints for this policy."""
        return {
            "id": self.id,
            "vendor": self.vendor,
            "title": self.title,
            "tiers": list(self.tiers),
            "regions": list(self.regions),
            "severities": [s.id for s in self.severities.values()],
            "components": list(self.components),
            "metrics": sorted({t.metric for s in self.severities.values() for t in s.targets}),
        }


def _pick(policy_id: str, what: str, value: str | None, known: dict[str, Any]) -> str | None:
    if not known:
        if value is not None:
            raise PolicyError(f"policy {policy_id} has no {what}s; omit --{what}")
        return None
    if value in known:
        return value
    valid = ", ".join(known)
    if value is None:
        raise PolicyError(f"policy {policy_id} needs a {what}; valid: {valid}")
    for key in known:
        if key.lower() == value.strip().lower():
            return key
    raise PolicyError(f"unknown {what} {value!r} for policy {policy_id}; valid: {valid}")


# -- parsing --------------------------------------------------------------------------------------


def _zone(value: Any) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PolicyError(f"{value!r} is not an IANA time zone such as 'America/New_York'") from None
    return str(value)


def _windows(value: Any) -> tuple[Window, ...]:
    if not isinstance(value, list) or not value:
        raise PolicyError("must be a non-empty list of windows such as 'Mon-Fri 09:00-19:00'")
    return tuple(w for text in value for w in parse_window(text))


def _reading(table: Table) -> Reading | None:
    chosen = table.opt_text("reading")
    other = table.opt_text("other_reading")
    if (chosen is None) != (other is None):
        raise table.fail("other_reading" if chosen else "reading", "reading and other_reading go together")
    return Reading(chosen, other) if chosen and other else None


def _holidays(table: Table | None) -> Holidays:
    if table is None:
        return Holidays(HolidaySpec(), "", None)
    spec = HolidaySpec(table.opt_text("country"), table.opt_text("subdiv"), tuple(table.dates("dates")))
    found = Holidays(spec, table.text("quote"), _reading(table))
    table.close()
    spec.validate(f"{table.source}: {table.where}")
    return found


def _clock(table: Table, calendars: dict[str, Any]) -> Clock:
    clock = Clock(
        duration=table.parsed("duration", parse_duration),  # type: ignore[arg-type]
        calendar=table.text("calendar"),
        opened_in=table.opt_text("opened_in"),
        opened_outside=table.opt_text("opened_outside"),
    )
    for key in ("calendar", "opened_in", "opened_outside"):
        name = getattr(clock, key)
        if name is not None and name not in calendars:
            raise table.fail(key, f"unknown calendar {name!r}; defined: {', '.join(calendars)}")
    return clock


def _target(table: Table, calendars: dict[str, Any], tiers: dict[str, Any]) -> Target:
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
    target = Target(
        metric=metric,
        clocks=clocks,
        tiers=target_tiers,
        recurring=table.flag("recurring", False),
        quote=table.text("quote"),
        reading=_reading(table),
    )
    table.close()
    return target


def parse_policy(data: dict[str, Any], source: str) -> Policy:
    """Validate one parsed policy file; every error names `source`, the field and the problem."""
    top = Table(data, "", source)
    zone = top.parsed("timezone", _zone)
    assert zone is not None
    holidays_table = top.table("holidays")
    holidays = _holidays(holidays_table)
    calendars: dict[str, CalendarSpec] = {}
    for cid, table in top.named_tables("calendars", required=True).items():
        calendars[cid] = CalendarSpec(
            id=cid,
            name=table.text("name"),
            windows=table.parsed("windows", _windows),  # type: ignore[arg-type]
            zone=table.parsed("timezone", _zone, required=False),
            use_holidays=table.flag("holidays", True),
            extra_holidays=tuple(table.dates("extra_holidays")),
            business_day=table.parsed("business_day", parse_duration, required=False),
            quote=table.text("quote"),
            reading=_reading(table),
        )
        table.close()
        try:  # build once with the default zone so calendar errors surface at load time
            BusinessCalendar(cid, ZoneInfo(zone), calendars[cid].windows, None, None)
        except PolicyError as exc:
            if calendars[cid].business_day is None:
                raise table.fail("windows", str(exc)) from None
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
    tiers: dict[str, Tier] = {}
    for tid, table in top.named_tables("tiers").items():
        tiers[tid] = Tier(tid, table.text("name"), table.text("quote"))
        table.close()
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
        )
        table.close()
    components = tuple(top.texts("components") or ["platform"])
    policy = Policy(
        id=top.text("id"),
        vendor=top.text("vendor"),
        title=top.text("title"),
        seed=top.text("seed"),
        zone=zone,
        holidays=holidays,
        calendars=calendars,
        regions=regions,
        tiers=tiers,
        severities=severities,
        components=components,
        terms=parse_terms(top, calendars, components),
        source=source,
    )
    top.close()
    expected = Path(source).stem
    if policy.id != expected:
        raise PolicyError(f"{source}: id: {policy.id!r} must match the file name ({expected!r})")
    return policy


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: not valid TOML: {exc}") from None
    return parse_policy(data, path.name)


@cache
def _all() -> dict[str, Policy]:
    return {p.id: p for p in (load_policy_file(f) for f in sorted(POLICY_DIR.glob("*.toml")))}


@dataclass(frozen=True, slots=True)
class Outline:
    """The names a contracts file may use for a policy, read without validating the whole policy."""

    tiers: tuple[str, ...]
    regions: tuple[str, ...]
    severities: tuple[str, ...]
    components: tuple[str, ...]


@cache
def outlines() -> dict[str, Outline]:
    """Policy id → its tiers, regions, severities and components, straight from the TOML files.

    Cheap (no calendars or holidays are built), so configuration can be checked against the policies at
    cold start; the policies themselves are fully validated on first use and by the test suite.
    """
    found: dict[str, Outline] = {}
    for path in sorted(POLICY_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = Outline(
            tiers=tuple(data.get("tiers", {})),
            regions=tuple(data.get("regions", {})),
            severities=tuple(s["id"] for s in data.get("severities", [])),
            components=tuple(data.get("components", ["platform"])),
        )
    return found


def policy_ids() -> tuple[str, ...]:
    """The ids of all shipped policies."""
    return tuple(_all())


def all_policies() -> list[Policy]:
    return list(_all().values())


def load_policy(policy_id: str) -> Policy:
    """A shipped policy by id (case-insensitive); an unknown id lists the valid ones."""
    policies = _all()
    for pid, policy in policies.items():
        if pid == policy_id.strip().lower():
            return policy
    raise PolicyError(f"unknown policy {policy_id!r}; valid: {', '.join(policies)}")
