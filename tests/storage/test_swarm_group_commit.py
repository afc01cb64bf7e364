"""Group commit under concurrent writers, on DuckDB and on PostgreSQL: one flush, exact answers per request."""

import asyncio
import threading

import pytest

from shop import group_commit, tracking
from shop.visitors import record_assignments_async


def event(event_id: str, user: str = "u1") -> dict:
    return {"event_id": event_id, "user_id": user, "name": "page_view"}


@pytest.fixture(autouse=True)
def batching(monkeypatch):
    monkeypatch.setattr(group_commit, "MIN_FLUSH_INTERVAL", 0.05)


def test_concurrent_batches_each_get_their_exact_count_when_some_ids_are_stored(store):
    tracking.ingest(store, [event(f"b{i}-0") for i in range(40)])  # each batch's first id is stored already

    async def send_all() -> list[tracking.IngestResult]:
        batches = [[event(f"b{i}-{k}") for k in range(5)] for i in range(40)]
        return await asyncio.gather(*(tracking.ingest_async(store, batch) for batch in batches))

    results = asyncio.run(send_all())
    assert [(r.accepted, r.duplicates) for r in results] == [(4, 1)] * 40
    assert store.row_count("events") == 40 * 5


def test_ids_shared_by_concurrent_batches_are_stored_once_and_counted_once(store):
    shared = [event(f"s{k}") for k in range(10)]

    async def send_all() -> list[tracking.IngestResult]:
        batches = [[*shared, event(f"own{i}")] for i in range(30)]
        return await asyncio.gather(*(tracking.ingest_async(store, batch) for batch in batches))

    results = asyncio.run(send_all())
    assert sum(r.accepted for r in results) == 10 + 30
    assert all(r.accepted + r.duplicates == 11 for r in results)
    assert store.row_count("events") == 40


def test_threads_and_the_event_loop_share_one_queue(store):
    results: list[int] = []

    def in_thread(i: int) -> None:
        results.append(tracking.ingest(store, [event(f"t{i}"), event("both")]).accepted)

    threads = [threading.Thread(target=in_thread, args=(i,)) for i in range(8)]

    async def from_loop() -> int:
        return (await tracking.ingest_async(store, [event("loop"), event("both")])).accepted

    for thread in threads:
        thread.start()
    results.append(asyncio.run(from_loop()))
    for thread in threads:
        thread.join()
    assert sum(results) == 8 + 1 + 1 and store.row_count("events") == 10


def test_the_first_assignment_recorded_stays(store):
    async def record() -> None:
        await asyncio.gather(
            *(record_assignments_async(store, "u1", [("k", variant)], run_id=f"r{i}") for i, variant in enumerate("ab"))
        )
        await record_assignments_async(store, "u1", [("k", "c")])

    asyncio.run(record())
    rows = store.query("SELECT variant, run_id FROM assignments WHERE user_id = 'u1'")
    assert rows == [{"variant": "a", "run_id": "r0"}]


def test_a_failing_database_fails_every_waiting_request_and_the_queue_recovers(store, monkeypatch):
    def broken(*args, **kwargs):
        raise group_commit.StorageError("events: bulk load failed: disk full")

    monkeypatch.setattr(store, "bulk_insert", broken)
    with pytest.raises(group_commit.StorageError, match="cannot store a flush of 1 request"):
        tracking.ingest(store, [event("x1")])
    monkeypatch.undo()
    assert tracking.ingest(store, [event("x1")]).accepted == 1
