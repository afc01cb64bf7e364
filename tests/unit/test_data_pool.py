"""The SQL lab's own thread pool: a few queries at a time, "busy" at once beyond that, never the default executor."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from marts.storage import readonly as ro
from marts.storage.readonly import QueryFailed
from novarium_app.components import data_state
from novarium_app.components.data_pool import LAB_POOL, THREAD_PREFIX, LabPool

GUARD_SECONDS = 30  # only so a broken pool fails the test instead of hanging it; nothing here is timed


def _blocked(release: threading.Event, started: threading.Semaphore) -> str:
    started.release()
    release.wait(GUARD_SECONDS)
    return threading.current_thread().name


def test_a_full_pool_refuses_at_once_and_takes_queries_again_once_one_ends():
    async def scenario() -> None:
        pool = LabPool(workers=1, queue=1)
        release, started = threading.Event(), threading.Semaphore(0)
        running = [asyncio.create_task(pool.run(_blocked, release, started)) for _ in range(2)]
        await asyncio.to_thread(started.acquire, True, GUARD_SECONDS)  # the first runs, the second waits its turn
        with pytest.raises(QueryFailed) as caught:
            await pool.run(threading.current_thread)
        assert (caught.value.code, caught.value.subject) == (ro.BUSY, "2")
        assert "try again in a moment" in str(caught.value)
        release.set()
        names = await asyncio.wait_for(asyncio.gather(*running), GUARD_SECONDS)
        assert all(name.startswith(THREAD_PREFIX) for name in names)
        assert (await pool.run(lambda: 42)) == 42
        pool.shutdown()

    asyncio.run(scenario())


def test_lab_queries_never_wait_on_the_default_executor_and_it_never_waits_on_them():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
        pool = LabPool(workers=1, queue=0)
        default_free, lab_free = threading.Event(), threading.Event()
        blocked_default = asyncio.create_task(asyncio.to_thread(default_free.wait, GUARD_SECONDS))
        name = await asyncio.wait_for(pool.run(lambda: threading.current_thread().name), GUARD_SECONDS)
        assert name.startswith(THREAD_PREFIX)  # it ran while the default executor's one thread was taken
        default_free.set()
        await blocked_default
        blocked_lab = asyncio.create_task(pool.run(lab_free.wait, GUARD_SECONDS))
        await asyncio.sleep(0)
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "tracking"), GUARD_SECONDS) == "tracking"
        lab_free.set()
        await blocked_lab
        pool.shutdown()

    asyncio.run(scenario())


def test_the_data_page_runs_the_learners_query_on_the_lab_pool(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(data_state, "_run", lambda text: (text, threading.current_thread().name))
    text, name = asyncio.run(data_state.run_lab_query("SELECT 1"))
    assert text == "SELECT 1" and name.startswith(THREAD_PREFIX)
    assert LAB_POOL.capacity == 4
