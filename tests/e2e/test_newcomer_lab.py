"""Rough edges a newcomer met in the Lab, in a real browser at 1440 px: stopping a running experiment from the
list, the builder's scroll on a step change, the secondary-metric cards, the sidebar's language pill and the
Overview in Korean.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from novarium_app.builder.labels import metric_description, metric_label
from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.layout_probe import box, in_viewport

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 60_000
STATE = 15_000
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


@pytest.fixture(autouse=True)
def patient_expect():
    """Give each assertion time for a round trip to the server; restore Playwright's default afterwards."""
    expect.set_options(timeout=STATE)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def running(app_server) -> Iterator[str]:
    """A running experiment, stopped afterwards if the test left it running."""
    key = f"newcomer-stop-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "Showing ratings makes more visitors trust a restaurant and order.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "no-ratings", "weight": 50, "config": {"show_ratings": False}},
        ],
    }
    with app_server.api(timeout=30) as api:
        assert api.post("/api/experiments", json=spec).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
        try:
            yield key
        finally:
            if _status(api, key) == "running":
                api.post(f"/api/experiments/{key}/stop")


def _status(api: httpx.Client, key: str) -> str:
    return api.get(f"/api/experiments/{key}").json()["status"]


def test_a_running_experiment_is_stopped_from_the_list_after_a_confirmation(app_server, running, page):
    page.goto(f"{app_server.url}/experiments")
    row = page.locator(f".experiment-row[data-key='{running}']")
    expect(row).to_have_attribute("data-status", "running", timeout=LOAD)
    row.locator(".stop-experiment").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(running)
    dialog.locator("#stop-cancel").click()
    expect(dialog).to_have_count(0)
    with app_server.api(timeout=30) as api:
        assert _status(api, running) == "running", "Cancel stopped the experiment"

        row.locator(".stop-experiment").click()
        page.get_by_role("alertdialog").locator("#stop-confirm").click()
        expect(row).to_have_attribute("data-status", "stopped")
        expect(row.locator(".stop-experiment")).to_have_count(0)
        expect(page.get_by_text(f"'{running}' is stopped")).to_be_visible()
        assert _status(api, running) == "stopped"
    assert page.console_errors == []


def _stepper_in_view(page: Page) -> bool:
    return in_viewport(page, box(page.locator("#builder-stepper")))


def _scroll_to_bottom(page: Page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    assert not _stepper_in_view(page), "the page is too short to test the scroll"


def _current(page: Page, number: int) -> None:
    expect(page.locator(f".builder-step[data-step='{number - 1}']")).to_have_attribute("data-state", "current")


def test_every_step_change_scrolls_the_builder_back_to_its_stepper(app_server, page):
    page.set_viewport_size({"width": 1440, "height": 640})
    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    page.fill("#builder-name", f"Scroll check {app_server.backend}")
    page.fill("#builder-change", "show star ratings on every restaurant card")
    page.fill("#builder-rationale", "ratings help hesitant shoppers pick a restaurant")
    page.fill("#builder-expected", "5")

    for move, number in (("#builder-next", 2), ("#builder-back", 1), ("#builder-next", 2), ("#builder-next", 3)):
        _scroll_to_bottom(page)
        page.click(move)
        _current(page, number)
        page.wait_for_function(
            "() => { const r = document.getElementById('builder-stepper').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight; }",
            timeout=STATE,
        )
        assert _stepper_in_view(page), f"after {move} the stepper is off-screen"
    assert page.console_errors == []


def _secondary_card(page: Page, key: str) -> Locator:
    description = metric_description(key)[0]
    return page.locator("div, label", has=page.locator(f"#secondary-{key}")).filter(has_text=description).last


def test_a_secondary_metric_toggles_from_its_card_its_label_and_the_keyboard(app_server, page):
    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    page.click(".builder-step[data-step='2']")
    _current(page, 3)
    checkbox = page.locator("#secondary-aov")
    card = _secondary_card(page, "aov")
    expect(checkbox).to_have_attribute("data-state", "unchecked")

    card.get_by_text(metric_description("aov")[0]).click()
    expect(checkbox).to_have_attribute("data-state", "checked")
    card.get_by_text(metric_label("aov")[0], exact=True).click()
    expect(checkbox).to_have_attribute("data-state", "unchecked")
    card.click(position={"x": 6, "y": 6})  # the card's padding
    expect(checkbox).to_have_attribute("data-state", "checked")
    checkbox.click()  # the box itself still toggles once, not twice
    expect(checkbox).to_have_attribute("data-state", "unchecked")

    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_have_attribute("data-state", "checked")
    page.keyboard.press("Space")
    expect(checkbox).to_have_attribute("data-state", "unchecked")
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["English", "한국어"])
def test_the_language_pill_fits_inside_the_sidebar(app_server, page, language):
    page.goto(f"{app_server.url}/")
    page.get_by_role("radio", name=language).click()
    expect(page.get_by_role("radio", name=language)).to_have_attribute("data-state", "on")
    sidebar = page.locator("a[href='/runs']").first.locator("xpath=..")
    pill = page.get_by_role("radiogroup").filter(has=page.get_by_role("radio", name="한국어"))
    inner = sidebar.evaluate(
        "(el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);"
        " return {left: r.left + parseFloat(s.paddingLeft), right: r.right - parseFloat(s.paddingRight)}; }"
    )
    found = box(pill)
    assert found["x"] >= inner["left"] - 0.5, f"the pill starts at {found['x']:.1f}, the sidebar at {inner['left']}"
    right = found["x"] + found["width"]
    assert right <= inner["right"] + 0.5, f"the pill ends at {right:.1f} px, past the sidebar's {inner['right']:.1f}"
    for radio in pill.get_by_role("radio").all():
        assert radio.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "a language name is cut"
    assert page.console_errors == []


def test_the_overviews_legends_dates_and_range_read_in_korean(app_server, page):
    page.goto(f"{app_server.url}/")
    for chart in ("#traffic-chart", "#revenue-chart", "#persona-chart"):
        expect(page.locator(f"{chart} .legendtext").first).to_be_visible(timeout=LOAD)
    page.get_by_role("radio", name="한국어").click()
    expect(page.get_by_text("실험 연구실")).to_be_visible()
    for chart in ("#traffic-chart", "#revenue-chart", "#persona-chart"):
        expect(page.locator(f"{chart} .legendtext").first).not_to_have_text(re.compile("[A-Za-z]"))
        legends = page.locator(f"{chart} .legendtext").all_text_contents()
        assert legends and not any(re.search("[A-Za-z]", text) for text in legends), (chart, legends)
    for chart in ("#traffic-chart", "#revenue-chart"):
        ticks = page.locator(f"{chart} .xtick text").all_text_contents()
        assert ticks and not any(ENGLISH_MONTHS.search(tick) for tick in ticks), (chart, ticks)
    period = page.locator("#overview-period")
    expect(period).to_contain_text("최근")
    assert not re.search("[A-Za-z]", period.inner_text()), period.inner_text()

    page.get_by_role("radio", name="English").click()
    expect(page.locator("#traffic-chart .legendtext").first).to_have_text("Visitors")
    expect(period).to_contain_text("last")
    assert page.console_errors == []
