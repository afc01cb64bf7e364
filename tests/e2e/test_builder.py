"""The experiment builder and the experiments list in a real browser, against the production build.

One learner designs an experiment end to end: fills every step, goes back and forth, reloads, hits inline
problems, previews the variant in the shop, hashes an id, launches, and finds it running on /experiments.
Another opens a prefilled link, saves a draft and starts it from the list.
"""

import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from shop.assignment import assign
from shop.state import VISITOR_COOKIE
from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 30_000
STATE = 15_000  # a round trip to the server, on a loaded machine


@pytest.fixture(autouse=True)
def patient_expect():
    """Give each assertion time for a round trip to the server; restore Playwright's default afterwards."""
    expect.set_options(timeout=STATE)
    yield
    expect.set_options(timeout=5_000)


def _api(app_server) -> httpx.Client:
    return app_server.api(timeout=20)


def _stop(app_server, key: str) -> None:
    with _api(app_server) as api:
        api.post(f"/api/experiments/{key}/stop")


def _choose(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def _step(page: Page, number: int) -> None:
    expect(page.locator(f".builder-step[data-step='{number - 1}']")).to_have_attribute("data-state", "current")


def test_the_list_matches_the_store_and_invites_a_first_design(app_server, page):
    with _api(app_server) as api:
        stored = api.get("/api/experiments").json()
    page.goto(f"{app_server.url}/experiments")
    expect(page.get_by_role("heading", name="Experiments")).to_be_visible()
    if stored:
        expect(page.locator(".experiment-row")).to_have_count(len(stored), timeout=LOAD)
    else:
        empty = page.locator("#experiments-empty")
        expect(empty).to_contain_text("No experiments yet", timeout=LOAD)
        page.click("#design-first")
        expect(page).to_have_url(re.compile(r"/experiments/new/?$"))
        expect(page.get_by_role("heading", name="Design an experiment")).to_be_visible()
    assert page.console_errors == []


def test_a_learner_designs_and_launches_an_experiment(app_server, page):
    key = f"builder-e2e-{app_server.backend}"
    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    _step(page, 1)

    # Step 1: the parts make the sentence live; a bad value is named inline and blocks the way on.
    page.fill("#builder-name", f"Builder e2e {app_server.backend}")
    expect(page.locator("#builder-key")).to_have_value(key)
    page.fill("#builder-change", "show a red banner with a 10% discount")
    page.fill("#builder-rationale", "a visible deal makes rational shoppers order tonight")
    page.fill("#builder-expected", "0")
    expect(page.locator("#error-expected")).to_have_text(
        "Expected size: must be a percentage above 0 and at most 1,000"
    )
    page.click("#builder-next")
    expect(page.get_by_text("Fix the highlighted fields to go on.")).to_be_visible()
    _step(page, 1)
    page.fill("#builder-expected", "8")
    expect(page.locator("#error-expected")).to_have_count(0)
    expect(page.locator("#hypothesis-sentence")).to_have_text(
        "If we show a red banner with a 10% discount, then conversion will increase by about 8%, "
        "because a visible deal makes rational shoppers order tonight."
    )
    page.click("#builder-next")
    _step(page, 2)

    # Step 2: knobs from the catalog, checked at once, and the shop's own page as a read-only preview.
    page.click(".variant-card[data-index='1']")
    page.click("#knob-toggle-banner_color")
    _choose(page, "#knob-banner_color", "Red")
    page.click("#knob-toggle-discount_pct")
    page.fill("#knob-discount_pct", "80")
    expect(page.locator("#error-knob-discount_pct")).to_have_text("Discount: must be an integer from 0 to 50 %")
    expect(page.locator("#preview-blocked")).to_be_visible()
    page.fill("#knob-discount_pct", "10")
    expect(page.locator(".variant-card[data-index='1'] .variant-changes")).to_have_text(
        "Banner colour → Red · Discount → 10%"
    )
    frame = page.frame_locator("#variant-preview")
    expect(frame.locator("#shop-banner")).to_have_attribute("data-banner-color", "red", timeout=LOAD)
    expect(frame.locator("#discount-sticker")).to_contain_text("10")
    src = page.locator("#variant-preview").get_attribute("src")
    assert json.loads(unquote(parse_qs(urlsplit(src).query)["preview"][0])) == {
        "banner_color": "red",
        "discount_pct": 10,
    }
    assert all(cookie["name"] != VISITOR_COOKIE for cookie in page.context.cookies()), "the preview made a visitor"

    # Back and forth keeps every input.
    page.click("#builder-back")
    _step(page, 1)
    expect(page.locator("#builder-name")).to_have_value(f"Builder e2e {app_server.backend}")
    expect(page.locator("#builder-expected")).to_have_value("8")
    page.click("#builder-next")
    _step(page, 2)
    expect(page.locator("#knob-discount_pct")).to_have_value("10")
    page.click("#builder-next")
    _step(page, 3)

    # Step 3: a guardrail and a secondary metric.
    page.click("#add-guardrail")
    expect(page.locator(".guardrail-row")).to_have_count(1)
    page.click("#secondary-banner_ctr")
    page.click("#builder-next")
    _step(page, 4)

    # Step 4: the plan from the warehouse's baseline, with inline rules.
    expect(page.locator("#baseline-value")).to_have_text(re.compile(r"^\d+\.\d\d%$"))
    # The baseline is the one of the window the plan runs (a longer window converts more), and says which.
    expect(page.locator("#baseline-unit")).to_contain_text(re.compile(r"per visitor over \d+ days"))
    expect(page.locator("#baseline-window")).to_have_text(re.compile(r"^Conversion over the last \d+ days: \d+\.\d\d%"))
    page.fill("#builder-alpha", "0.7")
    expect(page.locator("#error-alpha")).to_have_text("Alpha: must be a number above 0 and below 0.5")
    expect(page.locator("#plan-waiting")).to_be_visible()
    page.fill("#builder-alpha", "0.05")
    expect(page.locator("#plan-days")).to_have_text(re.compile(r"^\d[\d,]*$"))
    long_plan = page.locator("#plan-days").inner_text()
    page.fill("#builder-mde", "40")
    expect(page.locator("#plan-days")).not_to_have_text(long_plan)
    expect(page.locator("#power-chart .main-svg").first).to_be_visible(timeout=LOAD)
    days = page.locator("#plan-days").inner_text()
    expect(page.locator("#baseline-window")).to_have_attribute("data-days", days)  # a short plan: its own window
    expect(page.locator("#baseline-window")).to_have_text(
        re.compile(rf"^Conversion over the last {days} days: \d+\.\d\d%$")
    )
    page.click("#builder-next")
    _step(page, 5)

    # Step 5: half the traffic, and any id hashed exactly as the shop assigns it.
    page.fill("#builder-allocation", "50")
    expect(page.locator("#traffic-days")).not_to_contain_text(f" {days} days")
    for user_id in ("user-7", "ada", "visitor-1234"):
        page.fill("#probe-id", user_id)
        expected = assign(key, user_id, [("control", 50.0), ("treatment", 50.0)], 50.0)
        expect(page.locator("#probe-variant")).to_have_text(expected or "not in the experiment")

    # A reload keeps the design and the step.
    page.reload()
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    _step(page, 5)
    expect(page.locator("#builder-allocation")).to_have_value("50")

    # Step 6: the spec checks out; launch, then send the swarm.
    page.click("#builder-next")
    _step(page, 6)
    expect(page.locator("#review-ok")).to_be_visible()
    expect(page.locator("#review-key")).to_have_text(key)
    try:
        page.click("#launch")
        expect(page.locator("#launched")).to_be_visible(timeout=LOAD)
        expect(page.locator("#launched-key")).to_have_text(key)
        expect(page.get_by_text(f"'{key}' is running.")).to_be_visible()
        expect(page.locator("#send-swarm")).to_have_attribute("href", "/runs")

        with _api(app_server) as api:
            stored = api.get(f"/api/experiments/{key}").json()
        assert stored["status"] == "running"
        assert stored["allocation"] == 50
        assert [v["config"] for v in stored["variants"]] == [{}, {"banner_color": "red", "discount_pct": 10}]
        assert stored["design"]["alpha"] == 0.05 and stored["design"]["mde"] == 0.4

        page.goto(f"{app_server.url}/experiments")
        row = page.locator(f".experiment-row[data-key='{key}']")
        expect(row).to_have_attribute("data-status", "running", timeout=LOAD)
        expect(row.locator(".experiment-status")).to_have_text("Running")
        expect(row.locator(".experiment-hypothesis")).to_contain_text("If we show a red banner")
        expect(row.locator(".open-runs")).to_be_visible()
        expect(row.locator("a:has(.open-results)")).to_have_attribute("href", f"/results/{key}")
    finally:
        _stop(app_server, key)
    assert page.console_errors == []


def test_a_prefilled_link_saves_a_draft_that_starts_from_the_list(app_server, page):
    key = f"cautious-ratings-{app_server.backend}"
    link = (
        f"{app_server.url}/experiments/new?metric=add_to_cart_rate&persona=cautious"
        f"&name=Cautious%20ratings%20{app_server.backend}&idea=show%20an%20ends-tonight%20badge"
        "&why=a%20deadline%20nudges%20hesitant%20shoppers%20to%20act&urgency_badge=ends_tonight"
    )
    page.goto(link)
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    expect(page).to_have_url(re.compile(r"/experiments/new/?$"))
    expect(page.locator("#builder-key")).to_have_value(key)
    expect(page.locator("#hypothesis-sentence")).to_contain_text("then add-to-cart rate will increase")
    expect(page.locator("#hypothesis-sentence")).to_contain_text("for the Cautious persona")

    page.get_by_role("radio", name="한국어").click()
    expect(page.locator(".builder-step[data-step='0']")).to_contain_text("문제와 가설")
    page.fill("#builder-rationale", "short")
    expect(page.locator("#error-rationale")).to_have_text("근거: 효과가 있을 이유를 10~1,000자로 적어 주세요")
    page.fill("#builder-rationale", "a deadline nudges hesitant shoppers to act")
    page.get_by_role("radio", name="English").click()

    page.click(".builder-step[data-step='5']")
    _step(page, 6)
    expect(page.locator("#review-ok")).to_be_visible()
    page.click("#save-draft")
    expect(page.get_by_text(f"Draft '{key}' saved.")).to_be_visible(timeout=LOAD)
    expect(page.locator("#saved-note")).to_contain_text(key)

    page.goto(f"{app_server.url}/experiments")
    row = page.locator(f".experiment-row[data-key='{key}']")
    expect(row).to_have_attribute("data-status", "draft", timeout=LOAD)
    row.locator(".continue-draft").click()
    expect(page.locator("#continuing-draft")).to_contain_text(key, timeout=LOAD)
    expect(page).to_have_url(re.compile(r"/experiments/new/?$"))
    expect(page.locator("#builder-name")).to_have_value(f"Cautious ratings {app_server.backend}")
    expect(page.locator("#builder-persona")).to_have_text("Cautious")
    page.click(".builder-step[data-step='5']")
    expect(page.locator("#review-ok")).to_be_visible()  # an unchanged draft keeps its key

    page.goto(f"{app_server.url}/experiments")
    expect(row).to_have_attribute("data-status", "draft", timeout=LOAD)
    try:
        row.locator(".start-draft").click()
        expect(page.get_by_text(f"'{key}' is running.")).to_be_visible()
        expect(row).to_have_attribute("data-status", "running")
    finally:
        _stop(app_server, key)
    assert page.console_errors == []
