"""The `/sla` slash command: its help text (from the subcommands `routes` declares) and how its text splits into a
subcommand and arguments."""

from __future__ import annotations

from dataclasses import dataclass

from sla_core.engine.clean_text import clean_text
from sla_core.slack.routes import SUBCOMMANDS

HELP = ("help", "this message", "/sla help")
USAGE = (*((sub.usage, sub.what, sub.example) for sub in SUBCOMMANDS), HELP)
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
