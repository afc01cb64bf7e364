"""Where a run's executor records the run: straight into the Store (in the server) or over HTTP (from the CLI).

With embedded DuckDB only the server may open the database, so a run executing in another process creates and
updates its ``runs`` row through ``swarm.api``. Both implementations of ``RunRecorder`` call the same functions of
``swarm.runs``, so a run reads back the same whichever process executed it.
"""

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, Protocol

import httpx

from marts.storage import Store
from shop.fields import utc_naive
from shop.site_guard import CLIENT_HEADER
from swarm import runs
from swarm.runs import Completion, Roster, RunRow, RunSpec, RunUpdate
from swarm.world import World


class RecorderError(RuntimeError):
    """The run could not be recorded; ``str()`` says which request failed and why."""


class RunRecorder(Protocol):
    """The storage a run executor needs. Async methods never block the loop; ``read``/``read_all`` may block."""

    async def create(self, spec: RunSpec) -> RunRow:
        """Store a new running run (with its plan and ground truth)."""
        ...

    async def update(self, run_id: str, update: RunUpdate) -> RunRow:
        """Record the run's counts, status, error and end."""
        ...

    async def reopen(self, run_id: str) -> tuple[RunRow, Completion]:
        """Set a stopped, interrupted or failed run running again; returns it and the agents already done."""
        ...

    async def roster(self, run_id: str) -> Roster:
        """Who the run's agents are."""
        ...

    def read(self, run_id: str) -> RunRow | None:
        """The stored run, or None (blocking)."""
        ...

    def read_all(self, experiment_key: str | None = None) -> list[RunRow]:
        """Every stored run, or the experiment's, newest first (blocking)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class StoreRecorder:
    """Records runs straight into the Store (in the server process), in worker threads."""

    def __init__(self, store_provider: Callable[[], Store]) -> None:
        self._store = store_provider

    async def create(self, spec: RunSpec) -> RunRow:
        """See ``RunRecorder``."""
        return await asyncio.to_thread(runs.create_run, self._store(), spec)

    async def update(self, run_id: str, update: RunUpdate) -> RunRow:
        """See ``RunRecorder``."""
        return await asyncio.to_thread(runs.update_run, self._store(), run_id, update)

    async def reopen(self, run_id: str) -> tuple[RunRow, Completion]:
        """See ``RunRecorder``."""
        return await asyncio.to_thread(runs.reopen_run, self._store(), run_id)

    async def roster(self, run_id: str) -> Roster:
        """See ``RunRecorder``."""
        return await asyncio.to_thread(runs.roster, self._store(), run_id)

    def read(self, run_id: str) -> RunRow | None:
        """See ``RunRecorder``."""
        try:
            return runs.get_run(self._store(), run_id)
        except runs.RunNotFound:
            return None

    def read_all(self, experiment_key: str | None = None) -> list[RunRow]:
        """See ``RunRecorder``."""
        return runs.list_runs(self._store(), experiment_key)

    async def aclose(self) -> None:
        """Nothing to release: the Store belongs to the process."""


class HttpRecorder:
    """Records runs through the server's ``/api/runs`` endpoints (for executors outside the server process).

    Args:
        base_url: the app's origin.
        token: the admin token, needed when the app is not bound to localhost.
        timeout: seconds per request.
        clients: an async and a blocking client to use instead (tests pass clients bound to an in-process app).

    Every request says it comes from a script (``X-NovaRium-Client``), so the site guard lets the bodiless ones
    (resume) through; it sends no Origin.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        clients: tuple[httpx.AsyncClient, httpx.Client] | None = None,
    ) -> None:
        if clients is None:
            headers = {CLIENT_HEADER: "novarium-cli"} | ({"Authorization": f"Bearer {token}"} if token else {})
            options: dict[str, Any] = {"base_url": base_url.rstrip("/"), "headers": headers, "timeout": timeout}
            clients = httpx.AsyncClient(trust_env=False, **options), httpx.Client(trust_env=False, **options)
        self._client, self._sync = clients

    async def create(self, spec: RunSpec) -> RunRow:
        """See ``RunRecorder``."""
        body = {
            "run_id": spec.run_id,
            "experiment_key": spec.experiment_key,
            "agents": spec.agents,
            "concurrency": spec.concurrency,
            "seed": spec.seed,
            "days": spec.days,
            "think_time": spec.think_time,
            "switches": spec.switches.to_dict(),
            "ends_at": spec.ends_at.isoformat() if spec.ends_at else None,
        }
        return _row(await self._call("POST", "/api/runs", body), secret=True)

    async def update(self, run_id: str, update: RunUpdate) -> RunRow:
        """See ``RunRecorder``."""
        body = asdict(update)
        body["finished_at"] = update.finished_at.isoformat() if update.finished_at else None
        return _row(await self._call("POST", f"/api/runs/{run_id}/progress", body))

    async def reopen(self, run_id: str) -> tuple[RunRow, Completion]:
        """See ``RunRecorder``."""
        answer = await self._call("POST", f"/api/runs/{run_id}/resume")
        done = Completion(runs.from_ranges(answer["done"]), int(answer["events_stored"]))
        return _row(answer["run"], secret=True), done

    async def roster(self, run_id: str) -> Roster:
        """See ``RunRecorder``."""
        answer = await self._call("GET", f"/api/runs/{run_id}/population")
        return Roster(answer["user_ids"], answer["personas"], answer["mix"], World.from_dict(answer["world"]))

    def read(self, run_id: str) -> RunRow | None:
        """See ``RunRecorder``."""
        response = self._sync.get(f"/api/runs/{run_id}")
        if response.status_code == 404:
            return None
        return _row(_checked("GET", f"/api/runs/{run_id}", response))

    def read_all(self, experiment_key: str | None = None) -> list[RunRow]:
        """See ``RunRecorder``."""
        params = {"experiment_key": experiment_key} if experiment_key else {}
        return [_row(item) for item in _checked("GET", "/api/runs", self._sync.get("/api/runs", params=params))]

    async def aclose(self) -> None:
        """Close both clients."""
        await self._client.aclose()
        self._sync.close()

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = await self._client.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise RecorderError(f"{method} {path}: {type(error).__name__}: {error}") from None
        return _checked(method, path, response)


def _checked(method: str, path: str, response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    raise RecorderError(f"{method} {path}: {response.status_code} {detail}")


def _row(data: dict[str, Any], *, secret: bool = False) -> RunRow:
    """A run as the API answered it; ``secret``: the answer carries the run's secret (create, resume)."""
    return RunRow(
        run_id=data["run_id"],
        experiment_key=data["experiment_key"],
        kind=data["kind"],
        status=data["status"],
        seed=int(data["seed"]),
        params=data["params"],
        agents_planned=int(data["agents_planned"]),
        agents_done=int(data["agents_done"]),
        events_sent=int(data["events_sent"]),
        events_stored=int(data["events_stored"]),
        error=data["error"],
        started_at=_naive(data["started_at"]),
        finished_at=_naive(data["finished_at"]) if data["finished_at"] else None,
        secret=str(data["secret"]) if secret else None,
    )


def _naive(text: str) -> datetime:
    """An answered time (UTC, with its zone) as the naive UTC the Store holds."""
    return utc_naive(datetime.fromisoformat(text))
