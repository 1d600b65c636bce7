"""The build check accepts Lambda python3.13 arm64 wheels only, and reads requirement names right."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.check_build import _EXTENSION, _WHEEL_TAG, requirement_names


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
