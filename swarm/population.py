"""Who the engine simulates: warehouse users first (their persona is known and CUPED has their pre-period), then new
visitor ids, with persona counts drawn from the population mix.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from marts.storage import Store
from swarm.personas import PERSONAS, check_mix
from swarm.plan import PERSONA_NAMES

_MIX = "SELECT persona, COUNT(*) AS users FROM users GROUP BY persona"
# Warehouse users not yet in the experiment: a user enters an experiment once, so a second run adds new people.
_CANDIDATES = """
SELECT u.user_id, u.persona
FROM users AS u
WHERE NOT EXISTS (SELECT 1 FROM assignments AS a WHERE a.experiment_key = :key AND a.user_id = u.user_id)
  AND NOT EXISTS (
      SELECT 1 FROM events AS e WHERE e.experiment_key = :key AND e.user_id = u.user_id AND e.name = 'exposure'
  )
ORDER BY u.user_id
"""


@dataclass(frozen=True)
class Population:
    """The users of one engine run, one entry per user in every array.

    Attributes:
        user_id: the visitor ids (object array of str).
        persona: each user's persona index in ``PERSONA_NAMES``.
        from_warehouse: whether the user is a warehouse user (with history) rather than a new visitor.
    """

    user_id: np.ndarray
    persona: np.ndarray
    from_warehouse: np.ndarray

    def __len__(self) -> int:
        return len(self.user_id)


def warehouse_mix(store: Store) -> dict[str, float] | None:
    """The warehouse users' persona shares (shopper personas only), or None when it has no such users."""
    counts = {row["persona"]: int(row["users"]) for row in store.query(_MIX)}
    shoppers = {name: count for name, count in counts.items() if name in PERSONAS and not PERSONAS[name].is_bot}
    return check_mix(shoppers) if shoppers else None


def draw_population(
    store: Store | None,
    users: int,
    mix: Mapping[str, float],
    rng: np.random.Generator,
    *,
    id_prefix: str,
    experiment_key: str | None = None,
) -> Population:
    """``users`` users with persona counts drawn from ``mix``: warehouse users of each persona first, new ids after.

    Args:
        store: the warehouse to draw from, or None for new visitors only.
        users: how many users.
        mix: persona -> share (normalised; may include the bot, which is never a warehouse user).
        rng: the random generator (the same state gives the same population on the same warehouse).
        id_prefix: new visitor ids are ``id_prefix`` followed by a hexadecimal number.
        experiment_key: skip warehouse users already assigned to or exposed in this experiment.
    """
    if users < 0:
        raise ValueError(f"users: must be 0 or more (got {users})")
    names = [name for name in PERSONA_NAMES if mix.get(name, 0.0) > 0]
    shares = np.array([mix[name] for name in names])
    counts = rng.multinomial(users, shares / shares.sum())
    pool = _candidates(store, experiment_key) if store is not None else {}
    ids: list[np.ndarray] = []
    personas: list[np.ndarray] = []
    known: list[np.ndarray] = []
    fresh = 0
    for name, count in zip(names, counts, strict=True):
        candidates = pool.get(name, np.empty(0, dtype=object))
        take = min(int(count), len(candidates))
        chosen = candidates[np.sort(rng.choice(len(candidates), take, replace=False))] if take else candidates[:0]
        new = np.array([f"{id_prefix}{i:x}" for i in range(fresh, fresh + int(count) - take)], dtype=object)
        fresh += int(count) - take
        ids += [chosen, new]
        personas.append(np.full(int(count), PERSONA_NAMES.index(name), dtype=np.int8))
        known += [np.ones(take, dtype=bool), np.zeros(int(count) - take, dtype=bool)]
    order = rng.permutation(users)
    return Population(
        user_id=np.concatenate(ids)[order] if ids else np.empty(0, dtype=object),
        persona=np.concatenate(personas)[order] if personas else np.empty(0, dtype=np.int8),
        from_warehouse=np.concatenate(known)[order] if known else np.empty(0, dtype=bool),
    )


def _candidates(store: Store, experiment_key: str | None) -> dict[str, np.ndarray]:
    """Warehouse user ids per persona, sorted, without those already in the experiment."""
    frame = store.frame(_CANDIDATES, {"key": experiment_key or ""})
    if frame.empty:
        return {}
    return {
        str(persona): group["user_id"].to_numpy(dtype=object)
        for persona, group in frame.groupby("persona", sort=True, observed=True)
    }
