"""The storage conformance suite on the in-memory store (the same tests run on DynamoDB Local in
tests/integration/test_storage_conformance.py)."""

from __future__ import annotations

import pytest

from sla_core.app.store import Store
from tests.support.storage_conformance import StorageConformance
from tests.support.stores import memory


class TestMemoryStore(StorageConformance):
    @pytest.fixture
    def store(self) -> Store:
        """A new, empty in-memory store."""
        return memory()
