"""`explain`: a policy in plain sentences. Clocks say what they mean ("30 min when opened in Primary Hours;
otherwise 4 h, or 30 min into the next Primary Hours if that is sooner"), never "30 minutes or 30 minutes or 4
hours"; every reading is given with its other reading; a tier or region narrows what is shown."""

from __future__ import annotations

import tomllib

import pytest

from sla_core.engine.clock_words import target_words
from sla_core.engine.errors import PolicyError
from sla_core.engine.explain import explain, explain_text
from sla_core.engine.policy_files import SHIPPED_DIR
from sla_core.engine.policy_registry import load_policy
from sla_core.engine.policy_rules import parse_policy


def words(policy_id: str, severity: str, metric: str = "initial_response", tier: str | None = None) -> str:
    policy = load_policy(policy_id)
    (target,) = [t for t in policy.targets(policy.severity(severity), tier) if t.metric == metric]
    return target_words(policy, target)


def test_resonate_p1_says_what_each_clock_means() -> None:
    # any_of: 30 clock minutes if opened in Primary Hours; 30 min of Primary Hours (any time); 4 clock hours if
    # opened outside. Opened inside, 30 clock minutes always come first (open time never runs faster).
    assert words("resonate", "P1") == (
        "30 min when opened in Primary Hours; otherwise 4 h, or 30 min into the next Primary Hours if that is sooner"
    )
    assert words("resonate", "P1", "update") == "4 h, again after each update"
    assert words("resonate", "P2", "workaround") == "1 business day (12 h) of Primary Hours"


def test_sonar_clocks_on_different_calendars_are_named() -> None:
    # Before: "1 week or 1 week". 1 week of 24/7 = 168 h; of business hours = 5 × 10 h = 50 h.
    assert words("sonar-software", "feature-request") == (
        "1 week (168 h), or 1 week (50 h) of Sonar standard support hours if that is sooner"
    )
    assert words("sonar-software", "normal", "update") == (
        "24 h, or 1 business day (10 h) of Sonar standard support hours if that is sooner, again after each update"
    )


def test_clocks_on_two_zones_of_one_calendar_are_both_named() -> None:
    assert words("atheer", "P2") == "2 business days (16 h) of Atheer support hours"
    text = (SHIPPED_DIR / "atheer.toml").read_text(encoding="utf-8")
    text = text.replace('duration = "2 business days"\ncalendar = "business-hours"\n',
                        'any_of = [{ duration = "2 business days", calendar = "business-hours" },'
                        ' { duration = "2 business days", calendar = "pst" }]\n')  # fmt: skip
    text += '[calendars.pst]\nname = "Atheer hours on PST all year"\nwindows = ["Mon-Fri 09:00-17:00"]\n'
    text += 'timezone = "Etc/GMT+8"\nquote = "9:00 am through 5:00 pm (Pacific Standard Time)"\n'
    policy = parse_policy(tomllib.loads(text), "atheer.toml")
    (target,) = policy.severity("P2").targets
    assert target_words(policy, target) == (
        "2 business days (16 h) of Atheer support hours, or 2 business days (16 h) of Atheer hours on PST all year "
        "if that is sooner"
    )


def test_conditions_on_two_calendars_are_listed_each() -> None:
    text = (SHIPPED_DIR / "resonate.toml").read_text(encoding="utf-8")
    text = text.replace('opened_outside = "primary" },\n]\n\n[[severities.targets]]\nmetric = "update"',
                        'opened_outside = "always" },\n]\n\n[[severities.targets]]\nmetric = "update"')  # fmt: skip
    policy = parse_policy(tomllib.loads(text), "resonate.toml")
    (target, _) = policy.severity("P1").targets
    assert target_words(policy, target) == (
        "the soonest that applies of 30 min (opened in Primary Hours); 30 min of Primary Hours; "
        "4 h (opened outside 24/7 clock time)"
    )


def test_explain_has_every_section_and_each_reading_with_its_other() -> None:
    sections = {s.title: s.lines for s in explain(load_policy("resonate"))}
    assert list(sections)[1:] == [
        "Zone and holidays", "Calendars", "Severities and targets", "Availability", "Credit", "Claims",
        "Rights and duties", "Readings (the one taken, then the other)",
    ]  # fmt: skip
    assert sections["Calendars"][0] == (
        "primary: Primary Hours (09:00–21:00 Eastern every day, excluding holidays). Open Mon-Sun 09:00-21:00 in "
        "America/New_York; no holidays; a business day is 12 h."
    )
    assert "Band: availability <= 98% -> 10%." in sections["Credit"]
    readings = sections["Readings (the one taken, then the other)"]
    assert readings[readings.index("credit bands 2: Exactly 98% falls in neither row (>98% / <98%), so it earns "
                                   "the higher 10%.") + 1] == "  other reading: Exactly 98% earns 7%."  # fmt: skip
    assert len(readings) == 2 * 9  # nine readings in resonate.toml, each with its other


def test_a_tier_and_region_narrow_the_explanation() -> None:
    text = explain_text(load_policy("sonarsource"), "core", "emea")
    assert "Region emea (EMEA): times in Europe/Zurich; CH public holidays." in text
    assert "initial response: 2 business days (18 h) of Business Hours" in text
    assert "1 h" not in text.split("Severities and targets")[1].split("Availability")[0]  # enterprise's 1 clock hour
    assert "regions americas holidays" not in text and "regions emea holidays" in text
    everything = explain_text(load_policy("sonarsource"))
    assert "initial response (enterprise): 1 h" in everything and "americas (Americas): America/Chicago" in everything


def test_the_quarterly_multiple_of_downtime_is_explained() -> None:
    sections = {s.title: s.lines for s in explain(load_policy("github-enterprise-cloud"))}
    assert (
        sections["Availability"][0] == "99.95% of each calendar quarter, measured over the whole period's real minutes."
    )
    assert sections["Credit"][:2] == (
        "25 × credited time / the service period × the fee; fee: the amount paid for the quarter (USD), per quarter.",
        "Credited in a period that misses the target: only the minutes beyond the target.",
    )
    assert "Capped at 30 days of paid service per quarter." in sections["Credit"]


def test_an_unknown_tier_lists_the_valid_ones() -> None:
    with pytest.raises(PolicyError, match="unknown tier 'gold' for policy sonarsource; valid: core, standard"):
        explain(load_policy("sonarsource"), "gold")
