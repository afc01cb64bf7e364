"""Read model for the Lab's first screen: the window's KPIs under the catalog's definitions, and daily trends.

The tiles come from ``marts.window_metrics`` (the same sums the funnel, the idea cards and the power baseline read),
each with its unit from the catalog; the daily series comes from the ``daily_metrics`` mart.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from marts.metrics import ALL_METRICS
from marts.storage import Store
from marts.vocabulary import Name, metric_unit
from marts.window_metrics import WindowSums, last_window, measure

DAILY_COLUMNS = (
    "day",
    "visitors",
    "sessions",
    "orders",
    "buyers",
    "revenue",
    "conversion",
    "aov",
    "revenue_per_visitor",
)
KPIS = (
    ("visitors", "count"),
    ("orders", "count"),
    ("revenue", "money"),
    ("conversion", "percent"),
    ("aov", "money"),
    ("revenue_per_visitor", "money"),
)
"""The tiles, in order: a catalog key (``marts.metrics.ALL_METRICS``) and how its value is shown."""


@dataclass(frozen=True)
class Kpi:
    """One headline number for the latest window, with the window before it for comparison.

    Attributes:
        key: the catalog metric; label: its English name.
        value, previous: this window's and the one before.
        display: "count", "money" or "percent".
        unit: what one observation is, with the window's length, in English and Korean.
    """

    key: str
    label: str
    value: float
    previous: float
    display: str
    unit: Name

    @property
    def change(self) -> float | None:
        """Relative change against the previous window; None when there is nothing to compare."""
        if self.previous == 0:
            return None
        return self.value / self.previous - 1


@dataclass(frozen=True)
class WarehouseOverview:
    """KPIs for the last ``window_days`` days of history and the daily series behind them."""

    window_days: int
    first_day: date | None
    last_day: date | None
    kpis: tuple[Kpi, ...]
    daily: pd.DataFrame
    users: int

    @property
    def is_empty(self) -> bool:
        """True before the warehouse and its marts exist."""
        return self.daily.empty or not self.kpis


def warehouse_overview(store: Store, window_days: int = 28) -> WarehouseOverview:
    """The last ``window_days`` days of sessions against the window before, and the daily series.

    Raises:
        ValueError: when window_days is not an integer of at least 1.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ValueError(f"window_days: must be at least 1, got {window_days!r}")
    daily = store.frame(f"SELECT {', '.join(DAILY_COLUMNS)} FROM daily_metrics ORDER BY day")
    users = store.row_count("users")
    window = last_window(store, window_days)
    if daily.empty or window is None:
        return WarehouseOverview(window_days, None, None, (), daily, users)
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    current = measure(store, window).total
    previous = measure(store, window.before()).total
    kpis = tuple(
        Kpi(
            key,
            ALL_METRICS[key].label,
            kpi_value(current, key),
            kpi_value(previous, key),
            display,
            metric_unit(key, window_days),
        )
        for key, display in KPIS
    )
    return WarehouseOverview(window_days, daily["day"].min(), window.last_day, kpis, daily, users)


def kpi_value(sums: WindowSums, key: str) -> float:
    """A tile's value from a window's sums: totals as counted, ratios from totals (never averaged by day)."""
    values = {
        "visitors": sums.visitors,
        "orders": sums.orders,
        "revenue": sums.revenue,
        "conversion": sums.conversion,
        "aov": sums.aov,
        "revenue_per_visitor": sums.revenue_per_visitor,
        "session_conversion": sums.session_conversion,
    }
    if key not in values:
        raise ValueError(f"key: unknown KPI {key!r}")
    return float(values[key])
