"""Command line: `python -m sla_core policies | deadline | credit | report | duties | check | explain | backfill |
reindex` —
JSON on stdout (`report`: CSV; `check`, `explain`: text, see `policy_cli`), one-line errors, exit 2; every
subcommand takes `--policy-dir DIR`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn

from sla_core.app.report_csv import report_for_inputs
from sla_core.engine.alternate_readings import credit_result, deadline_result
from sla_core.engine.credits import parse_fee
from sla_core.engine.duties import duties_result, recurring_dates
from sla_core.engine.errors import InputError, InputProblem, SlaError
from sla_core.engine.instants import parse_instant
from sla_core.engine.intervals import Downtime, Kind, downtime
from sla_core.engine.policy_registry import all_policies, load_policy
from sla_core.engine.refunds import Prepaid
from sla_core.engine.spans import parse_contract_span
from sla_core.engine.terms import CAUSES
from sla_core.engine.zones import parse_zone
from sla_core.policy_cli import HANDLERS as POLICY_HANDLERS
from sla_core.policy_cli import Outcome, add_policy_commands, policy_dirs_of

# The CLI's own wording (the engine names inputs in domain words, never by flag): (engine input, problem) -> the
# sentence naming the flag; {policy}, {detail} and {name} come from the error.
_WORDING: dict[tuple[str, str], str] = {
    ("missed_responses", "unused"): (
        "--missed-responses applies only to a missed_responses credit (e.g. sonarsource); policy {policy} uses {detail}"
    ),
    ("missed_responses", "missing"): (
        "policy {policy} needs --missed-responses N (tickets that missed their initial response)"
    ),
    ("missed_responses", "invalid"): "--missed-responses must be a whole number of at least 0, not {detail}",
    ("missed_on_reading", "unused"): "--missed-on-reading goes with --missed-responses",
    ("missed_on_reading", "invalid"): (
        "--missed-on-reading must be a whole number from 0 to the --missed-responses count, not {detail}"
    ),
    ("intervals", "unused"): (
        "policy {policy} has no availability commitment; omit --downtime, --maintenance and --emergency-maintenance"
    ),
    ("fee", "missing"): "policy {policy} needs --fee: {detail}",
    ("post_mortem", "unused"): (
        "--post-mortem applies only to policies whose claim window runs from a post-mortem; not {policy}"
    ),
    ("failed_months", "unused"): "--failed-month applies only to policies with a termination right; not {policy}",
    ("failed_months", "invalid"): "--failed-month {detail!r} is not a month; give YYYY-MM, e.g. 2026-03",
    ("activation", "unused"): "--activation applies only to policies that measure availability from it; not {policy}",
    ("prepaid", "unused"): (
        "--prepaid-fees and --prepaid-period apply only to policies that refund prepaid fees on termination; "
        "not {policy}"
    ),
    ("terminate_on", "unused"): "--terminate-on goes with --prepaid-fees and --prepaid-period",
    ("after_hours", "unused"): (
        "--after-hours-time and --vendor-caused apply only to policies with paid after-hours support "
        "(e.g. sonar-software); not {policy}"
    ),
    ("tier", "unused"): "policy {policy} has no {name}s; omit --{name}",
    ("region", "unused"): "policy {policy} has no {name}s; omit --{name}",
}


def cli_message(error: SlaError) -> str:
    """The one-line message for an engine error, naming CLI flags where the engine names an input."""
    if isinstance(error, InputProblem):
        wording = _WORDING.get((error.name, error.problem))
        if wording is not None:
            return wording.format(policy=error.policy, detail=error.detail, name=error.name)
    return str(error)


AGREEMENT_HELP = "the agreement's date (YYYY-MM-DD), for tier names that hold only in older agreements (premium)"
_OPTION = re.compile(r",(?=\s*[A-Za-z_]+\s*=)")
_OPTIONS_ACCEPTED = (
    "announced=INSTANT (when it was announced, ISO 8601 with an offset, e.g. 2026-04-08T10:00:00-04:00) and "
    "window=posted (it fell in the provider's posted maintenance windows)"
)


def _interval_options(options: list[str], kind: Kind, what: str) -> tuple[datetime | None, bool]:
    """The ',key=value' options after an interval: the announcement instant and the posted-window mark."""
    announced, posted = None, False
    for option in options:
        key, _, value = option.partition("=")
        key, value = key.strip().lower(), value.strip()
        if kind is Kind.UNPLANNED:
            raise InputError(
                f"{what} takes no {key}=; announced= and window=posted go with --maintenance and "
                "--emergency-maintenance"
            )
        if key == "announced":
            announced = parse_instant(value, f"{what} announced=")
        elif key == "window" and value.lower() == "posted":
            posted = True
        else:
            raise InputError(f"{what} option {option.strip()!r} is not known; accepted: {_OPTIONS_ACCEPTED}")
    return announced, posted


def parse_interval(text: str, kind: Kind = Kind.UNPLANNED, what: str = "--downtime") -> Downtime:
    """Parse a flag's 'START/END[@cause][,announced=INSTANT][,window=posted]' (ISO 8601 with offsets) into a
    validated interval; the options after commas go with maintenance only."""
    head, *options = _OPTION.split(text) if isinstance(text, str) else [""]
    spec, _, cause = head.partition("@")
    start, sep, end = spec.partition("/")
    if not sep or not start.strip() or not end.strip():
        raise InputError(
            f"{what} {text!r} is not START/END; give e.g. 2026-04-10T10:00:00-07:00/2026-04-10T11:00:00-07:00, "
            f"optionally followed by @cause ({', '.join(CAUSES)})"
        )
    announced, posted = _interval_options(options, kind, what)
    return downtime(
        parse_instant(start, f"{what} start"),
        parse_instant(end, f"{what} end"),
        kind,
        cause.strip() or None,
        announced=announced,
        posted_window=posted,
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and go through the same exit-2 path as bad values."""

    def error(self, message: str) -> NoReturn:
        raise SlaError(f"{message} (see: {self.prog} --help)")


def parse_date(text: str | None, flag: str) -> date | None:
    """A flag's calendar date (YYYY-MM-DD), or None when the flag was not given."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{flag} {text!r} is not a date; give YYYY-MM-DD, e.g. 2026-03-03") from None


def parse_worked(text: str | None) -> timedelta | None:
    """--after-hours-time: how long the after-hours help took ('90 minutes', '2 hours')."""
    if text is None:
        return None
    try:
        return timedelta(microseconds=parse_contract_span(text).micros)
    except SlaError:
        raise InputError(
            f"--after-hours-time {text!r} is not a length of time; give e.g. '90 minutes' or '2 hours'"
        ) from None


def parse_prepaid(fees: str | None, period: str | None) -> Prepaid | None:
    """--prepaid-fees AMOUNT with --prepaid-period FIRST/LAST (dates, both days included), or neither."""
    if fees is None and period is None:
        return None
    if fees is None or period is None:
        raise InputError("--prepaid-fees and --prepaid-period go together, e.g. 38400.00 and 2026-01-01/2026-12-31")
    first, sep, last = period.partition("/")
    if not sep:
        raise InputError(f"--prepaid-period {period!r} is not FIRST/LAST; give e.g. 2026-01-01/2026-12-31")
    first_day, last_day = parse_date(first, "--prepaid-period"), parse_date(last, "--prepaid-period")
    assert first_day is not None and last_day is not None
    return Prepaid(parse_fee(fees), first_day, last_day)


def _policies(_: argparse.Namespace) -> Any:
    """`policies`: every shipped policy's summary."""
    return {"policies": [p.summary() for p in all_policies()]}


def _deadline(args: argparse.Namespace) -> Any:
    """`deadline`: when the target falls due for a ticket opened at --opened."""
    zone = parse_zone(args.customer_timezone) if args.customer_timezone is not None else None
    policy = load_policy(args.policy).for_customer(zone)
    opened = parse_instant(args.opened, "--opened")
    return deadline_result(
        policy,
        args.severity,
        opened,
        args.metric,
        args.tier,
        args.region,
        agreement_date=parse_date(args.agreement_date, "--agreement-date"),
        after_hours_worked=parse_worked(args.after_hours_time),
        vendor_caused=args.vendor_caused,
    )


def _duties(args: argparse.Namespace) -> Any:
    """`duties`: the policy's dated duties (for a tier, where given), their deadlines and reminders, as of
    `--now` (default: the present) for the dates that recur (the quarter's end)."""
    policy = load_policy(args.policy)
    now = parse_instant(args.now, "--now") if args.now else datetime.now(UTC)
    dates = {**recurring_dates(policy, now, args.region), "renewal": parse_date(args.renewal_date, "--renewal-date")}
    return duties_result(policy, dates, args.region, args.tier)


def _credit(args: argparse.Namespace) -> Any:
    """`credit`: the period's credit from the interval, fee and count flags."""
    return credit_result(load_policy(args.policy), args.period, **_credit_inputs(args))


def _report(args: argparse.Namespace) -> Any:
    """`report`: the period's SLA report as CSV from the `credit` flags, on stdout or into --output."""
    text = report_for_inputs(load_policy(args.policy), args.period, **_credit_inputs(args))
    if args.output is None:
        return text
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise InputError(f"--output {args.output!r} cannot be written: {exc.strerror or exc}") from None
    return {"report": args.output, "rows": len(text.splitlines()) - 1}


def _credit_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """The `estimate_credit` inputs (and the agreement date) the `credit` flags give."""
    flags = (("downtime", Kind.UNPLANNED), ("maintenance", Kind.SCHEDULED), ("emergency_maintenance", Kind.EMERGENCY))
    intervals = [
        parse_interval(text, kind, "--" + flag.replace("_", "-"))
        for flag, kind in flags
        for text in getattr(args, flag) or []
    ]
    return dict(
        fee=parse_fee(args.fee) if args.fee is not None else None,
        intervals=intervals,
        tier=args.tier,
        region=args.region,
        component=args.component,
        missed_responses=args.missed_responses,
        post_mortem=parse_instant(args.post_mortem, "--post-mortem") if args.post_mortem else None,
        currency=args.currency,
        failed_months=args.failed_month or [],
        missed_on_reading=args.missed_on_reading,
        agreement_date=parse_date(args.agreement_date, "--agreement-date"),
        activation=parse_date(args.activation, "--activation"),
        prepaid=parse_prepaid(args.prepaid_fees, args.prepaid_period),
        terminate_on=parse_date(args.terminate_on, "--terminate-on"),
    )


def _add_credit(
    commands: Any, name: str = "credit", what: str = "availability, service credit and claim window for a period"
) -> Any:
    """The `credit` subcommand and its flags (`report` takes the same flags)."""
    credit = commands.add_parser(name, help=what)
    interval = "START/END in ISO 8601 with offsets, optionally @cause; repeatable"
    notice = f"{interval}; then optionally ,announced=INSTANT and ,window=posted for the notice rules"
    credit.add_argument("--policy", required=True)
    credit.add_argument("--tier")
    credit.add_argument("--region")
    credit.add_argument("--component")
    credit.add_argument("--period", required=True, help="YYYY-MM, or YYYY-Qn for quarterly credits")
    credit.add_argument("--fee", help="the amount the policy's credit is computed from (see fee_basis)")
    credit.add_argument("--currency", help="ISO 4217 code; default: the policy's currency")
    credit.add_argument("--downtime", action="append", help=f"unplanned downtime: {interval}")
    credit.add_argument(
        "--maintenance",
        action="append",
        help=f"scheduled maintenance (downtime overlapping it is judged as this maintenance): {notice}",
    )
    credit.add_argument("--emergency-maintenance", action="append", help=f"emergency maintenance: {notice}")
    credit.add_argument("--missed-responses", type=int, help="tickets that missed their initial response")
    credit.add_argument(
        "--missed-on-reading",
        type=int,
        help="how many of those missed only under a chosen reading of the deadlines (readings then show both)",
    )
    credit.add_argument("--post-mortem", help="when the post-mortem was posted (ISO 8601 with offset)")
    credit.add_argument("--failed-month", action="append", help="an earlier month with an SLA failure (YYYY-MM)")
    credit.add_argument("--agreement-date", help=AGREEMENT_HELP)
    credit.add_argument("--activation", help="the contract's activation date (YYYY-MM-DD): nothing counts before it")
    credit.add_argument(
        "--prepaid-fees", help="fees paid ahead, refunded pro rata on termination (with --prepaid-period)"
    )
    credit.add_argument("--prepaid-period", help="FIRST/LAST day the prepaid fees pay for, e.g. 2026-01-01/2026-12-31")
    credit.add_argument(
        "--terminate-on", help="when termination would take effect (YYYY-MM-DD); default: the right's last day"
    )
    return credit


def _add_report(commands: Any) -> None:
    """The `report` subcommand: the `credit` flags, and where the CSV goes."""
    report = _add_credit(commands, "report", "the period's SLA report as CSV: outages, totals, credit, readings")
    report.add_argument("--output", help="write the CSV to this file (default: stdout)")


BACKFILL_HELP = """Read the contracts' PagerDuty incidents from PagerDuty's REST API v2 and record them as the webhook
would have (same incident keys, events keyed by PagerDuty's log entry ids: running it again, or a webhook that
repeats an event, records nothing twice). Closed incidents are not replayed into channels; incidents still open
get their card and reminders; each contract channel gets one summary of the periods touched. JSON summary on
stdout, progress on stderr.

environment: PAGERDUTY_API_TOKEN (a read-only REST API key; in AWS, or PAGERDUTY_API_TOKEN_PARAM naming an SSM
SecureString), PAGERDUTY_API_URL (default https://api.pagerduty.com), CONTRACTS_FILE, SLAOPS_POLICY_DIRS; storage
and Slack as the functions use them (TABLE_NAME, AWS_REGION, SLACK_BOT_TOKEN_PARAM), or with SLAOPS_LOCAL=1 the
local stack's DynamoDB Local (LOCAL_DYNAMODB_PORT, default 8000) and Slack outbox."""


def _add_backfill(commands: Any) -> None:
    """`backfill pagerduty` and its flags."""
    backfill = commands.add_parser("backfill", help="record history from an incident source (PagerDuty)")
    sources = backfill.add_subparsers(dest="source", required=True, parser_class=_Parser)
    pagerduty = sources.add_parser(
        "pagerduty",
        help="the contracts' PagerDuty incident history",
        description=BACKFILL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pagerduty.add_argument("--since", required=True, help="first day (YYYY-MM-DD, from 00:00 in each contract's zone)")
    pagerduty.add_argument("--until", help="day to stop before (YYYY-MM-DD, not included); default: now")
    pagerduty.add_argument(
        "--contract", action="append", help="only this contract id (repeatable); default: every contract"
    )
    pagerduty.add_argument("--dry-run", action="store_true", help="read and compute, write and post nothing")


def _reindex(args: argparse.Namespace) -> Any:
    """`reindex`: after an upgrade, file what an earlier release wrote in the indexes App Home and status all read."""
    from sla_core import backfill_cli  # noqa: PLC0415 - storage only for the commands that write
    from sla_core.app import dynamodb_table  # noqa: PLC0415

    backfill_cli.configure_storage()
    incidents, intervals = dynamodb_table.reindex()
    return {"open_incidents_filed": incidents, "downtime_intervals_filed": intervals}


def _backfill(args: argparse.Namespace) -> Any:
    """`backfill pagerduty`: PagerDuty history into storage, then the run's JSON summary."""
    from sla_core import backfill_cli  # noqa: PLC0415 - PagerDuty's client and storage only for this command
    from sla_core.config.contracts import load_contracts  # noqa: PLC0415
    from sla_core.config.settings import SettingsError  # noqa: PLC0415

    since, until = parse_date(args.since, "--since"), parse_date(args.until, "--until")
    assert since is not None
    today = datetime.now().astimezone().date()
    if since > today:
        raise InputError(f"--since {since} is in the future; give a day up to today")
    if until is not None and until <= since:
        raise InputError(f"--until {until} must come after --since {since}")
    try:
        contracts = load_contracts()
        known = contracts.contracts
        unknown = [c for c in args.contract or [] if c not in known]
        if unknown:
            raise InputError(f"--contract {unknown[0]!r} is not in the contracts file; known: {', '.join(known)}")
        selected = [known[c] for c in dict.fromkeys(args.contract or known)]
        if not any(c.pagerduty.service_ids for c in selected):
            raise InputError("no selected contract lists PagerDuty service_ids; nothing to read")
        client = backfill_cli.pagerduty_client()
        backfill_cli.configure_storage()
        return backfill_cli.run(contracts, selected, since=since, until=until, dry_run=args.dry_run, client=client)
    except SettingsError as error:
        raise SlaError(str(error)) from None
    except KeyboardInterrupt:
        raise SlaError("interrupted: what was recorded is consistent; run the same command again to finish") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all four subcommands."""
    parser = _Parser(prog="python -m sla_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("policies", help="list policy ids, vendors, tiers, regions and severities")
    deadline = commands.add_parser("deadline", help="when a target falls due")
    deadline.add_argument("--policy", required=True)
    deadline.add_argument("--tier")
    deadline.add_argument("--region")
    deadline.add_argument("--severity", required=True)
    deadline.add_argument("--opened", required=True, help="ISO 8601 with offset, e.g. 2026-03-09T10:15:00-04:00")
    deadline.add_argument("--metric", default="initial_response")
    deadline.add_argument("--agreement-date", help=AGREEMENT_HELP)
    deadline.add_argument(
        "--customer-timezone", help="the customer's zone, for calendars in the customer's local time (Europe/Berlin)"
    )
    deadline.add_argument(
        "--after-hours-time", help="how long after-hours help took, e.g. '90 minutes': the charge is estimated"
    )
    deadline.add_argument(
        "--vendor-caused", action="store_true", help="the issue is deemed caused by the vendor (after-hours waiver)"
    )
    _add_credit(commands)
    _add_report(commands)
    duties = commands.add_parser("duties", help="dated customer duties (e.g. a downgrade request before renewal)")
    duties.add_argument("--policy", required=True)
    duties.add_argument("--region")
    duties.add_argument("--renewal-date", help="the contract's renewal date (YYYY-MM-DD)")
    duties.add_argument("--tier", help="only the duties of this tier (e.g. enterprise: the quarterly report)")
    duties.add_argument("--now", help="the instant the recurring dates (the quarter's end) are taken from")
    _add_backfill(commands)
    commands.add_parser(
        "reindex",
        help="after an upgrade: file open incidents and downtime written by an earlier release in the indexes App "
        "Home and `/sla status all` read (one scan of the table; storage as `backfill` finds it)",
    )
    add_policy_commands(commands)  # check, explain, and --policy-dir on every subcommand
    return parser


HANDLERS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "policies": _policies,
    "deadline": _deadline,
    "credit": _credit,
    "report": _report,
    "duties": _duties,
    "backfill": _backfill,
    "reindex": _reindex,
    **POLICY_HANDLERS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input prints one line to stderr and exits 2, never a traceback."""
    try:
        args = build_parser().parse_args(argv)
        with policy_dirs_of(args):
            result = HANDLERS[args.command](args)
    except SlaError as exc:
        print(f"error: {cli_message(exc)}", file=sys.stderr)
        return 2
    if isinstance(result, Outcome):  # check, explain: their own text and exit code
        return result.emit()
    try:
        if isinstance(result, str):  # `report`'s CSV, as it is
            sys.stdout.write(result)
        else:
            json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0
