"""The stores the storage conformance suite and the use cases' unit tests run on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sla_core.app.store import Store, use
from sla_core.storage.memory import memory_store


def memory() -> Store:
    """A new, empty in-memory store."""
    parts = memory_store()
    return Store(parts.repository, parts.post_queue, parts.rate_limits)


@contextmanager
def in_memory() -> Iterator[Store]:
    """The use cases answered from a new in-memory store until the block ends."""
    with use(memory()) as store:
        yield store
