"""The reminder sweep: every tick, speak up about what is due, exactly once, even when Slack misbehaves.

One tick at `now` (the tick's scheduled time):
1. reads the open incidents whose next reminder is due from the sparse due-index (never a scan), and for
   each due stage (heads-up, warning, breach, update soon/overdue) claims its post with a conditional
   create (when several stages of one clock are due at once, only the furthest: a late incident or a
   sweep back from downtime gets one true breach notice, not a stale series), then records all the due
   stages on the incident, which moves it to its next due instant;
0. first notices a contract whose terms a deployment changed (app/terms_replay: one small read per tick,
   each contract's terms only after a deployment), recomputes its open clocks and says what changed, once;
2. any day claims the reminder of a dated customer duty that is due (`duties`: a downgrade request before
   renewal);
3. reads the pending posts that are due (the same sparse index, `post#` shards) and sends them in the order of
   `PostSchedule` (by due time, round-robin across channels, within the per-channel and workspace rates,
   each thread in order): leases each (versioned conditional write), posts it and confirms it with the Slack
   ts. What Slack refuses (`PostRefused.kind`): a 429 holds its channel until Retry-After while the others go
   on; a post refused for good gets one retry as plain text, then is marked failed and its thread goes on; one
   that may have reached Slack (answer lost or late, 5xx) is deferred `uncertain` and looked up by its
   metadata before the next attempt; anything else backs off and holds back the later posts of its thread
   only. A reminder whose incident was resolved, or whose clock is paused or met, is cancelled instead.
   Whenever no channel's turn has come yet (the pacing below), it claims instead of waiting: on the 1st of a
   month in a contract's zone that contract's report (and the claim-window reminders it schedules), and the
   contract's daily digest from its local time on (`digest`: keyed by the local date, so once a day even across
   missed ticks, and never a day late); what that creates and is due joins the queue. So a month start's
   reports are built in the seconds posting would otherwise wait, not before it.
The tick stops taking new work (claims and posts) when `RESERVE` of its time budget is left (Lambda's
remaining time), leaving the rest queued for the next tick: no call is cut off at the Timeout. It never sleeps
on a rate limit: it waits only for a channel's or the workspace's next turn (at most `MAX_WAIT`).
So its reads grow with what is due, not with history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sla_core.app.clocks import deadlines_of
from sla_core.app.digest import digest_drafts, digest_post_id
from sla_core.app.duties import claim_duty_reminders
from sla_core.app.incident_service import mark_reminders_sent, thresholds_for
from sla_core.app.notices import ReportJob
from sla_core.app.ports import PERMANENT, RATE_LIMITED, Messages, Poster, PostRefused
from sla_core.app.post_schedule import PostSchedule, Rates
from sla_core.app.recompute import remember_reported
from sla_core.app.reports import already_claimed, build, jobs_due, remember_claimed
from sla_core.app.store import post_queue, repository
from sla_core.app.terms_replay import claim_terms_changes
from sla_core.config.clock import Clock
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.config.time_budget import UNLIMITED, TimeBudget
from sla_core.engine.errors import SlaError
from sla_core.incidents.records import Draft, Incident, Post
from sla_core.incidents.reminder_stages import BREACH, Stage, incident_stages, latest_per_clock, stage_name

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(minutes=30)
STAGE_PURPOSE = "reminder"
LOOKUP_MARGIN = timedelta(minutes=10)  # scheduled time vs Slack's clock, when looking a lost post up
RESERVE = 5.0  # seconds of the time budget kept free: no new claim or post is started within them
DELIVERY_KEEP = 20.0  # seconds of the budget reminder claims leave to posting: a backlog never starves delivery
MAX_WAIT = 2.0  # seconds the tick may wait for a post's turn; a longer hold (a 429) leaves it to the next tick
CLAIM_S = 2.0  # seconds beyond RESERVE a report claim needs to start (building one reads and writes a few items)


@dataclass(slots=True)
class SweepResult:
    """What one tick did, and how many items it read (the figure the benchmark watches)."""

    scheduled_time: datetime
    due: int = 0
    claimed: int = 0
    posted: int = 0
    deferred: int = 0
    failed: int = 0  # refused for good, as plain text too (metric PostsFailed)
    cancelled: int = 0  # reminders no longer owed (incident resolved, clock paused or met)
    items_read: int = 0
    reports: int = 0
    oldest_pending_age_s: float = 0.0  # the oldest due post still pending after the tick (0 when none)
    out_of_time: bool = False  # stopped taking work with `RESERVE` left; the rest stays queued
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "scheduled_time": self.scheduled_time.isoformat(),
            "due": self.due,
            "claimed": self.claimed,
            "posted": self.posted,
            "deferred": self.deferred,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "items_read": self.items_read,
            "reports": self.reports,
            "oldest_pending_age_s": self.oldest_pending_age_s,
            "out_of_time": self.out_of_time,
        }


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most 30, and never sooner than Slack's Retry-After."""
    wait: timedelta = min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


def post_id_for(incident_id: str, stage: Stage) -> str:
    """The one post of one stage of one incident (the claim's key)."""
    return stage_post_id(incident_id, stage.key)


def stage_post_id(incident_id: str, stage_key: str) -> str:
    """`post_id_for` from the stage's key alone (a reminder's buttons carry the key)."""
    return f"stage#{incident_id}#{stage_key}"


@dataclass(frozen=True, slots=True)
class Pacer:
    """The tick's own time, for pacing posts: a monotonic clock and a way to wait (fakes in tests)."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


class Sweep:
    """One reminder tick against the table: contracts, a poster, the messages' words and a clock are injected;
    `budget` is the invocation's time left, `rates` and `pacer` how fast and by which clock posts go out."""

    def __init__(
        self,
        contracts: ContractsConfig,
        poster: Poster,
        messages: Messages,
        clock: Clock,
        *,
        lease: timedelta = LEASE,
        with_reports: bool = True,
        budget: TimeBudget = UNLIMITED,
        rates: Rates | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.contracts = contracts
        self.poster = poster
        self.messages = messages
        self.clock = clock
        self.lease = lease
        self.with_reports = with_reports
        self.budget = budget
        self.rates = rates or Rates.from_settings()
        self.pacer = pacer or Pacer()

    def time_left(self, wait: float = 0.0) -> bool:
        """Whether new work (after `wait` seconds) may start: more than `RESERVE` of the budget would be left."""
        return self.budget.allows(wait, keep=RESERVE)

    def claim_time_left(self) -> bool:
        """Whether a new claim of reminder stages may start: they stop with `DELIVERY_KEEP` beyond `RESERVE` left,
        so a backlog of due incidents is claimed over several ticks while the first go out (reports are claimed
        in the waits between posts instead: `deliver`)."""
        return self.budget.allows(DELIVERY_KEEP, keep=RESERVE)

    def run(self) -> SweepResult:
        """Claim what is due, then deliver every due pending post."""
        now = self.clock.now()
        result = SweepResult(now)
        if self.with_reports:  # first: clocks recomputed under changed terms are due on their new instants
            result.reports += claim_terms_changes(self.contracts, now, self.messages)
            result.items_read += 1  # the deployed terms' hash (every contract's only after a deployment)
        due = repository.due_incidents(now)
        result.due = len(due)
        result.items_read += len(due)
        for incident in due:
            if not self.claim_time_left():  # the rest stay in the due index for the next tick
                result.out_of_time = True
                break
            try:
                self._claim_stages(incident, now, result)
            except Exception:  # one bad incident must not hold up everyone else's reminders
                logger.exception("reminder claim failed", extra={"incident_id": incident.incident_id})
                result.errors.append(incident.incident_id)
        if self.with_reports and self.claim_time_left():
            result.reports += claim_duty_reminders(self.contracts, now, self.messages)
        self.deliver(now, result, self._report_claims(now, result) if self.with_reports else None)
        return result

    # -- claiming --------------------------------------------------------------------------------

    def _contract(self, incident: Incident) -> Contract | None:
        return self.contracts.contracts.get(incident.contract_id)

    def _claim_stages(self, incident: Incident, now: datetime, result: SweepResult) -> None:
        contract = self._contract(incident)
        snoozes = incident.state.snoozes
        all_stages = incident_stages(deadlines_of(incident, contract), thresholds_for(contract), snoozes)
        sent = set(incident.reminders_sent or ())
        due = [s for s in all_stages if s.at <= now and s.key not in sent]
        for stage in latest_per_clock(due):  # a catch-up posts only each clock's furthest stage; all are marked
            if post_queue.create_post(self._draft(incident, contract, stage, now), now=now):
                result.claimed += 1
        mark_reminders_sent(incident.incident_id, [s.key for s in due], contract)
        result.items_read += 1  # the versioned update reads the incident once

    def _draft(self, incident: Incident, contract: Contract | None, stage: Stage, now: datetime) -> Draft:
        if incident.slack_channel:
            channel, thread_ts = incident.slack_channel, incident.slack_ts
        else:
            channel = contract.slack_channel if contract is not None else self.contracts.default_channel
            thread_ts = None
        text, blocks = self.messages.stage(
            stage, incident_id=incident.incident_id, title=incident.title, contract=contract, now=now
        )
        return Draft(
            post_id=post_id_for(incident.incident_id, stage),
            purpose=STAGE_PURPOSE,
            channel=channel,
            text=text,
            blocks=blocks,
            send_at=stage.at,
            thread_ts=thread_ts,
            broadcast=stage.name == BREACH,
            incident_id=incident.incident_id,
            contract_id=incident.contract_id,
        )

    def _report_claims(self, now: datetime, result: SweepResult) -> Iterator[list[Post]]:
        """Each contract's report on the 1st of its month, and its daily digest once its local time has come:
        one claim per step (the posts it created), taken while the channels wait for their turn (`deliver`), so
        a month start's reports are built during the pacing they would otherwise sleep through."""
        for contract in self.contracts.contracts.values():
            for job in jobs_due(contract, now):
                yield self._claim_once(job.post_id, partial(self._report, job, contract, now), result)
            digest_id = digest_post_id(contract, now)
            if digest_id is not None:
                yield self._claim_once(
                    digest_id, partial(digest_drafts, digest_id, contract, now, self.messages), result
                )

    def _report(self, job: ReportJob, contract: Contract, now: datetime) -> list[Draft]:
        """A report's posts, with the figures it gives kept for `/sla recompute` (never rewritten silently)."""
        remember_reported(job, contract, now)
        return build(job, contract, now, self.messages)

    def _claim_once(self, post_id: str, drafts: Callable[[], Sequence[Draft]], result: SweepResult) -> list[Post]:
        """Create the posts `drafts` builds unless `post_id`'s post exists (built only then: building reads); the
        post itself last, so once it exists so do the others (a report's claim reminders). A failure is retried
        next tick and holds nothing else up; one the terms or the record decide (an SlaError: retrying cannot
        fix it) is logged once and skipped by this process's later ticks. Returns the posts it created."""
        created: list[Post] = []
        if already_claimed(post_id):
            return created
        result.items_read += 1
        try:
            if post_queue.get_post(post_id) is None:
                for draft in sorted(drafts(), key=lambda d: d.post_id == post_id):
                    post = post_queue.created_post(draft, now=result.scheduled_time)
                    if post is not None:
                        result.reports += 1
                        created.append(post)
        except SlaError as error:
            logger.error("scheduled post cannot be built: skipped", extra={"post_id": post_id, "error": str(error)})
            result.errors.append(post_id)
            remember_claimed(post_id)
            return created
        except Exception:
            logger.exception("scheduled post failed", extra={"post_id": post_id})
            result.errors.append(post_id)
            return created
        remember_claimed(post_id)
        return created

    # -- delivering ------------------------------------------------------------------------------

    def deliver(self, now: datetime, result: SweepResult, backlog: Iterator[list[Post]] | None = None) -> None:
        """Send the due pending posts in `PostSchedule`'s order until none is left or the time is up; whenever no
        channel's turn has come yet, take the next claim of `backlog` (a report to build) instead of waiting, and
        queue the posts it created that are due."""
        query = post_queue.due_posts(now)
        result.items_read += query.items_read
        schedule = PostSchedule(query.posts, self.rates, now=now)
        owed = OwedReminders(self.contracts, now)
        done: set[str] = set()  # posted, failed or cancelled: no longer pending
        pending = list(query.posts)
        claims, claiming = backlog or iter(()), backlog is not None
        while True:
            turn = schedule.next(self.pacer.monotonic())
            if claiming and (turn.post is None or turn.wait_s > 0):
                if not self.time_left(CLAIM_S):  # the rest are claimed next tick; what is queued still goes
                    result.out_of_time, claiming = True, False
                    continue
                step = next(claims, None)
                if step is None:
                    claiming = False
                for post in step or ():
                    if post.send_at <= now:
                        schedule.add(post)
                        pending.append(post)
                continue
            if turn.post is None:
                break
            if turn.wait_s > MAX_WAIT or not self.time_left(turn.wait_s):
                result.out_of_time = result.out_of_time or turn.wait_s <= MAX_WAIT
                break
            if turn.wait_s > 0:
                self.pacer.sleep(turn.wait_s)  # the channel's or the workspace's next turn, at most MAX_WAIT
            post = turn.post
            if not owed.still_owed(post):
                schedule.skip(post)
                if post_queue.cancel(post.post_id):
                    result.cancelled += 1
                    done.add(post.post_id)
                continue
            lease = post_queue.take_lease(post, now=now, lease=self.lease)
            if lease.post is None:
                schedule.skip(post, block=True)  # another sweep holds it (or it just went out)
                continue
            schedule.took(post, self.pacer.monotonic())
            if self._post(lease.post, now, result, schedule, uncertain=lease.uncertain):
                done.add(post.post_id)
        result.items_read += owed.items_read
        # How late the oldest due post still pending after this tick is (the OldestPendingPostAge metric).
        waiting = [(now - post.send_at).total_seconds() for post in pending if post.post_id not in done]
        result.oldest_pending_age_s = max([0.0, *waiting])

    def _post(self, post: Post, now: datetime, result: SweepResult, schedule: PostSchedule, *, uncertain: bool) -> bool:
        """Post a leased item and confirm it; a refusal is handled by its kind (`_refused`). True when the post
        is no longer pending (posted, or failed for good).

        After an attempt that may have reached Slack (a lease that ran out unconfirmed, an answer lost or
        late), the message is looked up by its metadata first: found, it is confirmed rather than posted again.
        """
        try:
            found = self._find_lost(post) if uncertain else None
            ts = found or self.poster.post(
                post.channel,
                post.text,
                blocks=list(post.blocks) or None,
                thread_ts=post.thread_ts,
                broadcast=bool(post.broadcast),
                post_id=post.post_id,
                plain=bool(post.plain),
            )
        except PostRefused as error:
            return self._refused(post, error, now, result, schedule)
        post_queue.confirm(post, ts=ts, now=now)
        result.posted += 1
        return True

    def _refused(
        self, post: Post, error: PostRefused, now: datetime, result: SweepResult, schedule: PostSchedule
    ) -> bool:
        """Refused for good: one retry as plain text, then failed (its thread goes on). Rate limited: its channel
        is held until Retry-After, the post first in line then. Otherwise: back off (looked up first next time
        when it may have been posted), holding back its thread's later posts. True when it failed for good."""
        extra = {"post_id": post.post_id, "channel": post.channel, "error": str(error)}
        if error.kind == PERMANENT and not post.plain:
            plain = post_queue.to_plain(post, error=str(error))
            if plain is not None:
                schedule.put_back(plain)
            logger.warning("slack refused a post for good: retrying it as plain text", extra=extra)
            return False
        if error.kind == PERMANENT:
            post_queue.fail(post, error=str(error), now=now)
            result.failed += 1
            result.errors.append(post.post_id)
            logger.error("slack refused a post for good, as plain text too: marked failed", extra=extra)
            return True
        result.deferred += 1
        result.errors.append(post.post_id)
        if error.kind == RATE_LIMITED:
            hold = error.retry_after if error.retry_after is not None else 1.0
            held = post_queue.defer(post, retry_at=now + timedelta(seconds=hold), error=str(error))
            if held is not None:
                schedule.put_back(held, hold_until=self.pacer.monotonic() + hold)
            logger.warning("slack rate limit: channel held", extra={**extra, "retry_in_s": hold})
            return False
        wait = backoff(int(post.attempts or 1), error.retry_after)
        post_queue.defer(post, retry_at=now + wait, error=str(error), uncertain=error.uncertain)
        schedule.block(post)
        logger.warning("slack post deferred", extra={**extra, "retry_in_s": wait.total_seconds()})
        return False

    def _find_lost(self, post: Post) -> str | None:
        """The ts of an earlier attempt that reached the channel, if any (looked up by the post's id)."""
        return self.poster.find(
            post.channel, post.post_id, thread_ts=post.thread_ts, oldest=post.created_at - LOOKUP_MARGIN
        )


class OwedReminders:
    """Whether a due reminder is still owed when its turn comes: not once its incident is resolved or its
    clock paused or met (the stage is no longer one of the incident's), except a breach notice, which says
    that a deadline was missed and goes out whatever came after. A reminder claimed by this very tick is owed
    (its incident was just read); an older one costs one incident read per incident a tick."""

    def __init__(self, contracts: ContractsConfig, now: datetime) -> None:
        self.contracts = contracts
        self.now = now
        self.items_read = 0
        self._stages: dict[str, frozenset[str] | None] = {}

    def still_owed(self, post: Post) -> bool:
        prefix = f"stage#{post.incident_id}#"
        if post.purpose != STAGE_PURPOSE or not post.incident_id or not post.post_id.startswith(prefix):
            return True
        if post.created_at >= self.now:  # claimed this tick, from the incident as it is now
            return True
        key = post.post_id.removeprefix(prefix)
        if stage_name(key) == BREACH:
            return True
        if post.incident_id not in self._stages:
            self._stages[post.incident_id] = self._owed(post.incident_id)
        owed = self._stages[post.incident_id]
        return owed is None or key in owed

    def _owed(self, incident_id: str) -> frozenset[str] | None:
        """The stage keys the incident calls for now (none once resolved); None when it cannot be read."""
        self.items_read += 1
        incident = repository.get_incident(incident_id)
        if incident is None:
            return None
        state = incident.state
        if not state.is_open:
            return frozenset()
        contract = self.contracts.contracts.get(incident.contract_id)
        tracked = deadlines_of(incident, contract)
        return frozenset(stage.key for stage in incident_stages(tracked, thresholds_for(contract), state.snoozes))
