"""Commercial terms of a policy: availability, exclusions, credits, claims and termination rights.

Policy TOML schema (every section is optional; every table takes `quote`, and where the text is ambiguous
`reading` + `other_reading`: the customer-favourable reading and the one it rejected):

    [availability]              target_percent = "99.9"; measured_over = "month" | "month_less_excluded"
    [availability.excluded_causes]  <cause> = "quote"      (causes: see CAUSES)
    [availability.maintenance]  windows = ["Thu 21:00-03:00"]; windows_are = "allowed" | "forbidden";
                                allowance = "2 hours"      (per month, taken in time order)
    [availability.emergency]    treat_as = "excluded" | "unplanned" | "maintenance"
    [availability.recording]    minimum_outage = "5 minutes"; probe_interval = "1 minute"; probe_failures = 2
    [credit]                    mechanism = "per_minute" | "proportional" | "tiered_percent" | "missed_responses"
                                | "none"; currency = "USD"; fee = "what --fee is"; period = "month" | "quarter";
                                fiscal_year_start_month = 1; when = "target_missed" | "always";
                                credited = "all" | "beyond_target"
    [credit.divisor]            lengths = ["month", "30 days"]   (time credits divide by the shortest)
    [credit.scope]              tiers = [...]; components = [...]   (who earns credit; default everyone)
    [[credit.bands]]            below = "99.5" | at_or_below = "98"; percent = "7"   (highest band applies)
    [credit.cap]                percent = "10"              (of the fee)
    [credit.credited_causes.<cause>]  longer_than = "10 minutes"   (excluded from availability, still credited)
    [credit.missed_responses]   more_than = 4; percent = "25"
    [claims]                    deadline = "72 hours" | "30 days"; counted_from = "outage_end" | "period_end";
                                post_mortem = true; submit_to = "..."; contents = [...]
    [claims.eligibility]        conditions = [...]
    [termination]               failures_more_than = 2; window_months = 6; exercise_within = "10 days"

Spans are whole minutes, hours or days; days are calendar days in the policy's zone where a deadline is
counted ("30 days after the quarter"), 24 hours where an amount of time is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from sla_core.engine.errors import PolicyError
from sla_core.engine.instants import from_micros, to_micros
from sla_core.engine.toml_fields import Table
from sla_core.engine.windows import Window, parse_window

CAUSES = (
    "customer",
    "customer-equipment",
    "third-party",
    "force-majeure",
    "ddos",
    "network",
    "internet",
    "security-threat",
    "beta",
)
MECHANISMS = ("per_minute", "proportional", "tiered_percent", "missed_responses", "none")
TIME_MECHANISMS = ("per_minute", "proportional")
AVAILABILITY_MECHANISMS = ("per_minute", "proportional", "tiered_percent")

MeasuredOver = Literal["month", "month_less_excluded"]
WindowsAre = Literal["allowed", "forbidden"]
TreatAs = Literal["excluded", "unplanned", "maintenance"]
Mechanism = Literal["per_minute", "proportional", "tiered_percent", "missed_responses", "none"]
PeriodUnit = Literal["month", "quarter"]
When = Literal["target_missed", "always"]
Credited = Literal["all", "beyond_target"]
CountedFrom = Literal["outage_end", "period_end"]

_SPAN = re.compile(r"^\s*(\d+)\s*(minute|hour|day)s?\s*$", re.I)
_MICROS = {"minute": 60_000_000, "hour": 3_600_000_000, "day": 86_400_000_000}
SPAN_ACCEPTED = "a whole number of minutes, hours or days, e.g. '5 minutes', '72 hours', '30 days'"


@dataclass(frozen=True, slots=True)
class Span:
    """A whole number of minutes, hours or days, as the contract writes it."""

    amount: int
    unit: Literal["minute", "hour", "day"]

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @property
    def micros(self) -> int:
        """Elapsed length (a day is 24 hours): for allowances and thresholds."""
        return self.amount * _MICROS[self.unit]

    def after(self, micros: int, zone: ZoneInfo) -> int:
        """Deadline `self` after an instant: days are local calendar days (DST-proof), hours are elapsed."""
        if self.unit != "day":
            return micros + self.micros
        local = from_micros(micros, zone)
        return to_micros((local + timedelta(days=self.amount)).replace(tzinfo=zone))


def parse_span(text: Any) -> Span:
    """Parse '5 minutes', '2 hours', '30 days' (singular or plural, positive whole numbers)."""
    match = _SPAN.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) <= 0:
        raise PolicyError(f"{text!r} is not a span; use {SPAN_ACCEPTED}")
    return Span(int(match.group(1)), cast(Literal["minute", "hour", "day"], match.group(2).lower()))


@dataclass(frozen=True, slots=True)
class Clause:
    """The quoted contract text behind a rule, and the customer-favourable reading where it is ambiguous."""

    quote: str
    reading: str | None = None
    other_reading: str | None = None

    def readings(self) -> list[dict[str, str]]:
        """`[{chosen, other}]` when this clause carries a reading, else empty."""
        if self.reading and self.other_reading:
            return [{"chosen": self.reading, "other": self.other_reading}]
        return []


@dataclass(frozen=True, slots=True)
class Maintenance:
    """Scheduled maintenance: where it may happen (allowed or forbidden weekly windows) and how much a month."""

    windows: tuple[Window, ...]
    windows_text: tuple[str, ...]
    windows_are: WindowsAre
    allowance: Span | None
    clause: Clause


@dataclass(frozen=True, slots=True)
class Emergency:
    """How emergency maintenance counts: excluded, as unplanned downtime, or as scheduled maintenance."""

    treat_as: TreatAs
    clause: Clause


@dataclass(frozen=True, slots=True)
class Recording:
    """What monitoring records: a minimum outage length and the probe rule (failures in a row; the interval is
    how often the provider probes, for display: a probe series is read as consecutive tests)."""

    minimum_outage: Span | None
    probe_interval: Span | None
    probe_failures: int
    clause: Clause


@dataclass(frozen=True, slots=True)
class AvailabilityTerms:
    """The monthly availability commitment and what is excluded from it."""

    target_percent: Decimal
    measured_over: MeasuredOver
    excluded_causes: tuple[tuple[str, str], ...]
    maintenance: Maintenance | None
    emergency: Emergency | None
    recording: Recording | None
    clause: Clause

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset(cause for cause, _ in self.excluded_causes)


@dataclass(frozen=True, slots=True)
class Divisor:
    """What a time-based credit divides by: the shortest of the month's real length and fixed spans."""

    month: bool
    spans: tuple[Span, ...]
    clause: Clause


@dataclass(frozen=True, slots=True)
class Scope:
    """Which tiers and components earn credit (empty: all)."""

    tiers: tuple[str, ...]
    components: tuple[str, ...]
    clause: Clause


@dataclass(frozen=True, slots=True)
class Band:
    """A tiered credit row: `percent` of the fee when availability is below (or at or below) `limit`."""

    limit: Decimal
    inclusive: bool
    percent: Decimal
    clause: Clause

    def describe(self) -> str:
        return f"availability {'<=' if self.inclusive else '<'} {self.limit}% -> {self.percent}%"


@dataclass(frozen=True, slots=True)
class Cap:
    """The most a month's credit may be, as a percent of the fee."""

    percent: Decimal
    clause: Clause


@dataclass(frozen=True, slots=True)
class CreditedCause:
    """A cause excluded from availability that still earns credit, optionally only above a length."""

    cause: str
    longer_than: Span | None
    clause: Clause


@dataclass(frozen=True, slots=True)
class MissedResponses:
    """Credit when more than `more_than` tickets in a period missed their initial response."""

    more_than: int
    percent: Decimal
    clause: Clause


@dataclass(frozen=True, slots=True)
class CreditTerms:
    """How a service credit is computed, from what fee, in which currency, over which period."""

    mechanism: Mechanism
    currency: str
    fee: str
    period: PeriodUnit
    fiscal_year_start_month: int
    when: When
    credited: Credited
    divisor: Divisor | None
    scope: Scope | None
    bands: tuple[Band, ...]
    cap: Cap | None
    credited_causes: tuple[CreditedCause, ...]
    missed_responses: MissedResponses | None
    clause: Clause


@dataclass(frozen=True, slots=True)
class ClaimTerms:
    """How and by when a credit must be claimed, what the claim contains, and who is eligible."""

    deadline: Span | None
    counted_from: CountedFrom
    post_mortem: bool
    submit_to: str | None
    contents: tuple[str, ...]
    eligibility: tuple[str, ...]
    eligibility_clause: Clause | None
    clause: Clause


@dataclass(frozen=True, slots=True)
class TerminationTerms:
    """A right to terminate after more than `failures_more_than` failed months within `window_months`."""

    failures_more_than: int
    window_months: int
    exercise_within: Span
    clause: Clause


@dataclass(frozen=True, slots=True)
class CommercialTerms:
    """Everything of a policy beyond response deadlines; sections the contract lacks are None."""

    availability: AvailabilityTerms | None = None
    credit: CreditTerms | None = None
    claims: ClaimTerms | None = None
    termination: TerminationTerms | None = None


# -- parsing --------------------------------------------------------------------------------------


def _clause(table: Table) -> Clause:
    reading, other = table.opt_text("reading"), table.opt_text("other_reading")
    if (reading is None) != (other is None):
        raise table.fail("other_reading" if reading else "reading", "reading and other_reading go together")
    return Clause(table.text("quote"), reading, other)


def _choice(table: Table, key: str, options: tuple[str, ...], default: str | None = None) -> str:
    value = table.text(key, default)
    if value not in options:
        raise table.fail(key, f"must be one of {', '.join(options)}, not {value!r}")
    return value


def _percent(table: Table, key: str, *, required: bool = True) -> Decimal | None:
    value = table.decimal(key, required=required)
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise table.fail(key, f"must be a percent from '0' to '100', not {str(value)!r}")
    return value


def _cause(table: Table, key: str) -> str:
    if key not in CAUSES:
        raise table.fail(key, f"unknown cause; accepted: {', '.join(CAUSES)}")
    return key


def _windows(value: Any) -> tuple[tuple[Window, ...], tuple[str, ...]]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PolicyError("must be a non-empty list of windows such as 'Thu 21:00-03:00'")
    return tuple(w for text in value for w in parse_window(text)), tuple(value)


def _maintenance(table: Table) -> Maintenance:
    parsed = table.parsed("windows", _windows, required=False)
    windows, texts = parsed if parsed else ((), ())
    windows_are = table.opt_text("windows_are")
    if (windows_are is None) != (not windows):
        raise table.fail("windows_are", "windows and windows_are (allowed or forbidden) go together")
    if windows_are is not None and windows_are not in ("allowed", "forbidden"):
        raise table.fail("windows_are", f"must be one of allowed, forbidden, not {windows_are!r}")
    found = Maintenance(
        windows=windows,
        windows_text=texts,
        windows_are=cast(WindowsAre, windows_are or "allowed"),
        allowance=table.parsed("allowance", parse_span, required=False),
        clause=_clause(table),
    )
    table.close()
    return found


def _availability(table: Table) -> AvailabilityTerms:
    target = _percent(table, "target_percent")
    assert target is not None
    if target == 0:
        raise table.fail("target_percent", "must be above '0'")
    causes_table = table.table("excluded_causes")
    causes: list[tuple[str, str]] = []
    if causes_table is not None:
        causes = [(_cause(causes_table, key), causes_table.text(key)) for key in list(causes_table.data)]
        causes_table.close()
    maintenance = table.table("maintenance")
    emergency_table = table.table("emergency")
    emergency = None
    if emergency_table is not None:
        treat = _choice(emergency_table, "treat_as", ("excluded", "unplanned", "maintenance"))
        emergency = Emergency(cast(TreatAs, treat), _clause(emergency_table))
        emergency_table.close()
    recording_table = table.table("recording")
    recording = None
    if recording_table is not None:
        failures = recording_table.whole("probe_failures", 2, minimum=1)
        assert failures is not None
        recording = Recording(
            minimum_outage=recording_table.parsed("minimum_outage", parse_span, required=False),
            probe_interval=recording_table.parsed("probe_interval", parse_span, required=False),
            probe_failures=failures,
            clause=_clause(recording_table),
        )
        recording_table.close()
    found = AvailabilityTerms(
        target_percent=target,
        measured_over=cast(MeasuredOver, _choice(table, "measured_over", ("month", "month_less_excluded"), "month")),
        excluded_causes=tuple(causes),
        maintenance=_maintenance(maintenance) if maintenance is not None else None,
        emergency=emergency,
        recording=recording,
        clause=_clause(table),
    )
    table.close()
    return found


def _divisor(table: Table) -> Divisor:
    lengths = table.texts("lengths", required=True)
    if not lengths:
        raise table.fail("lengths", "must name at least one length: 'month' or a span such as '30 days'")
    spans = tuple(table.parsed("lengths", lambda v: [parse_span(x) for x in v if x != "month"]) or ())
    found = Divisor("month" in lengths, spans, _clause(table))
    table.close()
    return found


def _scope(table: Table, tiers: set[str], components: tuple[str, ...]) -> Scope:
    scope_tiers, scope_components = tuple(table.texts("tiers")), tuple(table.texts("components"))
    for tier in scope_tiers:
        if tier not in tiers:
            raise table.fail("tiers", f"unknown tier {tier!r}; defined: {', '.join(sorted(tiers)) or 'none'}")
    for component in scope_components:
        if component not in components:
            raise table.fail("components", f"unknown component {component!r}; defined: {', '.join(components)}")
    found = Scope(scope_tiers, scope_components, _clause(table))
    table.close()
    return found


def _band(table: Table) -> Band:
    below, at_or_below = _percent(table, "below", required=False), _percent(table, "at_or_below", required=False)
    if (below is None) == (at_or_below is None):
        raise table.fail("below", "give exactly one of below or at_or_below")
    percent = _percent(table, "percent")
    assert percent is not None
    limit = below if below is not None else at_or_below
    assert limit is not None
    found = Band(limit, at_or_below is not None, percent, _clause(table))
    table.close()
    return found


def _credit(table: Table, tiers: set[str], components: tuple[str, ...], has_availability: bool) -> CreditTerms:
    mechanism = cast(Mechanism, _choice(table, "mechanism", MECHANISMS))
    currency = table.text("currency", "USD")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise table.fail("currency", f"must be an ISO 4217 code such as 'USD', not {currency!r}")
    if mechanism in AVAILABILITY_MECHANISMS and not has_availability:
        raise table.fail("mechanism", f"{mechanism} needs an [availability] section")
    divisor_table, scope_table, cap_table = table.table("divisor"), table.table("scope"), table.table("cap")
    missed_table = table.table("missed_responses")
    bands = tuple(_band(t) for t in table.tables("bands"))
    cap = None
    if cap_table is not None:
        cap_percent = _percent(cap_table, "percent")
        assert cap_percent is not None
        cap = Cap(cap_percent, _clause(cap_table))
        cap_table.close()
    credited_causes: list[CreditedCause] = []
    for cause, cause_table in table.named_tables("credited_causes").items():
        credited_causes.append(
            CreditedCause(
                cause=_cause(table, cause),
                longer_than=cause_table.parsed("longer_than", parse_span, required=False),
                clause=_clause(cause_table),
            )
        )
        cause_table.close()
    missed = None
    if missed_table is not None:
        more_than, percent = missed_table.whole("more_than"), _percent(missed_table, "percent")
        if more_than is None:
            raise missed_table.fail("more_than", "is required")
        assert percent is not None
        missed = MissedResponses(more_than, percent, _clause(missed_table))
        missed_table.close()
    needs = {
        "per_minute": ("divisor", divisor_table),
        "proportional": ("divisor", divisor_table),
        "tiered_percent": ("bands", bands or None),
        "missed_responses": ("missed_responses", missed),
    }
    if mechanism in needs and needs[mechanism][1] is None:
        raise table.fail(needs[mechanism][0], f"is required for mechanism {mechanism}")
    start_month = table.whole("fiscal_year_start_month", 1, minimum=1)
    assert start_month is not None
    if start_month > 12:
        raise table.fail("fiscal_year_start_month", f"must be a month from 1 to 12, not {start_month}")
    found = CreditTerms(
        mechanism=mechanism,
        currency=currency,
        fee=table.text("fee", "the fee for the period"),
        period=cast(PeriodUnit, _choice(table, "period", ("month", "quarter"), "month")),
        fiscal_year_start_month=start_month,
        when=cast(When, _choice(table, "when", ("target_missed", "always"), "target_missed")),
        credited=cast(Credited, _choice(table, "credited", ("all", "beyond_target"), "all")),
        divisor=_divisor(divisor_table) if divisor_table is not None else None,
        scope=_scope(scope_table, tiers, components) if scope_table is not None else None,
        bands=bands,
        cap=cap,
        credited_causes=tuple(credited_causes),
        missed_responses=missed,
        clause=_clause(table),
    )
    table.close()
    return found


def _claims(table: Table) -> ClaimTerms:
    eligibility_table = table.table("eligibility")
    eligibility: tuple[str, ...] = ()
    eligibility_clause = None
    if eligibility_table is not None:
        eligibility = tuple(eligibility_table.texts("conditions", required=True))
        eligibility_clause = _clause(eligibility_table)
        eligibility_table.close()
    found = ClaimTerms(
        deadline=table.parsed("deadline", parse_span, required=False),
        counted_from=cast(CountedFrom, _choice(table, "counted_from", ("outage_end", "period_end"), "outage_end")),
        post_mortem=table.flag("post_mortem", False),
        submit_to=table.opt_text("submit_to"),
        contents=tuple(table.texts("contents")),
        eligibility=eligibility,
        eligibility_clause=eligibility_clause,
        clause=_clause(table),
    )
    table.close()
    return found


def _termination(table: Table) -> TerminationTerms:
    more_than = table.whole("failures_more_than")
    months = table.whole("window_months", minimum=1)
    if more_than is None or months is None:
        raise table.fail("failures_more_than" if more_than is None else "window_months", "is required")
    within = table.parsed("exercise_within", parse_span)
    assert within is not None
    found = TerminationTerms(more_than, months, within, _clause(table))
    table.close()
    return found


def parse_terms(top: Table, calendars: dict[str, Any], components: tuple[str, ...]) -> CommercialTerms:
    """Read and validate the policy's commercial sections; errors name the file and the field."""
    tiers = set(top.data.get("tiers") or {})
    availability_table = top.table("availability")
    availability = _availability(availability_table) if availability_table is not None else None
    credit_table, claims_table = top.table("credit"), top.table("claims")
    termination_table = top.table("termination")
    return CommercialTerms(
        availability=availability,
        credit=_credit(credit_table, tiers, components, availability is not None) if credit_table else None,
        claims=_claims(claims_table) if claims_table is not None else None,
        termination=_termination(termination_table) if termination_table is not None else None,
    )
