"""The SQL lab's own small pool of threads, so a busy lab never makes the rest of the server wait.

Storage calls from the event loop run in threads (``asyncio.to_thread``), on the loop's default executor, which
the tracking API, the pages and the swarm's bookkeeping share: six tabs each running a slow lab query there once
made ``POST /api/events`` wait 3.4 s. Lab queries run here instead: ``workers`` threads and room for ``queue``
more queries waiting. When both are taken, a new query is refused at once ("the SQL lab is busy") instead of
waiting. A query whose page went away still finishes in its thread and then frees its place.
"""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from marts.storage.readonly import busy

T = TypeVar("T")
LAB_WORKERS = 2
LAB_QUEUE = 2
THREAD_PREFIX = "novarium-sql-lab"


class LabPool:
    """At most ``workers`` lab queries at a time, ``queue`` more waiting; beyond that, a QueryFailed (BUSY) at once."""

    def __init__(self, workers: int = LAB_WORKERS, queue: int = LAB_QUEUE) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("workers: at least 1; queue: at least 0")
        self.capacity = workers + queue
        self._places = threading.BoundedSemaphore(self.capacity)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=THREAD_PREFIX)

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` on a lab thread, awaited without blocking the event loop.

        Raises:
            QueryFailed: ``BUSY`` when every place is taken; nothing ran.
        """
        if not self._places.acquire(blocking=False):
            raise busy(self.capacity)
        try:
            future: Future[T] = self._executor.submit(function, *args)
        except BaseException:
            self._places.release()
            raise
        future.add_done_callback(lambda _: self._places.release())
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        """Stop taking queries and let the running ones finish (tests, and a clean server stop)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


LAB_POOL = LabPool()
"""The server's one pool for SQL lab queries."""
