"""The site guard: foreign Host headers and cross-site state changes are refused, scripts and own pages go through.

The guard wraps a real Starlette app with an HTTP route and a websocket, like the served app's API and ``/_event``.
The served app itself (its composition, ``IngestFastPath`` and the Lab's websocket) is covered by
``tests/e2e/test_cross_site.py``.
"""

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from novarium_app.settings import Settings
from novarium_app.site import allowed_origins, site_policy
from shop.site_guard import CLIENT_HEADER, SiteGuard, SitePolicy, host_name, parse_origin

OWN = "http://testserver:3000"
EVIL = "http://evil.example"


def app(calls: list[str]) -> SiteGuard:
    async def change(request: Request) -> JSONResponse:
        calls.append(f"{request.method} {request.url.path}")
        return JSONResponse({"changed": True})

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        calls.append("websocket")
        await websocket.send_text("hello")
        await websocket.close()

    inner = Starlette(
        routes=[
            Route("/api/experiments/k/stop", change, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            WebSocketRoute("/_event/", socket),
        ]
    )
    policy = SitePolicy(hosts=frozenset({"testserver", "localhost"}), origins=frozenset({("http", "testserver", 3000)}))
    return SiteGuard(inner, lambda: policy)


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def client(calls) -> TestClient:
    return TestClient(app(calls))


STOP = "/api/experiments/k/stop"


@pytest.mark.parametrize(
    ("headers", "status", "rule"),
    [
        ({"Origin": EVIL, "Content-Type": "text/plain"}, 403, "Origin: 'http://evil.example'"),
        ({"Origin": EVIL, "Content-Type": "application/json"}, 403, "Origin"),
        ({"Origin": EVIL, CLIENT_HEADER: "cli"}, 403, "Origin"),
        ({"Origin": "null", "Content-Type": "application/json"}, 403, "Origin: 'null'"),
        ({"Origin": "http://testserver:8080", "Content-Type": "application/json"}, 403, "Origin"),
        ({"Origin": "https://testserver:3000", "Content-Type": "application/json"}, 403, "Origin"),
        ({"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, 403, "Sec-Fetch-Site"),
        ({"Content-Type": "text/plain"}, 403, "Content-Type: a state-changing request needs 'application/json'"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 403, "Content-Type"),
        ({"Content-Type": "multipart/form-data; boundary=x"}, 403, "Content-Type"),
        ({}, 403, "X-NovaRium-Client"),
        ({"Origin": OWN, "Content-Type": "text/plain"}, 403, "Content-Type"),
    ],
)
def test_a_cross_site_or_simple_request_changes_nothing(client, calls, headers, status, rule):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, STOP, headers=headers, content=b"{}")
        assert response.status_code == status and rule in response.json()["detail"], (method, response.text)
    assert calls == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},  # the swarm's agents, the CLI's JSON calls
        {"Content-Type": "Application/JSON; charset=utf-8"},
        {CLIENT_HEADER: "novarium-cli"},  # a bodiless call from a script
        {"Origin": OWN, "Content-Type": "application/json"},  # the app's own page
        {"Origin": OWN, "Sec-Fetch-Site": "same-origin", CLIENT_HEADER: "x"},
        {"Origin": "http://TESTSERVER:3000", "Content-Type": "application/json"},
    ],
)
def test_scripts_and_the_apps_own_pages_go_through(client, calls, headers):
    assert client.post(STOP, headers=headers).json() == {"changed": True}
    assert calls == [f"POST {STOP}"]


def test_reads_need_no_header_but_a_known_host(client, calls):
    assert client.get(STOP, headers={"Origin": EVIL}).status_code == 200
    refused = client.get(STOP, headers={"Host": "evil.example:3000"})
    assert refused.status_code == 400 and "NOVARIUM_ALLOWED_HOSTS" in refused.json()["detail"]
    assert client.get(STOP, headers={"Host": "localhost:9999"}).status_code == 200  # the port is not compared
    assert calls == [f"GET {STOP}", f"GET {STOP}"]


@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_a_foreign_websocket_handshake_is_refused(client, calls, headers):
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/_event/", headers=headers):
        pass
    assert refused.value.code == 1008 and calls == []


def test_the_apps_own_websocket_connects(client, calls):
    with client.websocket_connect("/_event/", headers={"Origin": OWN}) as socket:
        assert socket.receive_text() == "hello"
    assert calls == ["websocket"]


def test_parsing_hosts_and_origins():
    assert host_name("Lab.Example:3000") == "lab.example"
    assert host_name("[::1]:3000") == "::1"
    assert host_name("a:b") is None and host_name("x/y") is None and host_name("") is None
    assert parse_origin("http://localhost:3000") == ("http", "localhost", 3000)
    assert parse_origin("https://lab.example") == ("https", "lab.example", 443)
    assert parse_origin("http://[::1]:3000") == ("http", "::1", 3000)
    for bad in ("null", "file://x", "http://x/path", "http://x:port", "localhost:3000", ""):
        assert parse_origin(bad) is None, bad


def test_the_settings_give_the_hosts_and_origins():
    local = site_policy(Settings(NOVARIUM_PORT=3456))
    assert local.hosts == {"localhost", "127.0.0.1", "::1"}
    assert allowed_origins(Settings(NOVARIUM_PORT=3456)) == [
        "http://localhost:3456",
        "http://127.0.0.1:3456",
        "http://[::1]:3456",
    ]
    everywhere = Settings(NOVARIUM_HOST="0.0.0.0", NOVARIUM_PORT=3000, NOVARIUM_ALLOWED_HOSTS="lab.example, 10.0.0.5")
    policy = site_policy(everywhere)
    assert policy.hosts == {"localhost", "127.0.0.1", "::1", "lab.example", "10.0.0.5"}
    assert not policy.allows_host("0.0.0.0:3000")
    assert allowed_origins(everywhere)[3:] == [
        "http://lab.example:3000",
        "http://10.0.0.5:3000",
        "https://lab.example",
        "http://lab.example",
        "https://10.0.0.5",
        "http://10.0.0.5",
    ]
    named = site_policy(Settings(NOVARIUM_HOST="Lab.Example", NOVARIUM_PORT=80))
    assert named.allows_host("lab.example") and named.allows_origin("http://lab.example")
    assert not named.allows_origin("https://lab.example")  # only NOVARIUM_ALLOWED_HOSTS names are proxied
