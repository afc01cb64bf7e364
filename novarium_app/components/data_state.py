"""The Data page's state: the table list and its counts, a table's preview, the mart builds and the SQL lab.

Storage calls run off the event loop (``asyncio.to_thread``). The SQL lab runs in a background event on its own
small pool (``data_pool``), so a slow query never blocks the page or the rest of the server, and a full pool says
"busy" at once; ``marts.storage.readonly`` enforces read-only, the hidden tables and every limit.
"""

import asyncio
import logging

import reflex as rx
import sqlalchemy as sa

from marts import catalog_docs
from marts.schema import MART_TABLES, WAREHOUSE_TABLES, metadata
from marts.storage import StorageError
from marts.storage.readonly import (
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_SECONDS,
    QueryFailed,
    QueryRefused,
    ReadOnlyResult,
    run_readonly,
)
from novarium_app.components import data_format, data_source
from novarium_app.components.data_examples import EXAMPLES, FIRST_QUERY
from novarium_app.components.data_pool import LAB_POOL
from novarium_app.i18n import LocaleState, pick
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.data")

LOAD_ERRORS = (SettingsError, StorageError, sa.exc.SQLAlchemyError, OSError)
TABS = ("tables", "lineage", "sql")
FIRST_TABLE = "users"


def _group_of(table: str) -> str:
    return next(group.key for group in catalog_docs.GROUPS if table in group.tables)


def _load_overview() -> tuple[str, dict[str, int], dict[str, dict]]:
    store = get_store()
    return store.backend, data_source.row_counts(store), data_source.mart_builds(store)


def _load_preview(table: str):
    return data_source.preview(get_store(), table)


def _run(text: str):
    return run_readonly(get_store(), text)


async def run_lab_query(text: str) -> ReadOnlyResult:
    """The learner's query, on the SQL lab's own pool (QueryFailed BUSY at once when it is full)."""
    return await LAB_POOL.run(_run, text)


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


class DataState(rx.State):
    """What the Data page shows."""

    loading: bool = True
    load_error: str = ""
    backend: str = ""
    counts: dict[str, str] = {}
    warehouse_empty: bool = False
    mart_rows: dict[str, str] = {}
    mart_built: dict[str, str] = {}
    mart_seconds: dict[str, str] = {}
    tab: str = "tables"

    selected: str = FIRST_TABLE
    preview_loading: bool = False
    preview_error: str = ""
    preview_columns: list[str] = []
    preview_rows: list[list[str]] = []
    preview_cut: list[list[bool]] = []

    sql: str = FIRST_QUERY
    running: bool = False
    ran: bool = False
    result_columns: list[str] = []
    result_rows: list[list[str]] = []
    result_cut: list[list[bool]] = []
    cut_count: int = 0
    cut_note: str = ""
    cut_note_ko: str = ""
    result_label: str = ""
    result_label_ko: str = ""
    elapsed: str = ""
    truncated: bool = False
    truncated_note: str = ""
    truncated_note_ko: str = ""
    problem: str = ""
    problem_ko: str = ""
    problem_code: str = ""

    # ----- loading -------------------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """Row counts and mart builds, then the selected table's preview."""
        self.loading = True
        self.load_error = ""
        yield
        try:
            backend, counts, builds = await asyncio.to_thread(_load_overview)
        except (*LOAD_ERRORS, QueryFailed, QueryRefused) as error:
            log.exception("the Data page could not load")
            self.load_error = _first_line(error)
            self.loading = False
            return
        self.backend = backend
        self.counts = {name: data_format.count(counts.get(name)) for name in metadata.tables}
        self.warehouse_empty = all(counts.get(name, 0) == 0 for name in WAREHOUSE_TABLES)
        self.mart_rows = {m: data_format.count(builds[m]["row_count"]) for m in MART_TABLES if m in builds}
        self.mart_built = {m: data_format.built_at(builds[m]["built_at"]) for m in MART_TABLES if m in builds}
        self.mart_seconds = {m: f"{float(builds[m]['seconds']):.2f} s" for m in MART_TABLES if m in builds}
        self.loading = False
        yield DataState.show_preview

    @rx.event
    async def show_preview(self):
        """Load the first rows of the selected table."""
        self.preview_loading = True
        self.preview_error = ""
        yield
        try:
            result = await asyncio.to_thread(_load_preview, self.selected)
        except (*LOAD_ERRORS, QueryFailed, QueryRefused) as error:
            self.preview_error = _first_line(error)
            self.preview_columns, self.preview_rows, self.preview_cut = [], [], []
        else:
            self.preview_columns = list(result.columns)
            self.preview_rows, self.preview_cut = data_format.grid(result)
        self.preview_loading = False

    @rx.event
    def select_table(self, name: str):
        """Show one table of the schema (anything else is ignored)."""
        if name not in metadata.tables:
            return None
        self.selected = name
        self.tab = "tables"
        return DataState.show_preview

    @rx.event
    def set_tab(self, value: str):
        """Switch between the tables, the lineage and the SQL lab."""
        if value in TABS:
            self.tab = value

    # ----- the selected table ----------------------------------------------------------------------------------

    @rx.var
    def selected_columns(self) -> list[dict[str, str]]:
        """The selected table's columns: name, type and whether it is a key or may be empty."""
        return [
            {"name": c.name, "type": c.type, "key": "1" if c.primary_key else "", "nullable": "1" if c.nullable else ""}
            for c in data_source.table_columns(self.selected)
        ]

    @rx.var
    def selected_description(self) -> str:
        return catalog_docs.description(self.selected)[0]

    @rx.var
    def selected_description_ko(self) -> str:
        return catalog_docs.description(self.selected)[1]

    @rx.var
    def selected_group(self) -> str:
        return _group_of(self.selected)

    @rx.var
    def selected_hidden(self) -> list[str]:
        """Columns of the selected table the page never shows."""
        return sorted(data_source.HIDDEN_COLUMNS.get(self.selected, ()))

    # ----- the SQL lab -----------------------------------------------------------------------------------------

    @rx.event
    def set_sql(self, value: str):
        """Keep the editor's text as typed."""
        self.sql = value

    @rx.var
    def sql_problem(self) -> str:
        """The editor's inline rule, in English ("" when fine)."""
        return data_format.editor_problem(self.sql)[0]

    @rx.var
    def sql_problem_ko(self) -> str:
        return data_format.editor_problem(self.sql)[1]

    @rx.event
    def use_example(self, key: str):
        """Put an example in the editor and run it."""
        example = next((e for e in EXAMPLES if e.key == key), None)
        if example is None:
            return None
        self.sql = example.sql
        return DataState.run_query

    @rx.event
    async def query_table(self, name: str):
        """Open a table in the SQL lab and run a first query on it."""
        if name not in metadata.tables:
            return
        self.sql = f"SELECT *\nFROM {name}\nLIMIT 100"
        self.tab = "sql"
        locale = (await self.get_state(LocaleState)).locale
        yield rx.toast.info(
            pick(locale, (f"{name} is open in the SQL lab.", f"{name} 테이블을 SQL 실습실에서 열었습니다."))
        )
        yield DataState.run_query

    @rx.event
    def key_down(self, key: str, info: dict):
        """Ctrl+Enter (Cmd+Enter on a Mac) runs the query."""
        if key == "Enter" and (info.get("ctrl_key") or info.get("meta_key")):
            return DataState.run_query
        return None

    @rx.event(background=True)
    async def run_query(self):
        """Run the editor's SQL read-only and show its rows, or the one-line reason it did not run."""
        async with self:
            if self.running:
                return
            self.running = True
            self.problem = self.problem_ko = self.problem_code = ""
            text = self.sql
        try:
            result = await run_lab_query(text)
        except (QueryRefused, QueryFailed) as error:
            english, korean = data_format.problem(error.code, error.subject)
            async with self:
                self._clear_result()
                self.problem, self.problem_ko, self.problem_code = english, korean, error.code
                self.running = False
            return
        except LOAD_ERRORS as error:
            log.exception("the SQL lab could not reach storage")
            async with self:
                self._clear_result()
                self.problem, self.problem_ko = data_format.problem("database", _first_line(error))
                self.problem_code = "database"
                self.running = False
            return
        async with self:
            self.result_columns = list(result.columns)
            self.result_rows, self.result_cut = data_format.grid(result)
            self.cut_count = len(result.cut)
            self.cut_note, self.cut_note_ko = data_format.cut_note(len(result.cut), result.max_cell_chars)
            self.result_label, self.result_label_ko = data_format.rows_label(len(result.rows), result.truncated)
            self.truncated_note, self.truncated_note_ko = data_format.truncated_note(result)
            self.elapsed = f"{result.elapsed_ms:,.0f} ms"
            self.truncated = result.truncated
            self.ran = True
            self.running = False

    def _clear_result(self) -> None:
        self.result_columns, self.result_rows, self.result_cut = [], [], []
        self.result_label = self.result_label_ko = self.elapsed = ""
        self.cut_count = 0
        self.truncated = False
        self.ran = False


LIMITS_TEXT = (
    f"Read-only · up to {DEFAULT_MAX_ROWS:,} rows · {DEFAULT_TIMEOUT_SECONDS:g} s · {DEFAULT_MEMORY_MB} MB",
    f"읽기 전용 · 최대 {DEFAULT_MAX_ROWS:,}행 · 제한 {DEFAULT_TIMEOUT_SECONDS:g}초 · {DEFAULT_MEMORY_MB}MB",
)
"""The SQL lab's rules, as the editor's header shows them."""
