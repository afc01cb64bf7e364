"""When people order food: the weekly and daily rhythm of NovaEats traffic, and sampling times from it.

Time inside the generator is float hours from the window start (midnight of its first day). The rhythm gives
every hour of the window a relative weight, averaging 1 over a week: weekends are busier, and each day has a
lunch peak (12:00) and a larger dinner peak (19:00). Clock hours are the shop's local time, stored as is.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# fmt: off
DAY_FACTORS = np.array([0.88, 0.86, 0.90, 0.96, 1.14, 1.22, 1.18])  # Monday .. Sunday
WEEKDAY_HOURS = np.array([
    0.30, 0.15, 0.08, 0.05, 0.05, 0.08, 0.20, 0.40, 0.55, 0.60, 0.80, 1.70,  # 00:00 .. 11:00
    2.60, 1.80, 0.90, 0.70, 0.90, 1.60, 2.60, 3.00, 2.20, 1.40, 0.90, 0.55,  # 12:00 .. 23:00
])
WEEKEND_HOURS = np.array([
    0.55, 0.35, 0.20, 0.10, 0.06, 0.06, 0.12, 0.25, 0.45, 0.75, 1.20, 1.90,
    2.40, 2.20, 1.30, 0.90, 1.00, 1.60, 2.50, 2.90, 2.30, 1.60, 1.10, 0.80,
])
# fmt: on


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.mean()


@dataclass(frozen=True)
class Rhythm:
    """Relative traffic for each hour of a window of whole days."""

    hours: int
    """Length of the window in hours."""
    cumulative: np.ndarray
    """Cumulative weight at each hour boundary (``hours + 1`` values, strictly increasing, starting at 0)."""

    @classmethod
    def for_window(cls, start: date, days: int) -> "Rhythm":
        """The rhythm of ``days`` days starting at midnight of ``start``."""
        weekdays = (start.weekday() + np.arange(days)) % 7
        profiles = np.where((weekdays >= 5)[:, None], _normalised(WEEKEND_HOURS), _normalised(WEEKDAY_HOURS))
        weights = (_normalised(DAY_FACTORS)[weekdays][:, None] * profiles).ravel()
        return cls(hours=days * 24, cumulative=np.concatenate([[0.0], np.cumsum(weights)]))

    def mass(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Weighted hours between ``lo`` and ``hi`` (0 where ``hi <= lo``)."""
        grid = np.arange(self.hours + 1)
        return np.maximum(np.interp(hi, grid, self.cumulative) - np.interp(lo, grid, self.cumulative), 0.0)

    def at_fraction(
        self, fraction: np.ndarray, lo: np.ndarray | float = 0.0, hi: np.ndarray | float | None = None
    ) -> np.ndarray:
        """Times that split the weight between ``lo`` and ``hi`` at ``fraction`` (inverse-CDF sampling)."""
        grid = np.arange(self.hours + 1)
        hi = self.hours if hi is None else hi
        w_lo = np.interp(lo, grid, self.cumulative)
        w_hi = np.interp(hi, grid, self.cumulative)
        return np.interp(w_lo + fraction * (w_hi - w_lo), self.cumulative, grid)


def time_of_day(fraction: np.ndarray) -> np.ndarray:
    """Hours after midnight that follow the weekday profile, for uniform ``fraction`` in [0, 1)."""
    cumulative = np.concatenate([[0.0], np.cumsum(WEEKDAY_HOURS)])
    return np.interp(fraction * cumulative[-1], cumulative, np.arange(25))


def window_start(end: date, days: int) -> date:
    """The first day of the ``days`` days that end the day before ``end``."""
    return end - timedelta(days=days)
