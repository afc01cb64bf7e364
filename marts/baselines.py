"""Baselines for planning an experiment: each metric's recent level and spread, and the shop's traffic.

The unit is the catalog's, an experiment's: **a visitor over the window** (a user with a session in the last
``window_days`` days of sessions; 28 by default, the Overview's window). So the conversion baseline is the share
of the window's visitors who ordered at least once in it, the Overview's Conversion tile and what an experiment of
the same length measures. Every number comes from ``marts.window_metrics``:

* conversion, add-to-cart and checkout-start rates: the share of the window's visitors who did it;
* revenue and orders per visitor, and average order value: each visitor's orders in the window
  (``marts.metrics.ORDER_RULE``), as sufficient statistics (sums and sums of squares), so continuous metrics carry
  their variance;
* daily visitors: the window's distinct visitors divided by its days, the rate at which an experiment of that
  length meets new visitors (a shorter experiment meets them faster and sees a lower conversion).

Metrics the warehouse has no history for (banner clicks, how many items were viewed) come back unavailable with a
``missing`` code saying why; the planner asks the learner for an assumed baseline instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from marts.horizon import Horizon
from marts.metrics import METRICS, MetricKind
from marts.stats.sufficient import RatioStats, SampleStats
from marts.storage import Store
from marts.window_metrics import Window, WindowSums, as_date, last_window, measure

DEFAULT_WINDOW_DAYS = 28

# Why a metric has no baseline.
NO_TRAFFIC = "no_traffic"  # the warehouse has no sessions
NO_BANNER_CLICKS = "no_banner_clicks"  # the warehouse does not record banner clicks
NO_ITEM_COUNTS = "no_item_counts"  # sessions record whether an item was viewed, not how many
NO_HISTORY = "no_history"  # any other metric the warehouse cannot measure

_MISSING = {"banner_ctr": NO_BANNER_CLICKS, "items_viewed": NO_ITEM_COUNTS}


@dataclass(frozen=True)
class Baseline:
    """One metric's history per visitor over the window.

    Attributes:
        metric: the metric key (``marts.metrics``).
        kind: binary, continuous or ratio.
        stats: the sufficient statistics (a proportion's as ``SampleStats``), or None when unavailable.
        source: the tables it comes from (``sessions`` or ``orders``), "" when unavailable.
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
        """Visitors behind the baseline."""
        return self.stats.n if self.stats is not None else 0

    @property
    def mean(self) -> float | None:
        """The rate, mean or ratio; None when unavailable."""
        if not self.available:
            return None
        return self.stats.ratio if isinstance(self.stats, RatioStats) else self.stats.mean


@dataclass(frozen=True)
class Baselines:
    """Every metric's baseline over a window of recent days, with the shop's daily traffic.

    Attributes:
        window_days: the window asked for; days: the days of it with history (fewer when the history is shorter).
        daily_visitors: the window's distinct visitors per day of it.
    """

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
    """Read every catalog metric's baseline and the daily visitors over the last ``window_days`` days of sessions.

    Raises:
        ValueError: when window_days is not an integer of at least 1.
    """
    window = last_window(store, window_days)
    if window is None:
        return _empty(window_days)
    window = _with_history(store, window)
    total = measure(store, window).total
    if total.visitors == 0:
        return _empty(window_days)
    metrics = _metrics(total)
    return Baselines(
        window_days=window_days,
        first_day=window.first_day,
        last_day=window.last_day,
        days=window.days,
        daily_visitors=total.visitors / window.days,
        metrics=metrics,
    )


def window_baselines(horizon: Horizon, days: int) -> dict[str, Baseline]:
    """Every catalog metric's baseline over the warehouse's last ``days`` days (at most its history), from the
    horizon's one pass: what ``metric_baselines(store, days)`` reads, without a query per window.

    Raises:
        ValueError: when days is not an integer of at least 1.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days: must be an integer of at least 1, got {days!r}")
    return _metrics(horizon.window(min(days, horizon.days)))


def _metrics(total: WindowSums) -> dict[str, Baseline]:
    metrics = {}
    for key, metric in METRICS.items():
        found = _found(total).get(key)
        if found is not None:
            metrics[key] = Baseline(key, metric.kind, found[0], found[1])
        else:
            metrics[key] = Baseline(key, metric.kind, None, missing=_MISSING.get(key, NO_HISTORY))
    return metrics


def _found(total: WindowSums) -> dict[str, tuple[SampleStats | RatioStats, str]]:
    n = total.visitors
    return {
        "conversion": _proportion(n, total.buyers, "orders"),
        "add_to_cart_rate": _proportion(n, total.carted_visitors, "sessions"),
        "checkout_rate": _proportion(n, total.checkout_visitors, "sessions"),
        "revenue_per_visitor": (SampleStats(n, total.revenue, total.revenue_sq), "orders"),
        "orders_per_visitor": (SampleStats(n, float(total.orders), total.orders_sq), "orders"),
        "aov": (
            RatioStats(n, total.revenue, float(total.orders), total.revenue_sq, total.orders_sq, total.revenue_orders),
            "orders",
        ),
    }


def _with_history(store: Store, window: Window) -> Window:
    """The window cut to the days the history covers (a short history is not averaged over empty days)."""
    first = store.scalar("SELECT MIN(started_at) FROM sessions")
    first_day = as_date(first) if first is not None else window.first_day
    return Window(max(window.first_day, first_day), window.last_day)


def _proportion(n: int, successes: int, source: str) -> tuple[SampleStats, str]:
    return SampleStats.from_proportion(n, min(successes, n)), source


def _empty(window_days: int) -> Baselines:
    metrics = {key: Baseline(key, metric.kind, None, missing=NO_TRAFFIC) for key, metric in METRICS.items()}
    return Baselines(window_days, None, None, 0, 0.0, metrics)
