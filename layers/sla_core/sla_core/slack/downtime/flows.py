"""Recording a contract's availability by hand: `/sla downtime` (what was down) and `/sla maintenance` (what the
provider declared as maintenance, ahead of time or after the fact), each with an optional cause.

Both write downtime intervals (storage's StoredDowntime) that every estimate, resolve summary and report reads;
a maintenance interval takes over the downtime inside it as far as the policy's windows, allowance and notice
rules allow (engine.classification), so declaring it after the fact corrects the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sla_core.app import authorization
from sla_core.app.contract_credit import current_period_text, estimate_for_contract
from sla_core.app.contract_terms import contract_zone
from sla_core.app.corrections import corrected, periods_touched
from sla_core.app.downtime_records import record_downtime
from sla_core.app.event_bounds import check_instant
from sla_core.config.contract import Contract
from sla_core.engine.errors import InputError
from sla_core.engine.intervals import Kind
from sla_core.engine.policy_registry import load_policy
from sla_core.slack.flow_base import SOURCE, FlowBase, Invocation, Reply, short_id
from sla_core.slack.render.corrections import correction_text
from sla_core.slack.render.reports import claim_reminder_text
from sla_core.slack.render.text import date_token, duration_text
from sla_core.slack.time_phrases import parse_span, parse_time

DOWNTIME_KINDS = {"maintenance": Kind.SCHEDULED, "emergency": Kind.EMERGENCY}
POSTED, EMERGENCY = "posted", "emergency"
MAX_SPAN = timedelta(days=93)  # longer than any period a policy measures: surely a typo
DECLARED_AHEAD = timedelta(days=366)  # maintenance is declared ahead of time, but not years ahead


@dataclass(frozen=True, slots=True)
class Recorded:
    """What one `/sla downtime` or `/sla maintenance` asked for, read and checked."""

    contract: Contract
    components: tuple[str, ...]
    start: datetime
    end: datetime
    kind: Kind
    cause: str | None
    announced: datetime | None = None
    posted_window: bool = False

    @property
    def downtime_id(self) -> str:
        """The same declaration, typed again, names the same interval: it is recorded once."""
        instants = [t.astimezone(UTC).isoformat() if t else "" for t in (self.start, self.end, self.announced)]
        facts = (self.kind.value, *instants, self.cause or "", self.posted_window)
        return "slack-" + short_id(repr(facts), prefix="")


class DowntimeFlows(FlowBase):
    """Downtime and declared maintenance recorded by the people in a contract's `record_downtime`."""

    def downtime(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla downtime <contract> [component] <start> <end> [maintenance|emergency] [cause <id>]`: what has
        happened (the end is not in the future)."""
        self._need(args, 3, "downtime")
        contract = self.contract(args[0])
        refusal = self._authorized(contract, inv)
        if refusal is not None:
            return Reply(refusal)
        words, cause = self._cause(contract, _option(list(args[1:]), "cause", 1))
        component = self._component(contract, words, whole_service=False)
        kind = DOWNTIME_KINDS[words.pop().lower()] if words and words[-1].lower() in DOWNTIME_KINDS else Kind.UNPLANNED
        start, end = self._span(words, inv, contract)
        if end > inv.now + timedelta(minutes=1):
            raise InputError("The downtime must have ended by now; record what has happened.")
        return self._save(Recorded(contract, component, start, end, kind, cause), inv)

    def maintenance(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """`/sla maintenance <contract> [component] <start> <end> [announced <time>] [emergency] [posted]
        [cause <id>]`: maintenance the provider declared, ahead of time or after the fact (every component
        when none is named)."""
        self._need(args, 3, "maintenance")
        contract = self.contract(args[0])
        refusal = self._authorized(contract, inv)
        if refusal is not None:
            return Reply(refusal)
        words, cause = self._cause(contract, _option(list(args[1:]), "cause", 1))
        words, announced_text = _option(words, "announced", 2)
        flags = {w.lower() for w in words} & {POSTED, EMERGENCY}
        words = [w for w in words if w.lower() not in flags]
        kind = Kind.EMERGENCY if EMERGENCY in flags else Kind.SCHEDULED
        components = self._component(contract, words, whole_service=True)
        start, end = self._span(words, inv, contract)
        announced = None
        if announced_text is not None:
            announced = parse_time(announced_text, zone=self.zone_for(inv, contract), now=inv.now)
            if announced > inv.now + timedelta(minutes=1):
                raise InputError(f"`announced {announced_text}` is in the future; give when it was announced.")
            check_instant(announced, "The announcement", contract, inv.now)
        recorded = Recorded(contract, components, start, end, kind, cause, announced, POSTED in flags)
        return self._save(recorded, inv)

    # -- parts ------------------------------------------------------------------------------------------

    def _authorized(self, contract: Contract, inv: Invocation) -> str | None:
        decision = self.allowed(contract, authorization.RECORD_DOWNTIME, inv.user_id)
        return None if decision.allowed else decision.refusal

    def _cause(self, contract: Contract, split: tuple[list[str], str | None]) -> tuple[list[str], str | None]:
        """The words without `cause <id>`, and the cause, which must be one the contract's policy names."""
        words, cause = split
        if cause is None:
            return words, None
        causes = load_policy(contract.policy).causes()
        if cause.lower() not in causes:
            accepted = ", ".join(f"`{c}`" for c in causes) if causes else "none (its policy names no causes)"
            raise InputError(f"`{cause}` is not a cause `{contract.id}` knows; its causes: {accepted}.")
        return words, cause.lower()

    def _component(self, contract: Contract, words: list[str], *, whole_service: bool) -> tuple[str, ...]:
        """The component named first (removed from `words`); none named: the only one, or with `whole_service`
        every component of the contract."""
        if words and words[0].lower() in contract.components:
            return (words.pop(0).lower(),)
        if len(contract.components) > 1 and not whole_service:
            raise InputError(f"`{contract.id}` has several components; name one of {', '.join(contract.components)}.")
        return contract.components

    def _span(self, words: list[str], inv: Invocation, contract: Contract) -> tuple[datetime, datetime]:
        start, end = parse_span(tuple(words), zone=self.zone_for(inv, contract), now=inv.now)
        if end <= start:
            raise InputError("It must end after it starts.")
        if end - start > MAX_SPAN:
            raise InputError(f"{duration_text(end - start)} is longer than any period a contract measures.")
        check_instant(start, "The start", contract, inv.now, ahead=DECLARED_AHEAD)
        check_instant(end, "The end", contract, inv.now, ahead=DECLARED_AHEAD)
        return start, end

    def _save(self, recorded: Recorded, inv: Invocation) -> Reply:
        """Write one interval per component (a repeated request writes nothing twice), post a correction for
        each period whose figures it changed, and say what was recorded and what the month's figures are now."""
        contract = recorded.contract

        def write() -> int:
            return record_downtime(
                downtime_id=recorded.downtime_id, contract_id=contract.id, components=recorded.components,
                start=recorded.start, end=recorded.end, recorded_by=inv.user_id, source=SOURCE,
                reason=recorded.kind.value, cause=recorded.cause, announced_at=recorded.announced,
                posted_window=recorded.posted_window,
            )  # fmt: skip

        written, _ = corrected(
            contract,
            periods_touched(contract, [(recorded.start, min(recorded.end, inv.now))]),
            write,
            correction_id=f"slack-{inv.trigger_id}",
            what=lambda count: _correction_words(recorded) if count else None,
            actor=inv.user_id,
            now=inv.now,
            words=correction_text,
            claim_words=claim_reminder_text,
        )
        head = "Recorded" if written else "Already recorded"
        lines = [f"{head} {_described(recorded)}, by <@{inv.user_id}>.", *_month_lines(recorded, inv.now)]
        return Reply("\n".join(lines), in_channel=bool(written) and self.in_channel_here(inv, recorded.contract))


def _correction_words(recorded: Recorded) -> str:
    """What a correction post says was recorded: '121 min declared as maintenance announced Tue 03 Nov'."""
    zone = contract_zone(recorded.contract)
    minutes = int((recorded.end - recorded.start).total_seconds() // 60)
    if recorded.kind is Kind.UNPLANNED:
        text = f"{minutes} min of downtime recorded from {date_token(recorded.start, zone)}"
    else:
        kind = "emergency maintenance" if recorded.kind is Kind.EMERGENCY else "maintenance"
        text = f"{minutes} min declared as {kind} from {date_token(recorded.start, zone)}"
        if recorded.announced is not None:
            text += f", announced {date_token(recorded.announced, zone)}"
    return text + (f", cause {recorded.cause}" if recorded.cause else "")


def _option(words: list[str], keyword: str, most: int) -> tuple[list[str], str | None]:
    """Split `<keyword> <value>` (a value of up to `most` words, up to the next option word) off the words."""
    lowered = [w.lower() for w in words]
    if keyword not in lowered:
        return words, None
    at = lowered.index(keyword)
    stop = at + 1
    while stop < len(words) and stop - at <= most and lowered[stop] not in _OPTION_WORDS:
        stop += 1
    if stop == at + 1:
        raise InputError(f"`{keyword}` needs a value after it.")
    return words[:at] + words[stop:], " ".join(words[at + 1 : stop])


_OPTION_WORDS = frozenset({"cause", "announced", POSTED, EMERGENCY, "maintenance"})


def _month_lines(recorded: Recorded, now: datetime) -> list[str]:
    """The month of the interval's start as it now stands, per component (nothing when no credit terms apply)."""
    terms = load_policy(recorded.contract.policy).terms
    if terms.credit is None or terms.availability is None:
        return []
    zone = contract_zone(recorded.contract)
    label = current_period_text(terms.credit.period, zone, recorded.start, terms.credit.fiscal_year_start_month)
    lines = []
    for estimate in estimate_for_contract(recorded.contract, label, now):
        m = estimate.availability
        if m is not None and estimate.component in recorded.components:
            lines.append(
                f"{label} {estimate.component} now: availability {m.percent_text()}% (target {m.target_percent:f}%),"
                f" estimated credit {estimate.amount:.2f} {estimate.currency}."
            )
    return lines


def _described(recorded: Recorded) -> str:
    """'scheduled maintenance of `resonate-ems` platform: <start> – <end> (120 min), announced ... (4 d ahead)'."""
    zone = contract_zone(recorded.contract)
    what = {Kind.UNPLANNED: "unplanned downtime", Kind.SCHEDULED: "scheduled maintenance", Kind.EMERGENCY: "emergency"}
    kind = what[recorded.kind] + (" maintenance" if recorded.kind is Kind.EMERGENCY else "")
    minutes = int((recorded.end - recorded.start).total_seconds() // 60)
    text = (
        f"{kind} of `{recorded.contract.id}` {', '.join(recorded.components)}: {date_token(recorded.start, zone)}"
        f" – {date_token(recorded.end, zone)} ({minutes} min)"
    )
    if recorded.announced is not None:
        lead = recorded.start - recorded.announced
        ahead = f"{duration_text(lead)} ahead" if lead > timedelta(0) else "after it began"
        text += f", announced {date_token(recorded.announced, zone)} ({ahead})"
    elif recorded.kind is not Kind.UNPLANNED:
        text += ", announcement time not given (taken as announced in time; `/sla credit` gives both figures)"
    if recorded.posted_window:
        text += ", in the provider's posted maintenance windows"
    if recorded.cause is not None:
        text += f", cause `{recorded.cause}`"
    return text
