"""Data: the warehouse's tables and columns, how the marts are built, and a read-only SQL lab."""

import reflex as rx

from novarium_app import routes
from novarium_app.components.data_browser import schema_browser
from novarium_app.components.data_lab import sql_lab
from novarium_app.components.data_lineage import lineage_panel
from novarium_app.components.data_state import DataState
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import loading_grid, page_header
from novarium_app.i18n import t


def _header() -> rx.Component:
    return page_header(
        ("Data", "데이터"),
        (
            "Every table NovaRium keeps, how the marts are built from them, and a SQL lab to explore them.",
            "NovaRium이 보관하는 모든 테이블, 그 테이블로 마트를 만드는 방식, 그리고 직접 탐색할 수 있는 "
            "SQL 실습실입니다.",
        ),
        rx.cond(
            DataState.backend != "",
            rx.badge(rx.icon("database", size=14), DataState.backend, variant="surface", size="2", id="data-backend"),
        ),
    )


def _load_error() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t(("Could not read the database.", "데이터베이스를 읽지 못했습니다.")), weight="bold"),
            rx.text(DataState.load_error, size="2"),
            rx.button(rx.icon("refresh-cw", size=14), t(("Try again", "다시 시도")), on_click=DataState.load, size="1"),
            spacing="2",
            align="start",
        ),
        icon="triangle-alert",
        color_scheme="red",
        size="2",
        id="data-error",
    )


def _empty_warehouse() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t(("The warehouse is empty.", "웨어하우스가 비어 있습니다.")), weight="bold"),
            rx.hstack(
                rx.text(
                    t(
                        (
                            "Generate the NovaEats history and its marts, then reload:",
                            "NovaEats 이력과 마트를 만든 뒤 새로고침하세요:",
                        )
                    ),
                    size="2",
                ),
                rx.code("novarium seed"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
        ),
        icon="database",
        color_scheme="amber",
        size="2",
        id="data-empty",
    )


def _loading() -> rx.Component:
    return loading_grid(["32rem", "32rem"], columns=rx.breakpoints(initial="1", md="16rem 1fr"), id="data-loading")


def _tabs() -> rx.Component:
    triggers = (
        ("tables", "table-2", ("Tables", "테이블")),
        ("lineage", "workflow", ("Lineage", "계보")),
        ("sql", "terminal", ("SQL lab", "SQL 실습실")),
    )
    return rx.tabs.root(
        rx.tabs.list(
            *[
                rx.tabs.trigger(rx.hstack(rx.icon(icon, size=15), t(label), spacing="2", align="center"), value=value)
                for value, icon, label in triggers
            ],
            size="2",
        ),
        rx.tabs.content(rx.box(schema_browser(), padding_top="1rem"), value="tables"),
        rx.tabs.content(rx.box(lineage_panel(), padding_top="1rem"), value="lineage"),
        rx.tabs.content(rx.box(sql_lab(), padding_top="1rem"), value="sql"),
        value=DataState.tab,
        on_change=DataState.set_tab,
        width="100%",
    )


@lab_page(routes.DATA, "Data", on_load=DataState.load)
def data() -> rx.Component:
    """The Data page."""
    return rx.vstack(
        _header(),
        rx.cond(
            DataState.load_error != "",
            _load_error(),
            rx.cond(
                DataState.loading,
                _loading(),
                rx.vstack(rx.cond(DataState.warehouse_empty, _empty_warehouse()), _tabs(), spacing="4", width="100%"),
            ),
        ),
        spacing="5",
        width="100%",
    )
