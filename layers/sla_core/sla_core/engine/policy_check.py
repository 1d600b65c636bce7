"""`python -m sla_core check` for policy files: each read as the functions load it, its id against every other
policy's, and its `[[examples]]` run when it reads; one `Finding` per problem, `file:line: field.path: problem;
accepted: ...`, the line wherever `toml_lines` can place the field, sorted by line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sla_core.engine.errors import SlaError
from sla_core.engine.examples import example_problems, parse_examples
from sla_core.engine.policy import UNNAMED_HOLIDAYS, Policy
from sla_core.engine.policy_files import taken_id
from sla_core.engine.policy_rules import policy_problems
from sla_core.engine.toml_lines import field_lines, line_of

_FIELD_PATH = re.compile(r"^(?:\(top level\)|[A-Za-z0-9_<>-]+(?:\[\d+\])*(?:\.[A-Za-z0-9_<>-]+(?:\[\d+\])*)*)$")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the file, its line when known, and the rest of the message (`field.path: problem ...`)."""

    file: str
    line: int | None
    message: str

    @property
    def warning(self) -> bool:
        """Suspicious but computable: shown, not counted as a problem."""
        return ": warning: " in self.message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


def finding(file: str, message: str, text: str | None) -> Finding:
    """A Finding from an error message that starts `<file>: <field.path>: ...`; the line is the field's in `text`."""
    rest = message.removeprefix(f"{file}: ")
    if not rest.startswith("not valid TOML"):
        path = rest.split(": ", 1)[0]
        if _FIELD_PATH.match(path) and text is not None:
            line = line_of(field_lines(text), "" if path == "(top level)" else path)
            return Finding(file, line, rest)
        return Finding(file, None, rest)
    found = _TOML_LINE.search(rest)
    return Finding(file, int(found.group(1)) if found else None, rest)


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking some policy files found: the problems, how many policies parsed and examples they hold, and
    whether an id was taken (then the contracts file cannot be read against them)."""

    findings: tuple[Finding, ...]
    policies: int
    examples: int
    ids_taken: bool = False
    notes: tuple[str, ...] = ()  # what a reader should know though nothing is wrong (an unnamed holiday set)


def _load(file: str, text: str) -> tuple[Policy | None, list[Finding]]:
    """The parsed policy (None when it has problems) and every problem or warning it has."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [finding(file, f"{file}: not valid TOML: {exc}", text)]
    policy, problems = policy_problems(data, file)
    return policy, [finding(file, problem.line(file), text) for problem in problems]


def _taken(path: Path, file: str, text: str, known: dict[str, Path]) -> Finding | None:
    """A problem when another policy file (shipped or in another directory) has this file's id."""
    other = known.get(path.stem)
    if other is None or other.resolve() == path.resolve():
        return None
    return Finding(file, line_of(field_lines(text), "id"), f"id: {taken_id(path, other)}")


def check_policy_files(paths: Sequence[Path], known: Iterable[Path] = ()) -> Checked:
    """Check each policy file; `known` are the other policy files whose ids these must not take."""
    owners: dict[str, Path] = {}
    for other in known:
        owners.setdefault(other.stem, other)
    findings: list[Finding] = []
    notes: list[str] = []
    policies = examples = 0
    ids_taken = False
    for path in paths:
        file, text = str(path), path.read_text(encoding="utf-8")
        taken = _taken(path, file, text, owners)
        owners.setdefault(path.stem, path)
        loaded, found = _load(file, text)
        findings += [taken] if taken is not None else []
        ids_taken = ids_taken or taken is not None
        findings += sorted(found, key=lambda f: f.line or 0)
        if loaded is None:
            continue
        findings += sorted((finding(file, p, text) for p in example_problems(loaded)), key=lambda f: f.line or 0)
        policies += 1
        examples += _example_count(loaded)
        if loaded.holidays.unnamed:
            notes.append(f"{file}: holidays: note: {UNNAMED_HOLIDAYS}")
    return Checked(tuple(findings), policies, examples, ids_taken, tuple(notes))


def _example_count(policy: Policy) -> int:
    """How many examples the policy has (none when they do not parse: that is a finding already)."""
    try:
        return len(parse_examples(policy))
    except SlaError:
        return 0
