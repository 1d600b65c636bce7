"""Commercial terms of a policy as the policy file writes them: availability, exclusions, credits, claims,
termination rights (and the refund they bring), paid after-hours support and the customer's dated duties.

Each class is one table of the policy language (msgspec Structs: `toml_decode` reads them, docs/policy-language.md
and docs/policy.schema.json are generated from them); every clause table takes the `Clauses` fields (quote, and
where the text is ambiguous the reading taken, the other one, and the other as data: see `clauses`). Rules
between fields are in `policy_rules`. Spans ("5 minutes", "30 days") are described in `spans`.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

import msgspec

from sla_core.engine.clauses import Clause, Clauses
from sla_core.engine.spans import ClaimSpan, Span
from sla_core.engine.toml_decode import doc
from sla_core.engine.windows import Windows
from sla_core.engine.zones import Zone

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

Cause = Literal[
    "customer", "customer-equipment", "third-party", "force-majeure", "ddos", "network", "internet",
    "security-threat", "beta",
]  # fmt: skip
MeasuredOver = Literal["month", "month_less_excluded"]
WindowsAre = Literal["allowed", "forbidden"]
TreatAs = Literal["excluded", "unplanned", "maintenance"]
AllowancePer = Literal["month", "year"]
Mechanism = Literal["per_minute", "proportional", "tiered_percent", "missed_responses", "none"]
PeriodUnit = Literal["month", "quarter"]
When = Literal["target_missed", "always"]
Credited = Literal["all", "beyond_target"]
CountedFrom = Literal["outage_end", "outage_start", "period_end"]
MinimumAppliesTo = Literal["outage", "interval"]
TerminationWindow = Literal["calendar_months", "rolling"]
EffectiveDay = Literal["refunded", "kept"]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", extra={"accepted": "an ISO 4217 code such as 'USD'"})]


class Percent(Decimal):
    """A percent written as a decimal string, from "0" to "100"."""

    ACCEPTED = 'a percent in quotes, from "0" to "100"'


class Notice(Clauses, kw_only=True, frozen=True):
    """`[availability.maintenance.notice]`: how far ahead maintenance must be announced to be excluded."""

    minimum: Annotated[
        Span | None,
        doc(
            "The shortest notice; shorter notice makes the maintenance downtime.",
            'minimum = "72 hours"',
            default="none (any announcement before the start)",
        ),
    ] = None
    posted_windows: Annotated[
        bool, doc("Maintenance in the provider's posted windows needs no notice.", "posted_windows = true")
    ] = False
    emergency_exempt: Annotated[
        bool, doc("Emergency maintenance counted as maintenance needs none.", "emergency_exempt = true")
    ] = False

    @property
    def required(self) -> str:
        """The minimum notice in hours, as notes write it ('72 h'), or 'advance notice' without a minimum."""
        if self.minimum is None:
            return "advance notice"
        hours = self.minimum.micros / 3_600_000_000
        return f"{hours:g} h"


class Maintenance(Clauses, kw_only=True, frozen=True):
    """`[availability.maintenance]`: scheduled maintenance: where it may happen, how much, with what notice."""

    windows: Annotated[
        Windows,
        doc(
            "Weekly windows maintenance is allowed in (or forbidden in).",
            'windows = ["Thu 21:00-03:00", "Sun 21:00-03:00"]',
            default="none",
        ),
    ] = Windows()
    given_windows_are: Annotated[
        WindowsAre | None,
        doc(
            "Whether maintenance outside the windows (allowed) or inside them (forbidden) counts as downtime.",
            'windows_are = "allowed"',
            default="required with windows",
        ),
    ] = msgspec.field(default=None, name="windows_are")
    allowance: Annotated[
        Span | None,
        doc(
            "How much maintenance is excluded per `allowance_per`, taken in time order; beyond it maintenance counts "
            "as downtime.",
            'allowance = "2 hours"',
            default="none (no limit)",
        ),
    ] = None
    allowance_per: Annotated[
        AllowancePer,
        doc(
            "What the allowance is for: each calendar month (not with a quarterly credit period: refused), or each "
            "year. A yearly allowance is used first come, first served: the year's maintenance in time order from "
            "its start (local midnight of January 1 in the policy's zone, or of the 1st of [credit] "
            "fiscal_year_start_month), whichever period it falls in; so a period's figures depend on the "
            "maintenance recorded earlier in its year (`check` examples list it in their intervals too), and on "
            "nothing later.",
            'allowance_per = "year"',
        ),
    ] = "month"
    zones: Annotated[
        tuple[Zone, ...],
        doc(
            "The zones the windows are read in, one per reading of a zone label; maintenance is excluded only where "
            "every zone allows it.",
            'window_zones = ["America/New_York", "Etc/GMT+5"]',
            default="the policy's zone",
            accepted="a list of IANA zones",
        ),
    ] = msgspec.field(default=(), name="window_zones")
    notice: Notice | None = None

    @property
    def windows_are(self) -> WindowsAre:
        return self.given_windows_are or "allowed"

    @property
    def windows_text(self) -> tuple[str, ...]:
        return self.windows.texts


class Emergency(Clauses, kw_only=True, frozen=True):
    """`[availability.emergency]`: how emergency maintenance counts."""

    treat_as: Annotated[
        TreatAs,
        doc(
            "Left out of availability, downtime like any outage, or scheduled maintenance (windows, allowance).",
            'treat_as = "unplanned"',
        ),
    ]


class Recording(Clauses, kw_only=True, frozen=True):
    """`[availability.recording]`: what monitoring records as downtime (the interval is how often the provider
    probes, for display: a probe series is read as consecutive tests)."""

    minimum_outage: Annotated[
        Span | None, doc("Shorter outages are not recorded.", 'minimum_outage = "5 minutes"', default="none")
    ] = None
    probe_interval: Annotated[
        Span | None, doc("How often the provider probes (for display).", 'probe_interval = "1 minute"', default="none")
    ] = None
    probe_failures: Annotated[
        int, msgspec.Meta(ge=1), doc("Failed probes in a row that make downtime.", "probe_failures = 2")
    ] = 2
    minimum_applies_to: Annotated[
        MinimumAppliesTo,
        doc(
            "The minimum applies to a whole outage (touching intervals merged) or to each interval on its own.",
            'minimum_applies_to = "outage"',
        ),
    ] = "outage"


class CountsFrom(Clauses, kw_only=True, frozen=True):
    """`[availability.counts_from]`: nothing is measured before a contract date (Sonar: 'Available ... (following
    Activation)')."""

    date: Annotated[
        Literal["activation"],
        doc(
            "The contract date availability counts from (contracts.toml activation_date; the CLI --activation).",
            'date = "activation"',
        ),
    ]


class AvailabilityTerms(Clauses, kw_only=True, frozen=True):
    """`[availability]`: the availability commitment: a target per credit period (a month, or a quarter when
    [credit] period says so)."""

    target_percent: Annotated[Percent, doc("The availability promised (above 0).", 'target_percent = "99.9"')]
    measured_over: Annotated[
        MeasuredOver,
        doc(
            "What availability divides by: the whole period's real minutes (a month, or the quarter), or that less the "
            "excluded minutes ('scheduled availability').",
            'measured_over = "month_less_excluded"',
        ),
    ] = "month"
    causes: Annotated[
        dict[Cause, str],
        doc(
            "Causes whose downtime is left out of availability, each with the clause that excludes it.",
            '[availability.excluded_causes]\ncustomer = "caused by Customer"',
            default="none",
            accepted="a table: cause = the quote that excludes it",
        ),
    ] = msgspec.field(default={}, name="excluded_causes")
    maintenance: Maintenance | None = None
    emergency: Emergency | None = None
    recording: Recording | None = None
    counts_from: CountsFrom | None = None

    @property
    def excluded_causes(self) -> tuple[tuple[str, str], ...]:
        return tuple(self.causes.items())

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset(self.causes)


class Divisor(Clauses, kw_only=True, frozen=True):
    """`[credit.divisor]`: what a time credit divides the credited time by: the shortest of the period's real
    length (`month`: the credit period's own length, a month or a quarter) and fixed spans."""

    lengths: Annotated[
        tuple[str, ...],
        doc(
            "The lengths; the shortest is used.",
            'lengths = ["month", "30 days"]',
            accepted='"month" or "quarter" (as period says: the period\'s real length) and spans',
        ),
    ]

    @property
    def month(self) -> bool:
        return any(length in PERIOD_UNITS for length in self.lengths)

    @property
    def spans(self) -> tuple[Span, ...]:
        from sla_core.engine.spans import parse_contract_span  # noqa: PLC0415 - checked at load (policy_rules)

        return tuple(parse_contract_span(length) for length in self.lengths if length not in PERIOD_UNITS)


class Scope(Clauses, kw_only=True, frozen=True):
    """`[credit.scope]`: who earns credit (left out: every tier and component)."""

    tiers: Annotated[
        tuple[str, ...], doc("The tiers that earn credit.", 'tiers = ["standard", "enterprise"]', default="[] (all)")
    ] = ()
    components: Annotated[
        tuple[str, ...], doc("The components that earn credit.", 'components = ["web"]', default="[] (all)")
    ] = ()


class Band(Clauses, kw_only=True, frozen=True):
    """`[[credit.bands]]`: a row of a tiered credit: `percent` of the fee when availability is below (or at or
    below) a limit; the highest applicable band's percent is given."""

    below: Annotated[
        Percent | None,
        doc("The band applies when availability is below this.", 'below = "99.5"', default="give below or at_or_below"),
    ] = None
    at_or_below: Annotated[
        Percent | None,
        doc("The band applies at or below this.", 'at_or_below = "98"', default="give below or at_or_below"),
    ] = None
    percent: Annotated[Percent, doc("The credit, as a percent of the fee.", 'percent = "7"')]

    @property
    def limit(self) -> Decimal:
        found = self.below if self.below is not None else self.at_or_below
        assert found is not None
        return found

    @property
    def inclusive(self) -> bool:
        return self.at_or_below is not None

    def describe(self) -> str:
        return f"availability {'<=' if self.inclusive else '<'} {self.limit}% -> {self.percent}%"


class Cap(Clauses, kw_only=True, frozen=True):
    """`[credit.cap]`: the most a period's credit may be: a percent of the fee, or the fee of a span of paid
    service ("limited to 30 days of paid service per quarter": the fee × the span / the period's real length)."""

    percent: Annotated[
        Percent | None, doc("A percent of the fee.", 'percent = "10"', default="give percent or service")
    ] = None
    service: Annotated[
        Span | None,
        doc(
            "That much paid service: the fee × the span / the period's real length (\"limited to 30 days of paid "
            'service per quarter").',
            'service = "30 days"',
            default="give percent or service",
        ),
    ] = None

    def limit(self, fee: Decimal, period_micros: int) -> Fraction:
        """The cap as an exact amount of the fee for a period `period_micros` long."""
        if self.percent is not None:
            return Fraction(fee) * Fraction(self.percent) / 100
        assert self.service is not None
        return Fraction(fee) * Fraction(self.service.micros, period_micros)

    def describe(self) -> str:
        """The cap in words: '10% of the fee' or '30 days of paid service'."""
        return f"{self.percent}% of the fee" if self.percent is not None else f"{self.service} of paid service"


class CreditedCause(Clauses, kw_only=True, frozen=True):
    """`[credit.credited_causes.<cause>]`: a cause excluded from availability that still earns a time credit,
    optionally only above a length."""

    longer_than: Annotated[
        Span | None,
        doc(
            "Only outages of this cause longer than this earn credit.",
            'longer_than = "10 minutes"',
            default="none (any length)",
        ),
    ] = None
    _key: str = ""

    @property
    def cause(self) -> str:
        return self._key


class MissedResponses(Clauses, kw_only=True, frozen=True):
    """`[credit.missed_responses]`: a credit when more than `more_than` tickets of a period missed their first
    response."""

    more_than: Annotated[int, doc("More missed tickets than this earn the credit.", "more_than = 4")]
    percent: Annotated[Percent, doc("The credit, as a percent of the fee.", 'percent = "25"')]


class CreditTerms(Clauses, kw_only=True, frozen=True):
    """`[credit]`: how a service credit is computed, over which period, from which fee."""

    mechanism: Annotated[
        Mechanism,
        doc(
            "per_minute and proportional: credited time / divisor × fee; tiered_percent: a band's percent of the fee; "
            "missed_responses: a percent when too many tickets missed their first response; none: the target is "
            "reported, no money.",
            'mechanism = "proportional"',
        ),
    ]
    currency: Annotated[Currency, doc("The credit's currency (a contract may set its own).", 'currency = "EUR"')] = (
        "USD"
    )
    fee: Annotated[
        str, doc("What the fee a credit is computed from is, in words.", 'fee = "the monthly cost of the service"')
    ] = "the fee for the period"
    period: Annotated[
        PeriodUnit,
        doc(
            "The period availability and credit are measured over: calendar months or calendar quarters (of the "
            "fiscal year, see fiscal_year_start_month).",
            'period = "quarter"',
        ),
    ] = "month"
    fiscal_year_start_month: Annotated[
        int,
        msgspec.Meta(ge=1, le=12),
        doc("The month the fiscal year (and so Q1) starts in.", "fiscal_year_start_month = 2"),
    ] = 1
    when: Annotated[
        When,
        doc("Time credits: only in a period that misses the target, or for every counted minute.", 'when = "always"'),
    ] = "target_missed"
    credited: Annotated[
        Credited,
        doc(
            "Time credits: every counted minute, or only those beyond what the target allows.",
            'credited = "beyond_target"',
        ),
    ] = "all"
    multiplier: Annotated[
        Decimal,
        doc(
            "Time credits only: the credited time's share of the fee times this (\"25 times the amount paid for the "
            'Outage time"); above 0.',
            'multiplier = "25"',
        ),
    ] = Decimal(1)
    divisor: Divisor | None = None
    scope: Scope | None = None
    bands: tuple[Band, ...] = ()
    cap: Cap | None = None
    causes: Annotated[
        dict[Cause, CreditedCause],
        doc(
            "Causes excluded from availability that still earn a time credit.",
            '[credit.credited_causes.network]\nlonger_than = "10 minutes"',
            default="none",
            accepted="a table per cause",
        ),
    ] = msgspec.field(default={}, name="credited_causes")
    missed_responses: MissedResponses | None = None

    @property
    def credited_causes(self) -> tuple[CreditedCause, ...]:
        return tuple(self.causes.values())


class Eligibility(Clauses, kw_only=True, frozen=True):
    """`[claims.eligibility]`: conditions for any credit."""

    conditions: Annotated[
        tuple[str, ...], doc("The conditions, in words.", 'conditions = ["All outstanding invoices are paid."]')
    ]


class ClaimTerms(Clauses, kw_only=True, frozen=True):
    """`[claims]`: how and by when a credit must be claimed, what the claim contains, and who is eligible."""

    deadline: Annotated[
        ClaimSpan | None,
        doc(
            "How long the customer has to claim. Days are calendar days in the policy's zone (the same clock time "
            "that many days later); hours and minutes are elapsed time. Business days are Monday to Friday in the "
            "policy's zone (a region's, under a region) less the holidays of its [holidays] (the region's; a "
            "contract's holiday override in contracts.toml instead, as for its calendars), whatever "
            "calendars the policy has (calendars say when support answers, not which days count); they are whole "
            "days from the first local midnight at or after the start, and the deadline is the end (the next local "
            "midnight) of the last of them.",
            'deadline = "5 business days"',
            default="none (no deadline stated)",
        ),
    ] = None
    counted_from: Annotated[
        CountedFrom,
        doc("What the deadline runs from.", 'counted_from = "period_end"'),
    ] = "outage_end"
    post_mortem: Annotated[
        bool, doc("With outage_end: or from a later post-mortem about the outage.", "post_mortem = true")
    ] = False
    submit_to: Annotated[
        str | None,
        doc("Where the claim goes.", 'submit_to = "a support ticket at support.example.com"', default="none"),
    ] = None
    contents: Annotated[
        tuple[str, ...], doc("What the claim must contain.", 'contents = ["service name", "outage time"]')
    ] = ()
    eligible: Eligibility | None = msgspec.field(default=None, name="eligibility")

    @property
    def eligibility(self) -> tuple[str, ...]:
        return self.eligible.conditions if self.eligible is not None else ()

    @property
    def eligibility_clause(self) -> Clause | None:
        return self.eligible.clause if self.eligible is not None else None


class RefundTerms(Clauses, kw_only=True, frozen=True):
    """`[termination.refund]`: prepaid fees refunded on termination, pro rata by calendar day from the effective
    date (that day refunded, or kept as a paid day)."""

    effective_day: Annotated[
        EffectiveDay,
        doc("Whether the effective date of termination is refunded or still a paid day.", 'effective_day = "refunded"'),
    ]


class TerminationTerms(Clauses, kw_only=True, frozen=True):
    """`[termination]`: a right to terminate after more than `failures_more_than` failed months within
    `window_months` (consecutive calendar months, or a rolling span of that many months of dates); monthly credit
    periods only."""

    failures_more_than: Annotated[int, doc("More failed months than this give the right.", "failures_more_than = 2")]
    window_months: Annotated[int, msgspec.Meta(ge=1), doc("Within how many months.", "window_months = 6")]
    exercise_within: Annotated[
        Span, doc("How long after the last failed month ends the right lasts.", 'exercise_within = "10 days"')
    ]
    window: Annotated[
        TerminationWindow,
        doc(
            "Any window_months consecutive calendar months, or any span of that many months of dates.",
            'window = "rolling"',
        ),
    ] = "calendar_months"
    refund: RefundTerms | None = None

    @property
    def calendar_months(self) -> int:
        """How many consecutive calendar months one window can touch: a rolling span starting late in a month
        reaches into the month after its last whole one."""
        return self.window_months + (1 if self.window == "rolling" else 0)


class Billing(Clauses, kw_only=True, frozen=True):
    """`[after_hours.billing]`: how after-hours time beyond the minimum is billed: each started `increment` in
    full."""

    increment: Annotated[Span, doc("Each started increment is billed in full.", 'increment = "1 minute"')]


class Waiver(Clauses, kw_only=True, frozen=True):
    """`[after_hours.waiver]`: when the after-hours charge is waived, and the severities whose charge is shown as
    waived."""

    when: Annotated[str, doc("The condition, in words.", 'when = "the issue is caused by the vendor"')]
    severities: Annotated[
        tuple[str, ...], doc("Severities whose charge is shown as waived.", 'severities = ["production-down"]')
    ] = ()


class AfterHoursTerms(Clauses, kw_only=True, frozen=True):
    """`[after_hours]`: paid support for tickets opened while the `outside` calendar is closed: `rate` per `per`,
    at least `minimum`, billed in `billing` steps beyond it, waived as `waiver` says."""

    outside: Annotated[
        str,
        doc(
            "Tickets opened while this calendar is closed (holidays included) get paid after-hours help.",
            'outside = "business-hours"',
            accepted="a calendar id",
        ),
    ]
    rate: Annotated[Decimal, doc("The rate per `per` (not negative).", 'rate = "100"')]
    currency: Annotated[Currency, doc("The rate's currency.", 'currency = "USD"')]
    per: Annotated[Span, doc("What the rate is for.", 'per = "1 hour"')]
    minimum: Annotated[Span, doc("The least that is charged.", 'minimum = "1 hour"', default="none")] = Span(
        0, "minute"
    )
    billing: Billing | None = None
    waiver: Waiver | None = None


class Duty(Clauses, kw_only=True, frozen=True):
    """`[[duties]]`: something the customer must do (or check) before a date (e.g. request a downgrade before
    renewal); reminded ahead of time."""

    id: Annotated[str, doc("The duty's id (unique).", 'id = "downgrade-request"')]
    name: Annotated[str, doc("The duty in words.", 'name = "Request a Support Tier downgrade"')]
    before: Annotated[
        Literal["renewal", "quarter_end"],
        doc(
            "The date it is due before (00:00 on it, in the contract's zone): contracts.toml renewal_date, or "
            "quarter_end, the end of each (fiscal) quarter.",
            'before = "renewal"',
        ),
    ]
    how: Annotated[str | None, doc("How it must be done.", 'how = "in writing"', default="none")] = None
    conditions: Annotated[
        tuple[str, ...],
        doc("Conditions that go with it.", 'conditions = ["A downgrade takes effect only at renewal."]'),
    ] = ()
    tiers: Annotated[
        tuple[str, ...],
        doc("Only contracts of these tiers have it.", 'tiers = ["enterprise"]', default="[] (every tier)"),
    ] = ()
    days: Annotated[
        tuple[Annotated[int, msgspec.Meta(ge=1, le=90)], ...],
        doc(
            "How many days before the date each reminder goes out (at local midnight), each day once.",
            "remind_days = [7, 1]",
            default="[30, 7, 1]",
            accepted="a list of whole days from 1 to 90",
            unique=True,
        ),
    ] = msgspec.field(default=(), name="remind_days")

    @property
    def remind_days(self) -> tuple[int, ...]:
        """The days before the date to remind, latest reminder last (none named: duties.REMINDERS, 30, 7, 1)."""
        return tuple(sorted(self.days, reverse=True))


@dataclass(frozen=True, slots=True)
class CommercialTerms:
    """Everything of a policy beyond response deadlines; sections the contract lacks are None."""

    availability: AvailabilityTerms | None = None
    credit: CreditTerms | None = None
    claims: ClaimTerms | None = None
    termination: TerminationTerms | None = None
    after_hours: AfterHoursTerms | None = None
    duties: tuple[Duty, ...] = ()
