"""Slack entry point: Bolt verifies every request's signature, acks `/sla` within 3 s, lazy listeners do the rest.

With process_before_response=True the ack is the HTTP response; work that may take longer runs in a lazy
listener, which Bolt runs by invoking this same function asynchronously (lambda:InvokeFunction on itself).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from slack_bolt import Ack, App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult

from sla_core import settings, slash_command
from sla_core.contracts import load_contracts
from sla_core.slack_post import SlackPoster

logger = Logger()
tracer = Tracer()
metrics = Metrics()

contracts = load_contracts()  # at cold start: a bad contracts file fails here, loudly
poster = SlackPoster.from_settings()
bot_token = settings.bolt_token()


def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    """Single workspace, known token: authorize without the auth.test call Bolt's `token=` mode makes
    on the first request of each container (it would sit on the 3 s ack path)."""
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token)


app = App(
    process_before_response=True,
    token_verification_enabled=False,
    signing_secret=settings.slack_signing_secret(),
    authorize=authorize,
)
slack_handler = SlackRequestHandler(app)


def asks_for_help(command: dict[str, Any]) -> bool:
    """Matcher: `/sla`, `/sla help` or `/sla ?`."""
    return slash_command.parse(command.get("text")).is_help


def ack_help(ack: Ack) -> None:
    """`/sla` or `/sla help`: the help text is the whole answer (no lazy invocation needed)."""
    metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
    ack(slash_command.HELP_TEXT)


def ack_subcommand(ack: Ack, command: dict[str, Any]) -> None:
    """Any other subcommand: answer within Slack's 3 s, the real answer follows from the lazy listener."""
    metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
    ack(f"Working on `/sla {slash_command.parse(command.get('text')).name}`...")


def answer_subcommand(command: dict[str, Any]) -> None:
    """Lazy listener (its own invocation): the answer, posted to the command's response_url."""
    poster.respond(command["response_url"], slash_command.not_available(slash_command.parse(command.get("text"))))


app.command("/sla", matchers=[asks_for_help])(ack_help)
app.command("/sla")(ack=ack_subcommand, lazy=[answer_subcommand])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0) event in, HTTP response out; Bolt does the routing."""
    return slack_handler.handle(event, context)  # type: ignore[no-any-return]
