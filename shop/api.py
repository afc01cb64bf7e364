"""The shop's JSON API: assignment, event tracking, experiments and adoptions (a FastAPI router).

The composition root includes ``router`` under ``/api`` and overrides two dependencies: ``get_store`` (the open
Store) and ``get_admin_policy`` (from the Settings). Until overridden, admin actions are refused and the Store is
missing, so an unwired router fails closed. Blocking database work runs in ``asyncio.to_thread``, and ingestion
writes through the group commit (``shop.group_commit``); no endpoint runs SQL from a request. Admin actions (create,
start, stop, complete, adopt, roll back) run ``shop.access.authorize``, the check the Lab's handlers run too: they
need ``Authorization: Bearer <NOVARIUM_ADMIN_TOKEN>`` whenever the app is not bound to localhost.
``shop.fast_path.IngestFastPath`` serves the two endpoints the swarm hammers with the same
code, without FastAPI's per-request machinery. Request fields are typed (``shop.fields``), refusals are answered as
``shop.api_errors`` documents them, and writes that name a swarm run need the run's secret (``shop.run_secrets``).
Cross-site requests and foreign Host headers are refused before any of this, by ``shop.site_guard``.
"""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, status
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, WithJsonSchema

from marts.etl import build_experiment_users
from marts.storage import StorageError, Store
from marts.units_export import units_csv
from shop import adoptions, repository, run_secrets, summary, tracking
from shop.access import Action, AdminPolicy, Caller, authorize
from shop.api_errors import ADMIN_ERRORS, CONFLICT, ERROR_RESPONSES, NOT_FOUND, JsonRoute, documented
from shop.experiments import ExperimentSpec, SpecError
from shop.fields import Text, UtcTime
from shop.visitors import MAX_ID_LENGTH, Live, VisitorView, live_async, record_assignments_async, visitor_view

T = TypeVar("T")

router = APIRouter(tags=["shop"], route_class=JsonRoute, responses=ERROR_RESPONSES)


def get_store() -> Store:
    """The open Store; the composition root overrides this dependency."""
    raise RuntimeError("shop.api.get_store is not wired: the app must override it in dependency_overrides")


async def get_admin_policy() -> AdminPolicy:
    """Fail closed (not local, no token) until the composition root overrides this dependency from the Settings."""
    return AdminPolicy(is_local=False, token=None)


_bearer = HTTPBearer(auto_error=False, description="NOVARIUM_ADMIN_TOKEN; required when not bound to localhost.")


_REFUSED = {
    "disabled": (
        status.HTTP_403_FORBIDDEN,
        "admin actions are disabled: the app is not bound to localhost and NOVARIUM_ADMIN_TOKEN is not set",
    ),
    "token": (
        status.HTTP_401_UNAUTHORIZED,
        "Authorization: admin actions need the header 'Authorization: Bearer <NOVARIUM_ADMIN_TOKEN>'",
    ),
}


def admin(action: Action) -> list[Any]:
    """The route dependency that runs ``shop.access.authorize`` for ``action`` with the request's bearer token."""

    async def require_admin(
        policy: Annotated[AdminPolicy, Depends(get_admin_policy)],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        refusal = authorize(policy, Caller.holding(credentials.credentials if credentials else None), action)
        if refusal is not None:
            code, message = _REFUSED[refusal.reason]
            headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
            raise HTTPException(code, message, headers=headers)

    return [Depends(require_admin)]


StoreDep = Annotated[Store, Depends(get_store)]
RunSecret = Annotated[
    str,
    Header(
        alias=run_secrets.HEADER,
        description="The run's secret: required when the body names a run_id (only a run's own agents write into it).",
    ),
]
ExperimentKey = Annotated[Text, Path(max_length=80, description="The experiment's key.")]
AdoptionId = Annotated[Text, Path(max_length=40, description="The adoption's id.")]


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn the domain's refusals into HTTP errors that name the rule."""
    try:
        yield
    except SpecError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error.problems) from None
    except (repository.ExperimentNotFound, adoptions.AdoptionNotFound) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    except repository.ExperimentError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    except tracking.BatchError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [str(error)]) from None
    except StorageError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None


async def _run(function: Callable[..., T], *args: Any) -> T:
    """Run blocking domain work in a thread and turn its refusals into HTTP errors that name the rule."""
    with _refusals():
        return await asyncio.to_thread(function, *args)


# --- assignment ---------------------------------------------------------------------------------------------------


class AssignIn(BaseModel):
    """Who asks, and optionally for which experiment."""

    user_id: str = Field(pattern=tracking.ID_PATTERN, max_length=MAX_ID_LENGTH)
    experiment_key: Text | None = Field(None, max_length=80)
    run_id: str | None = Field(
        None, pattern=tracking.RUN_ID_PATTERN, description=f"A swarm run; needs its secret in {run_secrets.HEADER}."
    )


class AssignmentOut(BaseModel):
    """One running experiment the visitor is in."""

    experiment_key: str
    variant: str


class AssignOut(BaseModel):
    """The visitor's variant (of the asked experiment, else of the first they are in) and their full config."""

    experiment_key: str | None
    variant: str | None
    config: dict[str, Any]
    in_experiment: bool
    assignments: list[AssignmentOut]


def _assign_view(store: Store, body: AssignIn, state: Live) -> VisitorView:
    if body.experiment_key is not None:
        experiment = state.experiments.get(body.experiment_key)
        if experiment is None:
            raise repository.ExperimentNotFound(body.experiment_key)
        if experiment.status != "running":
            raise repository.TransitionError(
                f"experiment {experiment.key!r} is {experiment.status}; only running experiments assign visitors"
            )
    return visitor_view(store, body.user_id, run_id=body.run_id, state=state)


@router.post(
    "/assign",
    response_model=AssignOut,
    responses={403: documented("run_id names a run, and its secret is missing or wrong."), **NOT_FOUND, **CONFLICT},
)
async def assign(body: AssignIn, store: StoreDep, run_secret: RunSecret = "") -> AssignOut:
    """Assign a visitor (sticky, deterministic) and return the config they see; records the assignment."""
    return await _assign(store, body, run_secret)


async def _assign(store: Store, body: AssignIn, run_secret: str | None = None) -> AssignOut:
    with _refusals():
        state = await live_async(store)
        if body.run_id is not None:
            secret_hash = run_secrets.hash_secret(run_secret) if run_secret else None
            refused = run_secrets.problem("run_id", body.run_id, secret_hash, state.run_hashes)
            if refused is not None:
                raise HTTPException(status.HTTP_403_FORBIDDEN, refused)
        view = _assign_view(store, body, state)
        if view.assignments:
            await record_assignments_async(store, body.user_id, list(view.assignments), run_id=body.run_id)
    key = body.experiment_key or (view.assignments[0][0] if view.assignments else None)
    variant = view.variant(key) if key else None
    return AssignOut(
        experiment_key=key,
        variant=variant,
        config=view.config,
        in_experiment=variant is not None,
        assignments=[AssignmentOut(experiment_key=k, variant=v) for k, v in view.assignments],
    )


# --- events -------------------------------------------------------------------------------------------------------

_EVENTS_SCHEMA = {
    "type": "array",
    "items": {
        "anyOf": [
            tracking.EventIn.model_json_schema(),
            {"description": "Anything else is rejected on its own, with the field and the rule in `rejected`."},
        ]
    },
    "maxItems": tracking.MAX_BATCH,
}
"""A batch is any list: each item is an event (the first schema) or is rejected with a reason, never the batch."""


class EventsIn(BaseModel):
    """A batch of events. Per-event problems are reported in ``rejected``; only a malformed batch is a 422."""

    events: Annotated[list[Any], Field(max_length=tracking.MAX_BATCH), WithJsonSchema(_EVENTS_SCHEMA)]


class RejectionOut(BaseModel):
    """An event that was not stored and why."""

    index: int
    reason: str


class IngestOut(BaseModel):
    """accepted + duplicates + len(rejected) == len(events)."""

    accepted: int
    duplicates: int
    rejected: list[RejectionOut]


_EVENTS_DESCRIPTION = (
    "Ingest up to 1,000 events, idempotent by event_id: each is stored, counted as a duplicate or rejected with a "
    "reason.\n\nEvent names:\n" + "\n".join(f"- `{name}`: {doc}" for name, doc in tracking.EVENT_NAMES.items())
)


@router.post("/events", response_model=IngestOut, description=_EVENTS_DESCRIPTION)
async def post_events(body: EventsIn, store: StoreDep, run_secret: RunSecret = "") -> IngestOut:
    """Ingest a batch of events."""
    return await _ingest(store, body, run_secret)


async def _ingest(store: Store, body: EventsIn, run_secret: str | None = None) -> IngestOut:
    with _refusals():
        result = await tracking.ingest_async(store, body.events, run_secret=run_secret)
    return IngestOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=[RejectionOut(index=r.index, reason=r.reason) for r in result.rejected],
    )


# --- experiments --------------------------------------------------------------------------------------------------


class VariantOut(BaseModel):
    """One arm."""

    name: str
    weight: float
    config: dict[str, Any]


class ExperimentOut(BaseModel):
    """A stored experiment."""

    key: str
    name: str
    hypothesis: str
    status: str
    allocation: float
    salt: str
    primary_metric: str | None
    variants: list[VariantOut]
    secondary_metrics: list[str]
    guardrails: list[dict[str, Any]]
    design: dict[str, Any]
    created_at: UtcTime
    started_at: UtcTime | None
    stopped_at: UtcTime | None

    @classmethod
    def of(cls, record: repository.ExperimentRecord) -> "ExperimentOut":
        """The response body of a record."""
        return cls(
            key=record.key,
            name=record.name,
            hypothesis=record.hypothesis,
            status=record.status,
            allocation=record.allocation,
            salt=record.salt,
            primary_metric=record.primary_metric,
            variants=[VariantOut(name=v.name, weight=v.weight, config=v.config) for v in record.variants],
            secondary_metrics=record.secondary_metrics,
            guardrails=record.guardrails,
            design=record.design.get("design", {}),
            created_at=record.created_at,
            started_at=record.started_at,
            stopped_at=record.stopped_at,
        )


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its ``$defs`` written in place (the OpenAPI document has no ``$defs``)."""
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return inline(definitions[reference.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        return [inline(item) for item in node] if isinstance(node, list) else node

    return inline(schema)


_SPEC_SCHEMA = _inlined(ExperimentSpec.model_json_schema())
"""The documented spec; the route reads the body as a mapping, so ``parse_spec`` names every failed field at once."""

SPEC_EXAMPLE = {
    "key": "red-banner",
    "hypothesis": "A red hero banner draws more clicks and orders than the orange one.",
    "allocation": 100,
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
    ],
    "primary_metric": "conversion",
    "guardrails": [{"metric": "aov", "margin": 0.05}],
}


@router.get("/experiments", response_model=list[ExperimentOut])
async def get_experiments(store: StoreDep) -> list[ExperimentOut]:
    """Every experiment, oldest first."""
    return [ExperimentOut.of(record) for record in await _run(repository.list_experiments, store)]


@router.post(
    "/experiments",
    response_model=ExperimentOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=admin(Action.CREATE_EXPERIMENT),
    responses=ADMIN_ERRORS,
)
async def create_experiment(
    spec: Annotated[dict[str, Any], Body(examples=[SPEC_EXAMPLE]), WithJsonSchema(_SPEC_SCHEMA)], store: StoreDep
) -> ExperimentOut:
    """Create a draft experiment from the JSON spec that ``novarium experiments create`` also takes."""
    return ExperimentOut.of(await _run(repository.create_experiment, store, spec))


@router.get("/experiments/{key}", response_model=ExperimentOut, responses=NOT_FOUND)
async def get_experiment(key: ExperimentKey, store: StoreDep) -> ExperimentOut:
    """One experiment."""
    return ExperimentOut.of(await _run(repository.get_experiment, store, key))


@router.post(
    "/experiments/{key}/start",
    response_model=ExperimentOut,
    dependencies=admin(Action.START_EXPERIMENT),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def start_experiment(key: ExperimentKey, store: StoreDep) -> ExperimentOut:
    """draft or stopped -> running; 409 names the rule or the clashing knob and experiment."""
    return ExperimentOut.of(await _run(repository.start_experiment, store, key))


@router.post(
    "/experiments/{key}/stop",
    response_model=ExperimentOut,
    dependencies=admin(Action.STOP_EXPERIMENT),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def stop_experiment(key: ExperimentKey, store: StoreDep) -> ExperimentOut:
    """running -> stopped: no new assignments or exposures."""
    return ExperimentOut.of(await _run(repository.stop_experiment, store, key))


@router.post(
    "/experiments/{key}/complete",
    response_model=ExperimentOut,
    dependencies=admin(Action.COMPLETE_EXPERIMENT),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def complete_experiment(key: ExperimentKey, store: StoreDep) -> ExperimentOut:
    """stopped -> completed (final)."""
    return ExperimentOut.of(await _run(repository.complete_experiment, store, key))


class VariantCountsOut(BaseModel):
    """One variant's traffic."""

    name: str
    weight: float
    assigned: int
    exposed: int
    events: dict[str, int]


class SummaryOut(BaseModel):
    """Counts per variant, control first."""

    key: str
    status: str
    variants: list[VariantCountsOut]


@router.get("/experiments/{key}/summary", response_model=SummaryOut, responses=NOT_FOUND)
async def experiment_summary(key: ExperimentKey, store: StoreDep) -> SummaryOut:
    """Per variant: assigned, exposed, and attributed events by name."""
    counts = await _run(summary.summarize, store, key)
    return SummaryOut(key=counts.key, status=counts.status, variants=[asdict(v) for v in counts.variants])


def _units(store: Store, key: str) -> str:
    repository.get_experiment(store, key)  # an unknown key is a 404, not an empty file
    build_experiment_users(store, experiment_key=key)
    return units_csv(store, key)


@router.get(
    "/experiments/{key}/units",
    response_class=Response,  # no media type of its own, so the refusals stay documented as JSON
    responses={
        **NOT_FOUND,
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "One row per exposed visitor."},
    },
)
async def experiment_units(key: ExperimentKey, store: StoreDep) -> Response:
    """The experiment's exposed visitors as CSV, one row each (``marts.units_export``): the rows the results page
    sums, for ``novarium analyze``. The mart is rebuilt first, as the results page rebuilds it."""
    text = await _run(_units, store, key)
    return Response(
        text, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{key}-units.csv"'}
    )


# --- adoptions ----------------------------------------------------------------------------------------------------


class AdoptIn(BaseModel):
    """The variant to ship to every visitor outside running experiments."""

    experiment_key: Text = Field(max_length=80)
    variant: Text = Field(max_length=80)
    note: Text = Field("", max_length=2000)


class AdoptionOut(BaseModel):
    """One adoption."""

    adoption_id: str
    experiment_key: str | None
    variant: str | None
    config: dict[str, Any]
    adopted_at: UtcTime
    rolled_back_at: UtcTime | None
    note: str
    active: bool

    @classmethod
    def of(cls, record: adoptions.AdoptionRecord) -> "AdoptionOut":
        """The response body of a record."""
        return cls(**asdict(record), active=record.active)


@router.get("/adoptions", response_model=list[AdoptionOut])
async def get_adoptions(store: StoreDep) -> list[AdoptionOut]:
    """Every adoption, rolled back or not, in adoption order."""
    return [AdoptionOut.of(record) for record in await _run(adoptions.list_adoptions, store)]


@router.post(
    "/adoptions",
    response_model=AdoptionOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=admin(Action.ADOPT),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def adopt(body: AdoptIn, store: StoreDep) -> AdoptionOut:
    """Adopt a variant: every visitor outside running experiments sees its config at once."""
    return AdoptionOut.of(await _run(adoptions.adopt, store, body.experiment_key, body.variant, body.note))


@router.post(
    "/adoptions/{adoption_id}/rollback",
    response_model=AdoptionOut,
    dependencies=admin(Action.ROLL_BACK),
    responses={**ADMIN_ERRORS, **NOT_FOUND, **CONFLICT},
)
async def rollback(adoption_id: AdoptionId, store: StoreDep) -> AdoptionOut:
    """Roll an adoption back (it stays recorded); visitors see the change at once."""
    return AdoptionOut.of(await _run(adoptions.rollback_adoption, store, adoption_id))
