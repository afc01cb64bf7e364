"""The warehouse behind a run: its users who may return (per persona), its rate of new customers a day, and how
many visitors D days of its traffic bring."""

import numpy as np

from marts.horizon import MAX_DAYS as HORIZON_DAYS
from marts.horizon import Horizon, warehouse_horizon
from marts.storage import Store
from swarm.personas import PERSONAS
from swarm.plan import MAX_DAYS as MAX_PLAN_DAYS
from swarm.plan import Plan
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
    frame = store.bulk_frame(_CANDIDATES, {"key": experiment_key})
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


def visitors_curve(store: Store, days: int, horizon: Horizon | None = None) -> tuple[int, ...]:
    """Visitors the shop's traffic brings in 1 .. ``days`` days: the warehouse's own counts over its last D days
    (``marts.horizon``; ``horizon`` when the caller read it already) as far as its history goes, then the world's
    expectation at its arrival rate, joined where the history ends. The power step plans on this curve and a run of
    D days brings its D-th value.
    """
    if horizon is None:
        horizon = warehouse_horizon(store, min(days, HORIZON_DAYS))
    observed = [int(v) for v in horizon.visitors] if horizon is not None else []
    if len(observed) >= days:
        return tuple(observed[:days])
    arrivals = arrivals_per_day(store)
    expected = [control_plan(d).expected_visitors(arrivals) for d in range(1, min(days, MAX_PLAN_DAYS) + 1)]
    while len(expected) < days:  # past the longest run a plan can hold: the last day's new visitors, day after day
        expected.append(expected[-1] + (expected[-1] - expected[-2] if len(expected) > 1 else expected[-1]))
    scale = observed[-1] / expected[len(observed) - 1] if observed and expected[len(observed) - 1] > 0 else 1.0
    return tuple(observed + [round(e * scale) for e in expected[len(observed) :]])


def control_plan(days: int) -> Plan:
    """A plan of the default shop over ``days`` days (its traffic is every experiment's)."""
    return Plan.build([("control", {})], days=days)


def visitors_in(store: Store, plan: Plan) -> int:
    """Visitors ``plan.days`` days of traffic bring to a run: the power step's count (``visitors_curve``), with the
    bot switch's bots on top."""
    return max(1, round(visitors_curve(store, plan.days)[-1] / (1.0 - plan.switches.bot_share)))
