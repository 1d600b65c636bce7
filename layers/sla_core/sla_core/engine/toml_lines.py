"""Where a field is in a TOML file: the line of each field path as `toml_decode` names fields, for `check`'s
`file:line:` (tomllib gives no positions). One pass over the file's tokens records where each table header, key and
inline array element starts; past anything it does not follow it knows fewer lines, and a path it does not know is
placed at its longest known prefix (a key left out: its table)."""

from __future__ import annotations

import contextlib
import re

_TOKEN = re.compile(
    r'"""(?:\\[\s\S]|[^\\])*?"{3,5}|\'\'\'[\s\S]*?\'{3,5}|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
    r"|[\[\]{}=,\n]|[^\s\[\]{}=,#\"']+|\S"
)
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def field_lines(text: str) -> dict[str, int]:
    """Field path → its 1-based line, as far as the file is followed."""
    tokens: list[tuple[str, int]] = []
    line = 1
    for match in _TOKEN.finditer(text):
        if not match.group().startswith("#"):
            tokens.append((match.group(), line))
        line += match.group().count("\n")
    lines: dict[str, int] = {"": 1}
    counts: dict[str, int] = {}  # counts: array-of-tables path → entries so far

    def key(i: int, end: str) -> tuple[list[str], int]:
        parts: list[str] = []
        while tokens[i][0] != end:
            word = tokens[i][0]
            quoted = word[0] in "\"'" and len(word) > 1
            steps = [word.strip(word[0])] if quoted else [s for s in word.split(".") if s]
            if not all(quoted or _BARE.fullmatch(s) for s in steps):
                raise ValueError(f"no key at line {tokens[i][1]}")
            parts, i = parts + steps, i + 1
        return parts, i + 1

    def blank(i: int) -> int:
        while tokens[i][0] == "\n":
            i += 1
        return i

    def value(i: int, path: str) -> int:
        word = tokens[i][0]
        if word in ("{", "["):
            index, i = 0, i + 1
            while tokens[i := blank(i)][0] not in ("}", "]"):
                if word == "{":
                    i = pair(i, path)
                else:
                    lines.setdefault(f"{path}[{index}]", tokens[i][1])
                    i, index = value(i, f"{path}[{index}]"), index + 1
                i = blank(i)
                i += tokens[i][0] == ","
            return i + 1
        if word in "=,]}\n":
            raise ValueError(f"no value at line {tokens[i][1]}")
        i += 1
        while i < len(tokens) and tokens[i][0] not in "[]{}=,\n" and tokens[i][0][0] not in "\"'":
            i += 1  # a date and time written with a space
        return i

    def pair(i: int, table: str) -> int:
        parts, after = key(i, "=")
        path = ".".join([table, *parts] if table else parts)
        lines.setdefault(path, tokens[i][1])
        return value(after, path)

    with contextlib.suppress(ValueError, IndexError):  # past what it does not follow, it knows fewer lines
        i, table = 0, ""
        while (i := blank(i)) < len(tokens):
            if tokens[i][0] != "[":
                i = pair(i, table)
                continue
            array = tokens[i + 1][0] == "["
            parts, after = key(i + 1 + array, "]")
            table = ""
            for part in parts[:-1]:
                table = f"{table}.{part}" if table else part
                table += f"[{counts[table] - 1}]" if table in counts else ""
            table = f"{table}.{parts[-1]}" if table else parts[-1]
            if array:
                counts[table] = counts.get(table, 0) + 1
                table += f"[{counts[table] - 1}]"
            lines.setdefault(table, tokens[i][1])
            i = after + array
    return lines


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of `path`, else of its longest known prefix, else the top of the file (a key left out is placed at
    the line of its table)."""
    steps = [match.group(0) for match in _STEP.finditer(path)]
    for size in range(len(steps), 0, -1):
        prefix = "".join(steps[:size]).lstrip(".")
        if prefix in lines:
            return lines[prefix]
    return lines.get("")  # a top-level key left out: the top of the file
