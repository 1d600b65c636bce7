"""Slack entry point: Bolt verifies every request's signature, acks within Slack's 3 s, lazy listeners do the rest.

No Powertools Tracer here: importing the X-Ray SDK costs ~0.1 s of every cold start on the 3 s ack path;
Lambda's active tracing still records each invocation.

With process_before_response=True the ack is the HTTP response; nothing on the ack path touches the network
(no users.info, no DynamoDB). The work runs in lazy listeners, which Bolt runs by invoking this same function
asynchronously (lambda:InvokeFunction on itself) and which call `sla_core.slack.flows`.

Duplicates: Slack retries Events API deliveries (`X-Slack-Retry-Num`) when an ack was late or failed; the
lazy listener claims each delivery (event_id, or the trigger_id of a command, button or modal) with
`repository.claim_delivery` before doing anything, so a retried or replayed request is acked and ignored.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.metrics import Metrics
from slack_bolt import Ack, App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult

from sla_core.config import settings, time_budget
from sla_core.config.clock import Clock, SystemClock
from sla_core.config.contracts import check_holiday_overrides, load_contracts, read_contracts_file
from sla_core.slack import commands, request_guard

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from sla_core.slack.client import SlackPoster
    from sla_core.slack.flows import Flows, Invocation, Reply

logger = Logger()
metrics = Metrics()

# At cold start a malformed contracts file fails here, loudly; what it says about its policies (tiers, severities,
# ...) is checked when the first lazy listener loads it: reading every policy file costs more than the ack may.
read_contracts_file()
poster: SlackPoster | None = None  # made on first use by `slack_poster()`: the ack never posts (tests set theirs)
clock: Clock = SystemClock()
bot_token = settings.bolt_token()
signing_secret = settings.slack_signing_secret()
workspaces = settings.slack_workspaces()  # SLACK_TEAM_IDS / SLACK_ENTERPRISE_IDS: required in AWS
DELIVERY_KEEP = timedelta(hours=1)
# The *_ACTION ids of incident_card, reminder_buttons and recompute_flows (a test checks), not imported here.
INCIDENT_ACTIONS = re.compile(
    r"^(incident_(ack|update|resolve|outage_on|outage_off|cause)|reminder_(responded|snooze)|recompute_confirm)$"
)
# views.UPDATE_MODAL (the modal test submits that callback id), without importing views on the ack path.
UPDATE_MODAL = "incident_update_modal"


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
slack_handler = SlackRequestHandler(app)


def slack_poster() -> SlackPoster:
    """The Slack poster (Web API with the bot token, or the local outbox): the module's, else one made once."""
    return poster if poster is not None else _settings_poster()


@cache
def _settings_poster() -> SlackPoster:
    """The poster from settings, with the client module imported by the lazy listeners only, not the ack path."""
    from sla_core.slack.client import SlackPoster  # noqa: PLC0415 - deliberately deferred, see above

    return SlackPoster.from_settings()


@cache
def _work() -> Any:
    """The modules only lazy listeners need (storage, policies, flows), imported on first use so the ack
    path of a cold start does not pay for them; the contracts are loaded against their policies here, and their
    holiday overrides checked."""
    from sla_core.slack import flows as slack_flows  # noqa: PLC0415 - deliberately deferred, see above
    from sla_core.storage import repository  # noqa: PLC0415

    contracts = load_contracts()
    check_holiday_overrides(contracts)  # imports `holidays`: off the ack path, before any lazy work
    return slack_flows, repository, contracts


def flows() -> Flows:
    """The flows over the current poster (tests point it at a stub Slack API)."""
    slack_flows, _, contracts = _work()
    result: Flows = slack_flows.Flows(contracts, slack_flows.SlackApi(slack_poster()))
    return result


def first_delivery(key: str | None) -> bool:
    """Claim a delivery once (lazy listeners only: this is a DynamoDB write); False for a repeat."""
    if not key:
        return True
    _, repository, _ = _work()
    return bool(repository.claim_delivery("slack", key, now=clock.now(), keep=DELIVERY_KEEP))


def invocation(body: dict[str, Any]) -> Invocation:
    """Who, where and which request, from a command, block_actions or view_submission payload."""
    slack_flows, _, _ = _work()
    user = body.get("user_id") or (body.get("user") or {}).get("id", "")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id", "")
    found: Invocation = slack_flows.Invocation(
        user_id=user, channel_id=channel, trigger_id=body.get("trigger_id", ""), now=clock.now()
    )
    return found


def answer(response_url: str | None, reply: Reply | None) -> None:
    """Post a flow's reply to the request's response_url (in the channel when the flow says so)."""
    if reply is not None and response_url:
        slack_poster().respond(
            response_url,
            reply.text,
            blocks=reply.blocks,
            response_type="in_channel" if reply.in_channel else "ephemeral",
            replace_original=False,
        )


# -- /sla -----------------------------------------------------------------------------------------------


FAILED_TEXT = (
    "Sorry, slaops could not finish that: its storage or Slack did not answer in time. Nothing was half-recorded"
    " (every step is idempotent); try again in a minute."
)


def tell_failure(response_url: str | None) -> None:
    """A lazy listener failed: log it and tell the user where the request came from, if we can."""
    logger.exception("Slack lazy listener failed")
    metrics.add_metric(name="SlackLazyListenerFailed", unit=MetricUnit.Count, value=1)
    if response_url:
        try:
            slack_poster().respond(response_url, FAILED_TEXT)
        except Exception:
            logger.exception("could not tell the user that the request failed")


def answered_in_ack(command: dict[str, Any]) -> bool:
    """Matcher: help and unknown input are answered by the ack itself (no lazy invocation needed)."""
    parsed = commands.parse(command.get("text"))
    return parsed.is_help or not parsed.is_known


def ack_directly(ack: Ack, command: dict[str, Any]) -> None:
    """`/sla`, `/sla help`, or something that is not a subcommand: the help or the usage is the whole answer."""
    metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
    parsed = commands.parse(command.get("text"))
    ack(commands.HELP_TEXT if parsed.is_help else commands.unknown(parsed))


def ack_subcommand(ack: Ack, command: dict[str, Any]) -> None:
    """A subcommand: answer within Slack's 3 s, the real answer follows from the lazy listener."""
    metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
    ack(f"Working on `/sla {commands.parse(command.get('text')).name}`...")


def answer_subcommand(command: dict[str, Any]) -> None:
    """Lazy listener (its own invocation): run the subcommand, answer through the command's response_url."""
    try:
        if first_delivery(command.get("trigger_id")):
            answer(command.get("response_url"), flows().command(command.get("text"), invocation(command)))
    except Exception:
        tell_failure(command.get("response_url"))


app.command("/sla", matchers=[answered_in_ack])(ack_directly)
app.command("/sla")(ack=ack_subcommand, lazy=[answer_subcommand])


# -- incident buttons and the update modal --------------------------------------------------------------


def ack_now(ack: Ack) -> None:
    """Buttons, the modal and events: an empty ack at once (a modal closes on it); the lazy listener works."""
    ack()


def press_button(body: dict[str, Any]) -> None:
    """Lazy: acknowledge or resolve as the presser, open the update modal, or answer or snooze a reminder."""
    try:
        if first_delivery(body.get("trigger_id")):
            action = (body.get("actions") or [{}])[0]
            value = action.get("value") or (action.get("selected_option") or {}).get("value")  # button's or select's
            if not value:  # no real Slack sends a press without one: say so rather than "did not answer"
                if body.get("response_url"):
                    slack_poster().respond(body["response_url"], request_guard.UNREADABLE)
                return
            message_ts = (body.get("container") or {}).get("message_ts")  # the message clicked, to update in place
            reply = flows().button(action["action_id"], value, invocation(body), message_ts)
            answer(body.get("response_url"), reply)
    except Exception:
        tell_failure(body.get("response_url"))


def submit_update(body: dict[str, Any], view: dict[str, Any]) -> None:
    """Lazy: the modal's text becomes an update event; the confirmation goes to the submitter as a DM. A
    submission without the modal's state or incident (no real Slack sends one) gets that said, nothing written."""
    if first_delivery(body.get("trigger_id") or view.get("id")):
        from sla_core.slack.render.views import UPDATE_BLOCK, UPDATE_INPUT  # noqa: PLC0415 - lazy work only

        inv = invocation(body)
        field = ((view.get("state") or {}).get("values") or {}).get(UPDATE_BLOCK, {}).get(UPDATE_INPUT)
        incident_id = view.get("private_metadata")
        if not isinstance(field, dict) or not incident_id or not inv.user_id:
            logger.warning("update modal submitted without its state or incident", extra={"user": inv.user_id})
            metrics.add_metric(name="SlackRequestUnreadable", unit=MetricUnit.Count, value=1)
            if inv.user_id:
                slack_poster().post_message(inv.user_id, request_guard.UNREADABLE)
            return
        reply = flows().submit_update(incident_id, field.get("value") or "", inv)
        slack_poster().post_message(inv.user_id, reply.text, blocks=reply.blocks)


app.action(INCIDENT_ACTIONS)(ack=ack_now, lazy=[press_button])
app.view(UPDATE_MODAL)(ack=ack_now, lazy=[submit_update])


# -- App Home -------------------------------------------------------------------------------------------


def publish_home(body: dict[str, Any], event: dict[str, Any]) -> None:
    """Lazy: publish the opener's App Home (once per event_id, whatever Slack retries)."""
    if event.get("tab", "home") == "home" and first_delivery(body.get("event_id")):
        flows().publish_home(event["user"], clock.now())


app.event("app_home_opened")(ack=ack_now, lazy=[publish_home])


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
