"""The metric catalog: every number the Lab names, with one definition and the unit it is measured in.

``CATALOG`` holds what an experiment can measure, computed per user from the ``experiment_users`` mart.
``SHOP_METRICS`` holds what only the warehouse reads (the Overview's totals, the funnel's per-session conversion).
``marts.window_metrics`` computes both from ``sessions`` and ``orders`` under the same definitions, so the
Overview, the idea cards, the funnel and the power baseline measure conversion the way an experiment does.

The units:

* **visitor**: per visitor over the window. A visitor of a window is a user with at least one session that
  started in it; an experiment's window is the run, and its visitors are the exposed users.
* **order**: per order placed in the window.
* **session**: per session (the funnel). No experiment metric: experiments randomise visitors, not sessions.
* **window**: a total over the window.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

MetricKind = Literal["binary", "continuous", "ratio", "count"]
MetricUnit = Literal["visitor", "order", "session", "window"]

UNITS: Mapping[MetricUnit, str] = {
    "visitor": "per visitor over the window",
    "order": "per order",
    "session": "per session",
    "window": "total over the window",
}
"""Each unit in words (``marts.vocabulary.metric_unit`` gives them in Korean, with the window's length)."""

ORDER_RULE = (
    "An order counts when it is placed, cancelled later or not: an experiment's purchase event is the placement and "
    "never sees a cancellation. It belongs to the session it was placed in, so to that session's day and window."
)
"""The one rule for counting orders: the Overview, the funnel, the marts, the baselines and experiments follow it."""


@dataclass(frozen=True)
class Metric:
    """One metric, with its unit.

    Attributes:
        key: the name specs and results use.
        label: the name people read.
        kind: binary (share of units with the event), continuous (mean per unit), ratio (sum over sum) or count
            (a total over the window).
        numerator: the ``experiment_users`` column summed or tested for > 0 (for a warehouse-only metric, the
            ``marts.window_metrics`` total it reads).
        denominator: for a ratio metric, the column it is divided by (analysed with the delta method).
        higher_is_better: the good direction, used by guardrails and the ship rule.
        description: what it means, in one sentence.
        unit: what one observation is (see the module docstring).
    """

    key: str
    label: str
    kind: MetricKind
    numerator: str
    denominator: str | None = None
    higher_is_better: bool = True
    description: str = ""
    unit: MetricUnit = "visitor"

    @property
    def per(self) -> str:
        """The unit in words: "per visitor over the window", "per order", "per session" or a total."""
        return UNITS[self.unit]


CATALOG: tuple[Metric, ...] = (
    Metric("conversion", "Conversion", "binary", "purchases",
           description="Share of visitors who placed at least one order over the window (for an experiment: "
                       "exposed visitors, over the run)."),
    Metric("revenue_per_visitor", "Revenue per visitor", "continuous", "revenue",
           description="Revenue per visitor over the window, buyers and non-buyers alike."),
    Metric("aov", "Average order value", "ratio", "revenue", "purchases", unit="order",
           description="Revenue per order (user-randomised, order-analysed: delta method)."),
    Metric("banner_ctr", "Banner click-through", "binary", "banner_clicks",
           description="Share of visitors who clicked the hero banner over the window."),
    Metric("add_to_cart_rate", "Add-to-cart rate", "binary", "add_to_carts",
           description="Share of visitors who added something to the cart over the window."),
    Metric("checkout_rate", "Checkout start rate", "binary", "checkouts",
           description="Share of visitors who started checkout over the window."),
    Metric("orders_per_visitor", "Orders per visitor", "continuous", "purchases",
           description="Orders placed per visitor over the window."),
    Metric("items_viewed", "Items viewed", "continuous", "item_views",
           description="Menu items viewed per visitor over the window (engagement)."),
)  # fmt: skip
"""What an experiment can measure (its unit is the exposed visitor, or the order)."""

SHOP_METRICS: tuple[Metric, ...] = (
    Metric("visitors", "Visitors", "count", "visitors", unit="window",
           description="Distinct users with at least one session in the window."),
    Metric("orders", "Orders", "count", "orders", unit="window",
           description="Orders placed in the window's sessions, cancelled ones included."),
    Metric("revenue", "Revenue", "count", "revenue", unit="window",
           description="The total of the orders placed in the window's sessions, cancelled ones included."),
    Metric("session_conversion", "Session conversion", "binary", "ordering_sessions", unit="session",
           description="Share of sessions that placed an order (the funnel's last step); not an experiment "
                       "metric, since experiments randomise visitors."),
)  # fmt: skip
"""What only the warehouse reads: the Overview's totals and the funnel's per-session conversion."""

METRICS: Mapping[str, Metric] = {metric.key: metric for metric in CATALOG}
"""The experiment metrics by key (the builder offers these)."""
ALL_METRICS: Mapping[str, Metric] = {metric.key: metric for metric in CATALOG + SHOP_METRICS}
"""Every named number by key, for names and units."""
