"""Typed, path-tracking reads from parsed TOML, so every error names the file, the field and the problem.

One format for every configuration error (policy files and the contracts file alike), always one line:
`<file>: <field path>: <problem>; accepted: <what is accepted>`, the last part when it is known, e.g.
`config/contracts.toml: contracts.sonarqube-support.tier: 'gold' is not a tier of sonarsource; accepted: core, ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, overload

from sla_core.engine.errors import PolicyError, SlaError

T = TypeVar("T")
_MISSING = object()


def problem_line(source: str, path: str, problem: str, accepted: str | None = None) -> str:
    """The one-line error message: file, field path, problem and, when known, what is accepted."""
    tail = f"; accepted: {accepted}" if accepted else ""
    return f"{source}: {path or '(top level)'}: {problem}{tail}"


class Table:
    """A TOML table being read; `close()` (or `only()` up front) rejects keys that are not fields here."""

    def __init__(
        self,
        data: Mapping[str, Any],
        where: str,
        source: str,
        error: type[SlaError] = PolicyError,
        trail: tuple[str | int, ...] = (),
    ):
        self.data, self.where, self.source, self.error = data, where, source, error
        self.trail = trail  # the keys and indices from the top of the file to this table
        self._read: set[str] = set()

    def path(self, key: str | None) -> str:
        """The dotted path of a key of this table from the top of the file (the table's own path for None)."""
        return f"{self.where}.{key}" if key and self.where else key or self.where

    def fail(self, key: str | None, problem: str, accepted: str | None = None) -> SlaError:
        """The error (of this table's error class) for a problem at `key`, for the caller to raise."""
        return self.error(problem_line(self.source, self.path(key), problem, accepted))

    def _get(self, key: str, required: bool, accepted: str | None = None) -> Any:
        self._read.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            raise self.fail(key, "is required", accepted)
        return value

    def has(self, key: str) -> bool:
        """Whether the table has the key (without reading it)."""
        return key in self.data

    def only(self, keys: tuple[str, ...]) -> None:
        """Reject, before anything is read, a key that is not one of `keys` (listed in their given order)."""
        for key in self.data:
            if key not in keys:
                raise self.fail(key, "unknown field", ", ".join(keys))

    def absent(self, key: str, why: str) -> None:
        """Reject a field this table may not have (e.g. a tier for a policy without tiers)."""
        if key in self.data:
            raise self.fail(key, f"{self.data[key]!r} is not allowed here ({why})", f"no {key} field")

    def text(self, key: str, default: str | None = None, *, required: bool = True) -> str:
        """A non-empty string; `default` (or "" when not required) when the field is left out."""
        value = self._get(key, required and default is None)
        if value is _MISSING:
            return default if default is not None else ""
        return self._nonempty(key, value)

    def opt_text(self, key: str) -> str | None:
        """A non-empty string, or None when the field is left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        return self._nonempty(key, value)

    def _nonempty(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"{value!r} is not a non-empty string", "a non-empty string in quotes")
        return value

    def matching(self, key: str, pattern: re.Pattern[str], accepted: str) -> str:
        """A required string that matches `pattern` (an id or a code); `accepted` describes the form."""
        found = self._matching(key, pattern, accepted, required=True)
        assert found is not None
        return found

    def opt_matching(self, key: str, pattern: re.Pattern[str], accepted: str) -> str | None:
        """Like `matching`, but the field may be left out (then None)."""
        return self._matching(key, pattern, accepted, required=False)

    def _matching(self, key: str, pattern: re.Pattern[str], accepted: str, *, required: bool) -> str | None:
        value = self._get(key, required, accepted)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not pattern.match(value):
            raise self.fail(key, f"{value!r} is not valid", accepted)
        return value

    def choice(self, key: str, options: tuple[str, ...], kind: str) -> str:
        """A required value that is one of `options`; `kind` names them, as in 'a tier of sonar-software'."""
        value = self._get(key, True, ", ".join(options))
        if value not in options:
            raise self.fail(key, f"{value!r} is not {kind}", ", ".join(options))
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        """A TOML boolean, or `default` when the field is left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, f"{value!r} is not true or false", "true or false (no quotes)")
        return value

    @overload
    def whole(self, key: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int: ...

    @overload
    def whole(self, key: str, default: None = None, *, minimum: int = 0, maximum: int | None = None) -> int | None: ...

    def whole(
        self, key: str, default: int | None = None, *, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        """A whole number from `minimum` (to `maximum` when given), or `default` when the field is left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return default
        too_big = maximum is not None and isinstance(value, int) and value > maximum
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum or too_big:
            span = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            raise self.fail(key, f"{value!r} is not a whole number {span}", f"a whole number {span}")
        return int(value)

    def decimal(self, key: str, *, required: bool = True) -> Decimal | None:
        """A finite decimal written as a string (or a TOML integer); floats are refused, they are inexact."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise InvalidOperation
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problem = f"{value!r} is not a decimal number written as a string"
            raise self.fail(key, problem, "a decimal number in quotes, e.g. '99.9'") from None
        return number

    def money(self, key: str, pattern: re.Pattern[str]) -> Decimal:
        """A required amount written as a string that matches `pattern` (e.g. digits with an optional fraction)."""
        accepted = f'a non-negative decimal amount as a string, e.g. {key} = "1250.00"'
        value = self._get(key, True, accepted)
        if not isinstance(value, str) or not pattern.match(value):
            raise self.fail(key, f"{value!r} is not a decimal string", accepted)
        try:
            return Decimal(value)
        except InvalidOperation:
            raise self.fail(key, f"{value!r} is not a decimal", accepted) from None

    def texts(self, key: str, *, required: bool = False) -> list[str]:
        """A list of non-empty strings; [] when the field is left out."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"{value!r} is not a list of non-empty strings", 'a list of strings, e.g. ["a", "b"]')
        return list(value)

    def ids(self, key: str, pattern: re.Pattern[str], accepted: str) -> list[str]:
        """An optional list of distinct ids that each match `pattern`; `accepted` describes them (plural)."""
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) and pattern.match(item) for item in value):
            raise self.fail(key, f"{value!r} is not a list of valid ids", f"a list of {accepted}")
        if len(set(value)) != len(value):
            raise self.fail(key, f"{value!r} repeats an entry", "each entry once")
        return list(value)

    def subset(self, key: str, allowed: tuple[str, ...], kind: str) -> tuple[str, ...]:
        """An optional non-empty list of distinct members of `allowed` (`kind` names them); () when left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not value or not all(item in allowed for item in value):
            raise self.fail(key, f"{value!r} is not a non-empty list of {kind}", ", ".join(allowed))
        if len(set(value)) != len(value):
            raise self.fail(key, f"{value!r} repeats an entry", "each entry once")
        return tuple(value)

    def dates(self, key: str) -> list[date]:
        """A list of TOML dates (2026-12-24, unquoted); [] when the field is left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(type(v) is date for v in value):
            raise self.fail(
                key, f"{value!r} is not a list of dates", "a list of dates written as 2026-12-24 (no quotes)"
            )
        return list(value)

    def calendar_date(self, key: str) -> date | None:
        """One TOML date (2026-03-03, unquoted), or None when the field is left out."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if type(value) is not date:
            raise self.fail(key, f"{value!r} is not a date", "a date written as 2026-03-03 (no quotes)")
        return value

    def table(self, key: str, *, required: bool = False) -> Table | None:
        """The sub-table at `key` as a Table whose errors carry its full path; None when left out."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(key, f"{value!r} is not a table", f"a [{self.path(key)}] table")
        return Table(value, self.path(key), self.source, self.error, (*self.trail, key))

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        """An array of tables ([[key]] entries), each a Table at path key[i]."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(key, "is not an array of tables", f"[[{self.path(key)}]] entries")
        return [
            Table(v, f"{self.path(key)}[{i}]", self.source, self.error, (*self.trail, key, i))
            for i, v in enumerate(value)
        ]

    def named_tables(self, key: str, *, required: bool = False) -> dict[str, Table]:
        """The tables under [key.<name>], by name."""
        outer = self.table(key, required=required)
        if outer is None:
            return {}
        named: dict[str, Table] = {}
        for name in outer.data:
            inner = outer.table(name)
            assert inner is not None
            named[name] = inner
        return named

    def parsed(self, key: str, parse: Callable[[Any], T], *, required: bool = True) -> T | None:
        """Read a value and convert it with `parse`; its SlaError message is reported at this field."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        try:
            return parse(value)
        except SlaError as exc:
            raise self.fail(key, str(exc)) from None

    def close(self) -> None:
        """Reject the first key (in sorted order) that nothing read: typos must not pass silently."""
        unknown = sorted(set(self.data) - self._read)
        if unknown:
            raise self.fail(unknown[0], "unknown field", ", ".join(sorted(self._read)) or "none")
