"""The shop's checkout button at 1440 px, with the button texts an experiment may set: one line, inside the button.

The texts come from a running experiment's variants (the checkout-button knob allows up to 30 characters); a visitor
id that the assignment function puts in each variant is given to the browser as the shop's cookie.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from shop.assignment import assign
from shop.state import VISITOR_COOKIE
from tests.e2e.backends import ON_DUCKDB_ONLY
from tests.e2e.layout_probe import box

pytestmark = [pytest.mark.e2e, ON_DUCKDB_ONLY]

LOAD = 30_000
TEXTS = {"control": "Place order", "secure": "Place order securely", "longest": "Place your order securely now!"}


@pytest.fixture(scope="module")
def experiment(app_server) -> Iterator[dict]:
    """A running checkout-button experiment, stopped afterwards."""
    key = f"newcomer-checkout-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "Saying the order is secure makes more visitors finish checkout.",
        "variants": [
            {"name": name, "weight": 1, "config": {} if name == "control" else {"checkout_button_text": text}}
            for name, text in TEXTS.items()
        ],
    }
    with app_server.api(timeout=30) as api:
        assert api.post("/api/experiments", json=spec).status_code in (200, 201)
        started = api.post(f"/api/experiments/{key}/start")
        assert started.status_code == 200, started.text
        try:
            yield started.json()
        finally:
            api.post(f"/api/experiments/{key}/stop")


def _visitor_in(experiment: dict, variant: str) -> str:
    weights = [(v["name"], v["weight"]) for v in experiment["variants"]]
    return next(
        f"v-e2e{n:04d}"
        for n in range(5000)
        if assign(experiment["salt"], f"v-e2e{n:04d}", weights, experiment["allocation"]) == variant
    )


@pytest.mark.parametrize("variant", list(TEXTS))
def test_the_checkout_button_keeps_its_text_on_one_line(app_server, experiment, browser, variant):
    assert len(TEXTS[variant]) <= 30
    context = browser.new_context(viewport={"width": 1440, "height": 960})
    visitor = _visitor_in(experiment, variant)
    context.add_cookies([{"name": VISITOR_COOKIE, "value": visitor, "url": app_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}/shop")
        page.locator("#popular-restaurants a").first.click()
        expect(page.locator("#restaurant-name")).to_be_visible(timeout=LOAD)
        page.locator("#menu .add-to-cart").first.click()
        expect(page.locator("#cart-count")).to_have_text("1", timeout=15_000)
        page.goto(f"{app_server.url}/shop/checkout")
        label = page.locator("#checkout-button-text")
        expect(label).to_have_text(TEXTS[variant], timeout=LOAD)

        lines = label.evaluate(
            "(el) => { const range = document.createRange(); range.selectNodeContents(el);"
            " return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; }"
        )
        assert lines == 1, f"{TEXTS[variant]!r} wraps onto {lines} lines"
        button, text = box(page.locator("#place-order")), box(label)
        assert text["x"] >= button["x"] and text["x"] + text["width"] <= button["x"] + button["width"] + 0.5
        assert text["y"] >= button["y"] and text["y"] + text["height"] <= button["y"] + button["height"] + 0.5
        assert page.locator("#place-order").evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    finally:
        context.close()
