"""The Learn page in a real browser, against the production build: both simulators and the learner's own peeking.

The simulations run the real vectorised engine on the server. The A/A run is sized (4 million simulated users) so
its progress bar is on screen for a few seconds before the histogram replaces it.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 30_000
RUN = 180_000


def _open(page: Page, app_server) -> None:
    page.goto(f"{app_server.url}/learn")
    expect(page.locator("#learn-title")).to_have_text("Learn", timeout=LOAD)
    expect(page.locator("#own-peeking-empty, #own-peeking-table").first).to_be_visible(timeout=LOAD)


def _fill(page: Page, selector: str, value: str) -> None:
    page.fill(selector, value)
    expect(page.locator(selector)).to_have_value(value)


def _percent(page: Page, selector: str) -> float:
    text = page.locator(selector).inner_text()
    assert re.fullmatch(r"\d+\.\d%", text), text
    return float(text[:-1]) / 100


def _started(app_server) -> list[str]:
    response = httpx.get(f"{app_server.url}/api/experiments", timeout=20)
    assert response.status_code == 200, response.text
    return [e["key"] for e in response.json() if e["started_at"] is not None]


def test_your_own_peeking_starts_empty_with_a_next_step(app_server, page):
    started = _started(app_server)
    _open(page, app_server)
    if started:  # another browser test already ran an experiment on this server: it must be listed instead
        for key in started:
            expect(page.locator(f'.peeking-row[data-key="{key}"]')).to_be_visible()
        return
    empty = page.locator("#own-peeking-empty")
    expect(empty).to_contain_text("No experiment has run yet")
    expect(empty).to_contain_text("novarium experiments start")
    next_step = page.locator("#own-peeking-next")
    expect(next_step).to_have_attribute("href", "/runs")
    expect(page.locator("#aa-idle")).to_contain_text("No simulation yet")
    assert page.console_errors == []


@pytest.fixture
def running_experiment(app_server) -> Iterator[str]:
    """A running experiment created over the API (a knob no other browser test sets), stopped afterwards."""
    key = f"learn-peeking-{app_server.backend}"
    spec = {
        "key": key,
        "name": "Hide ratings",
        "hypothesis": "Hiding star ratings makes visitors read menus and order more.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"show_ratings": False}},
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


def test_a_started_experiment_is_listed_with_its_looks_and_alpha(app_server, running_experiment, page):
    _open(page, app_server)
    row = page.locator(f'.peeking-row[data-key="{running_experiment}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Hide ratings")
    expect(row).to_contain_text("running")
    expect(row).to_contain_text("5.0%")
    expect(page.locator("#own-lesson")).to_be_visible()
    assert page.console_errors == []


def test_a_bad_value_is_named_inline_and_nothing_runs(app_server, page):
    _open(page, app_server)
    _fill(page, "#aa-experiments", "50")
    expect(page.locator("#aa-experiments-error")).to_have_text("Experiments: must be a whole number from 100 to 5,000")
    page.click("#aa-run")
    expect(page.get_by_text("Check the highlighted fields: nothing was run.")).to_be_visible()
    expect(page.locator("#aa-progress")).to_have_count(0)
    _fill(page, "#aa-experiments", "5000")
    _fill(page, "#aa-users", "20000")
    expect(page.locator("#aa-users-error")).to_contain_text("experiments × users must be at most 25,000,000")
    expect(page.locator("#aa-experiments-error")).to_have_count(0)
    assert page.console_errors == []


def test_an_aa_simulation_shows_progress_then_the_histogram_and_the_false_positive_rate(app_server, page):
    _open(page, app_server)
    _fill(page, "#aa-experiments", "2000")
    _fill(page, "#aa-users", "2000")
    page.click("#aa-run")
    expect(page.locator("#aa-progress")).to_be_visible(timeout=LOAD)
    expect(page.locator("#aa-done")).to_contain_text("/ 2,000")
    expect(page.locator("#aa-result")).to_be_visible(timeout=RUN)
    expect(page.get_by_text("2,000 A/A experiments simulated.")).to_be_visible()
    expect(page.locator("#aa-progress")).to_have_count(0)

    rate = _percent(page, "#aa-fpr")
    assert 0.03 <= rate <= 0.07, rate  # 2,000 A/A tests at 5%: the rate is within about 1 point of it
    expect(page.locator("#aa-false-positives")).to_have_text(re.compile(r"^\d{2,3} / 2,000$"))
    expect(page.locator("#aa-histogram .main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#aa-histogram .bars .point")).to_have_count(20)
    expect(page.locator("#aa-story")).to_contain_text("every significant result is a false positive")
    assert page.console_errors == []


def test_stop_ends_a_long_simulation(app_server, page):
    _open(page, app_server)
    _fill(page, "#aa-experiments", "5000")
    _fill(page, "#aa-users", "5000")
    page.click("#aa-run")
    expect(page.locator("#aa-progress")).to_be_visible(timeout=LOAD)
    expect(page.locator("#aa-done")).not_to_have_text(re.compile(r"^0 /"), timeout=LOAD)
    page.click("#aa-stop")
    expect(page.get_by_text(re.compile(r"Simulation stopped after [\d,]+ of 5,000 experiments"))).to_be_visible(
        timeout=LOAD
    )
    expect(page.locator("#aa-progress")).to_have_count(0)
    expect(page.locator("#aa-idle")).to_be_visible()
    assert page.console_errors == []


def test_the_peeking_simulation_shows_naive_rates_rising_and_always_valid_holding(app_server, page):
    _open(page, app_server)
    _fill(page, "#pk-experiments", "300")
    _fill(page, "#pk-users", "2000")
    page.get_by_role("button", name="20", exact=True).click()
    expect(page.locator("#pk-looks")).to_have_value("20")
    page.click("#pk-run")
    expect(page.locator("#pk-progress")).to_be_visible(timeout=LOAD)
    expect(page.locator("#pk-result")).to_be_visible(timeout=RUN)

    naive, valid = _percent(page, "#pk-naive-rate"), _percent(page, "#pk-valid-rate")
    assert naive > 0.12, naive  # about 25% for twenty daily looks
    assert valid <= 0.06, valid
    expect(page.locator("#pk-story")).to_contain_text("Looking every day for 20 days")
    for chart in ("#pk-curve", "#pk-sample"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#pk-curve .scatterlayer .trace")).to_have_count(3)
    expect(page.locator("#pk-sample-caption")).to_contain_text("Experiment #")
    assert page.console_errors == []


def test_the_page_speaks_korean(app_server, page):
    _open(page, app_server)
    page.get_by_role("radio", name="한국어").click()
    expect(page.locator("#learn-title")).to_have_text("배우기")
    expect(page.locator("#aa-idle")).to_contain_text("아직 시뮬레이션이 없습니다")
    _fill(page, "#pk-looks", "40")
    expect(page.locator("#pk-looks-error")).to_have_text("일별 확인 횟수: 2에서 30 사이의 정수여야 합니다")
    assert page.console_errors == []
