"""Contract clauses: the quoted text behind a rule and, where it is ambiguous, the reading the engine chose."""

from __future__ import annotations

from dataclasses import dataclass

from sla_core.engine.toml_fields import Table


@dataclass(frozen=True, slots=True)
class Clause:
    """A rule's quote; for an ambiguous text also the customer-favourable reading `chosen` and the `other` one
    it rejected (policy keys `reading` and `other_reading`), both empty where the text is clear."""

    quote: str
    chosen: str = ""
    other: str = ""

    @property
    def has_reading(self) -> bool:
        """Whether a result resting on this clause depends on a chosen reading."""
        return bool(self.chosen and self.other)

    def readings(self) -> list[dict[str, str]]:
        """`[{chosen, other}]` (the JSON shape of a reading) when this clause carries one, else empty."""
        return [{"chosen": self.chosen, "other": self.other}] if self.has_reading else []


def parse_clause(table: Table) -> Clause:
    """Read `reading` + `other_reading` (both or neither) and the required `quote` of a policy table."""
    chosen, other = table.opt_text("reading"), table.opt_text("other_reading")
    if (chosen is None) != (other is None):
        raise table.fail("other_reading" if chosen else "reading", "reading and other_reading go together")
    return Clause(table.text("quote"), chosen or "", other or "")
