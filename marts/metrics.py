"""The metric catalog: what an experiment can measure, computed per user from the ``experiment_users`` mart."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

MetricKind = Literal["binary", "continuous", "ratio"]


@dataclass(frozen=True)
class Metric:
    """One metric over exposed users.

    Attributes:
        key: the name specs and results use.
        label: the name people read.
        kind: binary (share of users with the event), continuous (mean per user) or ratio (sum over sum).
        numerator: the ``experiment_users`` column summed or tested for > 0.
        denominator: for a ratio metric, the column it is divided by (analysed with the delta method).
        higher_is_better: the good direction, used by guardrails and the ship rule.
        description: what it means, in one sentence.
    """

    key: str
    label: str
    kind: MetricKind
    numerator: str
    denominator: str | None = None
    higher_is_better: bool = True
    description: str = ""


CATALOG: tuple[Metric, ...] = (
    Metric(
        "conversion",
        "Conversion",
        "binary",
        "purchases",
        description="Share of exposed visitors who placed at least one order.",
    ),
    Metric(
        "revenue_per_visitor",
        "Revenue per visitor",
        "continuous",
        "revenue",
        description="Revenue per exposed visitor, buyers and non-buyers alike.",
    ),
    Metric(
        "aov",
        "Average order value",
        "ratio",
        "revenue",
        "purchases",
        description="Revenue per order (user-randomised, order-analysed: delta method).",
    ),
    Metric(
        "banner_ctr",
        "Banner click-through",
        "binary",
        "banner_clicks",
        description="Share of exposed visitors who clicked the hero banner.",
    ),
    Metric(
        "add_to_cart_rate",
        "Add-to-cart rate",
        "binary",
        "add_to_carts",
        description="Share of exposed visitors who added something to the cart.",
    ),
    Metric(
        "checkout_rate",
        "Checkout start rate",
        "binary",
        "checkouts",
        description="Share of exposed visitors who started checkout.",
    ),
    Metric(
        "orders_per_visitor",
        "Orders per visitor",
        "continuous",
        "purchases",
        description="Orders placed per exposed visitor.",
    ),
    Metric(
        "items_viewed",
        "Items viewed",
        "continuous",
        "item_views",
        description="Menu items viewed per exposed visitor (engagement).",
    ),
)

METRICS: Mapping[str, Metric] = {metric.key: metric for metric in CATALOG}
