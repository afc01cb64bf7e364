"""Lesson simulations run off the event loop, one per browser tab and lesson, with progress and a stop switch.

A simulation is CPU work in a worker thread. The page's background event polls its ``Job`` a few times a second
and copies the progress into the state; the Stop button sets the job's ``cancel`` event, which the lesson checks
after every experiment.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

POLL_SECONDS = 0.25
Result = TypeVar("Result")


@dataclass
class Job:
    """One running simulation: how far it is and whether the learner asked it to stop."""

    cancel: threading.Event = field(default_factory=threading.Event)
    done: int = 0
    total: int = 0

    def progress(self, done: int, total: int) -> None:
        """The lesson's progress callback (called from the worker thread)."""
        self.done, self.total = done, total


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start_job(key: str) -> Job | None:
    """A new job under ``key``, or None when one is already running there."""
    with _lock:
        if key in _jobs:
            return None
        job = _jobs[key] = Job()
        return job


def stop_job(key: str) -> bool:
    """Ask the job under ``key`` to stop; False when there is none."""
    with _lock:
        job = _jobs.get(key)
    if job is None:
        return False
    job.cancel.set()
    return True


def end_job(key: str) -> None:
    """Forget the job under ``key``."""
    with _lock:
        _jobs.pop(key, None)


async def run_job(
    job: Job,
    work: Callable[[Callable[[int, int], None], threading.Event], Result],
    report: Callable[[int, int], Awaitable[None]],
) -> Result:
    """Run ``work(progress, cancel)`` in a thread; await ``report(done, total)`` whenever progress moved.

    If the awaiting task is cancelled (the server shuts down), the work is told to stop too.
    """
    task = asyncio.ensure_future(asyncio.to_thread(work, job.progress, job.cancel))
    reported = -1
    try:
        while True:
            finished, _ = await asyncio.wait({task}, timeout=POLL_SECONDS)
            if job.done != reported:
                reported = job.done
                await report(job.done, job.total)
            if finished:
                return task.result()
    except asyncio.CancelledError:
        job.cancel.set()
        raise
