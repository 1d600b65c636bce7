"""`python -m sla_core` as the CLI tests call it: exit code, stdout and stderr, or the JSON of a success."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sla_core.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI with `argv`; its exit code and what it printed."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    """Run the CLI, require exit 0, and return its JSON output."""
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result
