"""Deterministic, sticky assignment: a salted hash of the user id gives a bucket; cumulative weights cut the buckets.

This is the one assignment function: the shop, the API, the swarm and the Lab all call it.
Inclusion in the experiment's traffic allocation uses a second, independent hash, so changing the allocation
never moves an included user to another variant. Different salts make experiments independent of each other.
"""

import hashlib
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

_SCALE = float(2**64)


def bucket(salt: str, user_id: str) -> float:
    """A uniform number in [0, 1) fixed by (salt, user_id)."""
    digest = hashlib.blake2b(f"{salt}\x1f{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


def in_allocation(salt: str, user_id: str, allocation: float) -> bool:
    """Whether the user falls inside the experiment's traffic allocation (a percentage, 0-100)."""
    return bucket(f"{salt}\x1fallocation", user_id) * 100.0 < allocation


def variant_index(salt: str, user_id: str, weights: Sequence[float]) -> int:
    """The index of the variant whose cumulative-weight range holds the user's bucket."""
    if not weights or any(w <= 0 for w in weights):
        raise ValueError("weights: must be a non-empty list of positive numbers")
    total = float(sum(weights))
    point = bucket(salt, user_id) * total
    for index, edge in enumerate(accumulate(weights)):
        if point < edge:
            return index
    return len(weights) - 1


def assign(salt: str, user_id: str, variants: Sequence[tuple[str, float]], allocation: float = 100.0) -> str | None:
    """The variant name for the user, or None when the user is outside the allocation."""
    if not in_allocation(salt, user_id, allocation):
        return None
    return variants[variant_index(salt, user_id, [weight for _, weight in variants])][0]


def assign_indices(
    salt: str, user_ids: Sequence[str], variants: Sequence[tuple[str, float]], allocation: float = 100.0
) -> np.ndarray:
    """``assign`` for many users at once: each user's variant index, or -1 outside the allocation.

    The same hashes as ``assign``, in one tight loop (the engine assigns millions of users).
    """
    weights = [weight for _, weight in variants]
    if not weights or any(w <= 0 for w in weights):
        raise ValueError("weights: must be a non-empty list of positive numbers")
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    variant_prefix = f"{salt}\x1f"
    points = np.fromiter(
        (from_bytes(blake2b(f"{variant_prefix}{uid}".encode(), digest_size=8).digest(), "big") for uid in user_ids),
        dtype=np.float64,
    )
    points /= _SCALE
    edges = np.fromiter(accumulate(weights), dtype=np.float64)
    index = np.minimum(np.searchsorted(edges, points * float(sum(weights)), side="right"), len(weights) - 1)
    if allocation < 100.0:
        allocation_prefix = f"{salt}\x1fallocation\x1f"
        inside = np.fromiter(
            (
                from_bytes(blake2b(f"{allocation_prefix}{uid}".encode(), digest_size=8).digest(), "big")
                for uid in user_ids
            ),
            dtype=np.float64,
        )
        index = np.where(inside / _SCALE * 100.0 < allocation, index, -1)
    return index.astype(np.int8)
