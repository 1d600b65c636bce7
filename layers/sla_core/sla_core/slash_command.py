"""The `/sla` slash command: its help text and how its text splits into a subcommand and arguments."""

from __future__ import annotations

from dataclasses import dataclass

HELP_TEXT = "\n".join(
    [
        "*slaops* tracks the SLA contracts of this workspace. Usage:",
        "• `/sla help`: this message",
        "• `/sla status`: open incidents and their next deadlines",
        "• `/sla downtime <contract> <component> <start> <end>`: record downtime",
        "• `/sla report <contract> [month]`: availability and estimated credits",
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
    """Split the command text (`status`, `downtime acme web ...`); empty text asks for help."""
    words = (text or "").split()
    if not words:
        return SlashCommand("", ())
    return SlashCommand(words[0].lower(), tuple(words[1:]))


def not_available(command: SlashCommand) -> str:
    """The answer to a subcommand this deployment does not handle."""
    return f"`/sla {command.name}` is not available yet.\n{HELP_TEXT}"
