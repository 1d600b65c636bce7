"""Reading and validating a policy's commercial sections (schema: `terms`); errors name the file and the field."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla_core.engine.clauses import parse_clause
from sla_core.engine.errors import PolicyError
from sla_core.engine.spans import Span, parse_contract_span
from sla_core.engine.terms import (
    AVAILABILITY_MECHANISMS,
    CAUSES,
    COUNTS_FROM,
    DUTY_DATES,
    MECHANISMS,
    PERIOD_UNITS,
    TIME_MECHANISMS,
    AfterHoursTerms,
    AvailabilityTerms,
    Band,
    Billing,
    Cap,
    ClaimTerms,
    CommercialTerms,
    CountedFrom,
    CountsFrom,
    Credited,
    CreditedCause,
    CreditTerms,
    Divisor,
    Duty,
    EffectiveDay,
    Emergency,
    Maintenance,
    MeasuredOver,
    Mechanism,
    MinimumAppliesTo,
    MissedResponses,
    Notice,
    PeriodUnit,
    Recording,
    RefundTerms,
    Scope,
    TerminationTerms,
    TerminationWindow,
    TreatAs,
    Waiver,
    When,
    WindowsAre,
)
from sla_core.engine.toml_fields import Table
from sla_core.engine.windows import parse_window_list


def _choice(table: Table, key: str, options: tuple[str, ...], default: str | None = None) -> str:
    """A string field that must be one of `options` (or `default` when left out)."""
    value = table.text(key, default)
    if value not in options:
        raise table.fail(key, f"must be one of {', '.join(options)}, not {value!r}")
    return value


def _percent(table: Table, key: str, *, required: bool = True) -> Decimal | None:
    """A decimal field from 0 to 100."""
    value = table.decimal(key, required=required)
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise table.fail(key, f"must be a percent from '0' to '100', not {str(value)!r}")
    return value


def _cause(table: Table, key: str) -> str:
    """A cause key, which must be one of CAUSES."""
    if key not in CAUSES:
        raise table.fail(key, f"unknown cause; accepted: {', '.join(CAUSES)}")
    return key


def _zones(value: Any) -> list[str]:
    """A non-empty list of IANA zone names, each checked by loading it."""
    if not isinstance(value, list) or not value:
        raise PolicyError("must be a non-empty list of IANA time zones such as ['America/New_York', 'Etc/GMT+5']")
    for name in value:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise PolicyError(f"{name!r} is not an IANA time zone such as 'America/New_York'") from None
    return [str(name) for name in value]


def _notice(table: Table) -> Notice:
    """`[availability.maintenance.notice]`: the minimum notice and what needs none."""
    found = Notice(
        minimum=table.parsed("minimum", parse_contract_span, required=False),
        posted_windows=table.flag("posted_windows", False),
        emergency_exempt=table.flag("emergency_exempt", False),
        clause=parse_clause(table),
    )
    table.close()
    return found


def _maintenance(table: Table) -> Maintenance:
    """`[availability.maintenance]`: windows (with whether they allow or forbid), the monthly allowance and the
    notice rule."""
    parsed = table.parsed("windows", lambda v: parse_window_list(v, "Thu 21:00-03:00"), required=False)
    windows, texts = parsed if parsed else ((), ())
    windows_are = table.opt_text("windows_are")
    if (windows_are is None) != (not windows):
        raise table.fail("windows_are", "windows and windows_are (allowed or forbidden) go together")
    if windows_are is not None and windows_are not in ("allowed", "forbidden"):
        raise table.fail("windows_are", f"must be one of allowed, forbidden, not {windows_are!r}")
    found = Maintenance(
        windows=windows,
        windows_text=texts,
        windows_are=cast(WindowsAre, windows_are or "allowed"),
        allowance=table.parsed("allowance", parse_contract_span, required=False),
        clause=parse_clause(table),
        notice=_notice(notice) if (notice := table.table("notice")) is not None else None,
        zones=tuple(table.parsed("window_zones", _zones, required=False) or ()),
    )
    if found.zones and not windows:
        raise table.fail("window_zones", "needs windows: it names the zones the windows are read in")
    table.close()
    return found


def _availability(table: Table) -> AvailabilityTerms:
    """`[availability]` and its excluded causes, maintenance, emergency and recording tables."""
    target = _percent(table, "target_percent")
    assert target is not None
    if target == 0:
        raise table.fail("target_percent", "must be above '0'")
    causes_table = table.table("excluded_causes")
    causes: list[tuple[str, str]] = []
    if causes_table is not None:
        causes = [(_cause(causes_table, key), causes_table.text(key)) for key in list(causes_table.data)]
        causes_table.close()
    maintenance = table.table("maintenance")
    emergency_table = table.table("emergency")
    emergency = None
    if emergency_table is not None:
        treat = _choice(emergency_table, "treat_as", ("excluded", "unplanned", "maintenance"))
        emergency = Emergency(cast(TreatAs, treat), parse_clause(emergency_table))
        emergency_table.close()
    recording_table = table.table("recording")
    recording = None
    if recording_table is not None:
        failures = recording_table.whole("probe_failures", 2, minimum=1)
        assert failures is not None
        recording = Recording(
            minimum_outage=recording_table.parsed("minimum_outage", parse_contract_span, required=False),
            probe_interval=recording_table.parsed("probe_interval", parse_contract_span, required=False),
            probe_failures=failures,
            clause=parse_clause(recording_table),
            minimum_applies_to=cast(
                MinimumAppliesTo, _choice(recording_table, "minimum_applies_to", ("outage", "interval"), "outage")
            ),
        )
        recording_table.close()
    counts_from_table = table.table("counts_from")
    counts_from = None
    if counts_from_table is not None:
        counts_from = CountsFrom(_choice(counts_from_table, "date", COUNTS_FROM), parse_clause(counts_from_table))
        counts_from_table.close()
    found = AvailabilityTerms(
        target_percent=target,
        measured_over=cast(MeasuredOver, _choice(table, "measured_over", ("month", "month_less_excluded"), "month")),
        excluded_causes=tuple(causes),
        maintenance=_maintenance(maintenance) if maintenance is not None else None,
        emergency=emergency,
        recording=recording,
        clause=parse_clause(table),
        counts_from=counts_from,
    )
    table.close()
    return found


def _divisor(table: Table, period: str) -> Divisor:
    """`[credit.divisor]`: the period's own length ('month' or 'quarter', as `[credit] period` says) and any
    fixed spans a time credit divides by."""
    lengths = table.texts("lengths", required=True)
    if not lengths:
        raise table.fail("lengths", f"must name at least one length: {period!r} or a span such as '30 days'")
    own = [length for length in lengths if length in PERIOD_UNITS]
    if any(length != period for length in own):
        raise table.fail("lengths", f"the credit period is a {period}, so its own length is written {period!r}")
    spans = tuple(table.parsed("lengths", lambda v: [parse_contract_span(x) for x in v if x not in PERIOD_UNITS]) or ())
    found = Divisor(bool(own), spans, parse_clause(table))
    table.close()
    return found


def _cap(table: Table) -> Cap:
    """`[credit.cap]`: a percent of the fee, or a span of paid service (its share of the fee); exactly one."""
    percent = _percent(table, "percent", required=False)
    service = table.parsed("service", parse_contract_span, required=False)
    if (percent is None) == (service is None):
        raise table.fail("percent", "give exactly one of percent or service", 'percent = "10" or service = "30 days"')
    found = Cap(percent, parse_clause(table), service)
    table.close()
    return found


def _multiplier(table: Table, mechanism: str) -> Decimal:
    """`[credit] multiplier`: how many times the credited time's share of the fee a time credit is (default 1)."""
    multiplier = table.decimal("multiplier", required=False)
    if multiplier is None:
        return Decimal(1)
    if mechanism not in TIME_MECHANISMS:
        raise table.fail("multiplier", f"applies only to time credits ({', '.join(TIME_MECHANISMS)}), not {mechanism}")
    if multiplier <= 0:
        raise table.fail("multiplier", f"must be above '0', not {str(multiplier)!r}")
    return multiplier


def _scope(table: Table, tiers: set[str], components: tuple[str, ...]) -> Scope:
    """`[credit.scope]`: the tiers and components that earn credit, which must be defined."""
    scope_tiers, scope_components = tuple(table.texts("tiers")), tuple(table.texts("components"))
    for tier in scope_tiers:
        if tier not in tiers:
            raise table.fail("tiers", f"unknown tier {tier!r}; defined: {', '.join(sorted(tiers)) or 'none'}")
    for component in scope_components:
        if component not in components:
            raise table.fail("components", f"unknown component {component!r}; defined: {', '.join(components)}")
    found = Scope(scope_tiers, scope_components, parse_clause(table))
    table.close()
    return found


def _band(table: Table) -> Band:
    """A `[[credit.bands]]` row: exactly one of below or at_or_below, and its percent."""
    below, at_or_below = _percent(table, "below", required=False), _percent(table, "at_or_below", required=False)
    if (below is None) == (at_or_below is None):
        raise table.fail("below", "give exactly one of below or at_or_below")
    percent = _percent(table, "percent")
    assert percent is not None
    limit = below if below is not None else at_or_below
    assert limit is not None
    found = Band(limit, at_or_below is not None, percent, parse_clause(table))
    table.close()
    return found


def _credit(table: Table, tiers: set[str], components: tuple[str, ...], has_availability: bool) -> CreditTerms:
    """`[credit]`: the mechanism and the tables it needs, currency, period and cap."""
    mechanism = cast(Mechanism, _choice(table, "mechanism", MECHANISMS))
    currency = table.text("currency", "USD")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise table.fail("currency", f"must be an ISO 4217 code such as 'USD', not {currency!r}")
    if mechanism in AVAILABILITY_MECHANISMS and not has_availability:
        raise table.fail("mechanism", f"{mechanism} needs an [availability] section")
    divisor_table, scope_table, cap_table = table.table("divisor"), table.table("scope"), table.table("cap")
    missed_table = table.table("missed_responses")
    bands = tuple(_band(t) for t in table.tables("bands"))
    cap = _cap(cap_table) if cap_table is not None else None
    credited_causes: list[CreditedCause] = []
    for cause, cause_table in table.named_tables("credited_causes").items():
        credited_causes.append(
            CreditedCause(
                cause=_cause(table, cause),
                longer_than=cause_table.parsed("longer_than", parse_contract_span, required=False),
                clause=parse_clause(cause_table),
            )
        )
        cause_table.close()
    missed = None
    if missed_table is not None:
        more_than, percent = missed_table.whole("more_than"), _percent(missed_table, "percent")
        if more_than is None:
            raise missed_table.fail("more_than", "is required")
        assert percent is not None
        missed = MissedResponses(more_than, percent, parse_clause(missed_table))
        missed_table.close()
    needs = {
        "per_minute": ("divisor", divisor_table),
        "proportional": ("divisor", divisor_table),
        "tiered_percent": ("bands", bands or None),
        "missed_responses": ("missed_responses", missed),
    }
    if mechanism in needs and needs[mechanism][1] is None:
        raise table.fail(needs[mechanism][0], f"is required for mechanism {mechanism}")
    start_month = table.whole("fiscal_year_start_month", 1, minimum=1)
    assert start_month is not None
    if start_month > 12:
        raise table.fail("fiscal_year_start_month", f"must be a month from 1 to 12, not {start_month}")
    period = cast(PeriodUnit, _choice(table, "period", PERIOD_UNITS, "month"))
    found = CreditTerms(
        mechanism=mechanism,
        currency=currency,
        fee=table.text("fee", "the fee for the period"),
        period=period,
        fiscal_year_start_month=start_month,
        when=cast(When, _choice(table, "when", ("target_missed", "always"), "target_missed")),
        credited=cast(Credited, _choice(table, "credited", ("all", "beyond_target"), "all")),
        divisor=_divisor(divisor_table, period) if divisor_table is not None else None,
        scope=_scope(scope_table, tiers, components) if scope_table is not None else None,
        bands=bands,
        cap=cap,
        credited_causes=tuple(credited_causes),
        missed_responses=missed,
        clause=parse_clause(table),
        multiplier=_multiplier(table, mechanism),
    )
    table.close()
    return found


def _claims(table: Table) -> ClaimTerms:
    """`[claims]` and its eligibility conditions."""
    eligibility_table = table.table("eligibility")
    eligibility: tuple[str, ...] = ()
    eligibility_clause = None
    if eligibility_table is not None:
        eligibility = tuple(eligibility_table.texts("conditions", required=True))
        eligibility_clause = parse_clause(eligibility_table)
        eligibility_table.close()
    found = ClaimTerms(
        deadline=table.parsed("deadline", parse_contract_span, required=False),
        counted_from=cast(
            CountedFrom, _choice(table, "counted_from", ("outage_end", "outage_start", "period_end"), "outage_end")
        ),
        post_mortem=table.flag("post_mortem", False),
        submit_to=table.opt_text("submit_to"),
        contents=tuple(table.texts("contents")),
        eligibility=eligibility,
        eligibility_clause=eligibility_clause,
        clause=parse_clause(table),
    )
    table.close()
    return found


def _termination(table: Table) -> TerminationTerms:
    """`[termination]`: failed months, window and how long the right lasts."""
    more_than = table.whole("failures_more_than")
    months = table.whole("window_months", minimum=1)
    if more_than is None or months is None:
        raise table.fail("failures_more_than" if more_than is None else "window_months", "is required")
    within = table.parsed("exercise_within", parse_contract_span)
    assert within is not None
    window = cast(TerminationWindow, _choice(table, "window", ("calendar_months", "rolling"), "calendar_months"))
    refund_table = table.table("refund")
    refund = None
    if refund_table is not None:
        effective_day = cast(EffectiveDay, _choice(refund_table, "effective_day", ("refunded", "kept")))
        refund = RefundTerms(effective_day, parse_clause(refund_table))
        refund_table.close()
    found = TerminationTerms(more_than, months, within, parse_clause(table), window, refund)
    table.close()
    return found


def _span(table: Table, key: str, *, required: bool = True) -> Span | None:
    """A span field ('1 hour', '1 minute')."""
    return table.parsed(key, parse_contract_span, required=required)


def _billing(table: Table) -> Billing:
    """`[after_hours.billing]`: the step time beyond the minimum is billed in."""
    increment = _span(table, "increment")
    assert increment is not None
    found = Billing(increment, parse_clause(table))
    table.close()
    return found


def _waiver(table: Table, severities: tuple[str, ...]) -> Waiver:
    """`[after_hours.waiver]`: when the charge is waived, and the severities shown as waived (defined ones)."""
    chosen = tuple(table.texts("severities"))
    for severity in chosen:
        if severity not in severities:
            raise table.fail("severities", f"unknown severity {severity!r}", ", ".join(severities))
    found = Waiver(table.text("when"), chosen, parse_clause(table))
    table.close()
    return found


def _after_hours(table: Table, calendars: dict[str, Any], severities: tuple[str, ...]) -> AfterHoursTerms:
    """`[after_hours]`: paid support outside a calendar's hours, its rate, minimum, billing and waiver."""
    outside = table.text("outside")
    if outside not in calendars:
        raise table.fail("outside", f"unknown calendar {outside!r}", ", ".join(calendars))
    rate = table.decimal("rate")
    assert rate is not None
    if rate < 0:
        raise table.fail("rate", f"must not be negative, not {str(rate)!r}")
    currency = table.text("currency")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise table.fail("currency", f"must be an ISO 4217 code such as 'USD', not {currency!r}")
    per, minimum = _span(table, "per"), _span(table, "minimum", required=False)
    assert per is not None
    billing, waiver = table.table("billing"), table.table("waiver")
    found = AfterHoursTerms(
        outside=outside,
        rate=rate,
        currency=currency,
        per=per,
        minimum=minimum or Span(0, "minute"),
        billing=_billing(billing) if billing is not None else None,
        waiver=_waiver(waiver, severities) if waiver is not None else None,
        clause=parse_clause(table),
    )
    table.close()
    return found


def _days_before(value: Any) -> tuple[int, ...]:
    """Distinct whole days from 1 to 90, latest reminder last ([7, 1]); PolicyError otherwise."""
    if not isinstance(value, list) or not all(type(d) is int and 1 <= d <= 90 for d in value):
        raise PolicyError(f"{value!r} is not a list of whole days from 1 to 90, such as [7, 1]")
    if len(set(value)) < len(value):
        raise PolicyError(f"{value!r} names a day twice")
    return tuple(sorted(value, reverse=True))


def _remind_days(table: Table) -> tuple[int, ...]:
    """A duty's `remind_days` (left out: the default reminders)."""
    return table.parsed("remind_days", _days_before, required=False) or ()


def _duties(top: Table) -> tuple[Duty, ...]:
    """The `[[duties]]` entries: dated customer duties, with unique ids."""
    duties: list[Duty] = []
    for table in top.tables("duties"):
        duty = Duty(
            id=table.text("id"),
            name=table.text("name"),
            before=_choice(table, "before", DUTY_DATES),
            how=table.opt_text("how"),
            conditions=tuple(table.texts("conditions")),
            clause=parse_clause(table),
            tiers=tuple(table.texts("tiers")),
            remind_days=_remind_days(table),
        )
        if any(d.id == duty.id for d in duties):
            raise table.fail("id", f"duty {duty.id!r} is defined twice")
        duties.append(duty)
        table.close()
    return tuple(duties)


def parse_terms(top: Table, calendars: dict[str, Any], components: tuple[str, ...]) -> CommercialTerms:
    """Read and validate the policy's commercial sections; errors name the file and the field."""
    tiers = set(top.data.get("tiers") or {})
    severities = tuple(str(s.get("id")) for s in top.data.get("severities") or ())
    availability_table = top.table("availability")
    availability = _availability(availability_table) if availability_table is not None else None
    credit_table, claims_table = top.table("credit"), top.table("claims")
    termination_table, after_hours_table = top.table("termination"), top.table("after_hours")
    terms = CommercialTerms(
        availability=availability,
        credit=_credit(credit_table, tiers, components, availability is not None) if credit_table else None,
        claims=_claims(claims_table) if claims_table is not None else None,
        termination=_termination(termination_table) if termination_table is not None else None,
        after_hours=_after_hours(after_hours_table, calendars, severities) if after_hours_table else None,
        duties=_duties(top),
    )
    _quarterly_limits(top, terms)
    return terms


def _quarterly_limits(top: Table, terms: CommercialTerms) -> None:
    """Refuse, naming the construct, what a quarterly credit period cannot compute, rather than a wrong figure: a
    monthly maintenance allowance and a termination right counted in failed months."""
    if terms.credit is None or terms.credit.period != "quarter":
        return
    maintenance = terms.availability.maintenance if terms.availability is not None else None
    if maintenance is not None and maintenance.allowance is not None:
        raise top.fail(
            "availability.maintenance.allowance",
            "is an allowance per month, but [credit] period is a quarter: a monthly allowance within a quarter is "
            "not supported",
            'no allowance, or period = "month"',
        )
    if terms.termination is not None:
        raise top.fail(
            "termination",
            "counts failed months, but [credit] period is a quarter: a termination right over quarters is not "
            "supported",
            'no [termination], or period = "month"',
        )
