"""Periodic reports, on the 1st of each month in a contract's zone, and the claim-window reminders they set.

Monthly (contracts whose credit is measured by month): last month's availability per component, target met or
missed, the estimated credit with the readings it rests on, and the claim deadline; for Resonate, a termination
right that three failed months within six give, and until when it can be used. Quarterly credits counted on tickets
(SonarSource): at quarter end the tickets that missed their initial response and whether more than the threshold
did; in the other months, the count so far. Quarterly credits counted on downtime (a deployment's GitHub Enterprise
Cloud policy: proportional to the quarter's Outage time): at quarter end the quarter's availability per component
and its credit, as a monthly report gives a month's (nothing in the other months: the quarter's figure is not known
before it ends). Where a credit is due and the claim window is still open, reminders are scheduled 7 days and 1 day
before it closes. Figures come from the same modules as `python -m sla_core credit` (availability, credits,
claims), fed with the downtime and incidents stored. Each report also carries the month at a glance per component
(`month_glance`, on the contract's own month): the downtime budget it ended with, and the availability of each of
its days (or why the policy has neither).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla_core.app.alternate_figures import other_figures
from sla_core.app.contract_credit import (
    contract_estimate,
    missed_counts,
    missed_initial_responses,
    recorded_downtime,
)
from sla_core.app.contract_terms import contract_zone
from sla_core.app.month_glance import month_glance
from sla_core.app.notices import ClaimReminder, ComponentMonth, Report, ReportJob
from sla_core.app.ports import Messages
from sla_core.app.skipping import Skips
from sla_core.config.contract import Contract
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.instants import from_micros
from sla_core.engine.periods import Period, month_period, quarter_of
from sla_core.engine.policy import Policy
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Draft

REPORT_PURPOSE, CLAIM_PURPOSE = "report", "claim_reminder"
CLAIM_REMINDERS = (("7d", timedelta(days=7), "7 days"), ("1d", timedelta(days=1), "1 day"))
MAX_LISTED = 10
_claimed: set[str] = set()


def already_claimed(post_id: str) -> bool:
    """True when this process claimed (or saw) the report already: later ticks of the day skip the read."""
    return post_id in _claimed


def remember_claimed(post_id: str) -> None:
    _claimed.add(post_id)


def _month_before(local: datetime, zone: ZoneInfo) -> Period:
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return month_period(year, month, zone)


def _quarter_of(period: Period, policy: Policy, zone: ZoneInfo) -> tuple[Period, bool]:
    """The fiscal quarter containing a month, and whether the month ends it."""
    credit = policy.terms.credit
    start_month = credit.fiscal_year_start_month if credit is not None else 1
    quarter = quarter_of(period.start, zone, start_month)
    return quarter, period.end == quarter.end


def jobs_due(contract: Contract, now: datetime) -> list[ReportJob]:
    """The report a contract is owed at `now`: on the 1st of a month in its zone, last month's (or quarter's)."""
    zone = contract_zone(contract)
    local = now.astimezone(zone)
    if local.day != 1:
        return []
    policy = load_policy(contract.policy)
    month = _month_before(local, zone)
    credit = policy.terms.credit
    if credit is not None and credit.period == "quarter":
        quarter, ends = _quarter_of(month, policy, zone)
        if not ends and credit.mechanism != "missed_responses":
            return []  # a credit on the quarter's downtime is reported once, when the quarter ends
        label = quarter.label if ends else f"{month.label}@{quarter.label}"
        return [ReportJob(f"report#{contract.id}#{label}", contract.id, "quarter", month, quarter)]
    return [ReportJob(f"report#{contract.id}#{month.label}", contract.id, "month", month, None)]


# -- inputs from storage ----------------------------------------------------------------------------


def failed_months_before(
    contract: Contract, policy: Policy, period: Period, component: str, now: datetime, skips: Skips | None = None
) -> list[str]:
    """Months before `period` within the termination window whose availability target was missed."""
    terms = policy.terms.termination
    if terms is None or policy.terms.availability is None:
        return []
    zone = period.zone
    failed: list[str] = []
    start = period.start_at
    for back in range(1, terms.window_months):
        index = start.year * 12 + start.month - 1 - back
        month = month_period(index // 12, index % 12 + 1, zone)
        estimate = contract_estimate(
            contract,
            policy,
            month.label,
            component,
            recorded_downtime(contract, component, month, now, skips, policy=policy),
        )
        if estimate.target_met is False:
            failed.append(month.label)
    return failed


# -- what a report holds -----------------------------------------------------------------------------


def claim_reminders(contract: Contract, estimate: CreditEstimate, now: datetime) -> list[ClaimReminder]:
    """Reminders 7 days and 1 day before each claim window of the estimate closes (those still ahead).

    A credit claimed per outage (Sonoran: 72 h after each) has a window per outage; others one per period.
    Post ids are the window's own deadline, so the monthly report and the resolve of the incident that
    opened the window schedule the same posts, and the conditional create keeps one of each.
    """
    claim = estimate.claim
    if estimate.amount <= 0 or claim.deadline is None:
        return []
    zone = estimate.zone
    windows: list[tuple[datetime, datetime | None]] = [
        (from_micros(deadline, zone), from_micros(outage.start, zone)) for outage, deadline in claim.per_outage
    ] or [(from_micros(claim.deadline, zone), None)]
    reminders: list[ClaimReminder] = []
    for deadline, outage_start in windows:
        for tag, before, words in CLAIM_REMINDERS:
            send_at = deadline - before
            if send_at <= now:
                continue
            post_id = f"claim#{contract.id}#{estimate.component}#{deadline.isoformat()}#{tag}"
            reminders.append(ClaimReminder(post_id, contract, estimate, deadline, send_at, words, outage_start))
    return reminders


def claim_drafts(reminders: list[ClaimReminder], messages: Messages) -> list[Draft]:
    """The posts of claim reminders, in the contract's channel at their instants."""
    return claim_drafts_with(reminders, messages.claim_reminder)


def claim_drafts_with(reminders: list[ClaimReminder], words: Callable[[ClaimReminder], str]) -> list[Draft]:
    """`claim_drafts` with the reminders' words from `words`."""
    return [
        Draft(r.post_id, CLAIM_PURPOSE, r.contract.slack_channel, words(r), r.send_at, contract_id=r.contract.id)
        for r in reminders
    ]


def build(job: ReportJob, contract: Contract, now: datetime, messages: Messages) -> list[Draft]:
    """The report's post, then any claim-window reminders it schedules."""
    skips = Skips()
    by = _quarterly if job.unit == "quarter" else _monthly
    report, reminders = by(job, contract, now, skips)
    seen = job.quarter if report.components and job.quarter is not None else job.period  # the credit's period
    glances = tuple(month_glance(contract, now, seen, skips))
    report = replace(report, glances=glances, skipped=skips.count)
    text, blocks = messages.report(report)
    post = Draft(job.post_id, REPORT_PURPOSE, contract.slack_channel, text, now, blocks=blocks, contract_id=contract.id)
    return [post, *claim_drafts(reminders, messages)]


def _monthly(job: ReportJob, contract: Contract, now: datetime, skips: Skips) -> tuple[Report, list[ClaimReminder]]:
    return _by_component(job, contract, job.period, now, skips)


def _by_component(
    job: ReportJob, contract: Contract, period: Period, now: datetime, skips: Skips
) -> tuple[Report, list[ClaimReminder]]:
    """Each component's availability and credit over `period` (a month, or the quarter of a quarterly
    credit counted on downtime) from its recorded downtime, and the claim reminders the credits owe."""
    policy = load_policy(contract.policy)
    components: list[ComponentMonth] = []
    reminders: list[ClaimReminder] = []
    for component in contract.components:
        intervals = recorded_downtime(contract, component, period, now, skips, policy=policy)
        failed = failed_months_before(contract, policy, period, component, now, skips) if job.unit == "month" else []
        estimate = contract_estimate(contract, policy, period.label, component, intervals, failed_months=failed)
        components.append(ComponentMonth(component, estimate, other_figures(estimate, intervals, failed)))
        reminders += claim_reminders(contract, estimate, now)
    return Report(job, contract, policy.vendor, components=tuple(components)), reminders


def _quarterly(job: ReportJob, contract: Contract, now: datetime, skips: Skips) -> tuple[Report, list[ClaimReminder]]:
    policy = load_policy(contract.policy)
    assert job.quarter is not None
    quarter = job.quarter
    credit = policy.terms.credit
    if credit is not None and credit.mechanism != "missed_responses":
        return _by_component(job, contract, quarter, now, skips)  # jobs_due owes these at quarter end only
    missed = missed_initial_responses(contract, quarter, now, skips)
    rule = credit.missed_responses if credit else None
    limit = rule.more_than if rule is not None else 0
    report = Report(job, contract, policy.vendor, missed=tuple(missed), missed_limit=limit)
    if not report.quarter_ends:
        return report, []
    count, on_reading = missed_counts(missed)
    estimate = contract_estimate(
        contract, policy, quarter.label, policy.component(None), (), missed=count, missed_on_reading=on_reading
    )
    return Report(
        job,
        contract,
        policy.vendor,
        missed=tuple(missed),
        missed_limit=limit,
        quarter_estimate=estimate,
        quarter_others=other_figures(estimate),
    ), claim_reminders(contract, estimate, now)
