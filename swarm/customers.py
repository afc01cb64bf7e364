"""What a shop knows about a customer: the ``users`` row of a warehouse user or of a run's new visitor.

A real shop records when someone signed up, where they live and the device they first came on; the simulation adds
their persona. The warehouse history (``swarm.history``) and every run's new visitors draw these the same way.
"""

import numpy as np
import pandas as pd

from swarm.personas import DEVICES, PERSONAS
from swarm.plan import PERSONA_NAMES

REGIONS: dict[str, float] = {
    "New York": 0.30,
    "Los Angeles": 0.22,
    "Chicago": 0.16,
    "Houston": 0.12,
    "Seattle": 0.11,
    "Austin": 0.09,
}
"""Cities customers live in, with their share of customers."""


def pick(fraction: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Categorical draws by inverse CDF: ``shares`` is one row of probabilities per draw (or one shared row)."""
    cumulative = np.cumsum(np.atleast_2d(shares), axis=1)
    return (fraction[:, None] >= cumulative[:, :-1]).sum(axis=1).astype(np.int64)


def device_mix() -> np.ndarray:
    """One row per persona (``PERSONA_NAMES`` order): the shares of each device."""
    return np.array([PERSONAS[name].device_mix for name in PERSONA_NAMES])


def draw_regions(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` customers' regions (indexes into ``REGIONS``)."""
    return pick(rng.random(n), np.array(list(REGIONS.values())))


def draw_devices(persona: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One device per customer (indexes into ``DEVICES``) from their persona's device mix."""
    return pick(rng.random(len(persona)), device_mix()[persona])


def users_frame(
    user_ids: np.ndarray, persona: np.ndarray, signup_at: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """``users`` rows for new customers: their persona (index in ``PERSONA_NAMES``) and sign-up time given."""
    return pd.DataFrame(
        {
            "user_id": np.asarray(user_ids, dtype=object),
            "signup_at": signup_at,
            "region": np.array(list(REGIONS), dtype=object)[draw_regions(len(persona), rng)],
            "device": np.array(DEVICES, dtype=object)[draw_devices(persona, rng)],
            "persona": np.array(PERSONA_NAMES, dtype=object)[persona],
        }
    )
