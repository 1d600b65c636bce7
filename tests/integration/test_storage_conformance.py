"""The storage conformance suite on DynamoDB Local (the same tests run on the in-memory store in
tests/unit/storage/test_memory_store.py)."""

from __future__ import annotations

import pytest

from sla_core.app.store import DYNAMODB, Store
from tests.support.storage_conformance import StorageConformance

pytestmark = pytest.mark.integration


class TestDynamoDBStore(StorageConformance):
    @pytest.fixture
    def store(self, table: str) -> Store:
        """The DynamoDB modules on a fresh table."""
        return DYNAMODB
