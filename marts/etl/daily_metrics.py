"""The ``daily_metrics`` mart: the shop's traffic, orders and revenue per calendar day."""

import sqlalchemy as sa

from marts.etl.checks import valid_amount
from marts.etl.runner import CENTS, BuildResult, rebuild
from marts.storage import Store

MART = "daily_metrics"

DELETE = "DELETE FROM daily_metrics"

# One row per day with at least one session. An order counts on the day its session started, cancelled or not
# (``marts.metrics.ORDER_RULE``), so a day's conversion is ``marts.window_metrics``' conversion over a one-day window.
INSERT = f"""
INSERT INTO daily_metrics (day, visitors, sessions, orders, buyers, revenue, conversion, aov, revenue_per_visitor)
WITH visits AS (
    SELECT session_id, user_id, CAST(started_at AS DATE) AS day
    FROM sessions
),
traffic AS (
    SELECT day, COUNT(DISTINCT user_id) AS visitors, COUNT(*) AS sessions
    FROM visits
    GROUP BY day
),
sales AS (
    SELECT v.day, COUNT(*) AS orders, COUNT(DISTINCT v.user_id) AS buyers,
           {CENTS.format("SUM(o.total)")} AS revenue
    FROM orders AS o
    JOIN visits AS v ON v.session_id = o.session_id
    WHERE {valid_amount("o.total")}
    GROUP BY v.day
)
SELECT t.day,
       t.visitors,
       t.sessions,
       COALESCE(s.orders, 0),
       COALESCE(s.buyers, 0),
       COALESCE(s.revenue, 0),
       CAST(COALESCE(s.buyers, 0) AS DOUBLE PRECISION) / t.visitors,
       CASE WHEN s.orders > 0 THEN s.revenue / s.orders ELSE 0 END,
       COALESCE(s.revenue, 0) / t.visitors
FROM traffic AS t
LEFT JOIN sales AS s ON s.day = t.day
"""


def build_daily_metrics(store: Store) -> BuildResult:
    """Rebuild ``daily_metrics`` from ``sessions`` and ``orders``.

    Per calendar day with sessions: visitors (distinct users with a session), sessions, orders (placed in the day's
    sessions, cancelled ones included), buyers (visitors of the day with such an order), revenue (their totals),
    conversion = buyers / visitors (the catalog's conversion over a one-day window), aov = revenue / orders (0
    without orders) and revenue_per_visitor = revenue / visitors. Orders whose total is outside 0 to ``MAX_MONEY``
    are left out (named in the result), and so are orders without a session in the warehouse.
    """

    def write(conn: sa.Connection) -> int:
        conn.execute(sa.text(DELETE))
        conn.execute(sa.text(INSERT))
        return conn.execute(sa.text("SELECT COUNT(*) FROM daily_metrics")).scalar_one()

    return rebuild(store, MART, write, checked=("orders",))
