"""Retrospectives in a real browser, against the production build: list, search, filters, detail, Markdown export,
compare and the keyboard-driven review mode.

The shared ``app_server`` holds three retrospectives, saved through the repository before it started (on DuckDB the
server holds the file, so they cannot be written once it runs). These tests count exactly those three, so the suite
runs this module first on its server, before any test ships a decision and saves another (see ``FIRST`` in
``conftest.py``).
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from marts.retrospectives import Retrospective, to_markdown
from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = ON_DUCKDB_ONLY

LOAD = 30_000


@dataclass(frozen=True)
class RetroApp:
    """A served app and the retrospectives saved into it, newest first."""

    url: str
    backend: str
    retros: tuple[Retrospective, ...]

    def by_key(self, key: str) -> Retrospective:
        return next(r for r in self.retros if r.experiment_key == key)


@pytest.fixture(scope="module")
def retro_app(app_server) -> RetroApp:
    """The shared app with its three saved retrospectives (its storage is covered on both engines by tests/storage)."""
    return RetroApp(app_server.url, app_server.backend, app_server.retros)


def _open_list(page: Page, app: RetroApp) -> None:
    page.goto(f"{app.url}/retrospectives")
    expect(page.locator("#retro-grid [data-retro]")).to_have_count(len(app.retros), timeout=LOAD)


def _expect_keys(page: Page, keys: list[str]) -> None:
    """Wait until the grid shows exactly ``keys``, in that order."""
    cards = page.locator("#retro-grid [data-retro]")
    expect(cards).to_have_count(len(keys))
    for key in keys:
        expect(page.locator(f"#retro-grid [data-key='{key}']")).to_have_count(1)
    assert cards.evaluate_all("cards => cards.map(c => c.dataset.key)") == keys


def _pick(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def test_the_list_shows_each_retrospective_newest_first(retro_app, page):
    _open_list(page, retro_app)
    expect(page.get_by_role("heading", name="Retrospectives", exact=True)).to_be_visible()
    _expect_keys(page, ["red-banner", "free-delivery", "old-experiment"])
    expect(page.locator("#retro-count")).to_have_text("3 / 3")
    red = page.locator("[data-key='red-banner']")
    expect(red.locator(".retro-outcome")).to_have_text("Win")
    expect(red.locator(".retro-decision")).to_have_text("Ship")
    expect(red.locator(".retro-lift")).to_have_text("+6.20%")
    expect(red).to_contain_text("Conversion")
    free = page.locator("[data-key='free-delivery']")
    expect(free.locator(".retro-outcome")).to_have_text("Loss")
    expect(free.locator(".retro-decision")).to_have_text("Don't ship")
    expect(free.locator(".retro-lift")).to_have_text("−4.00%")
    expect(page.locator("[data-key='old-experiment'] .retro-outcome")).to_have_text("Not set")
    assert page.console_errors == []


def test_search_and_filters_narrow_the_list(retro_app, page):
    _open_list(page, retro_app)
    page.fill("#retro-search", "IMPULSIVE")  # learnings, any case
    _expect_keys(page, ["red-banner"])
    page.fill("#retro-search", "threshold")  # hypothesis and learnings
    _expect_keys(page, ["free-delivery"])
    page.fill("#retro-search", "free delivery")  # every word, anywhere
    _expect_keys(page, ["free-delivery", "old-experiment"])
    page.fill("#retro-search", "")
    _expect_keys(page, ["red-banner", "free-delivery", "old-experiment"])

    _pick(page, "#retro-outcome", "Win")
    _expect_keys(page, ["red-banner"])
    expect(page.locator("#retro-count")).to_have_text("1 / 3")
    _pick(page, "#retro-metric", "Revenue per visitor")
    expect(page.locator("#retro-no-match")).to_be_visible()
    expect(page.locator("#retro-count")).to_have_text("0 / 3")
    page.click("#retro-clear")
    _expect_keys(page, ["red-banner", "free-delivery", "old-experiment"])
    _pick(page, "#retro-metric", "Revenue per visitor")
    _expect_keys(page, ["free-delivery"])
    assert page.console_errors == []


def test_the_detail_page_lays_out_the_snapshot_and_saves_learnings(retro_app, page):
    red = retro_app.by_key("red-banner")
    _open_list(page, retro_app)
    page.locator("[data-key='red-banner']").click()
    expect(page).to_have_url(re.compile(rf"/retrospectives/{red.retrospective_id}$"))
    expect(page.locator("#retro-title")).to_have_text("Red banner with urgency", timeout=LOAD)
    expect(page.locator("#retro-hypothesis")).to_contain_text("selling fast")
    expect(page.locator("#retro-lift")).to_contain_text("+6.20%")
    expect(page.locator("#retro-primary")).to_have_text("Conversion")
    conversion = page.locator("#retro-results [data-metric='conversion']")
    treatment = conversion.locator("[data-variant='treatment']")
    for value in ("5,988", "10.75%", "+0.63 pp", "[+1.2%, +11.3%]", "0.0153", "0.0306", "99.2%"):
        expect(treatment).to_contain_text(value)
    expect(page.locator("#retro-results [data-metric='aov']")).to_contain_text("Guardrail")
    expect(page.locator("#retro-guardrails")).to_contain_text("Non-inferior")
    expect(page.locator("#retro-guardrails")).to_contain_text("50.1%")
    expect(page.locator("#retro-decision-section")).to_contain_text("Conversion rose and AOV held.")
    expect(page.locator("#retro-correct")).to_contain_text("Right call")
    expect(page.locator("#retro-truth")).to_contain_text("+5.00%")
    expect(page.locator("#retro-coach")).to_contain_text("No coach write-up yet.")

    learnings = page.locator("#retro-learnings")
    expect(learnings).to_have_value("Urgency works on impulsive shoppers.")
    expect(page.locator("#retro-save")).to_be_disabled()
    learnings.fill("x" * 10_001)
    expect(page.locator("#retro-learnings-error")).to_have_text("Learnings: must be at most 10,000 characters.")
    expect(page.locator("#retro-save")).to_be_disabled()
    learnings.fill("Urgency works, but check AOV before shipping.")
    expect(page.locator("#retro-learnings-error")).to_have_count(0)
    page.click("#retro-save")
    expect(page.get_by_text("Learnings saved.")).to_be_visible()
    expect(page.locator("#retro-learnings-state")).to_have_text("Saved")
    page.reload()
    expect(page.locator("#retro-learnings")).to_have_value(
        "Urgency works, but check AOV before shipping.", timeout=LOAD
    )
    assert page.console_errors == []


def test_export_downloads_the_whole_retrospective_as_markdown(retro_app, page):
    free = retro_app.by_key("free-delivery")
    page.goto(f"{retro_app.url}/retrospectives/{free.retrospective_id}")
    expect(page.locator("#retro-title")).to_have_text("Free delivery at $15", timeout=LOAD)
    with page.expect_download() as download_info:
        page.click("#retro-export")
    download = download_info.value
    assert download.suggested_filename == f"retrospective-free-delivery-{free.created_at:%Y%m%d}.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text == to_markdown(free)
    assert "## Results" in text and "A lower threshold cut the order value" in text
    assert page.console_errors == []


def test_a_missing_retrospective_is_named(retro_app, page):
    page.goto(f"{retro_app.url}/retrospectives/does-not-exist")
    expect(page.locator("#retro-missing")).to_contain_text("does-not-exist", timeout=LOAD)
    page.get_by_role("link", name="See all retrospectives").click()
    expect(page.locator("#retro-grid [data-retro]")).to_have_count(3, timeout=LOAD)
    assert page.console_errors == []


def test_compare_puts_two_retrospectives_side_by_side(retro_app, page):
    red, free, old = (retro_app.by_key(k) for k in ("red-banner", "free-delivery", "old-experiment"))
    page.goto(f"{retro_app.url}/retrospectives/compare?a={red.retrospective_id}&b={free.retrospective_id}")
    decision = page.locator("[data-row='decision']")
    expect(decision).to_contain_text("Ship", timeout=LOAD)
    expect(decision.locator(".retro-cell-b")).to_have_text("Don't ship")
    expect(decision).to_have_attribute("data-same", "false")
    expect(page.locator("[data-row='srm']")).to_have_attribute("data-same", "true")
    expect(page.locator("[data-row='primary_lift'] .retro-cell-a")).to_have_text("+6.20% (treatment vs control)")
    expect(page.locator("[data-row='primary_metric'] .retro-cell-b")).to_have_text("Revenue per visitor")

    _pick(page, "#retro-pick-b", f"old-experiment · {old.created_at:%Y-%m-%d}")
    expect(page).to_have_url(re.compile(rf"a={red.retrospective_id}&b={old.retrospective_id}"))
    expect(page.locator("[data-row='experiment'] .retro-cell-b")).to_have_text("old-experiment (old-experiment)")
    expect(page.locator("[data-row='decision'] .retro-cell-b")).to_have_text("Keep running")
    page.click("#retro-swap")
    expect(page.locator("[data-row='experiment'] .retro-cell-a")).to_have_text("old-experiment (old-experiment)")
    expect(page.locator("[data-row='experiment'] .retro-cell-b")).to_contain_text("Red banner with urgency")
    assert page.console_errors == []


def test_review_mode_moves_with_the_keyboard(retro_app, page):
    page.goto(f"{retro_app.url}/retrospectives/review")
    position, title = page.locator("#review-position"), page.locator("#review-title")
    expect(position).to_have_text("1 / 3", timeout=LOAD)
    expect(title).to_have_text("Red banner with urgency")
    expect(page.locator("#review-learnings")).to_contain_text("Urgency works")
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("2 / 3")
    expect(title).to_have_text("Free delivery at $15")
    expect(page.locator("#review-lift")).to_contain_text("−4.00%")
    page.keyboard.press("j")
    expect(position).to_have_text("3 / 3")
    expect(title).to_have_text("old-experiment")
    page.keyboard.press("ArrowRight")  # the last stays the last
    expect(position).to_have_text("3 / 3")
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("2 / 3")
    expect(title).to_have_text("Free delivery at $15")
    page.keyboard.press("k")
    expect(position).to_have_text("1 / 3")
    page.keyboard.press("End")
    expect(position).to_have_text("3 / 3")
    page.keyboard.press("Home")
    expect(position).to_have_text("1 / 3")
    expect(title).to_have_text("Red banner with urgency")
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/retrospectives$"))
    expect(page.locator("#retro-grid [data-retro]")).to_have_count(3, timeout=LOAD)
    assert page.console_errors == []


def test_review_mode_opens_at_a_retrospective_and_follows_the_filters(retro_app, page):
    free = retro_app.by_key("free-delivery")
    page.goto(f"{retro_app.url}/retrospectives/review?start={free.retrospective_id}")
    expect(page.locator("#review-position")).to_have_text("2 / 3", timeout=LOAD)
    expect(page.locator("#review-title")).to_have_text("Free delivery at $15")
    page.goto(f"{retro_app.url}/retrospectives/review?outcome=win")
    expect(page.locator("#review-position")).to_have_text("1 / 1", timeout=LOAD)
    expect(page.locator("#review-title")).to_have_text("Red banner with urgency")
    page.goto(f"{retro_app.url}/retrospectives/review?q=nothing-matches-this")
    expect(page.locator("#review-empty")).to_contain_text("No retrospective matches these filters", timeout=LOAD)
    assert page.console_errors == []


def test_the_pages_speak_korean(retro_app, page):
    _open_list(page, retro_app)
    page.get_by_role("radio", name="한국어").click()
    expect(page.get_by_role("heading", name="회고", exact=True)).to_be_visible()
    expect(page.locator("[data-key='red-banner'] .retro-outcome")).to_have_text("성공")
    expect(page.locator("[data-key='red-banner'] .retro-decision")).to_have_text("배포")
    page.goto(f"{retro_app.url}/retrospectives/review")
    expect(page.locator("#review-hint")).to_contain_text("이전 / 다음", timeout=LOAD)
    assert page.console_errors == []
