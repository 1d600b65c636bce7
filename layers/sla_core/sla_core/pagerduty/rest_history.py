"""PagerDuty's REST API v2 as a source of incident history, read with the `pagerduty` client (formerly pdpyras:
classic limit/offset/more pagination, retries on 429 and 5xx, `Token token=` auth).

`GET /incidents` with `since`, `until` and `service_ids[]` lists the contracts' incidents (every status);
`GET /incidents/{id}/log_entries` gives each one's trigger, acknowledge, resolve, note and reassignment instants and
who acted (newest first; the order does not matter, the fold is order-independent). Each entry becomes the
webhook event it stands for (`events.log_entry_event`), mapped to the contract's severity as the webhook maps it.

The client waits what a 429's `Retry-After` asks before its own backoff (the library backs off exponentially but
does not read the header). A 401 or 403 is one `HistoryUnavailable` line naming the token; so is a network failure
after the client's retries. Runs on a developer machine (`python -m sla_core backfill`), never in a Lambda.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx2
from pagerduty import Error, HttpError, RestApiV2Client

from sla_core.app.backfill import HistoricEvent, HistoricIncident
from sla_core.config.contract import ContractsConfig
from sla_core.engine.clean_text import PoisonText, TooDeep, clean_json
from sla_core.engine.errors import InputError, SlaError
from sla_core.engine.instants import parse_instant
from sla_core.pagerduty.events import (
    ID_PREFIX,
    MAX_DEPTH,
    PagerDutyEvent,
    PayloadError,
    incident_event,
    log_entry_event,
)

PAGE_SIZE = 100  # PagerDuty's largest classic page; the client follows `more` whatever size the API answers with
RETRY_AFTER_CAP_SECONDS = 120.0
RETRIES = {429: 8, 500: 3, 502: 3, 503: 3, 504: 3}  # then the failure is reported; a rerun finishes the job
TOKEN_ENV = "PAGERDUTY_API_TOKEN"  # noqa: S105 - the variable's name, not a token


class HistoryUnavailable(SlaError):
    """PagerDuty could not be read (token refused, scope missing, network down): one line saying which."""


class _Client(RestApiV2Client):
    """The `pagerduty` REST client, waiting at least what a 429's Retry-After asks."""

    def __init__(self, token: str, *, sleep: Callable[[float], None]) -> None:
        super().__init__(token)
        self._sleep = sleep

    def postprocess(self, response: httpx2.Response, suffix: str | None = None) -> None:
        super().postprocess(response, suffix)
        if response.status_code == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait:
                self._sleep(min(wait, RETRY_AFTER_CAP_SECONDS))


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's delay in seconds (the delta-seconds form PagerDuty sends), None when absent or not a
    number."""
    try:
        seconds = float((value or "").strip())
    except ValueError:
        return None
    return seconds if 0 < seconds < float("inf") else None


def rest_client(
    token: str, url: str, *, sleep: Callable[[float], None] = time.sleep, backoff_seconds: float = 1.5
) -> RestApiV2Client:
    """A REST API v2 client for `url` with the token (`Authorization: Token token=...`), bounded retries, and
    `backoff_seconds` before its first retry (doubling after)."""
    client = _Client(token, sleep=sleep)
    client.url = url
    client.retry = dict(RETRIES)
    client.sleep_timer = backoff_seconds
    client.max_network_attempts = 3
    return client


class RestHistory:
    """The incidents of the contracts' PagerDuty services between two instants, each with its mapped events."""

    def __init__(self, client: RestApiV2Client, contracts: ContractsConfig) -> None:
        self.client = client
        self.contracts = contracts

    def incidents(self, service_ids: Sequence[str], since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Every incident of the services created in [since, until), whatever its status (all pages)."""
        params = {
            "since": since.astimezone(UTC).isoformat(),
            "until": until.astimezone(UTC).isoformat(),
            "service_ids[]": list(service_ids),
            "statuses[]": ["triggered", "acknowledged", "resolved"],
            "time_zone": "UTC",
        }
        return list(self._pages("/incidents", params, "GET /incidents"))

    def history(self, incident: dict[str, Any]) -> HistoricIncident:
        """One listed incident with its log entries mapped to events; PayloadError when it cannot be used."""
        try:
            incident = clean_json(incident, max_depth=MAX_DEPTH, refuse_poison=True)
        except (PoisonText, TooDeep) as error:
            raise PayloadError(str(error)) from None
        pagerduty_id = incident.get("id")
        if not isinstance(pagerduty_id, str) or not pagerduty_id.isalnum():
            raise PayloadError(f"incident id {repr(pagerduty_id)[:80]} is not a PagerDuty id")
        service = incident.get("service")
        service_id = service.get("id") if isinstance(service, dict) and isinstance(service.get("id"), str) else None
        contract = self.contracts.contract_for_service(service_id) if service_id else None
        entries = self._pages(
            f"/incidents/{pagerduty_id}/log_entries", {"time_zone": "UTC"}, f"GET /incidents/{pagerduty_id}/log_entries"
        )
        parsed: list[PagerDutyEvent] = []
        for raw_entry in entries:
            try:
                entry = clean_json(raw_entry, max_depth=MAX_DEPTH, refuse_poison=True)
            except (PoisonText, TooDeep) as error:
                raise PayloadError(f"log entry of {pagerduty_id}: {error}") from None
            event = log_entry_event(entry, incident)
            if event is not None:
                parsed.append(event)
        first = next((e for e in parsed if e.kind == "triggered"), None)
        return HistoricIncident(
            incident_id=f"{ID_PREFIX}{pagerduty_id}",
            source_id=pagerduty_id,
            contract=contract,
            opened_at=_created_at(incident, first.occurred_at if first else None),
            events=tuple(HistoricEvent(incident_event(e, contract), e.event_type) for e in parsed),
            title=parsed[0].title if parsed else None,
            source_url=parsed[0].html_url if parsed else None,
            service_id=service_id,
        )

    def _pages(self, path: str, params: dict[str, Any], what: str) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, with PagerDuty's refusals and failures as one HistoryUnavailable line."""
        try:
            yield from self.client.iter_all(path, params=params, page_size=PAGE_SIZE)
        except HttpError as error:
            raise HistoryUnavailable(_refusal(what, error.response)) from None
        except Error as error:
            raise HistoryUnavailable(f"{what} failed: {str(error).splitlines()[0][:300]}") from None
        except httpx2.HTTPError as error:
            raise HistoryUnavailable(f"{what} failed: {type(error).__name__}: {error}") from None


def _refusal(what: str, response: httpx2.Response | None) -> str:
    """The one line for an HTTP refusal: which token or scope, never the token itself."""
    status = response.status_code if response is not None else None
    if status == 401:
        return f"PagerDuty refused {TOKEN_ENV} (401 Unauthorized) on {what}: give a valid REST API key"
    if status == 403:
        return (
            f"PagerDuty answered 403 Forbidden to {what}: the key in {TOKEN_ENV} may not read incidents "
            "(a scoped key needs incidents.read and services.read; a read-only User or General key works)"
        )
    if status == 429:
        return f"PagerDuty kept answering 429 Too Many Requests to {what}: run the same command again later"
    return f"PagerDuty answered {status} to {what}: run the same command again to finish"


def _created_at(incident: dict[str, Any], fallback: datetime | None) -> datetime:
    try:
        return parse_instant(str(incident.get("created_at")), "incident created_at")
    except InputError:
        if fallback is None:
            raise PayloadError(f"incident {incident.get('id')} has no created_at and no trigger") from None
        return fallback
