"""The Lab's first screen and the shop, opened in a real browser against the production build."""

import re

import httpx
from playwright.sync_api import expect

from novarium_app import __version__
from novarium_app.formatting import format_value


def test_health_reports_backend_and_version(app_server):
    response = httpx.get(f"{app_server.url}/api/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "backend": app_server.backend, "version": __version__}
    schema = httpx.get(f"{app_server.url}/api/openapi.json", timeout=10).json()
    assert "/api/health" in schema["paths"]


def test_lab_home_shows_the_warehouse_kpis_and_trend(app_server, page):
    overview = app_server.overview
    assert not overview.is_empty
    page.goto(f"{app_server.url}/")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    cards = page.locator(".kpi-card")
    expect(cards).to_have_count(len(overview.kpis), timeout=30_000)
    for kpi in overview.kpis:
        card = page.locator(f'[data-kpi="{kpi.key}"]')
        expect(card).to_contain_text(kpi.label)
        expect(card).to_contain_text(format_value(kpi.value, kpi.display))
        expect(card.locator(".kpi-unit")).to_have_text(kpi.unit[0])  # "per visitor over 28 days", "per order, ..."
    units = {kpi.key: kpi.unit for kpi in overview.kpis}
    assert units["conversion"][0] == f"per visitor over {overview.window_days} days"
    expect(page.locator("#overview-definitions")).to_contain_text("share of the window's visitors who ordered")
    expect(page.get_by_text(app_server.backend, exact=True)).to_be_visible()
    for chart in ("#traffic-chart", "#revenue-chart"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible(timeout=30_000)
        expect(page.locator(f"{chart} .trace").first).to_be_attached()
    bars = page.locator("#traffic-chart .bars .point")
    expect(bars).to_have_count(len(overview.daily))
    page.get_by_role("radio", name="한국어").click()
    for kpi in overview.kpis:
        expect(page.locator(f'[data-kpi="{kpi.key}"] .kpi-unit')).to_have_text(kpi.unit[1])  # "28일간 방문자당"
    page.get_by_role("radio", name="English").click()
    expect(page.locator('[data-kpi="conversion"] .kpi-unit')).to_have_text(units["conversion"][0])
    assert page.console_errors == []


def test_shop_is_served_under_shop(app_server, page):
    page.goto(f"{app_server.url}/shop")
    expect(page).to_have_title(re.compile("NovaEats"))
    expect(page.get_by_role("heading", name="Hungry? NovaEats delivers.")).to_be_visible()
    expect(page.locator("#shop-banner")).to_be_visible()
    page.get_by_role("link", name="Back to the Lab").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_cors_allows_only_the_apps_own_origin(app_server):
    own = app_server.url.replace("localhost", "127.0.0.1")
    for origin, allowed in ((own, True), (app_server.url, True), ("http://evil.example", False)):
        response = httpx.options(
            f"{app_server.url}/api/events",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        header = response.headers.get("access-control-allow-origin")
        assert header == (origin if allowed else None), (origin, header)
        assert header != "*"


def test_the_language_switch_turns_the_lab_korean_and_remembers_it(app_server, page):
    page.goto(f"{app_server.url}/")
    nav = page.locator("a[href='/runs']").first
    expect(nav).to_have_text("Runs")
    page.get_by_role("radio", name="한국어").click()
    expect(nav).to_have_text("실행")
    expect(page.get_by_text("실험 연구실")).to_be_visible()
    page.reload()
    expect(page.locator("a[href='/runs']").first).to_have_text("실행")
    page.get_by_role("radio", name="English").click()
    expect(page.locator("a[href='/runs']").first).to_have_text("Runs")
    assert page.console_errors == []


def test_overview_shows_the_funnel_the_persona_mix_and_ideas_that_open_the_builder(app_server, page):
    page.goto(f"{app_server.url}/")
    for chart in ("#funnel-chart", "#persona-chart"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#funnel-chart .point")).to_have_count(5)
    orders = next(kpi for kpi in app_server.overview.kpis if kpi.key == "orders")
    assert app_server.insights.funnel[-1].sessions == orders.value  # one order rule: the tile and "Ordered" agree
    expect(page.locator("#funnel-chart")).to_contain_text(f"{int(orders.value):,}")
    alerts = page.locator(".alert-card")
    expect(alerts).to_have_count(len(app_server.insights.alerts))
    assert app_server.insights.alerts, "the seeded warehouse should raise at least one idea"
    first = app_server.insights.alerts[0]
    card = page.locator(f'[data-alert="{first.key}"]')
    expect(card).to_contain_text(first.title[0])
    href = card.get_by_role("link").get_attribute("href")
    assert href.startswith("/experiments/new?") and f"metric={first.metric}" in href
    card.get_by_role("link").click()
    expect(page.locator("#builder")).to_be_visible(timeout=60_000)
    assert page.console_errors == []
