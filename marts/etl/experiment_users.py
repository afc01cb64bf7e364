"""The ``experiment_users`` mart: one row per exposed, assigned user of each experiment, read by the analysis.

Attribution rule. A user enters an experiment's mart at their first ``exposure`` event carrying that experiment's
key, provided ``assignments`` gives them a variant (exposed but unassigned users are skipped: their variant is
unknown). From then on (``ts >= first_exposure_at``, so an event at the exposure instant counts) an event of
the user is attributed to the experiment when

* its ``experiment_key`` is that experiment's key, or
* it has no ``experiment_key``: shop-wide events such as ``purchase`` count for *every* experiment the user is
  exposed to, each from that experiment's own first exposure.

Events tagged with another experiment's key are never attributed: they belong to that experiment (or to another
simulation run reusing the user id), and counting them would double count when an action is logged once per
experiment. Events before the first exposure are pre-treatment and never count. Each event counts once per
experiment however many exposure events the user has. The variant comes from ``assignments``, not from the
events. Revenue is the sum of ``value`` over attributed ``purchase`` events. An event whose value is outside 0 to
``MAX_MONEY`` is left out and named (``marts.etl.checks``). pre_orders / pre_revenue come from
``user_stats`` (0 for users outside the warehouse, such as shop visitors and swarm agents).
"""

import sqlalchemy as sa

from marts.etl.checks import valid_amount
from marts.etl.runner import CENTS, BuildResult, rebuild
from marts.storage import Store

MART = "experiment_users"

# Event name -> mart column. Other names (exposure, ...) are not counted.
COUNTED_EVENTS = {
    "page_view": "page_views",
    "banner_click": "banner_clicks",
    "search": "searches",
    "item_view": "item_views",
    "add_to_cart": "add_to_carts",
    "checkout_start": "checkouts",
    "purchase": "purchases",
}

# NULL :experiment_key means every experiment; the typed CAST lets PostgreSQL infer the parameter's type.
SCOPE = "(CAST(:experiment_key AS VARCHAR(80)) IS NULL OR {} = :experiment_key)"

DELETE = f"DELETE FROM experiment_users WHERE {SCOPE.format('experiment_key')}"

_NAMES = ", ".join(f"'{name}'" for name in COUNTED_EVENTS)
_COUNTS = ",\n           ".join(
    f"SUM(CASE WHEN name = '{name}' THEN 1 ELSE 0 END) AS {column}" for name, column in COUNTED_EVENTS.items()
)
_COLUMNS = ", ".join(COUNTED_EVENTS.values())
_COLUMNS_C = ", ".join(f"c.{column}" for column in COUNTED_EVENTS.values())

# Two equi-joins (same key; no key) instead of one OR join, so both backends can join on (key, user). Exposed users
# enter the union once themselves (with no event), so users without attributed events keep a row of zeros. One
# final GROUP BY and no join back to an aggregate: with no table statistics (right after a bulk load) PostgreSQL
# once put that aggregate inside a nested loop and re-ran it per exposed user (minutes instead of a second).
INSERT = f"""
INSERT INTO experiment_users (experiment_key, user_id, variant, persona, first_exposure_at, {_COLUMNS},
                              revenue, pre_revenue, pre_orders)
WITH exposed AS (
    SELECT x.experiment_key, x.user_id, a.variant, x.first_exposure_at
    FROM (
        SELECT experiment_key, user_id, MIN(ts) AS first_exposure_at
        FROM events
        WHERE name = 'exposure' AND experiment_key IS NOT NULL AND {SCOPE.format("experiment_key")}
        GROUP BY experiment_key, user_id
    ) AS x
    JOIN assignments AS a ON a.experiment_key = x.experiment_key AND a.user_id = x.user_id
),
attributed AS (
    SELECT experiment_key, user_id, variant, first_exposure_at,
           CAST(NULL AS VARCHAR(40)) AS name, CAST(NULL AS DOUBLE PRECISION) AS value
    FROM exposed
    UNION ALL
    SELECT x.experiment_key, x.user_id, x.variant, x.first_exposure_at, e.name, e.value
    FROM exposed AS x
    JOIN events AS e ON e.experiment_key = x.experiment_key AND e.user_id = x.user_id
    WHERE e.ts >= x.first_exposure_at AND e.name IN ({_NAMES}) AND {valid_amount("e.value")}
    UNION ALL
    SELECT x.experiment_key, x.user_id, x.variant, x.first_exposure_at, e.name, e.value
    FROM exposed AS x
    JOIN events AS e ON e.user_id = x.user_id
    WHERE e.experiment_key IS NULL AND e.ts >= x.first_exposure_at AND e.name IN ({_NAMES})
          AND {valid_amount("e.value")}
),
counted AS (
    SELECT experiment_key,
           user_id,
           variant,
           first_exposure_at,
           {_COUNTS},
           SUM(CASE WHEN name = 'purchase' THEN COALESCE(value, 0) ELSE 0 END) AS revenue
    FROM attributed
    GROUP BY experiment_key, user_id, variant, first_exposure_at
)
SELECT c.experiment_key,
       c.user_id,
       c.variant,
       u.persona,
       c.first_exposure_at,
       {_COLUMNS_C},
       {CENTS.format("c.revenue")},
       COALESCE(s.pre_revenue, 0),
       COALESCE(s.pre_orders, 0)
FROM counted AS c
LEFT JOIN users AS u ON u.user_id = c.user_id
LEFT JOIN user_stats AS s ON s.user_id = c.user_id
"""

COUNT = f"SELECT COUNT(*) FROM experiment_users WHERE {SCOPE.format('experiment_key')}"


def build_experiment_users(store: Store, *, experiment_key: str | None = None) -> BuildResult:
    """Rebuild ``experiment_users`` for every experiment, or only for ``experiment_key``.

    Reads ``events``, ``assignments``, ``users`` and ``user_stats`` (build that first). With ``experiment_key``
    only that experiment's rows are replaced; other experiments' rows are left untouched. See the module
    docstring for the attribution rule.

    Raises:
        ValueError: when experiment_key is given but empty.
    """
    if experiment_key is not None and not experiment_key.strip():
        raise ValueError("experiment_key: must be a non-empty key or None for every experiment")
    params = {"experiment_key": experiment_key}

    def write(conn: sa.Connection) -> int:
        conn.execute(sa.text(DELETE), params)
        conn.execute(sa.text(INSERT), params)
        return conn.execute(sa.text(COUNT), params).scalar_one()

    return rebuild(store, MART, write, checked=("events",))
