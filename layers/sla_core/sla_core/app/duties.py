"""Reminders of the customer's dated duties (policy `[[duties]]`, e.g. SonarSource's written downgrade request
before the renewal date), in the contract's channel, each exactly once.

Every tick, for each contract that gives the date a duty needs (contracts.toml `renewal_date`), the most recent
reminder whose time has come (30, 7 or 1 days before the deadline: `engine.duties.REMINDERS`), while the
deadline is still ahead, is claimed with a conditional create keyed by contract, duty, deadline and reminder;
the sweep then delivers it with the other pending posts. So a date added late is reminded at the next tick, a
reminder a stopped sweep missed is superseded by the next one rather than posted late twice, and a changed date
gets reminders of its own. A process remembers what it claimed, so its later ticks write nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from sla_core.app.notices import DutyNotice
from sla_core.app.ports import Messages
from sla_core.app.store import post_queue
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.engine.duties import duty_deadlines, recurring_dates
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Draft

logger = logging.getLogger(__name__)

DUTY_PURPOSE = "duty_reminder"
_claimed: set[str] = set()


def due_notices(contract: Contract, now: datetime) -> Iterator[DutyNotice]:
    """The reminder each of the contract's dated duties owes at `now` (at most one per duty)."""
    policy = load_policy(contract.policy)
    dates = {**recurring_dates(policy, now, contract.region), **contract.dates}
    for deadline in duty_deadlines(policy, dates, contract.region, contract.tier):
        reminder = deadline.latest_due(now)
        if reminder is None or deadline.on is None:
            continue
        post_id = f"duty#{contract.id}#{deadline.duty.id}#{deadline.on.isoformat()}#{reminder.tag}"
        yield DutyNotice(post_id, contract, deadline, reminder, now)


def claim_duty_reminders(contracts: ContractsConfig, now: datetime, messages: Messages) -> int:
    """Claim the duty reminders due at `now`; how many posts this call created. A contract whose claim fails
    is retried on the next tick and holds up no other."""
    created = 0
    for contract in contracts.contracts.values():
        try:
            for notice in due_notices(contract, now):
                if notice.post_id in _claimed:
                    continue
                draft = Draft(
                    notice.post_id,
                    DUTY_PURPOSE,
                    contract.slack_channel,
                    messages.duty_reminder(notice),
                    notice.reminder.at,
                    contract_id=contract.id,
                )
                created += post_queue.create_post(draft, now=now)
                _claimed.add(notice.post_id)
        except Exception:  # one contract's failure must not stop the others' reminders
            logger.exception("duty reminder claim failed", extra={"contract_id": contract.id})
    return created
