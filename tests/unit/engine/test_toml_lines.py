"""Where a field is written: the line of a field path in TOML text, as `check` places its problems."""

from __future__ import annotations

import tomllib

from sla_core.engine.toml_lines import field_lines, line_of

TEXT = '''# a comment [not a table]
id = "demo"  # trailing
"quoted key" = 'C:\\no escapes'
long = """one
two = 3
"""

[calendars.office]
windows = ["Mon-Fri 08:00-18:00"]

[[severities]]
id = "a"

[[severities.targets]]
metric = "initial_response"

[[severities]]
id = "b"

[[severities.targets]]
metric = "update"

[[severities.targets]]
metric = "resolution"
any_of = [
  { duration = "1 hour", calendar = "office" },
  # a comment inside the array
  { duration = "2 hours", calendar = "always" },
]
other_values = { any_of = [{ duration = "3 hours" }] }
'''


def test_keys_tables_and_arrays_of_tables_have_their_lines() -> None:
    assert tomllib.loads(TEXT)["severities"][1]["targets"][1]["metric"] == "resolution"  # valid TOML
    lines = field_lines(TEXT)
    assert (lines["id"], lines["quoted key"], lines["long"]) == (2, 3, 4)
    assert "two" not in lines  # inside a multi-line string
    assert (lines["calendars.office"], lines["calendars.office.windows"]) == (8, 9)
    assert (lines["severities[0].id"], lines["severities[0].targets[0].metric"]) == (12, 15)
    assert (lines["severities[1].id"], lines["severities[1].targets[1].metric"]) == (18, 24)


def test_inline_arrays_and_tables_element_by_element() -> None:
    lines = field_lines(TEXT)
    assert lines["severities[1].targets[1].any_of[0].calendar"] == 26
    assert lines["severities[1].targets[1].any_of[1]"] == 28
    assert lines["severities[1].targets[1].any_of[1].calendar"] == 28
    assert lines["severities[1].targets[1].other_values.any_of[0].duration"] == 30


def test_a_field_left_out_is_placed_at_its_table() -> None:
    lines = field_lines(TEXT)
    assert line_of(lines, "severities[1].targets[0].duration") == 20  # the [[severities.targets]] header
    assert line_of(lines, "calendars.office.timezone") == 8
    assert line_of(lines, "vendor") == 1  # a top-level key left out: the top of the file
    assert line_of(lines, "") == 1


def test_text_that_does_not_parse_keeps_the_lines_around_it() -> None:
    lines = field_lines('id = "x"\n?? = 1\nlater = 1\n')
    assert (lines["id"], lines["later"]) == (1, 3)


def test_keys_are_read_as_toml_reads_them() -> None:
    text = 'a."b.c" = 1\n"q\\"k" = 2\nwhen = 2026-03-09 10:00:00Z\n[t.\'x y\']\nz = 3\n'
    assert tomllib.loads(text)["t"]["x y"]["z"] == 3  # valid TOML
    lines = field_lines(text)
    assert (lines["a.b.c"], lines['q"k'], lines["when"], lines["t.x y.z"]) == (1, 2, 3, 5)


def test_a_comment_after_a_value_leaves_its_elements_their_lines() -> None:
    text = "a = [\n  1,\n  2,\n] # trailing\nb = [{ c = 1 }]#tight\n[t] # header\nd = 1\n"
    assert tomllib.loads(text)["t"]["d"] == 1  # valid TOML
    lines = field_lines(text)
    assert (lines["a[0]"], lines["a[1]"], lines["b[0].c"], lines["t"], lines["t.d"]) == (2, 3, 5, 6, 7)
