"""PynamoDB models of the one slaops table (template.yaml: SlaOpsTable), told apart by a `kind` attribute.

Items and their keys:
- incident:  pk `INCIDENT#<id>`, sk `INCIDENT`; versioned (optimistic locking). While open it carries
  `due_shard` + `next_due_at`, which put it in the sparse `due-index` the reminder sweep queries, and
  `open_contract`, which puts it in the sparse `open-index` that /sla status and App Home query.
- event:     pk `INCIDENT#<id>`, sk `EVENT#<occurred_at>#<event_id>`; the incident's append-only timeline.
- downtime:  pk `DOWNTIME#<contract>#<component>`, sk `<started_at>#<downtime_id>`; availability intervals
  (outages and declared maintenance); an interval withdrawn (its incident marked not an outage) stays, unused.
- correction: pk `CORRECTION#<contract>`, sk `<period>#<recorded_at>#<correction_id>`; a period's figures before
  and after a correction of the record, with who, when and why (`/sla history`).
- reported:  pk `REPORTED#<contract>`, sk `<period>`; a period's figures as its report gave them.
- terms:     pk `TERMS#<contract>`, sk `TERMS`; the version of the contract's terms last seen by the sweep.
- deployed:  pk `TERMS-DEPLOYED`, sk `TERMS`; one hash of every contract's terms version, so an idle tick reads
  one small item instead of every contract's terms.
- delivery:  pk `DELIVERY#<source>#<delivery_id>`, sk `DELIVERY`; marks a webhook or tick as seen, expires by TTL.
- rate:      pk `RATE#<what>#<who>`, sk `<window start>`; how many times in that window (`/sla open` per user and
  per channel), counted by a conditional ADD; expires by TTL.
- post:      pk `POST#<post_id>`, sk `POST`; a Slack message the bot owes (reminder, report), created once as
  its claim, leased while being posted, confirmed with the Slack ts. While pending it carries `due_shard`
  `post#<n>` + `next_due_at`, which put it in the same sparse `due-index` under its own shards.
Every instant is timezone-aware and stored in UTC as a fixed-width, sortable string.

Timeouts. PynamoDB's defaults (15 s to connect, 30 s to read, 3 retries) would let one stalled request
outlive every function: the PagerDuty webhook's Timeout is 5 s (template.yaml), Slack's 10 s. So every
model's Meta sets, from the environment (config/settings.py; a bad value fails the cold start):
- `DYNAMODB_CONNECT_TIMEOUT_SECONDS` (default 0.5): one TCP/TLS connect;
- `DYNAMODB_READ_TIMEOUT_SECONDS` (default 1.0): the longest silence on a sent request;
- `DYNAMODB_MAX_RETRY_ATTEMPTS` (default 1): retries after a timeout, connection error, 5xx or throttling
  (botocore's standard mode: 1 + this attempts in all). PynamoDB 6 has no `base_backoff_ms`; the wait
  before retry n is botocore's, rand(0, 1) x 2^(n-1) s, so up to 1 s before the one retry.
A stalled table (connections accepted, nothing answered) fails a request after 2 x 1.0 s + up to 1 s =
2-3 s; an unreachable one after 2 x 0.5 s + up to 1 s; the worst case, a slow connect and then silence on
both attempts, is 2 x (0.5 + 1.0) s + 1 s = 4 s (`failure_bound_seconds()`), still under the webhook's
5 s, so it answers 500 itself (PagerDuty retries) instead of being killed at its Timeout; a Slack lazy
listener has 6 s of its 10 s left to tell the user. The first failing request raises, so a stall costs
one bound, not one per request. DynamoDB answers in milliseconds: a second of silence is a fault.
"""

from __future__ import annotations

import os
import zlib
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.constants import DATETIME_FORMAT
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from sla_core.config import settings
from sla_core.engine.instants import require_aware

TABLE_NAME_ENV = "TABLE_NAME"
ENDPOINT_ENV = "DYNAMODB_ENDPOINT"
DEFAULT_TABLE_NAME = "slaops"
DUE_INDEX = "due-index"
CONTRACT_INDEX = "contract-index"
OPEN_INDEX = "open-index"
OPEN_DUE_INDEX = "open-due-index"

_T = TypeVar("_T")


def nullable(attribute: Attribute[_T]) -> Attribute[_T | None]:
    """Type an attribute declared with `null=True` as optional (PynamoDB 6's stubs do not)."""
    return cast("Attribute[_T | None]", attribute)


class InstantAttribute(UTCDateTimeAttribute):
    """A UTC datetime that refuses naive datetimes instead of assuming they are UTC."""

    def serialize(self, value: datetime) -> str:
        aware = require_aware(value, self.attr_name).astimezone(UTC)
        return aware.strftime(DATETIME_FORMAT).zfill(31)  # PynamoDB's own format, so it reads it back


def instant_key(instant: datetime) -> str:
    """An instant as stored (and sorted) in keys: the same fixed-width UTC form as InstantAttribute."""
    return InstantAttribute().serialize(instant)


class DueIndex(GlobalSecondaryIndex["IncidentItem"]):
    """Open incidents by next due instant, spread over a few constant shards; closed ones are absent."""

    class Meta:
        index_name = DUE_INDEX
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    next_due_at = InstantAttribute(range_key=True)


class ContractIndex(GlobalSecondaryIndex["IncidentItem"]):
    """A contract's incidents in opening order."""

    class Meta:
        index_name = CONTRACT_INDEX
        projection = AllProjection()

    contract_id = UnicodeAttribute(hash_key=True)
    opened_at = InstantAttribute(range_key=True)


class OpenIndex(GlobalSecondaryIndex["IncidentItem"]):
    """A contract's open incidents in opening order; resolved ones are absent (sparse)."""

    class Meta:
        index_name = OPEN_INDEX
        projection = AllProjection()

    open_contract = UnicodeAttribute(hash_key=True)
    opened_at = InstantAttribute(range_key=True)


class OpenDueIndex(GlobalSecondaryIndex["IncidentItem"]):
    """Open incidents of every contract by their next deadline (`OPEN_END` when none runs), under a few shards
    (sparse: resolved ones are absent); entries hold only the keys, the contract and the item kind."""

    class Meta:
        index_name = OPEN_DUE_INDEX
        projection = IncludeProjection(["contract_id", "kind"])

    open_shard = UnicodeAttribute(hash_key=True)
    next_deadline_at = InstantAttribute(range_key=True)


OPEN_SHARDS = 4
OPEN_END = datetime(9999, 12, 31, tzinfo=UTC)  # where an entry with no running clock sorts (an open interval too)


def shard_of(key: str, prefix: str, shards: int) -> str:
    """A stable index partition for `key`, spread evenly over `shards`."""
    return f"{prefix}#{zlib.crc32(key.encode('utf-8')) % shards}"


class TableItem(Model):
    """Base of every item in the table: generic keys and the `kind` discriminator."""

    class Meta:
        table_name = os.environ.get(TABLE_NAME_ENV) or DEFAULT_TABLE_NAME
        host = os.environ.get(ENDPOINT_ENV) or None
        region = settings.region()
        # Below every function's Timeout; see "Timeouts" in the module docstring.
        connect_timeout_seconds = settings.dynamodb_connect_timeout_seconds()
        read_timeout_seconds = settings.dynamodb_read_timeout_seconds()
        max_retry_attempts = settings.dynamodb_max_retry_attempts()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()


class DeadlineAttribute(MapAttribute[str, Any]):
    """One contractual deadline of an incident (e.g. first response) and when it was met, if it was."""

    name = UnicodeAttribute()
    due_at = InstantAttribute()
    met_at = nullable(InstantAttribute(null=True))


class IncidentItem(TableItem, discriminator="incident"):
    """An incident under one contract and component, with its deadlines and Slack message."""

    incident_id = UnicodeAttribute()
    contract_id = UnicodeAttribute()
    component = UnicodeAttribute()
    severity = UnicodeAttribute()
    source = UnicodeAttribute()
    source_id = nullable(UnicodeAttribute(null=True))
    source_url = nullable(UnicodeAttribute(null=True))  # the incident in its source (PagerDuty html_url)
    service_id = nullable(UnicodeAttribute(null=True))  # the PagerDuty service it came from
    outage = nullable(BooleanAttribute(null=True))  # counts toward availability (None: written before this)
    title = UnicodeAttribute()
    status = UnicodeAttribute()
    opened_at = InstantAttribute()
    acknowledged_at = nullable(InstantAttribute(null=True))
    updated_at = InstantAttribute()
    resolved_at = nullable(InstantAttribute(null=True))
    deadlines = ListAttribute(of=DeadlineAttribute, default=list)
    reminders_sent = UnicodeSetAttribute(default=set)
    slack_channel = nullable(UnicodeAttribute(null=True))
    slack_ts = nullable(UnicodeAttribute(null=True))
    card_lease_until = nullable(InstantAttribute(null=True))  # who may post the card, until when
    card_lease_holder = nullable(UnicodeAttribute(null=True))  # the event whose delivery holds that lease
    due_shard = nullable(UnicodeAttribute(null=True))
    next_due_at = nullable(InstantAttribute(null=True))
    fold_state = JSONAttribute(default=dict)
    open_contract = nullable(UnicodeAttribute(null=True))
    terms_version = nullable(UnicodeAttribute(null=True))  # the contract terms its clocks were computed with
    backfilled_at = nullable(InstantAttribute(null=True))  # read from history by a backfill (app/backfill.py)
    open_shard = nullable(UnicodeAttribute(null=True))  # `open#<n>` while open: derived on every save
    next_deadline_at = nullable(InstantAttribute(null=True))  # its soonest clock not met (OPEN_END: none)
    version = VersionAttribute()

    due_index = DueIndex()
    contract_index = ContractIndex()
    open_index = OpenIndex()
    open_due_index = OpenDueIndex()

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        """Every write (put, transaction, batch) goes through here: while open (`open_contract` set), file the
        incident in the open-due index by its soonest running clock, as stored with it."""
        if self.open_contract is None:
            self.open_shard = self.next_deadline_at = None
        else:
            running = [d.due_at for d in self.deadlines or [] if d.met_at is None]
            self.open_shard = shard_of(self.incident_id, "open", OPEN_SHARDS)
            self.next_deadline_at = min(running, default=OPEN_END)
        return super().serialize(null_check=null_check)


class TimelineEventItem(TableItem, discriminator="event"):
    """One entry of an incident's append-only timeline (written once, never updated)."""

    incident_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    occurred_at = InstantAttribute()
    recorded_at = InstantAttribute()
    source = UnicodeAttribute()
    actor = nullable(UnicodeAttribute(null=True))
    details = JSONAttribute(default=dict)


class EndedIndex(GlobalSecondaryIndex["DowntimeItem"]):
    """The due-index seen from downtime: every interval under `down#` shards by its end (open ones at `OPEN_END`),
    so the intervals of a month across all contracts are one query per shard: those ending after it began."""

    class Meta:
        index_name = DUE_INDEX
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    next_due_at = InstantAttribute(range_key=True)


DOWNTIME_SHARDS = 4


class DowntimeItem(TableItem, discriminator="downtime"):
    """An interval during which a contract's component was down; open while `ended_at` is absent. Every save
    files it in the due-index under a `down#` shard at its end (`ended_index`), which the sweep never reads."""

    downtime_id = UnicodeAttribute()
    contract_id = UnicodeAttribute()
    component = UnicodeAttribute()
    started_at = InstantAttribute()
    ended_at = nullable(InstantAttribute(null=True))
    incident_id = nullable(UnicodeAttribute(null=True))
    reason = nullable(UnicodeAttribute(null=True))  # the availability Kind (`incident`: unplanned)
    cause = nullable(UnicodeAttribute(null=True))  # a policy cause id (customer, force-majeure, ddos, ...)
    announced_at = nullable(InstantAttribute(null=True))  # maintenance: when it was announced
    posted_window = BooleanAttribute(default=False)  # maintenance: in the provider's posted windows
    recorded_by = UnicodeAttribute()
    source = UnicodeAttribute()
    withdrawn_at = nullable(InstantAttribute(null=True))  # no longer counted (its incident is not an outage)
    withdrawn_by = nullable(UnicodeAttribute(null=True))
    due_shard = nullable(UnicodeAttribute(null=True))  # `down#<n>`: derived on every save, see `serialize`
    next_due_at = nullable(InstantAttribute(null=True))  # its end, or OPEN_END
    version = VersionAttribute()

    ended_index = EndedIndex()

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        """Every write (put, transaction, batch) goes through here: file the interval by its end first."""
        self.due_shard = shard_of(self.pk, "down", DOWNTIME_SHARDS)
        self.next_due_at = self.ended_at or OPEN_END
        return super().serialize(null_check=null_check)


class CorrectionItem(TableItem, discriminator="correction"):
    """A change of a contract's figures for one period, by a correction of the record (maintenance declared
    after the fact, an incident reclassified or its times fixed): who, when, why, and the figures before and
    after, per component. Written once; the record it corrects keeps its original facts."""

    correction_id = UnicodeAttribute()
    contract_id = UnicodeAttribute()
    period = UnicodeAttribute()
    recorded_at = InstantAttribute()
    actor = nullable(UnicodeAttribute(null=True))
    what = UnicodeAttribute()
    incident_id = nullable(UnicodeAttribute(null=True))
    before = JSONAttribute(default=dict)
    after = JSONAttribute(default=dict)


class ReportedItem(TableItem, discriminator="reported"):
    """A period's figures as its report gave them, per component: what `/sla recompute` compares against, so a
    reported month is never rewritten silently. Written once, when the report is claimed."""

    contract_id = UnicodeAttribute()
    period = UnicodeAttribute()
    reported_at = InstantAttribute()
    figures = JSONAttribute(default=dict)


class TermsItem(TableItem, discriminator="terms"):
    """The version (content hash) of a contract's policy file and contracts.toml entry the stored figures were
    last computed with, and what they were (policy text, the entry's money fields), so a deployment that
    changes them is noticed once and the figures under the old terms can be computed again."""

    contract_id = UnicodeAttribute()
    terms_version = UnicodeAttribute()
    policy_text = UnicodeAttribute()
    entry = JSONAttribute(default=dict)
    seen_at = InstantAttribute()
    version = VersionAttribute()


class DeployedTermsItem(TableItem, discriminator="deployed"):
    """The hash of every contract's terms version that the sweep last replayed in full: while the deployed
    files hash the same, no contract's terms can have changed, so a tick reads this one small item."""

    deployed_version = UnicodeAttribute()
    seen_at = InstantAttribute()


class DeliveryItem(TableItem, discriminator="delivery"):
    """A delivery already handled (PagerDuty X-Webhook-Id, Slack retry, scheduler tick); expires by TTL."""

    received_at = InstantAttribute()
    expires_at = TTLAttribute()


class RateItem(TableItem, discriminator="rate"):
    """How often something was done in one fixed window (storage/rate_limits.py); expires by TTL."""

    times = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class PendingIndex(GlobalSecondaryIndex["PostItem"]):
    """The due-index seen from posts: pending posts by the instant they are meant for, under `post#` shards."""

    class Meta:
        index_name = DUE_INDEX
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    next_due_at = InstantAttribute(range_key=True)


class PostItem(TableItem, discriminator="post"):
    """A Slack message owed exactly once: pending (in the due-index) until confirmed with its Slack ts, failed
    (refused for good, also as plain text) or cancelled."""

    post_id = UnicodeAttribute()
    purpose = UnicodeAttribute()
    state = UnicodeAttribute()
    channel = UnicodeAttribute()
    thread_ts = nullable(UnicodeAttribute(null=True))
    thread_key = UnicodeAttribute()
    broadcast = BooleanAttribute(default=False)
    text = UnicodeAttribute()
    blocks = JSONAttribute(default=list)
    incident_id = nullable(UnicodeAttribute(null=True))
    contract_id = nullable(UnicodeAttribute(null=True))
    created_at = InstantAttribute()
    send_at = InstantAttribute()
    retry_at = nullable(InstantAttribute(null=True))
    lease_until = nullable(InstantAttribute(null=True))
    attempts = NumberAttribute(default=0)
    last_error = nullable(UnicodeAttribute(null=True))
    uncertain = BooleanAttribute(default=False)  # an attempt may have reached Slack: look it up before posting
    plain = BooleanAttribute(default=False)  # refused for good once: its one retry goes as plain text
    posted_ts = nullable(UnicodeAttribute(null=True))
    posted_at = nullable(InstantAttribute(null=True))
    due_shard = nullable(UnicodeAttribute(null=True))
    next_due_at = nullable(InstantAttribute(null=True))
    expires_at = nullable(TTLAttribute(null=True))
    version = VersionAttribute()

    pending_index = PendingIndex()


# A command-line batch (`python -m sla_core backfill`) may wait for DynamoDB and retry more than a function:
# connect 5 s, read 30 s, 5 retries (each still set by its variable when given).
BATCH_TIMEOUTS = (5.0, 30.0, 5)
MODELS: tuple[type[TableItem], ...] = (
    TableItem, IncidentItem, TimelineEventItem, DowntimeItem, CorrectionItem, ReportedItem, TermsItem,
    DeployedTermsItem, DeliveryItem, PostItem,
)  # fmt: skip


def configure(
    *,
    table_name: str | None = None,
    host: str | None = None,
    region: str | None = None,
    batch: bool = False,
) -> None:
    """Point every model at a table (and, locally, at DynamoDB Local), dropping cached connections.

    Models read TABLE_NAME, DYNAMODB_ENDPOINT, AWS_REGION and the DYNAMODB_*_TIMEOUT_SECONDS /
    DYNAMODB_MAX_RETRY_ATTEMPTS settings when first imported; call this when they change afterwards
    (tests, the local stack). `batch`: a command-line run, not a function with seconds to spare, so the
    defaults of unset timeout settings are `BATCH_TIMEOUTS`.
    """
    meta = TableItem.Meta
    meta.table_name = table_name or os.environ.get(TABLE_NAME_ENV) or DEFAULT_TABLE_NAME
    meta.host = host if host is not None else (os.environ.get(ENDPOINT_ENV) or None)
    meta.region = region or settings.region()
    connect, read, retries = BATCH_TIMEOUTS if batch else (None, None, None)
    meta.connect_timeout_seconds = settings.dynamodb_connect_timeout_seconds(connect)
    meta.read_timeout_seconds = settings.dynamodb_read_timeout_seconds(read)
    meta.max_retry_attempts = settings.dynamodb_max_retry_attempts(retries)
    for model in MODELS:
        model._connection = None


def connect() -> None:
    """Make every model's DynamoDB client now (no request is sent): about 0.2 s for the first, whose service
    model botocore loads, and 10 ms for each other. Called at a function's cold start, whose init phase
    Lambda does not count against its Timeout, so that the first deliveries, and copies arriving together
    (each would build its own client on its own thread), spend their seconds on the work itself."""
    for model in MODELS:
        model._get_connection().connection.client  # noqa: B018 - built on first access and kept


# botocore's standard-mode wait before retry n: rand(0, 1) x min(2^(n-1), 20) s (a future botocore scales
# DynamoDB's non-throttling retries down to 25 ms; this bound stays an upper bound).
_RETRY_BACKOFF_BASE_SECONDS = 1.0
_RETRY_BACKOFF_MAX_SECONDS = 20.0


def failure_bound_seconds() -> float:
    """The longest one DynamoDB request can take to fail with the models' current timeouts: every attempt
    connects as slowly as allowed and then hears nothing, and every backoff between attempts is its longest."""
    meta = TableItem.Meta
    attempts = 1 + meta.max_retry_attempts
    backoff = sum(
        min(_RETRY_BACKOFF_BASE_SECONDS * 2.0**retry, _RETRY_BACKOFF_MAX_SECONDS)
        for retry in range(meta.max_retry_attempts)
    )
    return attempts * (meta.connect_timeout_seconds + meta.read_timeout_seconds) + backoff
