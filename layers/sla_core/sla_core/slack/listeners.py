"""Every route `routes` declares as its own Bolt listener: a matcher per `/sla` subcommand, the action id of each
button, the callback id of the modal, App Home. The ack answers within Slack's 3 s; the lazy listener (Bolt runs
it by invoking this same function again, asynchronously) does the work through `flow_runner`.

Bolt middleware does what every lazy listener needs first: claim the delivery (event_id, or the trigger_id of a
command, button or modal) so that a request Slack retried or someone replayed is acked and ignored, and put the
request's `Invocation` in the context; `app.error` tells the user when a lazy listener fails. The ack path imports
no flow, storage or policy: the lazy listeners import them (`flow_runner`), and load the contracts, on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.metrics import Metrics
from slack_bolt.response import BoltResponse

from sla_core.config.clock import Clock, SystemClock
from sla_core.config.contracts import load_contracts
from sla_core.slack import commands, request_guard
from sla_core.slack.route_types import Button, Modal, Subcommand
from sla_core.slack.routes import BUTTONS, MODALS, SUBCOMMANDS

if TYPE_CHECKING:
    from slack_bolt import Ack, App, BoltContext, BoltRequest

    from sla_core.config.contract import ContractsConfig
    from sla_core.slack.client import SlackPoster
    from sla_core.slack.flow_base import Reply

logger = Logger(child=True)
metrics = Metrics()
FAILED_TEXT = (
    "Sorry, slaops could not finish that: its storage or Slack did not answer in time. Nothing was half-recorded"
    " (every step is idempotent); try again in a minute."
)
Listener = Callable[..., None]


class Listeners:
    """The listeners over the function's clock, its Slack poster (made on first use: the ack never posts) and its
    contracts (loaded by the first lazy listener, against their policies); tests replace all three."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.poster: SlackPoster | None = None
        self.contracts: ContractsConfig | None = None

    def register(self, app: App) -> None:
        """Every route on `app`, after the middleware; the help and what is not a subcommand are answered by the
        first `/sla` listener, in its ack (Bolt tries the listeners in turn: the help tries one)."""
        app.middleware(self.claim_delivery)
        app.middleware(self.add_invocation)
        app.error(self.failed)
        app.command("/sla", matchers=[self.answered_in_ack])(self.answer_in_ack)
        for route in SUBCOMMANDS:
            app.command("/sla", matchers=[self.is_subcommand(route)])(
                ack=self.working_on, lazy=[self.run_subcommand(route)]
            )
        for button in BUTTONS:
            app.action(button.action_id)(ack=self.ack_now, lazy=[self.run_button(button)])
        for modal in MODALS:
            app.view(modal.callback_id)(ack=self.ack_now, lazy=[self.submit_modal(modal)])
        app.event("app_home_opened", matchers=[self.home_tab])(
            ack=self.ack_now, lazy=[self.lazy("publish_home", self.publish_home)]
        )
        app.event("app_home_opened")(self.ack_now)  # the Messages tab: nothing to publish

    def slack_poster(self) -> SlackPoster:
        """The Slack poster (Web API with the bot token, or the local outbox), made by the first lazy listener."""
        if self.poster is None:
            from sla_core.slack.client import SlackPoster  # noqa: PLC0415 - lazy listeners only, not the ack

            self.poster = SlackPoster.from_settings()
        return self.poster

    def contracts_config(self) -> ContractsConfig:
        """The contracts, checked against their policies (loads the engine and `holidays`: lazy listeners only)."""
        if self.contracts is None:
            self.contracts = load_contracts()
        return self.contracts

    # -- middleware (lazy invocations only: the ack touches no storage) ------------------------------------

    def claim_delivery(
        self, request: BoltRequest, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        """Claim the delivery once (a DynamoDB write); a repeat is answered as it is, and no listener runs."""
        if request.lazy_only:
            from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

            key = body.get("trigger_id") or (body.get("view") or {}).get("id") or body.get("event_id")
            if key and not flow_runner.first_delivery(key, self.clock.now()):
                return BoltResponse(status=200, body="")
        next()
        return None

    def add_invocation(
        self, request: BoltRequest, body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> None:
        """Who asked, where, and which request (`context["invocation"]`), for the lazy listener."""
        if request.lazy_only:
            from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

            context["invocation"] = flow_runner.invocation(body, self.clock.now())
        next()

    def failed(self, error: Exception, request: BoltRequest, body: dict[str, Any]) -> None:
        """`app.error`: an ack or a middleware failed; in a lazy invocation (the delivery claim), the user is told."""
        if request.lazy_only:
            self.tell_failure(error, body)
        else:
            logger.error("Slack ack listener failed", exc_info=error)

    def lazy(self, name: str, listener: Listener) -> Listener:
        """A lazy listener under its own name (Bolt finds it again, in its own invocation, by name) whose failure
        the user is told of, at the response_url of its `body` (each takes it): Bolt only logs what a lazy
        listener raises."""

        @wraps(listener)  # Bolt reads the arguments to pass from the listener's own signature
        def run(**kwargs: Any) -> None:
            try:
                listener(**kwargs)
            except Exception as error:
                self.tell_failure(error, kwargs["body"])

        run.__name__ = run.__qualname__ = name
        return run

    def tell_failure(self, error: Exception, body: dict[str, Any]) -> None:
        """Log a failed lazy listener and tell the user where the request came from, if we can."""
        logger.error("Slack lazy listener failed", exc_info=error)
        metrics.add_metric(name="SlackLazyListenerFailed", unit=MetricUnit.Count, value=1)
        if body.get("response_url"):
            try:
                self.slack_poster().respond(body["response_url"], FAILED_TEXT)
            except Exception:
                logger.exception("could not tell the user that the request failed")

    # -- acks ----------------------------------------------------------------------------------------------

    @staticmethod
    def subcommand_of(command: dict[str, Any]) -> str:
        return commands.parse(command.get("text")).name

    def is_subcommand(self, route: Subcommand) -> Callable[..., bool]:
        """The matcher of one subcommand's listener."""

        def matches(command: dict[str, Any]) -> bool:
            return self.subcommand_of(command) == route.name

        return matches

    def working_on(self, ack: Ack, command: dict[str, Any]) -> None:
        """A subcommand: answer within Slack's 3 s, the real answer follows from the lazy listener."""
        metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
        ack(f"Working on `/sla {self.subcommand_of(command)}`...")

    @staticmethod
    def answered_in_ack(command: dict[str, Any]) -> bool:
        """`/sla`, `/sla help`, or something that is not a subcommand: the ack is the whole answer."""
        parsed = commands.parse(command.get("text"))
        return parsed.is_help or all(route.name != parsed.name for route in SUBCOMMANDS)

    def answer_in_ack(self, ack: Ack, command: dict[str, Any]) -> None:
        """`/sla`, `/sla help`, or something that is not a subcommand: the help or the usage is the whole answer."""
        metrics.add_metric(name="SlashCommands", unit=MetricUnit.Count, value=1)
        parsed = commands.parse(command.get("text"))
        ack(commands.HELP_TEXT if parsed.is_help else commands.unknown(parsed))

    def ack_now(self, ack: Ack) -> None:
        """Buttons, the modal and events: an empty ack at once (a modal closes on it); the lazy listener works."""
        ack()

    @staticmethod
    def home_tab(event: dict[str, Any]) -> bool:
        return bool(event.get("tab", "home") == "home")

    # -- lazy listeners ----------------------------------------------------------------------------------

    def answer(self, response_url: str | None, reply: Reply | None) -> None:
        """Post a flow's reply to the request's response_url (in the channel when the flow says so)."""
        if reply is not None and response_url:
            self.slack_poster().respond(
                response_url,
                reply.text,
                blocks=reply.blocks,
                response_type="in_channel" if reply.in_channel else "ephemeral",
                replace_original=False,
            )

    def run_subcommand(self, route: Subcommand) -> Listener:
        """The subcommand's lazy listener: run it, answer through the command's response_url."""

        def run(body: dict[str, Any], context: BoltContext) -> None:
            from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

            args = commands.parse(body.get("text")).args
            poster = self.slack_poster()
            reply = flow_runner.subcommand(route, args, context["invocation"], self.contracts_config(), poster)
            self.answer(body.get("response_url"), reply)

        return self.lazy(f"run_{route.name}", run)

    def run_button(self, route: Button) -> Listener:
        """The button's lazy listener: its flow as the presser; a press without a value (no real Slack sends one)
        is told so rather than "did not answer"."""

        def press(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
            from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

            value = action.get("value") or (action.get("selected_option") or {}).get("value")  # button's or select's
            if not value:
                if body.get("response_url"):
                    self.slack_poster().respond(body["response_url"], request_guard.UNREADABLE)
                return
            message_ts = (body.get("container") or {}).get("message_ts")  # the message clicked, to update in place
            inv, contracts, poster = context["invocation"], self.contracts_config(), self.slack_poster()
            self.answer(body.get("response_url"), flow_runner.press(route, value, message_ts, inv, contracts, poster))

        return self.lazy(f"press_{route.action_id}", press)

    def submit_modal(self, route: Modal) -> Listener:
        """The modal's lazy listener: its text goes to its flow, the confirmation to the submitter as a DM. A
        submission without the modal's state or incident (no real Slack sends one) gets that said, nothing written."""

        def submit(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
            from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

            inv = context["invocation"]
            values = (view.get("state") or {}).get("values") or {}
            field = values.get(route.block_id, {}).get(route.action_id)
            incident_id = view.get("private_metadata")
            if not isinstance(field, dict) or not incident_id or not inv.user_id:
                logger.warning("modal submitted without its state or incident", extra={"user": inv.user_id})
                metrics.add_metric(name="SlackRequestUnreadable", unit=MetricUnit.Count, value=1)
                if inv.user_id:
                    self.slack_poster().post_message(inv.user_id, request_guard.UNREADABLE)
                return
            poster = self.slack_poster()
            contracts = self.contracts_config()
            reply = flow_runner.submit(route, incident_id, field.get("value") or "", inv, contracts, poster)
            poster.post_message(inv.user_id, reply.text, blocks=reply.blocks)

        return self.lazy(f"submit_{route.callback_id}", submit)

    def publish_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Publish the opener's App Home (once per event_id, whatever Slack retries)."""
        from sla_core.slack import flow_runner  # noqa: PLC0415 - lazy listeners only, not the ack

        flow_runner.publish_home(event["user"], self.clock.now(), self.contracts_config(), self.slack_poster())
