"""The API's body limit, on the app as it is served: 413 before a large body is read whole, on every /api route."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from novarium_app import api as app_api
from shop import api as shop_api
from shop.body_limit import MAX_BODY_BYTES
from shop.tracking import MAX_BATCH, MAX_PROPS_CHARS

CHUNK = 64 * 1024
POSTS = ["/api/events", "/api/assign", "/api/experiments", "/api/runs", "/api/adoptions", "/api/runs/r1/progress"]


@pytest.fixture(autouse=True)
def no_store(monkeypatch):
    def refuse():
        raise AssertionError("a refused body reached the Store")

    monkeypatch.setitem(app_api.api.dependency_overrides, shop_api.get_store, refuse)
    local = shop_api.AdminPolicy(is_local=True, token=None)
    monkeypatch.setitem(app_api.api.dependency_overrides, shop_api.get_admin_policy, lambda: local)


def call(path: str, headers: dict[str, str], chunks) -> tuple[int, dict, int]:
    """POST through the ASGI app; returns the status, the JSON answer and the body bytes the app pulled."""
    pulled = 0
    sent: list[dict] = []
    pending = iter(chunks)

    async def receive() -> dict:
        nonlocal pulled
        chunk = next(pending, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 3000),
    }
    # a fresh thread: the browser tests' Playwright keeps an event loop running in the main thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app_api.api(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled


def blanks(total: int = 64 * 1024 * 1024):
    """A body far over the limit, in chunks (bounded, so an app without a limit answers instead of reading forever)."""
    for _ in range(total // CHUNK):
        yield b" " * CHUNK


@pytest.mark.parametrize("path", POSTS)
def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read(path):
    headers = {"content-type": "application/json", "content-length": str(300 * 1024 * 1024)}
    status, answer, pulled = call(path, headers, blanks())
    assert status == 413 and pulled == 0
    assert answer["detail"] == f"body: must be at most {MAX_BODY_BYTES:,} bytes (Content-Length: {300 * 1024 * 1024:,})"


@pytest.mark.parametrize("path", POSTS)
def test_a_streamed_body_is_counted_and_refused_once_it_passes_the_limit(path):
    status, answer, pulled = call(path, {"content-type": "application/json"}, blanks())
    assert status == 413 and answer["detail"].startswith(f"body: must be at most {MAX_BODY_BYTES:,} bytes")
    assert MAX_BODY_BYTES < pulled <= MAX_BODY_BYTES + CHUNK  # never more than the limit plus one chunk


def test_other_paths_are_not_limited_by_the_api():
    status, _, pulled = call("/_upload", {"content-length": str(MAX_BODY_BYTES + 1)}, [b"x" * CHUNK])
    assert status != 413 and pulled <= CHUNK


def test_the_largest_valid_batch_fits_under_the_limit():
    props = {"note": "x" * (MAX_PROPS_CHARS - len('{"note":""}'))}
    event = {
        "event_id": "e" * 80,
        "user_id": "u" * 80,
        "name": "remove_from_cart",
        "ts": "2026-01-31T12:00:00.000000+00:00",
        "value": 99999.99,
        "props": props,
        "run_id": "r" * 40,
        "experiment_key": "k" * 80,
    }
    body = json.dumps({"events": [event] * MAX_BATCH}).encode()
    assert len(body) < MAX_BODY_BYTES
