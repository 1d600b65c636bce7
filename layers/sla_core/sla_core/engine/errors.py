"""Errors the SLA core raises; each message says what was wrong and what is accepted."""

from __future__ import annotations

from typing import Literal

Problem = Literal["missing", "unused", "invalid"]


class SlaError(ValueError):
    """Base class: bad input or bad data, reported to a person as a one-line message."""


class PolicyError(SlaError):
    """A policy file is invalid, or a policy, tier, region, severity or metric is unknown."""


class NoSla(PolicyError):
    """The tier asked about has no SLA (e.g. SonarSource Base Support): the message is the plain answer."""


class InputError(SlaError):
    """A value given by a user or caller (timestamp, duration, period, amount) cannot be used."""


class InputProblem(SlaError):
    """An error about one input of an engine call, in domain words; its fields let a front end (the CLI) name
    the input its own way. `name` is the engine parameter; `detail` is the value or rule the message quotes."""

    def __init__(self, message: str, *, name: str, problem: Problem, policy: str, detail: str = "") -> None:
        super().__init__(message)
        self.name = name
        self.problem = problem
        self.policy = policy
        self.detail = detail


class UnusableInput(InputProblem, InputError):
    """A credit input that is missing, invalid, or given to a policy that has no use for it."""


class UnusableChoice(InputProblem, PolicyError):
    """A tier or region given for a policy that defines none."""
