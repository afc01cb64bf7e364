"""Example queries for the SQL lab: portable SQL that runs on DuckDB and PostgreSQL alike."""

from dataclasses import dataclass

from novarium_app.i18n import Text


@dataclass(frozen=True)
class Example:
    """One clickable example: a short title and its SQL."""

    key: str
    title: Text
    sql: str


EXAMPLES: tuple[Example, ...] = (
    Example(
        "daily",
        ("Last 14 days", "최근 14일"),
        "SELECT day, visitors, orders,\n"
        "       CAST(conversion * 100 AS NUMERIC(6, 2)) AS conversion_pct,\n"
        "       CAST(revenue AS NUMERIC(12, 2)) AS revenue\n"
        "FROM daily_metrics\n"
        "ORDER BY day DESC\n"
        "LIMIT 14",
    ),
    Example(
        "cities",
        ("Revenue by city", "도시별 매출"),
        "SELECT u.region AS city,\n"
        "       COUNT(*) AS orders,\n"
        "       CAST(SUM(o.total) AS NUMERIC(12, 2)) AS revenue\n"
        "FROM orders AS o\n"
        "JOIN users AS u ON u.user_id = o.user_id\n"
        "WHERE o.status <> 'cancelled'\n"
        "GROUP BY u.region\n"
        "ORDER BY revenue DESC",
    ),
    Example(
        "funnel",
        ("Funnel by device", "기기별 퍼널"),
        "SELECT device,\n"
        "       COUNT(*) AS sessions,\n"
        "       SUM(CASE WHEN viewed_item THEN 1 ELSE 0 END) AS viewed_item,\n"
        "       SUM(CASE WHEN added_to_cart THEN 1 ELSE 0 END) AS added_to_cart,\n"
        "       SUM(CASE WHEN started_checkout THEN 1 ELSE 0 END) AS started_checkout,\n"
        "       SUM(CASE WHEN ordered THEN 1 ELSE 0 END) AS ordered\n"
        "FROM sessions\n"
        "GROUP BY device\n"
        "ORDER BY sessions DESC",
    ),
    Example(
        "restaurants",
        ("Top restaurants", "인기 식당"),
        "SELECT r.name, r.cuisine, COUNT(*) AS orders\n"
        "FROM orders AS o\n"
        "JOIN restaurants AS r ON r.restaurant_id = o.restaurant_id\n"
        "GROUP BY r.name, r.cuisine\n"
        "ORDER BY orders DESC, r.name\n"
        "LIMIT 10",
    ),
    Example(
        "personas",
        ("Personas, with a CTE", "페르소나 (CTE 사용)"),
        "WITH spend AS (\n"
        "    SELECT persona, COUNT(*) AS users, AVG(orders) AS orders_per_user, AVG(revenue) AS revenue_per_user\n"
        "    FROM user_stats\n"
        "    GROUP BY persona\n"
        ")\n"
        "SELECT persona, users,\n"
        "       CAST(orders_per_user AS NUMERIC(8, 2)) AS orders_per_user,\n"
        "       CAST(revenue_per_user AS NUMERIC(10, 2)) AS revenue_per_user\n"
        "FROM spend\n"
        "ORDER BY revenue_per_user DESC",
    ),
    Example(
        "variants",
        ("Users per variant", "변형별 사용자"),
        "SELECT experiment_key, variant,\n"
        "       COUNT(*) AS users,\n"
        "       SUM(purchases) AS purchases,\n"
        "       CAST(SUM(revenue) AS NUMERIC(12, 2)) AS revenue\n"
        "FROM experiment_users\n"
        "GROUP BY experiment_key, variant\n"
        "ORDER BY experiment_key, variant",
    ),
)

FIRST_QUERY = "SELECT *\nFROM users\nLIMIT 100"
"""What the editor holds before the learner types."""
