"""The Runs page's live run and monitor in a real browser: a small HTTP swarm run started from the page, followed
across a reload while its split check and curves fill in, stopped and resumed (each announced), completed, and read
again, final, after a reload; the run history counts it at every step.

The run is slowed down (a few agents at a time, with think time) so there is time to watch the monitor update.
"""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

AGENTS = 400
CONCURRENCY = 4
THINK_TIME = "0.1"  # slow enough to watch on a loaded machine
FINISH_TIMEOUT = 240_000
SRM_STATUSES = re.compile(r"^(ok|caution|warning)$")


@pytest.fixture(scope="module")
def experiment(app_server) -> Iterator[str]:
    """A running experiment created over the API, stopped afterwards so it blocks no other test's knobs."""
    key = f"monitor-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "A site-wide discount makes more visitors order tonight.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "discount", "weight": 50, "config": {"discount_pct": 10}},
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


def _exposed(page: Page) -> dict[str, int]:
    rows = page.locator("#monitor-srm .split-row")
    return {
        rows.nth(i).get_attribute("data-variant"): int(rows.nth(i).locator(".exposed").inner_text().replace(",", ""))
        for i in range(rows.count())
    }


def _wait_for(condition, what: str, page: Page, log: Path, timeout: float = 120.0, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    seen = f"agents {page.locator('#live-agents').inner_text()}, looks {page.locator('#monitor-looks').inner_text()}"
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
    pytest.fail(f"{what} did not happen within {timeout:.0f}s ({seen}); the server's log ends:\n{tail}")


def _looks(page: Page) -> int:
    return int(re.match(r"[\d,]+", page.locator("#monitor-looks").inner_text()).group().replace(",", ""))


def _status(page: Page, status: str, timeout: float = 30_000) -> None:
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", status, timeout=timeout)


def _charts_drawn(page: Page) -> None:
    for chart in ("#metric-chart", "#p-chart", "#rate-chart"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#metric-chart .scatterlayer .trace")).to_have_count(2)
    expect(page.locator("#p-chart .scatterlayer .trace")).to_have_count(2)  # naive and always-valid p


def _runs(app_server, status: str) -> int:
    """Runs the server holds in ``status`` (earlier tests on the same server leave theirs in the history)."""
    runs = httpx.get(f"{app_server.url}/api/runs", timeout=20).json()
    return sum(1 for run in runs if run["status"] == status)


def test_a_run_is_followed_live_stopped_resumed_completed_and_final_after_a_reload(app_server, experiment, page):
    stopped_before, completed_before = _runs(app_server, "stopped"), _runs(app_server, "completed")
    page.goto(f"{app_server.url}/runs")
    expect(page.locator("#run-experiment_key")).to_contain_text(experiment, timeout=30_000)
    page.get_by_role("button", name="Reset").click()
    page.fill("#run-agents", str(AGENTS))
    page.fill("#run-concurrency", str(CONCURRENCY))
    page.fill("#run-think_time", THINK_TIME)
    page.click("#launch-run")
    expect(page.get_by_text(re.compile(rf"Run started: {AGENTS} agents on {experiment}"))).to_be_visible(timeout=30_000)
    _status(page, "running")
    expect(page.locator("#live-experiment")).to_have_text(experiment)
    expect(page.locator("#live-run")).to_contain_text(f"of {AGENTS}")

    # Live: the split check and the curves appear, then keep moving while agents arrive.
    expect(page.locator("#monitor-live")).to_be_visible(timeout=30_000)
    expect(page.locator("#monitor-srm")).to_be_visible(timeout=60_000)
    expect(page.locator("#srm-status")).to_have_attribute("data-status", SRM_STATUSES, timeout=30_000)
    expect(page.locator("#monitor-srm .split-row")).to_have_count(2)
    _charts_drawn(page)
    expect(page.locator("#msprt-tuning")).to_contain_text(f"units this run plans for control and discount ({AGENTS})")
    first = sum(_exposed(page).values())
    looks = _looks(page)
    log = app_server.log
    _wait_for(lambda: sum(_exposed(page).values()) > first, "the exposed users growing", page, log)
    # The experiment's own calendar, not the wall clock: one simulated day (no plan), its looks every hour.
    assert looks == 24, f"{looks} looks"
    expect(page.locator("#monitor-looks")).to_have_text("24 looks · every 1 h")
    expect(page.locator("#metric-chart .xtick text")).to_have_text(["1"])
    expect(page.locator("#monitor-horizon")).to_contain_text("Day 1 (")
    expect(page.locator("#live-rate")).to_have_text(re.compile(r"^[\d,.]+/s$"))
    assert sum(_exposed(page).values()) < AGENTS, "the run finished before the test could watch it; slow it down"

    # A reload mid-run: the page finds the live run again and follows it on.
    before_reload = sum(_exposed(page).values())
    page.reload()
    _status(page, "running")
    expect(page.locator("#monitor-srm")).to_be_visible(timeout=60_000)
    _wait_for(lambda: sum(_exposed(page).values()) > before_reload, "the run moving on after a reload", page, log)
    assert sum(_exposed(page).values()) < AGENTS, "the run finished before it could be stopped; slow it down"

    # Stopped: the monitor holds still and shows the run's final state so far.
    page.click("#stop-run")
    _status(page, "stopped")
    expect(page.get_by_text(re.compile(r"Run \w+ stopped after"))).to_be_visible(timeout=30_000)
    expect(page.locator("#live-eta")).to_have_text("—")
    expect(page.locator("#monitor-final")).to_be_visible(timeout=15_000)
    expect(page.locator(".run-row[data-status='stopped']")).to_have_count(stopped_before + 1)
    time.sleep(2.5)
    stopped = _exposed(page)
    time.sleep(2)
    assert _exposed(page) == stopped, "a stopped run's monitor kept moving"

    # Resumed: live again, and it grows past where it stopped.
    page.click("#resume-run")
    expect(page.get_by_text(re.compile(r"Run \w+ resumed at"))).to_be_visible(timeout=30_000)
    _status(page, "running")
    expect(page.locator("#monitor-live")).to_be_visible(timeout=15_000)
    resumed = sum(stopped.values())
    _wait_for(lambda: sum(_exposed(page).values()) > resumed, "the exposed users growing after resume", page, log)

    # Completed: the final curves agree with what the experiment's API counts.
    _status(page, "completed", timeout=FINISH_TIMEOUT)
    expect(page.get_by_text(re.compile(rf"on {experiment} completed: {AGENTS} agents"))).to_be_visible()
    expect(page.locator("#live-agents")).to_have_text(f"{AGENTS:,}")
    expect(page.locator("#live-percent")).to_have_text("100%")
    assert int(page.locator("#live-stored").inner_text().replace(",", "")) > 0
    expect(page.locator(".run-row[data-status='completed']")).to_have_count(completed_before + 1)
    expect(page.locator("#runs-active")).to_have_count(0)
    expect(page.locator("#monitor-final")).to_be_visible(timeout=15_000)
    summary = httpx.get(f"{app_server.url}/api/experiments/{experiment}/summary", timeout=20).json()
    counts = {variant["name"]: variant["exposed"] for variant in summary["variants"]}
    _wait_for(lambda: _exposed(page) == counts, f"the final split {counts}", page, log, timeout=20)
    final_peeks = page.locator("#monitor-peeking .peek-row .valid-p").inner_text()

    # Reload: the finished run's monitor comes back with the same final numbers.
    page.reload()
    _status(page, "completed")
    expect(page.locator("#monitor-final")).to_be_visible(timeout=30_000)
    expect(page.locator("#monitor-srm")).to_be_visible(timeout=30_000)
    assert _exposed(page) == counts
    _charts_drawn(page)
    expect(page.locator("#monitor-peeking .peek-row .valid-p")).to_have_text(final_peeks)
    expect(page.locator("#peeking-summary")).to_contain_text(re.compile(r"looks"))
    assert page.console_errors == []


def test_the_monitor_reads_in_korean(app_server, experiment, page):
    page.goto(f"{app_server.url}/runs")
    expect(page.locator("#monitor-srm")).to_be_visible(timeout=60_000)
    page.get_by_role("radio", name="한국어").click()
    expect(page.locator("#monitor")).to_contain_text("모니터")
    expect(page.locator("#monitor-srm")).to_contain_text("트래픽 배정")
    expect(page.locator("#monitor-peeking")).to_contain_text("항상 유효한 p값")
    expect(page.locator("#msprt-tuning")).to_contain_text("mSPRT")
    expect(page.locator("#launch-run")).to_have_text("실행 시작")
    page.fill("#run-agents", "0")
    expect(page.locator("#error-agents")).to_have_text("에이전트: 1부터 1,000,000까지의 정수여야 합니다")
    assert page.console_errors == []
