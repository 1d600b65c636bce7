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

from sla_core.engine.alternate_readings import credit_figures, deadline_result, other_credit
from sla_core.engine.clauses import Clause, Reading
from sla_core.engine.credits import CreditEstimate, estimate_credit
from sla_core.engine.deadlines import Deadline, compute_deadline, find_target
from sla_core.engine.errors import PolicyError, SlaError
from sla_core.engine.example_cases import NONE
from sla_core.engine.example_cases import Example as Case
from sla_core.engine.instants import to_micros
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy import Policy
from sla_core.engine.policy_rules import DECODER
from sla_core.engine.toml_decode import Problem, shown, trail_path

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
# Expected figures under the other reading of one clause: the example's key → the `if_other` figure.
OTHER_FIGURES = {
    "other_availability": "availability_percent",
    "other_target_met": "target_met",
    "other_credit": "credit_amount",
    "other_claim_deadline": "claim_deadline",
}


def same_instant(a: datetime, b: datetime) -> bool:
    """Whether two aware datetimes are the same instant (`==` says no across zones for a repeated hour, PEP 495)."""
    return to_micros(a) == to_micros(b)


@dataclass(frozen=True, slots=True)
class DeadlineExample:
    """A hand-worked due instant: what is computed and what must come out."""

    case: Case
    source: str
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
    customer_timezone: str | None = None

    def compute(self, policy: Policy) -> Deadline:
        """The deadline the engine computes for this example."""
        policy = policy.for_customer(self.customer_timezone)
        return compute_deadline(policy, self.severity, self.opened, self.metric, self.tier, self.region)

    def problems(self, policy: Policy) -> list[str]:
        """Where the engine's figures differ from the hand-worked ones (one line each)."""
        policy = policy.for_customer(self.customer_timezone)
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
            return [str(_fail(self, key, "the clause it names has no reading to take the other side of"))]
        result = deadline_result(
            policy, self.severity, self.opened, self.metric, self.tier, self.region, agreement_date=self.agreement_date
        )
        entry = next((r for r in result["readings"] if r["chosen"] == clause.chosen), None)
        if entry is None:
            return [str(_fail(self, key, "this deadline does not rest on that clause's reading"))]
        if entry["if_other"] is None:
            return [str(_fail(self, key, entry["if_other_note"]))]
        found = datetime.fromisoformat(entry["if_other"]["due_at"])
        return [] if same_instant(found, expected) else [self._differs(key, expected, found)]

    def _differs(self, key: str, expected: datetime, found: datetime) -> str:
        return str(_fail(self, key, f"expected {expected.isoformat()}, the engine computes {found.isoformat()}"))


@dataclass(frozen=True, slots=True)
class PeriodExample:
    """A hand-worked month or quarter: the intervals and inputs, and the figures that must come out."""

    case: Case
    source: str
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
        wrong = [
            self._differs(key, want, found[key]) for key, want in self.expected.items() if not _same(want, found[key])
        ]
        return wrong + self._other_problems(policy)

    def _other_problems(self, policy: Policy) -> list[str]:
        """The figures stated under the other reading of one clause (`other_of`, or the only one stated as data)
        against the engine's `if_other` figures for it."""
        expected = {key: getattr(self.case, key) for key in OTHER_FIGURES if getattr(self.case, key) is not None}
        if not expected:
            return []
        estimate = self.compute(policy)
        readings = [r for r in estimate.readings if isinstance(r, Reading) and r.clause and r.clause.other_is_data]
        named = {trail_path(r.clause.path): r for r in readings if r.clause}
        key = self.case.other_of or (next(iter(named)) if len(named) == 1 else None)
        if key not in named:
            problem = f"{shown(self.case.other_of)} is not a clause of this result whose other reading is data"
            return [str(_fail(self, "other_of", f"{problem}; accepted: {', '.join(named) or 'none'}"))]
        other = other_credit(estimate, named[key], policy, self.period, self.inputs)
        assert other is not None
        figures = credit_figures(other.as_dict())
        expected = {k: None if v == NONE else v for k, v in expected.items()}
        return [
            self._differs(k, want, figures[OTHER_FIGURES[k]])
            for k, want in expected.items()
            if not _same(want, figures[OTHER_FIGURES[k]])
        ]

    def _differs(self, key: str, expected: Any, found: Any) -> str:
        return str(_fail(self, key, f"expected {_shown(expected)}, the engine computes {_shown(found)}"))


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


def _fail(example: DeadlineExample | PeriodExample, key: str | None, problem: str) -> PolicyError:
    """The error for a problem at `key` of an example (the example itself for None)."""
    return PolicyError(
        Problem(trail_path((*example.case._path, *([key] if key else []))), problem).line(example.source)
    )


def _interval(case: Case, source: str, key: str, kind: Kind, index: int) -> Downtime:
    """One `{ start, end, cause, ... }` of a period example."""
    iv = getattr(case, key)[index]
    try:
        announced, posted = getattr(iv, "announced", None), getattr(iv, "posted", False)
        return downtime(iv.start, iv.end, kind, iv.cause, announced=announced, posted_window=posted)
    except SlaError as exc:
        where = trail_path((*case._path, key, index))
        raise PolicyError(Problem(where, str(exc)).line(source)) from None


def _example(case: Case, source: str) -> Example:
    """The deadline or period example a case of the file states (its fields checked by `policy_rules`)."""
    if case.opened is not None:
        assert case.severity is not None and case.due is not None
        return DeadlineExample(
            case, source, case.name, case.severity, case.opened, case.due, case.metric, case.tier, case.region,
            case.agreement_date, case.other_due, case.other_holidays_due, case.customer_timezone,
        )  # fmt: skip
    assert case.period is not None
    intervals = [
        _interval(case, source, key, kind, i)
        for key, kind in INTERVAL_LISTS.items()
        for i in range(len(getattr(case, key)))
    ]
    inputs = {
        "fee": case.fee, "intervals": intervals, "tier": case.tier, "region": case.region,
        "component": case.component, "missed_responses": case.missed_responses, "post_mortem": case.post_mortem,
        "failed_months": list(case.failed_months), "activation": case.activation,
    }  # fmt: skip
    expected = {key: getattr(case, key) for key in [*DECIMAL_FIGURES, "target_met", *INSTANT_FIGURES]}
    expected = {key: None if value == NONE else value for key, value in expected.items() if value is not None}
    return PeriodExample(case, source, case.name, case.period, inputs, expected)


def _cases(policy: Policy) -> tuple[list[Example], list[str]]:
    """The policy's `[[examples]]` that read, and the problems of those that do not (one line each)."""
    examples: list[Example] = []
    problems: list[str] = []
    for i, data in enumerate(policy.examples):
        case, found = DECODER.decode(data, Case, ("examples", i))
        problems += [problem.line(policy.source) for problem in found]
        if case is not None:
            try:
                examples.append(_example(case, policy.source))
            except PolicyError as exc:
                problems.append(str(exc))
    return examples, problems


def parse_examples(policy: Policy) -> list[Example]:
    """The policy's `[[examples]]`; a PolicyError names the file, the example and the field of every problem."""
    examples, problems = _cases(policy)
    if problems:
        raise PolicyError("\n".join(problems))
    return examples


def example_problems(policy: Policy) -> list[str]:
    """Every problem of the policy's examples, one line each: a field that does not read (that example is not
    run) or a figure the engine computes differently."""
    examples, problems = _cases(policy)
    for example in examples:
        try:
            problems += example.problems(policy)
        except SlaError as exc:
            problems.append(str(_fail(example, None, f"cannot be computed: {exc}")))
    return problems


def find_example(policy: Policy, name: str) -> Example:
    """The example of `policy` called `name` (tests read a case's inputs from the policy, never twice)."""
    for example in parse_examples(policy):
        if example.name == name:
            return example
    raise PolicyError(f"{policy.source}: examples: no example named {name!r}")
