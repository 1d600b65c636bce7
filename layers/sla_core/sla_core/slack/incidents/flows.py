"""The incident subcommands (`open`, `ack`, `update`, `resolve`, `status`, `show`), the card's buttons (and a
reminder's, in `reminder_presses`), the update modal and the App Home: record and show through `app.record_and_show`
(Slack's side of it: `incident_posting`); status and App Home add each contract's month at a glance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import Any

from sla_core.app import authorization, lookups
from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_terms import contract_zone, display_zone
from sla_core.app.corrections import corrected, periods_touched
from sla_core.app.digest import open_incidents_counted
from sla_core.app.event_bounds import check_instant
from sla_core.app.month_glance import ComponentGlance, month_glance
from sla_core.app.months_so_far import MonthsSoFar, months_so_far
from sla_core.app.notices import OpenIncident
from sla_core.app.open_limits import over_open_limit
from sla_core.app.open_soonest import open_soonest
from sla_core.app.record_and_show import record_and_show
from sla_core.app.skipping import each_kept, not_shown
from sla_core.config.contract import Contract
from sla_core.engine.availability import measure
from sla_core.engine.clean_text import clean_text
from sla_core.engine.errors import InputError, SlaError
from sla_core.engine.instants import to_micros
from sla_core.engine.periods import Period
from sla_core.engine.policy_registry import load_policy
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent
from sla_core.slack.flow_base import SOURCE, FlowBase, Invocation, Press, Reply, short_id
from sla_core.slack.incident_posting import SlackIncidentChannel
from sla_core.slack.incidents.reminder_presses import ReminderButtons
from sla_core.slack.incidents.routes import ACK_ACTION, CAUSE_ACTION, OUTAGE_OFF_ACTION
from sla_core.slack.render.corrections import correction_text, history_line
from sla_core.slack.render.glance import glance_lines
from sla_core.slack.render.incident_card import (
    NO_CAUSE,
    classified_text,
    corrected_text,
)
from sla_core.slack.render.reports import claim_reminder_text
from sla_core.slack.render.text import context, date_token, escape, local_time, section
from sla_core.slack.render.views import HOME_OPEN_LISTED, home_view, incident_lines, update_modal
from sla_core.slack.time_phrases import split_at


def open_refused(inv: Invocation) -> str | None:
    """Count this `/sla open` against its user's and its channel's limits; the refusal when either is reached
    (nothing is opened then), else None."""
    hit = over_open_limit(inv.user_id, inv.channel_id, inv.now)
    if hit is None:
        return None
    by = "by you" if hit.by == "user" else "in this channel"
    return (
        f"Nothing opened: {hit.limit} incidents were already opened {by} in the last {hit.window_minutes}"
        f" minutes, the most `{hit.setting}` allows. Try again in {hit.wait_minutes} min, or add to an open incident"
        " (`/sla status` lists them)."
    )


STATUS_LISTED = 40  # open items listed one section each in `/sla status`; the rest are counted
MONTHS_SHOWN = 20  # contracts whose month App Home and `/sla status all` show (most downtime first); the rest counted


def dated_lines(incident: OpenIncident, *, now: datetime, zone: tzinfo) -> tuple[datetime, str]:
    """An open incident's lines in a list, with when its next clock falls due (to sort by)."""
    return incident.next_due, incident_lines(incident.item, incident.deadlines, now, zone)


class IncidentFlows(FlowBase):
    """Opening, answering and resolving incidents from Slack, and what is open."""

    def open(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        words, phrase = split_at(args)
        self._need(words, 3, "open")
        contract = self.contract(words[0])
        policy = load_policy(contract.policy)
        severity = policy.severity(words[1]).id
        title = " ".join(words[2:])
        opened = self.when(phrase, inv, contract)
        check_instant(opened, "The triggered time", contract, inv.now)  # a refused open costs no rate
        too_many = open_refused(inv)
        if too_many is not None:
            return Reply(too_many)
        incident_id = short_id(inv.trigger_id)
        shown = record_and_show(
            SlackIncidentChannel(self.slack.poster),
            self.contracts,
            incident_id=incident_id,
            event=IncidentEvent(f"slack-open-{inv.trigger_id}", "triggered", opened, inv.user_id, severity),
            contract=contract,
            source=SOURCE,
            recorded_at=inv.now,
            title=title,
            component=contract.components[0],
            source_id=inv.trigger_id,
        )
        result = shown.result
        lines = incident_lines(shown.incident, result.deadlines, inv.now, contract_zone(contract))
        head = f"Opened *{incident_id}* for <@{inv.user_id}>." if result.created else "Already recorded:"
        return Reply(f"{head}\n{lines}")  # ephemeral: the card in the contract's channel is the public record

    def _record(
        self,
        incident_id: str,
        kind: str,
        inv: Invocation,
        phrase: str | None = None,
        text: str | None = None,
        classified: tuple[bool, str | None] | None = None,
        fixes: dict[str, Any] | None = None,
    ) -> Reply:
        item, contract = self.incident(incident_id)
        corrects = {"classified": authorization.RECORD_DOWNTIME, "corrected": authorization.RECORD_DOWNTIME}
        works = {"resolved": authorization.RESOLVE, "paused": authorization.RESOLVE, "resumed": authorization.RESOLVE}
        action = {**works, **corrects}.get(kind)
        if action is not None:
            decision = self.allowed(contract, action, inv.user_id)
            if not decision.allowed:
                return Reply(decision.refusal)
        at = self.when(phrase, inv, contract)
        outage, cause = classified if classified is not None else (None, None)
        event = IncidentEvent(
            f"slack-{kind}-{inv.trigger_id}", kind, at, inv.user_id, text=text, outage=outage, cause=cause,
            **(fixes or {}),
        )  # fmt: skip
        shown = record_and_show(
            SlackIncidentChannel(self.slack.poster),
            self.contracts,
            incident_id=item.incident_id,
            event=event,
            contract=contract,
            source=SOURCE,
            recorded_at=inv.now,
        )
        result = shown.result
        zone = display_zone(contract)
        if kind == "classified":
            head = f"<@{inv.user_id}>: *{item.incident_id}* {classified_text(event).lower()}."
        elif kind in ("paused", "resumed"):
            head = f"<@{inv.user_id}> {kind} *{item.incident_id}*" + (f" ({escape(text)})" if text else "") + "."
        elif kind == "corrected":
            head = f"<@{inv.user_id}> corrected *{item.incident_id}*: {corrected_text(event, display_zone(contract))}."
        else:
            verb = {"acknowledged": "acknowledged", "update": "posted an update to", "resolved": "resolved"}[kind]
            head = f"<@{inv.user_id}> {verb} *{item.incident_id}*" + (f": {escape(text)}" if text else ".")
        if not result.appended:
            head = f"Already recorded: {head}"
        lines = incident_lines(shown.incident, result.deadlines, inv.now, zone)
        return Reply(f"{head}\n{lines}", in_channel=self.in_channel_here(inv, contract))

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

    def open_items(
        self, contracts: Sequence[Contract], now: datetime, *, across: int | None = None
    ) -> tuple[list[tuple[datetime, str]], int, int]:
        """Open incidents of the contracts as (next due, rendered lines), soonest first, how many are open (those
        that can be shown), and how many could not be computed or rendered (each logged and left out; the others
        are still shown). `across`: the views across contracts list at most that many, read through the
        open-due index (the rest are counted, not read); otherwise every open incident of each contract."""
        if across is not None:
            found = open_soonest({c.id: c for c in contracts}, across)
            listed, unrendered = each_kept(
                found.incidents,
                lambda i: dated_lines(i, now=now, zone=contract_zone(self.contracts.contracts[i.item.contract_id])),
                what="open incident",
                key=lambda i: i.item.incident_id,
            )
            skipped = found.skipped + unrendered
            return sorted(listed, key=lambda pair: pair[0]), found.total - skipped, skipped
        rendered: list[tuple[datetime, str]] = []
        skipped = 0
        for contract in contracts:
            zone = contract_zone(contract)
            incidents, failed = open_incidents_counted(contract)
            kept, unrendered = each_kept(
                incidents,
                partial(dated_lines, now=now, zone=zone),
                what="open incident",
                key=lambda i: i.item.incident_id,
            )
            rendered.extend(kept)
            skipped += failed + unrendered
        return sorted(rendered, key=lambda pair: pair[0]), len(rendered), skipped

    def status(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """What is open in this channel's contracts (or all), soonest due first (at most `STATUS_LISTED`, the
        rest counted), then each one's downtime budget for the month so far; an item or a contract that cannot
        be computed is left out, logged and counted."""
        everywhere = bool(args) and args[0].lower() == "all"
        contracts = [c for c in self.contracts.contracts.values() if everywhere or c.slack_channel == inv.channel_id]
        if not contracts:
            return Reply("No contract reports to this channel. `/sla status all` shows every open item.")
        items, total, skipped = self.open_items(contracts, inv.now, across=STATUS_LISTED if everywhere else None)
        where = "across all contracts" if everywhere else "in this channel"
        if everywhere:  # every contract's downtime read once, the months with most downtime computed
            months = months_so_far(contracts, inv.now, MONTHS_SHOWN)
            budgets = [[line for g in m.glances for line in contract_glance_lines(m.contract, g)] for m in months.shown]
            budgets.append([hidden_months(months)] if months.hidden_down or months.hidden_quiet else [])
            unbudgeted = months.skipped
        else:
            budgets, unbudgeted = each_kept(
                contracts,
                lambda c: [line for g in month_glance(c, inv.now) for line in contract_glance_lines(c, g)],
                what="contract month",
                key=lambda c: c.id,
            )
        budget_block = section("\n".join(["*Downtime budget this month*", *(line for b in budgets for line in b)]))
        unshown = [context(not_shown(skipped + unbudgeted))] if skipped + unbudgeted else []
        if not total:
            text = f"Nothing open {where} ({', '.join(f'`{c.id}`' for c in contracts)})."
            return Reply(text, blocks=[section(text), budget_block, *unshown])
        listed = items[:STATUS_LISTED]
        more = total - len(listed)
        cut = f", the {len(listed)} due soonest below ({more} more not listed)" if more else ""
        blocks = [section(f"*{total} open {where}*{cut}"), *(section(text) for _, text in listed)]
        return Reply(f"{total} open {where}", blocks=[*blocks, budget_block, *unshown])

    def show(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        self._need(args, 1, "show")
        item, contract = self.incident(args[0])
        zone = display_zone(contract)
        lines = [incident_lines(item, deadlines_of(item, contract), inv.now, zone), "*Timeline*"]
        for event in lookups.timeline(item.incident_id):
            who = f" by <@{escape(event.actor)}>" if event.actor and event.actor.startswith(("U", "W")) else ""
            detail = event.details.get("text") or event.details.get("severity") or ""
            if event.event_type == "corrected":
                fixed = [f"{name} {event.details[key]}" for key, name in
                         (("severity", "severity"), ("opened_fix", "opened"), ("resolved_fix", "resolved"))
                         if event.details.get(key)]  # fmt: skip
                why = event.details.get("text")
                detail = ", ".join(fixed) + (f", because {why}" if why else "")
            if event.event_type == "classified":
                outage = event.details.get("outage") is True
                cause = event.details.get("cause")
                detail = ("an outage" if outage else "not an outage") + (f", cause {cause}" if outage and cause else "")
            lines.append(
                f"• {date_token(event.occurred_at, zone)} {event.event_type}{who} ({event.source})"
                + (f": {escape(str(detail))}" if detail else "")
            )
        return Reply("\n".join(lines))

    # -- buttons and the modal ----------------------------------------------------------------------

    def record_press(self, press: Press, inv: Invocation) -> Reply:
        """The card's Acknowledge or Resolve: recorded now, as the presser."""
        kind = "acknowledged" if press.action_id == ACK_ACTION else "resolved"
        return self._record(press.value.split("|", 1)[0], kind, inv)

    def open_update(self, press: Press, inv: Invocation) -> None:
        """The card's "Post update": the update modal, whose submission is `submit_update` (no reply)."""
        item, _ = self.incident(press.value.split("|", 1)[0])
        self.slack.open_view(inv.trigger_id, update_modal(item.incident_id, item.title))

    def press_reminder(self, press: Press, inv: Invocation) -> Reply:
        """A reminder's Responded or Snooze (`reminder_presses`; `message_ts` is the clicked reminder's)."""
        return ReminderButtons(self, self._record).press(press.action_id, press.value, inv, press.message_ts)

    def classify(self, press: Press, inv: Invocation) -> Reply:
        """Outage or ticket, and the outage's cause, as the card's buttons say (the cause select's value is
        `<incident id>|<cause>`): a `classified` event (who and when in the timeline); a resolved incident's
        downtime is recorded or withdrawn and the month recomputed."""
        action_id = press.action_id
        incident_id, _, chosen = press.value.partition("|")
        item, contract = self.incident(incident_id)
        if contract is None:
            raise InputError("No contract maps this incident, so it counts toward no availability.")
        cause = item.state.cause
        if action_id == CAUSE_ACTION:
            cause = None if chosen == NO_CAUSE else chosen
            if cause is not None and cause not in load_policy(contract.policy).causes():
                raise InputError(f"`{chosen}` is not a cause of `{contract.id}`.")
        outage = action_id != OUTAGE_OFF_ACTION
        said = classified_text(IncidentEvent("", "classified", inv.now, outage=outage, cause=cause)).lower()

        def record() -> Reply:
            return self._record(incident_id, "classified", inv, classified=(outage, cause))

        return self._correcting(item, contract, inv, f"{item.incident_id} {said}", [], record)

    def correct(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla correct <id> severity <s> | opened <time> | resolved <time> [because <why>]`: fix the record
        after the fact (a `corrected` event; the original facts stay in the timeline)."""
        self._need(args, 3, "correct")
        words = list(args)
        lowered = [w.lower() for w in words]
        why = None
        if "because" in lowered:
            at = lowered.index("because")
            why, words = " ".join(words[at + 1 :]) or None, words[:at]
        item, contract = self.incident(words[0])
        if contract is None:
            raise InputError("No contract maps this incident, so it has no figures to correct.")
        field, value = words[1].lower(), " ".join(words[2:])
        fixes: dict[str, Any]
        spans: list[tuple[datetime, datetime]] = []
        if field == "severity":
            fixes = {"severity": load_policy(contract.policy).severity(value).id}
        elif field in ("opened", "resolved"):
            fixed = self.when(value, inv, contract)
            fixes = {f"{field}_fix": fixed}
            spans = [(fixed, fixed)]
        else:
            raise InputError(f"`{escape(words[1])}` cannot be corrected; accepted: severity, opened, resolved.")
        zone = display_zone(contract)
        change = corrected_text(IncidentEvent("", "corrected", inv.now, **fixes), zone)
        what = f"{item.incident_id}: {change}" + (f", because {escape(why)}" if why else "")

        def record() -> Reply:
            return self._record(item.incident_id, "corrected", inv, text=why, fixes=fixes)

        return self._correcting(item, contract, inv, what, spans, record)

    def pause(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla pause <id> <reason> [at <time>]`: stop the clocks the contract lets that reason stop."""
        words, phrase = split_at(args)
        self._need(words, 2, "pause")
        item, contract = self.incident(words[0])
        reason = " ".join(words[1:]).lower()
        policy = load_policy(contract.policy) if contract is not None else None
        severity = policy.severities.get(item.severity) if policy is not None else None
        if (
            contract is None
            or policy is None
            or severity is None
            or policy.pause(reason, severity, contract.tier) is None
        ):
            known = ", ".join(f"`{p}`" for p in policy.pauses) if policy is not None and policy.pauses else "none"
            where = f"`{contract.id}`" if contract is not None else "this incident"
            return Reply(f"The contract of {where} has no pause for `{escape(reason)}`; its pauses: {known}.")
        if item.state.pauses and item.state.pauses[-1][1] is None:
            return Reply(f"*{item.incident_id}* is paused already; `/sla resume {item.incident_id}` first.")
        return self._record(item.incident_id, "paused", inv, phrase, text=reason)

    def resume(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla resume <id> [at <time>]`: the paused clocks run again, moved by the open time they stood still."""
        words, phrase = split_at(args)
        self._need(words, 1, "resume")
        item, _ = self.incident(words[0])
        pauses = item.state.pauses
        if not pauses or pauses[-1][1] is not None:
            return Reply(f"*{item.incident_id}* is not paused.")
        return self._record(item.incident_id, "resumed", inv, phrase)

    def _correcting(
        self,
        item: Incident,
        contract: Contract,
        inv: Invocation,
        what: str,
        spans: list[tuple[datetime, datetime]],
        record: Callable[[], Reply],
    ) -> Reply:
        """Run a correction of an incident and post what it changed in the months its old and new spans reach."""
        span = (item.opened_at, item.resolved_at or inv.now)
        reply, _ = corrected(
            contract,
            periods_touched(contract, [span, *spans]),
            record,
            correction_id=f"slack-{inv.trigger_id}",
            what=lambda _: what,
            actor=inv.user_id,
            now=inv.now,
            words=correction_text,
            incident_id=item.incident_id,
            claim_words=claim_reminder_text,
        )
        return reply

    def history(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla history <contract> [period]`: every correction of the contract (of one period), oldest first."""
        self._need(args, 1, "history")
        contract = self.contract(args[0])
        period = args[1] if len(args) > 1 else None
        found = lookups.corrections(contract.id, period)
        where = f"`{contract.id}`" + (f" {escape(period)}" if period else "")
        if not found:
            return Reply(f"No corrections of {where}.")
        lines = [history_line(contract, item) for item in found[-40:]]
        return Reply(f"*{len(found)} correction{'s' if len(found) != 1 else ''} of {where}*\n" + "\n".join(lines))

    def submit_update(self, incident_id: str, text: str, inv: Invocation) -> Reply:
        """The update modal's submission: an `update` event with the typed text (cleaned: it is the boundary)."""
        try:
            return self._record(incident_id, "update", inv, text=clean_text(text))
        except SlaError as error:
            return Reply(escape(str(error)))

    # -- App Home -----------------------------------------------------------------------------------

    def publish_home(self, user_id: str, now: datetime) -> None:
        """views.publish: open items across contracts, and each contract's month so far per component."""
        contracts = list(self.contracts.contracts.values())
        found, total, skipped = self.open_items(contracts, now, across=HOME_OPEN_LISTED)
        months = months_so_far(contracts, now, MONTHS_SHOWN)
        month = [block for m in months.shown for block in month_so_far(m.contract, m.glances, now)]
        if months.hidden_down or months.hidden_quiet:
            month.append(context(hidden_months(months)))
        view = home_view([text for _, text in found], month, now, UTC, skipped=skipped + months.skipped, total=total)
        self.slack.poster.publish_home(user_id, view)


def contract_glance_lines(contract: Contract, glance: ComponentGlance, *, sparkline: bool = False) -> list[str]:
    """A component's budget line (and sparkline) in a list of several contracts: led by the contract's id."""
    first, *rest = glance_lines(glance, sparkline=sparkline)
    return [f"`{contract.id}` {first}", *rest]


def hidden_months(months: MonthsSoFar) -> str:
    """The contracts whose month a view leaves out, counted: how many had downtime this month."""
    hidden = months.hidden_down + months.hidden_quiet
    noun = "contract" if hidden == 1 else "contracts"
    down = f"{months.hidden_down} with downtime this month" if months.hidden_down else "none with downtime this month"
    return f"{hidden} more {noun} not shown ({down}): `/sla credit <contract>` gives one's month."


def month_so_far(contract: Contract, glances: Sequence[ComponentGlance], now: datetime) -> list[dict[str, Any]]:
    """A contract's month on App Home, per component: availability to date against the target, then the budget
    left and one block per day so far with the worst day (or why the policy has neither)."""
    zone = contract_zone(contract)
    policy = load_policy(contract.policy)
    terms = policy.terms.availability
    blocks = []
    for glance in glances:
        if terms is not None:
            month = _month_to_date(glance.period, now)
            year = policy.allowance_year(month.start, zone)
            m = measure(terms, glance.downtime, month, zone, allowance_from=year)  # the glance's downtime, read once
            mark = ":white_check_mark:" if m.met else ":warning:"
            blocks.append(
                section(
                    f"{mark} `{contract.id}` {glance.component}: {m.percent_text()}% (target {m.target_percent}%), "
                    f"{m.counted_minutes} min counted down since {local_time(glance.period.start_at, zone)}"
                )
            )
        blocks.append(context("\n".join(contract_glance_lines(contract, glance, sparkline=True))))
    return blocks


def _month_to_date(period: Period, now: datetime) -> Period:
    """The month cut at `now` (or the whole month once it is over)."""
    return replace(period, end=min(period.end, max(period.start + 1, to_micros(now))))
