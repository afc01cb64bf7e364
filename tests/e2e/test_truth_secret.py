"""The truth is not open data on the served app: open responses, pages and frames do not let anyone recompute it.

Issue 11: ``GET /api/runs/{id}`` returned ``params.plan``, and ``ground_truth`` of that plan was the stored truth;
every other input of the truth was public too. The deployment's world (the personas' knob sensitivities, drawn from
a secret in the hidden ``world_secret`` table) is what open data lacks. The run here is made the CLI's way (``novarium
swarm``: HTTP agents in this process, recorded over ``/api/runs``), so its agents got the world from the admin-only
population endpoint.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from swarm.runner import RunRequest
from swarm.world import World
from tests.e2e.swarming import swarm_to_completion
from tests.public_truth import CLEAR_MARGIN, EVERY_KNOB, largest_gap, public_truth

pytestmark = pytest.mark.e2e

LOAD = 60_000
AGENTS = 150
LAB_PAGES = ("/", "/experiments", "/runs", "/adoptions", "/retrospectives", "/learn", "/data")


@pytest.fixture(scope="module")
def secret_run(app_server) -> Iterator[tuple[str, str]]:
    """A running experiment moving every knob, with a completed CLI-style run; the experiment is stopped after."""
    key = f"secret-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "Every knob at once changes how many visitors order.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": EVERY_KNOB},
        ],
    }
    with app_server.api(timeout=60) as api:
        for experiment in api.get("/api/experiments").json():
            assert experiment["status"] != "running", f"{experiment['key']} was left running by another test"
        assert api.post("/api/experiments", json=spec).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
        try:
            yield key, swarm_to_completion(app_server.url, RunRequest(key, agents=AGENTS, concurrency=16, seed=3))
        finally:
            api.post(f"/api/experiments/{key}/stop")


def _world_marks(app_server) -> list[str]:
    """What a leak of the world would carry: its secret and every drawn sensitivity, in full and to 6 decimals."""
    marks = [app_server.world_secret]
    for values in app_server.world.sensitivities.values():
        marks += [form for value in values.values() if value for form in (repr(value), f"{value:.6f}")]
    return marks


def _leaks(text: str, marks: list[str]) -> list[str]:
    return [mark for mark in marks if mark in text]


def test_open_responses_do_not_recompute_the_truth(app_server, secret_run):
    _, run_id = secret_run
    with app_server.api(timeout=60) as api:
        run = api.get(f"/api/runs/{run_id}").json()
        assert run["status"] == "completed" and "plan" not in run["params"]
        assert all("plan" not in item["params"] for item in api.get("/api/runs").json())
        learner = public_truth(api, run_id)  # the public responses, the open source, the documented personas
        admin = public_truth(api, run_id, app_server.world)  # the same, in the deployment's world
    learned = learner.effect("conversion", "treatment").relative
    true = admin.effect("conversion", "treatment").relative
    assert abs(learned - true) > 0.1 * abs(true), (learned, true)
    assert largest_gap(learner, admin) > CLEAR_MARGIN


def test_only_the_admin_population_endpoint_carries_the_world(app_server, secret_run):
    key, run_id = secret_run
    marks = _world_marks(app_server)
    values = {"run_id": run_id, "key": key}
    with app_server.api(timeout=60) as api:
        document = api.get("/api/openapi.json").json()
        read = 0
        for path, operations in document["paths"].items():
            operation = operations.get("get")
            if operation is None or operation.get("security"):
                continue  # admin-only reads need the token away from localhost
            response = api.get(path.format(**values))
            assert response.status_code == 200, (path, response.text)
            assert not _leaks(response.text, marks), f"GET {path} carries the world"
            assert app_server.world.world_id not in response.text, f"GET {path} carries the world's id"
            read += 1
        assert read >= 8, "the open reads were not found in the OpenAPI document"
        population = "/api/runs/{run_id}/population"
        assert document["paths"][population]["get"].get("security"), "the world must stay an admin read"
        roster = api.get(population.format(**values)).json()
        assert World.from_dict(roster["world"]) == app_server.world


def test_no_lab_page_or_frame_carries_the_world(app_server, page: Page, secret_run):
    key, _ = secret_run
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    pages: list[str] = []
    for path in (f"/results/{key}", *LAB_PAGES):  # the Data page last: its tables and SQL lab are used next
        page.goto(f"{app_server.url}{path}")
        expect(page.locator("main, #page, body").first).to_be_visible(timeout=LOAD)
        page.wait_for_load_state("networkidle")
        pages.append(page.content())
    expect(page.locator("#table-users")).to_be_visible(timeout=LOAD)
    expect(page.locator("#table-world_secret")).to_have_count(0)  # the Data page never lists it
    page.click("#table-runs")
    expect(page.locator("#table-preview .result-row").first).to_be_visible(timeout=LOAD)
    page.get_by_role("tab", name="SQL lab").click()
    editor = page.locator("#sql-editor")
    editor.fill("SELECT * FROM world_secret")
    editor.press("Control+Enter")
    expect(page.locator("#sql-problem")).to_contain_text("world_secret", timeout=LOAD)
    expect(page.locator("#sql-result")).to_have_count(0)
    pages.append(page.content())

    marks = _world_marks(app_server)
    received = "\n".join(frames)
    assert received, "no state reached the browser"
    for html in pages:
        assert not _leaks(html, marks), "a page carries the world"
    assert not _leaks(received, marks), "a websocket frame carries the world"
    assert page.console_errors == []
