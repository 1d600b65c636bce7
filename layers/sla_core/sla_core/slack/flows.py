"""What each `/sla` subcommand, incident button, modal and the App Home do: call the core, render the answer.

The Slack handler acks and hands the request here from a lazy listener, so everything in this module may
take its time and call Slack (users.info for the typist's zone, usergroups.users.list for authorization,
views.open, chat.postMessage/update). Writes go through `incident_service.record_event` and the repository;
event and incident ids derive from the request's trigger_id, so a repeated request records nothing twice.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

from sla_core.app import authorization
from sla_core.app.contract_credit import current_period_text, estimate_for_contract, recorded_downtime
from sla_core.app.incident_service import deadlines_of, record_event, terms_for
from sla_core.config.contracts import Contract, ContractsConfig
from sla_core.engine.availability import Kind, measure
from sla_core.engine.credits import CreditEstimate
from sla_core.engine.deadlines import compute_deadline
from sla_core.engine.errors import InputError, SlaError
from sla_core.engine.instants import from_micros, to_micros
from sla_core.engine.periods import Period, parse_period
from sla_core.engine.policy import load_policy
from sla_core.incidents.state import IncidentEvent
from sla_core.incidents.tracking import TrackedDeadline
from sla_core.slack import commands, incident_posting
from sla_core.slack.client import SlackPoster
from sla_core.slack.incident_card import event_reply
from sla_core.slack.text import date_token, escape, local_time
from sla_core.slack.time_phrases import parse_span, parse_time, split_at
from sla_core.slack.views import Blocks, home_view, incident_lines, metric_name, section, update_modal
from sla_core.storage import repository
from sla_core.storage.models import IncidentItem

SOURCE = "slack"
DOWNTIME_KINDS = {"maintenance": Kind.SCHEDULED, "emergency": Kind.EMERGENCY}


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to post back (to the response_url): text, optional blocks, ephemeral unless in_channel."""

    text: str
    blocks: Blocks | None = None
    in_channel: bool = False


@dataclass(frozen=True, slots=True)
class Invocation:
    """Who asked, where, and the request's trigger id (the key that makes a repeated request a no-op)."""

    user_id: str
    channel_id: str
    trigger_id: str
    now: datetime


class SlackApi:
    """The Slack calls flows need beyond posting, with the same outbox fallback as SlackPoster."""

    def __init__(self, poster: SlackPoster) -> None:
        self.poster = poster
        self._zones: dict[str, ZoneInfo | None] = {}

    def user_zone(self, user_id: str) -> ZoneInfo | None:
        """The user's Slack time zone (users.info `tz`); None without a Web API client or a readable zone."""
        if self.poster.client is None:
            return None
        if user_id not in self._zones:
            try:
                name = self.poster.client.users_info(user=user_id)["user"].get("tz")
                self._zones[user_id] = ZoneInfo(name) if name else None
            except (SlackApiError, ZoneInfoNotFoundError, KeyError, ValueError):
                self._zones[user_id] = None
        return self._zones[user_id]

    def group_members(self, group_id: str) -> list[str]:
        """Members of a user group (usergroups.users.list); none are known in outbox mode."""
        if self.poster.client is None:
            return []
        try:
            return list(self.poster.client.usergroups_users_list(usergroup=group_id).get("users") or [])
        except SlackApiError:
            return []

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """views.open (recorded in the outbox locally)."""
        if self.poster.client is None:
            assert self.poster.outbox is not None
            self.poster.outbox.record("views.open", trigger_id=trigger_id, view=view)
            return
        self.poster.client.views_open(trigger_id=trigger_id, view=view)


def short_id(seed: str, prefix: str = "sla-") -> str:
    """A short id derived from a request's trigger id: the same request always names the same incident."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:8].lower()


def contract_zone(contract: Contract) -> ZoneInfo:
    """The zone the contract's policy (and region) keeps its clocks in."""
    policy = load_policy(contract.policy)
    return policy.zone_for(policy.region(contract.region))


class Flows:
    """Every Slack interaction of slaops, given the contracts and the Slack calls.

    Errors (`SlaError`) become replies, escaped as a whole: they may quote what the user typed.
    """

    def __init__(self, contracts: ContractsConfig, slack: SlackApi) -> None:
        self.contracts = contracts
        self.slack = slack

    # -- shared pieces ------------------------------------------------------------------------------

    def contract(self, contract_id: str) -> Contract:
        found = self.contracts.contracts.get(contract_id.lower())
        if found is None:
            known = ", ".join(f"`{key}`" for key in self.contracts.contracts)
            raise InputError(f"No contract `{contract_id}`; tracked: {known}.")
        return found

    def incident(self, incident_id: str) -> tuple[IncidentItem, Contract | None]:
        item = repository.get_incident(incident_id)
        if item is None:
            raise InputError(f"No incident `{incident_id}`. `/sla status all` lists the open ones.")
        return item, self.contracts.contracts.get(item.contract_id)

    def zone_for(self, inv: Invocation, contract: Contract | None) -> tzinfo:
        """The typist's Slack zone, else the contract's, else UTC."""
        return self.slack.user_zone(inv.user_id) or (contract_zone(contract) if contract else UTC)

    def when(self, phrase: str | None, inv: Invocation, contract: Contract | None) -> datetime:
        """`at <phrase>` read in the typist's zone; no phrase means now. The future is refused."""
        if phrase is None:
            return inv.now
        instant = parse_time(phrase, zone=self.zone_for(inv, contract), now=inv.now)
        if instant > inv.now + timedelta(minutes=1):
            raise InputError(f"`{phrase}` is in the future; record what has happened.")
        return instant

    def allowed(self, contract: Contract | None, action: str, user_id: str) -> authorization.Decision:
        if contract is None:
            return authorization.Decision(True)
        return authorization.check(contract, action, user_id, self.slack.group_members)

    # -- the slash command --------------------------------------------------------------------------

    def command(self, text: str | None, inv: Invocation) -> Reply:
        """Run one `/sla` command; bad input gets a message saying what is accepted, never an error."""
        parsed = commands.parse(text)
        handlers: dict[str, Callable[[tuple[str, ...], Invocation], Reply]] = {
            "open": self.open,
            "ack": self.ack_command,
            "update": self.update_command,
            "resolve": self.resolve_command,
            "status": self.status,
            "show": self.show,
            "deadline": self.deadline,
            "credit": self.credit,
            "downtime": self.downtime,
            "contracts": self.list_contracts,
        }
        if parsed.is_help:
            return Reply(commands.HELP_TEXT)
        handler = handlers.get(parsed.name)
        if handler is None:
            return Reply(commands.unknown(parsed))
        try:
            return handler(parsed.args, inv)
        except SlaError as error:
            return Reply(f"{escape(str(error))}\n{commands.usage_for(parsed.name)}")

    def _need(self, args: tuple[str, ...], count: int, name: str) -> None:
        if len(args) < count:
            raise InputError(f"`/sla {name}` needs more than that.")

    def open(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 3, "open")
        contract = self.contract(words[0])
        policy = load_policy(contract.policy)
        severity = policy.severity(words[1]).id
        title = " ".join(words[2:])
        opened = self.when(phrase, inv, contract)
        incident_id = short_id(inv.trigger_id)
        result = record_event(
            incident_id=incident_id,
            event=IncidentEvent(f"slack-open-{inv.trigger_id}", "triggered", opened, inv.user_id, severity),
            contract=contract,
            source=SOURCE,
            recorded_at=inv.now,
            title=title,
            component=contract.components[0],
            source_id=inv.trigger_id,
        )
        item = result.incident
        zone = contract_zone(contract)
        if result.created:
            item = incident_posting.post_card(
                item, contract, result.deadlines, self.slack.poster, contract.slack_channel
            )
        lines = incident_lines(item, result.deadlines, inv.now, zone)
        head = f"Opened *{incident_id}* for <@{inv.user_id}>." if result.created else "Already recorded:"
        return Reply(f"{head}\n{lines}")  # ephemeral: the card in the contract's channel is the public record

    def _record(
        self, incident_id: str, kind: str, inv: Invocation, phrase: str | None = None, text: str | None = None
    ) -> Reply:
        item, contract = self.incident(incident_id)
        if kind == "resolved":
            decision = self.allowed(contract, authorization.RESOLVE, inv.user_id)
            if not decision.allowed:
                return Reply(decision.refusal)
        at = self.when(phrase, inv, contract)
        event = IncidentEvent(f"slack-{kind}-{inv.trigger_id}", kind, at, inv.user_id, text=text)
        result = record_event(
            incident_id=item.incident_id,
            event=event,
            contract=contract,
            source=SOURCE,
            recorded_at=inv.now,
        )
        if result.appended:
            incident_posting.refresh_card(result.incident, contract, result.deadlines, self.slack.poster)
            incident_posting.reply(result.incident, self.slack.poster, event_reply(event, result.deadlines, contract))
        if result.became_resolved and contract is not None:
            incident_posting.after_resolve(result.incident, contract, self.slack.poster, inv.now)
        zone = contract_zone(contract) if contract else UTC
        verb = {"acknowledged": "acknowledged", "update": "posted an update to", "resolved": "resolved"}[kind]
        head = f"<@{inv.user_id}> {verb} *{item.incident_id}*" + (f": {escape(text)}" if text else ".")
        if not result.appended:
            head = f"Already recorded: {head}"
        return Reply(f"{head}\n{incident_lines(result.incident, result.deadlines, inv.now, zone)}", in_channel=True)

    def ack_command(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 1, "ack")
        return self._record(words[0], "acknowledged", inv, phrase)

    def update_command(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 2, "update")
        return self._record(args[0], "update", inv, text=" ".join(args[1:]))

    def resolve_command(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 1, "resolve")
        return self._record(words[0], "resolved", inv, phrase)

    def open_items(self, contracts: Sequence[Contract], now: datetime) -> list[tuple[datetime, str]]:
        """Each open incident of the contracts as (next due, rendered lines), soonest first."""
        found: list[tuple[datetime, str]] = []
        for contract in contracts:
            zone = contract_zone(contract)
            for item in repository.open_contract_incidents(contract.id):
                tracked: list[TrackedDeadline] = deadlines_of(item, contract)
                due = min((t.due_at for t in tracked if t.met_at is None), default=datetime.max.replace(tzinfo=UTC))
                found.append((due, incident_lines(item, tracked, now, zone)))
        return sorted(found, key=lambda pair: pair[0])

    def status(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        everywhere = bool(args) and args[0].lower() == "all"
        contracts = [c for c in self.contracts.contracts.values() if everywhere or c.slack_channel == inv.channel_id]
        if not contracts:
            return Reply("No contract reports to this channel. `/sla status all` shows every open item.")
        items = self.open_items(contracts, inv.now)
        where = "across all contracts" if everywhere else "in this channel"
        if not items:
            return Reply(f"Nothing open {where} ({', '.join(f'`{c.id}`' for c in contracts)}).")
        blocks = [section(f"*{len(items)} open {where}*")] + [section(text) for _, text in items[:40]]
        return Reply(f"{len(items)} open {where}", blocks=blocks)

    def show(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 1, "show")
        item, contract = self.incident(args[0])
        zone = contract_zone(contract) if contract else UTC
        lines = [incident_lines(item, deadlines_of(item, contract), inv.now, zone), "*Timeline*"]
        for event in repository.timeline(item.incident_id):
            who = f" by <@{escape(event.actor)}>" if event.actor and event.actor.startswith(("U", "W")) else ""
            detail = event.details.get("text") or event.details.get("severity") or ""
            lines.append(
                f"• {date_token(event.occurred_at, zone)} {event.event_type}{who} ({event.source})"
                + (f": {escape(str(detail))}" if detail else "")
            )
        return Reply("\n".join(lines))

    def deadline(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 2, "deadline")
        contract = self.contract(words[0])
        policy = load_policy(contract.policy)
        severity = policy.severity(words[1])
        zone_in = self.zone_for(inv, contract)
        opened = parse_time(phrase, zone=zone_in, now=inv.now) if phrase is not None else inv.now  # future is fine
        terms = terms_for(contract)
        holidays = terms.holidays if terms else None
        zone = contract_zone(contract)
        lines = [
            f"*What if* a `{severity.id}` opened {date_token(opened, zone)} on `{contract.id}` (nothing recorded):"
        ]
        for target in policy.targets(severity, policy.tier(contract.tier)):
            due = compute_deadline(policy, severity.id, opened, target.metric, contract.tier, contract.region, holidays)
            every = " (then again after each update)" if due.recurring else ""
            lines.append(
                f"• {metric_name(due.metric)}: {due.target} on {escape(due.calendar.description or due.calendar.name)}"
                f" → due {date_token(due.due_at, zone)}{every}"
            )
        return Reply("\n".join(lines))

    def credit(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 1, "credit")
        contract = self.contract(args[0])
        estimates = estimate_for_contract(contract, args[1] if len(args) > 1 else None, inv.now)
        return Reply("\n\n".join(credit_text(contract, estimate) for estimate in estimates))

    def downtime(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 3, "downtime")
        contract = self.contract(args[0])
        decision = self.allowed(contract, authorization.RECORD_DOWNTIME, inv.user_id)
        if not decision.allowed:
            return Reply(decision.refusal)
        words = list(args[1:])
        component = contract.components[0]
        if words and words[0].lower() in contract.components:
            component = words.pop(0).lower()
        elif len(contract.components) > 1:
            raise InputError(f"`{contract.id}` has several components; name one of {', '.join(contract.components)}.")
        kind = Kind.UNPLANNED
        if words and words[-1].lower() in DOWNTIME_KINDS:
            kind = DOWNTIME_KINDS[words.pop().lower()]
        start, end = parse_span(tuple(words), zone=self.zone_for(inv, contract), now=inv.now)
        if end <= start:
            raise InputError("The downtime must end after it starts.")
        if end > inv.now + timedelta(minutes=1):
            raise InputError("The downtime must have ended by now; record what has happened.")
        interval = repository.start_downtime(
            downtime_id=f"slack-{inv.trigger_id}",
            contract_id=contract.id,
            component=component,
            started_at=start,
            recorded_by=inv.user_id,
            source=SOURCE,
            reason=kind.value,
        )
        if interval is not None:
            repository.end_downtime(interval, end)
        zone = contract_zone(contract)
        minutes = int((end - start).total_seconds() // 60)
        head = "Recorded" if interval is not None else "Already recorded"
        return Reply(
            f"{head} {kind.value} downtime of `{contract.id}` {component}: {date_token(start, zone)} – "
            f"{date_token(end, zone)} ({minutes} min), by <@{inv.user_id}>.",
            in_channel=interval is not None,
        )

    def list_contracts(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        lines = []
        for contract in self.contracts.contracts.values():
            policy = load_policy(contract.policy)
            tier = policy.tier(contract.tier)
            availability = policy.terms.availability
            head = (
                f"*{escape(contract.name)}* (`{contract.id}`): {escape(policy.vendor)}, policy `{policy.id}`"
                + (f" {tier}/{contract.region}" if tier else "")
                + f", <#{contract.slack_channel}>, components {', '.join(contract.components)}"
                + (f", availability target {availability.target_percent}%" if availability else "")
            )
            lines.append(head)
            for severity in policy.severities.values():
                targets = ", ".join(
                    f"{metric_name(t.metric)} {' or '.join(str(c.duration) for c in t.clocks)}"
                    for t in policy.targets(severity, tier)
                )
                lines.append(f"    • `{severity.id}`: {targets or 'no targets'}")
        return Reply("\n".join(lines))

    # -- buttons and the modal ----------------------------------------------------------------------

    def button(self, action_id: str, incident_id: str, inv: Invocation) -> Reply | None:
        """An incident card's button: acknowledge or resolve now, or open the update modal (no reply)."""
        try:
            if action_id == "incident_update":
                item, _ = self.incident(incident_id)
                self.slack.open_view(inv.trigger_id, update_modal(item.incident_id, item.title))
                return None
            kind = "acknowledged" if action_id == "incident_ack" else "resolved"
            return self._record(incident_id, kind, inv)
        except SlaError as error:
            return Reply(escape(str(error)))

    def submit_update(self, incident_id: str, text: str, inv: Invocation) -> Reply:
        """The update modal's submission: an `update` event with the typed text."""
        try:
            return self._record(incident_id, "update", inv, text=text)
        except SlaError as error:
            return Reply(escape(str(error)))

    # -- App Home -----------------------------------------------------------------------------------

    def publish_home(self, user_id: str, now: datetime) -> None:
        """views.publish: open items across contracts, and month-to-date availability per contract."""
        contracts = list(self.contracts.contracts.values())
        items = [text for _, text in self.open_items(contracts, now)]
        availability = []
        for contract in contracts:
            policy = load_policy(contract.policy)
            terms = policy.terms.availability
            if terms is None:
                continue
            zone = contract_zone(contract)
            period = parse_period(current_period_text("month", zone, now), "month", zone)
            for component in contract.components:
                month = _month_to_date(period, now)
                m = measure(terms, recorded_downtime(contract, component, month, now), month, zone)
                mark = ":white_check_mark:" if m.met else ":warning:"
                availability.append(
                    f"{mark} `{contract.id}` {component}: {m.percent_text()}% (target {m.target_percent}%), "
                    f"{m.counted_minutes} min counted down since {local_time(period.start_at, zone)}"
                )
        self.slack.poster.publish_home(user_id, home_view(items, availability, now, UTC))


def _month_to_date(period: Period, now: datetime) -> Period:
    """The month cut at `now` (or the whole month once it is over)."""
    return replace(period, end=min(period.end, max(period.start + 1, to_micros(now))))


def credit_text(contract: Contract, estimate: CreditEstimate) -> str:
    """Availability, the credit, the claim deadline, the readings, and a ready-to-send claim."""
    d = estimate.as_dict()
    zone = estimate.zone
    lines = [f"*{escape(contract.name)}* · {estimate.component} · {d['period']} ({estimate.policy.vendor})"]
    if d["availability_percent"] is not None:
        lines.append(
            f"Availability {d['availability_percent']}% against {d['target_percent']}% "
            f"({'met' if d['target_met'] else 'missed'}); counted downtime {d['downtime_minutes']} min, "
            f"excluded {d['excluded_minutes']} min."
        )
    if estimate.missed_responses is not None:
        lines.append(f"Missed first responses: {estimate.missed_responses}.")
    lines.append(f"Estimated credit: *{d['credit_amount']} {d['currency']}* ({escape(estimate.basis)})")
    claim = estimate.claim
    if claim.deadline is not None:
        lines.append(f"Claim by {date_token(from_micros(claim.deadline, zone), zone)}: {escape(claim.basis)}")
    else:
        lines.append(f"Claim: {escape(claim.basis)}")
    for reading in estimate.readings:
        lines.append(f"Reading: {escape(reading['chosen'])} (not: {escape(reading['other'])})")
    for note in estimate.notes:
        lines.append(f"Note: {escape(note)}")
    if estimate.amount > 0:
        lines.append("*Claim text* (ready to send):")
        lines.append("```" + claim_letter(contract, estimate) + "```")
    return "\n".join(lines)


def claim_letter(contract: Contract, estimate: CreditEstimate) -> str:
    """A claim to send to the vendor, with what the contract requires the claim to contain."""
    d = estimate.as_dict()
    claim = estimate.claim
    outages = [f"- {o['outage_start']} to {o['outage_end']}" for o in d["claim_deadlines"]] or [
        f"- {reason}: {minutes} min" for reason, minutes in d["minutes_by_reason"].items()
    ]
    parts = [
        f"To: {claim.submit_to or estimate.policy.vendor}",
        f"Subject: Service credit claim, {contract.name}, {d['period']}",
        "",
        f"We claim a service credit of {d['credit_amount']} {d['currency']} under the service level terms "
        f"for {contract.name} ({d['component']}), period {d['period']} ({d['timezone']}).",
    ]
    if d["availability_percent"] is not None:
        parts.append(
            f"Measured availability: {d['availability_percent']}% against the committed {d['target_percent']}%."
        )
    if estimate.missed_responses is not None:
        parts.append(f"Tickets that missed their initial response: {estimate.missed_responses}.")
    parts += ["Outages:", *outages, f"Basis: {estimate.basis}"]
    if claim.contents:
        parts += ["", "As the contract requires, this claim contains:", *(f"- {item}" for item in claim.contents)]
    return escape("\n".join(parts))
