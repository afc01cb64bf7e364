"""The Lab's Runs page in a real browser, against the production build and the real RunManager.

The run is slowed down on purpose (a few agents at a time, with think time) so there is time to watch it, reload the
page mid-run, stop it and resume it.
"""

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AGENTS = 300
CONCURRENCY = 4
THINK_TIME = "0.05"
FINISH_TIMEOUT = 180_000
ACTION_TIMEOUT = 30_000  # a start, stop or resume is announced once the server has done it; a busy machine is slow


@pytest.fixture(scope="module")
def experiment(app_server) -> Iterator[str]:
    """A running experiment created over the API, stopped afterwards so it blocks no other test's knobs."""
    key = f"runs-page-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "A red banner makes more visitors notice tonight's offers and order.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
        ],
    }
    with app_server.api(timeout=20) as api:
        created = api.post("/api/experiments", json=spec)
        assert created.status_code in (200, 201), created.text
        started = api.post(f"/api/experiments/{key}/start")
        assert started.status_code == 200, started.text
        try:
            yield key
        finally:
            api.post(f"/api/experiments/{key}/stop")


def _running_experiments(app_server) -> list[str]:
    response = httpx.get(f"{app_server.url}/api/experiments", timeout=20)
    assert response.status_code == 200, response.text
    return [e["key"] for e in response.json() if e["status"] == "running"]


def _runs(app_server, status: str | None = None) -> int:
    """Runs the server holds (earlier tests on the same server leave theirs in the history)."""
    runs = httpx.get(f"{app_server.url}/api/runs", timeout=20).json()
    return sum(1 for run in runs if status is None or run["status"] == status)


def _number(page: Page, selector: str) -> int:
    return int(page.locator(selector).inner_text().replace(",", ""))


def _live_status(page: Page, status: str, timeout: float = 30_000) -> None:
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", status, timeout=timeout)


def _wait_for_agents(page: Page, above: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = _number(page, "#live-agents")
        if done > above:
            return done
        time.sleep(0.25)
    pytest.fail(f"agents done stayed at or below {above} for {timeout:.0f}s")


def test_with_no_running_experiment_the_page_says_how_to_start_one(app_server, page):
    assert _running_experiments(app_server) == [], "another test left an experiment running"
    page.goto(f"{app_server.url}/runs")
    empty = page.locator("#runs-empty")
    expect(empty).to_be_visible(timeout=30_000)
    expect(empty).to_contain_text("No experiment is running")
    expect(empty).to_contain_text("novarium experiments create examples/red-banner.json")
    expect(empty).to_contain_text("POST /api/experiments")
    expect(page.locator("#launch-run")).to_have_count(0)
    expect(page.locator("#runs-design")).to_have_attribute("href", "/experiments/new")
    assert page.console_errors == []


def test_a_bad_value_is_named_inline_and_never_starts_a_run(app_server, experiment, page):
    runs_before = _runs(app_server)
    page.goto(f"{app_server.url}/runs")
    expect(page.locator("#run-experiment_key")).to_contain_text(experiment, timeout=30_000)
    page.fill("#run-agents", "0")
    expect(page.locator("#error-agents")).to_have_text("Agents: must be a whole number from 1 to 1,000,000")
    page.fill("#run-bot_share", "80")
    expect(page.locator("#error-bot_share")).to_have_text("Bot share: must be a percentage from 0 to 50")
    page.click("#launch-run")
    expect(page.get_by_text("Check the highlighted fields: the run was not started.")).to_be_visible()
    expect(page.locator(".run-row")).to_have_count(runs_before)
    assert _runs(app_server) == runs_before
    page.fill("#run-agents", "300")
    expect(page.locator("#error-agents")).to_have_count(0)
    assert page.console_errors == []


def test_a_run_is_followed_across_a_reload_stopped_resumed_and_completed(app_server, experiment, page):
    stopped_before, completed_before = _runs(app_server, "stopped"), _runs(app_server, "completed")
    page.goto(f"{app_server.url}/runs")
    expect(page.locator("#run-experiment_key")).to_contain_text(experiment, timeout=30_000)
    page.get_by_role("button", name="Reset").click()
    page.fill("#run-agents", str(AGENTS))
    page.fill("#run-concurrency", str(CONCURRENCY))
    page.fill("#run-think_time", THINK_TIME)
    page.click("#launch-run")

    expect(page.get_by_text(re.compile(rf"Run started: {AGENTS} agents on {experiment}"))).to_be_visible(
        timeout=ACTION_TIMEOUT
    )
    _live_status(page, "running")
    expect(page.locator("#live-experiment")).to_have_text(experiment)
    expect(page.locator("#live-run")).to_contain_text(f"of {AGENTS}")
    before_reload = _wait_for_agents(page, 0)
    assert before_reload < AGENTS, "the run finished before the test could watch it; slow it down"
    expect(page.locator("#live-rate")).to_have_text(re.compile(r"^[\d,.]+/s$"))

    page.reload()
    _live_status(page, "running")
    after_reload = _wait_for_agents(page, before_reload)
    assert after_reload < AGENTS, "the run finished before it could be stopped; slow it down"

    page.click("#stop-run")
    _live_status(page, "stopped")
    expect(page.get_by_text(re.compile(r"Run \w+ stopped after"))).to_be_visible(timeout=ACTION_TIMEOUT)
    expect(page.locator("#live-eta")).to_have_text("—")
    stopped_at = _number(page, "#live-agents")
    time.sleep(2)
    assert _number(page, "#live-agents") == stopped_at, "a stopped run kept going"
    expect(page.locator(".run-row[data-status='stopped']")).to_have_count(stopped_before + 1)

    page.click("#resume-run")
    expect(page.get_by_text(re.compile(r"Run \w+ resumed at"))).to_be_visible(timeout=ACTION_TIMEOUT)
    _live_status(page, "completed", timeout=FINISH_TIMEOUT)
    expect(page.get_by_text(re.compile(rf"on {experiment} completed: {AGENTS} agents"))).to_be_visible()
    expect(page.locator("#live-agents")).to_have_text(f"{AGENTS:,}")
    expect(page.locator("#live-percent")).to_have_text("100%")
    assert _number(page, "#live-stored") > 0
    expect(page.locator(".run-row[data-status='completed']")).to_have_count(completed_before + 1)
    expect(page.locator("#runs-active")).to_have_count(0)
    assert page.console_errors == []
