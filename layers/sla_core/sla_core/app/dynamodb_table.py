"""The DynamoDB table as the command-line runs set it up and keep it: which table and endpoint they write to
(`configure`, with a batch's timeouts) and `reindex` after an upgrade. The functions wire storage themselves."""

from __future__ import annotations

import os

from sla_core.config import settings
from sla_core.storage import models, repository


def configure(*, local: bool) -> None:
    """Point storage at TABLE_NAME in AWS or, `local`, at `make run`'s DynamoDB Local and table (TABLE_NAME if
    set), with the timeouts of a command-line run rather than a function's."""
    if not local:
        models.configure(batch=True)
        return
    table = os.environ.get(models.TABLE_NAME_ENV) or settings.LOCAL_TABLE_NAME
    models.configure(table_name=table, host=settings.local_dynamodb_endpoint(), batch=True)


def reindex() -> tuple[int, int]:
    """File what an earlier release wrote in the indexes App Home and `/sla status all` read: (open incidents,
    downtime intervals) filed, in one scan of the table."""
    return repository.reindex()
