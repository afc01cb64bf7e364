"""Rough edges a newcomer met around runs, in a real browser: the active nav item on every frame of a client-side
navigation, a finished run's way to its results, the run history's width and the event chart of a run's day.

The run is recorded over the API, as the CLI's executor records one: it is created running, receives a few
exposures and purchases over HTTP, and is then marked completed 270 s after its start, so its monitor spans a
long run without the test waiting for one.
"""

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.layout_probe import box, highlighted_nav, nav_frames, record_nav_frames, sideways_scroll

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 60_000
USERS = 40
SPAN = timedelta(seconds=270)
"""The run's recorded length: a finish the API takes (at most 5 minutes ahead of its clock)."""
NAV_OF_TITLE = {
    "Overview · NovaRium": "/",
    "Experiments · NovaRium": "/experiments",
    "Design an experiment · NovaRium": "/experiments",
    "Runs · NovaRium": "/runs",
    "Results · NovaRium": "/results",
}
"""The nav item each page visited below belongs to, by the page's title."""
PLOT = "(el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot'))"
"""The Plotly graph div of a chart, from the element that carries the chart's id."""


@dataclass(frozen=True)
class RecordedRun:
    key: str
    run_id: str
    started_at: datetime


@pytest.fixture(scope="module")
def recorded(app_server) -> Iterator[RecordedRun]:
    """A running experiment with a running recorded run holding exposures and purchases; both ended afterwards."""
    key = f"newcomer-runs-{app_server.backend}"
    run_id = f"run-newcomer-{uuid.uuid4().hex[:12]}"
    spec = {
        "key": key,
        "hypothesis": "A shorter headline makes more visitors notice tonight's offers and order.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "short", "weight": 50, "config": {"banner_headline": "Dinner, fast"}},
        ],
    }
    with app_server.api(timeout=30) as api:
        assert api.post("/api/experiments", json=spec).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
        created = api.post("/api/runs", json={"run_id": run_id, "experiment_key": key, "agents": USERS})
        assert created.status_code == 201, created.text
        events = [
            {"event_id": f"{run_id}:{i}:x", "user_id": f"u-{run_id}-{i}", "name": "exposure", "experiment_key": key,
             "run_id": run_id}
            for i in range(USERS)
        ] + [
            {"event_id": f"{run_id}:{i}:p", "user_id": f"u-{run_id}-{i}", "name": "purchase", "value": 20.0 + i,
             "run_id": run_id}
            for i in range(0, USERS, 4)
        ]  # fmt: skip
        secret = {"X-Run-Secret": created.json()["secret"]}  # only the run's own recorder writes into it
        ingested = api.post("/api/events", json={"events": events}, headers=secret)
        assert ingested.status_code == 200 and ingested.json()["accepted"] == len(events), ingested.text
        started = datetime.fromisoformat(created.json()["started_at"])
        try:
            yield RecordedRun(key, run_id, started)
        finally:
            if api.get(f"/api/runs/{run_id}").json()["status"] == "running":
                _finish(api, run_id, started)
            api.post(f"/api/experiments/{key}/stop")


def _finish(api: httpx.Client, run_id: str, started: datetime) -> None:
    body = {
        "status": "completed",
        "agents_done": USERS,
        "events_sent": USERS + USERS // 4,
        "events_stored": USERS + USERS // 4,
        "finished_at": (started + SPAN).isoformat(),
    }
    answer = api.post(f"/api/runs/{run_id}/progress", json=body)
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def finished(app_server, recorded) -> RecordedRun:
    """The recorded run, completed 270 s after it started; beside it a stopped run (its row offers Resume)."""
    stopped = f"run-newcomer-{uuid.uuid4().hex[:12]}"
    with app_server.api(timeout=30) as api:
        _finish(api, recorded.run_id, recorded.started_at)
        created = api.post("/api/runs", json={"run_id": stopped, "experiment_key": recorded.key, "agents": 1_000})
        assert created.status_code == 201, created.text
        body = {"status": "stopped", "agents_done": 120, "events_sent": 1_460, "events_stored": 1_460}
        assert api.post(f"/api/runs/{stopped}/progress", json=body).status_code == 200
    return recorded


def _only_highlighted(page: Page, href: str, seconds: float = 0.0) -> None:
    """Exactly ``href`` is the highlighted nav item (within a round trip) and stays so for ``seconds`` (sampled)."""
    deadline = time.monotonic() + LOAD / 1000
    while highlighted_nav(page) != [href] and time.monotonic() < deadline:
        time.sleep(0.25)
    deadline = time.monotonic() + seconds
    while True:
        shown = highlighted_nav(page)
        assert shown == [href], f"on {page.url} the sidebar highlights {shown}"
        if time.monotonic() >= deadline:
            break
        time.sleep(0.5)


def _navigate(page: Page, href: str, link: str | None = None) -> None:
    """Follow a link client-side with the app's own link handler (a dispatched click: no scrolling or stability wait,
    which a live monitor's redraws can hold up on a loaded machine), until the address is ``href``.

    ``link`` selects the link (the sidebar's link to ``href`` by default). A click that lands while the page is busy
    can be lost, so it is repeated, at most three times.
    """
    address = re.compile(rf"^https?://[^/]+{re.escape(href.rstrip('/'))}/?$")
    for _ in range(3):
        page.locator(link or f"a[href='{href}']").first.dispatch_event("click")
        try:
            expect(page).to_have_url(address, timeout=20_000)
            return
        except AssertionError:
            continue
    pytest.fail(f"three clicks did not open {href} (still on {page.url})")


def _every_frame_agreed(page: Page) -> None:
    """No frame since the last check showed a page with another page's nav item highlighted."""
    for title, shown in nav_frames(page):
        if title in NAV_OF_TITLE:
            assert shown == [NAV_OF_TITLE[title]], f"a frame showed {title!r} with the sidebar highlighting {shown}"


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("/", "/"),
        ("/experiments/new", "/experiments"),
        ("/runs", "/runs"),
        ("/retrospectives/compare", "/retrospectives"),
    ],
)
def test_the_active_nav_item_is_marked_for_screen_readers(app_server, page, path, item):
    page.goto(f"{app_server.url}{path}")
    current = page.locator("a[aria-current='page']")
    expect(current).to_have_attribute("href", item, timeout=LOAD)
    expect(current).to_have_count(1)


def _follow(page: Page, app_server, run_id: str) -> None:
    page.goto(f"{app_server.url}/runs")
    row = page.locator(f".run-row[data-run='{run_id}']")
    expect(row).to_have_attribute("data-status", "completed", timeout=LOAD)
    row.locator("td").first.click()
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", "completed")
    expect(page.locator("#monitor-final")).to_be_visible(timeout=LOAD)


def test_a_finished_run_links_to_its_results_from_the_history_the_card_and_the_monitor(app_server, finished, page):
    results = f"/results/{finished.key}"
    _follow(page, app_server, finished.run_id)
    row = page.locator(f".run-row[data-run='{finished.run_id}']")
    expect(row.locator("a.run-results")).to_have_attribute("href", results)
    expect(page.locator("#live-results")).to_have_attribute("href", results)
    expect(page.locator("#monitor-results")).to_have_attribute("href", results)
    page.click("#monitor-results")
    expect(page).to_have_url(re.compile(rf"{results}/?$"))
    expect(page.locator("#results-title")).to_be_visible(timeout=LOAD)
    assert page.console_errors == []


def test_the_run_history_fits_the_page_at_1440_px(app_server, finished, page):
    _follow(page, app_server, finished.run_id)
    history = page.locator("#run-history")
    expect(history.locator(".resume-row").first).to_be_visible()
    for language in ("English", "한국어"):
        page.get_by_role("radio", name=language).click()
        expect(page.get_by_role("radio", name=language)).to_have_attribute("data-state", "on")
        scroll = sideways_scroll(history)
        assert scroll <= 1, f"the run history scrolls {scroll:.0f} px sideways at 1440 px ({language})"
    card = box(page.locator("#runs-history"))
    header = box(page.locator("#runs-header"))
    assert card["width"] >= 0.95 * header["width"], f"the history takes {card['width']:.0f} of {header['width']:.0f} px"
    assert page.console_errors == []


def test_the_active_nav_item_agrees_with_the_page_in_every_frame(app_server, finished, page):
    page.goto(f"{app_server.url}/runs")
    expect(page.locator("#live-run .run-status")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/runs")
    record_nav_frames(page)

    # Client-side navigation: the new page must never be drawn with the old page's item highlighted.
    _navigate(page, "/experiments")
    expect(page.locator(".experiment-row").first).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/experiments", seconds=6)
    _every_frame_agreed(page)

    _navigate(page, "/experiments/new", "#new-experiment")  # a nested route
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/experiments", seconds=3)
    _every_frame_agreed(page)

    page.reload()
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/experiments")

    page.goto(f"{app_server.url}/results/{finished.key}")
    expect(page.locator("#results-title")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/results")
    record_nav_frames(page)

    _navigate(page, "/runs")
    expect(page.locator("#live-run")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/runs")
    _every_frame_agreed(page)
    _navigate(page, "/")
    expect(page.locator("#kpis")).to_be_visible(timeout=LOAD)
    _only_highlighted(page, "/", seconds=4)
    _every_frame_agreed(page)
    assert page.console_errors == []


def test_the_event_chart_counts_the_runs_events_per_day_of_its_calendar(app_server, finished, page):
    """The run covers one simulated day: one bar, on a day axis, holding every event stored (the API stamps events
    sent without a time at arrival, after the window, so they fall in its last day)."""
    _follow(page, app_server, finished.run_id)
    chart = page.locator("#rate-chart")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#rate-axis")).to_have_text("Day of the experiment (one bar = 1 day)")
    assert chart.evaluate(f"(el) => {PLOT}.data[0].x") == [0.5]
    assert chart.evaluate(f"(el) => {PLOT}.data[0].y") == [USERS + USERS // 4], "the bar is not the events stored"
    expect(chart.locator(".xtick text")).to_have_text(["1"])
    page.get_by_role("radio", name="한국어").click()
    expect(page.locator("#rate-axis")).to_contain_text("막대")
    assert page.console_errors == []
