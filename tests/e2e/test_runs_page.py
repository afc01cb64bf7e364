"""The Lab's Runs page in a real browser, against the production build: what it says with no running experiment,
and a bad form value named inline that never starts a run. A run followed live, across a reload, stopped, resumed and
completed from this page is ``tests/e2e/test_monitor.py``.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]


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


@pytest.fixture(scope="module")
def planned(app_server) -> Iterator[str]:
    """A running experiment whose saved plan asks for 3 days; stopped afterwards."""
    key = f"runs-plan-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "A list of restaurants makes more visitors find one and order tonight.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"recommendation_layout": "list"}},
        ],
        "design": {"days": 3, "planned_n_per_variant": 300},
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


def test_the_form_opens_on_the_plan_and_a_fast_forward_reads_in_days(app_server, planned, page):
    page.goto(f"{app_server.url}/runs")
    page.locator("#run-experiment_key").click()
    page.get_by_role("option", name=planned).click()
    source = page.locator("#run-plan-source")
    expect(source).to_have_text(re.compile(r"^From your plan: 3 days, [\d,]+ visitors$"), timeout=30_000)
    visitors = int(re.search(r"([\d,]+) visitors", source.inner_text()).group(1).replace(",", ""))
    expect(page.locator("#run-days")).to_have_value("3")
    expect(page.locator("#run-agents")).to_have_value(str(visitors))

    # Watching many agents warns and points to fast-forward; a small number does not.
    page.fill("#run-agents", "25000")
    expect(page.locator("#run-watch-warning")).to_contain_text("Watching 25,000 agents over HTTP takes a long time")
    page.get_by_role("radio", name="Fast-forward").click()
    expect(page.locator("#run-watch-warning")).to_have_count(0)
    page.fill("#run-agents", str(visitors))

    completed_before = _runs(app_server, "completed")
    page.click("#fast-forward-run")
    done = re.compile(rf"Fast-forwarded 3 days: {visitors:,} visitors, [\d,]+ in the experiment")
    expect(page.get_by_text(done)).to_be_visible(timeout=120_000)
    expect(page.locator("#live-experiment")).to_have_text(planned)
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", "completed")
    expect(page.locator(".run-row[data-status='completed']")).to_have_count(completed_before + 1)
    assert _runs(app_server, "completed") == completed_before + 1

    # The monitor reads the experiment's calendar: day 1 to day 3 with their dates, never the wall clock.
    expect(page.locator("#monitor-looks")).to_have_text("36 looks · every 2 h", timeout=30_000)
    for chart in ("#metric-chart", "#p-chart", "#rate-chart"):
        expect(page.locator(f"{chart} .xtick text")).to_have_text(["1", "2", "3"])
    expect(page.locator("#monitor-horizon")).to_contain_text(re.compile(r"^Days 1–3 \(.+\) of the planned 3 days$"))
    expect(page.locator("#rate-axis")).to_have_text("Day of the experiment (one bar = 1 day)")
    expect(page.locator("#planned-sample")).to_contain_text("of the planned 300 per variant")
    assert page.console_errors == []
