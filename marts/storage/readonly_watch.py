"""Watch a running query from a second thread: interrupt it at its time limit, or when memory grows past its limit.

Embedded DuckDB runs inside the app's own process, and its per-connection ``operator_memory_limit`` bounds only
sorts and hash tables: strings, lists and aggregate states built by an expression are not counted there. So the
watch measures what the learner would break, the process's resident memory (RSS), and interrupts the query once it
has grown ``memory_mb`` above where it started. DuckDB notices an interrupt between vectors of rows.
"""

import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from marts.storage.readonly import Limits

TIME = "time"
MEMORY = "memory"
EVERY_SECONDS = 0.02
_STATM = Path("/proc/self/statm")
_PAGE = resource.getpagesize()


def resident_bytes() -> int:
    """This process's resident memory now (Linux), or its peak where /proc is missing."""
    try:
        return int(_STATM.read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class Watch:
    """A context that calls ``interrupt`` once the time limit passes or memory grows past the limit.

    Attributes:
        reason: ``TIME`` or ``MEMORY`` once it interrupted, else "".
        grown: the most the process's memory grew while watched, in bytes.
    """

    def __init__(self, interrupt: Callable[[], None], limits: Limits) -> None:
        self.reason = ""
        self.grown = 0
        self._interrupt = interrupt
        self._seconds = limits.timeout_seconds
        self._budget = limits.memory_mb * 1024 * 1024
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="novarium-sql-lab-watch", daemon=True)

    def __enter__(self) -> "Watch":
        self._start_bytes = resident_bytes()
        self._deadline = time.monotonic() + self._seconds
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(EVERY_SECONDS):
            self.grown = max(self.grown, resident_bytes() - self._start_bytes)
            if self.grown > self._budget:
                self._fire(MEMORY)
                return
            if time.monotonic() >= self._deadline:
                self._fire(TIME)
                return

    def _fire(self, reason: str) -> None:
        self.reason = reason
        self._interrupt()
