"""Contract clauses: the quoted text behind a rule and, where it is ambiguous, the reading the engine chose and
the other reading, in words and (where it can be) as policy data, so results can be computed under both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sla_core.engine.toml_fields import Table


@dataclass(frozen=True, slots=True)
class Clause:
    """A rule's quote; for an ambiguous text also the customer-favourable reading `chosen` and the `other` one
    it rejected (policy keys `reading` and `other_reading`), both empty where the text is clear.

    `other_values` (fields of the same table under the other reading) and `other_without` (fields the other
    reading leaves out) express the other reading as policy data; where `other_reading` names several, they
    express the first. `path` is the table's place in the policy file (keys and array indices)."""

    quote: str
    chosen: str = ""
    other: str = ""
    path: tuple[str | int, ...] = field(default=(), compare=False)
    other_values: Mapping[str, Any] = field(default_factory=dict, compare=False)
    other_without: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_reading(self) -> bool:
        """Whether a result resting on this clause depends on a chosen reading."""
        return bool(self.chosen and self.other)

    @property
    def other_is_data(self) -> bool:
        """Whether the other reading is expressed as policy data, so its figures can be computed."""
        return bool(self.other_values or self.other_without)

    def readings(self) -> list[dict[str, str]]:
        """`[{chosen, other}]` (the JSON shape of a reading) when this clause carries one, else empty."""
        return [Reading(self.chosen, self.other, clause=self)] if self.has_reading else []


class Reading(dict[str, str]):
    """A reading in its JSON shape (`{chosen, other}`) that remembers what it rests on: a policy clause, or an
    assumption about the input (`assumption` names it, e.g. 'unknown_notice'), so that a front end can compute
    the figures under the other reading. Equal readings (same texts) are one reading."""

    clause: Clause | None
    assumption: str

    def __init__(self, chosen: str, other: str, *, clause: Clause | None = None, assumption: str = "") -> None:
        super().__init__(chosen=chosen, other=other)
        self.clause = clause
        self.assumption = assumption


def parse_clause(table: Table) -> Clause:
    """Read `reading` + `other_reading` (both or neither), the other reading as data (`other_values`,
    `other_without`, only with a reading) and the required `quote` of a policy table."""
    chosen, other = table.opt_text("reading"), table.opt_text("other_reading")
    if (chosen is None) != (other is None):
        raise table.fail("other_reading" if chosen else "reading", "reading and other_reading go together")
    values = table.table("other_values")
    without = tuple(table.texts("other_without"))
    if (values is not None or without) and chosen is None:
        key = "other_values" if values is not None else "other_without"
        raise table.fail(key, "expresses the other reading, so it needs reading and other_reading")
    for key in without:
        if key in ("quote", "reading", "other_reading", "other_values", "other_without"):
            raise table.fail("other_without", f"{key!r} is not a field the other reading can leave out")
    return Clause(
        table.text("quote"),
        chosen or "",
        other or "",
        table.trail,
        dict(values.data) if values is not None else {},
        without,
    )
