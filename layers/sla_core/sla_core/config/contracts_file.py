"""The contracts file as written (config/contracts.toml): its model, one msgspec Struct per table with each
field's meaning and example, which `contracts` reads and checks and docs/contracts.schema.json is generated from
(`python -m tools.policy_reference`)."""

from datetime import date, timedelta
from typing import Annotated, Any, Literal

import msgspec

from sla_core.engine.toml_decode import doc
from sla_core.engine.zones import Zone
from sla_core.incidents.thresholds import Thresholds

_DEFAULTS = Thresholds()
_MINUTE = timedelta(minutes=1)


def _id(pattern: str, accepted: str, what: str = "valid") -> Any:
    return msgspec.Meta(pattern=pattern, extra={"accepted": accepted, "what": what})


ChannelId = Annotated[str, _id(r"^[CG][A-Z0-9]{8,20}$", "a Slack channel id such as C0123456789")]
SlackId = Annotated[str, _id(r"^[UWS][A-Z0-9]{8,20}$", "Slack user ids (U...) or user group ids (S...)")]
GroupId = Annotated[str, _id(r"^S[A-Z0-9]{8,20}$", "a Slack user group id such as S0123456789")]
ServiceId = Annotated[str, _id(r"^P[A-Z0-9]{5,13}$", "PagerDuty service ids such as PF9KMXH")]
ContractId = Annotated[
    str, _id(r"^[a-z0-9][a-z0-9-]{1,62}$", "2-63 lower-case letters, digits and dashes", "a valid contract id")
]
Fee = Annotated[
    str, _id(r"^\d+(\.\d+)?$", 'a non-negative decimal amount as a string, e.g. fee = "1250.00"', "a decimal string")
]
DayOf = Annotated[date, msgspec.Meta(extra={"accepted": "a date written as 2026-01-01 (no quotes)"})]


class PagerDutyEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.pagerduty]`: which PagerDuty services raise incidents on the contract, and how their
    priorities map to the policy's severities."""

    service_ids: Annotated[
        tuple[ServiceId, ...],
        doc(
            "PagerDuty service ids whose incidents belong to this contract (each on one contract only).",
            'service_ids = ["PSONAR1"]',
            unique=True,
        ),
    ] = ()
    priorities: Annotated[
        dict[str, str],
        doc("PagerDuty priority name -> the policy's severity id.", 'priorities = { P1 = "production-down" }'),
    ] = {}
    default_severity: Annotated[
        str | None, doc("Severity for incidents that arrive without a priority.", 'default_severity = "normal"')
    ] = None

    def severity_for(self, priority: str | None) -> str | None:
        """The severity for a PagerDuty priority name (priority may be null: then the default)."""
        if priority is not None and priority in self.priorities:
            return self.priorities[priority]
        return self.default_severity


class HolidaysEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.holidays]`: public holidays to use instead of the policy's."""

    country: Annotated[
        str,
        _id("^[A-Z]{2}$", "an ISO 3166-1 alpha-2 country code such as US"),
        doc("The country (python-holidays codes).", 'country = "CH"'),
    ]
    subdiv: Annotated[str | None, doc("A subdivision of it.", 'subdiv = "GE"')] = None


class RemindersEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.reminders]`: reminder thresholds (whole numbers); each left out keeps its default."""

    heads_up_percent: Annotated[
        int,
        msgspec.Meta(ge=1, le=99),
        doc("Heads-up when this share of a target's time is used.", "heads_up_percent = 50"),
    ] = round(_DEFAULTS.heads_up_fraction * 100)
    warning_percent: Annotated[
        int,
        msgspec.Meta(ge=2, le=99),
        doc(
            "Warning at this share (above heads_up_percent), or warning_minutes_before the deadline if later.",
            "warning_percent = 75",
        ),
    ] = round(_DEFAULTS.warning_fraction * 100)
    warning_minutes_before: Annotated[
        int,
        msgspec.Meta(ge=0, le=1440),
        doc("Minutes before the deadline a warning comes at the latest.", "warning_minutes_before = 15"),
    ] = _DEFAULTS.warning_before // _MINUTE
    update_minutes_before: Annotated[
        int,
        msgspec.Meta(ge=1, le=1440),
        doc('"Update due soon" this long before an update cadence falls due.', "update_minutes_before = 10"),
    ] = _DEFAULTS.update_before // _MINUTE


class OutagesEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.outages]`: which incidents describe unavailability and so record downtime when resolved
    (default: the policy's severities marked `outage`; the card's button overrides): a PagerDuty service wins over
    a priority, a priority over the contract's severity list, which replaces the policy's."""

    severities: Annotated[
        tuple[str, ...] | None,
        doc(
            "The policy's severity ids that are outages here (replaces the policy's list).",
            'severities = ["production-down"]',
            unique=True,
        ),
    ] = None
    priorities: Annotated[
        dict[str, bool],
        doc(
            "PagerDuty priority name -> true (outage) or false (ticket); wins over severities.",
            "priorities = { P2 = false }",
        ),
    ] = {}
    services: Annotated[
        dict[str, bool],
        doc(
            "PagerDuty service id (of service_ids) -> true or false; wins over priorities.",
            "services = { PSONAR1 = true }",
        ),
    ] = {}

    def is_outage(self, severity: str, priority: str | None, service_id: str | None, policy_says: bool) -> bool:
        """Whether an incident counts toward availability, before anyone marks it on its card."""
        if service_id is not None and service_id in self.services:
            return self.services[service_id]
        if priority is not None and priority in self.priorities:
            return self.priorities[priority]
        if self.severities is not None:
            return severity in self.severities
        return policy_says


class PrepaidEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.prepaid]`: fees paid ahead, refunded pro rata by day when the agreement is terminated
    under the policy's termination right (a policy with [termination.refund] only)."""

    fees: Annotated[Fee, doc("The amount, in the contract's currency.", 'fees = "38400.00"')]
    first: Annotated[DayOf, doc("The first day those fees pay for.", "from = 2026-01-01")] = msgspec.field(name="from")
    through: Annotated[DayOf, doc("The last day those fees pay for (included).", "through = 2026-12-31")]


class DigestEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>.digest]`: the contract's daily digest in its channel (off when absent)."""

    at: Annotated[
        str,
        _id(r"^([01]\d|2[0-3]):[0-5]\d\Z", 'a 24-hour local time written as "09:00"'),
        doc("Local time in the contract's zone.", 'at = "09:00"'),
    ]


class ContractEntry(msgspec.Struct, kw_only=True, frozen=True):
    """`[contracts.<id>]`: one tracked contract: which policy applies, the money, and where and by whom it is
    worked."""

    name: Annotated[str | None, doc("Display name.", 'name = "Sonar billing"', default="the id")] = None
    policy: Annotated[str, doc("Which SLA policy applies (a policy id).", 'policy = "sonar-software"')]
    tier: Annotated[
        str | None, doc("The policy's tier (required when it has tiers).", 'tier = "enterprise"', default="none")
    ] = None
    region: Annotated[
        str | None,
        doc("The policy's support region (required when it has regions).", 'region = "emea"', default="none"),
    ] = None
    fee: Annotated[Fee, doc("The fee service credits are computed from.", 'fee = "1250.00"')]
    currency: Annotated[
        str, _id("^[A-Z]{3}$", "an ISO 4217 code such as USD or EUR"), doc("The fee's currency.", 'currency = "USD"')
    ]
    perspective: Annotated[
        Literal["customer", "provider"],
        doc(
            "customer (we buy the service: we claim credits) or provider (we sell it: we owe them).",
            'perspective = "customer"',
        ),
    ]
    slack_channel: Annotated[
        ChannelId, doc("Where the contract's incidents, reminders and reports go.", 'slack_channel = "C0SONARBIL1"')
    ]
    components: Annotated[
        tuple[str, ...] | None,
        doc(
            "What counts toward availability (some of the policy's components).",
            'components = ["platform"]',
            default="all of the policy's",
            unique=True,
        ),
    ] = None
    escalation_group: Annotated[
        GroupId | None,
        doc(
            "User group mentioned when a deadline is about to be missed.",
            'escalation_group = "S0BILLINGOC"',
            default="none",
        ),
    ] = None
    record_downtime: Annotated[
        tuple[SlackId, ...], doc("Who may record downtime.", 'record_downtime = ["U0ALICE0001"]', unique=True)
    ] = ()
    resolve: Annotated[
        tuple[SlackId, ...], doc("Who may resolve incidents.", 'resolve = ["S0BILLINGOC"]', unique=True)
    ] = ()
    pagerduty: PagerDutyEntry | None = None
    holidays: HolidaysEntry | None = None
    reminders: RemindersEntry | None = None
    outages: OutagesEntry | None = None
    agreement_date: Annotated[
        date | None, doc("The agreement's date.", "agreement_date = 2025-11-14", default="none")
    ] = None
    renewal_date: Annotated[
        date | None,
        doc(
            "The next renewal date (after agreement_date); duties due before it are reminded.",
            "renewal_date = 2026-11-14",
            default="none",
        ),
    ] = None
    activation_date: Annotated[
        date | None,
        doc(
            "The date the service was activated (a policy whose availability counts from it).",
            "activation_date = 2021-03-15",
            default="none",
        ),
    ] = None
    prepaid: PrepaidEntry | None = None
    digest: DigestEntry | None = None
    customer_timezone: Annotated[
        Zone | None,
        doc(
            "The customer's zone: the hours of a policy's calendars written in the customer's local time "
            '(timezone = "customer") are read in it. Required by such a policy, refused by any other.',
            'customer_timezone = "Europe/Berlin"',
            default="none",
        ),
    ] = None


class ContractsFile(msgspec.Struct, kw_only=True, frozen=True):
    """The contracts file: where incidents of services no contract lists go, and one table per contract."""

    default_channel: Annotated[
        ChannelId,
        doc(
            "Slack channel for incidents from PagerDuty services no contract lists.", 'default_channel = "C0SLAOPS000"'
        ),
    ]
    default_resolve: Annotated[
        tuple[SlackId, ...],
        doc(
            "Who may resolve (or correct) the incidents of services no contract lists.",
            'default_resolve = ["S0SLAOPSOC1"]',
            unique=True,
        ),
    ] = ()
    contracts: Annotated[
        dict[ContractId, ContractEntry], doc("One [contracts.<id>] table per contract.", "[contracts.sonar-billing]")
    ]
