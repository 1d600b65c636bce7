"""Where a field is in a TOML file: the line of each field path (`severities[0].targets[1].any_of[0].duration`,
as `toml_decode` names fields in its problems), for `check`'s `file:line:` (tomllib gives no positions).

A small scanner of the TOML the policies and the contracts file are written in: table headers (arrays of
tables counted), keys (bare, quoted or dotted) and values, inline tables and arrays element by element, strings
of every kind skipped whole. It never fails: past anything it does not follow it knows fewer lines, and a path
it does not know is placed at its longest known prefix (a field left out: the line of its table).
"""

from __future__ import annotations

import contextlib
import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    """One pass over the text, recording the line of every path it reaches."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.lines = text, 0, {"": 1}
        self.counts: dict[str, int] = {}  # array-of-tables path → entries so far

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces (and newlines and comments, when `newlines`)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#" and newlines:
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def key(self) -> list[str]:
        """A dotted key: bare or quoted parts."""
        parts: list[str] = []
        while True:
            self.skip_blank(False)
            if self.peek() in ('"', "'"):
                start = self.pos + 1
                self.string()
                parts.append(self.text[start : self.pos - 1])
            else:
                match = _BARE.match(self.text, self.pos)
                if match is None:
                    raise ValueError(f"no key at line {self.line}")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_blank(False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def string(self) -> None:
        """Skip one string of any TOML kind, escapes and newlines included."""
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        delimiter = quote * 3 if triple else quote
        self.pos += len(delimiter)
        while self.pos < len(self.text):
            if quote == '"' and self.text[self.pos] == "\\":
                self.pos += 2
            elif self.text.startswith(delimiter, self.pos):
                self.pos += len(delimiter)
                while triple and self.peek() == quote:  # up to two quotes may end a multi-line string
                    self.pos += 1
                return
            else:
                self.pos += 1

    def value(self, path: str) -> None:
        """Skip one value, recording the paths inside inline tables and arrays."""
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "{":
            self.inline_table(path)
        elif char == "[":
            self.array(path)
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = match.start() if match else len(self.text)

    def inline_table(self, path: str) -> None:
        self.pos += 1
        while True:
            self.skip_blank(True)
            if self.peek() in ("}", ""):
                self.pos += 1
                return
            self.key_value(path)
            self.skip_blank(True)
            if self.peek() == ",":
                self.pos += 1

    def array(self, path: str) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank(True)
            if self.peek() in ("]", ""):
                self.pos += 1
                return
            element = f"{path}[{index}]"
            self.lines.setdefault(element, self.line)
            self.value(element)
            index += 1
            self.skip_blank(True)
            if self.peek() == ",":
                self.pos += 1

    def key_value(self, table: str) -> None:
        line = self.line
        path = _join(table, self.key())
        self.lines.setdefault(path, line)
        self.skip_blank(False)
        if self.peek() != "=":
            raise ValueError(f"no '=' at line {self.line}")
        self.pos += 1
        self.skip_blank(False)
        self.value(path)

    def header(self) -> str:
        """A `[table]` or `[[array]]` header: the concrete path it opens (arrays numbered)."""
        array = self.peek(2) == "[["
        self.pos += 2 if array else 1
        parts = self.key()
        self.pos += 2 if array else 1
        path = ""
        for part in parts[:-1]:
            path = _join(path, [part])
            if path in self.counts:
                path = f"{path}[{self.counts[path] - 1}]"
        path = _join(path, parts[-1:])
        if array:
            self.counts[path] = self.counts.get(path, 0) + 1
            path = f"{path}[{self.counts[path] - 1}]"
        self.lines.setdefault(path, self.line)
        return path

    def document(self) -> None:
        table = ""
        while True:
            self.skip_blank(True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)


def _join(path: str, parts: list[str]) -> str:
    return ".".join([path, *parts]) if path else ".".join(parts)


def field_lines(text: str) -> dict[str, int]:
    """Field path → its 1-based line, as far as the scanner follows the file."""
    scanner = _Scanner(text)
    with contextlib.suppress(ValueError, IndexError):  # past what it does not follow, it knows fewer lines
        scanner.document()
    return scanner.lines


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of `path`, else of its longest known prefix, else the top of the file (a key left out is placed at
    the line of its table)."""
    if not path:
        return lines.get("")
    steps = [match.group(0) for match in _STEP.finditer(path)]
    for size in range(len(steps), 0, -1):
        prefix = "".join(steps[:size]).lstrip(".")
        if prefix in lines:
            return lines[prefix]
    return lines.get("")  # a top-level key left out: the top of the file
