"""The ingestion fast path: ``POST /api/assign`` and ``POST /api/events`` served without FastAPI's per-request work.

It runs the routes' own code (``shop.api``) on a well-formed JSON body and answers the same JSON; anything else goes
on to FastAPI untouched (see ``IngestFastPath``). The body limit (``shop.body_limit``) wraps it.
"""

import inspect
import json
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, status
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marts.storage import Store
from shop import run_secrets
from shop.api import AssignIn, AssignOut, EventsIn, IngestOut, _assign, _ingest, get_store


class IngestFastPath:
    """ASGI middleware that serves ``POST /api/assign`` and ``POST /api/events`` without FastAPI's per-request work.

    Swarm agents send these two requests by the hundred per second. FastAPI's routing, dependency solving (redone on
    every request once an app has dependency overrides), body handling and response validation cost about as much
    CPU as the work itself. This middleware runs the same code as the routes above (``_assign``, ``_ingest``, the
    same pydantic models, the same refusals) on a well-formed JSON body and answers the same JSON. Anything else (a
    body that fails validation, another content type, another path) goes on to FastAPI untouched, so malformed
    requests still get FastAPI's own 422 answers and the routes stay the documented reference.
    """

    def __init__(self, app: ASGIApp, prefix: str = "/api") -> None:
        self.app = app
        self.routes: dict[str, Callable[[Store, bytes, str | None], Awaitable[BaseModel | None]]] = {
            f"{prefix}/assign": _fast_assign,
            f"{prefix}/events": _fast_ingest,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the hot endpoints; hand everything else to the wrapped app."""
        handler = self.routes.get(scope.get("path", "")) if scope["type"] == "http" else None
        if handler is None or scope.get("method") != "POST" or not _json_request(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away
        try:
            answer = await handler(await _store_of(scope), body, _run_secret(scope))
        except HTTPException as refusal:
            await _respond(send, refusal.status_code, json.dumps({"detail": refusal.detail}).encode())
            return
        if answer is None:
            await self.app(scope, _replay(body, receive), send)
            return
        await _respond(send, status.HTTP_200_OK, answer.model_dump_json().encode())


async def _fast_assign(store: Store, body: bytes, run_secret: str | None) -> AssignOut | None:
    try:
        request = AssignIn.model_validate_json(body)
    except ValidationError:
        return None
    return await _assign(store, request, run_secret)


async def _fast_ingest(store: Store, body: bytes, run_secret: str | None) -> IngestOut | None:
    try:
        batch = EventsIn.model_validate_json(body)
    except ValidationError:
        return None
    return await _ingest(store, batch, run_secret)


_SECRET_HEADER = run_secrets.HEADER.lower().encode()


def _run_secret(scope: Scope) -> str | None:
    """The run secret header, as the routes read it."""
    for name, value in scope.get("headers", ()):
        if name == _SECRET_HEADER:
            return value.decode("latin-1")
    return None


async def _store_of(scope: Scope) -> Store:
    """The Store the routes would get: the app's override of ``get_store`` (refusing, like them, when unwired)."""
    overrides = getattr(scope.get("app"), "dependency_overrides", {})
    store = overrides.get(get_store, get_store)()
    return await store if inspect.isawaitable(store) else store


def _json_request(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"application/json"
    return False


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the wrapped app first, then listens to the client again."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _respond(send: Send, status_code: int, payload: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status_code, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
