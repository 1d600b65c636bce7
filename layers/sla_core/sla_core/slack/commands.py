"""The `/sla` slash command: its help text and how its text splits into a subcommand and arguments."""

from __future__ import annotations

from dataclasses import dataclass

from sla_core.engine.clean_text import clean_text

USAGE = (
    ("open <contract> <severity> <title> [at <time>]", "track a ticket reported outside PagerDuty",
     "/sla open sonar-billing production-down Invoices fail at yesterday 14:00"),
    ("ack <id> [at <time>]", "acknowledge (the first response)", "/sla ack sla-7kq2m4xa"),
    ("update <id> <text>", "post an update (restarts the update clock)",
     "/sla update sla-7kq2m4xa Vendor is rolling back"),
    ("resolve <id> [at <time>]", "resolve", "/sla resolve sla-7kq2m4xa at -10m"),
    ("status", "open items in this channel with time left and deadlines (`all`: every contract)", "/sla status all"),
    ("show <id>", "one incident with its timeline", "/sla show sla-7kq2m4xa"),
    ("deadline <contract> <severity> [at <time>]", "what-if: when the targets would fall due, nothing recorded",
     "/sla deadline sonarqube-support blocker at 17:30"),
    ("credit <contract> [YYYY-MM|YYYY-Qn]", "availability, estimated credit, claim deadline and a claim text",
     "/sla credit sonoran-hosting 2026-03"),
    ("report <contract> [YYYY-MM|YYYY-Qn]", "upload the period's SLA report (a CSV: each outage with its minutes "
     "counted and excluded and why, the totals, the credit and the readings) to the contract's channel",
     "/sla report sonar-billing 2026-03"),
    ("downtime <contract> [component] <start> <end> [maintenance|emergency] [cause <id>]", "record downtime by hand",
     "/sla downtime sonoran-hosting web yesterday 14:00 14:45 cause ddos"),
    ("maintenance <contract> [component] <start> <end> [announced <time>] [emergency] [posted] [cause <id>]",
     "declare the provider's maintenance, ahead of time or after the fact: downtime inside it is excluded as "
     "the policy allows", "/sla maintenance resonate-ems 2026-11-05T21:00 2026-11-05T23:00 announced 2026-11-01T10:00"),
    ("correct <id> severity <severity>|opened <time>|resolved <time> [because <why>]",
     "fix an incident's record after the fact: its clocks and months are recomputed, and changed figures posted",
     "/sla correct sla-7kq2m4xa opened 09:40 because the monitor fired late"),
    ("pause <id> <reason> [at <time>]", "stop the clocks the contract lets that reason stop (e.g. waiting for "
     "the customer)", "/sla pause sla-7kq2m4xa waiting-for-customer"),
    ("resume <id> [at <time>]", "the paused clocks run again, moved by the time they stood still",
     "/sla resume sla-7kq2m4xa"),
    ("history <contract> [YYYY-MM|YYYY-Qn]", "every correction of a contract's figures, with who, when and why",
     "/sla history sonar-billing 2026-03"),
    ("recompute <contract> <YYYY-MM|YYYY-Qn>", "a period's figures on record against the figures now; a button "
     "records the correction", "/sla recompute sonar-billing 2026-10"),
    ("contracts [contract]", "what is tracked, each contract's targets in words; with a contract, its calendars, "
     "targets, credit, claims and readings in full", "/sla contracts resonate-ems"),
    ("help", "this message", "/sla help"),
)  # fmt: skip
SUBCOMMANDS = frozenset(usage.split()[0] for usage, _, _ in USAGE)
TIME_FORMS = "Times: `now`, `14:05`, `yesterday 14:00`, `-30m`, or ISO 8601; read in your Slack time zone."
HELP_TEXT = "\n".join(
    [
        "*slaops* tracks the SLA contracts of this workspace. Usage:",
        *(f"• `/sla {usage}`: {what} (e.g. `{example}`)" for usage, what, example in USAGE),
        TIME_FORMS,
    ]
)
HELP_WORDS = frozenset({"", "help", "?"})


@dataclass(frozen=True)
class SlashCommand:
    """`/sla <name> <args...>`: name lower-cased, args as typed."""

    name: str
    args: tuple[str, ...]

    @property
    def is_help(self) -> bool:
        return self.name in HELP_WORDS

    @property
    def is_known(self) -> bool:
        return self.name in SUBCOMMANDS


def parse(text: str | None) -> SlashCommand:
    """Split the command text (`status`, `downtime acme web ...`), cleaned of control characters and lone
    surrogates first (it is the boundary: titles are stored and posted); empty text asks for help."""
    words = clean_text(text or "").split()
    if not words:
        return SlashCommand("", ())
    return SlashCommand(words[0].lower(), tuple(words[1:]))


def usage_for(name: str) -> str:
    """One subcommand's usage line (the whole help when the name is unknown)."""
    for usage, what, example in USAGE:
        if usage.split()[0] == name:
            return f"Usage: `/sla {usage}`: {what}, e.g. `{example}`"
    return HELP_TEXT


def unknown(command: SlashCommand) -> str:
    """The answer to input that is not a subcommand: what was not understood (escaped, cut short), then the usage."""
    from sla_core.slack.render.text import escape, fit  # noqa: PLC0415 - off the import of the ack path (`/sla help`)

    return f"I don't know `/sla {fit(escape(command.name), 100)}`.\n{HELP_TEXT}"
