"""The write idioms of every store, written once: a save whose failed condition (or version) is an answer,
not an error, and "apply a change to what was read, save, re-read and re-apply on a conflict"."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from pynamodb.exceptions import PutError, PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

M = TypeVar("M", bound=Model)
CONDITION_FAILED = "ConditionalCheckFailedException"
CANCELLED = "TransactionCanceledException"
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


def saved_together(item: Model, others: Sequence[Model], fresh: Model | None = None) -> frozenset[int]:
    """Save `item` and `others` (each under its version: a new one only if it does not exist), and `fresh` (an
    item without a version, e.g. a timeline entry) only if it does not exist, in one TransactWriteItems, all or
    nothing. Returns the positions whose check failed (0: `item`, n: `others[n-1]`, len(others) + 1: `fresh`;
    nothing was written then); empty when all were saved."""
    if not others and fresh is None:
        return frozenset() if saved(item) else frozenset({0})
    try:
        with TransactWrite(connection=item._get_connection().connection) as transaction:
            for one in (item, *others):
                transaction.save(one)
            if fresh is not None:
                transaction.save(fresh, condition=type(fresh)._hash_key_attribute().does_not_exist())
    except TransactWriteError as error:
        response = getattr(error.cause, "response", None) or {}
        failed = frozenset(
            n for n, reason in enumerate(error.cancellation_reasons)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        )  # fmt: skip
        if response.get("Error", {}).get("Code") == CANCELLED and failed:
            return failed
        raise
    return frozenset()


def _is_new(item: Model) -> bool:
    """Whether `item` was never saved (its version is unset): its put is conditional on its absence."""
    name = item._version_attribute_name
    return name is None or getattr(item, name) is None


def save_changed_with(
    read: M | None,
    reload: Callable[[], M | None],
    change: Callable[[M], Sequence[Model]],
    *,
    attempts: int,
    fresh: Model | None = None,
) -> tuple[M, bool]:
    """Apply `change` to the copy already `read` (or a fresh one) and save it with the other items `change`
    returns (downtime intervals it writes), and `fresh` (the timeline entry of the event being recorded): all
    in one transaction or none. On a conflict reload and re-apply, up to `attempts` reads. `change` must be
    safe to run more than once. Returns the item and True; or, when `fresh` exists already (the event was
    recorded, with its change, before), the item as stored and False, with nothing written."""
    item = read
    ends = 0
    for attempt in range(attempts + (read is not None)):
        if item is None:
            item = reload()
            if item is None:
                raise LookupError("the item to update does not exist")
        before = item.serialize(null_check=False)
        others = list(change(item))
        ends = len(others) + 1
        failed = saved_together(item, others, fresh)
        while failed and 0 not in failed and ends not in failed and all(_is_new(others[n - 1]) for n in failed):
            # Only new items that exist already (written before, e.g. an interval recorded earlier): keep those.
            others = [one for n, one in enumerate(others, 1) if n not in failed]
            ends = len(others) + 1
            failed = saved_together(item, others, fresh)
        if not failed:
            return item, True
        if fresh is not None and ends in failed:  # recorded before: its change is in the stored item already
            if 0 in failed:
                return reload() or item, False
            item.deserialize(before)
            return item, False
        item = None
        # Full jitter, so writers that collided do not collide again in step: at most 1.1 s over 9 tries.
        time.sleep(random.uniform(0, min(JITTER_BASE_S * 2**attempt, JITTER_CAP_S)))  # noqa: S311 - not crypto
    raise VersionConflictError(f"changed {attempts} times while being updated")
