"""A policy of a deployment's own, written into a test's directory: the shape none of the five seeds has
(clocks that pause while waiting for the customer), so the language's general parts are tested on it."""

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
