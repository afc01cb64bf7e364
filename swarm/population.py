"""The warehouse behind a run: its users who may return (per persona) and its rate of new customers a day."""

import numpy as np

from marts.storage import Store
from swarm.personas import PERSONAS
from swarm.traffic import DEFAULT_ARRIVALS_PER_DAY

# Warehouse users not yet in the experiment: a user enters an experiment once, so a second run adds new people. A
# run's newcomers are not warehouse users: every run's window is the shop's last days, a world of its own.
_CANDIDATES = """
SELECT u.user_id, u.persona
FROM users AS u
WHERE NOT EXISTS (SELECT 1 FROM assignments AS a WHERE a.experiment_key = :key AND a.user_id = u.user_id)
  AND NOT EXISTS (
      SELECT 1 FROM events AS e WHERE e.experiment_key = :key AND e.user_id = u.user_id AND e.name = 'exposure'
  )
  AND NOT EXISTS (SELECT 1 FROM runs AS r WHERE u.user_id LIKE r.run_id || '-%')
ORDER BY u.user_id
"""
_WINDOW = "SELECT MIN(started_at) AS first, MAX(started_at) AS last FROM sessions"
_ARRIVALS = "SELECT COUNT(*) FROM users WHERE signup_at >= :first AND signup_at < :until"


def warehouse_pools(store: Store, experiment_key: str, rng: np.random.Generator) -> dict[str, list[str]]:
    """Per shopper persona, the warehouse users not yet in the experiment, in a seeded random order."""
    frame = store.frame(_CANDIDATES, {"key": experiment_key})
    pools: dict[str, list[str]] = {}
    for persona, group in frame.groupby("persona", sort=True, observed=True):
        if persona in PERSONAS and not PERSONAS[persona].is_bot:
            ids = group["user_id"].to_numpy(dtype=object)
            pools[str(persona)] = list(ids[rng.permutation(len(ids))])
    return pools


def arrivals_per_day(store: Store) -> float:
    """New customers a day in the warehouse's history: users who signed up during it, per day of it.

    ``DEFAULT_ARRIVALS_PER_DAY`` when there is no history yet.
    """
    window = store.query(_WINDOW)
    first, last = (window[0]["first"], window[0]["last"]) if window else (None, None)
    if first is None or last is None:
        return DEFAULT_ARRIVALS_PER_DAY
    start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    days = (last.date() - start.date()).days + 1
    until = start + np.timedelta64(days, "D").astype(object)
    arrived = int(store.scalar(_ARRIVALS, {"first": start, "until": until}) or 0)
    return arrived / days if arrived else DEFAULT_ARRIVALS_PER_DAY
