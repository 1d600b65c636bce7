"""Contract policies as the policy file writes them: zone, holidays, calendars, regions, tiers, per severity the
targets, pauses, the commercial terms (`terms`) and hand-worked examples (`example_cases`), with the lookups the
engine makes (case-insensitive, errors list what is valid).

Each class is one table of the policy language (msgspec Structs): `policy_rules` reads a file into them with
`toml_decode` and checks the rules between fields; docs/policy-language.md and docs/policy.schema.json are
generated from them (`python -m tools.policy_reference`). The shipped files are listed and loaded by
`policy_registry`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec

from sla_core.engine.business_calendar import BusinessCalendar
from sla_core.engine.clauses import Clauses
from sla_core.engine.durations import Duration
from sla_core.engine.errors import PolicyError, UnusableChoice
from sla_core.engine.example_cases import Example
from sla_core.engine.holiday_rules import HolidayRule
from sla_core.engine.holiday_sets import HolidaySet, HolidaySpec
from sla_core.engine.periods import year_start
from sla_core.engine.terms import (
    AfterHoursTerms,
    AvailabilityTerms,
    ClaimTerms,
    CommercialTerms,
    CreditTerms,
    Duty,
    TerminationTerms,
)
from sla_core.engine.toml_decode import doc
from sla_core.engine.windows import Windows
from sla_core.engine.zones import CUSTOMER, CalendarZone, Zone

METRICS = ("initial_response", "update", "resolution", "workaround", "escalation_response")
UNNAMED_HOLIDAYS = (
    "The contract names no holiday list, so no public holiday closes its clock (the reading that favours the "
    "customer: no deadline later, no business hour fewer); the vendor's home-country holidays are "
    "the other reading, whose due instant is shown beside every deadline it moves, and a state's holidays 'as "
    "well' are added to them (a union, never fewer closed days). List the vendor's published closures to use "
    "them: `dates` in the policy's [holidays], or a `holidays` override (country, subdiv) for the contract in "
    "contracts.toml."
)
Metric = Literal["initial_response", "update", "resolution", "workaround", "escalation_response"]
Id = Annotated[str, msgspec.Meta(
    pattern="^[a-z0-9][a-z0-9-]*$", extra={"accepted": "lower-case letters, digits and dashes, e.g. 'business-hours'"}
)]  # fmt: skip
_CALENDAR = "a calendar id of this policy"
OpenedIn = Annotated[str | None, doc(
    "This clock applies only to tickets opened while that calendar is open.", 'opened_in = "primary"',
    default="none (any time)", accepted=_CALENDAR)]  # fmt: skip
OpenedOutside = Annotated[str | None, doc(
    "This clock applies only to tickets opened while that calendar is closed.", 'opened_outside = "primary"',
    default="none (any time)", accepted=_CALENDAR)]  # fmt: skip


class NamedHoliday(msgspec.Struct, kw_only=True, frozen=True):
    """`add = [{ ... }]`: a holiday the contract names on top of the country's set: a yearly rule ("the Friday
    after Thanksgiving") or one dated day."""

    name: Annotated[str, doc("The holiday's name, as `explain` and the cards show it.", 'name = "Day after '
                             'Thanksgiving"')]  # fmt: skip
    rule: Annotated[
        HolidayRule | None,
        doc(
            "The day every year: a day of a month, or the nth weekday of a month, moved by whole days; a year "
            "without that day (a 5th Monday, 29 February) has no such holiday.",
            'rule = "4th Thursday of November + 1 day"',
            default="give rule or date",
        ),
    ] = None
    day: Annotated[
        date | None, doc("One dated day instead of a rule.", "date = 2026-12-24", default="give rule or date")
    ] = msgspec.field(default=None, name="date")

    @property
    def when(self) -> date | HolidayRule:
        found = self.rule if self.rule is not None else self.day
        assert found is not None
        return found


class Holidays(Clauses, kw_only=True, frozen=True):
    """`[holidays]`: the public holidays of the policy's (or a region's) calendars (left out: none), with the
    clause (and any reading) behind the choice."""

    country: Annotated[
        Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] | None,
        doc(
            "Whose public holidays close the calendars that use holidays.",
            'country = "US"',
            default="none (no public holidays)",
            accepted="an ISO 3166-1 alpha-2 code the holidays package knows",
        ),
    ] = None
    subdiv: Annotated[
        str | None,
        doc(
            "A state, canton or province whose holidays close the calendar as well (the union with the country's).",
            'subdiv = "VA"',
            default="none (nationwide holidays only)",
            accepted="a subdivision of that country",
        ),
    ] = None
    dates: Annotated[tuple[date, ...], doc("Further days the contract names as closed.", "dates = [2026-12-24]")] = ()
    add: Annotated[
        tuple[NamedHoliday, ...],
        doc(
            "Named holidays on top of the country's set (or alone): yearly rules ('the day after Christmas' is "
            "'December 25 + 1 day') or dated days; closed like the country's.",
            'add = [{ name = "Day after Thanksgiving", rule = "4th Thursday of November + 1 day" }]',
            default="none",
            accepted="a list of { name, rule } or { name, date } tables",
        ),
    ] = ()
    unnamed: Annotated[
        bool,
        doc(
            "The contract says 'holidays' without naming them. The rule: no `country` (no public holiday closes the "
            "clock, the customer-favourable reading), the home country's set as the other reading in `other_values` "
            "(its figure is shown beside every deadline it moves; a state 'as well' is a union); `check` and "
            "`/sla contracts` say how to list the vendor's published closures (`dates`, or a contract's override).",
            "unnamed = true",
        ),
    ] = False

    @property
    def spec(self) -> HolidaySpec:
        return HolidaySpec(self.country, self.subdiv, self.dates, tuple((n.name, n.when) for n in self.add))


NO_HOLIDAYS = Holidays(quote="")


class CalendarSpec(Clauses, kw_only=True, frozen=True):
    """`[calendars.<id>]`: a weekly calendar the clocks run on; `<id>` is how targets name it. Zone and holidays
    come from the region unless set here."""

    name: Annotated[
        str,
        doc(
            "The calendar in words; the text before ' (' is its short name.",
            'name = "Primary Hours (09:00–21:00 Eastern every day, excluding holidays)"',
        ),
    ]
    windows: Annotated[
        Windows, doc("When the calendar is open, in the zone's wall time.", 'windows = ["Mon-Fri 09:00-19:00"]')
    ]
    zone: Annotated[
        CalendarZone | None,
        doc(
            'A zone of its own (e.g. PST all year), or "customer": the hours are the customer\'s local time, the '
            "zone each contract gives in contracts.toml `customer_timezone` (a contract on this policy without it "
            "is refused at load and by `check`; examples give `customer_timezone`). Only the calendar's hours move: "
            "periods, claims and availability stay in the policy's zone.",
            'timezone = "customer"',
            default="the region's or the policy's zone",
        ),
    ] = msgspec.field(default=None, name="timezone")
    use_holidays: Annotated[bool, doc("Whether the policy's (or region's) holidays close it.", "holidays = false")] = (
        msgspec.field(default=True, name="holidays")
    )
    extra_holidays: Annotated[
        tuple[date, ...], doc("Further closed days of this calendar only.", "extra_holidays = [2026-12-31]")
    ] = ()
    business_day: Annotated[
        Duration | None,
        doc(
            "How long one business day of this calendar is, where open days differ in length.",
            'business_day = "8 hours"',
            default="the length of its open days (which must then all be equal)",
        ),
    ] = None
    _key: str = ""

    @property
    def id(self) -> str:
        return self._key


class Region(msgspec.Struct, kw_only=True, frozen=True):
    """`[regions.<id>]`: a support region with its own zone and holidays (a contract picks one)."""

    name: Annotated[str, doc("The region's name.", 'name = "EMEA"')]
    zone: Annotated[
        Zone, doc("The region's zone: its calendars, periods and deadlines.", 'timezone = "Europe/Zurich"')
    ] = msgspec.field(name="timezone")
    holidays: Holidays = NO_HOLIDAYS
    quote: Annotated[
        str,
        doc(
            "The contract's words about the region.",
            'quote = "in the local time zone of the SonarSource support region"',
        ),
    ]
    _key: str = ""

    @property
    def id(self) -> str:
        return self._key


class Tier(msgspec.Struct, kw_only=True, frozen=True):
    """`[tiers.<id>]`: a support tier (e.g. SonarSource Core / Standard / Enterprise); targets name the tiers they
    hold for. `sla = false` for a tier the contract gives no SLA (Base Support); `same_as` for another name of a
    tier (Premium Support = Enterprise), in agreements dated before `agreements_before` when the contract limits
    it so."""

    name: Annotated[str, doc("The tier's name.", 'name = "Enterprise Tier"')]
    quote: Annotated[str, doc("The contract's words about the tier.", 'quote = "Enterprise Tier | 24/7"')]
    sla: Annotated[
        bool,
        doc(
            "false for a tier the contract gives no SLA: its tickets get the plain answer instead of deadlines.",
            "sla = false",
        ),
    ] = True
    same_as: Annotated[
        str | None,
        doc(
            "This name is another name for that tier.",
            'same_as = "enterprise"',
            default="none",
            accepted="a tier id with an SLA",
        ),
    ] = None
    agreements_before: Annotated[
        date | None,
        doc(
            "The other name holds only in agreements dated before this day (needs same_as).",
            "agreements_before = 2026-03-03",
            default="none (always)",
        ),
    ] = None
    _key: str = ""

    @property
    def id(self) -> str:
        return self._key

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


class TargetClock(msgspec.Struct, kw_only=True, frozen=True):
    """`any_of = [{ ... }]`: one way a target's clock can run: a duration on a calendar, optionally only for some
    arrivals."""

    duration: Annotated[
        Duration,
        doc(
            "How long the target gives, counted in the open time of `calendar`; business days and weeks are the "
            "calendar's business day and week.",
            'duration = "4 hours"',
        ),
    ]
    calendar: Annotated[str, doc("The calendar the clock runs on.", 'calendar = "business-hours"', accepted=_CALENDAR)]
    opened_in: OpenedIn = None
    opened_outside: OpenedOutside = None


class Target(Clauses, kw_only=True, frozen=True):
    """`[[severities.targets]]`: one commitment of the severity: one clock (duration and calendar), or any_of
    several, the earliest applicable due instant winning (the customer-favourable combination); `recurring`
    targets (update cadences) restart on each update."""

    metric: Annotated[Metric, doc("What is due.", 'metric = "initial_response"')]
    duration: Annotated[
        Duration | None,
        doc(
            "How long the target gives, counted in the open time of `calendar`; business days and weeks are the "
            "calendar's business day and week.",
            'duration = "4 hours"',
            default="required (unless any_of)",
        ),
    ] = None
    calendar: Annotated[
        str | None,
        doc(
            "The calendar the clock runs on.",
            'calendar = "business-hours"',
            default="required (unless any_of)",
            accepted=_CALENDAR,
        ),
    ] = None
    opened_in: OpenedIn = None
    opened_outside: OpenedOutside = None
    any_of: Annotated[
        tuple[TargetClock, ...],
        doc(
            "Several clocks instead of one; the earliest applicable due instant is the deadline.",
            'any_of = [{ duration = "1 business day", calendar = "business-hours" }, '
            '{ duration = "24 hours", calendar = "always" }]',
            default="none",
        ),
    ] = ()
    tiers: Annotated[
        tuple[str, ...],
        doc(
            "The tiers this target holds for.",
            'tiers = ["core"]',
            default="[] (every tier)",
            accepted="a list of tier ids with an SLA",
        ),
    ] = ()
    recurring: Annotated[
        bool, doc("An update cadence: the clock starts again after each update.", "recurring = true")
    ] = False

    @property
    def clocks(self) -> tuple[TargetClock, ...]:
        if self.any_of or self.duration is None or self.calendar is None:
            return self.any_of
        return (TargetClock(duration=self.duration, calendar=self.calendar, opened_in=self.opened_in,
                            opened_outside=self.opened_outside),)  # fmt: skip


class Severity(msgspec.Struct, kw_only=True, frozen=True):
    """`[[severities]]`: a severity or priority level and its targets (each `[[severities.targets]]` after it);
    `outage`: it is unavailability of the service, so a resolved incident of it is recorded as downtime (a
    contract or the card may say otherwise)."""

    id: Annotated[
        str,
        doc(
            "The severity's id (unique regardless of case); PagerDuty priorities map to it in contracts.toml.",
            'id = "P1"',
        ),
    ]
    name: Annotated[str, doc("Its name.", 'name = "Priority 1 – Critical"')]
    outage: Annotated[
        bool,
        doc(
            "It is unavailability of the service, so a resolved incident of it is recorded as downtime (a contract or "
            "the card may say otherwise).",
            "outage = true",
        ),
    ] = False
    quote: Annotated[
        str, doc("The contract's definition of it.", 'quote = "Service unavailability; Confirmed security breaches"')
    ]
    targets: tuple[Target, ...]


class Pause(Clauses, kw_only=True, frozen=True):
    """`[pauses.<id>]`: a reason the contract lets clocks stop (`/sla pause <id>`), e.g. waiting for the
    customer, and which metrics' clocks it stops; paused open time does not count toward those targets."""

    name: Annotated[str, doc("The reason in words.", 'name = "Waiting for customer"')]
    metrics: Annotated[
        tuple[Metric, ...], doc("The metrics whose clocks it stops.", 'applies_to = ["resolution"]', unique=True)
    ] = msgspec.field(name="applies_to")
    _key: str = ""

    @property
    def id(self) -> str:
        return self._key


class Boundary(Clauses, kw_only=True, frozen=True):
    """`[boundary]`: whether work done exactly at the due instant meets a target, as the contract words it: "within
    1 hour" (met, the default) or "< 30 minute" (missed), for the metrics named (none named: every metric)."""

    at_due: Annotated[
        Literal["met", "missed"],
        doc(
            '\'met\' where the contract says "within", \'missed\' where it says "less than" ("< 30 minute").',
            'at_due = "missed"',
        ),
    ]
    metrics: Annotated[
        tuple[Metric, ...],
        doc(
            "The metrics the boundary is for; the others are met at the due instant.",
            'metrics = ["initial_response"]',
            default="[] (every metric)",
        ),
    ] = ()

    @property
    def met_at_due(self) -> bool:
        return self.at_due == "met"

    def applies(self, metric: str) -> bool:
        return not self.metrics or metric in self.metrics


class Effective(Clauses, kw_only=True, frozen=True):
    """`[effective]`: the agreements these terms apply to (left out: every agreement): those (orders) signed on
    or after `since`; a contract whose agreement_date is earlier is refused: other terms apply to it."""

    since: Annotated[
        date, doc("Agreements (orders) signed on or after this date are on these terms.", "since = 2023-08-05")
    ]


class Policy(msgspec.Struct, kw_only=True, dict=True):
    """A policy file: one contract, who it is with and where its dates are read; loaded by `policy_rules`."""

    id: Annotated[
        Id, doc("The policy id, the file's name without .toml; contracts.toml names it in `policy`.", 'id = "resonate"')
    ]
    vendor: Annotated[str, doc("Who provides the service.", 'vendor = "Resonate"')]
    title: Annotated[str, doc("The contract's title.", 'title = "Resonate Service Level Agreement"')]
    seed: Annotated[
        str,
        doc(
            "Ours: which seed contract a shipped policy encodes; a deployment's policy leaves it out.",
            'seed = "004_6368f21f98886a6b.txt"',
            default="none",
        ),
    ] = ""
    zone: Annotated[
        Zone,
        doc(
            "The zone the contract's calendars, periods and deadlines are counted in (a region or a calendar may set "
            "its own).",
            'timezone = "America/New_York"',
        ),
    ] = msgspec.field(name="timezone")
    holidays: Holidays = NO_HOLIDAYS
    calendars: dict[Id, CalendarSpec] = {}
    regions: dict[Id, Region] = {}
    tiers: dict[Id, Tier] = {}
    severity_list: tuple[Severity, ...] = msgspec.field(default=(), name="severities")
    components: Annotated[
        tuple[str, ...],
        doc(
            "What availability is measured for, each on its own (server types, say); a contract picks some.",
            'components = ["web", "mail", "hypervisor"]',
        ),
    ] = ("platform",)
    availability: AvailabilityTerms | None = None
    credit: CreditTerms | None = None
    claims: ClaimTerms | None = None
    termination: TerminationTerms | None = None
    after_hours: AfterHoursTerms | None = None
    duties: tuple[Duty, ...] = ()
    pauses: dict[Id, Pause] = {}
    timezone_basis: Annotated[
        str,
        doc(
            "Why `timezone` is this zone where the contract names none; said by `explain` and with every availability "
            "figure (month boundaries depend on it).",
            'timezone_basis = "The contract names no zone: Arizona time, the vendor\'s home."',
            default="none",
        ),
    ] = ""
    effective: Effective | None = None
    boundary: Boundary | None = None
    examples: Annotated[
        tuple[dict[str, Any], ...],
        doc("Hand-worked cases beside the rules, never read by them (`examples`, `check`): see PolicyFile.", ""),
    ] = ()
    _source: str = ""
    _data: dict[str, Any] = {}
    _customer_zone: str = ""

    @property
    def source(self) -> str:
        """The file as errors name it."""
        return self._source

    @property
    def data(self) -> dict[str, Any]:
        """The file as read, for other readings."""
        return self._data

    @cached_property
    def severities(self) -> dict[str, Severity]:
        return {severity.id: severity for severity in self.severity_list}

    @cached_property
    def terms(self) -> CommercialTerms:
        return CommercialTerms(
            self.availability, self.credit, self.claims, self.termination, self.after_hours, self.duties
        )

    @property
    def customer_zone(self) -> str | None:
        """The zone "customer" calendars are read in (`for_customer`), None while unresolved."""
        return self._customer_zone or None

    @property
    def needs_customer_zone(self) -> bool:
        """Whether a calendar keeps the customer's local time, so a contract must name that zone."""
        return any(spec.zone == CUSTOMER for spec in self.calendars.values())

    def for_customer(self, zone: str | None) -> "Policy":
        """The policy with its calendars in the customer's local time read in `zone` (a contract's
        customer_timezone); itself when no calendar is, or no zone is given (such calendars then refuse to run)."""
        if zone is None or not self.needs_customer_zone:
            return self
        found = self._customers.get(zone)
        if found is None:
            calendars = {
                key: msgspec.structs.replace(spec, zone=CalendarZone(zone)) if spec.zone == CUSTOMER else spec
                for key, spec in self.calendars.items()
            }
            found = self._customers[zone] = msgspec.structs.replace(self, calendars=calendars, _customer_zone=zone)
        return found

    @cached_property
    def _customers(self) -> dict[str, "Policy"]:
        return {}

    @cached_property
    def _calendars(self) -> dict[tuple[str, str | None, HolidaySpec | None], BusinessCalendar]:
        return {}

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
        if spec.zone == CUSTOMER:
            raise PolicyError(
                f"calendar {calendar_id} of policy {self.id} keeps the customer's local time (timezone = "
                '"customer"), and no customer zone was given; accepted: the contract\'s customer_timezone in '
                "contracts.toml (an example's customer_timezone, the CLI's --customer-timezone)"
            )
        zone_name, holiday_spec = self.zone, self.holidays.spec
        if region is not None:
            zone_name, holiday_spec = self.regions[region].zone, self.regions[region].holidays.spec
        if holidays is not None:
            holiday_spec = holidays
        holiday_set = None
        if spec.use_holidays or spec.extra_holidays:
            base = holiday_spec if spec.use_holidays else HolidaySpec()
            holiday_set = HolidaySet(
                HolidaySpec(base.country, base.subdiv, tuple(base.extra) + tuple(spec.extra_holidays), base.named)
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

    def shape_calendar(self, calendar_id: str, region: str | None = None) -> BusinessCalendar:
        """The calendar for what does not depend on its zone (its business day and week, whether it is always
        open): one in the customer's local time is read in the policy's zone when no customer zone is known."""
        unresolved = self.calendars[calendar_id].zone == CUSTOMER
        return (self.for_customer(self.zone) if unresolved else self).calendar(calendar_id, region)

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

    def business_day(self, region: str | None, holidays: HolidaySpec | None = None) -> Callable[[date], bool]:
        """Which local days a claim deadline in business days counts: Monday to Friday less the holidays of the
        policy's [holidays] (the region's, under a region; a contract's override instead, as for its calendars),
        whatever its calendars."""
        spec = holidays or (self.regions[region].holidays.spec if region else self.holidays.spec)
        closed = HolidaySet(spec) if spec != HolidaySpec() else None
        return lambda day: day.weekday() < 5 and (closed is None or day not in closed)

    def allowance_year(self, micros: int, zone: ZoneInfo) -> int | None:
        """Where the year of a yearly maintenance allowance began (µs) for an instant: local midnight of January 1,
        or of the 1st of [credit] fiscal_year_start_month; None when the policy has no yearly allowance."""
        maintenance = self.availability.maintenance if self.availability is not None else None
        if maintenance is None or maintenance.allowance is None or maintenance.allowance_per != "year":
            return None
        return year_start(micros, zone, self.credit.fiscal_year_start_month if self.credit is not None else 1)

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


class PolicyFile(Policy, kw_only=True, dict=True):
    """The top level of a policy file: who it is with and where its dates are read. (The model of the file as
    written, `[[examples]]` included; a Policy keeps its examples as read, so a wrong example never stops a policy
    from loading: `check` and the tests run them.)"""

    examples: tuple[Example, ...] = ()  # type: ignore[assignment]
