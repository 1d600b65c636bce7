"""Text from outside, cleaned once at the boundary: no lone surrogates (they cannot be encoded, so Slack and
DynamoDB would refuse them after something was already written), no NUL or other control characters, and no
invisible characters that make a title read as something else (bidirectional overrides, zero-width spaces)."""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, and UTF-16 surrogates (valid only in pairs, which a
# Python str never holds once decoded); then the invisible format characters: the Arabic letter mark (U+061C),
# the Mongolian vowel separator (U+180E), zero-width space, non-joiner, joiner and the LRM/RLM marks
# (U+200B..U+200F), bidirectional embeddings and overrides (U+202A..U+202E), word joiner and invisible operators
# (U+2060..U+2064), bidirectional isolates (U+2066..U+2069) and the zero-width no-break space / BOM (U+FEFF).
# Joiners go too (an emoji family then shows as its members, Persian text as unjoined letters): nothing a title
# needs, and each can make two different titles look alike.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
REPLACEMENT = "\ufffd"


_POISON = re.compile("[\x00\ud800-\udfff]")


class TooDeep(ValueError):
    """A JSON document nested deeper than the limit."""


class PoisonText(ValueError):
    """Text with a NUL or a lone surrogate: no real sender produces them, so the document is refused whole."""


def clean_text(text: str) -> str:
    """`text` with control, bidirectional and zero-width characters dropped and lone surrogates replaced by
    U+FFFD (carriage returns too: line ends become plain newlines)."""
    text = text.replace("\r\n", "\n")
    return _UNWANTED.sub(lambda m: REPLACEMENT if "\ud800" <= m.group() <= "\udfff" else "", text)


def clean_json(value: Any, *, max_depth: int, refuse_poison: bool = False) -> Any:
    """A parsed JSON value with every string (keys included) cleaned; deeper than `max_depth` raises TooDeep.
    With `refuse_poison`, a NUL or a lone surrogate anywhere raises PoisonText instead of being cleaned."""
    if max_depth < 0:
        raise TooDeep(f"nested more than {max_depth} levels")

    def text(item: str) -> str:
        if refuse_poison and _POISON.search(item):
            found = "a NUL character" if "\x00" in item else "a lone UTF-16 surrogate"
            raise PoisonText(f"text contains {found}")
        return clean_text(item)

    def walk(item: Any, depth: int) -> Any:
        if isinstance(item, str):
            return text(item)
        if isinstance(item, dict):
            if depth >= max_depth:
                raise TooDeep(f"nested more than {max_depth} levels")
            return {text(str(k)): walk(v, depth + 1) for k, v in item.items()}
        if isinstance(item, list):
            if depth >= max_depth:
                raise TooDeep(f"nested more than {max_depth} levels")
            return [walk(v, depth + 1) for v in item]
        return item

    return walk(value, 0)
