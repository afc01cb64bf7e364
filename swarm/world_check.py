"""One world, checked: the warehouse's last days and a run's exposed users, measured the same way.

Both sides give the figures a learner cross-checks, each with its standard error:

- ``conversion``: the share of the window's visitors who placed at least one order in it;
- ``aov``: revenue per order placed; ``revenue_per_visitor``: revenue over the window per visitor;
- the funnel's step rates per visit: ``view_rate`` (a visit opens an item), ``cart_rate`` (adds to the cart, given a
  view), ``checkout_rate`` (starts checkout, given a cart) and ``order_rate`` (orders, given checkout);
- ``personas``: the visitors per persona.

An order counts when it is placed, cancelled or not: the swarm's visitors place orders and nothing cancels them.
A run's side reads its exposed users (``experiment_users``) and its events: a visit is a ``page_view``, and it
viewed an item when an ``item_view`` follows it by the event log's item offset (``swarm.event_log``).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from marts.storage import Store
from swarm.event_log import ITEM_OFFSET

STEPS = ("view_rate", "cart_rate", "checkout_rate", "order_rate")
FIGURES = ("conversion", "aov", "revenue_per_visitor", *STEPS)


@dataclass(frozen=True)
class Figure:
    """A measured figure: its value, standard error and how many units it is measured over."""

    value: float
    error: float
    units: int

    @classmethod
    def share(cls, hits: int, units: int) -> "Figure":
        """A proportion with its binomial standard error."""
        value = hits / units if units else math.nan
        return cls(value, math.sqrt(value * (1 - value) / units) if units else math.nan, units)

    @classmethod
    def mean(cls, values: np.ndarray) -> "Figure":
        """A mean with its standard error."""
        values = np.asarray(values, dtype=float)
        return cls(float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values))), len(values))

    @classmethod
    def ratio(cls, numerator: np.ndarray, denominator: np.ndarray) -> "Figure":
        """Sum over sum across units, with the delta method's standard error."""
        x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
        value = x.sum() / y.sum()
        n = len(x)
        variance = (np.var(x, ddof=1) - 2 * value * np.cov(x, y)[0, 1] + value**2 * np.var(y, ddof=1)) / (
            n * y.mean() ** 2
        )
        return cls(float(value), float(math.sqrt(max(variance, 0.0))), n)

    def interval(self, z: float = 1.959964) -> tuple[float, float]:
        """The two-sided interval (95% by default)."""
        return self.value - z * self.error, self.value + z * self.error


@dataclass(frozen=True)
class WorldFigures:
    """The figures of one side: name -> Figure, and the visitors per persona."""

    figures: dict[str, Figure]
    personas: dict[str, int]


_WAREHOUSE_USERS = """
SELECT s.user_id, MAX(u.persona) AS persona, COUNT(*) AS visits,
       SUM(CASE WHEN s.viewed_item THEN 1 ELSE 0 END) AS viewed,
       SUM(CASE WHEN s.added_to_cart THEN 1 ELSE 0 END) AS carted,
       SUM(CASE WHEN s.started_checkout THEN 1 ELSE 0 END) AS checked_out,
       SUM(CASE WHEN s.ordered THEN 1 ELSE 0 END) AS ordered
FROM sessions AS s JOIN users AS u ON u.user_id = s.user_id
WHERE s.started_at >= :start AND s.started_at < :until
GROUP BY s.user_id
"""
_WAREHOUSE_ORDERS = """
SELECT user_id, COUNT(*) AS orders, SUM(total) AS revenue FROM orders
WHERE ordered_at >= :start AND ordered_at < :until GROUP BY user_id
"""
_LAST_DAY = "SELECT MAX(started_at) FROM sessions"


def warehouse_figures(store: Store, days: int = 28) -> WorldFigures:
    """The warehouse's figures over its last ``days`` whole days."""
    last = store.scalar(_LAST_DAY)
    if last is None:
        raise ValueError("warehouse: no sessions yet (generate the warehouse first)")
    until = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    window = {"start": until - timedelta(days=days), "until": until}
    visitors = store.frame(_WAREHOUSE_USERS, window).set_index("user_id")
    orders = store.frame(_WAREHOUSE_ORDERS, window).set_index("user_id").reindex(visitors.index, fill_value=0)
    order_values = store.frame("SELECT total FROM orders WHERE ordered_at >= :start AND ordered_at < :until", window)
    figures = _funnel(visitors)
    figures["conversion"] = Figure.share(int((orders["orders"] > 0).sum()), len(visitors))
    figures["aov"] = Figure.mean(order_values["total"].to_numpy())
    figures["revenue_per_visitor"] = Figure.mean(orders["revenue"].to_numpy(dtype=float))
    return WorldFigures(figures, visitors["persona"].value_counts().to_dict())


_RUN_USERS = """
SELECT user_id, persona, page_views AS visits, add_to_carts AS carted, checkouts AS checked_out,
       purchases AS ordered, revenue
FROM experiment_users WHERE experiment_key = :key
"""
_RUN_EVENTS = """
SELECT user_id, name, ts FROM events
WHERE experiment_key IS NULL AND name IN ('page_view', 'item_view') AND user_id IN (
    SELECT user_id FROM experiment_users WHERE experiment_key = :key
)
"""


def run_figures(store: Store, experiment_key: str) -> WorldFigures:
    """The figures of an experiment's exposed users, every variant together (an A/A test's whole sample)."""
    users = store.frame(_RUN_USERS, {"key": experiment_key}).set_index("user_id")
    if users.empty:
        raise ValueError(f"experiment_key: {experiment_key!r} has no exposed users (run it and build the marts)")
    events = store.frame(_RUN_EVENTS, {"key": experiment_key})
    events["ts"] = pd.to_datetime(events["ts"])
    views = events[events["name"] == "page_view"]
    items = events[events["name"] == "item_view"]
    opened = pd.MultiIndex.from_frame(items.assign(ts=items["ts"] - ITEM_OFFSET)[["user_id", "ts"]])
    viewed = views[pd.MultiIndex.from_frame(views[["user_id", "ts"]]).isin(opened)]
    users["viewed"] = viewed.groupby("user_id").size().reindex(users.index, fill_value=0)
    figures = _funnel(users)
    figures["conversion"] = Figure.share(int((users["ordered"] > 0).sum()), len(users))
    figures["aov"] = Figure.ratio(users["revenue"].to_numpy(), users["ordered"].to_numpy())
    figures["revenue_per_visitor"] = Figure.mean(users["revenue"].to_numpy(dtype=float))
    return WorldFigures(figures, users["persona"].value_counts().to_dict())


def _funnel(per_user: pd.DataFrame) -> dict[str, Figure]:
    """The per-visit step rates from per-user counts of visits and steps."""
    totals = per_user[["visits", "viewed", "carted", "checked_out", "ordered"]].sum().astype(int)
    hits, bases = ("viewed", "carted", "checked_out", "ordered"), ("visits", "viewed", "carted", "checked_out")
    pairs = zip(STEPS, hits, bases, strict=True)
    return {name: Figure.share(int(totals[hit]), int(totals[base])) for name, hit, base in pairs}


def difference_z(ours: Figure, theirs: Figure) -> float:
    """The difference of two independent figures in standard errors."""
    return (ours.value - theirs.value) / math.sqrt(ours.error**2 + theirs.error**2)
