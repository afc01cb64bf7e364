"""A visitor's journey through the NovaEats shop in a real browser, inside a running experiment.

An experiment that changes the hero banner is created and started through the HTTP API. A new visitor sees the
banner of the variant the assignment function gives their id, clicks it, adds a dish, checks out and orders. The
experiment's summary (read through the API: the server holds the database) then counts their exposure, click and
purchase under that variant, and nothing under the other one.
"""

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from shop import knobs
from shop.assignment import assign
from tests.e2e.backends import ON_DUCKDB_ONLY

pytestmark = ON_DUCKDB_ONLY

TREATMENT = {"banner_color": "red", "banner_headline": "Tonight only: dinner in 20 minutes"}
BANNER = {
    "control": (knobs.DEFAULTS["banner_headline"], knobs.DEFAULTS["banner_color"]),
    "treatment": (TREATMENT["banner_headline"], TREATMENT["banner_color"]),
}
VISITOR_COOKIE = "novaeats_visitor"
ADDRESS = {
    "full_name": "Alex Morgan",
    "street": "221 Baker Street",
    "city": "Springfield",
    "postal_code": "94107",
    "phone": "(555) 012-3456",
}


@pytest.fixture(scope="module")
def experiment(app_server) -> Iterator[dict]:
    """A running banner experiment, stopped afterwards so it blocks no other test's knobs."""
    key = f"shop-journey-{app_server.backend}"
    spec = {
        "key": key,
        "hypothesis": "A red banner with a delivery promise gets more visitors to order.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": TREATMENT},
        ],
    }
    with app_server.api(timeout=20) as api:
        created = api.post("/api/experiments", json=spec)
        assert created.status_code in (200, 201), created.text
        started = api.post(f"/api/experiments/{key}/start")
        assert started.status_code == 200, started.text
        record = started.json()
        assert record["status"] == "running"
        try:
            yield record
        finally:
            api.post(f"/api/experiments/{key}/stop")


def _variant_of(experiment: dict, visitor: str) -> str:
    weights = [(v["name"], v["weight"]) for v in experiment["variants"]]
    variant = assign(experiment["salt"], visitor, weights, experiment["allocation"])
    assert variant is not None
    return variant


def _summary(app_server, key: str) -> dict[str, dict]:
    response = httpx.get(f"{app_server.url}/api/experiments/{key}/summary", timeout=20)
    assert response.status_code == 200, response.text
    return {v["name"]: v for v in response.json()["variants"]}


def _expect_banner(page, variant: str) -> None:
    headline, color = BANNER[variant]
    banner = page.locator("#shop-banner")
    expect(banner).to_be_visible(timeout=30_000)
    expect(page.locator("#banner-headline")).to_have_text(headline)
    expect(banner).to_have_attribute("data-banner-color", color)


def test_a_new_visitor_sees_their_variant_clicks_adds_to_cart_and_orders(app_server, experiment, page):
    key = experiment["key"]
    before = _summary(app_server, key)

    page.goto(f"{app_server.url}/shop")
    expect(page.locator("#shop-banner")).to_be_visible(timeout=30_000)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    visitor = cookies[VISITOR_COOKIE]
    assert re.fullmatch(r"v-[0-9a-f]{16}", visitor)
    variant = _variant_of(experiment, visitor)
    _expect_banner(page, variant)

    page.locator("#banner-cta").click()  # the banner click
    page.locator("#popular-restaurants a").first.click()
    expect(page.locator("#restaurant-name")).to_be_visible(timeout=30_000)
    page.locator("#menu .add-to-cart").first.click()
    expect(page.locator("#cart-count")).to_have_text("1", timeout=15_000)

    page.locator("#cart-button").click()
    expect(page.locator(".cart-line")).to_have_count(1, timeout=15_000)
    page.locator("#go-to-checkout").click()
    expect(page.locator("#checkout-button-text")).to_have_text(knobs.DEFAULTS["checkout_button_text"])
    total = page.locator("#cart-total").inner_text()

    page.locator("#place-order").click()  # an empty form is refused, field by field
    expect(page.locator("#error-postal_code")).to_contain_text("ZIP code: is required")
    for field, value in ADDRESS.items():
        page.locator(f"#checkout-{field}").fill(value)
    page.locator("#place-order").click()

    page.wait_for_url(re.compile(r"/shop/orders/\d+"), timeout=30_000)
    expect(page.locator("#order-confirmed")).to_be_visible(timeout=30_000)
    expect(page.locator("#order-total")).to_have_text(total)
    expect(page.locator(".timeline-step").first).to_have_attribute("data-step", "placed")

    other = next(name for name in BANNER if name != variant)
    deadline = time.monotonic() + 15
    while True:
        after = _summary(app_server, key)
        gained = {name: after[variant]["events"].get(name, 0) - before[variant]["events"].get(name, 0)
                  for name in ("banner_click", "add_to_cart", "checkout_start", "purchase")}  # fmt: skip
        if gained["purchase"] >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert after[variant]["exposed"] - before[variant]["exposed"] == 1
    assert after[variant]["assigned"] - before[variant]["assigned"] == 1
    assert gained == {"banner_click": 1, "add_to_cart": 1, "checkout_start": 1, "purchase": 1}
    assert after[other] == before[other]
    assert page.console_errors == []


@pytest.mark.parametrize("variant", ["control", "treatment"])
def test_each_variant_shows_its_own_banner(app_server, experiment, browser, variant):
    visitor = next(f"v-e2e{n:04d}" for n in range(1000) if _variant_of(experiment, f"v-e2e{n:04d}") == variant)
    context = browser.new_context(viewport={"width": 1440, "height": 960})
    context.add_cookies([{"name": VISITOR_COOKIE, "value": visitor, "url": app_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}/shop")
        _expect_banner(page, variant)
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies[VISITOR_COOKIE] == visitor  # the shop keeps the id it was given
    finally:
        context.close()
