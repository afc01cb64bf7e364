"""The ``user_stats`` mart: one row per warehouse user, as of a date; the source of CUPED covariates."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from marts.etl.checks import valid_amount
from marts.etl.runner import CENTS, BuildResult, rebuild
from marts.storage import Store

MART = "user_stats"
DEFAULT_PRE_PERIOD_DAYS = 28

DELETE = "DELETE FROM user_stats"

# Sessions and orders count only before the as-of instant: the mart is a snapshot of what was known then. Orders
# count when placed, cancelled or not (``marts.metrics.ORDER_RULE``), as the experiment metrics CUPED adjusts do.
INSERT = f"""
INSERT INTO user_stats (user_id, persona, region, device, signup_at, tenure_days, sessions, orders, revenue,
                        first_order_at, last_order_at, pre_orders, pre_revenue)
WITH visits AS (
    SELECT user_id, COUNT(*) AS sessions
    FROM sessions
    WHERE started_at < :as_of_at
    GROUP BY user_id
),
purchases AS (
    SELECT user_id,
           COUNT(*) AS orders,
           SUM(total) AS revenue,
           MIN(ordered_at) AS first_order_at,
           MAX(ordered_at) AS last_order_at,
           SUM(CASE WHEN ordered_at >= :pre_start_at THEN 1 ELSE 0 END) AS pre_orders,
           SUM(CASE WHEN ordered_at >= :pre_start_at THEN total ELSE 0 END) AS pre_revenue
    FROM orders
    WHERE ordered_at < :as_of_at AND {valid_amount("total")}
    GROUP BY user_id
)
SELECT u.user_id,
       u.persona,
       u.region,
       u.device,
       u.signup_at,
       GREATEST(CAST(:as_of AS DATE) - CAST(u.signup_at AS DATE), 0),
       COALESCE(v.sessions, 0),
       COALESCE(p.orders, 0),
       {CENTS.format("COALESCE(p.revenue, 0)")},
       p.first_order_at,
       p.last_order_at,
       COALESCE(p.pre_orders, 0),
       {CENTS.format("COALESCE(p.pre_revenue, 0)")}
FROM users AS u
LEFT JOIN visits AS v ON v.user_id = u.user_id
LEFT JOIN purchases AS p ON p.user_id = u.user_id
"""

# The end of the history: the last session; without sessions, the last order or signup.
HISTORY_END = """
SELECT COALESCE(
    (SELECT MAX(started_at) FROM sessions),
    (SELECT MAX(ordered_at) FROM orders),
    (SELECT MAX(signup_at) FROM users)
)
"""


def default_as_of(conn: sa.Connection) -> date | None:
    """The day after the last warehouse session (the end of the history), or None for an empty warehouse."""
    last = conn.execute(sa.text(HISTORY_END)).scalar()
    return None if last is None else _as_date(last) + timedelta(days=1)


def check_pre_period_days(pre_period_days: int) -> None:
    """Raise ValueError unless pre_period_days is an integer of at least 1."""
    if isinstance(pre_period_days, bool) or not isinstance(pre_period_days, int) or pre_period_days < 1:
        raise ValueError(f"pre_period_days: must be an integer of at least 1, got {pre_period_days!r}")


def build_user_stats(
    store: Store, *, as_of: date | None = None, pre_period_days: int = DEFAULT_PRE_PERIOD_DAYS
) -> BuildResult:
    """Rebuild ``user_stats``: one row per warehouse user, users without sessions or orders included.

    Sessions, orders, revenue and first/last order count everything before ``as_of`` (midnight), cancelled
    orders included (``marts.metrics.ORDER_RULE``); tenure_days is the days from the signup day to ``as_of``
    (0 for users who signed up later); pre_orders / pre_revenue count the orders in
    ``[as_of - pre_period_days, as_of)``.

    Args:
        store: the open store.
        as_of: the snapshot date; by default the day after the last warehouse session. A datetime counts as its day.
        pre_period_days: length of the pre-period in days, at least 1.

    Raises:
        ValueError: when pre_period_days is below 1.
    """
    check_pre_period_days(pre_period_days)

    def write(conn: sa.Connection) -> int:
        day = _as_date(as_of) if as_of is not None else default_as_of(conn) or date(1970, 1, 1)
        as_of_at = datetime.combine(day, time())
        params = {"as_of": day, "as_of_at": as_of_at, "pre_start_at": as_of_at - timedelta(days=pre_period_days)}
        conn.execute(sa.text(DELETE))
        conn.execute(sa.text(INSERT), params)
        return conn.execute(sa.text("SELECT COUNT(*) FROM user_stats")).scalar_one()

    return rebuild(store, MART, write, checked=("orders",))


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
