"""A per-Store, in-process cache of one value (the live experiments and adopted config), with immediate invalidation.

Writes made through the shop's modules call ``invalidate`` so this process sees them at once; writes made by another
process (the CLI, a second server) show up when the value is ``TTL_SECONDS`` old. A load that raced an invalidation
is returned to its caller but not kept, so a stale value never outlives a write made in this process.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

TTL_SECONDS = 1.0

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    value: Any
    loaded_at: float
    generation: int


_lock = threading.Lock()
_entries: WeakKeyDictionary[object, _Entry] = WeakKeyDictionary()
_generations: WeakKeyDictionary[object, int] = WeakKeyDictionary()
clock: Callable[[], float] = time.monotonic


def cached(store: object, load: Callable[[], T]) -> T:
    """The store's cached value, calling ``load`` when there is none, it is stale, or it was invalidated."""
    now = clock()
    with _lock:
        generation = _generations.get(store, 0)
        entry = _entries.get(store)
        if entry is not None and entry.generation == generation and now - entry.loaded_at < TTL_SECONDS:
            return entry.value
    value = load()
    with _lock:
        if _generations.get(store, 0) == generation:
            _entries[store] = _Entry(value, now, generation)
    return value


def peek(store: object) -> Any:
    """The store's cached value when it is fresh, else None (never loads: safe to call on the event loop)."""
    now = clock()
    with _lock:
        entry = _entries.get(store)
        if entry is not None and entry.generation == _generations.get(store, 0) and now - entry.loaded_at < TTL_SECONDS:
            return entry.value
    return None


def invalidate(store: object) -> None:
    """Forget the store's cached value; the next ``cached`` call loads it again."""
    with _lock:
        _generations[store] = _generations.get(store, 0) + 1
        _entries.pop(store, None)
