"""The write idioms of every store, written once: a save whose failed condition (or version) is an answer,
not an error, and "apply a change to what was read, save, re-read and re-apply on a conflict"."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from pynamodb.exceptions import PutError, PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

M = TypeVar("M", bound=Model)
CONDITION_FAILED = "ConditionalCheckFailedException"
JITTER_BASE_S = 0.01
JITTER_CAP_S = 0.2


class VersionConflictError(RuntimeError):
    """An item kept changing under us for every attempt in a row."""


def saved(item: Model, condition: Condition | None = None) -> bool:
    """Save `item`; False (and nothing written) when `condition` or the item's version check failed."""
    try:
        item.save(condition=condition)
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True


def condition_failed(error: PynamoDBException) -> bool:
    """Whether a failed put (or update) was its condition. PynamoDB's `cause_response_code` itself raises when the cause
    has no response (a read timeout of a stalled table), which must stay a storage failure, not a crash."""
    response = getattr(error.cause, "response", None) or {}
    return bool(response.get("Error", {}).get("Code") == CONDITION_FAILED)


def save_changed(read: M | None, reload: Callable[[], M | None], change: Callable[[M], None], *, attempts: int) -> M:
    """Apply `change` to the copy already `read` (or a fresh one) and save it; on a version conflict reload
    and re-apply, up to `attempts` reads. `change` must be safe to run more than once."""
    item = read
    for attempt in range(attempts + (read is not None)):
        if item is None:
            item = reload()
            if item is None:
                raise LookupError("the item to update does not exist")
        change(item)
        if saved(item):
            return item
        item = None
        # Full jitter, so writers that collided do not collide again in step: at most 1.1 s over 9 tries.
        time.sleep(random.uniform(0, min(JITTER_BASE_S * 2**attempt, JITTER_CAP_S)))  # noqa: S311 - not crypto
    raise VersionConflictError(f"changed {attempts} times while being updated")
