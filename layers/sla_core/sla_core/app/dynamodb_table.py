"""The DynamoDB table as the command-line runs set it up and keep it: which table and endpoint they write to
(`configure`, with a batch's timeouts) and `reindex` after an upgrade. The functions wire storage themselves."""

from __future__ import annotations

from sla_core.storage import models, repository
from sla_core.storage.models import TABLE_NAME_ENV

__all__ = ["TABLE_NAME_ENV", "configure", "reindex"]


def configure(*, table_name: str | None = None, host: str | None = None) -> None:
    """Point storage at `table_name` (default: TABLE_NAME) and `host` (DynamoDB Local; default: AWS), with the
    timeouts of a command-line run rather than a function's."""
    models.configure(table_name=table_name, host=host, batch=True)


def reindex() -> tuple[int, int]:
    """File what an earlier release wrote in the indexes App Home and `/sla status all` read: (open incidents,
    downtime intervals) filed, in one scan of the table."""
    return repository.reindex()
