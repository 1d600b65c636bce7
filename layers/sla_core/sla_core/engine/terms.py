"""Commercial terms of a policy: availability, exclusions, credits, claims, termination rights (and the refund
they bring), paid after-hours support and the customer's dated duties, as data.

Policy TOML schema, read by `terms_parse` (every section is optional; every table takes `quote`, and where the
text is ambiguous `reading` + `other_reading`: the customer-favourable reading and the one it rejected; the
other reading as data, where the policy can state it, in `other_values = { field = value, ... }` (this table's
fields under the other reading) and `other_without = ["field", ...]` (fields it leaves out), from which
`other_readings` computes every result's figures under the other reading — see `clauses`; this works in the
severity, calendar and holiday tables of `policy_parse` too):

    [availability]              target_percent = "99.9"; measured_over = "month" | "month_less_excluded"
    [availability.excluded_causes]  <cause> = "quote"      (causes: see CAUSES)
    [availability.maintenance]  windows = ["Thu 21:00-03:00"]; windows_are = "allowed" | "forbidden";
                                allowance = "2 hours"      (per month, taken in time order);
                                window_zones = ["America/New_York", "Etc/GMT+5"]  (the windows' wall time
                                under each reading of a zone label; maintenance is permitted only where every
                                zone permits it: the customer-favourable combination. Default: policy zone)
    [availability.maintenance.notice]  minimum = "72 hours"    (announced at least this long before it starts;
                                shorter notice makes the maintenance count as downtime; left out: any
                                announcement before the start will do); posted_windows = true (maintenance
                                marked as in the provider's posted maintenance windows needs no notice);
                                emergency_exempt = true (emergency maintenance counted as maintenance needs none)
    [availability.emergency]    treat_as = "excluded" | "unplanned" | "maintenance"
    [availability.recording]    minimum_outage = "5 minutes"; probe_interval = "1 minute"; probe_failures = 2;
                                minimum_applies_to = "outage" (merged, unsplit) | "interval" (each on its own)
    [credit]                    mechanism = "per_minute" | "proportional" | "tiered_percent" | "missed_responses"
                                | "none"; currency = "USD"; fee = "what the fee is"; period = "month" | "quarter";
                                fiscal_year_start_month = 1; when = "target_missed" | "always";
                                credited = "all" | "beyond_target"; multiplier = "25" (time credits only:
                                the credited time's share of the fee times this, as in "25 times the amount
                                paid for the Outage time"; default "1")
    [credit.divisor]            lengths = ["month", "30 days"]   (time credits divide by the shortest; "month"
                                or "quarter", as [credit] period says, is the period's real length)
    [credit.scope]              tiers = [...]; components = [...]   (who earns credit; default everyone)
    [[credit.bands]]            below = "99.5" | at_or_below = "98"; percent = "7"   (highest band applies)
    [credit.cap]                percent = "10" (of the fee) | service = "30 days" (that much paid service: the
                                fee times the span over the period's real length); exactly one of them
    [credit.credited_causes.<cause>]  longer_than = "10 minutes"   (excluded from availability, still credited)
    [credit.missed_responses]   more_than = 4; percent = "25"
    [claims]                    deadline = "72 hours" | "30 days";
                                counted_from = "outage_end" | "outage_start" | "period_end";
                                post_mortem = true (with outage_end: or from a later post-mortem);
                                submit_to = "..."; contents = [...]
    [claims.eligibility]        conditions = [...]
    [termination]               failures_more_than = 2; window_months = 6; exercise_within = "10 days";
                                window = "calendar_months" (any window_months consecutive calendar months) |
                                "rolling" (any span of window_months months of dates, which reaches into
                                window_months + 1 calendar months)
    [termination.refund]        effective_day = "refunded" | "kept"  (prepaid fees are refunded pro rata by
                                calendar day of the prepaid period from the effective date of termination,
                                that day included or not; the contract gives the fees and their period)
    [availability.counts_from]  date = "activation"  (nothing is measured before the contract's activation
                                date: a month that starts before it counts from 00:00 on it, in the zone)
    [after_hours]               outside = "<calendar id>"; rate = "100"; currency = "USD"; per = "1 hour";
                                minimum = "1 hour"  (paid support for tickets opened while that calendar is
                                closed, holidays included: rate per `per`, at least `minimum`)
    [after_hours.billing]       increment = "1 minute"  (time beyond the minimum is billed in these steps,
                                each started step in full)
    [after_hours.waiver]        when = "the issue is caused by the provider"; severities = ["..."] (severities
                                whose charge is shown as waived)
    [[duties]]                  id = "downgrade-request"; name = "..."; before = "renewal" (a contract date:
                                see DUTY_DATES; due by 00:00 on it in the contract's zone); how = "in writing";
                                conditions = [...]; tiers = ["enterprise"] (only contracts of these tiers);
                                remind_days = [7, 1] (default 30, 7 and 1 days before)
                                (a dated duty, or a dated promise to check, reminded ahead of time)

Spans ("5 minutes", "30 days") are described in `spans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from sla_core.engine.clauses import Clause
from sla_core.engine.spans import Span
from sla_core.engine.windows import Window

# The dates a duty can fall due before: a contract date (contracts.toml: <name>_date), or `quarter_end`, the end of
# the current (fiscal) quarter, a date that recurs (the day after the quarter's last day, as for every `before`).
DUTY_DATES = ("renewal", "quarter_end")
COUNTS_FROM = ("activation",)  # the contract dates availability can start from
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
PERIOD_UNITS = ("month", "quarter")  # what a credit period is; a divisor names its own length so
TIME_MECHANISMS = ("per_minute", "proportional")
AVAILABILITY_MECHANISMS = ("per_minute", "proportional", "tiered_percent")

MeasuredOver = Literal["month", "month_less_excluded"]
WindowsAre = Literal["allowed", "forbidden"]
TreatAs = Literal["excluded", "unplanned", "maintenance"]
Mechanism = Literal["per_minute", "proportional", "tiered_percent", "missed_responses", "none"]
PeriodUnit = Literal["month", "quarter"]
When = Literal["target_missed", "always"]
Credited = Literal["all", "beyond_target"]
CountedFrom = Literal["outage_end", "outage_start", "period_end"]
MinimumAppliesTo = Literal["outage", "interval"]
TerminationWindow = Literal["calendar_months", "rolling"]
EffectiveDay = Literal["refunded", "kept"]


@dataclass(frozen=True, slots=True)
class Notice:
    """How far ahead maintenance must be announced to be excluded, and what needs no notice."""

    minimum: Span | None
    posted_windows: bool
    emergency_exempt: bool
    clause: Clause

    @property
    def required(self) -> str:
        """The minimum notice in hours, as notes write it ('72 h'), or 'advance notice' without a minimum."""
        if self.minimum is None:
            return "advance notice"
        hours = self.minimum.micros / 3_600_000_000
        return f"{hours:g} h"


@dataclass(frozen=True, slots=True)
class Maintenance:
    """Scheduled maintenance: where it may happen (allowed or forbidden weekly windows), how much a month, and
    the notice it needs."""

    windows: tuple[Window, ...]
    windows_text: tuple[str, ...]
    windows_are: WindowsAre
    allowance: Span | None
    clause: Clause
    notice: Notice | None = None
    zones: tuple[str, ...] = ()


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
    minimum_applies_to: MinimumAppliesTo = "outage"


@dataclass(frozen=True, slots=True)
class CountsFrom:
    """Availability is measured only from a contract date on (Sonar: 'Available ... (following Activation)')."""

    date: str
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
    counts_from: CountsFrom | None = None

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset(cause for cause, _ in self.excluded_causes)


@dataclass(frozen=True, slots=True)
class Divisor:
    """What a time-based credit divides by: the shortest of the period's real length (`month`: the credit
    period's own length, a month or a quarter) and fixed spans."""

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
    """The most a period's credit may be: a percent of the fee, or the fee of a span of paid service (`service`,
    "limited to 30 days of paid service per quarter": the fee × the span / the period's real length)."""

    percent: Decimal | None
    clause: Clause
    service: Span | None = None

    def limit(self, fee: Decimal, period_micros: int) -> Fraction:
        """The cap as an exact amount of the fee for a period `period_micros` long."""
        if self.percent is not None:
            return Fraction(fee) * Fraction(self.percent) / 100
        assert self.service is not None
        return Fraction(fee) * Fraction(self.service.micros, period_micros)

    def describe(self) -> str:
        """The cap in words: '10% of the fee' or '30 days of paid service'."""
        return f"{self.percent}% of the fee" if self.percent is not None else f"{self.service} of paid service"


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
    multiplier: Decimal = Decimal(1)  # time credits: the credited time's share of the fee, times this


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
class RefundTerms:
    """Prepaid fees refunded on termination, pro rata by calendar day from the effective date (that day
    refunded, or kept as a paid day)."""

    effective_day: EffectiveDay
    clause: Clause


@dataclass(frozen=True, slots=True)
class TerminationTerms:
    """A right to terminate after more than `failures_more_than` failed months within `window_months` (consecutive
    calendar months, or a rolling span of that many months of dates)."""

    failures_more_than: int
    window_months: int
    exercise_within: Span
    clause: Clause
    window: TerminationWindow = "calendar_months"
    refund: RefundTerms | None = None

    @property
    def calendar_months(self) -> int:
        """How many consecutive calendar months one window can touch: a rolling span starting late in a month
        reaches into the month after its last whole one."""
        return self.window_months + (1 if self.window == "rolling" else 0)


@dataclass(frozen=True, slots=True)
class Billing:
    """How after-hours time beyond the minimum is billed: each started `increment` in full."""

    increment: Span
    clause: Clause


@dataclass(frozen=True, slots=True)
class Waiver:
    """When the after-hours charge is waived, and the severities whose charge is shown as waived."""

    when: str
    severities: tuple[str, ...]
    clause: Clause


@dataclass(frozen=True, slots=True)
class AfterHoursTerms:
    """Paid support for tickets opened while the `outside` calendar is closed: `rate` per `per`, at least
    `minimum`, billed in `billing` steps beyond it, waived as `waiver` says."""

    outside: str
    rate: Decimal
    currency: str
    per: Span
    minimum: Span
    billing: Billing | None
    waiver: Waiver | None
    clause: Clause


@dataclass(frozen=True, slots=True)
class Duty:
    """Something the customer must do before a contract date (e.g. request a downgrade before renewal)."""

    id: str
    name: str
    before: str
    how: str | None
    conditions: tuple[str, ...]
    clause: Clause
    tiers: tuple[str, ...] = ()  # only contracts of these tiers have it (none named: every contract)
    remind_days: tuple[int, ...] = ()  # days before the date to remind (none named: duties.REMINDERS, 30, 7, 1)


@dataclass(frozen=True, slots=True)
class CommercialTerms:
    """Everything of a policy beyond response deadlines; sections the contract lacks are None."""

    availability: AvailabilityTerms | None = None
    credit: CreditTerms | None = None
    claims: ClaimTerms | None = None
    termination: TerminationTerms | None = None
    after_hours: AfterHoursTerms | None = None
    duties: tuple[Duty, ...] = ()
