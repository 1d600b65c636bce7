"""One bad item never breaks a view or a tick for the others: each item is computed on its own, and one that
raises is logged with its id and counted, so the view shows the rest and says how many it could not."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class Skips:
    """The items a report left out of its figures, each logged as it was skipped; an item read for two figures
    (the period's estimate and its glance) counts once."""

    keys: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.keys)


@contextmanager
def skipping(skips: Skips | None, what: str, key: str) -> Iterator[None]:
    """Run one item's work: with `skips`, an item that raises is logged and counted and the caller goes on to
    the next; without (a figure asked for directly), its error propagates as before."""
    if skips is None:
        yield
        return
    try:
        yield
    except Exception:  # one item's failure is logged and counted, never spread to the report
        logger.exception("%s could not be included; skipped", what, extra={"item": key})
        skips.keys.add(f"{what}:{key}")


def not_included(count: int) -> str:
    """'1 item could not be included ...' for a report that left items out of its figures, else ''."""
    if not count:
        return ""
    items = f"{count} stored item{'' if count == 1 else 's'}"
    return f"{items} could not be included in these figures (logged for whoever runs slaops): they leave it out."
