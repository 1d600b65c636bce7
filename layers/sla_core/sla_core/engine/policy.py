"""Contract policies as data: zone, holidays, calendars, regions, tiers and per severity the targets.

A policy names its zone and holidays (per region where the contract has regions), its calendars
(weekly windows), tiers, and per severity the targets: metric, duration and the calendar the clock
runs on. Tier tables: `[tiers.<id>] name, quote`; `sla = false` for a tier without an SLA (the plain answer
instead of deadlines); `same_as = "<tier>"` for another name of a tier, with `agreements_before = 2026-03-03`
when it holds only in agreements dated before that day. A target may list several clocks (`any_of`),
optionally conditioned on when the ticket arrived; the earliest applicable due instant wins (the
customer-favourable combination). Pauses: `[pauses.<id>] name, quote, applies_to = ["resolution"]` are the
reasons the contract lets those metrics' clocks stop (`/sla pause`); none of the five seeds has one.
Files are read by `policy_parse`; the shipped ones are listed and loaded by `policy_registry`. A file's
`[[examples]]` are hand-worked cases beside the rules (`examples`), never read by them. Every table and field is
in `policy_schema` (docs/policy-language.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clause
from sla_core.engine.durations import Duration
from sla_core.engine.errors import PolicyError, UnusableChoice
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.terms import CommercialTerms
from sla_core.engine.windows import Window

METRICS = ("initial_response", "update", "resolution", "workaround", "escalation_response")


UNNAMED_HOLIDAYS = (
    "The contract names no holiday list, so no public holiday closes its clock (the reading that favours the "
    "customer: no deadline later, no business hour fewer); the vendor's home-country holidays are "
    "the other reading, whose due instant is shown beside every deadline it moves, and a state's holidays 'as "
    "well' are added to them (a union, never fewer closed days). List the vendor's published closures to use "
    "them: `dates` in the policy's [holidays], or a `holidays` override (country, subdiv) for the contract in "
    "contracts.toml."
)


@dataclass(frozen=True, slots=True)
class Holidays:
    """The public holidays a policy or region uses, with the clause (and any reading) behind the choice."""

    spec: HolidaySpec
    clause: Clause
    unnamed: bool = False  # the contract says "holidays" without naming them (see UNNAMED_HOLIDAYS)


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
    clause: Clause


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
    """A support tier (e.g. SonarSource Core / Standard / Enterprise); `sla` False for a tier the contract
    gives no SLA (Base Support); `same_as` for another name of a tier (Premium Support = Enterprise), in
    agreements dated before `agreements_before` when the contract limits it so."""

    id: str
    name: str
    quote: str
    sla: bool = True
    same_as: str | None = None
    agreements_before: date | None = None

    def no_sla_answer(self) -> str:
        """The plain answer for a tier without an SLA: its name and the clause that says so."""
        return f"{self.name} has no SLA: “{self.quote}”"


@dataclass(frozen=True, slots=True)
class TierChoice:
    """The tier a contract's tier name means: `id` the tier its targets are listed under, `written` the name
    given when it is another name for it, and `condition` the clause that makes it so, in words."""

    id: str | None
    written: str | None = None
    condition: str | None = None


@dataclass(frozen=True, slots=True)
class TargetClock:
    """One way a target's clock can run: a duration on a calendar, optionally only for some arrivals."""

    duration: Duration
    calendar: str
    opened_in: str | None = None
    opened_outside: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A severity's commitment for one metric; `recurring` targets (update cadences) restart on each update."""

    metric: str
    clocks: tuple[TargetClock, ...]
    tiers: tuple[str, ...]
    recurring: bool
    clause: Clause


@dataclass(frozen=True, slots=True)
class Severity:
    """A severity or priority level and its targets; `outage`: the seed defines it as unavailability of the
    service, so a resolved incident of it is recorded as downtime (a contract or the card may say otherwise)."""

    id: str
    name: str
    quote: str
    targets: tuple[Target, ...]
    outage: bool = False


@dataclass(frozen=True, slots=True)
class Pause:
    """A reason the contract lets clocks stop (`[pauses.<id>]`: "waiting for customer"), and which metrics'
    clocks it stops (`applies_to`); paused open time does not count toward those targets."""

    id: str
    name: str
    metrics: tuple[str, ...]
    clause: Clause


@dataclass(frozen=True, slots=True)
class Boundary:
    """Whether work done exactly at the due instant meets the target: "within 1 hour" (met, the default) or
    "< 30 minute" (missed), for the metrics named (none named: every metric)."""

    met_at_due: bool
    metrics: tuple[str, ...]
    quote: str

    def applies(self, metric: str) -> bool:
        return not self.metrics or metric in self.metrics


@dataclass(frozen=True, slots=True)
class Effective:
    """The terms apply to agreements (orders) signed on or after `since`; an earlier one is on other terms."""

    since: date
    quote: str


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
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the file as read, for other readings
    pauses: dict[str, Pause] = field(default_factory=dict)
    timezone_basis: str = ""  # why this zone, where the contract names none (said with every figure it bounds)
    effective: Effective | None = None  # the agreements these terms apply to, from a date
    boundary: Boundary | None = None  # whether a response exactly at the due instant is met (default: yes)
    _calendars: dict[tuple[str, str | None, HolidaySpec | None], BusinessCalendar] = field(default_factory=dict)

    # -- lookups (case-insensitive, errors list what is valid) --------------------------------------

    def tier(self, tier: str | None) -> str | None:
        """The policy's tier named by `tier` (None for a policy without tiers); another name for a tier
        (`same_as`) gives that tier."""
        key = _pick(self.id, "tier", tier, self.tiers)
        return (self.tiers[key].same_as or key) if key is not None else None

    def tier_choice(self, tier: str | None, agreement_date: date | None = None) -> TierChoice:
        """What `tier` means under an agreement dated `agreement_date` (unknown: None): another name for a
        tier holds only in agreements dated before its `agreements_before` date; the condition is kept. An
        agreement dated before the policy's `effective` date is refused (PolicyError): other terms apply."""
        if self.effective is not None and agreement_date is not None and agreement_date < self.effective.since:
            raise PolicyError(
                f"policy {self.id} encodes the terms for agreements signed on or after "
                f"{self.effective.since.isoformat()} (“{self.effective.quote}”); this agreement is dated "
                f"{agreement_date.isoformat()}, so the terms of its own date apply, which this policy does not encode"
            )
        key = _pick(self.id, "tier", tier, self.tiers)
        if key is None or self.tiers[key].same_as is None:
            return TierChoice(key)
        alias = self.tiers[key]
        target = self.tiers[alias.same_as or key]
        before = alias.agreements_before
        if before is None:
            return TierChoice(target.id, key, f"“{alias.name}” is {target.name} support: “{alias.quote}”")
        if agreement_date is not None and agreement_date >= before:
            real = ", ".join(t.id for t in self.tiers.values() if t.same_as is None)
            raise PolicyError(
                f"tier {key!r} means {target.id} only in agreements dated before {before.isoformat()}; this "
                f"agreement is dated {agreement_date.isoformat()}, so name its tier: {real}"
            )
        dated = (
            f"the agreement is dated {agreement_date.isoformat()}, before {before.isoformat()}"
            if agreement_date is not None
            else f"provided the agreement is dated before {before.isoformat()} (its date was not given)"
        )
        return TierChoice(target.id, key, f"“{alias.name}” is {target.name} support: {dated}. “{alias.quote}”")

    def met_at_due(self, metric: str) -> bool:
        """Whether work done exactly at a `metric` target's due instant meets it ("within": yes; "less than": no)."""
        return self.boundary.met_at_due if self.boundary is not None and self.boundary.applies(metric) else True

    def no_sla(self, tier: str | None) -> Tier | None:
        """The tier named by `tier` when the contract gives it no SLA (e.g. Base Support), else None."""
        key = _pick(self.id, "tier", tier, self.tiers)
        return self.tiers[key] if key is not None and not self.tiers[key].sla else None

    def region(self, region: str | None) -> str | None:
        """The policy's support region named by `region` (None for a policy without regions)."""
        return _pick(self.id, "region", region, self.regions)

    def severity(self, severity: str) -> Severity:
        """The severity named by `severity`, case-insensitively."""
        key = _pick(self.id, "severity", severity, self.severities)
        assert key is not None
        return self.severities[key]

    def component(self, component: str | None) -> str:
        """The component named (the only one when the policy has one and none is named)."""
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

    def causes(self) -> tuple[str, ...]:
        """The causes this policy treats apart from plain downtime: excluded from availability, or credited."""
        availability, credit = self.terms.availability, self.terms.credit
        excluded = [cause for cause, _ in availability.excluded_causes] if availability else []
        credited = [c.cause for c in credit.credited_causes] if credit else []
        return tuple(dict.fromkeys([*excluded, *credited]))

    def pause(self, reason: str, severity: Severity, tier: str | None) -> Pause | None:
        """The pause `reason` names, if it stops a clock of this severity's targets (for this tier)."""
        found = self.pauses.get(reason.strip().lower())
        metrics = {target.metric for target in self.targets(severity, self.tier(tier))}
        return found if found is not None and metrics & set(found.metrics) else None

    def zone_for(self, region: str | None) -> ZoneInfo:
        """The zone periods and deadlines are counted in: the region's, else the policy's."""
        return ZoneInfo(self.regions[region].zone if region else self.zone)

    def targets(self, severity: Severity, tier: str | None) -> list[Target]:
        """The severity's targets that apply to `tier` (untiered targets apply to all)."""
        return [t for t in severity.targets if not t.tiers or (tier is not None and tier in t.tiers)]

    def summary(self) -> dict[str, Any]:
        """What `python -m sla_core policies` prints for this policy."""
        tiers = self.tiers.values()
        extra: dict[str, Any] = {}
        if any(not t.sla for t in tiers):
            extra["tiers_without_sla"] = [t.id for t in tiers if not t.sla]
        if any(t.same_as for t in tiers):
            extra["tier_names"] = {t.id: t.same_as for t in tiers if t.same_as}
        return {
            "id": self.id,
            "vendor": self.vendor,
            "title": self.title,
            "tiers": [t.id for t in tiers if t.sla and t.same_as is None],
            **extra,
            "regions": list(self.regions),
            "severities": [s.id for s in self.severities.values()],
            "components": list(self.components),
            "metrics": sorted({t.metric for s in self.severities.values() for t in s.targets}),
        }


def _pick(policy_id: str, what: str, value: str | None, known: dict[str, Any]) -> str | None:
    """The key of `known` that `value` names (case-insensitively); errors list the valid keys."""
    if not known:
        if value is not None:
            raise UnusableChoice(
                f"policy {policy_id} has no {what}s; leave the {what} out",
                name=what,
                problem="unused",
                policy=policy_id,
            )
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
