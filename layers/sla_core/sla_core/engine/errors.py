"""Errors the SLA core raises; each message says what was wrong and what is accepted."""


class SlaError(ValueError):
    """Base class: bad input or bad data, reported to a person as a one-line message."""


class PolicyError(SlaError):
    """A policy file is invalid, or a policy, tier, region, severity or metric is unknown."""


class InputError(SlaError):
    """A value given by a user or caller (timestamp, duration, period, amount) cannot be used."""
