"""The request body limit of the JSON API: a body over ``MAX_BODY_BYTES`` gets a 413 before it is read whole.

``BodyLimit`` wraps the API (outside the ingestion fast path, so both the routes and the fast path are covered). A
``Content-Length`` over the limit is answered at once, without reading a byte of the body; a body sent without a
length (chunked) is counted as it streams in, and the request is refused as soon as the count passes the limit, so
at most the limit plus one chunk is ever held. The largest valid request, a batch of 1,000 events with the largest
props, is about 2.5 MB.
"""

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.api_errors import problem

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body the API reads (4 MiB)."""


class BodyTooLarge(HTTPException):
    """The streamed body passed the limit (raised from ``receive``).

    An HTTP error, so that FastAPI's body reading passes it on (as a 413) instead of answering 400.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"{rule(max_bytes)} (more was sent)")


def rule(max_bytes: int) -> str:
    """The limit in words."""
    return f"body: must be at most {max_bytes:,} bytes"


class BodyLimit:
    """ASGI middleware: 413 for a request under ``prefix`` whose body is larger than ``max_bytes``.

    Args:
        app: the wrapped app.
        prefix: the paths limited (the API's); other paths pass untouched.
        max_bytes: the limit.
    """

    def __init__(self, app: ASGIApp, prefix: str = "/api", max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.prefix = prefix
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared or streamed body over the limit; pass everything else on."""
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(scope, send, f"{rule(self.max_bytes)} (Content-Length: {declared:,})")
            return
        received = 0
        answering = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal answering
            if message["type"] == "http.response.start":
                answering = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as error:
            if answering:
                raise
            await _refuse(scope, send, error.detail)


async def _refuse(scope: Scope, send: Send, detail: str) -> None:
    """Answer 413 without reading the body; the connection closes, so the unread body is never parsed."""

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await problem(413, detail, {"connection": "close"})(scope, nothing, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None
