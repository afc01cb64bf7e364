"""Cross-site requests and DNS rebinding against the served app (on the DuckDB server: the guard runs before storage).

The issue's reproduction was ``curl -X POST -H 'Origin: http://evil.example' -H 'Content-Type: text/plain'
.../api/experiments/KEY/stop`` answering 200 on a local app. Here every state-changing endpoint gets that request
(and its JSON variant, which ``IngestFastPath`` would serve), and must answer 403 and change nothing; what is stored
is read back through the API. Then the app's own page, a script and the swarm's kind of request still work, and a
foreign ``Host`` is refused on the API, a page and the websocket handshake.

The module runs late on its server (``LAST`` in ``conftest.py``), and puts back what it changed.
"""

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = ON_DUCKDB_ONLY

KEY = "xsite-checkout"
EVIL = "http://evil.example"
CURL = {"Origin": EVIL, "Content-Type": "text/plain"}
SPEC = {
    "key": KEY,
    "hypothesis": "A shorter checkout button lifts orders.",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"checkout_button_text": "Order now"}},
    ],
}


def events(tag: str) -> dict:
    batch = [{"event_id": f"xsite-{tag}-{i}", "user_id": f"xsite-user-{i}", "name": "page_view"} for i in range(3)]
    return {"events": batch}


@pytest.fixture(scope="module")
def curl(app_server) -> Iterator[httpx.Client]:
    """A bare client like curl: no header of its own, the app's IPv4 address; the experiment is put back after."""
    base = app_server.url.replace("localhost", "127.0.0.1")
    with app_server.api(timeout=30) as api:
        api.post("/api/experiments", json=SPEC).raise_for_status()
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
        yield client
    with app_server.api(timeout=30) as api:
        for adoption in api.get("/api/adoptions").json():
            if adoption["experiment_key"] == KEY and adoption["active"]:
                api.post(f"/api/adoptions/{adoption['adoption_id']}/rollback").raise_for_status()
        if api.get(f"/api/experiments/{KEY}").json()["status"] == "running":
            api.post(f"/api/experiments/{KEY}/stop").raise_for_status()


def _status(app_server) -> str:
    with app_server.api(timeout=30) as api:
        return api.get(f"/api/experiments/{KEY}").raise_for_status().json()["status"]


def _refused(response: httpx.Response, rule: str = "Origin: 'http://evil.example'") -> None:
    assert response.status_code == 403 and rule in response.json()["detail"], response.text


def test_cross_site_posts_change_nothing(app_server, curl):
    api = app_server.api(timeout=30)
    _refused(curl.post(f"/api/experiments/{KEY}/start", headers=CURL, content=b"{}"))
    _refused(curl.post(f"/api/experiments/{KEY}/start", headers={"Origin": EVIL, "Content-Type": "application/json"}))
    assert _status(app_server) == "draft"
    api.post(f"/api/experiments/{KEY}/start").raise_for_status()

    for path, body in (("/api/events", events("curl")), ("/api/assign", {"user_id": "xsite-user-0"})):
        _refused(curl.post(path, headers=CURL, content=json.dumps(body).encode()))
        _refused(curl.post(path, headers={"Origin": EVIL}, json=body))  # JSON: the fast path's own kind of request
    stored = api.post("/api/events", json=events("curl")).raise_for_status().json()
    assert (stored["accepted"], stored["duplicates"]) == (3, 0)  # the refused batches stored nothing
    with app_server.api(timeout=30) as reader:
        summary = reader.get(f"/api/experiments/{KEY}/summary").json()
    assert sum(variant["assigned"] for variant in summary["variants"]) == 0

    run = {"run_id": "xsite-run", "experiment_key": KEY, "agents": 5}
    api.post("/api/runs", json=run).raise_for_status()
    halted = {"status": "stopped", "agents_done": 0, "events_sent": 0, "events_stored": 0}
    api.post("/api/runs/xsite-run/progress", json=halted).raise_for_status()
    _refused(curl.post("/api/runs/xsite-run/resume", headers=CURL, content=b""))
    assert api.get("/api/runs/xsite-run").json()["status"] == "stopped"

    _refused(curl.post(f"/api/experiments/{KEY}/stop", headers=CURL, content=b"{}"))
    assert _status(app_server) == "running"
    api.post(f"/api/experiments/{KEY}/stop").raise_for_status()
    _refused(curl.post(f"/api/experiments/{KEY}/complete", headers=CURL, content=b"{}"))
    assert _status(app_server) == "stopped"

    adoption = api.post("/api/adoptions", json={"experiment_key": KEY, "variant": "treatment"}).raise_for_status()
    adoption_id = adoption.json()["adoption_id"]
    _refused(curl.post(f"/api/adoptions/{adoption_id}/rollback", headers=CURL, content=b"{}"))
    assert next(a for a in api.get("/api/adoptions").json() if a["adoption_id"] == adoption_id)["active"]
    api.post(f"/api/adoptions/{adoption_id}/rollback").raise_for_status()
    api.close()


def test_a_script_needs_json_or_the_client_header(app_server, curl):
    _refused(curl.post(f"/api/experiments/{KEY}/start", content=b""), "X-NovaRium-Client")
    _refused(curl.post(f"/api/experiments/{KEY}/start", headers={"Content-Type": "text/plain"}), "Content-Type")
    bodiless = curl.post(f"/api/experiments/{KEY}/start", headers={"X-NovaRium-Client": "curl"})
    assert bodiless.status_code in (200, 409), bodiless.text  # reached the route: 409 when it is not startable
    swarm_like = curl.post("/api/events", json=events("script"))  # what the swarm's agents send: JSON, no Origin
    assert swarm_like.status_code == 200 and swarm_like.json()["accepted"] == 3


@contextmanager
def foreign_site() -> Iterator[str]:
    """Another origin on this machine serving one harmless page: a page the learner happens to open."""

    class Cats(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><p>cats</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Cats)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_apps_own_page_may_post_json_and_a_foreign_page_may_not(app_server, curl, page: Page):
    with app_server.api(timeout=30) as api:
        if _status(app_server) != "running":
            api.post(f"/api/experiments/{KEY}/start").raise_for_status()
    with foreign_site() as foreign:
        page.goto(f"{foreign}/cats")
        sent = page.evaluate(
            """url => fetch(url, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: "{}"})
                .then(() => "sent", error => String(error))""",
            f"{app_server.url}/api/experiments/{KEY}/stop",
        )
    assert sent == "sent"  # the browser did send it (an opaque answer)
    assert _status(app_server) == "running"

    page.goto(f"{app_server.url}/experiments")
    answered = page.evaluate(
        """path => fetch(path, {method: "POST", headers: {"Content-Type": "application/json"}}).then(r => r.status)""",
        f"/api/experiments/{KEY}/stop",
    )
    assert answered == 200 and _status(app_server) == "stopped"


def _handshake(url: str, host: str) -> str:
    """The status line of a websocket handshake to ``url``'s ``/_event`` with this ``Host`` header."""
    parts = urlsplit(url)
    request = (
        f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", parts.port), timeout=10) as conn:
        conn.sendall(request.encode())
        return conn.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_a_foreign_host_is_refused_everywhere(app_server, curl):
    own = urlsplit(app_server.url).netloc
    for path in ("/api/health", "/", "/experiments", f"/api/experiments/{KEY}"):
        assert curl.get(path, follow_redirects=True).status_code == 200
        refused = curl.get(path, headers={"Host": "evil.example"})
        assert refused.status_code == 400 and "'evil.example' is not a host name" in refused.json()["detail"]
        assert curl.get(path, headers={"Host": f"evil.example:{urlsplit(app_server.url).port}"}).status_code == 400
    assert _handshake(app_server.url, own).split()[1] == "101"
    refused = _handshake(app_server.url, "evil.example").split()[1]
    assert refused in ("400", "403"), refused
