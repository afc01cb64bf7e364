"""What a visitor sees: the adopted config overlaid by the variants of every running experiment they are in.

``resolve_visitor`` is what the shop calls on each page and what ``POST /api/assign`` serves. The experiments and
the adopted config come from ``live`` (cached in-process, see ``shop.cache``), so a start, stop, adoption or rollback
made in this process shows at once and one made elsewhere within a second. Assignments to running experiments are
recorded (insert-if-absent, through the group commit of ``shop.group_commit``), so the marts know every assigned
visitor's variant.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from marts.storage import Store
from shop import cache, group_commit, run_secrets
from shop.adoptions import adopted_config
from shop.knobs import resolve
from shop.repository import ExperimentRecord, list_experiments

MAX_ID_LENGTH = 80
MAX_RUN_ID_LENGTH = 40


@dataclass(frozen=True)
class Live:
    """Every experiment by key, the running ones in start order, the adopted config and the runs' secret hashes."""

    experiments: Mapping[str, ExperimentRecord]
    running: tuple[ExperimentRecord, ...]
    adopted: Mapping[str, Any]
    run_hashes: Mapping[str, str]


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


async def live_async(store: Store) -> Live:
    """``live`` for async callers: the cached value at once, a reload in a worker thread."""
    fresh = cache.peek(store)
    return fresh if fresh is not None else await asyncio.to_thread(live, store)


def _load_live(store: Store) -> Live:
    experiments = list_experiments(store)
    running = sorted((e for e in experiments if e.status == "running"), key=lambda e: (e.started_at, e.key))
    return Live(
        experiments=MappingProxyType({e.key: e for e in experiments}),
        running=tuple(running),
        adopted=MappingProxyType(adopted_config(store)),
        run_hashes=MappingProxyType(run_secrets.load(store)),
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
    view = visitor_view(store, user_id, run_id=run_id)
    if view.assignments:
        record_assignments(store, user_id, list(view.assignments), run_id=run_id)
    return view


def visitor_view(store: Store, user_id: str, *, run_id: str | None = None, state: Live | None = None) -> VisitorView:
    """The visitor's config and assignments, without recording anything (see ``resolve_visitor``).

    Pass ``state`` (from ``live_async``) to compute the view without touching the database.
    """
    if not isinstance(user_id, str) or not 1 <= len(user_id) <= MAX_ID_LENGTH:
        raise ValueError(f"user_id: must be a string of 1 to {MAX_ID_LENGTH} characters")
    if run_id is not None and not 1 <= len(run_id) <= MAX_RUN_ID_LENGTH:
        raise ValueError(f"run_id: must be 1 to {MAX_RUN_ID_LENGTH} characters")
    state = state or live(store)
    pairs: list[tuple[str, str]] = []
    layers: list[Mapping[str, Any]] = [state.adopted]
    for experiment in state.running:
        name = experiment.assign(user_id)
        if name is not None:
            pairs.append((experiment.key, name))
            layers.append(experiment.variant(name).config)
    return VisitorView(user_id=user_id, config=resolve(*layers), assignments=tuple(pairs))


def record_assignments(store: Store, user_id: str, pairs: list[tuple[str, str]], *, run_id: str | None = None) -> None:
    """Store a user's (experiment_key, variant) assignments unless already stored (the first one recorded stays).

    The rows go through the store's group commit (``shop.group_commit``), together with concurrent writes.
    """
    group_commit.writer(store).write((), _assignment_rows(user_id, pairs, run_id))


async def record_assignments_async(
    store: Store, user_id: str, pairs: list[tuple[str, str]], *, run_id: str | None = None
) -> None:
    """``record_assignments`` for async callers: awaits the group commit without holding a thread."""
    await group_commit.writer(store).write_async((), _assignment_rows(user_id, pairs, run_id))


def _assignment_rows(user_id: str, pairs: list[tuple[str, str]], run_id: str | None) -> list[tuple]:
    now = _utcnow()
    return [(key, user_id, variant, now, run_id) for key, variant in pairs]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
