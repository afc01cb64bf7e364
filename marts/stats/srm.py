"""Sample ratio mismatch: do the observed unit counts fit the planned split?

A chi-square goodness-of-fit test of the counts per variant against the planned weights. A tiny p-value means the
assignment or the logging is broken, so the experiment's other results cannot be trusted.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from marts.stats.results import ErrorCode, finite_or_none
from marts.vocabulary import p_phrase

SrmStatus = Literal["ok", "caution", "warning", "unavailable"]


@dataclass(frozen=True)
class SrmConfig:
    """Thresholds on the SRM p-value.

    Attributes:
        warning_below: below this the split is broken (blocks shipping).
        caution_below: from ``warning_below`` up to this, worth a look but not blocking.
    """

    warning_below: float = 0.001
    caution_below: float = 0.01

    def __post_init__(self) -> None:
        if not 0.0 < self.warning_below <= self.caution_below < 1.0:
            raise ValueError(
                "warning_below, caution_below: need 0 < warning_below <= caution_below < 1, "
                f"got {self.warning_below!r}, {self.caution_below!r}"
            )


@dataclass(frozen=True)
class SrmResult:
    """The SRM check.

    Attributes:
        status: "ok", "caution", "warning", or "unavailable" when the data cannot be checked (see ``error``).
        variants: variant names in the order of ``observed`` and ``expected_share``.
        observed: units per variant.
        expected_share: the planned share per variant (weights normalised to sum to 1).
        p_value, statistic: the chi-square test (df = number of variants - 1).
        error, message: what was found, or why it could not be checked, in plain words.
    """

    status: SrmStatus
    variants: tuple[str, ...]
    observed: tuple[int, ...]
    expected_share: tuple[float, ...]
    p_value: float | None = None
    statistic: float | None = None
    error: ErrorCode | None = None
    message: str = ""

    @property
    def observed_share(self) -> tuple[float, ...]:
        """The observed share per variant (zeros when there are no units)."""
        total = sum(self.observed)
        return tuple(count / total if total else 0.0 for count in self.observed)


def check_srm(
    observed: Mapping[str, int],
    weights: Mapping[str, float] | None = None,
    config: SrmConfig | None = None,
) -> SrmResult:
    """Test the observed units per variant against the planned weights (an equal split when None).

    A variant with planned weight but no entry in ``observed`` counts as 0 units.
    """
    config = config or SrmConfig()
    weights = dict(weights) if weights is not None else dict.fromkeys(observed, 1.0)
    variants = tuple(weights) + tuple(name for name in observed if name not in weights)
    counts = tuple(observed.get(name, 0) for name in variants)
    raw_weights = tuple(weights.get(name, 0.0) for name in variants)

    problem = _problem(variants, counts, raw_weights)
    total_weight = math.fsum(raw_weights) if all(_is_weight(weight) for weight in raw_weights) else 0.0
    shares = tuple(weight / total_weight if total_weight > 0 else 0.0 for weight in raw_weights)
    base = {"variants": variants, "observed": tuple(int(c) if _is_count(c) else 0 for c in counts)}
    if problem is not None:
        error, message = problem
        return SrmResult("unavailable", **base, expected_share=shares, error=error, message=message)

    observed_array = np.asarray(counts, dtype=float)
    expected = np.asarray(shares) * observed_array.sum()
    statistic, p_value = stats.chisquare(observed_array, expected)
    p_value = finite_or_none(p_value)
    p_value = 0.0 if p_value is None else p_value  # the statistic overflowed: as strong a mismatch as there is
    status: SrmStatus = (
        "warning" if p_value < config.warning_below else "caution" if p_value < config.caution_below else "ok"
    )
    return SrmResult(
        status,
        **base,
        expected_share=shares,
        p_value=p_value,
        statistic=finite_or_none(statistic),
        message=_describe(status, variants, counts, shares, float(statistic), p_value),
    )


def _is_count(value: object) -> bool:
    return isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()


def _is_weight(value: object) -> bool:
    return isinstance(value, numbers.Real) and math.isfinite(value) and value > 0


def _problem(
    variants: tuple[str, ...], counts: tuple[int, ...], weights: tuple[float, ...]
) -> tuple[ErrorCode, str] | None:
    """Why the counts cannot be checked, or None."""
    if any(not _is_count(count) or count < 0 for count in counts):
        return ErrorCode.INVALID_INPUT, "observed: every count must be a whole number >= 0"
    if not all(_is_weight(weight) for weight in weights):
        unplanned = [name for name, weight in zip(variants, weights, strict=True) if not _is_weight(weight)]
        return ErrorCode.INVALID_INPUT, f"weights: every variant needs a planned weight > 0 (check {unplanned})"
    if len(variants) < 2:
        return ErrorCode.SINGLE_VARIANT, "only one variant: there is no split to check"
    if sum(counts) == 0:
        return ErrorCode.NO_DATA, "no units in any variant yet"
    return None


def _describe(
    status: SrmStatus,
    variants: tuple[str, ...],
    counts: tuple[int, ...],
    shares: tuple[float, ...],
    statistic: float,
    p_value: float,
) -> str:
    split = " / ".join(f"{int(count):,}" for count in counts)
    planned = " / ".join(f"{share:.1%}" for share in shares)
    found = f"Observed {split} units ({', '.join(variants)}) against a planned {planned} split"
    test = f"chi-square {statistic:.2f}, {p_phrase(p_value)}" if math.isfinite(statistic) else "chi-square huge"
    verdict = {
        "ok": "consistent with the plan.",
        "caution": "a possible mismatch: check assignment and logging, but it does not block the analysis.",
        "warning": "a sample ratio mismatch: assignment or logging is broken, so the results cannot be trusted.",
    }[status]
    return f"{found}: {test}, {verdict}"
