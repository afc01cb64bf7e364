"""Rough edges a newcomer met after a decision, in a real browser: toasts that covered the results' headline and
verdict, and a Markdown export that carried HTML entities.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from swarm.runner import RunRequest
from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.layout_probe import overlaps
from tests.e2e.swarming import swarm_to_completion
from tests.llm_server import Reply

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 60_000
AGENTS = 400
COVERED = (
    "#recommendation",
    "#recommendation-headline",
    "#truth-reveal",
    "#verdict-headline",
    "#reveal-card",
    "#summary",
)
"""What a toast must never cover: the ship rule's verdict and headline, the revealed truth and verdict, the lift."""
WRITEUP = (
    "## What happened\n\nThe lower threshold cut order value & the extra orders did not make up for it: "
    "p `<` α on revenue per visitor.\n\n<b>not bold</b>\n"
)


@pytest.fixture(scope="module")
def simulated(app_server) -> Iterator[str]:
    """A running experiment with a completed swarm run; stopped afterwards if still running."""
    key = f"newcomer-toast-{app_server.backend}"
    spec = {
        "key": key,
        "name": "Urgency badge",
        "hypothesis": "An urgency badge makes more visitors order tonight.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"urgency_badge": "selling_fast"}},
        ],
        "primary_metric": "conversion",
        "guardrails": [{"metric": "aov", "margin": 0.5, "margin_type": "relative"}],
    }
    with app_server.api(timeout=60) as api:
        assert api.post("/api/experiments", json=spec).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
        try:
            swarm_to_completion(app_server.url, RunRequest(key, agents=AGENTS, concurrency=32, seed=5))
            yield key
        finally:
            if api.get(f"/api/experiments/{key}").json()["status"] == "running":
                api.post(f"/api/experiments/{key}/stop")


_BOXES = """
(selectors) => {
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const toasts = [...document.querySelectorAll('[data-sonner-toast]')]
    .filter((el) => el.dataset.removed !== 'true' && shown(el)).map(rect);
  const targets = {};
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (el && shown(el)) targets[selector] = rect(el);
  }
  return {toasts, targets};
}
"""
"""Every toast on screen and every target's box, read in one go (a toast may leave between two separate reads)."""


def _toasts_cover_nothing(page: Page, where: str) -> int:
    """Assert no toast on screen overlaps what ``COVERED`` names; returns how many toasts were on screen."""
    found = page.evaluate(_BOXES, list(COVERED))
    for selector, target in found["targets"].items():
        for toast in found["toasts"]:
            assert not overlaps(toast, target), f"a toast {toast} covers {selector} {target} ({where})"
    return len(found["toasts"])


def test_the_toasts_after_a_decision_never_cover_the_headline_the_verdict_or_the_lift(app_server, simulated, page):
    page.goto(f"{app_server.url}/results/{simulated}")
    expect(page.locator("#decision-form")).to_be_visible(timeout=LOAD)
    page.locator("#choice-dont_ship").click()
    page.locator("#decision-learnings").fill("The badge did not move conversion; try a stronger cue next time.")
    page.locator("#record-decision").click()
    expect(page.get_by_text("Decision recorded: the experiment is completed")).to_be_visible(timeout=LOAD)
    expect(page.locator("#truth-reveal")).to_be_visible()

    seen = _toasts_cover_nothing(page, "right after the decision")
    for selector in COVERED:
        for block in ("start", "center", "end"):
            page.locator(selector).first.evaluate(f"(el) => el.scrollIntoView({{block: '{block}'}})")
            seen = min(seen, _toasts_cover_nothing(page, f"{selector} scrolled to the {block}"))
    assert seen >= 1, "the toast was gone before every position was checked"
    assert page.console_errors == []


def test_the_markdown_export_carries_markdown_not_html_entities(app_server, page):
    free = next(retro for retro in app_server.retros if retro.experiment_key == "free-delivery")
    page.goto(f"{app_server.url}/retrospectives/{free.retrospective_id}")
    expect(page.locator("#retro-title")).to_be_visible(timeout=LOAD)
    app_server.llm.reply(Reply.text(WRITEUP, parts=2))
    page.click("#coach-writeup")
    expect(page.locator("#coach-writeup-draft")).to_have_value(WRITEUP, timeout=LOAD)
    page.click("#coach-writeup-save")
    shown = page.locator("#retro-coach .retro-coach-text")
    expect(shown).to_contain_text("p < α", timeout=LOAD)
    expect(shown.locator("code")).to_have_text("<")
    expect(shown).to_contain_text("order value & the extra orders")
    expect(shown).to_contain_text("<b>not bold</b>")  # raw HTML is shown as text, never rendered
    assert shown.locator("b").count() == 0

    with page.expect_download() as download_info:
        page.click("#retro-export")
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "p `<` α on revenue per visitor" in text
    assert "order value & the extra orders" in text
    assert not re.search(r"&(lt|gt|amp|quot|#\d+);", text), "the Markdown export holds HTML entities"
    assert not re.search(r"(?<!\\)<b>", text), "raw HTML in the export would render"
    assert page.console_errors == []
