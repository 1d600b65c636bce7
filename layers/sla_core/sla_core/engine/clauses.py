"""Contract clauses: the quoted text behind a rule and, where it is ambiguous, the reading the engine chose and
the other reading, in words and (where it can be) as policy data, so results can be computed under both."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec

from sla_core.engine.toml_decode import doc


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


class Clauses(msgspec.Struct, kw_only=True, frozen=True):
    """The fields every clause table has: the contract's words (`quote`) and, where they are ambiguous, the reading
    taken (customer-favourable), the other one, and the other as data (this table's fields under it: values and
    fields it leaves out). `_path` is the table's place in the file (set by the decoder)."""

    quote: Annotated[
        str,
        doc(
            "The contract's words this table encodes (section numbers help).",
            'quote = "§4: respond to Customer within one (1) business day."',
        ),
    ]
    reading: Annotated[
        str | None,
        doc(
            "Where the text is ambiguous: the reading the engine takes, the one most favourable to the customer "
            "(contra proferentem), unless a defined term of the contract settles it. Goes with other_reading.",
            'reading = "Exactly 98% falls in neither row, so it earns the higher 10%."',
            default="none (the text is clear)",
        ),
    ] = None
    other_reading: Annotated[
        str | None,
        doc(
            "The reading rejected; every figure resting on this table says so and, where other_values or other_without "
            "state it as data, gives its figures under it too.",
            'other_reading = "Exactly 98% earns 7%."',
        ),
    ] = None
    other_values: Annotated[
        dict[str, Any],
        doc(
            "The other reading as data: this table's fields as they would be under it (needs reading).",
            'other_values = { below = "98" }',
            default="none",
            accepted="an inline table of this table's fields",
        ),
    ] = {}
    other_without: Annotated[
        tuple[str, ...],
        doc(
            "The other reading as data: this table's fields it leaves out (needs reading).",
            'other_without = ["at_or_below"]',
            default="none",
        ),
    ] = ()
    _path: tuple[str | int, ...] = ()

    @property
    def clause(self) -> Clause:
        """The table's clause: its quote and readings, where it is in the file."""
        return Clause(
            self.quote, self.reading or "", self.other_reading or "", self._path, self.other_values, self.other_without
        )
