"""The agents' keep-alive transport against a tiny real HTTP server on a local port."""

import asyncio

import httpx
import pytest

from swarm.transport import KeepAliveTransport


class TinyServer:
    """Answers each request by ``mode``: length, chunked, close (answers then closes), idle-close, silent."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                self.requests.append(head + await reader.readexactly(length))
                if self.mode == "silent":
                    await asyncio.sleep(5)
                writer.write(self.answer())
                await writer.drain()
                if self.mode in ("close", "idle-close"):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    def answer(self) -> bytes:
        body = b'{"ok": true}'
        if self.mode == "chunked":
            return b'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"ok"\r\n7\r\n: true}\r\n0\r\n\r\n'
        close = b"connection: close\r\n" if self.mode == "close" else b""
        return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), close, body)


async def exchange(mode: str, requests: int = 2, timeout: float = 5.0) -> tuple[list[httpx.Response], TinyServer]:
    server = TinyServer(mode)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    transport = KeepAliveTransport(timeout=timeout)
    answers = []
    try:
        for number in range(requests):
            request = httpx.Request("POST", f"http://127.0.0.1:{port}/api/events", content=b'{"n": %d}' % number)
            response = await transport.handle_async_request(request)
            await response.aread()
            answers.append(response)
            await asyncio.sleep(0.05)
    finally:
        await transport.aclose()
        listener.close()
    return answers, server


def test_requests_share_one_kept_alive_connection():
    answers, server = asyncio.run(exchange("length", requests=3))
    assert [a.json() for a in answers] == [{"ok": True}] * 3
    assert server.connections == 1 and len(server.requests) == 3
    assert b"content-length: 8" in server.requests[0].lower() and server.requests[2].endswith(b'{"n": 2}')


def test_a_chunked_body_is_read_whole():
    answers, _ = asyncio.run(exchange("chunked", requests=2))
    assert [a.json() for a in answers] == [{"ok": True}] * 2


@pytest.mark.parametrize("mode", ["close", "idle-close"])
def test_a_connection_the_server_closed_is_reopened(mode):
    answers, server = asyncio.run(exchange(mode, requests=3))
    assert [a.status_code for a in answers] == [200] * 3
    assert server.connections == 3 and len(server.requests) == 3  # nothing was sent twice


def test_a_silent_server_is_a_read_timeout():
    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(exchange("silent", requests=1, timeout=0.3))


def test_only_plain_http_is_spoken():
    async def go() -> None:
        await KeepAliveTransport().handle_async_request(httpx.Request("GET", "https://example.test/"))

    with pytest.raises(httpx.UnsupportedProtocol, match="only http://"):
        asyncio.run(go())
