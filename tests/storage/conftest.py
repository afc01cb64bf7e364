"""Storage fixtures shared by the SQL lab's tests: a small store holding a run's ground truth."""

import json
from datetime import datetime

import pytest

from marts.storage import Store

USERS = [
    ("u1", "2026-01-01 08:00:00", "Seoul", "ios", "bargain"),
    ("u2", "2026-01-02 09:30:00", "Busan", "web", "regular"),
    ("u3", "2026-01-03 10:45:00", "Seoul", "android", "foodie"),
]
TRUTH_CANARY = "truth-canary-5e1f"
"""Stored inside the run's ground truth: no SQL lab result or error may ever contain it."""


@pytest.fixture
def lab(store: Store) -> Store:
    """A store with three users, one session, a run holding its ground truth and a sequence."""
    store.execute(
        "INSERT INTO users (user_id, signup_at, region, device, persona) VALUES "
        + ", ".join(f"('{u}', '{t}', '{r}', '{d}', '{p}')" for u, t, r, d, p in USERS)
    )
    store.execute("INSERT INTO sessions VALUES (1, 'u1', '2026-01-04 12:00:00', 'ios', 3, true, true, false, false)")
    store.execute(
        "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
        "events_sent, events_stored, truth, started_at) VALUES ('r1', 'exp', 'swarm', 'completed', 7, '{}', 10, 10, "
        "0, 0, :truth, :at)",
        {"truth": json.dumps({"lift": 0.042, "canary": TRUTH_CANARY}), "at": datetime(2026, 1, 5)},
    )
    store.execute("CREATE SEQUENCE lab_seq START 1")
    return store
