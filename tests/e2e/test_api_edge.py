"""The served production app (Reflex around the API) keeps the API's edge: the body limit over real HTTP, for a
declared length and for a chunked body, and a valid OpenAPI 3.1 document; on DuckDB and on PostgreSQL."""

import contextlib
import select
import socket

import httpx
from openapi_spec_validator import OpenAPIV31SpecValidator

from shop.body_limit import MAX_BODY_BYTES

CHUNK = 64 * 1024
SEND_AT_MOST = 64 * 1024 * 1024  # what a client that ignores the answer would push: far more than the limit


def post_chunked_until_answered(host: str, port: int, path: str) -> tuple[bytes, int]:
    """POST a chunked body (no Content-Length) of blanks until the server answers; returns the answer and the bytes
    sent. A raw socket, because an HTTP client sends its whole body before it reads the answer."""
    sent = 0
    with socket.create_connection((host, port), timeout=60) as conn:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        conn.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
        while sent < SEND_AT_MOST:
            if select.select([conn], [], [], 0)[0]:
                break  # the server answered
            try:
                conn.sendall(chunk)
            except OSError:
                break  # it answered and closed
            sent += CHUNK
        answer = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                part = conn.recv(65536)
                if not part:
                    break
                answer += part
    return answer, sent


def base(app_server) -> str:
    return app_server.url.replace("localhost", "127.0.0.1")


def test_a_declared_body_over_the_limit_is_refused_with_413(app_server):
    body = b'{"events": [' + b" " * (MAX_BODY_BYTES + 1) + b"]}"
    with httpx.Client(base_url=base(app_server), timeout=60, trust_env=False) as client:
        for path in ("/api/events", "/api/experiments"):
            response = client.post(path, content=body, headers={"content-type": "application/json"})
            assert response.status_code == 413, (path, response.text[:200])
            assert response.json()["detail"].startswith(f"body: must be at most {MAX_BODY_BYTES:,} bytes")
        assert client.get("/api/health").status_code == 200  # the server goes on


def test_a_chunked_body_over_the_limit_is_cut_off_with_413(app_server):
    url = httpx.URL(base(app_server))
    for path in ("/api/events", "/api/runs"):
        answer, sent = post_chunked_until_answered(url.host, url.port, path)
        assert answer.startswith(b"HTTP/1.1 413"), (path, answer[:300], sent)
        assert b"body: must be at most" in answer
        assert sent < SEND_AT_MOST  # answered long before the client gave up: the body was never read whole
    assert httpx.get(f"{base(app_server)}/api/health", timeout=60, trust_env=False).status_code == 200


def test_the_served_openapi_document_is_valid_openapi_3_1(app_server):
    doc = httpx.get(f"{base(app_server)}/api/openapi.json", timeout=60, trust_env=False).json()
    assert doc["openapi"].startswith("3.1")
    assert [error.message for error in OpenAPIV31SpecValidator(doc).iter_errors()] == []
