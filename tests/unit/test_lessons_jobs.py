"""Lesson jobs: one per key, progress copied out while the work runs in a thread, and Stop reaching the work."""

import asyncio
import threading
import time

import pytest

from novarium_app.components import learn_jobs
from novarium_app.components.learn_jobs import end_job, run_job, start_job, stop_job
from swarm.lessons import LessonCancelled


def _slow_work(steps: int, pause: float = 0.02):
    def work(progress, cancel: threading.Event) -> int:
        for done in range(1, steps + 1):
            if cancel.is_set():
                raise LessonCancelled(f"stopped after {done - 1} of {steps} experiments")
            time.sleep(pause)
            progress(done, steps)
        return steps * 10

    return work


def test_progress_is_reported_while_the_work_runs_and_the_result_comes_back(monkeypatch):
    monkeypatch.setattr(learn_jobs, "POLL_SECONDS", 0.01)
    job = start_job("tab-1:aa")
    assert job is not None and start_job("tab-1:aa") is None  # one job per tab and lesson
    seen: list[tuple[int, int]] = []

    async def report(done: int, total: int) -> None:
        seen.append((done, total))

    try:
        assert asyncio.run(run_job(job, _slow_work(20), report)) == 200
    finally:
        end_job("tab-1:aa")
    assert seen[-1] == (20, 20)
    assert len(seen) > 2 and [done for done, _ in seen] == sorted({done for done, _ in seen})
    assert start_job("tab-1:aa") is not None
    end_job("tab-1:aa")


def test_stop_reaches_the_work_in_its_thread(monkeypatch):
    monkeypatch.setattr(learn_jobs, "POLL_SECONDS", 0.01)
    job = start_job("tab-2:peeking")

    async def report(done: int, total: int) -> None:
        if done >= 3:
            assert stop_job("tab-2:peeking")

    try:
        with pytest.raises(LessonCancelled, match=r"stopped after \d+ of 1000 experiments"):
            asyncio.run(run_job(job, _slow_work(1000), report))
    finally:
        end_job("tab-2:peeking")
    assert job.done < 1000
    assert not stop_job("tab-2:peeking")
