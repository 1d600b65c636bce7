"""Policies of a deployment's own, written into a test's directory: one of a shape none of the five seeds has
(clocks that pause while waiting for the customer), and a hosting contract with deadlines, availability, a
credit, a claim window and its own examples, so the language's general parts are tested on them."""

from __future__ import annotations

from pathlib import Path

PAUSING_POLICY = """id = "{policy_id}"
vendor = "Acme Support"
title = "Acme support SLA (a test's own policy)"
timezone = "America/New_York"
components = ["platform"]

[holidays]
quote = "No holidays are named."

[calendars.business]
name = "Acme business hours"
windows = ["Mon-Fri 09:00-17:00"]
quote = "Business hours are 9 a.m. to 5 p.m. Eastern, Monday to Friday."

[pauses.waiting-for-customer]
name = "Waiting for customer"
applies_to = ["resolution"]
quote = "The resolution time does not run while Acme waits for information from the customer."

[[severities]]
id = "high"
name = "High"
quote = "The service is down."
outage = true

[[severities.targets]]
metric = "initial_response"
duration = "1 hour"
calendar = "business"
quote = "Acme responds within one business hour."

[[severities.targets]]
metric = "resolution"
duration = "8 hours"
calendar = "business"
quote = "Acme resolves within eight business hours."
"""


def write_pausing_policy(directory: Path, policy_id: str = "acme-support") -> Path:
    """The policy file in `directory` (created); its id is its file name."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{policy_id}.toml"
    path.write_text(PAUSING_POLICY.format(policy_id=policy_id), encoding="utf-8")
    return path


# A deployment's own hosting contract with a deadline, availability, a credit and a claim window, and its own
# hand-worked examples: what a policy written only in a test's directory needs to work end to end.
HOSTING_POLICY = """id = "{policy_id}"
vendor = "Acme Hosting"
title = "Acme hosting SLA (a test's own policy)"
timezone = "Europe/Berlin"

[holidays]
country = "DE"
quote = "Office hours exclude German public holidays."

[calendars.office]
name = "Acme office hours (Mon–Fri 08:00–18:00 Berlin time)"
windows = ["Mon-Fri 08:00-18:00"]
quote = "Office hours are 08:00 to 18:00 Berlin time, Monday to Friday, except public holidays."

[calendars.always]
name = "Around the clock"
windows = ["Mon-Sun 00:00-24:00"]
holidays = false
quote = "Outages are answered around the clock."

[[severities]]
id = "sev1"
name = "Severity 1"
quote = "The hosted service is down."
outage = true

[[severities.targets]]
metric = "initial_response"
duration = "30 minutes"
calendar = "always"
quote = "Severity 1: a first response within 30 minutes, around the clock."

[[severities]]
id = "sev2"
name = "Severity 2"
quote = "Anything else."

[[severities.targets]]
metric = "initial_response"
duration = "4 hours"
calendar = "office"
quote = "Severity 2: a first response within 4 office hours."

[availability]
target_percent = "99.9"
quote = "Acme keeps the service available 99.9% of each calendar month."

[credit]
mechanism = "proportional"
currency = "EUR"
fee = "the monthly hosting fee"
quote = "Downtime in a month below 99.9% is credited pro rata: downtime / the month x the monthly fee."

[credit.divisor]
lengths = ["month"]
quote = "downtime / the month"

[claims]
deadline = "14 days"
counted_from = "outage_end"
quote = "Claims are made within 14 days of the end of the outage."

# Fri 2026-06-12 16:00 CEST: 2 office hours to 18:00, then Mon 08:00 + 2 h = 10:00.
[[examples]]
name = "sev2 over a weekend"
severity = "sev2"
opened = 2026-06-12T16:00:00+02:00
due = 2026-06-15T10:00:00+02:00

# June = 30 x 1,440 = 43,200 min. 90 min down: (43,200 - 90) / 43,200 = 99.79166...% → 99.7916, below 99.9%;
# 90 / 43,200 x 1,000.00 = 2.0833... → 2.08 EUR. Claim: Jun 10 11:30 CEST + 14 days = Jun 24 11:30.
[[examples]]
name = "ninety minutes down in June"
period = "2026-06"
fee = "1000.00"
downtime = [{{ start = 2026-06-10T10:00:00+02:00, end = 2026-06-10T11:30:00+02:00 }}]
availability = "99.7916"
credit = "2.08"
claim_deadline = 2026-06-24T11:30:00+02:00
"""


def write_hosting_policy(directory: Path, policy_id: str = "acme-hosting") -> Path:
    """The hosting policy in `directory` (created), under `policy_id` (its file name)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{policy_id}.toml"
    path.write_text(HOSTING_POLICY.format(policy_id=policy_id), encoding="utf-8")
    return path


# An uptime-only SLA, the shape of most cloud SLAs: availability, a credit and a claim window, no response targets
# (so no calendars and no severities), with a clause read two ways and its examples worked under both.
UPTIME_POLICY = """id = "{policy_id}"
vendor = "Acme Cloud"
title = "Acme Cloud uptime SLA (a test's own policy)"
timezone = "UTC"

[availability]
target_percent = "99.9"
quote = "Acme Cloud is available 99.9% of each calendar month."

[credit]
mechanism = "proportional"
currency = "USD"
fee = "the monthly fee"
quote = "Downtime in a month below 99.9% is credited pro rata: downtime / the month x the monthly fee."
reading = "All of the month's downtime is credited once the month is below 99.9%."
other_reading = "Only the downtime beyond the 99.9% allowance is credited."
other_values = {{ credited = "beyond_target" }}

[credit.divisor]
lengths = ["month"]
quote = "downtime / the month"

[claims]
deadline = "30 days"
counted_from = "period_end"
quote = "Claims are made within 30 days of the end of the month."

# June = 30 x 1,440 = 43,200 min. 90 min down: (43,200 - 90) / 43,200 = 99.79166...% → 99.7916, below 99.9%.
# All downtime: 90 / 43,200 x 1,000.00 = 2.0833... → 2.08 USD. Other reading, beyond the allowance:
# 43,200 x 0.1% = 43.2 min allowed, 90 - 43.2 = 46.8 min; 46.8 / 43,200 x 1,000.00 = 1.0833... → 1.08 USD.
# Claim: the month ends Jul 1 00:00 UTC + 30 days = Jul 31 00:00 UTC, under either reading.
[[examples]]
name = "ninety minutes down in June"
period = "2026-06"
fee = "1000.00"
downtime = [{{ start = 2026-06-10T10:00:00Z, end = 2026-06-10T11:30:00Z }}]
availability = "99.7916"
credit = "2.08"
claim_deadline = 2026-07-31T00:00:00Z
other_of = "credit"
other_availability = "99.7916"
other_target_met = false
other_credit = "1.08"
other_claim_deadline = 2026-07-31T00:00:00Z
"""


def write_uptime_policy(directory: Path, policy_id: str = "acme-cloud") -> Path:
    """The uptime-only policy in `directory` (created), under `policy_id` (its file name)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{policy_id}.toml"
    path.write_text(UPTIME_POLICY.format(policy_id=policy_id), encoding="utf-8")
    return path
