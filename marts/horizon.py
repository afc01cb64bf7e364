"""How a window's visitors, buyers and per-visitor sums grow with its length: the warehouse's answer to "how long
must I run, and at what baseline?".

A visitor of the last ``D`` days is a user with a session in them; a buyer is one of them with an order placed in
one of those sessions (cancelled or not, as ``marts.window_metrics`` counts). Visitors do not add up day by day (the
same people come back), and conversion over a window grows with its length, so a plan needs both curves: an
experiment of ``D`` days meets ``visitors(D)`` people who convert at ``buyers(D) / visitors(D)``, as the one world
(``swarm.traffic``) makes them. The same holds for every per-visitor metric (add-to-cart, checkout, orders and
revenue per visitor, average order value), so the horizon keeps all their sums, each ``D`` equal to what
``marts.window_metrics.measure`` gives the window of the last ``D`` days. One pass over each user's days gives them
all: a day adds to every window that reaches back to it the users whose newest visit (order, cart) it is, and the
products of a user's ordering days whose older day it is.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

from marts.etl.checks import valid_amount
from marts.storage import Store
from marts.window_metrics import WindowSums

MAX_DAYS = 90

_PER_DAY = f"""
WITH placed AS (
    SELECT o.session_id, COUNT(*) AS orders, SUM(o.total) AS revenue
    FROM orders AS o
    WHERE {valid_amount("o.total")}
    GROUP BY o.session_id
),
newest AS (
    SELECT MAX(CAST(s.started_at AS DATE)) AS visit,
           MAX(CASE WHEN s.added_to_cart THEN CAST(s.started_at AS DATE) END) AS cart,
           MAX(CASE WHEN s.started_checkout THEN CAST(s.started_at AS DATE) END) AS checkout,
           MAX(CASE WHEN p.session_id IS NOT NULL THEN CAST(s.started_at AS DATE) END) AS buy
    FROM sessions AS s
    LEFT JOIN placed AS p ON p.session_id = s.session_id
    WHERE s.started_at >= :start_at
    GROUP BY s.user_id
),
buying AS (
    SELECT s.user_id, CAST(s.started_at AS DATE) AS day, SUM(p.orders) AS orders, SUM(p.revenue) AS revenue
    FROM placed AS p
    JOIN sessions AS s ON s.session_id = p.session_id
    WHERE s.started_at >= :start_at
    GROUP BY s.user_id, CAST(s.started_at AS DATE)
),
parts AS (
    SELECT visit AS day, 1 AS visitors, 0 AS buyers, 0 AS carted_visitors, 0 AS checkout_visitors,
           0 AS orders, 0 AS revenue, 0 AS orders_sq, 0 AS revenue_sq, 0 AS revenue_orders FROM newest
    UNION ALL SELECT buy, 0, 1, 0, 0, 0, 0, 0, 0, 0 FROM newest WHERE buy IS NOT NULL
    UNION ALL SELECT cart, 0, 0, 1, 0, 0, 0, 0, 0, 0 FROM newest WHERE cart IS NOT NULL
    UNION ALL SELECT checkout, 0, 0, 0, 1, 0, 0, 0, 0, 0 FROM newest WHERE checkout IS NOT NULL
    UNION ALL SELECT day, 0, 0, 0, 0, orders, revenue, 0, 0, 0 FROM buying
    UNION ALL
    SELECT LEAST(a.day, b.day), 0, 0, 0, 0, 0, 0, a.orders * b.orders, a.revenue * b.revenue, a.revenue * b.orders
    FROM buying AS a JOIN buying AS b ON a.user_id = b.user_id
)
SELECT day, SUM(visitors) AS visitors, SUM(buyers) AS buyers, SUM(carted_visitors) AS carted_visitors,
       SUM(checkout_visitors) AS checkout_visitors, SUM(orders) AS orders, SUM(revenue) AS revenue,
       SUM(orders_sq) AS orders_sq, SUM(revenue_sq) AS revenue_sq, SUM(revenue_orders) AS revenue_orders
FROM parts
GROUP BY day
"""
"""Per day, what it adds to every window that reaches back to it: the users whose newest visit (cart, checkout,
order) it is, its orders and revenue, and, for the sums of squares over visitors, each pair of a user's ordering
days counted on the older day of the two (a user's total over a window, squared, is the sum over its pairs)."""
_LAST_DAY = "SELECT MAX(started_at) FROM sessions"


_PER_VISITOR = (
    "visitors",
    "buyers",
    "carted_visitors",
    "checkout_visitors",
    "orders",
    "revenue",
    "orders_sq",
    "revenue_sq",
    "revenue_orders",
)
"""The per-visitor sums of ``WindowSums`` a window of the last ``D`` days gets from ``_PER_DAY``."""


@dataclass(frozen=True)
class Horizon:
    """Visitors, buyers and every per-visitor sum of the warehouse's last ``D`` days, for ``D`` = 1 .. ``days``.

    Attributes:
        last_day: the warehouse's last day with traffic.
        visitors: ``visitors[D - 1]``: distinct visitors of the last ``D`` days.
        buyers: ``buyers[D - 1]``: those of them who ordered in those days.
        sums: each per-visitor sum of ``WindowSums`` (``_PER_VISITOR``), ``sums[name][D - 1]`` over the last ``D`` days.
    """

    last_day: date
    visitors: np.ndarray
    buyers: np.ndarray
    sums: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """The longest window measured."""
        return len(self.visitors)

    def conversion(self, days: int) -> float:
        """The share of the last ``days`` days' visitors who ordered in them."""
        return float(self.buyers[days - 1] / self.visitors[days - 1]) if self.visitors[days - 1] else 0.0

    def first_day(self, days: int) -> date:
        """The first day of the last ``days`` days."""
        return self.last_day - timedelta(days=days - 1)

    def window(self, days: int) -> WindowSums:
        """The last ``days`` days' per-visitor sums, as ``marts.window_metrics.measure`` gives them for that window
        (its per-session sums, which a window's visitors do not need, stay 0)."""
        values = {name: self.sums[name][days - 1] for name in _PER_VISITOR}
        return WindowSums(**{name: int(v) if name in _COUNTS else float(v) for name, v in values.items()})


_COUNTS = ("visitors", "buyers", "carted_visitors", "checkout_visitors", "orders")


def warehouse_horizon(store: Store, days: int = MAX_DAYS) -> Horizon | None:
    """The per-visitor sums over the last 1 .. ``days`` days (fewer when the history is shorter), in one pass; None
    when the warehouse is empty.

    Raises:
        ValueError: when ``days`` is not 1 to MAX_DAYS.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days: must be a whole number from 1 to {MAX_DAYS} (got {days!r})")
    last = store.scalar(_LAST_DAY)
    if last is None:
        return None
    last_day, first_day = _day(last), _day(store.scalar("SELECT MIN(started_at) FROM sessions"))
    days = min(days, (last_day - first_day).days + 1)
    start = last_day - timedelta(days=days - 1)
    added = {name: np.zeros(days, dtype=np.float64) for name in _PER_VISITOR}
    for row in store.query(_PER_DAY, {"start_at": datetime.combine(start, time())}):
        age = (last_day - _day(row["day"])).days
        for name in _PER_VISITOR:
            added[name][age] += float(row[name] or 0)
    sums = {name: np.cumsum(values) for name, values in added.items()}
    for name in _COUNTS:
        sums[name] = np.rint(sums[name]).astype(np.int64)
    return Horizon(last_day, sums["visitors"], sums["buyers"], sums)


def _day(value: date | datetime) -> date:
    """A date from a date or a timestamp (the backends return either for a cast)."""
    return value.date() if isinstance(value, datetime) else value
