"""`/sla report <contract> [period]`: the period's SLA report as a CSV file in the contract's channel, for the
vendor or an auditor. The figures are `/sla credit`'s (recorded downtime, with the incidents it came from);
the CSV is `app.report_csv`'s, the same the CLI's `report` writes."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from sla_core.app.alternate_figures import StoredEstimate
from sla_core.app.contract_credit import stored_estimates
from sla_core.app.report_csv import outage_lines, report_csv, report_filename
from sla_core.config.contract import Contract
from sla_core.slack.flow_base import FlowBase, Invocation, Reply
from sla_core.slack.render.text import escape


class ReportFlows(FlowBase):
    """The export: one CSV per request, uploaded with files.uploadV2 (the outbox locally)."""

    def report(self, args: tuple[str, ...], inv: Invocation) -> Reply:
        """Compute the period's estimates (every component), upload their CSV to the contract's channel, and
        say where it went and what it found."""
        self._need(args, 1, "report")
        contract = self.contract(args[0])
        parts = stored_estimates(contract, args[1] if len(args) > 1 else None, inv.now)
        label = parts[0].estimate.period.label
        filename = report_filename(contract.id, label)
        channel = contract.slack_channel
        summary = "\n".join(_summary(part) for part in parts)
        comment = f"SLA report for *{escape(contract.name)}*, {label}, asked for by <@{inv.user_id}>.\n{summary}"
        try:
            self.slack.poster.upload_file(
                channel, filename, report_csv(parts), title=_title(contract, label), initial_comment=comment
            )
        except SlackApiError as error:
            code = escape(str(error.response.get("error") or error))
            return Reply(f"Could not upload `{filename}` to <#{channel}>: Slack answered `{code}`.")
        return Reply(f"Uploaded `{filename}` to <#{channel}>.\n{summary}")


def _title(contract: Contract, label: str) -> str:
    """The file's title as Slack shows it above the file."""
    return f"SLA report {contract.name} {label}"


def _summary(part: StoredEstimate) -> str:
    """'• platform: availability 99.8990% (target 99.99%, missed), 1 outage, estimated credit 2.42 USD'."""
    e = part.estimate
    m = e.availability
    words = [f"• {e.component}:"]
    if m is not None:
        outages = len(outage_lines(e))
        verdict = "met" if m.met else "missed"
        words.append(
            f"availability {m.percent_text()}% (target {m.target_percent:f}%, {verdict}), "
            f"{outages} outage{'' if outages == 1 else 's'},"
        )
    if e.missed_responses is not None:
        words.append(f"{e.missed_responses} missed first responses,")
    words.append(f"estimated credit {e.amount:.2f} {e.currency}")
    return " ".join(words)
