"""Results, the decision, the ground-truth reveal and adoption, in a real browser against the production build.

A module fixture creates an experiment over the API and sends simulated shoppers through the served shop with the
HTTP swarm (the Runs page's path; the serving app holds embedded DuckDB, so nothing else may write to it). The
tests then read the results, check that no ground truth reached the browser before the decision, ship the
treatment, see the truth revealed and the shop change, and roll the adoption back.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from novarium_app.lab.formatting import percent
from swarm.runner import RunRequest
from swarm.truth import GroundTruth
from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.swarming import swarm_to_completion
from tests.public_truth import public_truth

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

AGENTS = 1_200
TREATMENT = {"banner_color": "red", "urgency_badge": "selling_fast", "discount_pct": 20}
METRICS = ("conversion", "banner_ctr", "revenue_per_visitor", "aov")
LOAD = 60_000


def _spec(key: str) -> dict:
    return {
        "key": key,
        "name": "Red banner e2e",
        "hypothesis": "A red banner with a discount makes more visitors order tonight.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": TREATMENT},
        ],
        "primary_metric": "conversion",
        "secondary_metrics": ["banner_ctr", "revenue_per_visitor"],
        "guardrails": [{"metric": "aov", "margin": 0.5, "margin_type": "relative"}],
    }


@pytest.fixture(scope="module")
def simulated(app_server) -> Iterator[tuple[str, GroundTruth]]:
    """A running experiment with a completed swarm run; its adoptions rolled back and itself ended afterwards."""
    key = f"results-e2e-{app_server.backend}"
    with app_server.api(timeout=60) as api:
        for experiment in api.get("/api/experiments").json():
            assert experiment["status"] != "running", f"{experiment['key']} was left running by another test"
        assert api.post("/api/experiments", json=_spec(key)).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
        try:
            run_id = swarm_to_completion(app_server.url, RunRequest(key, agents=AGENTS, concurrency=32, seed=7))
            # the admin's knowledge: the run's public inputs in the deployment's world (the API never sends the truth)
            yield key, public_truth(api, run_id, app_server.world)
        finally:
            for adoption in api.get("/api/adoptions").json():
                if adoption["experiment_key"] == key and adoption.get("rolled_back_at") is None:
                    api.post(f"/api/adoptions/{adoption['adoption_id']}/rollback")
            if api.get(f"/api/experiments/{key}").json()["status"] == "running":
                api.post(f"/api/experiments/{key}/stop")


def _frames(page: Page) -> list[str]:
    """Every websocket frame the page receives from now on (the state Reflex sends to the browser)."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    return frames


def _truth_numbers(truth: GroundTruth) -> list[str]:
    """The truth's effects as full-precision numbers (what a leak of the raw truth would carry)."""
    numbers = []
    for metric in METRICS:
        effect = truth.effect(metric, "treatment")
        numbers += [repr(value) for value in (effect.absolute, effect.relative) if value]
    return numbers


def _tile_and_row_agree(page: Page, conversion, analysis: str) -> tuple[str, str]:
    """The lift tile, the ship rule and the table row all read ``analysis``: the same lift and adjusted p."""
    tile = page.locator('[data-tile="lift"]')
    expect(tile).to_contain_text(f"Conversion lift, {analysis}")
    expect(page.locator("#ship-rule")).to_contain_text(f"reads the estimates {analysis}")
    row = conversion.locator('tr[data-variant="treatment"]')
    lift = row.locator(".rel-lift").inner_text().strip()
    adjusted_p = row.locator(".p-cell").inner_text().split("adj.")[-1].strip()
    expect(tile.locator(".tile-value")).to_have_text(lift)
    expect(tile).to_contain_text(f"adjusted p {adjusted_p}")
    return lift, adjusted_p


def test_the_picker_lists_the_experiment(app_server, page, simulated):
    key, _ = simulated
    page.goto(f"{app_server.url}/results")
    card = page.locator(f'a[data-key="{key}"]')
    expect(card).to_be_visible(timeout=LOAD)
    expect(card.locator(".experiment-status")).to_have_attribute("data-status", "running")
    card.click()
    expect(page).to_have_url(re.compile(f"/results/{key}$"))
    expect(page.locator("#results-title")).to_have_text("Red banner e2e", timeout=LOAD)
    assert page.console_errors == []


def test_results_show_metrics_and_a_recommendation_and_no_truth_before_deciding(app_server, page, simulated):
    key, truth = simulated
    frames = _frames(page)
    page.goto(f"{app_server.url}/results/{key}")
    cards = page.locator(".metric-card")
    expect(cards).to_have_count(4, timeout=LOAD)
    roles = [cards.nth(i).get_attribute("data-metric") for i in range(4)]
    assert roles == ["conversion", "banner_ctr", "revenue_per_visitor", "aov"]  # primary first
    conversion = page.locator('.metric-card[data-metric="conversion"]')
    expect(conversion.locator('tr[data-variant="treatment"]')).to_contain_text("%")
    expect(page.locator('[data-tile="users"]')).to_contain_text(f"{AGENTS:,}")
    expect(page.locator("#srm-callout")).to_contain_text("Sample ratio check")
    expect(page.locator("#recommendation-headline")).to_contain_text("treatment")
    expect(page.locator("#recommendation-reasons .result-line").first).to_be_visible()
    expect(page.locator("#guardrails")).to_contain_text("Average order value in treatment")
    warning = page.locator("#segments .segment-warning").first
    expect(warning).to_contain_text("the chance that at least one looks significant")
    expect(page.locator("#forest-chart .main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#peeking-note")).to_be_visible()
    expect(page.locator("#decision-rule")).to_contain_text("Shipping is right when")

    raw = _tile_and_row_agree(page, conversion, "without CUPED")  # the plan set no CUPED
    expect(conversion).not_to_contain_text("CUPED-adjusted")
    page.locator("#cuped-switch").click()
    expect(conversion).to_contain_text("CUPED-adjusted")
    adjusted = _tile_and_row_agree(page, conversion, "with CUPED")
    assert adjusted != raw, "switching CUPED changed neither the tile nor the table"
    page.locator("#cuped-switch").click()
    assert _tile_and_row_agree(page, conversion, "without CUPED") == raw

    expect(page.locator("#truth-reveal")).to_have_count(0)
    html = page.content()
    received = "\n".join(frames)
    assert received, "no state reached the browser"
    for number in _truth_numbers(truth):
        assert number not in html and number not in received, f"a true effect ({number}) reached the browser"
    for word in ("true_rel", "truth_abs", "lasting_rel", '"truth"'):
        assert word not in received

    page.get_by_role("radio", name="한국어").click()
    expect(page.locator("#decision-form")).to_contain_text("나의 결정")
    expect(page.locator("#srm-callout")).to_contain_text("표본 비율 점검")
    page.get_by_role("radio", name="English").click()
    expect(page.locator("#decision-form")).to_contain_text("Your decision")
    assert page.console_errors == []


def test_deciding_to_ship_reveals_the_truth_and_adopts_the_variant(app_server, page, simulated):
    key, truth = simulated
    page.goto(f"{app_server.url}/results/{key}")
    expect(page.locator("#decision-form")).to_be_visible(timeout=LOAD)

    page.locator("#choice-ship").click()
    page.locator("#decision-learnings").fill("red")
    page.locator("#record-decision").click()
    expect(page.locator("#error-learnings")).to_have_text(
        "Learnings: write at least 10 characters about what you learned (3 so far)."
    )
    expect(page.locator("#truth-reveal")).to_have_count(0)

    page.locator("#decision-learnings").fill("The discount moved conversion; watch order value next time.")
    expect(page.locator("#error-learnings")).to_have_count(0)
    page.locator("#record-decision").click()
    expect(page.get_by_text("treatment is live in the shop now")).to_be_visible(timeout=LOAD)

    reveal = page.locator("#truth-reveal")
    expect(reveal).to_be_visible()
    expected = "win" if truth.effect("conversion", "treatment", lasting=True).relative > 0 else "loss"
    expect(reveal).to_have_attribute("data-outcome", expected)
    expect(page.locator("#verdict-headline")).to_have_text("Right call" if expected == "win" else "Wrong call")
    true_conversion = percent(truth.effect("conversion", "treatment").relative, signed=True)
    expect(page.locator('#reveal-table tr[data-key="conversion|treatment"] .truth-value')).to_have_text(true_conversion)
    expect(page.locator("#adoption-live")).to_contain_text("Banner colour: red")
    expect(page.locator(".experiment-status").first).to_have_attribute("data-status", "completed")
    expect(page.locator("#forest-chart .scatter").last).to_be_attached()

    page.reload()  # a later visit shows the saved decision, not the form
    expect(page.locator("#truth-reveal")).to_be_visible(timeout=LOAD)
    expect(page.locator("#decision-form")).to_have_count(0)
    expect(page.locator("#open-retrospective")).to_be_visible()
    assert page.console_errors == []


def test_the_adoption_is_live_in_the_shop_and_rolls_back(app_server, page, simulated):
    key, _ = simulated
    page.goto(f"{app_server.url}/adoptions")
    row = page.locator(f'.adoption-row[data-experiment="{key}"][data-active="yes"]')
    expect(row).to_be_visible(timeout=LOAD)
    expect(row).to_contain_text("treatment")
    expect(page.locator('.live-knob[data-knob="banner_color"]')).to_have_attribute("data-changed", "yes")

    page.goto(f"{app_server.url}/shop")
    expect(page.locator("#shop-banner")).to_have_attribute("data-banner-color", "red", timeout=LOAD)

    page.goto(f"{app_server.url}/adoptions")
    row = page.locator(f'.adoption-row[data-experiment="{key}"][data-active="yes"]')
    row.locator(".rollback").click()
    page.locator(".confirm-rollback").click()
    expect(page.get_by_text(f"Rolled back treatment of {key}")).to_be_visible(timeout=LOAD)
    expect(page.locator(f'.adoption-row[data-experiment="{key}"]')).to_have_attribute("data-active", "no")
    expect(page.locator('.live-knob[data-knob="banner_color"]')).to_have_attribute("data-changed", "no")

    page.goto(f"{app_server.url}/shop")
    expect(page.locator("#shop-banner")).to_have_attribute("data-banner-color", "orange", timeout=LOAD)
    assert page.console_errors == []
