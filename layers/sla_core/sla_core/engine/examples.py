"""A policy's hand-worked `[[examples]]`: cases computed by hand from the contract text (the arithmetic in a TOML
comment above each), run by `python -m sla_core check` and by the tests, so each case is written once.

Two shapes, told apart by their fields (see docs/policy-language.md):

- a deadline: `severity`, `opened` (a TOML date-time with an offset), `due` (the expected due instant), and
  where needed `metric`, `tier`, `region`, `agreement_date`; `other_due`: the due instant under the other
  reading of the target's own clause (or its calendar's, where the target has none); `other_holidays_due`:
  under the other reading of the holidays.
- a period: `period` ("2026-04" or "2026-Q1"), `fee`, the intervals (`downtime`, `maintenance`, `emergency`:
  lists of `{ start, end, cause, announced, posted }`), the other credit inputs (`tier`, `region`, `component`,
  `missed_responses`, `post_mortem`, `failed_months`, `activation`), and at least one expected figure:
  `availability`, `target_met`, `downtime_minutes`, `excluded_minutes`, `credited_minutes`, `credit`,
  `credit_percent`, `claim_deadline` and `termination_until` (until when a termination right lasts as of the
  period's end; an instant, or "none").

Examples are data beside the policy, not part of its rules: a Policy never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sla_core.engine.clauses import Clause
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.deadlines import Deadline, compute_deadline, find_target
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.other_readings import deadline_result
from sla_core.engine.policy import Policy
from sla_core.engine.toml_fields import Table

INSTANT = "a date and time with an offset, e.g. 2026-11-20T18:30:00-05:00 (no quotes)"
NONE = "none"
INTERVAL_KEYS = ("start", "end", "cause", "announced", "posted")
INTERVAL_LISTS = {"downtime": Kind.UNPLANNED, "maintenance": Kind.SCHEDULED, "emergency": Kind.EMERGENCY}
# Expected period figures: the example's key → the `credit` JSON field it is compared with, and how.
DECIMAL_FIGURES = {
    "availability": "availability_percent",
    "downtime_minutes": "downtime_minutes",
    "excluded_minutes": "excluded_minutes",
    "credited_minutes": "credited_minutes",
    "credit": "credit_amount",
    "credit_percent": "credit_percent",
}
INSTANT_FIGURES = ("claim_deadline", "termination_until")


def same_instant(a: datetime, b: datetime) -> bool:
    """Whether two aware datetimes are the same instant (`==` says no across zones for a repeated hour, PEP 495)."""
    return to_micros(a) == to_micros(b)


def _aware(value: Any) -> datetime:
    """A TOML offset date-time (tomllib gives it an offset; a local one has none)."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise PolicyError(f"{value!r} is not a date and time with an offset; accepted: {INSTANT}")
    return value


def _instant_or_none(value: Any) -> datetime | None:
    """An expected instant, or the string "none" when the result must have none."""
    if value == NONE:
        return None
    try:
        return _aware(value)
    except PolicyError:
        raise PolicyError(f"{value!r} is neither an instant nor 'none'; accepted: {INSTANT}, or \"none\"") from None


def _month_texts(value: Any) -> list[str]:
    """A list of 'YYYY-MM' strings (checked by the engine when it reads them)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f'{value!r} is not a list of months; accepted: a list such as ["2026-02", "2026-03"]')
    return list(value)


@dataclass(frozen=True, slots=True)
class DeadlineExample:
    """A hand-worked due instant: what is computed and what must come out."""

    table: Table
    name: str
    severity: str
    opened: datetime
    due: datetime
    metric: str
    tier: str | None
    region: str | None
    agreement_date: date | None
    other_due: datetime | None
    other_holidays_due: datetime | None = None

    def compute(self, policy: Policy) -> Deadline:
        """The deadline the engine computes for this example."""
        return compute_deadline(policy, self.severity, self.opened, self.metric, self.tier, self.region)

    def problems(self, policy: Policy) -> list[str]:
        """Where the engine's figures differ from the hand-worked ones (one line each)."""
        policy.tier_choice(self.tier, self.agreement_date)  # a tier name the agreement does not allow fails
        found = self.compute(policy).due_at
        wrong = [] if same_instant(found, self.due) else [self._differs("due", self.due, found)]
        for key, expected in (("other_due", self.other_due), ("other_holidays_due", self.other_holidays_due)):
            if expected is not None:
                wrong += self._other_problems(policy, key, expected)
        return wrong

    def _clause(self, policy: Policy, key: str) -> Clause | None:
        """The clause an `other_…` figure takes the other side of: for `other_due` the target's own (or, where
        that has none, its calendar's); for `other_holidays_due` the holidays' (the region's, for a region)."""
        if key == "other_holidays_due":
            region = policy.region(self.region)
            return (policy.regions[region] if region is not None else policy).holidays.clause
        _, target = find_target(policy, self.severity, self.metric, policy.tier(self.tier))
        if target.clause.has_reading or len(target.clocks) != 1:
            return target.clause
        return policy.calendars[target.clocks[0].calendar].clause

    def _other_problems(self, policy: Policy, key: str, expected: datetime) -> list[str]:
        """`other_due` / `other_holidays_due` against the due instant under that clause's other reading."""
        clause = self._clause(policy, key)
        if clause is None or not clause.has_reading:
            return [str(self.table.fail(key, "the clause it names has no reading to take the other side of"))]
        result = deadline_result(
            policy, self.severity, self.opened, self.metric, self.tier, self.region, agreement_date=self.agreement_date
        )
        entry = next((r for r in result["readings"] if r["chosen"] == clause.chosen), None)
        if entry is None:
            return [str(self.table.fail(key, "this deadline does not rest on that clause's reading"))]
        if entry["if_other"] is None:
            return [str(self.table.fail(key, entry["if_other_note"]))]
        found = datetime.fromisoformat(entry["if_other"]["due_at"])
        return [] if same_instant(found, expected) else [self._differs(key, expected, found)]

    def _differs(self, key: str, expected: datetime, found: datetime) -> str:
        return str(self.table.fail(key, f"expected {expected.isoformat()}, the engine computes {found.isoformat()}"))


@dataclass(frozen=True, slots=True)
class PeriodExample:
    """A hand-worked month or quarter: the intervals and inputs, and the figures that must come out."""

    table: Table
    name: str
    period: str
    inputs: dict[str, Any]
    expected: dict[str, Any]

    def compute(self, policy: Policy) -> CreditEstimate:
        """The credit estimate the engine computes for this example."""
        return estimate_credit(policy, self.period, **self.inputs)

    def problems(self, policy: Policy) -> list[str]:
        """Where the engine's figures differ from the hand-worked ones (one line each)."""
        result = self.compute(policy).as_dict()
        found: dict[str, Any] = {key: result.get(field) for key, field in DECIMAL_FIGURES.items()}
        found["target_met"] = result.get("target_met")
        found["claim_deadline"] = result.get("claim_deadline")
        right = result.get("termination_right") or {}
        found["termination_until"] = right.get("until") if right.get("exists") else None  # a right that lasts
        return [
            self._differs(key, want, found[key]) for key, want in self.expected.items() if not _same(want, found[key])
        ]

    def _differs(self, key: str, expected: Any, found: Any) -> str:
        return str(self.table.fail(key, f"expected {_shown(expected)}, the engine computes {_shown(found)}"))


def _same(expected: Any, found: Any) -> bool:
    """An expected figure against the engine's (decimals by value, instants as instants, 'none' as null)."""
    if isinstance(expected, Decimal):
        return found is not None and Decimal(str(found)) == expected
    if isinstance(expected, datetime):
        return found is not None and same_instant(datetime.fromisoformat(found), expected)
    return bool(expected == found)


def _shown(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


Example = DeadlineExample | PeriodExample


def _deadline(table: Table, name: str) -> DeadlineExample:
    found = DeadlineExample(
        table=table,
        name=name,
        severity=table.text("severity"),
        opened=table.parsed("opened", _aware),  # type: ignore[arg-type]
        due=table.parsed("due", _aware),  # type: ignore[arg-type]
        metric=table.text("metric", "initial_response"),
        tier=table.opt_text("tier"),
        region=table.opt_text("region"),
        agreement_date=table.calendar_date("agreement_date"),
        other_due=table.parsed("other_due", _aware, required=False),
        other_holidays_due=table.parsed("other_holidays_due", _aware, required=False),
    )
    table.close()
    return found


def _interval(table: Table, kind: Kind) -> Downtime:
    """One `{ start, end, cause }` of a period example; maintenance also takes `announced` and `posted`."""
    maintenance = kind is not Kind.UNPLANNED
    table.only(INTERVAL_KEYS if maintenance else INTERVAL_KEYS[:3])
    start, end = table.parsed("start", _aware), table.parsed("end", _aware)
    assert start is not None and end is not None
    announced = table.parsed("announced", _aware, required=False) if maintenance else None
    posted = table.flag("posted", False) if maintenance else False
    try:
        return downtime(start, end, kind, table.opt_text("cause"), announced=announced, posted_window=posted)
    except SlaError as exc:
        raise table.fail(None, str(exc)) from None


def _inputs(table: Table) -> dict[str, Any]:
    """The `estimate_credit` keyword inputs a period example gives."""
    intervals = [_interval(t, kind) for key, kind in INTERVAL_LISTS.items() for t in table.tables(key)]
    return {
        "fee": table.decimal("fee", required=False),
        "intervals": intervals,
        "tier": table.opt_text("tier"),
        "region": table.opt_text("region"),
        "component": table.opt_text("component"),
        "missed_responses": table.whole("missed_responses"),
        "post_mortem": table.parsed("post_mortem", _aware, required=False),
        "failed_months": table.parsed("failed_months", _month_texts, required=False) or [],
        "activation": table.calendar_date("activation"),
    }


def _expected(table: Table) -> dict[str, Any]:
    """The figures a period example expects (at least one); every figure field is read, given or not."""
    expected: dict[str, Any] = {}
    for key in DECIMAL_FIGURES:
        amount = table.decimal(key, required=False)
        if amount is not None:
            expected[key] = amount
    met = table.flag("target_met", False)
    if table.has("target_met"):
        expected["target_met"] = met
    for key in INSTANT_FIGURES:
        instant = table.parsed(key, _instant_or_none, required=False)
        if table.has(key):
            expected[key] = instant
    if not expected:
        accepted = ", ".join([*DECIMAL_FIGURES, "target_met", *INSTANT_FIGURES])
        raise table.fail(None, "expects no figure: give at least one", accepted)
    return expected


def _period(table: Table, name: str) -> PeriodExample:
    found = PeriodExample(table, name, table.text("period"), _inputs(table), _expected(table))
    table.close()
    return found


def parse_examples(policy: Policy) -> list[Example]:
    """The policy's `[[examples]]`, validated (errors name the file, the example and the field)."""
    top = Table(policy.data, "", policy.source)
    examples: list[Example] = []
    for table in top.tables("examples"):
        name = table.text("name")
        if table.has("opened") == table.has("period"):
            raise table.fail(None, "give either opened (a deadline) or period (a month or quarter)", "one of them")
        examples.append(_deadline(table, name) if table.has("opened") else _period(table, name))
    return examples


def example_problems(policy: Policy) -> list[str]:
    """Every problem of the policy's examples, one line each: a field that does not parse (then the others are
    not run) or a figure the engine computes differently."""
    try:
        examples = parse_examples(policy)
    except PolicyError as exc:
        return [str(exc)]
    problems: list[str] = []
    for example in examples:
        try:
            problems += example.problems(policy)
        except SlaError as exc:
            problems.append(str(example.table.fail(None, f"cannot be computed: {exc}")))
    return problems


def find_example(policy: Policy, name: str) -> Example:
    """The example of `policy` called `name` (tests read a case's inputs from the policy, never twice)."""
    for example in parse_examples(policy):
        if example.name == name:
            return example
    raise PolicyError(f"{policy.source}: examples: no example named {name!r}")
