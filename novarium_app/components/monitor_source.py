"""Where the Runs page gets a run's monitor: ``marts.monitor`` over the process's Store, shared and throttled.

Every open tab polls, so one process-wide cache sits in front of the SQL: a finished run's monitor is computed once
per state of the run, and a running run's at most once per ``refresh_seconds`` (longer when a look is slow: never
more often than every ``SLOW_FACTOR`` times its own duration, up to ``MAX_REFRESH_SECONDS``), whichever tab asks. A
per-run lock makes concurrent tabs wait for one computation instead of running their own. ``read_monitor`` runs it
in a small pool of its own, so monitor reads neither wait behind nor crowd out the app's other blocking calls.
"""

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from marts.monitor import RunMonitor, monitor_run
from novarium_app.services import get_store

log = logging.getLogger("novarium.monitor")

REFRESH_SECONDS = 1.5
SLOW_FACTOR = 3.0
MAX_REFRESH_SECONDS = 10.0
CACHED_RUNS = 16
READERS = 2


@dataclass(frozen=True)
class _Entry:
    version: str
    monitor: RunMonitor
    computed_at: float
    seconds: float


Compute = Callable[[str, datetime], RunMonitor]


def _from_store(run_id: str, now: datetime) -> RunMonitor:
    return monitor_run(get_store(), run_id, now)


class MonitorCache:
    """Monitors by run id, newest first, at most ``size`` runs; ``compute(run_id, now)`` reads one."""

    def __init__(
        self, compute: Compute = _from_store, size: int = CACHED_RUNS, refresh_seconds: float = REFRESH_SECONDS
    ) -> None:
        self._compute = compute
        self._size = size
        self._refresh = refresh_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, run_id: str, version: str, live: bool) -> RunMonitor:
        """The run's monitor, recomputed only when ``version`` (the run's status and counts) moved on.

        Args:
            run_id: the run.
            version: what the caller knows of the run; a finished run's monitor is reused while it is unchanged.
            live: the run is executing: its monitor is reused for a short while whatever the version.
        """
        with self._guard:
            lock = self._locks.setdefault(run_id, threading.Lock())
        with lock:
            entry = self._entries.get(run_id)
            if entry is not None and self._fresh(entry, version, live):
                return entry.monitor
            started = time.monotonic()
            monitor = self._compute(run_id, datetime.now(UTC).replace(tzinfo=None))
            finished = time.monotonic()
            log.debug("monitor of %s (%s) read in %.3f s", run_id, version, finished - started)
            with self._guard:
                self._entries[run_id] = _Entry(version, monitor, finished, finished - started)
                self._entries.move_to_end(run_id, last=False)
                while len(self._entries) > self._size:
                    dropped, _ = self._entries.popitem()
                    self._locks.pop(dropped, None)
            return monitor

    def _fresh(self, entry: _Entry, version: str, live: bool) -> bool:
        if not live:
            return entry.version == version
        age = time.monotonic() - entry.computed_at
        return age < min(MAX_REFRESH_SECONDS, max(self._refresh, SLOW_FACTOR * entry.seconds))


_cache = MonitorCache()
_readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="novarium-monitor")


def load_monitor(run_id: str, version: str, live: bool) -> RunMonitor:
    """The run's monitor from the process-wide cache (blocking)."""
    return _cache.get(run_id, version, live)


async def read_monitor(run_id: str, version: str, live: bool) -> RunMonitor:
    """``load_monitor`` off the event loop, in the monitor's own threads."""
    return await asyncio.get_running_loop().run_in_executor(_readers, load_monitor, run_id, version, live)
