"""Text from outside is cleaned once at the boundary; NUL and lone surrogates can be refused whole."""

from __future__ import annotations

import pytest

from sla_core.engine.clean_text import PoisonText, TooDeep, clean_json, clean_text
from sla_core.slack.commands import parse


def test_control_characters_are_dropped_and_lone_surrogates_replaced() -> None:
    assert clean_text("Disk\x00 full\x07\x1b\x9b") == "Disk full"
    assert clean_text("a\r\nb\tc") == "a\nb\tc"  # newlines and tabs stay
    assert clean_text("x\ud800y") == "x\ufffdy"
    assert clean_text("café 🚀") == "café 🚀"  # real text is untouched


def test_bidirectional_and_zero_width_characters_are_dropped() -> None:
    # "Disk full" with a right-to-left override would show as "lluf ksiD" on a card; isolates likewise.
    assert clean_text("\u202eDisk full\u202c") == "Disk full"
    assert clean_text("a\u2066b\u2067c\u2068d\u2069e\u202a\u202b\u202d") == "abcde"
    # Zero-width space, joiners, marks, word joiner and BOM: invisible, so "db1" and "d\u200bb1" look alike.
    assert clean_text("\ufeffd\u200bb\u200c1\u200d\u200e\u200f\u2060\u061c") == "db1"
    assert clean_text("עברית العربية") == "עברית العربية"  # right-to-left scripts themselves stay
    assert clean_json({"title": "x\u202ey"}, max_depth=2, refuse_poison=True) == {"title": "xy"}


def test_clean_json_cleans_keys_and_values_and_limits_depth() -> None:
    assert clean_json({"t\x07": ["a\x00b", 1, None]}, max_depth=3) == {"t": ["ab", 1, None]}
    with pytest.raises(TooDeep):
        clean_json([[[[1]]]], max_depth=3)  # four levels of lists
    assert clean_json([[[1]]], max_depth=3) == [[[1]]]


def test_poison_is_refused_whole_when_asked() -> None:
    with pytest.raises(PoisonText, match="NUL"):
        clean_json({"title": "a\x00"}, max_depth=4, refuse_poison=True)
    with pytest.raises(PoisonText, match="surrogate"):
        clean_json({"title": "a\udc00"}, max_depth=4, refuse_poison=True)
    assert clean_json({"title": "a\x07"}, max_depth=4, refuse_poison=True) == {"title": "a"}


def test_slash_command_text_is_cleaned_before_it_is_split() -> None:
    assert parse("open acme p1 Disk\x00 full\ud800").args == ("acme", "p1", "Disk", "full\ufffd")
