"""Where a field is in a TOML file: the line of each field path as `toml_decode` names fields, for `check`'s
`file:line:` (tomllib gives no positions; tree-sitter's TOML grammar does). A path not written (a key left out) is
placed at its longest written prefix: its table. `check` runs on a developer machine, so the grammar is a
development dependency, not the layer's, imported by `check` alone."""

from __future__ import annotations

import contextlib
import re
import tomllib
from functools import cache, lru_cache, reduce
from typing import TYPE_CHECKING

from sla_core.engine.toml_decode import join

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


@lru_cache(maxsize=8)  # `check` asks once per problem of a file
def field_lines(text: str) -> dict[str, int]:
    """Field path → its 1-based line, for every table, key and array element written (around text that does not
    parse, as far as the grammar recovers); read only."""
    lines: dict[str, int] = {"": 1}
    counts: dict[str, int] = {}  # array-of-tables path → its entries so far

    def visit(node: Node, path: str) -> None:
        children = [child for child in node.named_children if child.type != "comment"]
        if node.type in ("table", "table_array_element"):
            parts = _keys(children[0])
            for part in parts[:-1]:
                path = join(path, part)
                path += f"[{counts[path] - 1}]" if path in counts else ""
            path = join(path, parts[-1])
            if node.type == "table_array_element":
                counts[path] = counts.get(path, 0) + 1
                path += f"[{counts[path] - 1}]"
            lines.setdefault(path, node.start_point.row + 1)
            for child in children[1:]:
                visit(child, path)
        elif node.type == "pair":
            path = reduce(join, _keys(children[0]), path)
            lines.setdefault(path, node.start_point.row + 1)
            visit(children[-1], path)
        elif node.type in ("array", "inline_table"):
            for index, item in enumerate(children):
                at = path if node.type == "inline_table" else join(path, index)
                lines.setdefault(at, item.start_point.row + 1)
                visit(item, at)

    for node in _parser().parse(text.encode()).root_node.named_children:
        with contextlib.suppress(tomllib.TOMLDecodeError):  # a key recovered from text TOML does not read
            visit(node, "")
    return lines


@cache
def _parser() -> Parser:
    """TOML's grammar, loaded by the first `check` (the other commands run where only the layer is installed)."""
    import tree_sitter_toml  # noqa: PLC0415
    from tree_sitter import Language, Parser  # noqa: PLC0415

    return Parser(Language(tree_sitter_toml.language()))


def _keys(node: Node) -> list[str]:
    """The steps of a (dotted, quoted) key as TOML reads them."""
    parts, table = [], tomllib.loads(f"{(node.text or b'').decode()} = 0")
    while isinstance(table, dict):
        ((key, table),) = table.items()
        parts.append(key)
    return parts


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of `path`, else of its longest known prefix, else the top of the file (a key left out is placed at
    the line of its table)."""
    steps = [match.group(0) for match in _STEP.finditer(path)]
    for size in range(len(steps), 0, -1):
        prefix = "".join(steps[:size]).lstrip(".")
        if prefix in lines:
            return lines[prefix]
    return lines.get("")  # a top-level key left out: the top of the file
