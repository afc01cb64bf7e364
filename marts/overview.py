"""Read model for the Lab's first screen: warehouse KPIs and daily trends from the marts."""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from marts.storage import Store

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


@dataclass(frozen=True)
class Kpi:
    """One headline number for the latest window, with the window before it for comparison."""

    key: str
    label: str
    value: float
    previous: float
    unit: str  # "count" | "money" | "percent"

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
        return self.daily.empty


def warehouse_overview(store: Store, window_days: int = 28) -> WarehouseOverview:
    """Summarise ``daily_metrics``: totals and ratios for the last window against the one before."""
    if window_days < 1:
        raise ValueError("window_days: must be at least 1")
    daily = store.frame(f"SELECT {', '.join(DAILY_COLUMNS)} FROM daily_metrics ORDER BY day")
    users = store.row_count("users")
    if daily.empty:
        return WarehouseOverview(window_days, None, None, (), daily, users)
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    last_day = daily["day"].max()
    current = _window(daily, last_day, window_days, 0)
    previous = _window(daily, last_day, window_days, 1)
    kpis = tuple(
        Kpi(key, label, _measure(current, key), _measure(previous, key), unit)
        for key, label, unit in (
            ("visitors", "Daily visitors", "count"),
            ("orders", "Orders", "count"),
            ("revenue", "Revenue", "money"),
            ("conversion", "Conversion", "percent"),
            ("aov", "Average order value", "money"),
            ("revenue_per_visitor", "Revenue per visitor", "money"),
        )
    )
    return WarehouseOverview(window_days, daily["day"].min(), last_day, kpis, daily, users)


def _window(daily: pd.DataFrame, last_day: date, days: int, back: int) -> pd.DataFrame:
    end = last_day - timedelta(days=days * back)
    start = end - timedelta(days=days - 1)
    return daily[(daily["day"] >= start) & (daily["day"] <= end)]


def _measure(window: pd.DataFrame, key: str) -> float:
    """Window totals for counts and money; ratios recomputed from totals, never averaged."""
    if window.empty:
        return 0.0
    visitors = float(window["visitors"].sum())
    orders = float(window["orders"].sum())
    revenue = float(window["revenue"].sum())
    if key == "visitors":
        return visitors / len(window)
    if key == "orders":
        return orders
    if key == "revenue":
        return revenue
    if key == "conversion":
        return float(window["buyers"].sum()) / visitors if visitors else 0.0
    if key == "aov":
        return revenue / orders if orders else 0.0
    if key == "revenue_per_visitor":
        return revenue / visitors if visitors else 0.0
    raise ValueError(f"key: unknown KPI {key!r}")
