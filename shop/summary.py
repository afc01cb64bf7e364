"""A live, per-variant count of an experiment's traffic, straight from ``assignments`` and ``events``.

``assigned`` counts recorded assignments, ``exposed`` the assigned users with an exposure. ``events`` counts, per
name, the events the marts would attribute to the experiment (``marts.etl.experiment_users``): from each exposed
user's first exposure on, events carrying the experiment's key and events carrying no key.
"""

from dataclasses import dataclass, field

from marts.storage import Store
from shop.repository import get_experiment

_ASSIGNED = """
SELECT variant, COUNT(*) AS n FROM assignments WHERE experiment_key = :key GROUP BY variant
"""

_EXPOSED = """
SELECT a.variant, COUNT(*) AS n
FROM (SELECT DISTINCT user_id FROM events WHERE name = 'exposure' AND experiment_key = :key) AS x
JOIN assignments AS a ON a.experiment_key = :key AND a.user_id = x.user_id
GROUP BY a.variant
"""

_EVENTS = """
WITH exposed AS (
    SELECT x.user_id, a.variant, x.first_ts
    FROM (
        SELECT user_id, MIN(ts) AS first_ts FROM events
        WHERE name = 'exposure' AND experiment_key = :key GROUP BY user_id
    ) AS x
    JOIN assignments AS a ON a.experiment_key = :key AND a.user_id = x.user_id
),
attributed AS (
    SELECT x.variant, e.name FROM exposed AS x
    JOIN events AS e ON e.user_id = x.user_id AND e.experiment_key = :key
    WHERE e.ts >= x.first_ts
    UNION ALL
    SELECT x.variant, e.name FROM exposed AS x
    JOIN events AS e ON e.user_id = x.user_id AND e.experiment_key IS NULL
    WHERE e.ts >= x.first_ts
)
SELECT variant, name, COUNT(*) AS n FROM attributed GROUP BY variant, name
"""


@dataclass(frozen=True)
class VariantCounts:
    """One variant's traffic."""

    name: str
    weight: float
    assigned: int = 0
    exposed: int = 0
    events: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentSummary:
    """An experiment's status and per-variant counts, control first."""

    key: str
    status: str
    variants: tuple[VariantCounts, ...]


def summarize(store: Store, key: str) -> ExperimentSummary:
    """Counts per variant of the experiment ``key``; raises ExperimentNotFound."""
    experiment = get_experiment(store, key)
    params = {"key": key}
    assigned = {row["variant"]: int(row["n"]) for row in store.query(_ASSIGNED, params)}
    exposed = {row["variant"]: int(row["n"]) for row in store.query(_EXPOSED, params)}
    events: dict[str, dict[str, int]] = {}
    for row in store.query(_EVENTS, params):
        events.setdefault(row["variant"], {})[row["name"]] = int(row["n"])
    variants = tuple(
        VariantCounts(
            name=v.name,
            weight=v.weight,
            assigned=assigned.get(v.name, 0),
            exposed=exposed.get(v.name, 0),
            events=dict(sorted(events.get(v.name, {}).items())),
        )
        for v in experiment.variants
    )
    return ExperimentSummary(key=key, status=experiment.status, variants=variants)
