"""A reminder's buttons: "Responded" records what its clock waits for, "Snooze 15 min" defers the notice; then the
reminder says, in place, who did what and when.

"Responded" records the first response (`acknowledged`) or the status update (`update`) exactly as `/sla ack`
and `/sla update` do (`IncidentFlows._record`: timeline, card, thread reply), once per clock run: a click on a
clock already met (by anyone, from anywhere), or on the heads-up after the warning was answered, records
nothing. "Snooze" records a `snoozed` event naming the stage (the folded state keeps each stage's first snooze,
and `reminder_stages.with_snoozes` turns it into the notice coming back), once per notice. Two clicks at the
same moment (two people, two Lambdas) are settled by a conditional claim of the action (`claim_delivery`):
one records, the other is told so. A click that records nothing changes nothing and says why. What the
message then says is read from the timeline (whoever recorded the response, from Slack or PagerDuty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from sla_core.app import lookups
from sla_core.app.clocks import deadlines_of
from sla_core.app.contract_terms import display_zone
from sla_core.app.incident_service import record_event, thresholds_for
from sla_core.app.sweep import stage_post_id
from sla_core.config.contract import Contract
from sla_core.engine.errors import InputError
from sla_core.incidents.records import Incident, TimelineEntry
from sla_core.incidents.reminder_stages import (
    AGAIN,
    RANK,
    SNOOZABLE,
    Snooze,
    Stage,
    clock_key,
    incident_stages,
    stage_name,
)
from sla_core.incidents.state import OPEN_STATUSES, IncidentEvent
from sla_core.slack.flow_base import SOURCE, FlowBase, Invocation, Reply
from sla_core.slack.incidents.routes import RESPONDED_ACTION
from sla_core.slack.render.reminder_buttons import (
    LATER_WORDS,
    Responded,
    Snoozed,
    actions_block,
    clock_start,
    parse_value,
    responded_line,
    response_kind,
    snoozed_line,
    updated_blocks,
)
from sla_core.slack.render.text import date_token, escape

Record = Callable[[str, str, Invocation], Reply]  # IncidentFlows._record(incident id, event kind, invocation)
CLAIM_SOURCE = "reminder-button"
CLAIM_KEEP = timedelta(minutes=5)  # long enough to settle a race; a crash after the claim blocks no later click long
RACED = "Nothing recorded: someone pressed this on the same reminder just now."


def stages_now(item: Incident, contract: Contract | None) -> list[Stage]:
    """The incident's reminder stages as they stand, snoozes included."""
    return incident_stages(deadlines_of(item, contract), thresholds_for(contract), item.state.snoozes)


def after_snooze(stage_key: str, stages: Sequence[Stage], actor: str | None, at: datetime) -> Snoozed:
    """A snooze and what follows it: the notice's return, else the later stage of its clock that comes first
    (neither once the clock is met: it has no stages left)."""
    clock = [s for s in stages if clock_key(s.key) == clock_key(stage_key)]
    back = next((s.at for s in clock if s.key == stage_key + AGAIN), None)
    rank = RANK[stage_name(stage_key)]
    later = next(((s.name, s.at) for s in clock if RANK[s.name] > rank), None) if clock and back is None else None
    return Snoozed(actor, at, back, later)


def responded_in(events: Sequence[TimelineEntry], stage_key: str) -> Responded | None:
    """What met the stage's clock, from the timeline: the first acknowledgement, or the first update after the
    cadence run began (the run's start is in its key)."""
    kind = response_kind(stage_key)
    started = clock_start(stage_key)
    found = (e for e in events if e.event_type == kind and (kind != "update" or e.occurred_at > started))
    first = next(found, None)
    return Responded(first.event_type, first.actor, first.occurred_at) if first is not None else None


def snooze_reply(stage_key: str, stages: Sequence[Stage], kept: Snooze, zone: tzinfo, *, mine: bool) -> str:
    """What the snoozer is told: the snooze (theirs, or the one that was there first) and what follows it."""
    line = snoozed_line(after_snooze(stage_key, stages, kept[2], kept[1]), zone)
    return line if mine else f"Already snoozed: {line}"


class ReminderButtons:
    """The clicks on one reminder, on behalf of the flows (their lookups, Slack calls and `_record`)."""

    def __init__(self, flows: FlowBase, record: Record) -> None:
        self.flows = flows
        self.record = record

    def press(self, action_id: str, value: str, inv: Invocation, message_ts: str | None) -> Reply:
        """Responded or Snooze on the reminder the value names; the reminder (`message_ts` in the click's
        channel, else the ts its post was confirmed with) is updated when the click recorded something."""
        incident_id, stage_key = parse_value(value)
        item, contract = self.flows.incident(incident_id)
        if item.status not in OPEN_STATUSES:
            return Reply(f"*{escape(item.incident_id)}* is resolved: nothing to respond to or snooze.")
        act = self._respond if action_id == RESPONDED_ACTION else self._snooze
        reply, recorded = act(item, contract, stage_key, inv)
        if recorded:
            self._show(item.incident_id, contract, stage_key, inv, message_ts)
        return reply

    def _claim(self, what: str, inv: Invocation) -> bool:
        """One click does `what` (a conditional put): False for a click racing one that already claimed it."""
        return lookups.claim_once(CLAIM_SOURCE, what, now=inv.now, keep=CLAIM_KEEP)

    def _respond(
        self, item: Incident, contract: Contract | None, stage_key: str, inv: Invocation
    ) -> tuple[Reply, bool]:
        kind = response_kind(stage_key)
        if kind is None:
            raise InputError("No answer meets this clock: it runs until the incident is resolved.")
        run = next((t for t in deadlines_of(item, contract) if t.key == clock_key(stage_key)), None)
        if run is None or run.met_at is not None:
            done = responded_in(lookups.timeline(item.incident_id), stage_key)
            said = responded_line(done, display_zone(contract)) if done else "this reminder's clock has moved on."
            return Reply(f"Nothing recorded: {said}"), False
        if not self._claim(f"{item.incident_id}|{clock_key(stage_key)}|responded", inv):
            return Reply(RACED), False
        return replace(self.record(item.incident_id, kind, inv), in_channel=False), True

    def _snooze(self, item: Incident, contract: Contract | None, stage_key: str, inv: Invocation) -> tuple[Reply, bool]:
        name = stage_name(stage_key)
        if name not in SNOOZABLE:
            raise InputError("Only a heads-up or a warning can be snoozed; a breach needs an answer now.")
        stages = stages_now(item, contract)
        stage = next((s for s in stages if s.key == stage_key), None)
        if stage is None:
            return Reply("Nothing to snooze: this reminder's clock is met, paused or has moved on."), False
        zone = display_zone(contract)
        earlier = next((s for s in item.state.snoozes if s[0] == stage_key), None)
        if earlier is not None:
            return Reply(snooze_reply(stage_key, stages, earlier, zone, mine=False)), False
        gone = [
            s for s in stages if s.tracked.key == stage.tracked.key and RANK[s.name] > RANK[name] and s.at <= inv.now
        ]
        if gone:
            later = f"the {LATER_WORDS[gone[-1].name]} was due {date_token(gone[-1].at, zone)}"
            return Reply(f"Too late to snooze: {later}."), False
        if not self._claim(f"{item.incident_id}|{stage_key}|snoozed", inv):
            return Reply(RACED), False
        event = IncidentEvent(f"slack-snoozed-{inv.trigger_id}", "snoozed", inv.now, inv.user_id, text=stage_key)
        result = record_event(
            incident_id=item.incident_id, event=event, contract=contract, source=SOURCE, recorded_at=inv.now, read=item
        )
        kept = next(s for s in result.state.snoozes if s[0] == stage_key)  # this click's: it holds the claim
        return Reply(snooze_reply(stage_key, stages_now(result.incident, contract), kept, zone, mine=True)), True

    def _show(
        self, incident_id: str, contract: Contract | None, stage_key: str, inv: Invocation, message_ts: str | None
    ) -> None:
        """chat.update of the reminder: as posted, then who responded or snoozed and when, then the buttons left."""
        post = lookups.post(stage_post_id(incident_id, stage_key))
        item = lookups.incident(incident_id)
        ts = message_ts or (post.posted_ts if post is not None else None)
        if post is None or item is None or not ts:
            return
        events = lookups.timeline(incident_id)
        done = responded_in(events, stage_key)
        snooze = next((e for e in events if e.event_type == "snoozed" and e.details.get("text") == stage_key), None)
        zone = display_zone(contract)
        lines: list[tuple[datetime, str]] = []
        if snooze is not None:
            after = after_snooze(stage_key, stages_now(item, contract), snooze.actor, snooze.occurred_at)
            lines.append((snooze.occurred_at, snoozed_line(after, zone)))
        if done is not None:
            lines.append((done.at, responded_line(done, zone)))
        actions = actions_block(incident_id, stage_key, responded=done is not None, snoozed=snooze is not None)
        blocks = updated_blocks(list(post.blocks), [line for _, line in sorted(lines)], actions)
        self.flows.slack.poster.update_message(inv.channel_id or post.channel, ts, post.text, blocks=blocks)
