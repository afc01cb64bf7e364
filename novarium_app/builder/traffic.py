"""The hash visualiser: where one user id lands, computed with the shop's own assignment functions.

``probe`` shows the two hashes ``shop.assignment`` uses (one for the traffic allocation, one for the variant) and
the variant they give, which is always what ``assign`` returns. ``split`` assigns a block of made-up ids the same
way, so the learner sees the shares the weights produce.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from shop.assignment import assign, assign_indices, bucket

ALLOCATION_SUFFIX = "\x1fallocation"


@dataclass(frozen=True)
class Probe:
    """Where ``user_id`` lands.

    Attributes:
        user_id: the id typed.
        allocation_point: the allocation hash, as a percentage in [0, 100).
        inside: whether that point is below the allocation, so the user is in the experiment.
        bucket: the variant hash, in [0, 1).
        variant: the variant the user gets, or None outside the allocation.
        index: that variant's position, or -1.
        edges: the cumulative weight shares cutting [0, 1) into variants (the last is 1).
    """

    user_id: str
    allocation_point: float
    inside: bool
    bucket: float
    variant: str | None
    index: int
    edges: tuple[float, ...]


def edges(weights: Sequence[float]) -> tuple[float, ...]:
    """Each variant's upper edge in [0, 1], control first."""
    total = float(sum(weights))
    return tuple(edge / total for edge in accumulate(weights))


def probe(salt: str, user_id: str, variants: Sequence[tuple[str, float]], allocation: float) -> Probe:
    """Where ``user_id`` lands in an experiment with ``salt``, ``variants`` (name, weight) and ``allocation`` (%)."""
    point = bucket(salt + ALLOCATION_SUFFIX, user_id) * 100.0
    spot = bucket(salt, user_id)
    variant = assign(salt, user_id, variants, allocation)
    index = next((i for i, (name, _) in enumerate(variants) if name == variant), -1)
    return Probe(user_id, point, point < allocation, spot, variant, index, edges([w for _, w in variants]))


def split(salt: str, variants: Sequence[tuple[str, float]], allocation: float, users: int = 10_000) -> list[float]:
    """The share of ``users`` made-up ids ("user-0", "user-1", ...) each variant gets, then the share left out."""
    indices = assign_indices(salt, [f"user-{i}" for i in range(users)], variants, allocation)
    counts = np.bincount(np.where(indices < 0, len(variants), indices), minlength=len(variants) + 1)
    return [float(count) / users for count in counts]
