"""The catalog's definitions measured on the warehouse: one window of days, from ``sessions`` and ``orders`` by SQL.

The Overview's tiles, the funnel, the persona mix, the idea cards and the power baselines all read these sums, so
every one of them counts the same visitors, orders and buyers (``marts.metrics`` holds the definitions):

* a **visitor** of the window is a user with at least one session that started in it;
* an **order** counts when placed, cancelled or not (``marts.metrics.ORDER_RULE``), and belongs to the session it
  was placed in, so to that session's window; an order whose total is outside 0 to ``MAX_MONEY`` is left out, as
  the marts leave it out;
* a **buyer** is a visitor with at least one counted order in the window, so conversion is the share of the
  window's visitors who ordered at least once in it: an experiment's conversion over a window as long.

Sums are kept per persona (``users.persona``; "unknown" for a session whose user is missing) and add up to the
window's total, so a persona's visitors or buyers are never counted twice.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from marts.etl.checks import valid_amount
from marts.storage import Store

UNKNOWN_PERSONA = "unknown"

# One row per persona; every column a sum over the window's visitors (a visitor's orders come from their sessions).
SQL = f"""
WITH visits AS (
    SELECT session_id, user_id, viewed_item, added_to_cart, started_checkout
    FROM sessions
    WHERE started_at >= :start_at AND started_at < :end_at
),
placed AS (
    SELECT o.session_id, COUNT(*) AS orders, SUM(o.total) AS revenue
    FROM orders AS o
    JOIN visits AS v ON v.session_id = o.session_id
    WHERE {valid_amount("o.total")}
    GROUP BY o.session_id
),
per_visitor AS (
    SELECT v.user_id,
           COUNT(*) AS sessions,
           SUM(CASE WHEN v.viewed_item THEN 1 ELSE 0 END) AS viewing_sessions,
           SUM(CASE WHEN v.added_to_cart THEN 1 ELSE 0 END) AS carting_sessions,
           SUM(CASE WHEN v.started_checkout THEN 1 ELSE 0 END) AS checkout_sessions,
           SUM(CASE WHEN p.orders > 0 THEN 1 ELSE 0 END) AS ordering_sessions,
           MAX(CASE WHEN v.added_to_cart THEN 1 ELSE 0 END) AS carted,
           MAX(CASE WHEN v.started_checkout THEN 1 ELSE 0 END) AS checked_out,
           COALESCE(SUM(p.orders), 0) AS orders,
           COALESCE(SUM(p.revenue), 0) AS revenue
    FROM visits AS v
    LEFT JOIN placed AS p ON p.session_id = v.session_id
    GROUP BY v.user_id
)
SELECT COALESCE(u.persona, '{UNKNOWN_PERSONA}') AS persona,
       COUNT(*) AS visitors,
       SUM(CASE WHEN x.orders > 0 THEN 1 ELSE 0 END) AS buyers,
       SUM(x.carted) AS carted_visitors,
       SUM(x.checked_out) AS checkout_visitors,
       SUM(x.sessions) AS sessions,
       SUM(x.viewing_sessions) AS viewing_sessions,
       SUM(x.carting_sessions) AS carting_sessions,
       SUM(x.checkout_sessions) AS checkout_sessions,
       SUM(x.ordering_sessions) AS ordering_sessions,
       SUM(x.orders) AS orders,
       SUM(x.orders * x.orders) AS orders_sq,
       SUM(x.revenue) AS revenue,
       SUM(x.revenue * x.revenue) AS revenue_sq,
       SUM(x.revenue * x.orders) AS revenue_orders
FROM per_visitor AS x
LEFT JOIN users AS u ON u.user_id = x.user_id
GROUP BY COALESCE(u.persona, '{UNKNOWN_PERSONA}')
ORDER BY persona
"""


@dataclass(frozen=True)
class WindowSums:
    """Sufficient statistics of one window (or one persona in it), per visitor, per session and per order.

    Attributes:
        visitors: distinct users with a session in the window; buyers: those with at least one counted order.
        carted_visitors, checkout_visitors: visitors with a session that added to cart / started checkout.
        sessions: sessions that started in the window; viewing, carting, checkout and ordering sessions: those
            that viewed an item, added to cart, started checkout, placed an order (the funnel's steps).
        orders, revenue: counted orders of the window's sessions and their total.
        orders_sq, revenue_sq, revenue_orders: sums over visitors of orders², revenue², revenue × orders.
    """

    visitors: int = 0
    buyers: int = 0
    carted_visitors: int = 0
    checkout_visitors: int = 0
    sessions: int = 0
    viewing_sessions: int = 0
    carting_sessions: int = 0
    checkout_sessions: int = 0
    ordering_sessions: int = 0
    orders: int = 0
    orders_sq: float = 0.0
    revenue: float = 0.0
    revenue_sq: float = 0.0
    revenue_orders: float = 0.0

    def __add__(self, other: "WindowSums") -> "WindowSums":
        return WindowSums(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def conversion(self) -> float:
        """Share of the visitors who ordered at least once in the window (0 without visitors)."""
        return self.buyers / self.visitors if self.visitors else 0.0

    @property
    def session_conversion(self) -> float:
        """Share of the sessions that placed an order (0 without sessions)."""
        return self.ordering_sessions / self.sessions if self.sessions else 0.0

    @property
    def aov(self) -> float:
        """Revenue per order (0 without orders)."""
        return self.revenue / self.orders if self.orders else 0.0

    @property
    def revenue_per_visitor(self) -> float:
        """Revenue per visitor over the window (0 without visitors)."""
        return self.revenue / self.visitors if self.visitors else 0.0


@dataclass(frozen=True)
class Window:
    """A window of whole days, ``first_day`` to ``last_day`` inclusive."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def bounds(self) -> dict[str, datetime]:
        """The window as half-open timestamps, the SQL's parameters."""
        return {
            "start_at": datetime.combine(self.first_day, time()),
            "end_at": datetime.combine(self.last_day + timedelta(days=1), time()),
        }

    def before(self) -> "Window":
        """The window of the same length just before this one."""
        return Window(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))


@dataclass(frozen=True)
class WindowMeasures:
    """One window's sums, in total and per persona."""

    window: Window
    total: WindowSums
    personas: dict[str, WindowSums]


def last_window(store: Store, days: int) -> Window | None:
    """The last ``days`` whole days of sessions, ending on the day of the latest session; None without sessions.

    Raises:
        ValueError: when days is not an integer of at least 1.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"window_days: must be an integer of at least 1, got {days!r}")
    latest = store.scalar("SELECT MAX(started_at) FROM sessions")
    if latest is None:
        return None
    last_day = as_date(latest)
    return Window(last_day - timedelta(days=days - 1), last_day)


def measure(store: Store, window: Window) -> WindowMeasures:
    """The window's sums from ``sessions``, ``orders`` and ``users``, in total and per persona."""
    personas = {str(row["persona"]): _sums(row) for row in store.query(SQL, window.bounds)}
    return WindowMeasures(window, sum(personas.values(), WindowSums()), personas)


def _sums(row) -> WindowSums:
    values = {}
    for f in fields(WindowSums):
        raw = row[f.name] or 0
        values[f.name] = int(raw) if f.type in (int, "int") else float(raw)
    return WindowSums(**values)


def as_date(value: date | datetime | str) -> date:
    """A stored day or timestamp (a date, a datetime or ISO text) as its day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
