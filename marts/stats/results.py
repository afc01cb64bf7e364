"""What every result in ``marts.stats`` shares: typed error codes for degenerate data and a finite-number guard.

Degenerate data (no units, zero variance, a zero baseline, ...) never raises and never yields NaN or inf: a result
carries an ``ErrorCode`` and a plain-words ``message``, and its numbers are ``None``.
"""

import math
from enum import StrEnum


class ErrorCode(StrEnum):
    """Why a result holds no estimate."""

    NO_DATA = "no_data"  # a variant has no units
    TOO_FEW_UNITS = "too_few_units"  # fewer than two units in a variant: no variance
    ZERO_VARIANCE = "zero_variance"  # every unit has the same value in every variant (all 0 or all 1 conversions)
    ZERO_BASELINE = "zero_baseline"  # the control mean is zero: no relative lift
    ZERO_DENOMINATOR = "zero_denominator"  # a ratio metric's denominator sums to zero
    SINGLE_VARIANT = "single_variant"  # nothing to compare against
    INVALID_INPUT = "invalid_input"  # an argument breaks a rule (the message names it)


def finite_or_none(value: float | None) -> float | None:
    """``value`` as a float when finite, else None (so NaN and inf never reach the output)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def finite_pair(values: tuple[float | None, float | None]) -> list[float | None]:
    """An interval's two ends as a JSON list, each finite or None."""
    return [finite_or_none(values[0]), finite_or_none(values[1])]
