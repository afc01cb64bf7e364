"""The whole learner journey in one test, in a real browser against the production build on PostgreSQL (on DuckDB each
part has its own module: see tests/e2e/backends.py), through the UI only.

A learner designs an experiment in the wizard (all six steps) and launches it, sends a small HTTP swarm from the
Runs page and watches the live monitor until the run completes, reads the results and the recommendation (with no
ground truth in the page or in anything the server sent), ships the treatment with a learnings note, sees the truth
revealed and the variant adopted, finds it live in the shop, and exports the experiment's retrospective to Markdown.

The API is read only, to check what the UI claims (and, afterwards, to leave no adoption or running experiment
behind for other tests on the same server).
"""

import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from novarium_app.lab.formatting import percent
from shop.assignment import assign
from swarm.truth import GroundTruth
from tests.e2e.backends import ON_POSTGRES_ONLY
from tests.public_truth import public_truth

pytestmark = [pytest.mark.e2e, ON_POSTGRES_ONLY]

LOAD = 60_000  # a page's first load on a busy two-core machine
STATE = 20_000  # one round trip to the server
FINISH = 180_000  # the whole swarm run

# Enough shoppers for the estimate to land near the true +36% conversion lift (about 35 s on two cores), paced so the
# monitor can be watched while it moves.
AGENTS = 2_000
CONCURRENCY = 16
THINK_TIME = "0.01"
SEED = 7
DISCOUNT = 20
SRM_STATUSES = re.compile(r"^(ok|caution|warning)$")
HEADLINES = {  # the ship rule's verdict -> what the results page says, and the word the retrospective saves
    "ship": ("Ship treatment", "Ship"),
    "dont_ship": ("Don't ship treatment", "Don't ship"),
    "keep_running": ("Keep treatment running", "Keep running"),
    "inconclusive": ("Inconclusive for treatment", "Inconclusive"),
}
TRUTH_WORDS = ("true_rel", "truth_abs", "lasting_rel", '"truth"')
METRICS = ("conversion", "banner_ctr", "revenue_per_visitor")

CHANGE = f"show a red banner with a {DISCOUNT}% discount"
RATIONALE = "a visible deal makes rational shoppers order tonight"
HYPOTHESIS = f"If we {CHANGE}, then conversion will increase by about 15%, because {RATIONALE}."
LEARNINGS = "The discount lifted conversion a lot; next time guard order value, which the discount cuts."


@pytest.fixture(autouse=True)
def patient_expect():
    """Give each assertion time for a round trip to the server; restore Playwright's default afterwards."""
    expect.set_options(timeout=STATE)
    yield
    expect.set_options(timeout=5_000)


# ----- helpers ---------------------------------------------------------------------------------------------------


def _api(app_server) -> httpx.Client:
    return app_server.api(timeout=30)


def _choose(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def _step(page: Page, number: int) -> None:
    expect(page.locator(f".builder-step[data-step='{number - 1}']")).to_have_attribute("data-state", "current")


def _nav(page: Page, href: str) -> None:
    """Follow the Lab sidebar's link to ``href``, as a learner would."""
    page.locator(f"a[href='{href}']").first.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}/?$"))


def _number(page: Page, selector: str) -> int:
    return int(page.locator(selector).inner_text().replace(",", ""))


def _exposed(page: Page) -> dict[str, int]:
    rows = page.locator("#monitor-srm .split-row")
    return {
        rows.nth(i).get_attribute("data-variant"): int(rows.nth(i).locator(".exposed").inner_text().replace(",", ""))
        for i in range(rows.count())
    }


def _wait_for(condition: Callable[[], object], what: str, log: Path, timeout: float = 90.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.3)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
    pytest.fail(f"{what} did not happen within {timeout:.0f}s; the server's log ends:\n{tail}")


def _run_status(page: Page) -> str:
    return page.locator("#live-run .run-status").get_attribute("data-status") or ""


def _frames(page: Page) -> list[str]:
    """Every websocket frame the page receives from now on (the state Reflex sends to the browser).

    Call it before the first navigation: client-side navigation keeps the socket the page opened first.
    """
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


def _clean_up(app_server, key: str) -> None:
    """Roll back this journey's adoption and end its experiment, so later tests on this server start clean."""
    with _api(app_server) as api:
        for adoption in api.get("/api/adoptions").json():
            if adoption["experiment_key"] == key and adoption.get("rolled_back_at") is None:
                api.post(f"/api/adoptions/{adoption['adoption_id']}/rollback")
        found = api.get(f"/api/experiments/{key}")
        if found.status_code == 200 and found.json()["status"] == "running":
            api.post(f"/api/experiments/{key}/stop")


# ----- the steps ------------------------------------------------------------------------------------------------


def _design_and_launch(page: Page, app_server, name: str, key: str) -> str:
    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)

    # 1. The problem and the hypothesis.
    _step(page, 1)
    page.fill("#builder-name", name)
    expect(page.locator("#builder-key")).to_have_value(key)
    page.fill("#builder-change", CHANGE)
    page.fill("#builder-rationale", RATIONALE)
    page.fill("#builder-expected", "15")
    expect(page.locator("#hypothesis-sentence")).to_have_text(HYPOTHESIS)
    # The rubric coach reviews the design so far: the hypothesis is whole, but no knob changes yet and no guardrail.
    # (The suite's server has a model configured too; the learner picks the offline rubric.)
    page.locator("#coach-panel .coach-choice").get_by_role("radio", name="Rubric").click()
    page.click("#coach-review")
    findings = page.locator("#coach-findings .coach-finding")
    expect(page.locator("#coach-findings .coach-finding[data-code='structure.complete']")).to_have_attribute(
        "data-severity", "good", timeout=LOAD
    )
    for code in ("variants.no_change", "guardrails.none"):
        expect(page.locator(f"#coach-findings .coach-finding[data-code='{code}']")).to_have_attribute(
            "data-severity", "warning"
        )
    assert findings.count() >= 5, findings.all_inner_texts()
    # Its "Fix" link opens the step that fixes a finding: the variants.
    page.locator("#coach-findings .coach-finding[data-code='variants.no_change'] .coach-fix").click()

    # 2. The treatment: a red banner and a 20% discount, previewed in the shop's own page.
    _step(page, 2)
    page.click(".variant-card[data-index='1']")
    page.click("#knob-toggle-banner_color")
    _choose(page, "#knob-banner_color", "Red")
    page.click("#knob-toggle-discount_pct")
    page.fill("#knob-discount_pct", str(DISCOUNT))
    expect(page.locator(".variant-card[data-index='1'] .variant-changes")).to_have_text(
        f"Banner colour → Red · Discount → {DISCOUNT}%"
    )
    frame = page.frame_locator("#variant-preview")
    expect(frame.locator("#shop-banner")).to_have_attribute("data-banner-color", "red", timeout=LOAD)
    page.click("#builder-next")

    # 3. Metrics: conversion stays primary; two secondary metrics explain it.
    _step(page, 3)
    page.click("#secondary-banner_ctr")
    page.click("#secondary-revenue_per_visitor")
    page.click("#builder-next")

    # 4. The plan from the warehouse's baseline.
    _step(page, 4)
    expect(page.locator("#baseline-value")).to_have_text(re.compile(r"^\d+\.\d\d%$"), timeout=LOAD)
    expect(page.locator("#plan-n")).to_have_text(re.compile(r"^\d[\d,]*$"))
    default_plan = page.locator("#plan-n").inner_text()
    page.fill("#builder-mde", "30")
    expect(page.locator("#plan-days")).to_have_text(re.compile(r"^\d[\d,]*$"))
    expect(page.locator("#plan-n")).not_to_have_text(default_plan)  # replanned for the larger MDE
    planned = page.locator("#plan-n").inner_text().strip()  # the monitor and the results state the sample against it
    page.click("#builder-next")

    # 5. Traffic: everyone in, half and half; an id is hashed exactly as the shop will assign it.
    _step(page, 5)
    expect(page.locator("#builder-allocation")).to_have_value("100")
    page.fill("#probe-id", "ada")
    expect(page.locator("#probe-variant")).to_have_text(assign(key, "ada", [("control", 50.0), ("treatment", 50.0)]))
    page.click("#builder-next")

    # 6. Review and launch.
    _step(page, 6)
    expect(page.locator("#review-ok")).to_be_visible()
    expect(page.locator("#review-key")).to_have_text(key)
    page.click("#launch")
    expect(page.locator("#launched")).to_be_visible(timeout=LOAD)
    expect(page.locator("#launched-key")).to_have_text(key)

    with _api(app_server) as api:
        stored = api.get(f"/api/experiments/{key}").json()
    assert stored["status"] == "running", stored
    assert [v["config"] for v in stored["variants"]] == [{}, {"banner_color": "red", "discount_pct": DISCOUNT}]
    assert stored["primary_metric"] == "conversion"
    return planned


def _run_the_swarm(page: Page, app_server, key: str, planned: str) -> str:
    """Launch a run from the Runs page, watch it move and finish; returns its run id."""
    log = app_server.log
    page.click("#send-swarm")
    expect(page).to_have_url(re.compile(r"/runs/?$"))
    expect(page.locator("#run-form")).to_be_visible(timeout=LOAD)
    _choose(page, "#run-experiment_key", key)
    expect(page.locator("#run-experiment_key")).to_contain_text(key)
    page.get_by_role("button", name="Reset").click()
    page.fill("#run-agents", str(AGENTS))
    page.fill("#run-concurrency", str(CONCURRENCY))
    page.fill("#run-think_time", THINK_TIME)
    page.fill("#run-seed", str(SEED))
    page.click("#launch-run")
    expect(page.get_by_text(f"Run started: {AGENTS:,} agents on {key}.")).to_be_visible(timeout=STATE)
    expect(page.locator("#live-experiment")).to_have_text(key)
    expect(page.locator("#live-run")).to_contain_text(f"of {AGENTS:,}")
    run_id = page.locator(".run-row", has_text=key).first.get_attribute("data-run")
    assert run_id, "the run history shows no run"

    # Live: progress advances while the split check and the curves fill in.
    expect(page.locator("#monitor-live")).to_be_visible(timeout=STATE)
    first = _wait_for(lambda: _number(page, "#live-agents"), "a first agent finishing", log)
    assert _run_status(page) == "running" and first < AGENTS, "the run finished before it could be watched"
    expect(page.locator("#monitor-srm")).to_be_visible(timeout=LOAD)
    expect(page.locator("#srm-status")).to_have_attribute("data-status", SRM_STATUSES)
    expect(page.locator("#monitor-srm .split-row")).to_have_count(2)
    expect(page.locator("#planned-sample")).to_contain_text(f"of the planned {planned} per variant")
    for chart in ("#metric-chart", "#p-chart", "#rate-chart"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#metric-chart .scatterlayer .trace")).to_have_count(2)
    expect(page.locator("#msprt-tuning")).to_contain_text(f"control and treatment ({AGENTS:,})")
    _wait_for(lambda: _number(page, "#live-agents") > first, "the agents done growing", log)
    percent_done = int(page.locator("#live-percent").inner_text().rstrip("%"))
    assert 0 < percent_done <= 100

    # Completed: every agent done, and the final split agrees with the experiment's own counts.
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", "completed", timeout=FINISH)
    expect(page.get_by_text(re.compile(rf"on {key} completed: {AGENTS:,} agents"))).to_be_visible(timeout=STATE)
    expect(page.locator("#live-agents")).to_have_text(f"{AGENTS:,}")
    expect(page.locator("#live-percent")).to_have_text("100%")
    expect(page.locator("#monitor-final")).to_be_visible()
    with _api(app_server) as api:
        run = api.get(f"/api/runs/{run_id}").json()
        summary = api.get(f"/api/experiments/{key}/summary").json()
    assert run["status"] == "completed" and run["experiment_key"] == key, run
    counts = {variant["name"]: variant["exposed"] for variant in summary["variants"]}
    assert sum(counts.values()) > AGENTS // 2, counts
    _wait_for(lambda: _exposed(page) == counts, f"the monitor's final split {counts}", log, timeout=30)
    return run_id


def _read_results(
    page: Page, app_server, name: str, key: str, truth: GroundTruth, frames: list[str], planned: str
) -> str:
    """Open the results from the picker; see the evidence, the recommendation and no ground truth.

    ``frames`` holds every websocket frame the page received since the journey began. Returns the ship rule's verdict.
    """
    _nav(page, "/results")
    card = page.locator(f'a[data-key="{key}"]')
    expect(card).to_be_visible(timeout=LOAD)
    expect(card.locator(".experiment-status")).to_have_attribute("data-status", "running")
    card.click()
    expect(page).to_have_url(re.compile(f"/results/{key}$"))
    expect(page.locator("#results-title")).to_have_text(name, timeout=LOAD)

    with _api(app_server) as api:
        summary = api.get(f"/api/experiments/{key}/summary").json()
    exposed = sum(variant["exposed"] for variant in summary["variants"])
    expect(page.locator('[data-tile="users"]')).to_contain_text(f"{exposed:,}", timeout=LOAD)
    expect(page.locator('[data-tile="users"]')).to_contain_text(f"of the planned {planned} per variant")
    cards = page.locator(".metric-card")
    expect(cards).to_have_count(3)
    assert cards.evaluate_all("cards => cards.map(c => c.dataset.metric)") == list(METRICS)
    treatment = page.locator('.metric-card[data-metric="conversion"] tr[data-variant="treatment"]')
    expect(treatment).to_contain_text("%")
    expect(page.locator("#srm-callout")).to_contain_text("Sample ratio check")

    recommendation = page.locator("#recommendation")
    expect(recommendation).to_have_attribute("data-verdict", re.compile(f"^({'|'.join(HEADLINES)})$"))
    verdict = recommendation.get_attribute("data-verdict")
    expect(page.locator("#recommendation-headline")).to_have_text(HEADLINES[verdict][0])
    expect(page.locator("#recommendation-reasons .result-line").first).to_be_visible()
    expect(page.locator("#recommendation-reasons")).to_contain_text("Conversion: +")
    expect(page.locator("#forest-chart .main-svg").first).to_be_visible(timeout=LOAD)
    expect(page.locator("#peeking-note")).to_be_visible()

    # Nothing of the ground truth is on the page, or in any state the server sent, before the decision.
    expect(page.locator("#decision-form")).to_be_visible()
    expect(page.locator("#truth-reveal")).to_have_count(0)
    expect(page.locator("#reveal-card")).to_have_count(0)
    html, received = page.content(), "\n".join(frames)
    assert received, "no state reached the browser"
    for number in _truth_numbers(truth):
        assert number not in html and number not in received, f"a true effect ({number}) reached the browser"
    for word in TRUTH_WORDS:
        assert word not in received, f"{word} reached the browser before the decision"
    return verdict


def _ship(page: Page, app_server, key: str, truth: GroundTruth) -> str:
    """Ship the treatment with learnings; see the truth and the adoption; returns the retrospective's link."""
    page.locator("#choice-ship").click()
    page.locator("#decision-learnings").fill(LEARNINGS)
    page.locator("#record-decision").click()
    expect(page.get_by_text("treatment is live in the shop now")).to_be_visible(timeout=LOAD)

    reveal = page.locator("#truth-reveal")
    expect(reveal).to_be_visible()
    lift = truth.effect("conversion", "treatment", lasting=True).relative
    assert lift > 0.1, f"the journey's treatment should have a large true effect, has {lift:+.1%}"
    expect(reveal).to_have_attribute("data-outcome", "win")
    expect(page.locator("#verdict-headline")).to_have_text("Right call")
    expect(reveal).to_contain_text(LEARNINGS)
    true_conversion = percent(truth.effect("conversion", "treatment").relative, signed=True)
    expect(page.locator('#reveal-table tr[data-key="conversion|treatment"] .truth-value')).to_have_text(true_conversion)
    expect(page.locator(".experiment-status").first).to_have_attribute("data-status", "completed")

    adoption = page.locator("#adoption-live")
    expect(adoption).to_contain_text("treatment is live in the shop.")
    expect(adoption).to_contain_text("Banner colour: red")
    expect(adoption).to_contain_text(f"Discount: {DISCOUNT}%")
    expect(page.locator("#open-shop")).to_have_attribute("href", "/shop")
    expect(page.locator("#open-adoptions")).to_have_attribute("href", "/adoptions")
    with _api(app_server) as api:
        stored = api.get(f"/api/experiments/{key}").json()
        live = [a for a in api.get("/api/adoptions").json() if a["experiment_key"] == key]
    assert stored["status"] == "completed", stored
    assert len(live) == 1 and live[0]["variant"] == "treatment" and live[0].get("rolled_back_at") is None, live
    assert live[0]["config"] == {"banner_color": "red", "discount_pct": DISCOUNT}, live

    link = page.locator("#open-retrospective")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/retrospectives/[\w-]+", href), href
    return href


def _see_it_in_the_shop(page: Page, app_server, key: str) -> None:
    """Follow the adoption to /adoptions, then open the shop from the result's link: the variant is live."""
    page.locator("#open-adoptions").click()
    expect(page).to_have_url(re.compile(r"/adoptions/?$"))
    row = page.locator(f'.adoption-row[data-experiment="{key}"][data-active="yes"]')
    expect(row).to_be_visible(timeout=LOAD)
    expect(row).to_contain_text("treatment")
    expect(page.locator('.live-knob[data-knob="banner_color"]')).to_have_attribute("data-changed", "yes")

    page.go_back()
    expect(page.locator("#open-shop")).to_be_visible(timeout=LOAD)
    with page.context.expect_page() as opened:
        page.click("#open-shop")
    shop = opened.value
    errors: list[str] = []
    shop.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    expect(shop).to_have_url(re.compile(r"/shop/?$"), timeout=LOAD)
    expect(shop.locator("#shop-banner")).to_have_attribute("data-banner-color", "red", timeout=LOAD)
    expect(shop.locator("#discount-sticker")).to_contain_text(str(DISCOUNT))
    shop.close()
    assert errors == [], f"the shop logged console errors: {errors}"


def _export_the_retrospective(page: Page, name: str, key: str, href: str, recommended: str) -> None:
    """Find the retrospective on the list, open it and export it; the Markdown holds the story.

    ``recommended`` is the ship rule's verdict, in words, as the results page showed it before the decision.
    """
    _nav(page, "/retrospectives")
    card = page.locator(f"#retro-grid [data-key='{key}']")
    expect(card).to_have_count(1, timeout=LOAD)
    expect(card.locator(".retro-outcome")).to_have_text("Win")
    expect(card.locator(".retro-decision")).to_have_text("Ship")
    expect(card).to_have_attribute("href", href)
    card.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"))
    expect(page.locator("#retro-title")).to_have_text(name, timeout=LOAD)
    expect(page.locator("#retro-hypothesis")).to_contain_text(HYPOTHESIS)
    expect(page.locator("#retro-primary")).to_have_text("Conversion")
    expect(page.locator("#retro-correct")).to_contain_text("Right call")
    expect(page.locator("#retro-learnings")).to_have_value(LEARNINGS)
    _write_it_up(page)

    with page.expect_download() as download_info:
        page.click("#retro-export")
    download = download_info.value
    assert re.fullmatch(rf"retrospective-{re.escape(key)}-\d{{8}}\.md", download.suggested_filename), (
        download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# Retrospective: {name}\n"), text[:200]
    assert f"## Hypothesis\n\n> {HYPOTHESIS}" in text
    assert "- **Decision:** Ship" in text and "- **Your decision:** Ship" in text
    assert "- **Outcome:** Win" in text
    assert f"- **The ship rule recommended:** {recommended}\n" in text
    assert "- **Was the decision right?** Right\n" in text
    assert "| Conversion | treatment | +" in text.split("## The truth", 1)[-1], "the truth table has no conversion row"
    assert f"## Learnings\n\n{LEARNINGS}" in text
    assert f'banner_color = "red", discount_pct = {DISCOUNT}' in text, "the Markdown does not describe the treatment"
    assert "## Coach write-up\n\n# Write-up: " in text and "_Written by rubric._" in text


def _write_it_up(page: Page) -> None:
    """The rubric coach drafts a write-up from the stored numbers; an invented number blocks saving until removed."""
    page.locator("#retro-coach .coach-choice").get_by_role("radio", name="Rubric").click()
    page.click("#coach-writeup")
    draft = page.locator("#coach-writeup-draft")
    expect(draft).to_have_value(re.compile(r"^# Write-up: "), timeout=LOAD)
    written = draft.input_value()
    assert "## Results" in written and "Conversion" in written, written[:500]
    expect(page.locator("#coach-writeup-source")).to_have_text("Source: rubric")
    expect(page.locator("#coach-writeup-ungrounded")).to_have_count(0)
    draft.fill(written + "\nConversion rose by 77.7% in every persona.\n")
    expect(page.locator("#coach-writeup-ungrounded")).to_contain_text("77.7%")
    expect(page.locator("#coach-writeup-source")).to_have_text("Source: rubric, edited")
    expect(page.locator("#coach-writeup-save")).to_be_disabled()
    draft.fill(written)
    expect(page.locator("#coach-writeup-ungrounded")).to_have_count(0)
    page.click("#coach-writeup-save")
    expect(page.locator("#retro-coach-source")).to_have_text("Written by rubric", timeout=LOAD)
    expect(page.locator("#retro-coach .retro-coach-text")).to_contain_text("Write-up:")


# ----- the journey ----------------------------------------------------------------------------------------------


def test_a_learner_designs_runs_decides_adopts_and_exports_an_experiment(app_server, page):
    name = f"Journey {app_server.backend}"
    key = f"journey-{app_server.backend}"
    frames = _frames(page)
    try:
        planned = _design_and_launch(page, app_server, name, key)  # the power step's users per variant
        run_id = _run_the_swarm(page, app_server, key, planned)
        with _api(app_server) as api:
            # the admin's knowledge: the run's public inputs in the deployment's world (the API never sends the truth)
            truth = public_truth(api, run_id, app_server.world)
        verdict = _read_results(page, app_server, name, key, truth, frames, planned)
        retrospective = _ship(page, app_server, key, truth)
        # The reveal's rows reach the browser now: the frames are captured, so the leak check above meant something.
        assert any("truth_abs" in frame for frame in frames), "no captured frame carries the reveal"
        _see_it_in_the_shop(page, app_server, key)
        _export_the_retrospective(page, name, key, retrospective, HEADLINES[verdict][1])
    finally:
        _clean_up(app_server, key)
    assert page.console_errors == []
