"""A policy explained for people (`python -m sla_core explain`, `/sla contracts <id>`): plain sentences, section by
section: calendars with their zones and holidays, each severity's targets in words, availability and
exclusions, credit, claims and rights, and every reading with its other reading. Pure: data in, lines out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec

from sla_core.engine.after_hours import rate_text
from sla_core.engine.clauses import Clause, Clauses
from sla_core.engine.clock_words import number, target_words
from sla_core.engine.example_cases import Example
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.engine.policy import UNNAMED_HOLIDAYS, Policy, Severity, Tier
from sla_core.engine.terms import (
    TIME_MECHANISMS,
    AfterHoursTerms,
    AvailabilityTerms,
    ClaimTerms,
    CreditTerms,
    Maintenance,
    Recording,
    TerminationTerms,
)
from sla_core.engine.zones import CUSTOMER


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its lines."""

    title: str
    lines: tuple[str, ...]


def metric_words(metric: str) -> str:
    """'initial_response' → 'initial response'."""
    return metric.replace("_", " ")


def holiday_words(spec: HolidaySpec) -> str:
    """'US public holidays (subdivision VA) and 2026-12-24', or 'no public holidays'."""
    if spec.country is None and not spec.extra and not spec.named:
        return "no public holidays"
    parts = []
    if spec.country is not None:
        parts.append(f"{spec.country} public holidays" + (f" (subdivision {spec.subdiv})" if spec.subdiv else ""))
    parts += [day.isoformat() for day in spec.extra]
    parts += [f"{name} ({when.isoformat() if isinstance(when, date) else f'every year: {when}'})"
              for name, when in spec.named]  # fmt: skip
    return " and ".join(parts)


def _window_texts(policy: Policy, calendar_id: str) -> list[str]:
    """A calendar's windows as written in the policy file."""
    written = policy.data.get("calendars", {}).get(calendar_id, {}).get("windows", [])
    return [str(w) for w in written] if isinstance(written, list) else []


def _calendar_line(policy: Policy, calendar_id: str, region: str | None) -> str:
    """One calendar: its name, windows, zone, what closes it, and its business day."""
    spec, calendar = policy.calendars[calendar_id], policy.shape_calendar(calendar_id, region)
    holidays = policy.regions[region].holidays.spec if region else policy.holidays.spec
    closed = [f"closed on {holiday_words(holidays)}"] if spec.use_holidays and holidays != HolidaySpec() else []
    closed += [f"closed on {day.isoformat()}" for day in spec.extra_holidays]
    minutes = calendar.business_day_minutes or 0
    day = [] if calendar.always_open else [f"a business day is {number(minutes / 60)} h"]
    facts = "; ".join((closed or ["no holidays"]) + day)
    zone = spec.zone or policy.zone_for(region).key
    if zone == CUSTOMER:
        zone = "the customer's local time (each contract's customer_timezone)"
    elif policy.customer_zone is not None and policy.customer_zone == spec.zone:
        zone = f"{zone}, the customer's local time"
    return f"{calendar_id}: {spec.name}. Open {', '.join(_window_texts(policy, calendar_id))} in {zone}; {facts}."


def _calendars(policy: Policy, region: str | None) -> Section:
    """Every calendar of the policy, as it runs for the region."""
    lines = tuple(_calendar_line(policy, cid, region) for cid in policy.calendars)
    return Section("Calendars", lines or ("None: the policy has no response targets (availability only).",))


def _zone_lines(policy: Policy, region: str | None) -> Section:
    """The zone and holidays: the region's, every region's, or the policy's."""
    if region is not None:
        chosen = policy.regions[region]
        lines = [f"Region {chosen.id} ({chosen.name}): times in {chosen.zone}; {holiday_words(chosen.holidays.spec)}."]
    elif policy.regions:
        lines = ["Times and holidays are the support region's (give a region to see one):"]
        lines += [f"{r.id} ({r.name}): {r.zone}; {holiday_words(r.holidays.spec)}." for r in policy.regions.values()]
    else:
        lines = [f"Times are in {policy.zone}; holidays: {holiday_words(policy.holidays.spec)}."]
    if policy.timezone_basis:
        lines.append(policy.timezone_basis)
    if policy.effective is not None:
        lines.append(f"These terms apply to agreements signed on or after {policy.effective.since.isoformat()}.")
    if policy.holidays.unnamed:
        lines.append(UNNAMED_HOLIDAYS)
    return Section("Zone and holidays", tuple(lines))


def _tier_line(tier: Tier) -> str:
    """One tier: its name, and whether it is another name for a tier or has no SLA."""
    if tier.same_as is not None:
        before = f" in agreements dated before {tier.agreements_before.isoformat()}" if tier.agreements_before else ""
        return f"{tier.id} ({tier.name}): another name for {tier.same_as}{before}."
    if not tier.sla:
        return f"{tier.id} ({tier.name}): no SLA (no deadlines; the plain answer instead)."
    return f"{tier.id} ({tier.name})."


def _tiers(policy: Policy, tier: str | None) -> Section | None:
    """The tiers (none for a policy without tiers), saying which one is shown."""
    if not policy.tiers:
        return None
    shown = [f"Shown for tier {tier}."] if tier is not None else []
    return Section("Tiers", tuple(shown + [_tier_line(t) for t in policy.tiers.values()]))


def _severity_lines(policy: Policy, severity: Severity, tier: str | None, region: str | None) -> list[str]:
    """A severity, whether it records downtime, and each of its targets (the tier's) in words."""
    kind = "an outage: a resolved incident records downtime" if severity.outage else "a ticket: records no downtime"
    lines = [f"{severity.id} ({severity.name}), {kind}:"]
    for target in severity.targets if tier is None else policy.targets(severity, tier):
        tiers = f" ({', '.join(target.tiers)})" if target.tiers and tier is None else ""
        lines.append(f"  {metric_words(target.metric)}{tiers}: {target_words(policy, target, region)}")
    return lines if len(lines) > 1 else [*lines, "  no targets for this tier"]


def _severities(policy: Policy, tier: str | None, region: str | None) -> Section:
    """Every severity's targets, then the reasons the clocks may stop."""
    lines = [line for s in policy.severities.values() for line in _severity_lines(policy, s, tier, region)]
    lines += [
        f"Pause {p.id} ({p.name}): stops the {', '.join(map(metric_words, p.metrics))} clocks."
        for p in policy.pauses.values()
    ]
    if not lines:
        return Section("Severities and targets", ("None: nothing is due but availability and credits.",))
    return Section("Severities and targets", (*lines, _boundary_line(policy)))


def _boundary_line(policy: Policy) -> str:
    """Whether a response exactly at the due instant is met, as the contract words it."""
    found = policy.boundary
    if found is None:
        return "Work done exactly at the due instant meets the target (the contract words no boundary)."
    which = ", ".join(map(metric_words, found.metrics)) if found.metrics else "every target"
    verdict = "meets" if found.met_at_due else "misses"
    others = " (other targets: it meets them)" if found.metrics and not found.met_at_due else ""
    return f"Work done exactly at the due instant {verdict} {which}{others}: “{found.quote}”."


def _maintenance_lines(m: Maintenance) -> list[str]:
    """Where scheduled maintenance may happen, how much is excluded, and the notice it needs."""
    lines = []
    if m.windows_text:
        zones = f" (read in {' and in '.join(m.zones)}: only where every zone allows it)" if m.zones else ""
        counts = "outside" if m.windows_are == "allowed" else "inside"
        windows = ", ".join(m.windows_text)
        lines.append(
            f"Scheduled maintenance is {m.windows_are} in {windows}{zones}; {counts} them it counts as downtime."
        )
    if m.allowance is not None:
        per = "a month" if m.allowance_per == "month" else "a year (the year's maintenance first come, first served)"
        lines.append(f"Up to {m.allowance} of maintenance {per} is excluded, in time order; beyond that it counts.")
    notice = m.notice
    if notice is not None:
        least = f"at least {notice.minimum} ahead" if notice.minimum else "before it starts"
        free = [w for w, on in (("in posted windows", notice.posted_windows), ("emergency maintenance",
                notice.emergency_exempt)) if on]  # fmt: skip
        needed = f"; none needed for {' and '.join(free)}" if free else ""
        lines.append(f"Maintenance must be announced {least} to be excluded{needed}.")
    return lines


EMERGENCY = {"excluded": "is excluded", "unplanned": "counts as downtime", "maintenance": "counts as maintenance"}


def _recording_lines(recording: Recording) -> list[str]:
    """What monitoring records: the shortest outage recorded and the probe rule."""
    lines = []
    if recording.minimum_outage is not None:
        each = "each outage, touching intervals merged" if recording.minimum_applies_to == "outage" else "each interval"
        lines.append(f"Outages shorter than {recording.minimum_outage} are not recorded ({each}).")
    every = f" (probes every {recording.probe_interval})" if recording.probe_interval else ""
    return [*lines, f"Downtime starts after {recording.probe_failures} failed probes in a row{every}."]


def _availability(terms: AvailabilityTerms | None, period: str) -> Section:
    """The availability target, what is excluded from it, maintenance, emergencies and recording."""
    if terms is None:
        return Section("Availability", ("No availability commitment.",))
    over = "the whole period" if terms.measured_over == "month" else "the period less excluded time"
    lines = [f"{terms.target_percent}% of each calendar {period}, measured over {over}'s real minutes."]
    if terms.counts_from is not None:
        lines.append(f"Counted from the contract's {terms.counts_from.date} date only.")
    if terms.excluded_causes:
        lines.append(f"Excluded causes: {', '.join(cause for cause, _ in terms.excluded_causes)}.")
    lines += _maintenance_lines(terms.maintenance) if terms.maintenance is not None else []
    if terms.emergency is not None:
        lines.append(f"Emergency maintenance {EMERGENCY[terms.emergency.treat_as]}.")
    lines += _recording_lines(terms.recording) if terms.recording is not None else []
    return Section("Availability", tuple(lines))


MECHANISM_WORDS = {
    "per_minute": "a per-minute rate of the fee for each credited minute",
    "proportional": "credited time / the service period × the fee",
    "tiered_percent": "a percent of the fee by availability band",
    "missed_responses": "a percent of the fee when too many first responses are missed",
}


def _time_credit_lines(credit: CreditTerms) -> list[str]:
    """For a time credit: when and which minutes are credited, and what they are divided by."""
    if credit.mechanism not in TIME_MECHANISMS:
        return []
    when = "in a period that misses the target" if credit.when == "target_missed" else "for every counted minute"
    which = "every counted minute" if credit.credited == "all" else "only the minutes beyond the target"
    lines = [f"Credited {when}: {which}."]
    if credit.divisor is not None:
        lengths = [f"the {credit.period}'s real length"] if credit.divisor.month else []
        lengths += [str(span) for span in credit.divisor.spans]
        shorter = ", whichever is shorter" if len(lengths) > 1 else ""
        lines.append(f"Divided by {' or '.join(lengths)}{shorter}.")
    return lines


def _credit(credit: CreditTerms | None) -> Section:
    """How the credit is computed, from what, and what limits it."""
    if credit is None or credit.mechanism == "none":
        return Section("Credit", ("The contract states no service credit.",))
    times = f"{credit.multiplier} × " if credit.multiplier != 1 else ""
    first = f"{times}{MECHANISM_WORDS[credit.mechanism]}; fee: {credit.fee} ({credit.currency}), per {credit.period}."
    lines = [first[0].upper() + first[1:], *_time_credit_lines(credit)]
    lines += [f"Band: {band.describe()}." for band in credit.bands]
    if credit.missed_responses is not None:
        rule = credit.missed_responses
        lines.append(f"More than {rule.more_than} missed first responses in a {credit.period}: {rule.percent}%.")
    for cause in credit.credited_causes:
        longer = f" when longer than {cause.longer_than}" if cause.longer_than else ""
        lines.append(f"{cause.cause} outages still earn credit{longer}.")
    if credit.scope is not None:
        who = [f"tiers {', '.join(credit.scope.tiers)}" if credit.scope.tiers else "",
               f"components {', '.join(credit.scope.components)}" if credit.scope.components else ""]  # fmt: skip
        lines.append(f"Only {' and '.join(w for w in who if w)} earn credit.")
    if credit.cap is not None:
        lines.append(f"Capped at {credit.cap.describe()} per {credit.period}.")
    return Section("Credit", tuple(lines))


def _claims(claims: ClaimTerms | None, period: str) -> Section:
    """The claim deadline and what it runs from, where the claim goes, its contents and conditions."""
    if claims is None:
        return Section("Claims", ("Nothing to claim.",))
    origin = {
        "outage_end": "the outage's end",
        "outage_start": "the outage's start",
        "period_end": f"the {period}'s end",
    }
    later = " (or a later post-mortem about it)" if claims.post_mortem else ""
    deadline = f"within {claims.deadline} of {origin[claims.counted_from]}{later}" if claims.deadline else "none stated"
    lines = [f"Claim deadline: {deadline}."]
    lines += [f"Submit to: {claims.submit_to}."] if claims.submit_to else []
    lines += [f"Contents: {'; '.join(claims.contents)}."] if claims.contents else []
    return Section("Claims", tuple(lines + [f"Condition: {c}" for c in claims.eligibility]))


def _termination_lines(t: TerminationTerms) -> list[str]:
    """The termination right and the refund it brings."""
    window = (
        f"any {t.window_months} consecutive calendar months"
        if t.window == "calendar_months"
        else f"any rolling {t.window_months}-month period"
    )
    lines = [
        f"Termination: after more than {t.failures_more_than} failed months within {window}; "
        f"exercised within {t.exercise_within} after the last failed month ends."
    ]
    if t.refund is not None:
        day = "that day refunded" if t.refund.effective_day == "refunded" else "that day still paid"
        lines.append(f"Prepaid fees are refunded pro rata by day from the effective date of termination, {day}.")
    return lines


def _after_hours_lines(a: AfterHoursTerms) -> list[str]:
    """Paid after-hours support: its rate and minimum, and when it is waived."""
    lines = [f"After-hours support (tickets opened outside {a.outside}): {rate_text(a)}, at least {a.minimum}."]
    if a.waiver is not None:
        shown = f" (shown waived for {', '.join(a.waiver.severities)})" if a.waiver.severities else ""
        lines.append(f"Waived when {a.waiver.when}{shown}.")
    return lines


def _rights(policy: Policy) -> Section:
    """Termination rights, paid support and the customer's dated duties."""
    terms = policy.terms
    lines = _termination_lines(terms.termination) if terms.termination is not None else []
    lines += _after_hours_lines(terms.after_hours) if terms.after_hours is not None else []
    for duty in terms.duties:
        how = f", {duty.how}" if duty.how else ""
        lines.append(f"Customer duty: {duty.name}, before the {duty.before} date{how}.")
    return Section("Rights and duties", tuple(lines or ["No termination right, paid support or dated duty."]))


_QUALIFYING = ("notice", "refund", "counts_from")


def _clauses(node: Any) -> Iterator[Clause]:
    """Every clause in a policy's rules (its tables, lists and mappings; not its examples): a table's own after
    those of the tables in it, except the ones that qualify it (notice, refund, counts_from)."""
    if isinstance(node, msgspec.Struct) and not isinstance(node, Example):
        fields = [(f.encode_name, getattr(node, f.name)) for f in msgspec.structs.fields(node) if f.name[0] != "_"]
        for _, value in [(k, v) for k, v in fields if k not in _QUALIFYING]:
            yield from _clauses(value)
        if isinstance(node, Clauses):
            yield node.clause
        for _, value in [(k, v) for k, v in fields if k in _QUALIFYING]:
            yield from _clauses(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _clauses(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _clauses(value)


def _label(policy: Policy, path: tuple[str | int, ...]) -> str:
    """Where a clause is, in words: 'P1 initial response', 'calendar primary', 'credit bands 2'."""
    if path[:1] == ("severities",) and len(path) >= 4:
        severity = list(policy.severities.values())[int(path[1])]
        return f"{severity.id} {metric_words(severity.targets[int(path[3])].metric)}"
    if path[:1] == ("calendars",):
        return f"calendar {path[1]}"
    return " ".join(str(p + 1) if isinstance(p, int) else str(p).replace("_", " ") for p in path) or "policy"


def _applies(policy: Policy, path: tuple[str | int, ...], tier: str | None, region: str | None) -> bool:
    """Whether a clause belongs to what is shown: the tier's targets, the region's holidays."""
    if region is not None and path[:1] == ("regions",) and path[1] != region:
        return False
    if tier is not None and path[:1] == ("severities",) and len(path) >= 4:
        target = list(policy.severities.values())[int(path[1])].targets[int(path[3])]
        return not target.tiers or tier in target.tiers
    return True


def _readings(policy: Policy, tier: str | None, region: str | None) -> Section:
    lines = []
    for clause in dict.fromkeys(c for c in _clauses(policy) if c.has_reading):
        if _applies(policy, clause.path, tier, region):
            lines.append(f"{_label(policy, clause.path)}: {clause.chosen}")
            lines.append(f"  other reading: {clause.other}")
    return Section("Readings (the one taken, then the other)", tuple(lines or ["None: every clause is read plainly."]))


def explain(policy: Policy, tier: str | None = None, region: str | None = None) -> list[Section]:
    """The policy in sections of plain sentences, for a tier and region when given (names are checked)."""
    tier, region = (
        policy.tier(tier) if tier is not None else None,
        policy.region(region) if region is not None else None,
    )
    head = Section(
        f"{policy.title} ({policy.id})", (f"Vendor: {policy.vendor}.", f"Components: {', '.join(policy.components)}.")
    )
    sections = [head, _zone_lines(policy, region), _calendars(policy, region)]
    tiers = _tiers(policy, tier)
    sections += [tiers] if tiers is not None else []
    period = policy.terms.credit.period if policy.terms.credit is not None else "month"
    sections += [
        _severities(policy, tier, region),
        _availability(policy.terms.availability, period),
        _credit(policy.terms.credit),
        _claims(policy.terms.claims, period),
        _rights(policy),
        _readings(policy, tier, region),
    ]
    return sections


def explain_text(policy: Policy, tier: str | None = None, region: str | None = None) -> str:
    """`explain` as one plain text: headings, then their lines indented."""
    return "\n\n".join(
        "\n".join([section.title, *(f"  {line}" for line in section.lines)])
        for section in explain(policy, tier, region)
    )
