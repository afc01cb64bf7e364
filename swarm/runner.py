"""Runs: a swarm of HTTP agents against one experiment, started, stopped and resumed, with live progress.

A ``RunManager`` (one per process) executes each run as an asyncio task in the loop that started it: ``concurrency``
workers, each with its own keep-alive connection, take the next agent not yet done and play it (``swarm.agents``).
Agents go in the order of their first visit (``Crowd.arrival_order``), so a watched run fills its days in calendar
order; what each agent does depends on its index only, so the order changes no stored outcome. Progress (agents
done, events per second, ETA) is kept in memory and flushed to the ``runs`` row every ``flush_seconds`` through a
``RunRecorder``: straight into the Store in the server, over ``/api/runs`` from the CLI.

Statuses: running, completed, stopped (by ``stop``), failed (an agent's request failed for good; the error says
which) and interrupted (left running by a process that died; ``mark_interrupted`` sets it at start-up). A stop is
cooperative: agents finish the request in flight and send nothing more, so what is stored matches the counts.
``resume`` continues a stopped, interrupted or failed run with the agents not yet done, read back from the stored
events; an agent cut off mid-session is played again with the same event ids, so its stored events come back as
duplicates instead of being stored twice.
"""

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from marts.storage import Store
from swarm import runs
from swarm.agents import AgentError, AgentResult, Agents, SwarmContext
from swarm.recorder import RecorderError, RunRecorder, StoreRecorder
from swarm.runs import RunRow, RunSpec, RunStateError, RunUpdate
from swarm.switches import Switches

log = logging.getLogger("novarium.swarm")

FLUSH_SECONDS = 1.0
"""How often a live run's progress is written to its ``runs`` row."""


@dataclass(frozen=True)
class RunRequest:
    """What a learner asks for: ``agents`` users shopping the experiment, ``concurrency`` at a time.

    Attributes:
        experiment_key: a running experiment.
        agents: how many agents (users).
        concurrency: agents in flight at once.
        seed: the same seed and config give the same decisions.
        days: simulated days the visits spread over, ending now.
        think_time: seconds an agent pauses between two steps (0: turbo).
        switches: the realism switches.
    """

    experiment_key: str
    agents: int
    concurrency: int = 64
    seed: int = 0
    days: int = 1
    think_time: float = 0.0
    switches: Switches = field(default_factory=Switches)


@dataclass(frozen=True)
class RunProgress:
    """A run as the Lab shows it; live while it runs in this process, else as last recorded."""

    run_id: str
    experiment_key: str
    status: str
    agents_planned: int
    agents_done: int
    events_sent: int
    events_stored: int
    events_per_second: float
    eta_seconds: float | None
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    kind: str = runs.KIND
    """"http" for agents over HTTP, "engine" for a fast-forwarded run (listed here too; never resumed)."""


@dataclass(frozen=True)
class RunSummary:
    """What a run did in this process (for the CLI's closing summary).

    Attributes:
        progress: the run's progress.
        sessions: visits the agents made.
        duplicates: events the server already had (retries, resumed agents).
        rejected: events the server refused.
        retries: requests sent again after a 5xx, a timeout or a connection error.
        assigned: agents per variant ("(none)" outside the experiment's allocation).
        partial: agents cut off mid-session (by a stop or a failure).
        elapsed_seconds: wall-clock time of this process's part of the run.
    """

    progress: RunProgress
    sessions: int
    duplicates: int
    rejected: int
    retries: int
    assigned: dict[str, int]
    partial: int
    elapsed_seconds: float

    @property
    def agents_per_second(self) -> float:
        """Agents finished per second of this process's part of the run."""
        return self.finished_here / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    @property
    def finished_here(self) -> int:
        """Agents finished by this process (a resumed run's earlier agents excluded)."""
        return sum(self.assigned.values())


@dataclass
class _Execution:
    """A run executing in this process: its counters, its stop flag and its task."""

    row: RunRow
    done: frozenset[int]
    status: str = "running"
    error: str | None = None
    stopping: bool = False
    agents_done: int = 0
    events_sent: int = 0
    events_stored: int = 0
    sessions: int = 0
    duplicates: int = 0
    rejected: int = 0
    retries: int = 0
    partial: int = 0
    assigned: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    finished_at: datetime | None = None
    task: asyncio.Task | None = None
    base_sent: int = field(init=False)
    base_done: int = field(init=False)

    def __post_init__(self) -> None:
        self.agents_done = self.base_done = len(self.done)
        self.events_sent = self.base_sent = self.row.events_sent
        self.events_stored = self.row.events_stored

    def record(self, result: AgentResult) -> None:
        """Count one agent's session (complete or cut off)."""
        self.events_sent += result.events_sent
        self.events_stored += result.accepted
        self.duplicates += result.duplicates
        self.rejected += result.rejected
        self.retries += result.retries
        self.sessions += result.visits
        if result.complete:
            self.agents_done += 1
            self.assigned[result.variant or "(none)"] += 1
        elif result.events_sent or result.variant is not None:
            self.partial += 1

    def elapsed(self) -> float:
        """Seconds this process has executed the run."""
        return (self.ended or time.monotonic()) - self.started

    def update(self) -> RunUpdate:
        """The counts as a ``runs`` row update."""
        return RunUpdate(
            self.status, self.agents_done, self.events_sent, self.events_stored, self.error, self.finished_at
        )

    def progress(self) -> RunProgress:
        """Live progress: rates over this process's part of the run."""
        elapsed = self.elapsed()
        rate = (self.events_sent - self.base_sent) / elapsed if elapsed > 0 else 0.0
        agents_rate = (self.agents_done - self.base_done) / elapsed if elapsed > 0 else 0.0
        remaining = self.row.agents_planned - self.agents_done
        eta = remaining / agents_rate if agents_rate > 0 and self.status == "running" else None
        return RunProgress(
            run_id=self.row.run_id,
            experiment_key=self.row.experiment_key,
            status=self.status,
            agents_planned=self.row.agents_planned,
            agents_done=self.agents_done,
            events_sent=self.events_sent,
            events_stored=self.events_stored,
            events_per_second=rate,
            eta_seconds=0.0 if self.status == "running" and remaining == 0 else eta,
            started_at=self.row.started_at,
            finished_at=self.finished_at,
            error=self.error,
        )


class RunManager:
    """Starts, stops, resumes and reports runs; one per process (the Lab keeps a module-level instance).

    Args:
        store_provider: the process's Store (runs are recorded straight into it), or None with ``recorder``.
        base_url: the shop's origin the agents call, e.g. ``http://127.0.0.1:3000``.
        recorder: where runs are recorded instead of the Store (the CLI passes an ``HttpRecorder``).
        flush_seconds: how often live progress is written to the ``runs`` row.
        transport: makes each agent worker's HTTP transport (tests pass an in-process app); default: keep-alive.
    """

    def __init__(
        self,
        store_provider: Callable[[], Store] | None,
        base_url: str,
        *,
        recorder: RunRecorder | None = None,
        flush_seconds: float = FLUSH_SECONDS,
        transport: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        if recorder is None:
            if store_provider is None:
                raise ValueError("store_provider: is required when no recorder is given")
            recorder = StoreRecorder(store_provider)
        self.base_url = base_url
        self.recorder = recorder
        self.flush_seconds = flush_seconds
        self.transport = transport
        self._live: dict[str, _Execution] = {}

    async def start(self, request: RunRequest) -> str:
        """Record a new run and start executing it in the calling loop; returns its id.

        Raises:
            ValueError: naming the field and the rule when the request is invalid.
            RecorderError, ExperimentNotFound, TransitionError: when the run cannot be recorded (for instance, the
                experiment is not running).
        """
        _check(request)
        spec = RunSpec(
            run_id=new_run_id(),
            experiment_key=request.experiment_key,
            agents=request.agents,
            concurrency=request.concurrency,
            seed=request.seed,
            days=request.days,
            think_time=request.think_time,
            switches=request.switches,
        )
        row = await self.recorder.create(spec)
        self._launch(_Execution(row, frozenset()))
        return row.run_id

    async def stop(self, run_id: str) -> None:
        """Stop a run executing here: requests in flight finish, nothing more is sent; returns once recorded.

        Raises:
            RunStateError: when the run is not executing in this process.
        """
        execution = self._live.get(run_id)
        if execution is None or execution.task is None:
            raise RunStateError(f"run {run_id!r} is not executing in this process")
        execution.stopping = True
        await asyncio.shield(execution.task)

    async def resume(self, run_id: str) -> None:
        """Continue a stopped, interrupted or failed run with the agents not yet done.

        Raises:
            RunStateError: when the run is executing, or completed.
        """
        live = self._live.get(run_id)
        if live is not None and live.task is not None and not live.task.done():
            raise RunStateError(f"run {run_id!r} is already running")
        row, completion = await self.recorder.reopen(run_id)
        self._launch(_Execution(row, completion.agents))

    async def wait(self, run_id: str) -> RunProgress:
        """Wait until a run started or resumed here ends; returns its final progress.

        Raises:
            RunStateError: when the run never executed in this process.
        """
        execution = self._live.get(run_id)
        if execution is None or execution.task is None:
            raise RunStateError(f"run {run_id!r} is not executing in this process")
        await asyncio.shield(execution.task)
        return execution.progress()

    def progress(self, run_id: str) -> RunProgress | None:
        """Live progress while the run executes in this process, else the recorded row (a blocking read)."""
        execution = self._executing(run_id)
        if execution is not None:
            return execution.progress()
        row = self.recorder.read(run_id)
        return None if row is None else _recorded(row)

    def list_runs(self, experiment_key: str | None = None) -> list[RunProgress]:
        """Every run (or the experiment's), newest first; live progress for those executing here (blocking read)."""
        listed = []
        for row in self.recorder.read_all(experiment_key):
            execution = self._executing(row.run_id)
            listed.append(execution.progress() if execution is not None else _recorded(row))
        return listed

    def _executing(self, run_id: str) -> _Execution | None:
        execution = self._live.get(run_id)
        if execution is None or execution.task is None or execution.task.done():
            return None
        return execution

    def summary(self, run_id: str) -> RunSummary | None:
        """What a run executed in this process did (None when it never executed here)."""
        execution = self._live.get(run_id)
        if execution is None:
            return None
        return RunSummary(
            progress=execution.progress(),
            sessions=execution.sessions,
            duplicates=execution.duplicates,
            rejected=execution.rejected,
            retries=execution.retries,
            assigned=dict(execution.assigned),
            partial=execution.partial,
            elapsed_seconds=execution.elapsed(),
        )

    def _launch(self, execution: _Execution) -> None:
        self._live[execution.row.run_id] = execution
        execution.task = asyncio.get_running_loop().create_task(
            self._execute(execution), name=f"swarm-run-{execution.row.run_id}"
        )

    async def _execute(self, execution: _Execution) -> None:
        row = execution.row
        finished = asyncio.Event()
        flusher = asyncio.create_task(self._flush_periodically(execution, finished))
        try:
            roster = await self.recorder.roster(row.run_id)
            context = SwarmContext(
                run_id=row.run_id,
                experiment_key=row.experiment_key,
                seed=row.seed,
                plan=row.plan(roster.world),
                roster=roster,
                agents=row.agents_planned,
                think_time=float(row.params.get("think_time", 0.0)),
                secret=row.secret,
            )
            agents = Agents(self.base_url, context, transport=self.transport)
            order = context.crowd.arrival_order()  # the calendar's order: day 1's visitors first
            pending = (int(index) for index in order if int(index) not in execution.done)
            workers = min(int(row.params.get("concurrency", 64)), max(row.agents_planned - len(execution.done), 1))
            await asyncio.gather(*(self._worker(agents, execution, pending) for _ in range(workers)))
            if execution.error is not None:
                execution.status = "failed"
            else:
                execution.status = "stopped" if execution.stopping else "completed"
        except asyncio.CancelledError:
            execution.status = "interrupted"  # the loop is shutting down: resume it on the next start
            raise
        except Exception as error:  # the task's boundary: whatever went wrong is recorded on the run, not lost
            log.exception("run %s failed", row.run_id)
            execution.status, execution.error = "failed", f"{type(error).__name__}: {error}"
        finally:
            # let a progress write under way land first: cancelled, its thread would still write stale counts
            # over the final ones
            finished.set()
            with suppress(asyncio.CancelledError):
                await flusher
            execution.ended = time.monotonic()
            execution.finished_at = _utcnow()
            await self._flush(execution)
            log.info("run %s %s: %s agents done", row.run_id, execution.status, execution.agents_done)

    async def _worker(self, agents: Agents, execution: _Execution, pending: Iterator[int]) -> None:
        def stopping() -> bool:
            return execution.stopping

        async with agents.connection() as client:
            for index in pending:
                if execution.stopping:
                    return
                result = AgentResult(index, "")
                try:
                    await agents.run_agent(client, index, stopping, result)
                except AgentError as error:
                    if execution.error is None:
                        execution.error = f"agent {index}: {error}"
                    execution.stopping = True
                finally:
                    execution.record(result)

    async def _flush_periodically(self, execution: _Execution, finished: asyncio.Event) -> None:
        """Record progress every ``flush_seconds`` until ``finished`` is set (a write under way completes)."""
        while True:
            try:
                await asyncio.wait_for(finished.wait(), self.flush_seconds)
                return
            except TimeoutError:
                await self._flush(execution)

    async def _flush(self, execution: _Execution) -> None:
        try:
            await self.recorder.update(execution.row.run_id, execution.update())
        except (RecorderError, runs.RunNotFound, OSError) as error:
            log.warning("run %s: progress not recorded: %s", execution.row.run_id, error)


def mark_interrupted(store: Store) -> int:
    """At start-up: runs left ``running`` by a process that died become ``interrupted``; returns how many."""
    return runs.mark_interrupted(store)


def new_run_id() -> str:
    """A fresh run id, e.g. ``run-3f2a9c0d1b7e``."""
    return f"run-{uuid.uuid4().hex[:12]}"


def _check(request: RunRequest) -> None:
    problems = []
    if not request.experiment_key:
        problems.append("experiment_key: is required")
    if not 1 <= request.agents <= 10_000_000:
        problems.append(f"agents: must be from 1 to 10,000,000 (got {request.agents})")
    if not 1 <= request.concurrency <= 10_000:
        problems.append(f"concurrency: must be from 1 to 10,000 (got {request.concurrency})")
    if not 1 <= request.days <= 90:
        problems.append(f"days: must be from 1 to 90 (got {request.days})")
    if not 0.0 <= request.think_time <= 60.0:
        problems.append(f"think_time: must be from 0 to 60 seconds (got {request.think_time})")
    if request.seed < 0:
        problems.append(f"seed: must be 0 or more (got {request.seed})")
    if problems:
        raise ValueError("; ".join(problems))


def _recorded(row: RunRow) -> RunProgress:
    end = row.finished_at
    seconds = (end - row.started_at).total_seconds() if end else 0.0
    return RunProgress(
        run_id=row.run_id,
        experiment_key=row.experiment_key,
        status=row.status,
        agents_planned=row.agents_planned,
        agents_done=row.agents_done,
        events_sent=row.events_sent,
        events_stored=row.events_stored,
        events_per_second=row.events_sent / seconds if seconds > 0 else 0.0,
        eta_seconds=None,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        kind=row.kind,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
