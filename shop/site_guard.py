"""Refuse cross-site requests and foreign Host headers (DNS rebinding) for the whole ASGI app: API, pages, websocket.

``SiteGuard`` wraps the served app, so every request meets it first, ``shop.api.IngestFastPath`` included:

- **Host.** Only the configured host names are served (the port is not compared); anything else is a 400, and a
  websocket handshake is refused.
- **Origin.** A state-changing request (any method but GET, HEAD and OPTIONS) and every websocket handshake must
  come from an allowed origin when it names one; ``Sec-Fetch-Site: cross-site`` without an Origin is refused too.
- **Content.** A state-changing request must be JSON (``Content-Type: application/json``) or carry the
  ``X-NovaRium-Client`` header. A browser sends neither across sites without a CORS preflight, which the app's CORS
  policy refuses; the CLI, the swarm and scripts send one of them and no Origin, so they keep working.

Refusals are JSON ``{"detail": ...}`` bodies that name the header and the rule.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

CLIENT_HEADER = "X-NovaRium-Client"
"""Sent by non-browser clients (the CLI, the swarm's recorder) on state-changing requests that carry no JSON body."""
_CLIENT_KEY = CLIENT_HEADER.lower().encode()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]
"""(scheme, host, port), lower-case, the port filled in when the URL leaves it out."""


@lru_cache(maxsize=256)  # a client sends the same few values on every request
def parse_origin(url: str) -> Origin | None:
    """``http(s)://host[:port]`` as an ``Origin``; None for anything else (``null``, a path, another scheme)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def format_origin(origin: Origin) -> str:
    """An ``Origin`` as a browser sends it: the port left out when it is the scheme's default."""
    scheme, host, port = origin
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if port == DEFAULT_PORTS[scheme] else f"{scheme}://{shown}:{port}"


@lru_cache(maxsize=256)
def host_name(host_header: str) -> str | None:
    """The host name of a ``Host`` header (``name``, ``name:port``, ``[v6]:port``), lower-case; None when malformed."""
    try:
        parts = urlsplit(f"//{host_header.strip()}")
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    return parts.hostname.lower() if parts.hostname and not parts.path else None


@dataclass(frozen=True)
class SitePolicy:
    """The host names the app answers to and the origins that may change its state."""

    hosts: frozenset[str]
    origins: frozenset[Origin]

    def allows_host(self, header: str | None) -> bool:
        """Whether a request with this ``Host`` header is for this app."""
        name = host_name(header) if header else None
        return name is not None and name in self.hosts

    def allows_origin(self, header: str) -> bool:
        """Whether a page at this ``Origin`` may change the app's state."""
        origin = parse_origin(header)
        return origin is not None and origin in self.origins


def _refusal(scope: Scope, headers: dict[bytes, bytes], policy: SitePolicy) -> tuple[int, str] | None:
    """(status, reason) when the request breaks a rule; None when it may go on."""
    host = headers.get(b"host", b"").decode("latin-1")
    if not policy.allows_host(host):
        shown = host or "(none)"
        return 400, f"Host: {shown!r} is not a host name this app serves (add it to NOVARIUM_ALLOWED_HOSTS)"
    websocket = scope["type"] == "websocket"
    if not websocket and scope.get("method", "GET").upper() in SAFE_METHODS:
        return None
    origin = headers.get(b"origin")
    if origin is not None:
        text = origin.decode("latin-1")
        if not policy.allows_origin(text):
            return 403, f"Origin: {text!r} may not change this app's state; only its own pages may"
    elif headers.get(b"sec-fetch-site", b"").lower() == b"cross-site":
        return 403, "Sec-Fetch-Site: a cross-site request without an Origin may not change this app's state"
    if websocket:
        return None
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if content_type != b"application/json" and _CLIENT_KEY not in headers:
        return 403, (f"Content-Type: a state-changing request needs 'application/json' or the header '{CLIENT_HEADER}'")
    return None


class SiteGuard:
    """ASGI middleware applying the rules in this module's docstring to every HTTP request and websocket."""

    def __init__(self, app: ASGIApp, policy: Callable[[], SitePolicy]) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass allowed requests on untouched; answer the others with the rule they break."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", ())}
        refusal = _refusal(scope, headers, self.policy())
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await _close_handshake(receive, send)
        else:
            await _respond(send, *refusal)


async def _respond(send: Send, status_code: int, reason: str) -> None:
    payload = json.dumps({"detail": reason}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status_code, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _close_handshake(receive: Receive, send: Send) -> None:
    """Refuse a websocket before accepting it: the server answers the handshake with 403."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 1008})
