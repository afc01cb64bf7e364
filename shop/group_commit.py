"""Group commit: concurrent requests' events and assignments are written together, in one transaction per flush.

Writing each request in its own transaction made the database the bottleneck of ingestion (embedded DuckDB commits
are slow, and concurrent ones conflict). Here every write is queued; whoever finds no flush running starts one, and
the flush writes everything queued so far, then whatever arrived meanwhile, until the queue is empty. Under load
flushes are spaced ``MIN_FLUSH_INTERVAL`` apart, so each carries hundreds of requests.

Events are tracked events: ``bulk_insert("events")`` writes them to ``tracked_events``, unique by ``event_id``
(``marts.schema``); the engine's runs live in the unkeyed ``engine_events`` and are never compared with them.

Each caller still gets its own exact result. Inside a flush the first occurrence of an event id (in queue order) is
the one kept; an id already stored counts as a duplicate of the request that sent it. Events go in with a plain bulk
insert, optimistically: ``INSERT ... ON CONFLICT DO NOTHING`` costs embedded DuckDB several times more on a large
``events`` table. When an id was stored already the primary key refuses the insert; the flush is rolled back and
redone with a lookup of the stored ids, so every request's ``accepted`` stays exact and nothing is stored twice.
Assignments are insert-if-absent (the first one recorded stays).
"""

import asyncio
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import pandas as pd
import sqlalchemy as sa

from marts.storage import StorageError, Store

EVENT_COLUMNS = (
    "event_id",
    "user_id",
    "name",
    "ts",
    "experiment_key",
    "variant",
    "value",
    "props",
    "run_id",
    "received_at",
)
ASSIGNMENT_COLUMNS = ("experiment_key", "user_id", "variant", "assigned_at", "run_id")
WRITE_ATTEMPTS = 3
MIN_FLUSH_INTERVAL = 0.2
"""Seconds between the starts of two flushes under load. A flush costs the database about the same for 5 rows as for
2,000, so when the last flush carried several writers, the next waits up to this long for more to join it, unless
writes stop arriving for ``QUIET_SECONDS``; a lone writer (a visitor clicking through the shop, a test) is flushed
at once."""
QUIET_SECONDS = 0.01
LOOKUP_CHUNK = 500

_STORED = sa.text("SELECT event_id FROM tracked_events WHERE event_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True)
)
"""Ids already stored, looked up in the keyed table behind ``events`` (its index; the view's engine part is unkeyed
and never written here)."""


@dataclass
class _Write:
    """One caller's rows (tuples in EVENT_COLUMNS / ASSIGNMENT_COLUMNS order) and the future of its result."""

    events: Sequence[tuple]
    assignments: Sequence[tuple]
    future: Future = field(default_factory=Future)


class GroupCommit:
    """The write queue of one Store."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.Lock()
        self._queue: list[_Write] = []
        self._flushing = False
        self._last_flush = 0.0
        self._busy = False

    def write(self, events: Sequence[tuple], assignments: Sequence[tuple] = ()) -> int:
        """Store the rows (insert-if-absent) and return how many of ``events`` were new; blocks until committed.

        Raises:
            StorageError: when the database fails; nothing from the flush is stored.
        """
        item, lead = self._submit(events, assignments)
        if lead:
            self._drain()
        return item.future.result()

    async def write_async(self, events: Sequence[tuple], assignments: Sequence[tuple] = ()) -> int:
        """Like ``write``, awaiting the flush without holding a thread; a needed flush runs in a worker thread."""
        item, lead = self._submit(events, assignments)
        if lead:
            asyncio.get_running_loop().run_in_executor(None, self._drain)
        return await asyncio.wrap_future(item.future)

    def _submit(self, events: Sequence[tuple], assignments: Sequence[tuple]) -> tuple[_Write, bool]:
        item = _Write(events, assignments)
        with self._lock:
            self._queue.append(item)
            lead = not self._flushing
            self._flushing = True
        return item, lead

    def _drain(self) -> None:
        """Flush until the queue is empty (the caller became the flusher in ``_submit``)."""
        while True:
            if self._busy:
                self._gather()
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._flushing = False
                    return
            self._last_flush = time.monotonic()
            self._busy = len(batch) > 1
            try:
                counts = self._flush(batch)
            except BaseException as error:  # every waiting caller must learn of the failure, whatever it is
                for item in batch:
                    item.future.set_exception(error)
                if not isinstance(error, Exception):
                    with self._lock:
                        self._flushing = False
                    raise
            else:
                for item, count in zip(batch, counts, strict=True):
                    item.future.set_result(count)

    def _gather(self) -> None:
        """Let concurrent writes join the next flush; runs in the flushing worker thread, never on the event loop.

        Waits until ``MIN_FLUSH_INTERVAL`` after the last flush started, or until no write arrived for
        ``QUIET_SECONDS`` (every client is already waiting on its answer).
        """
        deadline = self._last_flush + MIN_FLUSH_INTERVAL
        queued = -1
        while (left := deadline - time.monotonic()) > 0:
            with self._lock:
                if len(self._queue) == queued:
                    return
                queued = len(self._queue)
            time.sleep(min(QUIET_SECONDS, left))

    def _flush(self, batch: list[_Write]) -> list[int]:
        """Write a batch: optimistically first, then with a lookup of the stored ids; returns each item's new events."""
        reason = ""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return self._write(batch, lookup=attempt > 0)
            except (StorageError, sa.exc.DBAPIError) as failure:
                # An id already stored (a retry, a resumed run, a visitor's repeated exposure) fails the optimistic
                # insert; so does a transaction of another writer colliding with this one before either commits
                # (DuckDB reports it as an error). The next attempt looks the stored ids up and sees committed rows.
                reason = str(getattr(failure, "orig", None) or failure).splitlines()[0]
        raise StorageError(f"events: cannot store a flush of {len(batch)} request(s): {reason}")

    def _write(self, batch: list[_Write], *, lookup: bool) -> list[int]:
        owners: dict[str, int] = {}
        rows: list[tuple] = []
        for position, item in enumerate(batch):
            for row in item.events:
                if row[0] not in owners:
                    owners[row[0]] = position
                    rows.append(row)
        assignments = [row for item in batch for row in item.assignments]
        store = self._store()
        if store is None:
            raise StorageError("events: the store was closed before the flush")
        with store.transaction() as conn:
            if lookup and rows:
                stored = _stored_ids(conn, list(owners))
                rows = [row for row in rows if row[0] not in stored]
            if rows:
                store.bulk_insert("events", pd.DataFrame.from_records(rows, columns=EVENT_COLUMNS), conn=conn)
            if assignments:
                frame = pd.DataFrame.from_records(assignments, columns=ASSIGNMENT_COLUMNS)
                store.bulk_insert_ignore("assignments", frame, conn=conn)
        counts = [0] * len(batch)
        for row in rows:
            counts[owners[row[0]]] += 1
        return counts


def _stored_ids(conn: sa.Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        found.update(conn.execute(_STORED, {"ids": ids[start : start + LOOKUP_CHUNK]}).scalars())
    return found


_lock = threading.Lock()
_writers: WeakKeyDictionary[Store, GroupCommit] = WeakKeyDictionary()


def writer(store: Store) -> GroupCommit:
    """The store's write queue (one per Store in this process)."""
    with _lock:
        found = _writers.get(store)
        if found is None:
            found = _writers[store] = GroupCommit(store)
        return found
