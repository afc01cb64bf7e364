"""The Data page in a real browser: browse a table, read the lineage, run SQL and see a write refused."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

LOAD_TIMEOUT = 30_000


def _open(page: Page, app_server, tab: str | None = None) -> None:
    page.goto(f"{app_server.url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(page.locator("#table-detail")).to_be_visible(timeout=LOAD_TIMEOUT)
    if tab:
        page.get_by_role("tab", name=tab).click()


def _run(page: Page, sql: str) -> None:
    editor = page.locator("#sql-editor")
    editor.fill(sql)
    editor.press("Control+Enter")


def test_browse_a_table_its_columns_and_first_rows(app_server, page):
    _open(page, app_server)
    expect(page.locator("#data-backend")).to_have_text(app_server.backend)
    expect(page.locator("#table-name")).to_have_text("users")
    expect(page.locator("#table-rows")).to_have_text(re.compile(r"^[\d,]+ rows$"))
    users = int(page.locator("#table-rows").inner_text().split()[0].replace(",", ""))
    assert users >= app_server.overview.users  # the warehouse's customers, plus the new visitors of earlier runs
    expect(page.locator("#table-users")).to_contain_text(f"{users:,}")
    for group in ("#group-warehouse", "#group-experiments", "#group-marts"):
        expect(page.locator(group)).to_be_visible()

    page.click("#table-orders")
    expect(page.locator("#table-name")).to_have_text("orders")
    expect(page.locator("#table-description")).to_contain_text("One row per order")
    columns = page.locator("#table-columns")
    expect(columns).to_contain_text("order_id")
    expect(columns).to_contain_text("TIMESTAMP")
    expect(columns).to_contain_text("primary key")
    expect(page.locator("#table-preview .result-row")).to_have_count(20, timeout=LOAD_TIMEOUT)
    expect(page.locator("#table-preview")).to_contain_text("total")

    page.click("#table-runs")
    expect(page.locator("#table-detail")).to_contain_text("revealed only after you decide")
    expect(page.locator("#table-columns")).to_contain_text("truth")
    expect(page.locator("#query-table")).to_be_disabled()

    page.get_by_role("radio", name="한국어").click()
    page.click("#table-orders")
    expect(page.locator("#table-description")).to_contain_text("주문 한 건당 한 행입니다")
    page.get_by_role("radio", name="English").click()
    assert page.console_errors == []


def test_the_lineage_shows_each_mart_with_its_last_build(app_server, page):
    days = len(app_server.overview.daily)
    _open(page, app_server, "Lineage")
    diagram = page.locator("#lineage-diagram")
    expect(diagram).to_be_visible()
    for node in ("users", "sessions", "orders", "events", "assignments", "overview", "results"):
        expect(diagram.locator(f'[data-node="{node}"]')).to_be_visible()
    expect(diagram.locator('[data-node="daily_metrics"]')).to_contain_text(f"{days:,} rows")
    expect(diagram.locator('[data-node="daily_metrics"]')).to_contain_text("UTC")
    assert diagram.locator("path[d^='M ']").count() >= 10
    build = page.locator('#mart-builds [data-mart="daily_metrics"]')
    expect(build).to_contain_text(f"{days:,}")
    expect(build).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"))
    expect(page.locator('#mart-builds [data-mart="experiment_users"]')).to_contain_text("events, assignments")

    diagram.locator('[data-node="user_stats"]').click()
    expect(page.locator("#table-name")).to_have_text("user_stats")
    assert page.console_errors == []


def test_an_example_query_shows_its_rows_count_and_time(app_server, page):
    _open(page, app_server, "SQL lab")
    expect(page.locator("#sql-idle")).to_be_visible()
    page.locator('[data-example="daily"]').click()
    expect(page.locator("#sql-editor")).to_have_value(re.compile(r"FROM daily_metrics"))
    expect(page.locator("#sql-result .result-row")).to_have_count(14, timeout=LOAD_TIMEOUT)
    expect(page.locator("#sql-rows")).to_have_text("14 rows")
    expect(page.locator("#sql-ms")).to_have_text(re.compile(r"^[\d,]+ ms$"))
    expect(page.locator("#sql-result")).to_contain_text("conversion_pct")
    last_day = str(app_server.overview.last_day)
    expect(page.locator("#sql-result .result-row").first).to_contain_text(last_day)
    assert page.console_errors == []


def test_a_delete_is_refused_and_nothing_changes(app_server, page):
    _open(page, app_server, "SQL lab")
    _run(page, "SELECT COUNT(*) AS n FROM users")
    expect(page.locator("#sql-result .result-row")).to_have_count(1, timeout=LOAD_TIMEOUT)
    users = int(page.locator("#sql-result .result-row").inner_text())
    _run(page, "DELETE FROM users")
    problem = page.locator("#sql-problem")
    expect(problem).to_have_text(
        "Query: only SELECT (or WITH … SELECT) can run here, not DELETE. Nothing was changed.", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#sql-result")).to_have_count(0)

    _run(page, "WITH gone AS (DELETE FROM users RETURNING *) SELECT * FROM gone")
    expect(problem).to_have_text("Query: the SQL lab only reads; DELETE would change data, so it did not run.")
    _run(page, "SELECT 1; DROP TABLE users")
    expect(problem).to_contain_text("one statement at a time")

    _run(page, "SELECT COUNT(*) AS n FROM users")
    expect(page.locator("#sql-result .result-row")).to_have_count(1, timeout=LOAD_TIMEOUT)
    expect(page.locator("#sql-result .result-row")).to_have_text(str(users))
    expect(problem).to_have_count(0)

    page.get_by_role("tab", name="Tables").click()
    page.click("#table-users")
    expect(page.locator("#table-rows")).to_have_text(f"{users:,} rows")
    assert page.console_errors == []


def test_a_big_result_is_cut_at_the_cap_and_says_so(app_server, page):
    _open(page, app_server, "SQL lab")
    _run(page, "SELECT session_id, user_id, started_at FROM sessions ORDER BY session_id")
    expect(page.locator("#sql-truncated")).to_contain_text("truncated at 1,000 rows", timeout=LOAD_TIMEOUT)
    expect(page.locator("#sql-result .result-row")).to_have_count(1000)
    page.locator("#sql-editor").fill("")
    expect(page.locator("#sql-hint")).to_have_text("SQL: write a query to run, for example SELECT * FROM users.")
    assert page.console_errors == []


def test_a_recursive_cte_over_runs_is_refused_and_no_truth_column_appears(app_server, page):
    """The issue's reproduction: DuckDB once bound the anchor term's ``runs`` to the real table and showed the truth."""
    _open(page, app_server, "SQL lab")
    problem = page.locator("#sql-problem")
    _run(page, "WITH RECURSIVE runs AS (SELECT * FROM runs UNION SELECT * FROM runs) SELECT run_id, truth FROM runs")
    if app_server.backend == "duckdb":
        expect(problem).to_have_text(
            "Query: runs cannot be read here; use the tables listed on this page (runs stays hidden until you decide).",
            timeout=LOAD_TIMEOUT,
        )
    else:  # PostgreSQL refuses the recursion itself
        expect(problem).to_contain_text("recursive reference", timeout=LOAD_TIMEOUT)
    expect(problem).to_have_attribute("role", "alert")
    expect(page.locator("#sql-result")).to_have_count(0)

    _run(page, "SELECT 1 AS warm_up")  # a different result first, so the next refusal is a new one
    expect(page.locator("#sql-result .result-row")).to_have_count(1, timeout=LOAD_TIMEOUT)
    _run(page, "WITH RECURSIVE r AS (SELECT truth FROM runs UNION SELECT truth FROM r) SELECT * FROM r")
    expect(problem).to_have_attribute("data-code", "table", timeout=LOAD_TIMEOUT)
    expect(problem).to_contain_text("runs cannot be read here")
    expect(page.locator("#sql-result")).to_have_count(0)
    expect(page.locator("th", has_text="truth")).to_have_count(0)
    page.get_by_role("radio", name="한국어").click()
    expect(problem).to_contain_text("runs은(는) 여기서 읽을 수 없습니다")
    page.get_by_role("radio", name="English").click()
    assert page.console_errors == []


def test_a_long_cell_comes_back_cut_and_marked(app_server, page):
    _open(page, app_server, "SQL lab")
    _run(page, "SELECT repeat('x', 30000000) AS long_text, 'short' AS short_text")
    cut = page.locator("#sql-result .cut-cell")
    expect(cut).to_have_count(1, timeout=LOAD_TIMEOUT)
    expect(cut).to_have_text("x" * 200 + "…")
    expect(cut).to_have_attribute("data-cut", "true")
    expect(page.locator("#sql-result .result-row")).to_contain_text("short")
    note = page.locator("#sql-cut")
    expect(note).to_contain_text("1 long cell was cut to their first 200 characters (marked ✂).")
    page.get_by_role("radio", name="한국어").click()
    expect(note).to_contain_text("긴 셀 1개를 앞 200자까지만 보여 줍니다")
    page.get_by_role("radio", name="English").click()

    _run(page, "SELECT " + ", ".join(f"{i} AS c{i}" for i in range(101)))
    expect(page.locator("#sql-problem")).to_have_text(
        "Query: at most 100 columns can come back; name the columns you need instead of *.", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#sql-cut")).to_have_count(0)
    assert page.console_errors == []
