"""What a visitor sees: the adopted config overlaid by the variants of every running experiment they are in.

``resolve_visitor`` is what the shop calls on each page and what ``POST /api/assign`` serves. The experiments and
the adopted config come from ``live`` (cached in-process, see ``shop.cache``), so a start, stop, adoption or rollback
made in this process shows at once and one made elsewhere within a second. Assignments to running experiments are
recorded (insert-if-absent), so the marts know every assigned visitor's variant.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from marts.storage import StorageError, Store
from shop import cache
from shop.adoptions import adopted_config
from shop.knobs import resolve
from shop.repository import ExperimentRecord, list_experiments

MAX_ID_LENGTH = 80
MAX_RUN_ID_LENGTH = 40
WRITE_ATTEMPTS = 3

_RECORD = sa.text(
    "INSERT INTO assignments (experiment_key, user_id, variant, assigned_at, run_id) "
    "VALUES (:experiment_key, :user_id, :variant, :assigned_at, :run_id) "
    "ON CONFLICT (experiment_key, user_id) DO NOTHING"
)


@dataclass(frozen=True)
class Live:
    """Every experiment by key, the running ones in start order, and the adopted config."""

    experiments: Mapping[str, ExperimentRecord]
    running: tuple[ExperimentRecord, ...]
    adopted: Mapping[str, Any]


@dataclass(frozen=True)
class VisitorView:
    """The config a visitor sees and the (experiment_key, variant) pairs of the running experiments they are in."""

    user_id: str
    config: dict[str, Any]
    assignments: tuple[tuple[str, str], ...]

    def variant(self, experiment_key: str) -> str | None:
        """The visitor's variant in a running experiment, or None when they are not in it."""
        return dict(self.assignments).get(experiment_key)


def live(store: Store) -> Live:
    """The experiments and the adopted config, from the in-process cache."""
    return cache.cached(store, lambda: _load_live(store))


def _load_live(store: Store) -> Live:
    experiments = list_experiments(store)
    running = sorted((e for e in experiments if e.status == "running"), key=lambda e: (e.started_at, e.key))
    return Live(
        experiments=MappingProxyType({e.key: e for e in experiments}),
        running=tuple(running),
        adopted=MappingProxyType(adopted_config(store)),
    )


def resolve_visitor(store: Store, user_id: str, *, run_id: str | None = None) -> VisitorView:
    """The visitor's config and assignments; records their assignment to each running experiment they are in.

    Args:
        store: the open Store.
        user_id: the visitor id (a cookie for humans, explicit for agents), 1 to 80 characters.
        run_id: the swarm run the visitor belongs to, stored with new assignments.

    Raises:
        ValueError: when user_id is empty or longer than 80 characters, or run_id longer than 40.
        StorageError: when the assignments cannot be recorded.
    """
    if not isinstance(user_id, str) or not 1 <= len(user_id) <= MAX_ID_LENGTH:
        raise ValueError(f"user_id: must be a string of 1 to {MAX_ID_LENGTH} characters")
    if run_id is not None and not 1 <= len(run_id) <= MAX_RUN_ID_LENGTH:
        raise ValueError(f"run_id: must be 1 to {MAX_RUN_ID_LENGTH} characters")
    state = live(store)
    pairs: list[tuple[str, str]] = []
    layers: list[Mapping[str, Any]] = [state.adopted]
    for experiment in state.running:
        name = experiment.assign(user_id)
        if name is not None:
            pairs.append((experiment.key, name))
            layers.append(experiment.variant(name).config)
    if pairs:
        record_assignments(store, user_id, pairs, run_id=run_id)
    return VisitorView(user_id=user_id, config=resolve(*layers), assignments=tuple(pairs))


def record_assignments(store: Store, user_id: str, pairs: list[tuple[str, str]], *, run_id: str | None = None) -> None:
    """Store a user's (experiment_key, variant) assignments unless already stored (the first one recorded stays)."""
    rows = [
        {"experiment_key": key, "user_id": user_id, "variant": variant, "assigned_at": _utcnow(), "run_id": run_id}
        for key, variant in pairs
    ]
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with store.transaction() as conn:
                conn.execute(_RECORD, rows)
            return
        except sa.exc.DBAPIError as error:
            # Concurrent first visits of one user can collide before either commits (DuckDB reports it as an
            # error); a retry sees the committed row and inserts nothing.
            if attempt == WRITE_ATTEMPTS - 1:
                reason = str(error.orig or error).splitlines()[0]
                raise StorageError(f"assignments: cannot record {user_id!r}: {reason}") from error


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
