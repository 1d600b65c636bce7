"""The policy language's reference as data: every table and field a policy file may have, with its type,
default, meaning and an example. docs/policy-language.md is generated from it (`python -m tools.policy_reference`)
and a test checks it against the keys the parsers (`policy_parse`, `terms_parse`, `clauses`, `examples`) read,
so a field added to a parser without a line here fails the build.

Table paths: `a.b` a table, `a.<id>` one table per name (`[calendars.business-hours]`), `a[]` an array of
tables (`[[severities]]`) or an inline array of tables (`any_of = [{...}]`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sla_core.engine.policy import METRICS
from sla_core.engine.terms import CAUSES, COUNTS_FROM, DUTY_DATES, MECHANISMS


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One field: its name, type, default ('required' when it must be given), meaning and a TOML example."""

    key: str
    type: str
    default: str
    meaning: str
    example: str


@dataclass(frozen=True, slots=True)
class TableDoc:
    """One table: where it is, what it says, its fields; `clause`: it takes the clause fields (CLAUSE_FIELDS);
    `keys`: for a table whose keys are names (causes), what they are, and their values."""

    path: str
    meaning: str
    fields: tuple[FieldDoc, ...] = ()
    clause: bool = True
    keys: tuple[str, ...] = ()
    value: str = ""


REQUIRED = "required"
DURATION = "duration: '30 minutes', '4 hours', '2 business days', '1 week' (of the calendar's open time)"
SPAN = "span: whole minutes, hours or days, e.g. '5 minutes', '72 hours', '30 days'"
DECIMAL = 'decimal in quotes, e.g. "99.9" (never a float: floats are inexact)'
PERCENT = 'percent in quotes, from "0" to "100"'
INSTANT = "TOML date-time with an offset, no quotes (2026-11-20T18:30:00-05:00)"
DATE = "TOML date, no quotes (2026-03-03)"
ZONE = 'IANA time zone name, e.g. "America/New_York"'
STRINGS = "list of strings"
WINDOWS = "list of weekly windows: 'Mon-Fri 09:00-19:00', 'Sat,Sun 10:00-14:00', overnight 'Thu 21:00-03:00'"


def _one_of(options: tuple[str, ...]) -> str:
    return "one of " + ", ".join(f'"{option}"' for option in options)


CLAUSE_FIELDS = (
    FieldDoc(
        "quote",
        "string",
        REQUIRED,
        "The contract's words this table encodes (section numbers help).",
        'quote = "§4: respond to Customer within one (1) business day."',
    ),
    FieldDoc(
        "reading",
        "string",
        "none (the text is clear)",
        "Where the text is ambiguous: the reading the engine takes, the one most favourable to the customer "
        "(contra proferentem), unless a defined term of the contract settles it. Goes with other_reading.",
        'reading = "Exactly 98% falls in neither row, so it earns the higher 10%."',
    ),
    FieldDoc(
        "other_reading",
        "string",
        "none",
        "The reading rejected; every figure resting on this table says so "
        "and, where other_values or other_without state it as data, gives its figures under it too.",
        'other_reading = "Exactly 98% earns 7%."',
    ),
    FieldDoc(
        "other_values",
        "inline table of this table's fields",
        "none",
        "The other reading as data: this table's fields as they would be under it (needs reading).",
        'other_values = { below = "98" }',
    ),
    FieldDoc(
        "other_without",
        STRINGS,
        "none",
        "The other reading as data: this table's fields it leaves out (needs reading).",
        'other_without = ["at_or_below"]',
    ),
)

_HOLIDAY_FIELDS = (
    FieldDoc(
        "country",
        "string: an ISO 3166-1 alpha-2 code the holidays package knows",
        "none (no public holidays)",
        "Whose public holidays close the calendars that use holidays.",
        'country = "US"',
    ),
    FieldDoc(
        "subdiv",
        "string: a subdivision of that country",
        "none (nationwide holidays only)",
        "A state, canton or province whose holidays close the calendar as well (the union with the country's).",
        'subdiv = "VA"',
    ),
    FieldDoc("dates", "list of TOML dates", "[]", "Further days the contract names as closed.", "dates = [2026-12-24]"),
    FieldDoc(
        "unnamed",
        "boolean",
        "false",
        "The contract says 'holidays' without naming them. The rule: no `country` (no public holiday closes the "
        "clock, the customer-favourable reading), the home country's set as the other reading in `other_values` "
        "(its figure is shown beside every deadline it moves; a state 'as well' is a union); `check` and "
        "`/sla contracts` say how to list the vendor's published closures (`dates`, or a contract's override).",
        "unnamed = true",
    ),
)

_CLOCK_FIELDS = (
    FieldDoc(
        "duration",
        DURATION,
        "required (unless any_of)",
        "How long the target gives, counted in the open "
        "time of `calendar`; business days and weeks are the calendar's business day and week.",
        'duration = "4 hours"',
    ),
    FieldDoc(
        "calendar",
        "string: a calendar id of this policy",
        "required (unless any_of)",
        "The calendar the clock runs on.",
        'calendar = "business-hours"',
    ),
    FieldDoc(
        "opened_in",
        "string: a calendar id",
        "none (any time)",
        "This clock applies only to tickets opened while that calendar is open.",
        'opened_in = "primary"',
    ),
    FieldDoc(
        "opened_outside",
        "string: a calendar id",
        "none (any time)",
        "This clock applies only to tickets opened while that calendar is closed.",
        'opened_outside = "primary"',
    ),
)

_INTERVAL_FIELDS = (
    FieldDoc("start", INSTANT, REQUIRED, "When the interval began.", "start = 2026-04-10T10:00:00-07:00"),
    FieldDoc("end", INSTANT, REQUIRED, "When it ended (after start).", "end = 2026-04-10T11:00:00-07:00"),
    FieldDoc(
        "cause",
        f"string, {_one_of(CAUSES)}",
        "none (plain downtime)",
        "Why it happened, for the policy's exclusions and credited causes.",
        'cause = "network"',
    ),
)
_NOTICE_FIELDS = (
    FieldDoc(
        "announced",
        INSTANT,
        "none (taken as announced in time)",
        "When the maintenance was announced, for the notice rule.",
        "announced = 2026-04-06T10:00:00-04:00",
    ),
    FieldDoc("posted", "boolean", "false", "It fell in the provider's posted maintenance windows.", "posted = true"),
)

TABLES: tuple[TableDoc, ...] = (
    TableDoc("", "The top level of a policy file: who it is with and where its dates are read.", (
        FieldDoc("id", "string: lower-case letters, digits and dashes", REQUIRED,
                 "The policy id, the file's name without .toml; contracts.toml names it in `policy`.",
                 'id = "resonate"'),
        FieldDoc("vendor", "string", REQUIRED, "Who provides the service.", 'vendor = "Resonate"'),
        FieldDoc("title", "string", REQUIRED, "The contract's title.", 'title = "Resonate Service Level Agreement"'),
        FieldDoc("seed", "string", "none", "Ours: which seed contract a shipped policy encodes; a deployment's "
                 "policy leaves it out.", 'seed = "004_6368f21f98886a6b.txt"'),
        FieldDoc("timezone", ZONE, REQUIRED, "The zone the contract's calendars, periods and deadlines are counted "
                 "in (a region or a calendar may set its own).", 'timezone = "America/New_York"'),
        FieldDoc("components", STRINGS, '["platform"]', "What availability is measured for, each on its own "
                 "(server types, say); a contract picks some.", 'components = ["web", "mail", "hypervisor"]'),
        FieldDoc("timezone_basis", "string", "none", "Why `timezone` is this zone where the contract names none; "
                 "said by `explain` and with every availability figure (month boundaries depend on it).",
                 'timezone_basis = "The contract names no zone: Arizona time, the vendor\'s home."'),
    ), clause=False),
    TableDoc("boundary", "Whether work done exactly at the due instant meets a target, as the contract words it "
             "(left out: it does).", (
        FieldDoc("at_due", "'met' or 'missed'", REQUIRED, "'met' where the contract says \"within\", 'missed' where "
                 "it says \"less than\" (\"< 30 minute\").", 'at_due = "missed"'),
        FieldDoc("metrics", STRINGS, "[] (every metric)", "The metrics the boundary is for; the others are met at "
                 "the due instant.", 'metrics = ["initial_response"]'),
    )),
    TableDoc("effective", "The agreements these terms apply to (left out: every agreement); a contract whose "
             "agreement_date is earlier is refused: other terms apply to it.", (
        FieldDoc("since", "TOML date", REQUIRED, "Agreements (orders) signed on or after this date are on these "
                 "terms.", "since = 2023-08-05"),
    )),
    TableDoc("holidays", "The public holidays of the policy's calendars (left out: none).", _HOLIDAY_FIELDS),
    TableDoc("calendars.<id>", "A weekly calendar the clocks run on; `<id>` is how targets name it.", (
        FieldDoc("name", "string", REQUIRED, "The calendar in words; the text before ' (' is its short name.",
                 'name = "Primary Hours (09:00–21:00 Eastern every day, excluding holidays)"'),
        FieldDoc("windows", WINDOWS, REQUIRED, "When the calendar is open, in the zone's wall time.",
                 'windows = ["Mon-Fri 09:00-19:00"]'),
        FieldDoc("timezone", ZONE, "the region's or the policy's zone", "A zone of its own (e.g. PST all year).",
                 'timezone = "Etc/GMT+8"'),
        FieldDoc("holidays", "boolean", "true", "Whether the policy's (or region's) holidays close it.",
                 "holidays = false"),
        FieldDoc("extra_holidays", "list of TOML dates", "[]", "Further closed days of this calendar only.",
                 "extra_holidays = [2026-12-31]"),
        FieldDoc("business_day", SPAN, "the length of its open days (which must then all be equal)",
                 "How long one business day of this calendar is, where open days differ in length.",
                 'business_day = "8 hours"'),
    )),
    TableDoc("regions.<id>", "A support region with its own zone and holidays (a contract picks one).", (
        FieldDoc("name", "string", REQUIRED, "The region's name.", 'name = "EMEA"'),
        FieldDoc("timezone", ZONE, REQUIRED, "The region's zone: its calendars, periods and deadlines.",
                 'timezone = "Europe/Zurich"'),
        FieldDoc("quote", "string", REQUIRED, "The contract's words about the region.",
                 'quote = "in the local time zone of the SonarSource support region"'),
    ), clause=False),
    TableDoc("regions.<id>.holidays", "The region's public holidays (left out: none).", _HOLIDAY_FIELDS),
    TableDoc("tiers.<id>", "A support tier; targets name the tiers they hold for (a contract picks one).", (
        FieldDoc("name", "string", REQUIRED, "The tier's name.", 'name = "Enterprise Tier"'),
        FieldDoc("quote", "string", REQUIRED, "The contract's words about the tier.",
                 'quote = "Enterprise Tier | 24/7"'),
        FieldDoc("sla", "boolean", "true", "false for a tier the contract gives no SLA: its tickets get the plain "
                 "answer instead of deadlines.", "sla = false"),
        FieldDoc("same_as", "string: a tier id with an SLA", "none", "This name is another name for that tier.",
                 'same_as = "enterprise"'),
        FieldDoc("agreements_before", DATE, "none (always)", "The other name holds only in agreements dated before "
                 "this day (needs same_as).", "agreements_before = 2026-03-03"),
    ), clause=False),
    TableDoc("severities[]", "A severity or priority level; each `[[severities]]` lists its targets after it.", (
        FieldDoc("id", "string", REQUIRED, "The severity's id (unique regardless of case); PagerDuty priorities map "
                 "to it in contracts.toml.", 'id = "P1"'),
        FieldDoc("name", "string", REQUIRED, "Its name.", 'name = "Priority 1 – Critical"'),
        FieldDoc("quote", "string", REQUIRED, "The contract's definition of it.",
                 'quote = "Service unavailability; Confirmed security breaches"'),
        FieldDoc("outage", "boolean", "false", "It is unavailability of the service, so a resolved incident of it is "
                 "recorded as downtime (a contract or the card may say otherwise).", "outage = true"),
    ), clause=False),
    TableDoc("severities[].targets[]", "One commitment of the severity: one clock (duration and calendar), or "
             "any_of several, the earliest applicable due instant winning (the customer-favourable combination).", (
        FieldDoc("metric", _one_of(METRICS), REQUIRED, "What is due.", 'metric = "initial_response"'),
        *_CLOCK_FIELDS,
        FieldDoc("any_of", "inline array of clocks (severities[].targets[].any_of[])", "none",
                 "Several clocks instead of one; the earliest applicable due instant is the deadline.",
                 'any_of = [{ duration = "1 business day", calendar = "business-hours" }, '
                 '{ duration = "24 hours", calendar = "always" }]'),
        FieldDoc("tiers", "list of tier ids with an SLA", "[] (every tier)", "The tiers this target holds for.",
                 'tiers = ["core"]'),
        FieldDoc("recurring", "boolean", "false", "An update cadence: the clock starts again after each update.",
                 "recurring = true"),
    )),
    TableDoc("severities[].targets[].any_of[]", "One of a target's clocks.", _CLOCK_FIELDS, clause=False),
    TableDoc("pauses.<id>", "A reason the contract lets clocks stop (`/sla pause <id>`), e.g. waiting for the "
             "customer; paused open time does not count.", (
        FieldDoc("name", "string", REQUIRED, "The reason in words.", 'name = "Waiting for customer"'),
        FieldDoc("applies_to", f"non-empty list, each {_one_of(METRICS)}", REQUIRED,
                 "The metrics whose clocks it stops.", 'applies_to = ["resolution"]'),
    )),
    TableDoc("availability", "The availability commitment: a target per credit period (a month, or a quarter when "
             "[credit] period says so).", (
        FieldDoc("target_percent", PERCENT, REQUIRED, "The availability promised (above 0).",
                 'target_percent = "99.9"'),
        FieldDoc("measured_over", 'one of "month", "month_less_excluded"', '"month"',
                 "What availability divides by: the whole period's real minutes (a month, or the quarter), or that "
                 "less the excluded minutes ('scheduled availability').", 'measured_over = "month_less_excluded"'),
    )),
    TableDoc("availability.excluded_causes", "Causes whose downtime is left out of availability, each with the "
             "clause that excludes it.", clause=False, keys=CAUSES, value="string: the quote that excludes it"),
    TableDoc("availability.maintenance", "Scheduled maintenance: where it may happen, how much, with what notice.", (
        FieldDoc("windows", WINDOWS, "none", "Weekly windows maintenance is allowed in (or forbidden in).",
                 'windows = ["Thu 21:00-03:00", "Sun 21:00-03:00"]'),
        FieldDoc("windows_are", 'one of "allowed", "forbidden"', "required with windows",
                 "Whether maintenance outside the windows (allowed) or inside them (forbidden) counts as downtime.",
                 'windows_are = "allowed"'),
        FieldDoc("allowance", SPAN, "none (no limit)", "How much maintenance a month is excluded, taken in time "
                 "order; beyond it maintenance counts as downtime (not with a quarterly credit period: refused).",
                 'allowance = "2 hours"'),
        FieldDoc("window_zones", "list of IANA zones", "the policy's zone", "The zones the windows are read in, one "
                 "per reading of a zone label; maintenance is excluded only where every zone allows it.",
                 'window_zones = ["America/New_York", "Etc/GMT+5"]'),
    )),
    TableDoc("availability.maintenance.notice", "How far ahead maintenance must be announced to be excluded.", (
        FieldDoc("minimum", SPAN, "none (any announcement before the start)", "The shortest notice; shorter notice "
                 "makes the maintenance downtime.", 'minimum = "72 hours"'),
        FieldDoc("posted_windows", "boolean", "false", "Maintenance in the provider's posted windows needs no notice.",
                 "posted_windows = true"),
        FieldDoc("emergency_exempt", "boolean", "false", "Emergency maintenance counted as maintenance needs none.",
                 "emergency_exempt = true"),
    )),
    TableDoc("availability.emergency", "How emergency maintenance counts.", (
        FieldDoc("treat_as", 'one of "excluded", "unplanned", "maintenance"', REQUIRED,
                 "Left out of availability, downtime like any outage, or scheduled maintenance (windows, allowance).",
                 'treat_as = "unplanned"'),
    )),
    TableDoc("availability.recording", "What monitoring records as downtime.", (
        FieldDoc("minimum_outage", SPAN, "none", "Shorter outages are not recorded.", 'minimum_outage = "5 minutes"'),
        FieldDoc("probe_interval", SPAN, "none", "How often the provider probes (for display).",
                 'probe_interval = "1 minute"'),
        FieldDoc("probe_failures", "whole number of at least 1", "2", "Failed probes in a row that make downtime.",
                 "probe_failures = 2"),
        FieldDoc("minimum_applies_to", 'one of "outage", "interval"', '"outage"', "The minimum applies to a whole "
                 "outage (touching intervals merged) or to each interval on its own.", 'minimum_applies_to = "outage"'),
    )),
    TableDoc("availability.counts_from", "Nothing is measured before a contract date.", (
        FieldDoc("date", _one_of(COUNTS_FROM), REQUIRED, "The contract date availability counts from "
                 "(contracts.toml activation_date; the CLI --activation).", 'date = "activation"'),
    )),
    TableDoc("credit", "How a service credit is computed, over which period, from which fee.", (
        FieldDoc("mechanism", _one_of(MECHANISMS), REQUIRED, "per_minute and proportional: credited time / divisor × "
                 "fee; tiered_percent: a band's percent of the fee; missed_responses: a percent when too many "
                 "tickets missed their first response; none: the target is reported, no money.",
                 'mechanism = "proportional"'),
        FieldDoc("currency", "string: an ISO 4217 code", '"USD"', "The credit's currency (a contract may set its own).",
                 'currency = "EUR"'),
        FieldDoc("fee", "string", '"the fee for the period"', "What the fee a credit is computed from is, in words.",
                 'fee = "the monthly cost of the service"'),
        FieldDoc("period", 'one of "month", "quarter"', '"month"', "The period availability and credit are measured "
                 "over: calendar months or fiscal quarters.", 'period = "quarter"'),
        FieldDoc("fiscal_year_start_month", "whole number from 1 to 12", "1", "The month the fiscal year (and so Q1) "
                 "starts in.", "fiscal_year_start_month = 2"),
        FieldDoc("when", 'one of "target_missed", "always"', '"target_missed"', "Time credits: only in a period that "
                 "misses the target, or for every counted minute.", 'when = "always"'),
        FieldDoc("credited", 'one of "all", "beyond_target"', '"all"', "Time credits: every counted minute, or only "
                 "those beyond what the target allows.", 'credited = "beyond_target"'),
        FieldDoc("multiplier", DECIMAL + ", above 0", '"1"', "Time credits only: the credited time's share of the fee "
                 "times this (\"25 times the amount paid for the Outage time\").", 'multiplier = "25"'),
    )),
    TableDoc("credit.divisor", "What a time credit divides the credited time by: the shortest of the lengths.", (
        FieldDoc("lengths", "list: \"month\" or \"quarter\" (as period says: the period's real length) and spans",
                 REQUIRED, "The lengths; the shortest is used.", 'lengths = ["month", "30 days"]'),
    )),
    TableDoc("credit.scope", "Who earns credit (left out: every tier and component).", (
        FieldDoc("tiers", "list of tier ids", "[] (all)", "The tiers that earn credit.",
                 'tiers = ["standard", "enterprise"]'),
        FieldDoc("components", "list of component names", "[] (all)", "The components that earn credit.",
                 'components = ["web"]'),
    )),
    TableDoc("credit.bands[]", "A row of a tiered credit; the highest applicable band's percent is given.", (
        FieldDoc("below", PERCENT, "give below or at_or_below", "The band applies when availability is below this.",
                 'below = "99.5"'),
        FieldDoc("at_or_below", PERCENT, "give below or at_or_below", "The band applies at or below this.",
                 'at_or_below = "98"'),
        FieldDoc("percent", PERCENT, REQUIRED, "The credit, as a percent of the fee.", 'percent = "7"'),
    )),
    TableDoc("credit.cap", "The most a period's credit may be.", (
        FieldDoc("percent", PERCENT, "give percent or service", "A percent of the fee.", 'percent = "10"'),
        FieldDoc("service", SPAN, "give percent or service", "That much paid service: the fee × the span / the "
                 "period's real length (\"limited to 30 days of paid service per quarter\").",
                 'service = "30 days"'),
    )),
    TableDoc("credit.credited_causes.<cause>", "A cause excluded from availability that still earns a time credit "
             f"(`<cause>`: {', '.join(CAUSES)}).", (
        FieldDoc("longer_than", SPAN, "none (any length)", "Only outages of this cause longer than this earn credit.",
                 'longer_than = "10 minutes"'),
    )),
    TableDoc("credit.missed_responses", "A credit when too many tickets of a period missed their first response.", (
        FieldDoc("more_than", "whole number", REQUIRED, "More missed tickets than this earn the credit.",
                 "more_than = 4"),
        FieldDoc("percent", PERCENT, REQUIRED, "The credit, as a percent of the fee.", 'percent = "25"'),
    )),
    TableDoc("claims", "How and by when a credit must be claimed.", (
        FieldDoc("deadline", SPAN, "none (no deadline stated)", "How long the customer has to claim.",
                 'deadline = "30 days"'),
        FieldDoc("counted_from", 'one of "outage_end", "outage_start", "period_end"', '"outage_end"',
                 "What the deadline runs from (days are calendar days in the zone).", 'counted_from = "period_end"'),
        FieldDoc("post_mortem", "boolean", "false", "With outage_end: or from a later post-mortem about the outage.",
                 "post_mortem = true"),
        FieldDoc("submit_to", "string", "none", "Where the claim goes.",
                 'submit_to = "a support ticket at support.example.com"'),
        FieldDoc("contents", STRINGS, "[]", "What the claim must contain.",
                 'contents = ["service name", "outage time"]'),
    )),
    TableDoc("claims.eligibility", "Conditions for any credit.", (
        FieldDoc("conditions", STRINGS, REQUIRED, "The conditions, in words.",
                 'conditions = ["All outstanding invoices are paid."]'),
    )),
    TableDoc("termination", "A right to terminate after repeated failed months (monthly credit periods only: a "
             "quarterly one is refused by name).", (
        FieldDoc("failures_more_than", "whole number", REQUIRED, "More failed months than this give the right.",
                 "failures_more_than = 2"),
        FieldDoc("window_months", "whole number of at least 1", REQUIRED, "Within how many months.",
                 "window_months = 6"),
        FieldDoc("exercise_within", SPAN, REQUIRED, "How long after the last failed month ends the right lasts.",
                 'exercise_within = "10 days"'),
        FieldDoc("window", 'one of "calendar_months", "rolling"', '"calendar_months"', "Any window_months consecutive "
                 "calendar months, or any span of that many months of dates.", 'window = "rolling"'),
    )),
    TableDoc("termination.refund", "Prepaid fees refunded on termination, pro rata by calendar day.", (
        FieldDoc("effective_day", 'one of "refunded", "kept"', REQUIRED, "Whether the effective date of termination "
                 "is refunded or still a paid day.", 'effective_day = "refunded"'),
    )),
    TableDoc("after_hours", "Paid support for tickets opened while a calendar is closed.", (
        FieldDoc("outside", "string: a calendar id", REQUIRED, "Tickets opened while this calendar is closed "
                 "(holidays included) get paid after-hours help.", 'outside = "business-hours"'),
        FieldDoc("rate", DECIMAL, REQUIRED, "The rate per `per` (not negative).", 'rate = "100"'),
        FieldDoc("currency", "string: an ISO 4217 code", REQUIRED, "The rate's currency.", 'currency = "USD"'),
        FieldDoc("per", SPAN, REQUIRED, "What the rate is for.", 'per = "1 hour"'),
        FieldDoc("minimum", SPAN, "none", "The least that is charged.", 'minimum = "1 hour"'),
    )),
    TableDoc("after_hours.billing", "How time beyond the minimum is billed.", (
        FieldDoc("increment", SPAN, REQUIRED, "Each started increment is billed in full.", 'increment = "1 minute"'),
    )),
    TableDoc("after_hours.waiver", "When the after-hours charge is waived.", (
        FieldDoc("when", "string", REQUIRED, "The condition, in words.", 'when = "the issue is caused by the vendor"'),
        FieldDoc("severities", "list of severity ids", "[]", "Severities whose charge is shown as waived.",
                 'severities = ["production-down"]'),
    )),
    TableDoc("duties[]", "Something the customer must do (or check) before a date; reminded ahead of time.", (
        FieldDoc("id", "string", REQUIRED, "The duty's id (unique).", 'id = "downgrade-request"'),
        FieldDoc("name", "string", REQUIRED, "The duty in words.", 'name = "Request a Support Tier downgrade"'),
        FieldDoc("before", _one_of(DUTY_DATES), REQUIRED, "The date it is due before (00:00 on it, in the "
                 "contract's zone): contracts.toml renewal_date, or quarter_end, the end of each (fiscal) quarter.",
                 'before = "renewal"'),
        FieldDoc("how", "string", "none", "How it must be done.", 'how = "in writing"'),
        FieldDoc("conditions", STRINGS, "[]", "Conditions that go with it.",
                 'conditions = ["A downgrade takes effect only at renewal."]'),
        FieldDoc("tiers", STRINGS, "[] (every tier)", "Only contracts of these tiers have it.",
                 'tiers = ["enterprise"]'),
        FieldDoc("remind_days", "list of whole days (1 to 90)", "[30, 7, 1]", "How many days before the date "
                 "each reminder goes out (at local midnight).", "remind_days = [7, 1]"),
    )),
    TableDoc("examples[]", "A hand-worked case, its arithmetic in a comment above it; `check` and the tests run "
             "it. A deadline (opened, due) or a period (period and expected figures). Never read by the rules.", (
        FieldDoc("name", "string", REQUIRED, "What the case shows; tests find a case by it.",
                 'name = "P1 opened late at night gets four hours"'),
        FieldDoc("severity", "string: a severity id", "required for a deadline", "The ticket's severity.",
                 'severity = "P1"'),
        FieldDoc("opened", INSTANT, "required for a deadline", "When the ticket was opened.",
                 "opened = 2026-11-23T22:00:00-05:00"),
        FieldDoc("due", INSTANT, "required for a deadline", "The due instant worked out by hand.",
                 "due = 2026-11-24T02:00:00-05:00"),
        FieldDoc("metric", _one_of(METRICS), '"initial_response"', "Which target.", 'metric = "update"'),
        FieldDoc("tier", "string: a tier id", "none", "The tier, for a policy with tiers.", 'tier = "core"'),
        FieldDoc("region", "string: a region id", "none", "The region, for a policy with regions.",
                 'region = "emea"'),
        FieldDoc("agreement_date", DATE, "none", "The agreement's date, for tier names that hold only before one.",
                 "agreement_date = 2025-11-14"),
        FieldDoc("other_due", INSTANT, "none", "The due instant under the other reading of the target's clause "
                 "(of its calendar's, where the target has none).", "other_due = 2026-06-09T09:30:00-07:00"),
        FieldDoc("other_holidays_due", INSTANT, "none", "The due instant under the other reading of the holidays "
                 "(the region's, for a region).", "other_holidays_due = 2026-10-13T13:00:00-07:00"),
        FieldDoc("period", 'string: "YYYY-MM", or "YYYY-Qn" for quarterly credits', "required for a period",
                 "The month or quarter measured.", 'period = "2026-04"'),
        FieldDoc("fee", DECIMAL, "none (needed unless the mechanism is none)", "The fee the credit is computed from.",
                 'fee = "1000"'),
        FieldDoc("component", "string: a component", "the only one", "Which component is measured.",
                 'component = "web"'),
        FieldDoc("downtime", "inline array of intervals (examples[].downtime[])", "[]", "Unplanned downtime.",
                 "downtime = [{ start = 2026-04-10T10:00:00-07:00, end = 2026-04-10T11:00:00-07:00 }]"),
        FieldDoc("maintenance", "inline array of intervals (examples[].maintenance[])", "[]", "Scheduled maintenance.",
                 "maintenance = [{ start = 2026-04-05T01:00:00-07:00, end = 2026-04-05T03:30:00-07:00 }]"),
        FieldDoc("emergency", "inline array of intervals (examples[].emergency[])", "[]", "Emergency maintenance.",
                 "emergency = [{ start = 2026-04-14T12:00:00-07:00, end = 2026-04-14T12:10:00-07:00 }]"),
        FieldDoc("missed_responses", "whole number", "none", "Tickets of the period that missed their first response "
                 "(missed_responses credits).", "missed_responses = 5"),
        FieldDoc("post_mortem", INSTANT, "none", "When a post-mortem was posted (claims with post_mortem).",
                 "post_mortem = 2026-04-11T09:00:00-07:00"),
        FieldDoc("failed_months", 'list of "YYYY-MM"', "[]", "Earlier failed months (a termination right).",
                 'failed_months = ["2026-02", "2026-03"]'),
        FieldDoc("activation", DATE, "none", "The contract's activation date (availability counts_from).",
                 "activation = 2026-04-15"),
        FieldDoc("availability", DECIMAL, "not checked", "Expected availability in percent (4 places, rounded down).",
                 'availability = "99.9303"'),
        FieldDoc("target_met", "boolean", "not checked", "Whether the period meets its target.", "target_met = true"),
        FieldDoc("downtime_minutes", DECIMAL, "not checked", "Expected counted downtime minutes.",
                 'downtime_minutes = "30"'),
        FieldDoc("excluded_minutes", DECIMAL, "not checked", "Expected excluded minutes.", 'excluded_minutes = "120"'),
        FieldDoc("credited_minutes", DECIMAL, "not checked", "Expected credited minutes (time credits).",
                 'credited_minutes = "60"'),
        FieldDoc("credit", DECIMAL, "not checked", "Expected credit amount.", 'credit = "1.39"'),
        FieldDoc("credit_percent", DECIMAL, "not checked", "Expected credit percent (bands, missed responses).",
                 'credit_percent = "7"'),
        FieldDoc("claim_deadline", f'{INSTANT}, or "none"', "not checked", "Expected claim deadline.",
                 "claim_deadline = 2026-04-13T11:00:00-07:00"),
        FieldDoc("termination_until", f'{INSTANT}, or "none"', "not checked",
                 "Until when a termination right lasts as of the period's end (\"none\": no right).",
                 "termination_until = 2026-05-11T00:00:00-04:00"),
    ), clause=False),
    TableDoc("examples[].downtime[]", "An unplanned downtime interval of a period example.", _INTERVAL_FIELDS,
             clause=False),
    TableDoc("examples[].maintenance[]", "A scheduled maintenance interval of a period example.",
             _INTERVAL_FIELDS + _NOTICE_FIELDS, clause=False),
    TableDoc("examples[].emergency[]", "An emergency maintenance interval of a period example.",
             _INTERVAL_FIELDS + _NOTICE_FIELDS, clause=False),
)  # fmt: skip


def table_doc(path: str) -> TableDoc:
    """The documented table at `path`."""
    for table in TABLES:
        if table.path == path:
            return table
    raise KeyError(path)
