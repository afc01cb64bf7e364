"""Baselines for planning an experiment: each metric's recent level and spread, and the shop's daily traffic.

The unit is a **visitor-day** (one user on one day with a session), the unit ``daily_metrics`` counts as a visitor,
so a sample size divides by daily visitors into days. Over the last ``window_days`` days of ``daily_metrics``:

* daily visitors and conversion (buyers / visitors) come from the ``daily_metrics`` mart;
* add-to-cart and checkout-start rates come from ``sessions`` (a visitor-day counts once if any session did it);
* revenue and orders per visitor, and average order value, come from each visitor-day's non-cancelled orders,
  as sufficient statistics (sums and sums of squares), so continuous metrics carry their variance.

Metrics the warehouse has no history for (banner clicks, how many items were viewed) come back unavailable with a
``missing`` code saying why; the planner asks the learner for an assumed baseline instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from marts.metrics import METRICS, MetricKind
from marts.stats.sufficient import RatioStats, SampleStats
from marts.storage import Store

DEFAULT_WINDOW_DAYS = 28

# Why a metric has no baseline.
NO_TRAFFIC = "no_traffic"  # the marts are empty
NO_BANNER_CLICKS = "no_banner_clicks"  # the warehouse does not record banner clicks
NO_ITEM_COUNTS = "no_item_counts"  # sessions record whether an item was viewed, not how many
NO_HISTORY = "no_history"  # any other metric the warehouse cannot measure

_MISSING = {"banner_ctr": NO_BANNER_CLICKS, "items_viewed": NO_ITEM_COUNTS}

WINDOW = """
SELECT COUNT(*) AS days, COALESCE(SUM(visitors), 0) AS visitors, COALESCE(SUM(buyers), 0) AS buyers,
       MIN(day) AS first_day
FROM daily_metrics
WHERE day >= :first_day AND day <= :last_day
"""

# One row per visitor-day in the window, joined to that day's orders; every column is a sum over visitor-days.
VISITOR_DAYS = """
WITH visits AS (
    SELECT user_id, CAST(started_at AS DATE) AS day,
           MAX(CASE WHEN added_to_cart THEN 1 ELSE 0 END) AS carted,
           MAX(CASE WHEN started_checkout THEN 1 ELSE 0 END) AS checked_out
    FROM sessions
    WHERE started_at >= :start_at AND started_at < :end_at
    GROUP BY user_id, CAST(started_at AS DATE)
),
sales AS (
    SELECT user_id, CAST(ordered_at AS DATE) AS day, COUNT(*) AS orders, SUM(total) AS revenue
    FROM orders
    WHERE status <> 'cancelled' AND ordered_at >= :start_at AND ordered_at < :end_at
    GROUP BY user_id, CAST(ordered_at AS DATE)
)
SELECT COUNT(*) AS n,
       COALESCE(SUM(v.carted), 0) AS carted,
       COALESCE(SUM(v.checked_out), 0) AS checked_out,
       COALESCE(SUM(COALESCE(s.orders, 0)), 0) AS orders,
       COALESCE(SUM(COALESCE(s.orders, 0) * COALESCE(s.orders, 0)), 0) AS orders_sq,
       COALESCE(SUM(COALESCE(s.revenue, 0)), 0) AS revenue,
       COALESCE(SUM(COALESCE(s.revenue, 0) * COALESCE(s.revenue, 0)), 0) AS revenue_sq,
       COALESCE(SUM(COALESCE(s.revenue, 0) * COALESCE(s.orders, 0)), 0) AS revenue_orders
FROM visits AS v
LEFT JOIN sales AS s ON s.user_id = v.user_id AND s.day = v.day
"""


@dataclass(frozen=True)
class Baseline:
    """One metric's history per visitor-day.

    Attributes:
        metric: the metric key (``marts.metrics``).
        kind: binary, continuous or ratio.
        stats: the sufficient statistics (a proportion's as ``SampleStats``), or None when unavailable.
        source: the table it comes from (``daily_metrics``, ``sessions`` or ``orders``), "" when unavailable.
        missing: why it is unavailable ("" when available).
    """

    metric: str
    kind: MetricKind
    stats: SampleStats | RatioStats | None
    source: str = ""
    missing: str = ""

    @property
    def available(self) -> bool:
        """Whether the warehouse gave this metric a baseline."""
        return self.stats is not None and self.stats.n > 0

    @property
    def n(self) -> int:
        """Visitor-days behind the baseline."""
        return self.stats.n if self.stats is not None else 0

    @property
    def mean(self) -> float | None:
        """The rate, mean or ratio; None when unavailable."""
        if not self.available:
            return None
        return self.stats.ratio if isinstance(self.stats, RatioStats) else self.stats.mean


@dataclass(frozen=True)
class Baselines:
    """Every metric's baseline over a window of recent days, with the shop's daily traffic."""

    window_days: int
    first_day: date | None
    last_day: date | None
    days: int
    daily_visitors: float
    metrics: Mapping[str, Baseline]

    @property
    def is_empty(self) -> bool:
        """True before the warehouse and its marts exist."""
        return self.days == 0


def metric_baselines(store: Store, window_days: int = DEFAULT_WINDOW_DAYS) -> Baselines:
    """Read every catalog metric's baseline and the daily visitors over the last ``window_days`` days.

    Raises:
        ValueError: when window_days is not an integer of at least 1.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ValueError(f"window_days: must be an integer of at least 1, got {window_days!r}")
    last = store.scalar("SELECT MAX(day) FROM daily_metrics")
    if last is None:
        return _empty(window_days)
    last_day = _as_date(last)
    first_day = last_day - timedelta(days=window_days - 1)
    window = store.query(WINDOW, {"first_day": first_day, "last_day": last_day})[0]
    days = int(window["days"])
    visitors = int(window["visitors"])
    if days == 0 or visitors == 0:
        return _empty(window_days)
    sums = store.query(
        VISITOR_DAYS,
        {"start_at": datetime.combine(first_day, time()), "end_at": datetime.combine(last_day + timedelta(1), time())},
    )[0]
    found = {
        "conversion": _proportion(visitors, int(window["buyers"]), "daily_metrics"),
        "add_to_cart_rate": _proportion(int(sums["n"]), int(sums["carted"]), "sessions"),
        "checkout_rate": _proportion(int(sums["n"]), int(sums["checked_out"]), "sessions"),
        "revenue_per_visitor": (
            SampleStats(int(sums["n"]), float(sums["revenue"]), float(sums["revenue_sq"])),
            "orders",
        ),
        "orders_per_visitor": (SampleStats(int(sums["n"]), float(sums["orders"]), float(sums["orders_sq"])), "orders"),
        "aov": (
            RatioStats(
                int(sums["n"]),
                float(sums["revenue"]),
                float(sums["orders"]),
                float(sums["revenue_sq"]),
                float(sums["orders_sq"]),
                float(sums["revenue_orders"]),
            ),
            "orders",
        ),
    }
    metrics = {}
    for key, metric in METRICS.items():
        if key in found:
            stats, source = found[key]
            metrics[key] = Baseline(key, metric.kind, stats, source)
        else:
            metrics[key] = Baseline(key, metric.kind, None, missing=_MISSING.get(key, NO_HISTORY))
    return Baselines(
        window_days=window_days,
        first_day=_as_date(window["first_day"]),
        last_day=last_day,
        days=days,
        daily_visitors=visitors / days,
        metrics=metrics,
    )


def _proportion(n: int, successes: int, source: str) -> tuple[SampleStats, str]:
    return SampleStats.from_proportion(n, min(successes, n)), source


def _empty(window_days: int) -> Baselines:
    metrics = {key: Baseline(key, metric.kind, None, missing=NO_TRAFFIC) for key, metric in METRICS.items()}
    return Baselines(window_days, None, None, 0, 0.0, metrics)


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
