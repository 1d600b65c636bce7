"""The write idioms of every store, written once: a save whose failed condition (or version) is an answer,
not an error, and "apply a change to what was read, save, re-read and re-apply on a conflict"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

M = TypeVar("M", bound=Model)
CONDITION_FAILED = "ConditionalCheckFailedException"


class VersionConflictError(RuntimeError):
    """An item kept changing under us for every attempt in a row."""


def saved(item: Model, condition: Condition | None = None) -> bool:
    """Save `item`; False (and nothing written) when `condition` or the item's version check failed."""
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == CONDITION_FAILED:
            return False
        raise
    return True


def save_changed(read: M | None, reload: Callable[[], M | None], change: Callable[[M], None], *, attempts: int) -> M:
    """Apply `change` to the copy already `read` (or a fresh one) and save it; on a version conflict reload
    and re-apply, up to `attempts` reads. `change` must be safe to run more than once."""
    item = read
    for _ in range(attempts + (read is not None)):
        if item is None:
            item = reload()
            if item is None:
                raise LookupError("the item to update does not exist")
        change(item)
        if saved(item):
            return item
        item = None
    raise VersionConflictError(f"changed {attempts} times while being updated")
