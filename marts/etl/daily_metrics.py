"""The ``daily_metrics`` mart: the shop's traffic, orders and revenue per calendar day."""

import sqlalchemy as sa

from marts.etl.checks import valid_amount
from marts.etl.runner import CENTS, BuildResult, rebuild
from marts.storage import Store

MART = "daily_metrics"

DELETE = "DELETE FROM daily_metrics"

# One row per day with at least one session; orders count on the day they were placed; cancelled ones don't.
INSERT = f"""
INSERT INTO daily_metrics (day, visitors, sessions, orders, buyers, revenue, conversion, aov, revenue_per_visitor)
WITH traffic AS (
    SELECT CAST(started_at AS DATE) AS day, COUNT(DISTINCT user_id) AS visitors, COUNT(*) AS sessions
    FROM sessions
    GROUP BY CAST(started_at AS DATE)
),
sales AS (
    SELECT CAST(ordered_at AS DATE) AS day, COUNT(*) AS orders, COUNT(DISTINCT user_id) AS buyers,
           {CENTS.format("SUM(total)")} AS revenue
    FROM orders
    WHERE status <> 'cancelled' AND {valid_amount("total")}
    GROUP BY CAST(ordered_at AS DATE)
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

    Per calendar day with sessions: visitors (distinct users with a session), sessions, orders, buyers (distinct
    users with an order), revenue (sum of order totals), conversion = buyers / visitors, aov = revenue / orders
    (0 without orders) and revenue_per_visitor = revenue / visitors. Cancelled orders are left out, and so are
    orders whose total is outside 0 to ``MAX_MONEY`` (named in the result); orders on a day without any session are
    not reported.
    """

    def write(conn: sa.Connection) -> int:
        conn.execute(sa.text(DELETE))
        conn.execute(sa.text(INSERT))
        return conn.execute(sa.text("SELECT COUNT(*) FROM daily_metrics")).scalar_one()

    return rebuild(store, MART, write, checked=("orders",))
