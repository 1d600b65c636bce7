"""Exact rounding, done once at the end: money to the cent and microseconds to display minutes, half-up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sla_core.engine.periods import MICROS_PER_MINUTE


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Exact half-up rounding of a non-negative fraction (money: once, at the end)."""
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def minutes(micros: int) -> Decimal:
    """Microseconds as minutes, rounded half-up to 4 places (0.006 s) for display."""
    return round_half_up(Fraction(micros, MICROS_PER_MINUTE), 4)


def minutes_text(micros: int) -> str:
    """Minutes without trailing zeros: '216', '4.9833'."""
    text = f"{minutes(micros):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
