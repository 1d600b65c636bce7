"""Slack entry point: the request guards, then Bolt, whose listeners (`sla_core.slack.listeners`, one per route of
`sla_core.slack.routes`) ack within Slack's 3 s and leave the work to lazy listeners.

No Powertools Tracer here: importing the X-Ray SDK costs ~0.1 s of every cold start on the 3 s ack path;
Lambda's active tracing still records each invocation. With process_before_response=True the ack is the HTTP
response; nothing on the ack path touches the network (no users.info, no DynamoDB). Lazy listeners run in a
second invocation of this function (lambda:InvokeFunction on itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.metrics import Metrics
from slack_bolt import App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult

from sla_core.config import settings, time_budget
from sla_core.config.contracts import read_contracts_file
from sla_core.slack import request_guard
from sla_core.slack.listeners import Listeners

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
metrics = Metrics()

# At cold start a malformed contracts file fails here, loudly; what it says about its policies (tiers, severities,
# ...) is checked when the first lazy listener loads it: reading every policy file costs more than the ack may.
read_contracts_file()
bot_token = settings.bolt_token()
signing_secret = settings.slack_signing_secret()
workspaces = settings.slack_workspaces()  # SLACK_TEAM_IDS / SLACK_ENTERPRISE_IDS: required in AWS


def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    """Single workspace, known token: authorize without the auth.test call Bolt's `token=` mode makes
    on the first request of each container (it would sit on the 3 s ack path). Other workspaces never get
    here: `handler` refuses them first."""
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token)


app = App(
    name="app.py",  # Bolt's default, without the inspect.stack() it takes to find it (~20 ms of a cold start)
    process_before_response=True,
    token_verification_enabled=False,
    signing_secret=signing_secret,
    authorize=authorize,
)
listeners = Listeners()  # its clock, Slack poster and contracts: tests replace them
listeners.register(app)
slack_handler = SlackRequestHandler(app)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) event in, HTTP response out. Slack's signature is checked over the raw
    bytes before Bolt parses anything (unsigned, stale or malformed headers: 401), then its workspace (another
    team or enterprise: a refusal, no listener runs); Bolt then routes, and a signed
    request it cannot handle or match gets a 200 with a message the user can read, never a 5xx with a traceback."""
    if not request_guard.signed_by_slack(event, signing_secret):
        metrics.add_metric(name="SlackSignatureRejected", unit=MetricUnit.Count, value=1)
        return dict(request_guard.UNSIGNED)
    if request_guard.foreign_workspace(event, workspaces):
        metrics.add_metric(name="SlackForeignWorkspace", unit=MetricUnit.Count, value=1)
        logger.warning("Slack request from a workspace the app is not installed in: refused")
        return dict(request_guard.FOREIGN)
    try:
        with time_budget.running(time_budget.TimeBudget.of(context)):  # Slack's 429s are waited out within it
            response: dict[str, Any] = slack_handler.handle(event, context)
    except Exception:
        logger.exception("Slack request could not be handled")
        return request_guard.unreadable_answer()
    if response.get("statusCode") == 404:  # Bolt's answer to a signed request no listener matches (fields missing)
        metrics.add_metric(name="SlackRequestUnreadable", unit=MetricUnit.Count, value=1)
        return request_guard.unreadable_answer()
    return response
