"""The build check accepts Lambda python3.13 arm64 wheels and unchecked-hash 3.13 bytecode only, and reads
requirement names right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.check_build import _EXTENSION, _WHEEL_TAG, bytecode_problems, python313, requirement_names


@pytest.mark.parametrize(
    "tag",
    ["py3-none-any", "py2.py3-none-any", "cp313-cp313-manylinux_2_17_aarch64", "cp39-abi3-manylinux2014_aarch64"],
)
def test_tags_lambda_can_load(tag: str) -> None:
    assert _WHEEL_TAG.match(tag)


@pytest.mark.parametrize(
    "tag",
    ["cp311-cp311-manylinux_2_17_aarch64", "cp313-cp313-manylinux_2_17_x86_64", "cp313-cp313-macosx_11_0_arm64"],
)
def test_tags_lambda_cannot_load(tag: str) -> None:
    assert not _WHEEL_TAG.match(tag)


def test_extension_file_names() -> None:
    assert _EXTENSION.search("_wrappers.cpython-313-aarch64-linux-gnu.so")
    assert not _EXTENSION.search("_wrappers.cpython-311-x86_64-linux-gnu.so")


def test_requirement_names(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(
        "# deps\naws-lambda-powertools[tracer]>=3,<4\npython-dateutil>=2.9\n-r other.txt\nPyYAML ; python_version>'3'\n"
    )
    assert requirement_names(path) == ["aws_lambda_powertools", "python_dateutil", "pyyaml"]


def compile_with(python: str, path: Path, mode: str) -> None:
    subprocess.run([python, "-m", "compileall", "-q", "--invalidation-mode", mode, str(path)], check=True)


@pytest.mark.skipif(python313() is None, reason="no CPython 3.13 on this machine")
def test_bytecode_of_313_unchecked_hash_passes_and_anything_else_is_named(tmp_path: Path) -> None:
    python = python313()
    assert python is not None
    good, stale, source = tmp_path / "good", tmp_path / "stale", tmp_path / "source"
    for root in (good, stale, source):
        (root / "pkg").mkdir(parents=True)
        (root / "pkg" / "mod.py").write_text("VALUE = 1\n")
    compile_with(python, good, "unchecked-hash")
    compile_with(python, stale, "timestamp")
    compile_with(sys.executable, stale, "unchecked-hash")  # this interpreter's own (3.11 in CI): not for Lambda
    assert bytecode_problems([good]) == ([], 1, 0)
    problems, compiled, missing = bytecode_problems([stale])
    assert (compiled, missing) == (1, 0)
    assert any("not unchecked-hash bytecode (flags 0)" in p for p in problems)
    assert any(
        p.endswith(f"mod.{sys.implementation.cache_tag}.pyc: bytecode of another Python than 3.13") for p in problems
    )
    assert bytecode_problems([source]) == ([], 0, 1)
