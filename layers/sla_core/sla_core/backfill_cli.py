"""`python -m sla_core backfill pagerduty`, wired: storage as the functions use it (with `SLAOPS_LOCAL=1`, the
local stack's DynamoDB Local and outbox), PagerDuty's REST API, Slack; a progress bar on stderr and the run's
JSON summary as the result (cli.py words the flags and prints it)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pagerduty import RestApiV2Client
from tqdm import tqdm

from sla_core.app.backfill import Backfill, HistoricIncident, Outcome, post_summaries
from sla_core.config import settings
from sla_core.config.contract import Contract, ContractsConfig
from sla_core.pagerduty.events import SOURCE, PayloadError
from sla_core.pagerduty.rest_history import RestHistory, rest_client

if TYPE_CHECKING:
    from sla_core.slack.client import SlackPoster


def configure_storage() -> None:
    """Storage as the functions use it (TABLE_NAME, region, credentials), with a batch's timeouts; with
    `SLAOPS_LOCAL=1`, the DynamoDB Local and table of `make run` (and its dummy credentials)."""
    from sla_core.app import dynamodb_table  # noqa: PLC0415 - configured only for the run that writes

    if settings.is_local():
        for key, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
            os.environ.setdefault(key, value)
    dynamodb_table.configure(local=settings.is_local())


def pagerduty_client() -> RestApiV2Client:
    """The REST client the settings give (token and URL), checked before anything else is set up."""
    return rest_client(settings.pagerduty_api_token(), settings.pagerduty_api_url())


def run(
    contracts: ContractsConfig,
    selected: Sequence[Contract],
    *,
    since: date,
    until: date | None,
    dry_run: bool,
    now: datetime | None = None,
    client: RestApiV2Client | None = None,
) -> dict[str, Any]:
    """Read the selected contracts' PagerDuty history, record it (unless `dry_run`), post one summary per contract
    channel, and return the JSON summary. PagerDuty refusals raise HistoryUnavailable before anything is written
    (the incident list and the first incident's log entries are read first). `client`: a REST client other than
    the settings' one (tests)."""
    now = now or datetime.now(UTC)
    with _record_from(since):
        return _run(contracts, selected, since, until, dry_run, now, client or pagerduty_client())


@contextmanager
def _record_from(since: date) -> Iterator[None]:
    """For the run, the record accepts history from `since` (SLAOPS_RECORD_FROM; the functions' look-back is
    92 days), unless it is set to an earlier day already; the contracts' own first days still hold."""
    fixed = settings.record_from()
    before = os.environ.get(settings.RECORD_FROM_ENV)
    if fixed is None or fixed > since:
        os.environ[settings.RECORD_FROM_ENV] = since.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(settings.RECORD_FROM_ENV, None)
        else:
            os.environ[settings.RECORD_FROM_ENV] = before


def _run(
    contracts: ContractsConfig,
    selected: Sequence[Contract],
    since: date,
    until: date | None,
    dry_run: bool,
    now: datetime,
    client: RestApiV2Client,
) -> dict[str, Any]:
    """`run` with the record's first day set."""
    from sla_core.slack.delivery import SlackDelivery  # noqa: PLC0415
    from sla_core.slack.incident_posting import SlackIncidentChannel  # noqa: PLC0415
    from sla_core.slack.render.backfill import backfill_summary  # noqa: PLC0415 - Slack only when it runs

    history = RestHistory(client, contracts)
    slack = None if dry_run else _slack()
    backfill = Backfill(
        selected, since, until, now, SOURCE, dry_run=dry_run, channel=SlackIncidentChannel(slack) if slack else None
    )
    start, end = backfill.span()
    services = sorted({service for contract in selected for service in contract.pagerduty.service_ids})
    listed = history.incidents(services, start, end) if services else []
    recorded = 0  # the bar: incidents read of those listed, and how many of them were newly recorded
    with tqdm(total=len(listed), desc="incidents read", unit="incident", file=sys.stderr, disable=None) as bar:
        for raw in listed:
            try:
                incident: HistoricIncident | None = history.history(raw)
            except PayloadError as error:
                backfill.skip(f"pd-{raw.get('id')}", f"unusable: {error}")
                incident = None
            if incident is not None and backfill.record(incident).status == "recorded":
                recorded += 1
            bar.set_postfix(recorded=recorded, refresh=False)
            bar.update()
    summaries = backfill.summaries()
    posts: dict[str, str] = {}
    if slack is not None:
        posts = post_summaries(summaries, SlackDelivery(slack), backfill_summary, run_id=now.strftime("%Y%m%dT%H%M%SZ"))
    return _result(backfill, summaries, posts, start, end)


def _slack() -> SlackPoster:
    """Slack as the functions reach it: the bot token, or locally the outbox (echoed on stderr: stdout is the
    JSON summary's)."""
    from sla_core.slack.client import Outbox, SlackPoster  # noqa: PLC0415

    token = settings.slack_bot_token()
    return (
        SlackPoster.for_token(token) if token else SlackPoster(outbox=Outbox(settings.outbox_path(), echo=sys.stderr))
    )


def _result(
    backfill: Backfill, summaries: Sequence[Any], posts: dict[str, str], start: datetime, end: datetime
) -> dict[str, Any]:
    outcomes: list[Outcome] = backfill.outcomes
    skipped = [o for o in outcomes if o.status == "skipped"]
    return {
        "since": start.isoformat(),
        "until": end.isoformat(),
        "dry_run": backfill.dry_run,
        "read": len(outcomes),
        "recorded": sum(o.status == "recorded" for o in outcomes),
        "already_recorded": sum(o.status == "already recorded" for o in outcomes),
        "skipped": dict(Counter((o.why or "").split(":")[0] for o in skipped)),
        "skipped_incidents": [{"incident": o.incident_id, "why": o.why} for o in skipped],
        "open": [{"incident": o.incident_id, "card": o.card} for o in outcomes if o.open],
        "contracts": {
            s.contract.id: {**s.as_dict(), "summary_post": posts.get(s.contract.id, "not posted: dry run")}
            for s in summaries
        },
    }
