"""Checks what `sam build` produced: Lambda python3.13 arm64 wheels only, the layer's code, data and deps, and
bytecode for python3.13 next to every module (unchecked-hash .pyc, so Lambda never compiles at a cold start).

Run by `make build` right after `sam build`; exits 1 with one line per problem. A build without bytecode passes
with a warning only when no CPython 3.13 is found on this machine (the Makefiles then ship source and say so).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

BUILD = Path(".aws-sam/build")
LAYER = BUILD / "SlaCoreLayer" / "python"
SOURCE_LAYER = Path("layers/sla_core")
FUNCTIONS = {"SlackFunction": ("slack_bolt",), "PagerDutyWebhookFunction": (), "ReminderFunction": ()}
# Pure-Python wheels, or CPython 3.13 / abi3 wheels for Linux on aarch64.
_WHEEL_TAG = re.compile(r"^(py2|py3|py2\.py3)-none-any$|^cp3\d+-(cp313|abi3)-manylinux[\w.]*_aarch64$")
_EXTENSION = re.compile(r"\.(cpython-313-aarch64-linux-gnu|abi3)\.so$")
_BYTECODE = ".cpython-313.pyc"
_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


def python313() -> str | None:
    """A CPython 3.13 the Makefiles would compile with (python3.13 on the PATH, or under pyenv), if any."""
    candidates = [
        shutil.which("python3.13"),
        *map(str, sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))),
    ]
    for candidate in filter(None, candidates):
        probe = [candidate, "-c", "import sys; sys.exit(sys.version_info[:2] != (3, 13))"]
        if subprocess.run(probe, capture_output=True, check=False).returncode == 0:  # noqa: S603 - our own probe
            return candidate
    return None


def bytecode_problems(roots: list[Path]) -> tuple[list[str], int, int]:
    """(problems, modules with 3.13 bytecode, modules without) under `roots`: a .pyc of another Python, or one
    that checks its source's timestamp (the zip's would not match), is a problem."""
    found: list[str] = []
    compiled = missing = 0
    for root in roots:
        for source in sorted(root.rglob("*.py")):
            pyc = source.parent / "__pycache__" / f"{source.stem}{_BYTECODE}"
            if not pyc.is_file():
                missing += 1
                continue
            compiled += 1
            flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
            if flags != _UNCHECKED_HASH:
                found.append(f"{pyc}: not unchecked-hash bytecode (flags {flags}): Lambda would compile again")
        found.extend(
            f"{pyc}: bytecode of another Python than 3.13"
            for pyc in root.rglob("*.pyc")
            if not pyc.name.endswith(_BYTECODE)
        )
    return found, compiled, missing


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def requirement_names(path: Path) -> list[str]:
    """Distribution names listed in a requirements file."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        spec = line.split("#", 1)[0].strip()
        if spec and not spec.startswith("-"):
            names.append(_normalize(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]))
    return names


def problems() -> list[str]:
    """Everything wrong with the build output (empty when it is right)."""
    found: list[str] = []
    if not LAYER.is_dir():
        return [f"{LAYER} missing: run sam build first"]
    policies = sorted(p.name for p in (SOURCE_LAYER / "sla_core" / "engine" / "policies").glob("*.toml"))
    built = sorted(p.name for p in (LAYER / "sla_core" / "engine" / "policies").glob("*.toml"))
    if not policies or built != policies:
        found.append(f"layer policies {built} differ from the source's {policies}")
    installed = {_normalize(p.name.split("-", 1)[0]) for p in LAYER.glob("*.dist-info")}
    found.extend(
        f"layer lacks requirement {name}"
        for name in requirement_names(SOURCE_LAYER / "requirements.txt")
        if name not in installed
    )
    for function, packages in FUNCTIONS.items():
        root = BUILD / function
        if not (root / "app.py").is_file():
            found.append(f"{function}: app.py missing")
        found.extend(f"{function}: {package} missing" for package in packages if not (root / package).is_dir())
    for wheel in BUILD.rglob("*.dist-info/WHEEL"):
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
        found.extend(
            f"{wheel.parent.name}: wheel tag {tag} is not for Lambda python3.13 arm64"
            for tag in tags
            if not _WHEEL_TAG.match(tag)
        )
    found.extend(
        f"{so}: not a CPython 3.13 aarch64 extension" for so in BUILD.rglob("*.so") if not _EXTENSION.search(so.name)
    )
    return found + bytecode_verdict()[0]


def bytecode_verdict() -> tuple[list[str], str]:
    """(problems, what the build ships): every module compiled for 3.13, or none when no 3.13 is at hand."""
    roots = [LAYER, *(BUILD / function for function in FUNCTIONS)]
    found, compiled, missing = bytecode_problems([root for root in roots if root.is_dir()])
    if not missing:
        return found, f"python3.13 bytecode for all {compiled} modules"
    if compiled:
        return [*found, f"{missing} of {compiled + missing} modules have no python3.13 bytecode"], ""
    interpreter = python313()
    if interpreter is not None:
        return [*found, f"no python3.13 bytecode, though {interpreter} is a CPython 3.13: rebuild"], ""
    return found, "WARNING: source only, no bytecode (no CPython 3.13 found): every cold start compiles it"


def main() -> int:
    issues = problems()
    for issue in issues:
        print(f"build check: {issue}", file=sys.stderr)
    if not issues:
        size = sum(p.stat().st_size for p in BUILD.rglob("*") if p.is_file()) / 1e6
        extensions = len(list(BUILD.rglob("*.so")))
        shipped = bytecode_verdict()[1]
        print(f"build check: ok ({size:.0f} MB, {extensions} compiled extension(s), all cp313 aarch64; {shipped})")
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
