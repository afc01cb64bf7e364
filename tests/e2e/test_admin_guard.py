"""Admin actions on an app bound to 0.0.0.0 with NOVARIUM_ADMIN_TOKEN: the Lab runs the same check as the REST API.

Every test uses ``guarded_server`` (see ``conftest.py``). What was stored is read back through the REST API, since
the served app holds its embedded DuckDB file. A test that expects a refusal also waits for the refusal's own
message, so it can only pass when the guard, not some other failure, stopped the action.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from novarium_app.components.admin_access import AdminAccessState
from novarium_app.components.builder_state import BuilderState
from novarium_app.components.coach_writeup import CoachWriteupState
from novarium_app.pages.adoptions import AdoptionsState
from novarium_app.pages.experiments import ExperimentsState
from novarium_app.pages.results import ResultsState
from novarium_app.pages.retro_detail import RetroDetailState
from novarium_app.pages.runs import RunsState
from tests.e2e.reflex_socket import ReflexSocket

REFUSED = "Refused: "
LOCKED = "Admin actions are locked: unlock them with the admin token (NOVARIUM_ADMIN_TOKEN) in the sidebar."


def spec(key: str, knob: dict) -> dict:
    return {
        "key": key,
        "hypothesis": "A changed shop page lifts conversion for every visitor.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": knob},
        ],
    }


@pytest.fixture(scope="module")
def stored(guarded_server) -> Iterator[dict[str, str]]:
    """Through REST with the token: drafts to start, a running experiment with a running and a stopped run, and two
    adoptions to roll back (the browser's is the newer one, listed first)."""
    with guarded_server.api(timeout=30) as api:
        for key, knob in (
            ("guard-draft", {"banner_color": "red"}),
            ("guard-socket-draft", {"recommendation_layout": "list"}),
            ("guard-running", {"discount_pct": 10}),
        ):
            api.post("/api/experiments", json=spec(key, knob)).raise_for_status()
        api.post("/api/experiments/guard-running/start").raise_for_status()
        for run_id in ("guard-run-live", "guard-run-stopped"):
            body = {"run_id": run_id, "experiment_key": "guard-running", "agents": 10}
            api.post("/api/runs", json=body).raise_for_status()
        progress = {"status": "stopped", "agents_done": 0, "events_sent": 0, "events_stored": 0}
        api.post("/api/runs/guard-run-stopped/progress", json=progress).raise_for_status()
        adoptions = {}
        for name in ("socket", "browser"):
            adopted = api.post("/api/adoptions", json={"experiment_key": "guard-running", "variant": "treatment"})
            adoptions[name] = adopted.raise_for_status().json()["adoption_id"]
    yield adoptions


def _experiment(server, key: str) -> str:
    with server.api(admin=False, timeout=30) as api:
        return api.get(f"/api/experiments/{key}").raise_for_status().json()["status"]


def _adoption_active(server, adoption_id: str) -> bool:
    with server.api(admin=False, timeout=30) as api:
        found = [a for a in api.get("/api/adoptions").raise_for_status().json() if a["adoption_id"] == adoption_id]
    return found[0]["active"]


def _runs(server) -> dict[str, str]:
    with server.api(admin=False, timeout=30) as api:
        return {run["run_id"]: run["status"] for run in api.get("/api/runs").raise_for_status().json()}


def test_rest_still_needs_the_token(guarded_server, stored):
    with guarded_server.api(admin=False, timeout=30) as api:
        refused = api.post("/api/experiments/guard-draft/start")
    assert refused.status_code == 401 and "Bearer" in refused.json()["detail"]
    assert _experiment(guarded_server, "guard-draft") == "draft"


def test_the_browser_is_refused_until_it_unlocks(guarded_server, stored, page: Page):
    page.goto(f"{guarded_server.url}/experiments")
    page.locator(".experiment-row[data-key='guard-draft'] .start-draft").click()
    page.wait_for_timeout(1500)  # time for a start that was not refused to reach the store
    assert _experiment(guarded_server, "guard-draft") == "draft"
    expect(page.get_by_text(f"{REFUSED}Start the experiment. {LOCKED}")).to_be_visible()
    expect(page.locator("#admin-access")).to_have_attribute("data-mode", "token")

    page.goto(f"{guarded_server.url}/adoptions")
    expect(page.locator(".rollback")).to_have_count(2)
    page.locator(".rollback").first.click()
    page.locator(".confirm-rollback").click()
    page.wait_for_timeout(1500)
    assert _adoption_active(guarded_server, stored["browser"]) and _adoption_active(guarded_server, stored["socket"])
    expect(page.get_by_text(f"{REFUSED}Roll back. {LOCKED}")).to_be_visible()

    page.fill("#admin-token", "not-the-token")
    page.click("#admin-unlock")
    expect(page.locator("#admin-error")).to_contain_text("that is not NOVARIUM_ADMIN_TOKEN")
    page.fill("#admin-token", guarded_server.token)
    page.click("#admin-unlock")
    expect(page.locator("#admin-unlocked")).to_be_visible()
    expect(page.locator("#admin-token")).to_have_count(0)

    page.locator(".rollback").first.click()
    page.locator(".confirm-rollback").click()
    expect(page.locator(".rollback")).to_have_count(1)
    assert not _adoption_active(guarded_server, stored["browser"])
    assert _adoption_active(guarded_server, stored["socket"])

    page.goto(f"{guarded_server.url}/experiments")  # the unlock belongs to the tab, across pages
    expect(page.locator("#admin-unlocked")).to_be_visible()
    page.locator(".experiment-row[data-key='guard-draft'] .start-draft").click()
    expect(page.get_by_text("'guard-draft' is running.")).to_be_visible()
    assert _experiment(guarded_server, "guard-draft") == "running"

    page.click("#admin-lock")
    expect(page.locator("#admin-token")).to_be_visible()


def test_a_raw_websocket_with_a_forged_origin_is_refused_and_stores_nothing(guarded_server, stored):
    retro = guarded_server.retrospective_id
    runs_before = _runs(guarded_server)
    with ReflexSocket(guarded_server.url, origin=guarded_server.url) as socket:  # the app's own origin, forged
        refusals = [
            (ExperimentsState, "start", {"key": "guard-socket-draft"}, "/experiments", "Start the experiment"),
            (AdoptionsState, "rollback", {"adoption_id": stored["socket"]}, "/adoptions", "Roll back"),
            (ResultsState, "record", {}, "/results/guard-running", "Record the decision"),
            (BuilderState, "save_draft", {}, "/builder", "Save the experiment"),
            (BuilderState, "launch", {}, "/builder", "Start the experiment"),
            (RunsState, "start_run", {}, "/runs", "Start the run"),
            (RunsState, "stop_run", {"run_id": "guard-run-live"}, "/runs", "Stop the run"),
            (RunsState, "resume_run", {"run_id": "guard-run-stopped"}, "/runs", "Resume the run"),
            (CoachWriteupState, "save", {}, f"/retrospectives/{retro}", "Save the retrospective"),
        ]
        socket.call(RetroDetailState, "load", path=f"/retrospectives/{retro}", expect="Saved before the server")
        socket.call(
            RetroDetailState,
            "set_draft",
            {"value": "Forged learnings."},
            path=f"/retrospectives/{retro}",
            expect="Forged learnings.",
        )
        refusals.append((RetroDetailState, "save", {}, f"/retrospectives/{retro}", "Save the retrospective"))
        for state, handler, payload, path, action in refusals:
            socket.call(state, handler, payload, path=path, expect=f"{REFUSED}{action}. {LOCKED}")

        assert _experiment(guarded_server, "guard-socket-draft") == "draft"
        assert _experiment(guarded_server, "guard-running") == "running"
        assert _adoption_active(guarded_server, stored["socket"])
        assert _runs(guarded_server) == runs_before
        socket.call(RetroDetailState, "load", path=f"/retrospectives/{retro}", expect="Saved before the server")

        # The same frames act once the tab unlocks with the token: the refusals above were the check's alone.
        socket.call(AdminAccessState, "unlock", {"form_data": {"token": "guessed"}}, path="/", expect="that is not")
        socket.call(
            AdminAccessState,
            "unlock",
            {"form_data": {"token": guarded_server.token}},
            path="/",
            expect="Admin actions unlocked in this tab.",
        )
        socket.call(
            ExperimentsState,
            "start",
            {"key": "guard-socket-draft"},
            path="/experiments",
            expect="'guard-socket-draft' is running.",
        )
        socket.call(RetroDetailState, "save", path=f"/retrospectives/{retro}", expect="Learnings saved.")
    assert _experiment(guarded_server, "guard-socket-draft") == "running"
