"""Typed, path-tracking reads from parsed TOML, so every error names the file, the field and the problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sla_core.engine.errors import PolicyError, SlaError

T = TypeVar("T")
_MISSING = object()


class Table:
    """A TOML table being read; `close()` rejects keys nobody read (typos must not pass silently)."""

    def __init__(self, data: dict[str, Any], where: str, source: str, error: type[SlaError] = PolicyError):
        self.data, self.where, self.source, self.error = data, where, source, error
        self._read: set[str] = set()

    def fail(self, key: str | None, problem: str) -> SlaError:
        path = f"{self.where}.{key}" if key and self.where else key or self.where or "(top level)"
        return self.error(f"{self.source}: {path}: {problem}")

    def _get(self, key: str, required: bool) -> Any:
        self._read.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            raise self.fail(key, "is required")
        return value

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, default: str | None = None, *, required: bool = True) -> str:
        value = self._get(key, required and default is None)
        if value is _MISSING:
            return default if default is not None else ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {value!r}")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def whole(self, key: str, default: int | None = None, *, minimum: int = 0) -> int | None:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"must be a whole number of at least {minimum}, not {value!r}")
        return int(value)

    def decimal(self, key: str, *, required: bool = True) -> Decimal | None:
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
            raise self.fail(key, f"must be a decimal number written as a string, e.g. '99.9', not {value!r}") from None
        return number

    def texts(self, key: str, *, required: bool = False) -> list[str]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"must be a list of strings, not {value!r}")
        return list(value)

    def dates(self, key: str) -> list[date]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(type(v) is date for v in value):
            raise self.fail(key, f"must be a list of dates written as 2026-12-24 (no quotes), not {value!r}")
        return list(value)

    def table(self, key: str, *, required: bool = False) -> Table | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {value!r}")
        return Table(value, f"{self.where}.{key}" if self.where else key, self.source, self.error)

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "must be an array of tables ([[...]] entries)")
        prefix = f"{self.where}.{key}" if self.where else key
        return [Table(v, f"{prefix}[{i}]", self.source, self.error) for i, v in enumerate(value)]

    def named_tables(self, key: str, *, required: bool = False) -> dict[str, Table]:
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
        unknown = sorted(set(self.data) - self._read)
        if unknown:
            known = ", ".join(sorted(self._read)) or "none"
            raise self.fail(unknown[0], f"is not a known field here; known fields: {known}")
