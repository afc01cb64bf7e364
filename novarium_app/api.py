"""The JSON API under /api, mounted into the Reflex app through ``api_transformer``."""

import asyncio

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from marts.storage import StorageError
from novarium_app import __version__, routes
from novarium_app.services import admin_policy, get_store
from novarium_app.settings import SettingsError
from shop import api as shop_api
from shop.body_limit import BodyLimit
from shop.fast_path import IngestFastPath
from swarm import api as swarm_api


class Health(BaseModel):
    """The app is up and its database answers."""

    status: str
    backend: str
    version: str


class Problem(BaseModel):
    """Why a request could not be served."""

    status: str
    detail: str


api = FastAPI(
    title="NovaRium API",
    version=__version__,
    openapi_url=routes.OPENAPI,
    docs_url=None,
    redoc_url=None,
    # No OpenTelemetry is configured; switched off, FastAPI stops probing the global providers on every request.
    telemetry={"tracing": False, "metrics": False, "logs": False},
)


@api.get(routes.HEALTH, response_model=Health, responses={503: {"model": Problem}})
async def health() -> Health | JSONResponse:
    """Report the storage backend and the version; 503 with the reason when the database is unusable."""
    try:
        store = await asyncio.to_thread(get_store)
        await asyncio.to_thread(store.scalar, "SELECT 1")
    except (SettingsError, StorageError) as error:
        return JSONResponse(status_code=503, content=Problem(status="error", detail=str(error)).model_dump())
    return Health(status="ok", backend=store.backend, version=__version__)


api.include_router(shop_api.router, prefix=routes.API_PREFIX)
api.add_middleware(IngestFastPath, prefix=routes.API_PREFIX)  # the swarm's two hot endpoints
api.add_middleware(BodyLimit, prefix=routes.API_PREFIX)  # outermost: a 413 before any body is read whole
api.include_router(swarm_api.router, prefix=routes.API_PREFIX)
api.dependency_overrides[shop_api.get_store] = get_store
api.dependency_overrides[shop_api.get_admin_policy] = admin_policy
