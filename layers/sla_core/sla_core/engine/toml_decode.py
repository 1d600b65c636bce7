"""Parsed TOML into msgspec Structs, every problem at once: the Structs' fields and types are the language; this
walks them (`msgspec.inspect`) and reports each problem as `field.path: problem; accepted: ...`, unknown keys named
(with "did you mean"), missing keys at their table's path, values as written in TOML. Leaf types TOML lacks (spans,
durations, windows, zones) are parsed by `leaves`; each Struct's cross-field `rules` run once its fields decoded. A
Struct's `_path` field gets the table's place (keys and indices), `_key` its name in a `[a.<name>]` table.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, reduce
from typing import Any, NamedTuple

import msgspec
import msgspec.inspect as mi

from sla_core.engine.errors import SlaError

INSTANT = "a date and time with an offset, e.g. 2026-11-20T18:30:00-05:00 (no quotes)"
DATE = "a date written as 2026-03-03 (no quotes)"
_BAD = object()


class Problem(NamedTuple):
    """One problem: where (a dotted field path, '' for the top), what, and what is accepted when known."""

    path: str
    problem: str
    accepted: str | None = None
    warning: bool = False  # suspicious but computable: `check` shows it, nothing is refused

    def line(self, source: str) -> str:
        """`<file>: <field path>: <problem>; accepted: <what>` (`warning: <problem>` for a warning)."""
        tail = f"; accepted: {self.accepted}" if self.accepted else ""
        return f"{source}: {self.path or '(top level)'}: {'warning: ' if self.warning else ''}{self.problem}{tail}"


def join(path: str, key: str | int) -> str:
    """`a.b` + `c` → `a.b.c`; + 0 → `a.b[0]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def trail_path(trail: Iterable[str | int]) -> str:
    """The dotted path of a trail of keys and indices."""
    return reduce(join, trail, "")


def shown(value: Any) -> str:
    """A value as TOML writes it: strings quoted, dates and instants bare, lists and tables inline."""
    if isinstance(value, str):
        return repr(value) if '"' in value or "'" not in value else f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {shown(v)}" for k, v in value.items()) + " }" if value else "{}"
    return str(value)


def unknown(path: str, names: Iterable[str | None], known: Collection[str], what: str) -> Iterator[Problem]:
    """A problem for each of `names` (None: not given) that is not one of `known`."""
    for name in names:
        if name is not None and name not in known:
            yield Problem(path, f"unknown {what} {shown(name)}", ", ".join(known) or "none")


def unknown_field(path: str, name: str, names: list[str]) -> Problem:
    """A key that is none of a table's `names`, with the one it most likely meant."""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return Problem(path, "unknown field" + (f" (did you mean {close[0]}?)" if close else ""), ", ".join(names))


Leaf = Callable[[Any], Any]
Rule = Callable[[Any], Iterable[Problem]]


class Decoder:
    """Decodes into Structs with `leaves` (custom type → parser raising SlaError) and per-Struct `rules` (the
    problems of a decoded Struct, paths relative to it; a Struct's and those of the classes it extends)."""

    def __init__(self, leaves: Mapping[type, Leaf], rules: Mapping[type, Rule] | None = None) -> None:
        self.leaves, self.rules = leaves, rules or {}

    def decode(self, data: Any, kind: Any, trail: tuple[str | int, ...] = ()) -> tuple[Any, list[Problem]]:
        """`data` as a Struct class or an inspected type (None when anything failed) and every problem found;
        `trail`: where `data` is in its file."""
        problems: list[Problem] = []
        found = self._value(data, struct_info(kind) if isinstance(kind, type) else kind, trail, problems, None)
        return (None if found is _BAD else found), problems

    def _value(self, value: Any, kind: Any, trail: tuple[str | int, ...], out: list[Problem], key: Any) -> Any:
        path, written, what, unique = trail_path(trail), kind, None, False  # written: for what is accepted
        while isinstance(kind, mi.Metadata | mi.UnionType):  # T | None: TOML has no null, so a value given is a T
            if isinstance(kind, mi.Metadata):
                unique = unique or "uniqueItems" in (kind.extra_json_schema or {})
                what, kind = what or (kind.extra or {}).get("what"), kind.type
            else:
                kind = next(t for t in kind.types if not isinstance(t, mi.NoneType))
        try:
            if isinstance(kind, mi.StructType):
                return self._struct(_table(value, path), kind, trail, path, out, key)
            if isinstance(kind, mi.ListType | mi.VarTupleType):
                if not isinstance(value, list):
                    raise _Wrong("a list")
                items = [self._value(v, kind.item_type, (*trail, i), out, None) for i, v in enumerate(value)]
                if unique and len(set(items)) < len(items):  # still readable, so the rules around it run
                    out.append(Problem(path, f"{shown(value)} repeats an entry", "each entry once"))
                return _BAD if _BAD in items else tuple(items)
            if isinstance(kind, mi.DictType):
                found = {
                    name: self._value(item, kind.value_type, (*trail, name), out, name)
                    for name, item in _table(value, path).items()
                    if self._value(name, kind.key_type, (*trail, name), out, None) is not _BAD
                }
                return _BAD if _BAD in found.values() or len(found) < len(value) else found
            return _leaf(value, kind, self.leaves)
        except SlaError as exc:
            problem, _, accepted = str(exc).partition("; accepted: ")
            out.append(Problem(path, problem, accepted or None))
        except _Wrong as exc:
            accepted = exc.args[1] if len(exc.args) > 1 else describe(written)
            out.append(Problem(path, f"{shown(value)} is not {what or exc.args[0]}", accepted))
        return _BAD

    def _struct(
        self, value: Mapping[str, Any], kind: mi.StructType, trail: tuple[str | int, ...], path: str,
        out: list[Problem], key: Any,
    ) -> Any:  # fmt: skip
        names = [f.encode_name for f in kind.fields if not f.name.startswith("_")]
        guessed = set()
        for name in [k for k in value if k not in names]:
            out.append(unknown_field(join(path, name), name, names))
            guessed.update(difflib.get_close_matches(name, names, n=1, cutoff=0.75))
        kwargs: dict[str, Any] = {"_path": trail, "_key": key}
        for field in kind.fields:
            if field.encode_name in value and field.encode_name in names:
                step = (*trail, field.encode_name)
                kwargs[field.name] = self._value(value[field.encode_name], field.type, step, out, None)
            elif field.required:
                if field.encode_name not in guessed:
                    out.append(Problem(join(path, field.encode_name), "is required", describe(field.type)))
                kwargs[field.name] = _BAD
        if _BAD in kwargs.values():  # unknown keys are problems, but the table is still read so its rules run
            return _BAD
        built = kind.cls(**{k: v for k, v in kwargs.items() if k[0] != "_" or k in kind.cls.__struct_fields__})
        for problem in (p for cls in kind.cls.__mro__ if cls in self.rules for p in self.rules[cls](built)):
            out.append(problem._replace(path=join(path, problem.path) if problem.path else path))
        return built  # a rule's problem leaves the table readable, so the rules of the tables around it run too


def _table(value: Any, path: str) -> Mapping[str, Any]:
    """`value` when it is a table, else _Wrong."""
    if not isinstance(value, Mapping):
        raise _Wrong("a table", f"a [{path}] table" if path else "a table")
    return value


class _Wrong(Exception):
    """A value of the wrong kind (the arguments: which kind was expected and, when not the field's, what is
    accepted)."""


def _leaf(value: Any, kind: Any, leaves: Mapping[type, Leaf]) -> Any:
    """A scalar of `kind`, or _Wrong / SlaError."""
    if isinstance(kind, mi.CustomType | mi.DataclassType):  # the language's own leaf types (spans, zones, ...)
        return leaves[kind.cls](value)
    if isinstance(kind, mi.DecimalType):
        return decimal(value)
    if isinstance(kind, mi.LiteralType) and value not in kind.values:
        raise SlaError(f"must be one of {', '.join(map(str, kind.values))}, not {shown(value)}")
    if isinstance(kind, mi.IntType):
        low, high = kind.ge if kind.ge is not None else 0, kind.le
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            raise _Wrong(describe(kind))
    elif type(kind) in _SCALARS:
        test, wrong, _ = _SCALARS[type(kind)]
        if not test(value):
            raise _Wrong(wrong)
        if isinstance(kind, mi.StrType) and kind.pattern is not None and not re.search(kind.pattern, value):
            raise _Wrong("valid")
    elif not isinstance(kind, mi.AnyType | mi.LiteralType):
        raise TypeError(f"no decoder for {kind}")  # a Struct field of a type this module does not know: a bug
    return value


# TOML's own scalars: whether a value is one, what it is called when it is not, and what is accepted.
_SCALARS: dict[type, tuple[Callable[[Any], bool], str, str]] = {
    mi.StrType: (lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty string",
                 "a non-empty string in quotes"),
    mi.BoolType: (lambda v: isinstance(v, bool), "true or false", "true or false (no quotes)"),
    mi.DateTimeType: (lambda v: isinstance(v, datetime) and v.utcoffset() is not None, "a date and time with an offset",
                      INSTANT),
    mi.DateType: (lambda v: type(v) is date, "a date", DATE),
}  # fmt: skip


def decimal(value: Any) -> Decimal:
    """A finite decimal written as a string (or a TOML integer); floats are refused, they are inexact."""
    try:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidOperation
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _Wrong("a decimal number written as a string") from None
    return number


def describe(kind: Any) -> str:
    """What a field of `kind` accepts, in words."""
    if isinstance(kind, mi.Metadata):
        accepted = (kind.extra or {}).get("accepted")
        return str(accepted) if accepted else describe(kind.type)
    if isinstance(kind, mi.UnionType):
        return describe(next(t for t in kind.types if not isinstance(t, mi.NoneType)))
    if isinstance(kind, mi.LiteralType):
        return ", ".join(str(v) for v in kind.values)
    if isinstance(kind, mi.StructType):
        return "a table"
    if isinstance(kind, mi.ListType | mi.VarTupleType):
        item = kind.item_type.type if isinstance(kind.item_type, mi.Metadata) else kind.item_type
        plural = {mi.StrType: "strings", mi.DateType: "dates written as 2026-03-03 (no quotes)"}.get(type(item))
        return f"a list of {plural or describe(kind.item_type)}"
    if isinstance(kind, mi.DictType):
        return "a table of named entries"
    if isinstance(kind, mi.CustomType | mi.DataclassType):
        return str(getattr(kind.cls, "ACCEPTED", kind.cls.__name__))
    if isinstance(kind, mi.IntType):
        low, high = kind.ge if kind.ge is not None else 0, kind.le
        return "a whole number " + (f"from {low} to {high}" if high is not None else f"of at least {low}")
    if isinstance(kind, mi.DecimalType):
        return "a decimal number in quotes, e.g. '99.9'"
    return _SCALARS[type(kind)][2] if type(kind) in _SCALARS else "a value"


@cache
def struct_info(cls: type[Any]) -> Any:
    """The inspected type of a Struct (inspecting is slow: once per class)."""
    return mi.type_info(cls)


def doc(
    meaning: str, example: str, *, default: str | None = None, accepted: str | None = None, unique: bool = False
) -> msgspec.Meta:
    """A field's reference: what it means, a TOML example line, and where the type or default alone would not
    say it, what is accepted and what leaving it out means; `unique`: a list that names each entry once (the
    decoder refuses a repeat, the JSON Schema says `uniqueItems`)."""
    extra = (
        {"example": example} | ({"default": default} if default else {}) | ({"accepted": accepted} if accepted else {})
    )
    return msgspec.Meta(description=meaning, extra=extra, extra_json_schema={"uniqueItems": True} if unique else None)
