"""Run the HTTP swarm against a served app from a browser test, the way ``novarium swarm`` does."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from swarm.recorder import HttpRecorder
from swarm.runner import RunManager, RunRequest


def swarm_to_completion(base: str, request: RunRequest) -> str:
    """Run ``request`` to the end over HTTP from a fresh thread (Playwright keeps an event loop in this one).

    Returns the run's id; fails unless the run completed.
    """

    async def go() -> str:
        recorder = HttpRecorder(base)
        try:
            manager = RunManager(None, base, recorder=recorder)
            run_id = await manager.start(request)
            final = await manager.wait(run_id)
            assert final.status == "completed", final
            return run_id
        finally:
            await recorder.aclose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()
