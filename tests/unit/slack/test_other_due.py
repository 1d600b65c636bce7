"""The other reading's due instant on the incident card and in `/sla deadline` (issue 11 point 4): shown where a
reading stated as policy data moves the deadline, and nowhere else. Each case is worked by hand from the seed
text (004 Resonate, 002 SonarSource) in its comment."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sla_core.config.contracts import load_contracts
from sla_core.engine.clauses import Reading
from sla_core.engine.holiday_sets import HolidaySpec
from sla_core.incidents.records import Incident
from sla_core.incidents.state import IncidentEvent, fold
from sla_core.incidents.tracking import Terms, TrackedDeadline, track
from sla_core.slack.contracts.flows import ContractFlows
from sla_core.slack.flow_base import Invocation, SlackApi
from sla_core.slack.render.alternate_words import OTHER_WORDS, other_words
from sla_core.slack.render.incident_card import card, deadline_line, event_reply
from sla_core.storage import repository
from tests.support.block_kit import problems

CONFIG = load_contracts()
RESONATE = CONFIG.contracts["resonate-ems"]
EASTERN = ZoneInfo("America/New_York")
ZURICH = ZoneInfo("Europe/Zurich")
P1_OTHER = (
    "if read as: Secondary-hours tickets always get 4 hours; primary-hours tickets get 30 minutes of Primary Hours"
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def clocks(terms: Terms, severity: str, opened: str, *later: IncidentEvent) -> list[TrackedDeadline]:
    return track(terms, fold([IncidentEvent("t", "triggered", at(opened), severity=severity), *later]))


def first_response(tracked: list[TrackedDeadline]) -> TrackedDeadline:
    (found,) = [t for t in tracked if t.metric == "initial_response"]
    return found


def resonate_card(opened: str, status: str, tracked: list[TrackedDeadline]) -> tuple[str, str]:
    item: Incident = repository.new_incident(
        incident_id="pd-R1", contract_id="resonate-ems", component="platform", severity="P1",
        source="pagerduty", title="Platform down", opened_at=at(opened), status=status,
    )  # fmt: skip
    text, blocks = card(item, RESONATE, tracked)
    assert problems("chat.postMessage", {"text": text, "blocks": blocks}) == []
    return text, json.dumps(blocks, ensure_ascii=False)


def test_resonate_p1_opened_just_before_primary_hours_end_shows_both_due_instants() -> None:
    # §5a: P1 "Primary Hours: < 30 minute initial response"; Primary Hours 09:00-21:00 Eastern. Opened Tue 14 Apr
    # 20:45 EDT, in Primary Hours. Chosen: 30 clock minutes -> Tue 21:15 EDT. Other (30 minutes OF Primary
    # Hours): 20:45-21:00 = 15 min, then Wed 09:00 + 15 min = Wed 15 Apr 09:15 EDT.
    opened = "2026-04-14T20:45:00-04:00"
    _, blocks = resonate_card(opened, "triggered", clocks(Terms("resonate"), "P1", opened))
    assert "*First response* due Tue 14 Apr 21:15 EDT (<!date^" in blocks
    assert f"Tue 14 Apr 21:15 EDT>) (Wed 15 Apr 09:15 EDT {P1_OTHER}) (target 30 minutes)" in blocks
    # The 4-hourly updates run on 24/7 clock time, a clause with no reading: nothing extra on that line.
    # Opened 20:45 + 4 h = Wed 15 Apr 00:45 EDT = 04:45Z: 2026-01-01T00:00Z is 1767225600, 15 Apr is 104 days
    # later (+8,985,600 s), 04:45 adds 17,100 s: 1776228300.
    assert "*Updates* every 4 hours: next due Wed 15 Apr 00:45 EDT (<!date^1776228300^" in blocks
    assert blocks.count("if read as") == 1


def test_a_reading_that_gives_the_same_due_instant_shows_nothing_extra() -> None:
    # Opened Mon 23 Nov 10:00 EST, in Primary Hours: 30 clock minutes -> 10:30; 30 minutes of Primary Hours
    # (open until 21:00) -> also 10:30. The P1 reading does not change the answer, so the card does not name it.
    opened = "2026-11-23T10:00:00-05:00"
    tracked = clocks(Terms("resonate"), "P1", opened)
    assert first_response(tracked).deadline.readings  # the deadline does rest on a reading ...
    _, blocks = resonate_card(opened, "triggered", tracked)
    assert "*First response* due Mon 23 Nov 10:30 EST (" in blocks
    assert "if read as" not in blocks  # ... that changes nothing here


def test_an_acknowledgement_missed_under_the_chosen_reading_and_met_under_the_other() -> None:
    # Opened Tue 14 Apr 20:45 EDT, acknowledged 21:30. Chosen due 21:15 (24/7 clock): missed by 15 min.
    # Other due Wed 09:15 on Primary Hours: the open time from Tue 21:30 to Wed 09:15 is 09:00-09:15, so
    # met with 15 min to spare. Both the card and the acknowledgement reply say so.
    opened = "2026-04-14T20:45:00-04:00"
    ack = IncidentEvent("a", "acknowledged", at("2026-04-14T21:30:00-04:00"), actor="U1")
    tracked = clocks(Terms("resonate"), "P1", opened, ack)
    verdict = f"missed by 15 min (met with 15 min to spare {P1_OTHER})"
    _, blocks = resonate_card(opened, "acknowledged", tracked)
    assert f"*First response* {verdict} at Tue 14 Apr 21:30 EDT" in blocks
    assert event_reply(ack, tracked, RESONATE).endswith(f"First response target {verdict}.")


def test_an_acknowledgement_late_under_both_readings_names_no_other_verdict() -> None:
    # Opened Tue 14 Apr 20:45 EDT, acknowledged Wed 10:00: after 21:15 and after Wed 09:15 too; missed by 12 h 45
    # min of 24/7 time under the chosen reading (21:15 -> 10:00). The verdict is the same, so no aside.
    ack = IncidentEvent("a", "acknowledged", at("2026-04-15T10:00:00-04:00"), actor="U1")
    line = deadline_line(first_response(clocks(Terms("resonate"), "P1", "2026-04-14T20:45:00-04:00", ack)), EASTERN)
    assert line.startswith("*First response* missed by 12 h 45 min at Wed 15 Apr 10:00 EDT")
    assert "if read as" not in line


def test_sonarsource_emea_geneva_holiday_moves_the_first_response() -> None:
    # Seed 002, Standard tier: Major "1 Business Day" on Business Days (24x5, Mon-Fri all day, excluding public
    # holidays of the EMEA region: Switzerland's nationwide ones, chosen). Opened Wed 9 Sep 2026 10:00 CEST:
    # Wed 10:00-24:00 = 14 h, Thu 00:00-10:00 = 10 h -> Thu 10 Sep 10:00 CEST. Other reading (Geneva's holidays
    # as well): Thu 10 Sep is the Jeune genevois, closed, so Fri 00:00 + 10 h = Fri 11 Sep 10:00 CEST.
    tracked = first_response(clocks(Terms("sonarsource", "standard", "emea"), "major", "2026-09-09T10:00:00+02:00"))
    line = deadline_line(tracked, ZURICH)
    assert line.startswith("*First response* due Thu 10 Sep 10:00 CEST (<!date^")
    assert line.endswith(
        ">) (Fri 11 Sep 10:00 CEST if read as: Geneva canton's public holidays as well) (target 1 business day)"
    )


def test_a_holiday_override_is_kept_when_the_other_reading_is_computed() -> None:
    # The same ticket on a contract that sets its own holidays (CH with Geneva's): the holiday reading is gone
    # (the deployment decided it) and the Jeune genevois closes Thu 10 Sep under every reading, so the first
    # response is due Fri 11 Sep 10:00 with nothing else to show.
    terms = Terms("sonarsource", "standard", "emea", HolidaySpec("CH", "GE"))
    line = deadline_line(first_response(clocks(terms, "major", "2026-09-09T10:00:00+02:00")), ZURICH)
    assert line.startswith("*First response* due Fri 11 Sep 10:00 CEST (") and "if read as" not in line


class _NoSlack(SlackApi):
    """No Slack to ask for the typist's zone: the contract's zone applies."""

    def __init__(self) -> None:
        pass

    def user_zone(self, user_id: str) -> ZoneInfo | None:
        return None


def test_sla_deadline_shows_the_other_due_instant_only_for_the_reading_that_moves_it() -> None:
    # `/sla deadline resonate-ems P3 at 2026-04-10T15:00` (Eastern, the contract's zone): P3 "8 hour initial
    # response" in Primary Hours (09:00-21:00 every day, chosen): Fri 15:00-21:00 = 6 h, Sat 09:00 + 2 h = Sat 11 Apr
    # 11:00 EDT. Other (Monday to Friday only): Mon 13 Apr 09:00 + 2 h = Mon 11:00. The holiday reading (Virginia
    # state holidays as well) changes nothing: Virginia has no holiday from 10 to 13 April 2026.
    flows = ContractFlows(CONFIG, _NoSlack())
    inv = Invocation("U1", "C1", "trigger-1", at("2026-04-09T12:00:00-04:00"))
    reply = flows.deadline(("resonate-ems", "P3", "at", "2026-04-10T15:00"), inv)
    # Sat 11 Apr 11:00 EDT = 15:00Z: 1767225600 (2026-01-01T00:00Z) + 100 days (8,640,000 s) + 54,000 s.
    assert "→ due <!date^1775919600^{date_short_pretty} {time}|Sat 11 Apr 11:00 EDT>" in reply.text
    assert "(Mon 13 Apr 11:00 EDT if read as: Primary Hours run Monday to Friday only)" in reply.text
    assert reply.text.count("if read as") == 1


def test_the_other_reading_in_a_few_escaped_words() -> None:
    # The first alternative the text names (the one stated as data), without asides or the final stop.
    assert other_words(Reading("c", "Eastern local time only (21:00–03:00 EDT in summer); or EST all year.")) == (
        "Eastern local time only"
    )
    assert other_words(Reading("c", "Six consecutive calendar months (January–June, ...); or ten days.")) == (
        "Six consecutive calendar months"
    )
    assert other_words({"chosen": "c", "other": "<!channel> & co."}) == "&lt;!channel&gt; &amp; co"
    assert len(other_words({"chosen": "c", "other": "x" * 500})) == OTHER_WORDS
