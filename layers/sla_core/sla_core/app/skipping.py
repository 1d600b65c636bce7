"""One bad item never breaks a view or a tick for the others: each item is computed on its own, and one that
raises is logged with its id and counted, so the view shows the rest and says how many it could not."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def each_kept(items: Iterable[T], work: Callable[[T], R], *, what: str, key: Callable[[T], str]) -> tuple[list[R], int]:
    """`work` of every item that does not raise, in order, and how many raised (each logged as `what`)."""
    kept: list[R] = []
    skipped = 0
    for item in items:
        try:
            kept.append(work(item))
        except Exception:  # any failure of one item is logged and counted, never spread
            logger.exception("%s could not be shown; skipped", what, extra={"item": key(item)})
            skipped += 1
    return kept, skipped


def not_shown(count: int) -> str:
    """'1 item could not be shown (it is logged).' for a non-zero count, else ''."""
    if not count:
        return ""
    return f"{count} item{'' if count == 1 else 's'} could not be shown (logged for whoever runs slaops)."
