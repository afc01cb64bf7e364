"""Swarm runs over HTTP (a FastAPI router): what the CLI needs, since only the server may open embedded DuckDB.

Reads of runs are open; creating a run, recording its progress, resuming it and reading its users are admin actions
(``Authorization: Bearer <NOVARIUM_ADMIN_TOKEN>`` when the app is not bound to localhost), like the shop's. Bodies
carry typed fields only (``shop.fields``); no endpoint runs SQL from a request, and none returns a run's ground truth
(the Lab reveals it after the learner's decision). Creating or resuming a run answers the run's secret, once: its
agents send it with their writes (``shop.run_secrets``). Nor can open reads help recompute the truth: they leave out
the run's plan (``PRIVATE_PARAMS``), and the deployment's world (the personas' secret knob sensitivities,
``swarm.world``) goes only to admins, with the run's users, since the agents the CLI runs must behave in it.
"""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from marts.storage import StorageError
from shop.access import Action
from shop.api import StoreDep, admin
from shop.api_errors import ADMIN_ERRORS, CONFLICT, ERROR_RESPONSES, NOT_FOUND, JsonRoute
from shop.fields import Count32, Count64, Flag, Text, Timestamp, UtcTime, bounded_int, bounded_number
from shop.repository import ExperimentNotFound, TransitionError
from shop.tracking import RUN_ID_PATTERN
from swarm import runs
from swarm.switches import Switches

T = TypeVar("T")

router = APIRouter(prefix="/runs", tags=["swarm"], route_class=JsonRoute, responses=ERROR_RESPONSES)
RunId = Annotated[Text, Path(max_length=40, description="The run's id.")]

PRIVATE_PARAMS = ("plan",)
"""Run params only admin responses carry: the plan as served (with its world's id), which the run's executor needs."""


class SwitchesIn(BaseModel):
    """The realism switches (``swarm.switches.Switches``); all off by default."""

    model_config = ConfigDict(extra="forbid")

    novelty: bounded_number(0.0, 5.0) = 0.0
    novelty_half_life_days: bounded_number(0.1, 60.0) = 2.0
    seasonality: Flag = False
    bot_share: bounded_number(0.0, 0.5) = 0.0
    exposure_bug: bounded_number(0.0, 0.9) = 0.0
    exposure_bug_variant: Text | None = Field(None, max_length=80)


class RunIn(BaseModel):
    """A new run of HTTP agents against a running experiment."""

    model_config = ConfigDict(extra="forbid")

    run_id: str = Field(pattern=RUN_ID_PATTERN, description="Chosen by the caller, so a retried create is detected.")
    experiment_key: Text = Field(max_length=80)
    agents: bounded_int(1, runs.MAX_AGENTS)
    concurrency: bounded_int(1, 10_000) = 64
    seed: Count64 = 0
    days: bounded_int(1, 90) = 1
    think_time: bounded_number(0.0, 60.0) = 0.0
    switches: SwitchesIn = SwitchesIn()
    ends_at: Timestamp | None = Field(
        None, description="End of the simulated window (default: now): from 2000-01-01 (less the days), not ahead."
    )


class ProgressIn(BaseModel):
    """A run's progress as its executor sees it."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["running", "completed", "stopped", "failed", "interrupted"]
    agents_done: Count32
    events_sent: Count64
    events_stored: Count64
    error: Text | None = Field(None, max_length=4000)
    finished_at: Timestamp | None = None


class RunOut(BaseModel):
    """A stored run (never its ground truth)."""

    run_id: str
    experiment_key: str
    kind: str
    status: str
    seed: int
    params: dict[str, Any]
    agents_planned: int
    agents_done: int
    events_sent: int
    events_stored: int
    error: str | None
    started_at: UtcTime
    finished_at: UtcTime | None

    @classmethod
    def of(cls, row: runs.RunRow, *, admin: bool = False) -> "RunOut":
        """The response body of a row; only admin responses carry ``PRIVATE_PARAMS``."""
        fields = {name: getattr(row, name) for name in cls.model_fields}
        if not admin:
            fields["params"] = {name: value for name, value in row.params.items() if name not in PRIVATE_PARAMS}
        return cls(**fields)


class CreatedRunOut(RunOut):
    """A new run, with the secret its agents send in ``X-Run-Secret`` (answered this once; only its hash is kept)."""

    secret: str

    @classmethod
    def created(cls, row: runs.RunRow) -> "CreatedRunOut":
        """The admin response body of a row just created or reopened (with its secret and its plan)."""
        return cls(**RunOut.of(row, admin=True).model_dump(), secret=row.secret or "")


class ResumeOut(BaseModel):
    """A reopened run (with its new secret) and the agents already done, as [start, end) index ranges."""

    run: CreatedRunOut
    done: list[tuple[int, int]]
    events_stored: int


class WorldOut(BaseModel):
    """How the personas react to knobs in this deployment (``swarm.world.World``; admin only)."""

    world_id: str | None
    sensitivities: dict[str, dict[str, float]]


class RosterOut(BaseModel):
    """Who the run's agents are: warehouse users first (with their personas), the mix new visitors draw from, and
    the world they behave in."""

    user_ids: list[str]
    personas: list[str]
    mix: dict[str, float]
    world: WorldOut


class AuditOut(BaseModel):
    """A run's stored data checked (see ``swarm.runs.RunAudit``); agent sets as [start, end) index ranges."""

    events_stored: int
    agents_done: list[tuple[int, int]]
    agents_with_events: list[tuple[int, int]]
    exposures: int
    exposure_mismatches: int
    assignment_mismatches: int
    decisions_digest: str


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn refusals into HTTP errors that name the rule."""
    try:
        yield
    except (runs.RunNotFound, ExperimentNotFound) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    except (runs.RunStateError, TransitionError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    except StorageError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [str(error)]) from None


async def _run(function: Callable[..., T], *args: Any) -> T:
    with _refusals():
        return await asyncio.to_thread(function, *args)


@router.get("", response_model=list[RunOut])
async def get_runs(
    store: StoreDep, experiment_key: Annotated[Text | None, Query(max_length=80)] = None
) -> list[RunOut]:
    """Every run (or one experiment's), newest first."""
    return [RunOut.of(row) for row in await _run(runs.list_runs, store, experiment_key)]


@router.post(
    "",
    response_model=CreatedRunOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=admin(Action.START_RUN),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def create_run(body: RunIn, store: StoreDep) -> CreatedRunOut:
    """Record a new running run with its plan and ground truth; 409 when the experiment is not running."""
    with _refusals():
        switches = Switches(**body.switches.model_dump())
    spec = runs.RunSpec(
        run_id=body.run_id,
        experiment_key=body.experiment_key,
        agents=body.agents,
        concurrency=body.concurrency,
        seed=body.seed,
        days=body.days,
        think_time=body.think_time,
        switches=switches,
        ends_at=body.ends_at,
    )
    return CreatedRunOut.created(await _run(runs.create_run, store, spec))


@router.get("/{run_id}", response_model=RunOut, responses=NOT_FOUND)
async def get_run(run_id: RunId, store: StoreDep) -> RunOut:
    """One run."""
    return RunOut.of(await _run(runs.get_run, store, run_id))


@router.post(
    "/{run_id}/progress",
    response_model=RunOut,
    dependencies=admin(Action.RECORD_RUN),
    responses={**ADMIN_ERRORS, **NOT_FOUND},
)
async def record_progress(run_id: RunId, body: ProgressIn, store: StoreDep) -> RunOut:
    """Record a run's counts and status (what its executor flushes every second or so)."""
    with _refusals():
        update = runs.RunUpdate(**body.model_dump())
    return RunOut.of(await _run(runs.update_run, store, run_id, update), admin=True)


@router.post(
    "/{run_id}/resume",
    response_model=ResumeOut,
    dependencies=admin(Action.RESUME_RUN),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def resume_run(run_id: RunId, store: StoreDep) -> ResumeOut:
    """Set a stopped, interrupted or failed run running again, with a new secret; returns the agents already done."""
    row, done = await _run(runs.reopen_run, store, run_id)
    run = CreatedRunOut.created(row)
    return ResumeOut(run=run, done=runs.to_ranges(done.agents), events_stored=done.events_stored)


@router.get(
    "/{run_id}/population",
    response_model=RosterOut,
    dependencies=admin(Action.READ_RUN_POPULATION),
    responses={**ADMIN_ERRORS, **NOT_FOUND},
)
async def population(run_id: RunId, store: StoreDep) -> RosterOut:
    """The run's warehouse users in its seeded order, with their personas, the population mix and the world."""
    roster = await _run(runs.roster, store, run_id)
    world = WorldOut(**roster.world.to_dict())
    return RosterOut(user_ids=roster.user_ids, personas=roster.personas, mix=roster.mix, world=world)


@router.get("/{run_id}/audit", response_model=AuditOut, responses=NOT_FOUND)
async def audit(run_id: RunId, store: StoreDep) -> AuditOut:
    """Check a run's stored events: agents done, variants against assignments and the assignment function."""
    found = await _run(runs.audit, store, run_id)
    return AuditOut(
        events_stored=found.events_stored,
        agents_done=runs.to_ranges(found.agents_done),
        agents_with_events=runs.to_ranges(found.agents_with_events),
        exposures=found.exposures,
        exposure_mismatches=found.exposure_mismatches,
        assignment_mismatches=found.assignment_mismatches,
        decisions_digest=found.decisions_digest,
    )
