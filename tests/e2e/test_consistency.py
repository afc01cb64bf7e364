"""One experiment, every number: each figure the Lab shows agrees with every other, to the precision shown (issue 12).

A learner checks the Overview's conversion and the builder's power baseline against the warehouse (recomputed in
the SQL lab from the definition, for the window each one names), fast-forwards a small run from the Runs page, and
reads the monitor, the results page (tiles, table, forest plot and ship rule, with CUPED off and on), the
retrospective and its Markdown export, ``novarium analyze --json`` on the experiment's exported units and the API's
summary. Each displayed number is parsed ("+1.53%", "0.0421", "12,345") and compared with the others rounded to
the precision it is shown with. Runs on both backends.
"""

import json
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from novarium_app.devserver import BIN

pytestmark = pytest.mark.e2e

LOAD = 60_000
PLANNED = 1_500  # users per variant: more than the run brings, so the verdict must not say the sample is in
VISITORS = 3_000
DAYS = 3
TREATMENT = {"banner_color": "red", "urgency_badge": "selling_fast", "discount_pct": 20}
METRICS = ("conversion", "revenue_per_visitor", "banner_ctr")
NUMBER = re.compile(r"[+\-−]?\$?[\d,]*\.?\d+")


def _spec(key: str) -> dict:
    return {
        "key": key,
        "name": f"Consistency {key}",
        "hypothesis": "A red banner with a discount makes more visitors order tonight.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": TREATMENT},
        ],
        "primary_metric": "conversion",
        "secondary_metrics": ["revenue_per_visitor", "banner_ctr"],
        "guardrails": [{"metric": "aov", "margin": 0.5, "margin_type": "relative"}],
        "design": {"days": DAYS, "planned_n_per_variant": PLANNED, "planned_n_total": 2 * PLANNED},
    }


# ----- reading numbers ----------------------------------------------------------------------------------------


def parse(text: str) -> tuple[float, int]:
    """The first number in ``text`` and its decimals: "−$4.83" -> (-4.83, 2), "12,345" -> (12345, 0)."""
    found = NUMBER.search(text.replace("\u2212", "-"))
    assert found, f"no number in {text!r}"
    raw = found.group().replace("$", "").replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return float(raw), decimals


def agrees(shown: str, value: float | None, *, scale: float = 1.0) -> bool:
    """Whether ``value`` (times ``scale``: 100 for a percentage) reads as ``shown`` to the precision shown."""
    text = shown.strip()
    if value is None:
        return text == "—"
    if text.startswith(("<", ">")):  # "< 0.0001", "> 99.9%": a clamp
        bound, _ = parse(text)
        return value * scale < bound if text.startswith("<") else value * scale > bound
    number, decimals = parse(text)
    return abs(number - value * scale) <= 0.5 * 10**-decimals + 1e-9


def same(left: str, right: str) -> bool:
    """Two displayed numbers that agree to the coarser precision of the two."""
    (a, da), (b, db) = parse(left), parse(right)
    return abs(a - b) <= 0.5 * 10 ** -min(da, db) + 0.5 * 10 ** -max(da, db) + 1e-9


def _check(shown: str, value: float | None, what: str, *, scale: float = 1.0) -> None:
    assert agrees(shown, value, scale=scale), f"{what}: shows {shown!r}, the readout says {value!r}"


# ----- the warehouse, from the SQL lab --------------------------------------------------------------------------


def _sql(page: Page, app_server, sql: str) -> list[str]:
    """The one row a query in the SQL lab returns, cell by cell."""
    page.goto(f"{app_server.url}/data")
    expect(page.get_by_role("tab", name="SQL lab")).to_be_visible(timeout=LOAD)
    page.get_by_role("tab", name="SQL lab").click()
    editor = page.locator("#sql-editor")
    expect(editor).to_be_visible(timeout=LOAD)
    editor.fill(sql)
    editor.press("Control+Enter")
    row = page.locator("#sql-result .result-row")
    expect(row).to_have_count(1, timeout=LOAD)
    return [cell.strip() for cell in row.first.locator("td").all_inner_texts()]


def _window_sql(first: datetime, last: datetime) -> str:
    """(visitors, buyers) of a window, by the catalog's definition written out in SQL: a visitor has a session that
    started in it; a buyer placed an order in one of those sessions."""
    start, end = f"{first:%Y-%m-%d}", f"{last + timedelta(days=1):%Y-%m-%d}"
    visits = (
        f"SELECT session_id, user_id FROM sessions WHERE started_at >= DATE '{start}' AND started_at < DATE '{end}'"
    )
    return (
        f"(SELECT COUNT(DISTINCT user_id) FROM ({visits}) AS v), "
        f"(SELECT COUNT(DISTINCT v.user_id) FROM ({visits}) AS v JOIN orders AS o ON o.session_id = v.session_id "
        "WHERE o.total >= 0)"
    )


def _window_of(text: str) -> tuple[datetime, datetime]:
    """ "Oct 05 – Nov 01, 2026" -> its first and last day."""
    found = re.search(r"([A-Z][a-z]{2} \d{2}) – ([A-Z][a-z]{2} \d{2}), (\d{4})", text)
    assert found, f"no window in {text!r}"
    last = datetime.strptime(f"{found[2]} {found[3]}", "%b %d %Y")
    first = datetime.strptime(f"{found[1]} {found[3]}", "%b %d %Y")
    return (first.replace(year=first.year - 1) if first > last else first), last


def _overview_and_power_step(page: Page, app_server) -> None:
    page.goto(f"{app_server.url}/")
    tile = page.locator('[data-kpi="conversion"]')
    expect(tile).to_be_visible(timeout=LOAD)
    kpi = next(k for k in app_server.overview.kpis if k.key == "conversion")
    shown = re.search(r"\d+\.\d+%", tile.inner_text())[0]
    _check(shown, kpi.value, "the Overview's conversion tile", scale=100)

    page.goto(f"{app_server.url}/experiments/new")
    expect(page.locator("#builder")).to_be_visible(timeout=LOAD)
    page.fill("#builder-name", f"Power {app_server.backend}")
    page.fill("#builder-change", "show a red banner")
    page.fill("#builder-rationale", "a visible deal makes shoppers order tonight")
    page.fill("#builder-expected", "10")
    for step in (1, 2, 3):
        expect(page.locator(f".builder-step[data-step='{step - 1}']")).to_have_attribute("data-state", "current")
        page.click("#builder-next")
    expect(page.locator("#baseline-value")).to_have_text(re.compile(r"^\d+\.\d\d%$"), timeout=LOAD)
    baseline, visitors_shown = page.locator("#baseline-value").inner_text(), page.locator("#baseline-n").inner_text()
    unit = page.locator("#baseline-unit").inner_text()
    days = int(re.search(r"over (\d+) days", unit)[1])
    first, last = _window_of(unit)
    assert (last - first).days + 1 == days, f"the power step names {days} days but shows {unit!r}"
    # the Overview's 28-day window ends on the same last day of sessions
    sql = f"SELECT {_window_sql(first, last)}, {_window_sql(last - timedelta(days=27), last)}"
    visitors, buyers, visitors28, buyers28 = (int(cell.replace(",", "")) for cell in _sql(page, app_server, sql))
    assert parse(visitors_shown)[0] == visitors, f"the power step sized on {visitors_shown} visitors; SQL: {visitors}"
    _check(baseline, buyers / visitors, "the power step's baseline", scale=100)
    _check(shown, buyers28 / visitors28, "the Overview's conversion against the SQL lab", scale=100)


# ----- the run and the monitor ----------------------------------------------------------------------------------


def _fast_forward(page: Page, app_server, key: str) -> dict[str, dict[str, str]]:
    page.goto(f"{app_server.url}/runs")
    page.locator("#run-experiment_key").click()
    page.get_by_role("option", name=key).click()
    expect(page.locator("#run-days")).to_have_value(str(DAYS), timeout=LOAD)
    page.get_by_role("radio", name="Fast-forward").click()
    page.fill("#run-agents", str(VISITORS))
    page.fill("#run-seed", "7")
    page.click("#fast-forward-run")
    done = re.compile(rf"Fast-forwarded {DAYS} days: {VISITORS:,} visitors")
    expect(page.get_by_text(done)).to_be_visible(timeout=120_000)
    expect(page.locator("#live-run .run-status")).to_have_attribute("data-status", "completed", timeout=LOAD)
    expect(page.locator("#planned-sample")).to_contain_text(f"of the planned {PLANNED:,} per variant", timeout=LOAD)
    rows = page.locator("#monitor-srm .split-row")
    expect(rows).to_have_count(2)
    monitor: dict[str, dict[str, str]] = {}
    for i in range(2):
        row = rows.nth(i)
        variant = row.get_attribute("data-variant")
        chip = page.locator(f'#monitor-metric .metric-chip[data-variant="{variant}"]')
        monitor[variant] = {
            "exposed": row.locator(".exposed").inner_text(),
            "value": chip.locator(".metric-value").inner_text(),
        }
    monitor["planned"] = {"text": page.locator("#planned-sample").inner_text()}
    return monitor


# ----- the results page -----------------------------------------------------------------------------------------


def _table(page: Page) -> dict[tuple[str, str], dict[str, str]]:
    """Every row of every metric card: (metric, variant) -> its cells as shown."""
    cells = {}
    for card in page.locator(".metric-card").all():
        metric = card.get_attribute("data-metric")
        for row in card.locator("tr[data-variant]").all():
            variant = row.get_attribute("data-variant")
            found = {"n": row.locator(".n-cell").inner_text(), "mean": row.locator(".mean-cell").inner_text()}
            if row.locator(".rel-lift").count():
                for name in ("rel-lift", "rel-ci", "abs-lift", "abs-ci", "p-raw", "p-adj", "chance", "loss"):
                    found[name] = row.locator(f".{name}").inner_text().strip()
            cells[(metric, variant)] = found
    return cells


def _forest(page: Page) -> dict[str, tuple[float, float, float]]:
    """The forest plot's points as plotted: row label -> (lift, low, high)."""
    chart = page.locator("#forest-chart")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=LOAD)
    traces = chart.evaluate(
        "el => (el.data ? el : el.querySelector('.js-plotly-plot')).data.map(t => ({x: t.x, y: t.y,"
        " plus: t.error_x && t.error_x.array,"
        " minus: t.error_x && t.error_x.arrayminus, name: t.name}))"
    )
    points = {}
    for trace in traces:
        if not trace["plus"]:
            continue
        for x, y, plus, minus in zip(trace["x"], trace["y"], trace["plus"], trace["minus"], strict=True):
            points[y] = (x, x - minus, x + plus)
    return points


def _results_agree(page: Page, readout: dict, analysis: str) -> dict[tuple[str, str], dict[str, str]]:
    """Tiles, table, forest plot and ship rule all show ``readout`` (the API-free truth: the exported units' CLI)."""
    expect(page.locator('[data-tile="lift"]')).to_contain_text(f"lift, {analysis}", timeout=LOAD)
    expect(page.locator("#ship-rule")).to_contain_text(f"reads the estimates {analysis}")
    table = _table(page)
    forest = _forest(page)
    labels = {
        "conversion": "Conversion",
        "revenue_per_visitor": "Revenue per visitor",
        "banner_ctr": "Banner click-through",
    }
    for metric in readout["metrics"]:
        key = metric["metric"]
        binary = metric["kind"] == "binary"
        for summary in metric["variants"]:
            row = table[(key, summary["variant"])]
            assert parse(row["n"])[0] == summary["n"], (key, row)
            _check(row["mean"], summary["mean"], f"{key} mean", scale=100 if binary else 1)
        for item in metric["comparisons"]:
            row = table[(key, item["variant"])]
            what = f"{key} in {item['variant']} ({analysis})"
            _check(row["rel-lift"], item["rel_lift"], f"{what}: relative lift", scale=100)
            low, high = row["rel-ci"].strip("[]").split(",")
            _check(low, item["rel_ci"][0], f"{what}: interval's low end", scale=100)
            _check(high, item["rel_ci"][1], f"{what}: interval's high end", scale=100)
            _check(row["abs-lift"], item["abs_lift"], f"{what}: absolute lift", scale=100 if binary else 1)
            _check(row["p-raw"], item["p_value"], f"{what}: p")
            _check(row["p-adj"], item["p_value_adjusted"], f"{what}: adjusted p")
            _check(row["chance"], item["chance_to_beat"], f"{what}: chance to beat", scale=100)
            label = f"{labels[key]} · {item['variant']}"
            plotted = forest[label]
            for plotted_value, shown in zip(
                plotted, (row["rel-lift"], *row["rel-ci"].strip("[]").split(",")), strict=True
            ):
                assert agrees(shown, plotted_value, scale=100), (
                    f"{what}: the forest plot has {plotted}, the table {row}"
                )
    primary = table[("conversion", "treatment")]
    tile = page.locator('[data-tile="lift"]')
    expect(tile.locator(".tile-value")).to_have_text(primary["rel-lift"])
    expect(tile).to_contain_text(f"adjusted p {primary['p-adj']}")
    expect(page.locator('[data-tile="chance"] .tile-value')).to_have_text(primary["chance"])
    verdict = page.locator("#recommendation").get_attribute("data-verdict")
    reasons = page.locator("#recommendation-reasons").inner_text()
    conversion_line = re.search(r"Conversion: ([+\-−][\d.]+%).*?adjusted p ([<\d. ]+)\)", reasons)
    assert conversion_line, reasons
    assert same(conversion_line[1], primary["rel-lift"]) and conversion_line[2].strip() == primary["p-adj"], reasons
    assert verdict != "inconclusive", "the run is short of the plan: the sample is not in"
    return table


def _cli(app_server, key: str, tmp_path: Path, cuped: bool) -> dict:
    """``novarium analyze --json`` on the experiment's exported units, stated as the Lab's design states it."""
    with app_server.api(timeout=60) as api:
        response = api.get(f"/api/experiments/{key}/units")
    assert response.status_code == 200, response.text
    path = tmp_path / "units.csv"
    path.write_text(response.text)
    args = [str(BIN / "novarium"), "analyze", str(path), "--variant-col", "variant", "--control", "control"]
    args += [option for metric in METRICS for option in ("--metric", metric)]
    args += ["--covariate", "pre_revenue", "--weights", "control=50,treatment=50"]
    args += ["--planned-units", str(2 * PLANNED), "--cuped" if cuped else "--no-cuped", "--json"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ----- the test -------------------------------------------------------------------------------------------------


def test_every_number_shown_for_one_experiment_agrees(app_server, page, tmp_path):
    key = f"consistency-{app_server.backend}"
    _overview_and_power_step(page, app_server)
    with app_server.api(timeout=60) as api:
        assert api.post("/api/experiments", json=_spec(key)).status_code in (200, 201)
        assert api.post(f"/api/experiments/{key}/start").status_code == 200
    try:
        monitor = _fast_forward(page, app_server, key)
        with app_server.api(timeout=60) as api:
            summary = api.get(f"/api/experiments/{key}/summary").json()
        exposed = {v["name"]: v["exposed"] for v in summary["variants"]}
        for variant, n in exposed.items():
            assert parse(monitor[variant]["exposed"])[0] == n, (monitor, exposed)
        smallest = min(exposed.values())
        assert f"{smallest:,} of the planned {PLANNED:,} per variant" in monitor["planned"]["text"], monitor

        page.goto(f"{app_server.url}/results/{key}")
        expect(page.locator(".metric-card")).to_have_count(4, timeout=LOAD)
        users = page.locator('[data-tile="users"]')
        expect(users.locator(".tile-value")).to_have_text(f"{sum(exposed.values()):,}")
        expect(users).to_contain_text(f"{smallest:,} of the planned {PLANNED:,} per variant")  # the monitor's words
        expect(users).to_contain_text(f"Planned horizon: {DAYS} days")

        tables = {}
        for cuped, analysis in ((False, "without CUPED"), (True, "with CUPED")):
            if cuped:
                page.locator("#cuped-switch").click()
            cli = _cli(app_server, key, tmp_path, cuped)
            assert cli["srm"]["observed"] == exposed
            tables[cuped] = _results_agree(page, cli, analysis)
            for variant in exposed:  # the monitor's conversion per arm is the table's mean
                assert same(monitor[variant]["value"], tables[cuped][("conversion", variant)]["mean"]), monitor
        assert tables[False][("conversion", "treatment")] != tables[True][("conversion", "treatment")]

        # decide in the analysis on screen (with CUPED), then read the retrospective and its export
        page.locator("#choice-dont_ship").click()
        page.locator("#decision-learnings").fill("Every number agreed with every other; nothing to ship yet.")
        page.locator("#record-decision").click()
        link = page.locator("#open-retrospective")
        expect(link).to_be_visible(timeout=LOAD)
        link.click()
        expect(page.locator("#retro-title")).to_be_visible(timeout=LOAD)
        expect(page.locator("#retro-analysis")).to_have_text("with CUPED")
        shown = tables[True]
        expect(page.locator("#retro-lift")).to_contain_text(shown[("conversion", "treatment")]["rel-lift"])
        retro_cells = {"n": ".n", "mean": ".mean", "rel-lift": ".rel", "rel-ci": ".rel-ci", "abs-lift": ".abs"}
        retro_cells |= {"abs-ci": ".abs-ci", "p-raw": ".p", "p-adj": ".p-adj", "chance": ".chance", "loss": ".loss"}
        for (metric, variant), cells in shown.items():
            row = page.locator(f"#retro-results [data-metric='{metric}'] tr[data-variant='{variant}']")
            for name, text in cells.items():
                expect(row.locator(retro_cells[name])).to_have_text(text)
        expect(page.locator("#retro-design")).to_contain_text(f"{smallest:,} of the planned {PLANNED:,} per variant")
        decision = page.locator("#retro-decision-section").inner_text()
        assert "the planned sample is in" not in decision, decision

        with page.expect_download() as download_info:
            page.click("#retro-export")
        markdown = Path(download_info.value.path()).read_text(encoding="utf-8")
        for (metric, variant), cells in shown.items():
            if "rel-lift" not in cells:
                continue
            line = next(
                line
                for line in markdown.splitlines()
                if line.startswith(f"| {variant} | {cells['n']} |") and cells["mean"] in line
            )
            for name in ("mean", "abs-lift", "abs-ci", "rel-lift", "rel-ci", "p-raw", "p-adj", "chance", "loss"):
                assert f"| {cells[name]} |" in line, (metric, name, line)
        assert f"{smallest:,} of the planned {PLANNED:,} per variant" in markdown
    finally:
        with app_server.api(timeout=30) as api:
            if api.get(f"/api/experiments/{key}").json()["status"] == "running":
                api.post(f"/api/experiments/{key}/stop")
    assert page.console_errors == []
