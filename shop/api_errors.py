"""The JSON API's error answers: one documented body per status, rendered so that any input can be echoed safely.

Every refusal is ``{"detail": ...}``. A 422 lists every failed field: each item is either a line ``"field: rule"``
(the domain's rules: a spec, a batch, a run) or a request validation error ``{"loc", "msg", "type"}`` (the body's
shape); other statuses carry one line. The routes of ``shop.api`` and ``swarm.api`` use ``JsonRoute``, which answers
both kinds itself, in ASCII JSON: a message that quotes a lone surrogate or a NUL from the request can always be sent
(FastAPI's own handlers encode UTF-8 and failed with a 500 on a lone surrogate), and the input itself is never echoed.
"""

import json
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel


class FieldError(BaseModel):
    """One failed field of the request: where (``["body", "events", 0]``), what rule, and the rule's code."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """422: every failed field; nothing is stored. Items are ``"field: rule"`` lines or field errors."""

    detail: list[FieldError | str]


class ErrorOut(BaseModel):
    """Why the request was refused, in one line that names the field or the rule."""

    detail: str


def documented(description: str) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry for a one-line refusal."""
    return {"model": ErrorOut, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: documented("The body is not JSON text (for instance, not UTF-8); nothing is stored."),
    413: documented("The body is larger than the API's limit (see shop.body_limit); nothing was read or stored."),
    422: {"model": ValidationProblem, "description": "Every failed field, named; nothing is stored."},
    503: documented("The database is unavailable; nothing is stored."),
}
"""The refusals every route of the API may answer (the router adds them to each operation)."""
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: documented("The admin token is missing or wrong (the app is not bound to localhost)."),
    403: documented("Admin actions are disabled: not bound to localhost and no NOVARIUM_ADMIN_TOKEN is set."),
}
"""The refusals of an admin action, documented on each one."""
NOT_FOUND = {404: documented("Nothing has this key or id.")}
CONFLICT = {409: documented("The current status does not allow it; the message names the rule.")}


class AsciiJSONResponse(Response):
    """JSON with every non-ASCII character escaped: a lone surrogate in a message cannot break the answer."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Encode ``content`` as compact ASCII JSON."""
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def problem(status_code: int, detail: Any, headers: Mapping[str, str] | None = None) -> AsciiJSONResponse:
    """The error answer ``{"detail": detail}``."""
    return AsciiJSONResponse({"detail": detail}, status_code=status_code, headers=dict(headers or {}))


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Request validation errors as ``FieldError`` items (the input and the context are left out)."""
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error["loc"]],
            "msg": str(error["msg"]),
            "type": str(error["type"]),
        }
        for error in errors
    ]


class JsonRoute(APIRoute):
    """A route whose validation errors and HTTP errors are answered as documented here, in ASCII JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, with its refusals answered here."""
        handler = super().get_route_handler()

        async def answered(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return problem(422, field_errors(error.errors()))
            except HTTPException as error:
                return problem(error.status_code, error.detail, error.headers)

        return answered
