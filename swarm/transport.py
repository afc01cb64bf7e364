"""A lean HTTP/1.1 keep-alive transport for ``httpx.AsyncClient``: one connection, plain http, asyncio streams.

httpx's default transport (httpcore over anyio and h11) spends about half a millisecond of CPU per request: more than
the shop spends answering it, so on a small machine it capped the swarm. Agents talk to one origin over a few
hundred persistent connections, which needs far less: write the request, read the status line and headers, read a
``Content-Length`` or chunked body. This transport does only that, as an ``httpx.AsyncBaseTransport`` (httpx's
public extension point), so agents keep httpx's client, timeouts and error types; https URLs and anything
unusual belong to httpx's default transport.

Errors map to httpx's: ``ConnectError``/``ConnectTimeout`` before the request is written, ``WriteError``,
``ReadTimeout``, ``ReadError`` and ``RemoteProtocolError`` after. A connection the server closed while idle is
reopened once, transparently, only when nothing of the request was written yet.
"""

import asyncio
from collections.abc import Iterable

import httpx

MAX_HEADER_BYTES = 64 * 1024


class KeepAliveTransport(httpx.AsyncBaseTransport):
    """One persistent HTTP/1.1 connection to one ``http://host:port`` origin; not shared between tasks.

    Args:
        timeout: seconds for connecting, and for each write and read, when the request carries no timeout.
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._origin: tuple[str, int] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read the whole response."""
        url = request.url
        if url.scheme != "http":
            raise httpx.UnsupportedProtocol(f"KeepAliveTransport: only http:// URLs (got {url.scheme}://)")
        origin = (url.host, url.port or 80)
        timeouts = request.extensions.get("timeout", {})
        head = _head(request, origin)
        body = request.content
        reused = self._writer is not None and self._origin == origin
        if not reused:
            await self._connect(origin, timeouts.get("connect") or self.timeout)
        try:
            return await self._exchange(request, head + body, timeouts)
        except _StaleConnection:
            if not reused:
                raise httpx.RemoteProtocolError("server closed the connection without a response") from None
            await self._connect(origin, timeouts.get("connect") or self.timeout)
            return await self._exchange(request, head + body, timeouts)

    async def aclose(self) -> None:
        """Close the connection."""
        self._drop()

    async def _connect(self, origin: tuple[str, int], timeout: float) -> None:
        self._drop()
        try:
            async with asyncio.timeout(timeout):
                self._reader, self._writer = await asyncio.open_connection(*origin)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"connecting to {origin[0]}:{origin[1]} timed out") from None
        except OSError as error:
            raise httpx.ConnectError(f"cannot connect to {origin[0]}:{origin[1]}: {error}") from None
        self._origin = origin

    async def _exchange(self, request: httpx.Request, data: bytes, timeouts: dict) -> httpx.Response:
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        try:
            writer.write(data)
            async with asyncio.timeout(timeouts.get("write") or self.timeout):
                await writer.drain()
        except TimeoutError:
            self._drop()
            raise httpx.WriteTimeout("writing the request timed out") from None
        except OSError as error:
            self._drop()
            raise _StaleConnection from error
        try:
            async with asyncio.timeout(timeouts.get("read") or self.timeout):
                return await self._read_response(request, reader)
        except TimeoutError:
            self._drop()
            raise httpx.ReadTimeout("waiting for the response timed out") from None
        except asyncio.IncompleteReadError as error:
            self._drop()
            if not error.partial:
                raise _StaleConnection from error
            raise httpx.RemoteProtocolError("the connection closed in the middle of the response") from None
        except (asyncio.LimitOverrunError, ValueError) as error:
            self._drop()
            raise httpx.RemoteProtocolError(f"malformed response: {error}") from None
        except OSError as error:
            self._drop()
            raise httpx.ReadError(f"reading the response failed: {error}") from None

    async def _read_response(self, request: httpx.Request, reader: asyncio.StreamReader) -> httpx.Response:
        raw = await reader.readuntil(b"\r\n\r\n")
        if len(raw) > MAX_HEADER_BYTES:
            raise ValueError("response headers are too large")
        lines = raw[:-4].split(b"\r\n")
        status_parts = lines[0].split(b" ", 2)
        if len(status_parts) < 2 or not status_parts[0].startswith(b"HTTP/1."):
            raise ValueError(f"bad status line {lines[0][:80]!r}")
        headers = [tuple(line.split(b":", 1)) for line in lines[1:]]
        headers = [(name.strip(), value.strip()) for name, value in headers]
        length, chunked, close = _framing(headers)
        if chunked:
            content = await _read_chunked(reader)
        elif length is not None:
            content = await reader.readexactly(length)
        else:
            content = await reader.read()
            close = True
        if close:
            self._drop()
        return httpx.Response(int(status_parts[1]), headers=headers, content=content, request=request)

    def _drop(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
        self._origin = None


class _StaleConnection(Exception):
    """The kept-alive connection was closed by the server before this request got any answer."""


def _head(request: httpx.Request, origin: tuple[str, int]) -> bytes:
    target = request.url.raw_path
    lines = [request.method.encode() + b" " + target + b" HTTP/1.1"]
    lines += [name + b": " + value for name, value in _headers(request)]
    if b"host" not in {name.lower() for name, _ in request.headers.raw}:
        lines.append(b"host: " + f"{origin[0]}:{origin[1]}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _headers(request: httpx.Request) -> Iterable[tuple[bytes, bytes]]:
    for name, value in request.headers.raw:
        if name.lower() == b"transfer-encoding":
            continue
        yield name, value
    if request.content and b"content-length" not in {name.lower() for name, _ in request.headers.raw}:
        yield b"content-length", str(len(request.content)).encode()


def _framing(headers: list[tuple[bytes, bytes]]) -> tuple[int | None, bool, bool]:
    length, chunked, close = None, False, False
    for name, value in headers:
        lower = name.lower()
        if lower == b"content-length":
            length = int(value)
        elif lower == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif lower == b"connection":
            close = b"close" in value.lower()
    return length, chunked, close


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the empty line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
