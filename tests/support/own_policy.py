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


def write_policy(directory: Path, template: str, policy_id: str) -> Path:
    """The policy `template` under `policy_id` in `directory` (created), in the file its id names."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{policy_id}.toml"
    path.write_text(template.format(policy_id=policy_id), encoding="utf-8")
    return path


def write_pausing_policy(directory: Path, policy_id: str = "acme-support") -> Path:
    """The policy file in `directory` (created); its id is its file name."""
    return write_policy(directory, PAUSING_POLICY, policy_id)


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
    return write_policy(directory, HOSTING_POLICY, policy_id)


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
    return write_policy(directory, UPTIME_POLICY, policy_id)


# A support and uptime SLA with the clauses the language learnt last: named holidays on top of a country's set
# (rules that hold every year, and a dated day), hours in the customer's local time (each contract says which
# zone), a yearly maintenance allowance on a quarterly policy, and a claim window in business days.
CLAUSES_POLICY = """id = "{policy_id}"
vendor = "Acme Ops"
title = "Acme Ops support and uptime SLA (a test's own policy)"
timezone = "America/New_York"

[holidays]
country = "US"
add = [
  {{ name = "Day after Thanksgiving", rule = "4th Thursday of November + 1 day" }},
  {{ name = "Day after Christmas", rule = "December 25 + 1 day" }},
  {{ name = "Year-end shutdown", date = 2026-12-31 }},
]
quote = "US federal holidays, the Friday after Thanksgiving, the day after Christmas and Dec 31, 2026 are closed."

[calendars.business]
name = "Business hours (Mon–Fri 09:00–18:00 Eastern)"
windows = ["Mon-Fri 09:00-18:00"]
quote = "Business hours are 9 a.m. to 6 p.m. Eastern, Monday to Friday, except holidays."

[[severities]]
id = "p1"
name = "Priority 1"
quote = "Production is down."
outage = true

[[severities.targets]]
metric = "initial_response"
duration = "4 hours"
calendar = "business"
quote = "Priority 1: a first response within 4 business hours."

[calendars.customer-hours]
name = "Customer business hours (Mon–Fri 08:00–17:00 the customer's local time)"
windows = ["Mon-Fri 08:00-17:00"]
timezone = "customer"
holidays = false
quote = "Priority 2 tickets are answered within the customer's business hours, 8 a.m. to 5 p.m. customer local \
time, Monday to Friday."

[[severities]]
id = "p2"
name = "Priority 2"
quote = "A feature is impaired."

[[severities.targets]]
metric = "initial_response"
duration = "2 hours"
calendar = "customer-hours"
quote = "Priority 2: a first response within 2 hours of the customer's business hours."

[availability]
target_percent = "99.9"
quote = "Acme Ops keeps the service available 99.9% of each calendar quarter."

[availability.maintenance]
allowance = "10 hours"
allowance_per = "year"
quote = "Up to 10 hours a year of scheduled maintenance is not downtime."

[credit]
mechanism = "proportional"
period = "quarter"
currency = "USD"
fee = "the quarterly fee"
quote = "A quarter below 99.9% is credited pro rata: downtime / the quarter x the quarterly fee."

[credit.divisor]
lengths = ["quarter"]
quote = "downtime / the quarter"

[claims]
deadline = "5 business days"
counted_from = "period_end"
quote = "Claims are made within 5 business days of the end of the quarter."

# Wed 2026-11-25 16:00 EST: 2 business hours to 18:00. Thu 26 is Thanksgiving (US), Fri 27 the day after (the
# rule: 4th Thursday of November 2026 = the 26th, + 1 day), then the weekend: Mon 30 09:00 + 2 h = 11:00.
[[examples]]
name = "P1 over Thanksgiving and the day after"
severity = "p1"
opened = 2026-11-25T16:00:00-05:00
due = 2026-11-30T11:00:00-05:00

# Wed 2025-12-24 16:00 EST: 2 h to 18:00. Thu 25 Christmas (US), Fri 26 the day after Christmas (December 25
# + 1 day), the weekend: Mon 2025-12-29 09:00 + 2 h = 11:00.
[[examples]]
name = "P1 over Christmas and the day after"
severity = "p1"
opened = 2025-12-24T16:00:00-05:00
due = 2025-12-29T11:00:00-05:00

# Wed 2026-12-30 16:00 EST: 2 h to 18:00. Thu 31 the named year-end shutdown, Fri 2027-01-01 New Year's Day
# (US), the weekend: Mon 2027-01-04 09:00 + 2 h = 11:00.
[[examples]]
name = "P1 over the year-end shutdown"
severity = "p1"
opened = 2026-12-30T16:00:00-05:00
due = 2027-01-04T11:00:00-05:00

# A customer in Berlin: Fri 2026-06-12 16:00 CEST, 1 h to 17:00, then Mon 15 08:00 + 1 h = 09:00 CEST.
[[examples]]
name = "P2 for a customer in Berlin"
severity = "p2"
opened = 2026-06-12T16:00:00+02:00
customer_timezone = "Europe/Berlin"
due = 2026-06-15T09:00:00+02:00

# The same instant (14:00 UTC) for a customer in Los Angeles: Fri 07:00 PDT, before their hours: 08:00 + 2 h = 10:00
# PDT the same day.
[[examples]]
name = "P2 at the same instant for a customer in Los Angeles"
severity = "p2"
opened = 2026-06-12T07:00:00-07:00
customer_timezone = "America/Los_Angeles"
due = 2026-06-12T10:00:00-07:00

# Berlin's clocks go forward on Sun 2026-03-29 (New York's went three weeks before): Fri 27 16:30 CET, 30 min to
# 17:00, then Mon 30 08:00 CEST + 1 h 30 = 09:30 CEST (07:30 UTC).
[[examples]]
name = "P2 for a customer in Berlin over their spring-forward weekend"
severity = "p2"
opened = 2026-03-27T16:30:00+01:00
customer_timezone = "Europe/Berlin"
due = 2026-03-30T09:30:00+02:00

# Q1 2026: Jan 1 00:00 EST to Apr 1 00:00 EDT = 90 days x 1,440 = 129,600 - 60 (spring forward, Mar 8)
# = 129,540 min. 8 h of maintenance (480 min) is the first of the year's 10 h: all excluded, nothing counted:
# 100%, no credit. Claim: 5 business days from Apr 1 00:00 EDT: Wed 1, Thu 2, Fri 3 (Good Friday is no US
# federal holiday), Mon 6, Tue 7: the deadline is the end of Tue 7, Apr 8 00:00 EDT.
[[examples]]
name = "Q1: maintenance within the yearly allowance"
period = "2026-Q1"
fee = "3000.00"
maintenance = [{{ start = 2026-02-14T01:00:00-05:00, end = 2026-02-14T09:00:00-05:00 }}]
availability = "100.0000"
downtime_minutes = "0"
excluded_minutes = "480"
target_met = true
credit = "0.00"
claim_deadline = 2026-04-08T00:00:00-04:00

# Q2 2026: Apr 1 to Jul 1 = 91 days x 1,440 = 131,040 min (no DST change). The year's earlier maintenance (Q1's
# 8 h) left 2 h of the 10; May's 6 h (360 min) use those 120 min, the other 240 count: (131,040 - 240) / 131,040
# = 99.81684...% → 99.8168, below 99.9; 240 / 131,040 x 3,000.00 = 5.4945... → 5.49. Claim: from Jul 1 00:00 EDT:
# Wed 1, Thu 2, (Fri 3 Independence Day observed, the weekend), Mon 6, Tue 7, Wed 8: Jul 9 00:00 EDT.
[[examples]]
name = "Q2: the rest of the yearly allowance, then downtime"
period = "2026-Q2"
fee = "3000.00"
maintenance = [
  {{ start = 2026-02-14T01:00:00-05:00, end = 2026-02-14T09:00:00-05:00 }},
  {{ start = 2026-05-16T01:00:00-04:00, end = 2026-05-16T07:00:00-04:00 }},
]
availability = "99.8168"
downtime_minutes = "240"
excluded_minutes = "120"
target_met = false
credit = "5.49"
claim_deadline = 2026-07-09T00:00:00-04:00

# Q3 2026: Jul 1 to Oct 1 = 92 days x 1,440 = 132,480 min. The year's 10 h went in Q1 (8) and Q2 (2), so
# August's hour counts: (132,480 - 60) / 132,480 = 99.95471...% → 99.9547, met; no credit. Claim: from Oct 1 00:00
# EDT: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7: Oct 8 00:00 EDT.
[[examples]]
name = "Q3: the yearly allowance is used up"
period = "2026-Q3"
fee = "3000.00"
maintenance = [
  {{ start = 2026-02-14T01:00:00-05:00, end = 2026-02-14T09:00:00-05:00 }},
  {{ start = 2026-05-16T01:00:00-04:00, end = 2026-05-16T07:00:00-04:00 }},
  {{ start = 2026-08-15T01:00:00-04:00, end = 2026-08-15T02:00:00-04:00 }},
]
availability = "99.9547"
downtime_minutes = "60"
excluded_minutes = "0"
target_met = true
credit = "0.00"
claim_deadline = 2026-10-08T00:00:00-04:00

# Q4 2026: Oct 1 00:00 EDT to Jan 1 00:00 EST = 92 days x 1,440 = 132,480 + 60 (fall back, Nov 1) = 132,540 min.
# 4 h down the day after Thanksgiving: (132,540 - 240) / 132,540 = 99.81892...% → 99.8189; 240 / 132,540 x
# 3,000.00 = 5.4323... → 5.43. Claim: from Jan 1 00:00 EST: Fri 1 is New Year's Day (US), then the weekend:
# Mon 4, Tue 5, Wed 6, Thu 7, Fri 8: the end of Fri 8, Jan 9 2027 00:00 EST.
[[examples]]
name = "Q4: the claim window skips New Year's Day and the weekend"
period = "2026-Q4"
fee = "3000.00"
downtime = [{{ start = 2026-11-27T10:00:00-05:00, end = 2026-11-27T14:00:00-05:00 }}]
availability = "99.8189"
credit = "5.43"
claim_deadline = 2027-01-09T00:00:00-05:00

# Q1 2027: a new year, so a new 10 h: Jan 1 00:00 EST to Apr 1 00:00 EDT = 90 x 1,440 - 60 (Mar 14) = 129,540 min.
# 2026's maintenance is not this year's. January's 3 h (180 min) and March's 8 h (480 min), in time order: 180 +
# 420 = 600 min within the 10 h, the last 60 count: (129,540 - 60) / 129,540 = 99.95368...% → 99.9536, met.
# Claim: from Apr 1 00:00 EDT: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7: Apr 8 00:00 EDT.
[[examples]]
name = "Q1 2027: the allowance starts again in January"
period = "2027-Q1"
fee = "3000.00"
maintenance = [
  {{ start = 2026-08-15T01:00:00-04:00, end = 2026-08-15T02:00:00-04:00 }},
  {{ start = 2027-01-16T01:00:00-05:00, end = 2027-01-16T04:00:00-05:00 }},
  {{ start = 2027-03-20T01:00:00-04:00, end = 2027-03-20T09:00:00-04:00 }},
]
availability = "99.9536"
downtime_minutes = "60"
excluded_minutes = "600"
target_met = true
claim_deadline = 2027-04-08T00:00:00-04:00
"""


def write_clauses_policy(directory: Path, policy_id: str = "acme-ops") -> Path:
    """The policy with named holidays, customer-local hours, a yearly allowance and business-day claims in
    `directory` (created)."""
    return write_policy(directory, CLAUSES_POLICY, policy_id)
