"""Sufficient statistics: the sums a mart holds per variant, which every test in ``marts.stats`` starts from.

They are small frozen dataclasses that add together (``a + b`` pools two days or two shards), so marts store sums,
never raw rows. Build them from arrays with the ``from_values`` constructors, or straight from SQL sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _finite_sums(*sums: float) -> None:
    if not all(math.isfinite(value) for value in sums):
        raise ValueError("values: too large to sum (a sum or sum of squares overflows)")


def _as_array(values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"values: must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("values: must be finite numbers (no NaN or inf)")
    return array


@dataclass(frozen=True)
class SampleStats:
    """One metric in one variant: unit count, sum and sum of squares of the per-unit values."""

    n: int
    sum: float
    sum_sq: float

    @classmethod
    def from_values(cls, values) -> SampleStats:
        """Statistics of a 1-D array of per-unit values (0/1 for a binary metric)."""
        array = _as_array(values)
        with np.errstate(over="ignore"):
            total, squares = float(array.sum()), float(np.dot(array, array))
        _finite_sums(total, squares)
        return cls(n=int(array.size), sum=total, sum_sq=squares)

    @classmethod
    def from_proportion(cls, n: int, successes: int) -> SampleStats:
        """Statistics of a binary metric: ``successes`` units with 1 out of ``n``."""
        if n < 0 or successes < 0 or successes > n:
            raise ValueError(f"successes: must be between 0 and n={n}, got {successes}")
        return cls(n=int(n), sum=float(successes), sum_sq=float(successes))

    def __add__(self, other: SampleStats) -> SampleStats:
        return SampleStats(self.n + other.n, self.sum + other.sum, self.sum_sq + other.sum_sq)

    @property
    def mean(self) -> float:
        """The mean, 0.0 when there are no units."""
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The unbiased sample variance (ddof=1), 0.0 below two units; never negative."""
        if self.n < 2:
            return 0.0
        return max((self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1), 0.0)

    @property
    def std(self) -> float:
        """The sample standard deviation (ddof=1)."""
        return math.sqrt(self.variance)


@dataclass(frozen=True)
class RatioStats:
    """A ratio metric (sum of numerators over sum of denominators) in one variant, randomised by unit.

    Example: AOV = revenue / orders, where each unit (user) contributes a numerator x and a denominator y.
    """

    n: int
    sum_x: float
    sum_y: float
    sum_x2: float
    sum_y2: float
    sum_xy: float

    @classmethod
    def from_values(cls, numerators, denominators) -> RatioStats:
        """Statistics from per-unit numerators and denominators of equal length."""
        x, y = _as_array(numerators), _as_array(denominators)
        if x.size != y.size:
            raise ValueError(f"denominators: must have the same length as numerators ({x.size}), got {y.size}")
        with np.errstate(over="ignore"):
            sums = (float(x.sum()), float(y.sum()), float(x @ x), float(y @ y), float(x @ y))
        _finite_sums(*sums)
        return cls(int(x.size), *sums)

    def __add__(self, other: RatioStats) -> RatioStats:
        return RatioStats(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_y + other.sum_y,
            self.sum_x2 + other.sum_x2,
            self.sum_y2 + other.sum_y2,
            self.sum_xy + other.sum_xy,
        )

    @property
    def numerator(self) -> SampleStats:
        return SampleStats(self.n, self.sum_x, self.sum_x2)

    @property
    def denominator(self) -> SampleStats:
        return SampleStats(self.n, self.sum_y, self.sum_y2)

    @property
    def ratio(self) -> float:
        """sum_x / sum_y, 0.0 when the denominator sums to zero."""
        return self.sum_x / self.sum_y if self.sum_y else 0.0

    @property
    def covariance(self) -> float:
        """The unbiased sample covariance of numerator and denominator (ddof=1)."""
        if self.n < 2:
            return 0.0
        return (self.sum_xy - self.sum_x * self.sum_y / self.n) / (self.n - 1)


@dataclass(frozen=True)
class CovariateStats:
    """A metric with a pre-period covariate in one variant (for CUPED): the metric's and covariate's sums and
    their cross product."""

    n: int
    sum_y: float
    sum_y2: float
    sum_c: float
    sum_c2: float
    sum_yc: float

    @classmethod
    def from_values(cls, metric, covariate) -> CovariateStats:
        """Statistics from per-unit metric values and pre-period covariate values of equal length."""
        y, c = _as_array(metric), _as_array(covariate)
        if y.size != c.size:
            raise ValueError(f"covariate: must have the same length as the metric ({y.size}), got {c.size}")
        with np.errstate(over="ignore"):
            sums = (float(y.sum()), float(y @ y), float(c.sum()), float(c @ c), float(y @ c))
        _finite_sums(*sums)
        return cls(int(y.size), *sums)

    def __add__(self, other: CovariateStats) -> CovariateStats:
        return CovariateStats(
            self.n + other.n,
            self.sum_y + other.sum_y,
            self.sum_y2 + other.sum_y2,
            self.sum_c + other.sum_c,
            self.sum_c2 + other.sum_c2,
            self.sum_yc + other.sum_yc,
        )

    @property
    def metric(self) -> SampleStats:
        return SampleStats(self.n, self.sum_y, self.sum_y2)

    @property
    def covariate(self) -> SampleStats:
        return SampleStats(self.n, self.sum_c, self.sum_c2)

    @property
    def covariance(self) -> float:
        """The unbiased sample covariance of metric and covariate (ddof=1)."""
        if self.n < 2:
            return 0.0
        return (self.sum_yc - self.sum_y * self.sum_c / self.n) / (self.n - 1)
