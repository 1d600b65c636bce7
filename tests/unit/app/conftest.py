"""The use cases' tests run on the in-memory store: `table` (the name the DynamoDB tests ask for) installs one,
so a test written for DynamoDB Local runs here unchanged; a request that still reached for DynamoDB fails it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from tests.support.stores import in_memory


@pytest.fixture
def table() -> Iterator[str]:
    """A new in-memory store in use for the test (its name, as the DynamoDB fixture gives a table's)."""
    with in_memory():
        yield "memory"


@pytest.fixture(autouse=True)
def no_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every DynamoDB request is refused and remembered, so one the code under test swallowed fails it too."""
    asked: list[str] = []

    def refuse(self: Connection, operation_name: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(operation_name)
        raise AssertionError(f"a unit test of the use cases called DynamoDB: {operation_name}")

    monkeypatch.setattr(Connection, "_make_api_call", refuse)
    yield
    assert not asked, f"DynamoDB was called: {asked}"
