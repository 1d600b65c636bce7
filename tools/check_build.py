"""Checks what `sam build` produced: Lambda python3.13 arm64 wheels only, the layer's code, data and deps.

Run by `make build` right after `sam build`; exits 1 with one line per problem.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BUILD = Path(".aws-sam/build")
LAYER = BUILD / "SlaCoreLayer" / "python"
SOURCE_LAYER = Path("layers/sla_core")
FUNCTIONS = {"SlackFunction": ("slack_bolt",), "PagerDutyWebhookFunction": (), "ReminderFunction": ()}
# Pure-Python wheels, or CPython 3.13 / abi3 wheels for Linux on aarch64.
_WHEEL_TAG = re.compile(r"^(py2|py3|py2\.py3)-none-any$|^cp3\d+-(cp313|abi3)-manylinux[\w.]*_aarch64$")
_EXTENSION = re.compile(r"\.(cpython-313-aarch64-linux-gnu|abi3)\.so$")


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
    return found


def main() -> int:
    issues = problems()
    for issue in issues:
        print(f"build check: {issue}", file=sys.stderr)
    if not issues:
        size = sum(p.stat().st_size for p in BUILD.rglob("*") if p.is_file()) / 1e6
        extensions = len(list(BUILD.rglob("*.so")))
        print(f"build check: ok ({size:.0f} MB, {extensions} compiled extension(s), all cp313 aarch64)")
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
