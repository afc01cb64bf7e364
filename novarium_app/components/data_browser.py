"""The schema browser: every table by group with its row count, and the selected table's columns and first rows."""

import reflex as rx

from marts import catalog_docs
from novarium_app.components.data_grid import result_grid
from novarium_app.components.data_state import DataState
from novarium_app.i18n import LocaleState, Text, t

GROUP_HINTS: dict[str, tuple[Text, str]] = {
    "warehouse": (
        ("Generate the shop's history, then reload:", "쇼핑몰 이력을 생성한 뒤 새로고침하세요:"),
        "novarium seed",
    ),
    "experiments": (
        (
            "Design an experiment and send a swarm at it, or from the command line:",
            "실험을 설계하고 스웜을 보내거나, 명령줄에서:",
        ),
        "novarium experiments create examples/red-banner.json",
    ),
    "marts": (("Build the marts from the warehouse:", "웨어하우스로 마트를 만드세요:"), "novarium marts build"),
}


def _table_button(name: str) -> rx.Component:
    active = DataState.selected == name
    return rx.button(
        rx.text(name, font_family="var(--code-font-family)", size="2", truncate=True),
        rx.spacer(),
        rx.text(DataState.counts[name], size="1", color=rx.color("gray", 10), class_name="tabular-nums"),
        on_click=DataState.select_table(name),
        variant=rx.cond(active, "soft", "ghost"),
        color_scheme=rx.cond(active, "violet", "gray"),
        width="100%",
        justify="start",
        size="2",
        id=f"table-{name}",
        custom_attrs={"data-table": name, "aria-current": rx.cond(active, "true", "false")},
    )


def table_list() -> rx.Component:
    """Every table of the schema, grouped, with its row count."""
    groups = []
    for group in catalog_docs.GROUPS:
        groups.append(
            rx.vstack(
                rx.text(
                    t(group.title), size="1", weight="bold", color=rx.color("gray", 10), text_transform="uppercase"
                ),
                *[_table_button(name) for name in group.tables],
                spacing="1",
                width="100%",
                id=f"group-{group.key}",
            )
        )
    return rx.card(rx.vstack(*groups, spacing="4", width="100%"), width="100%", size="2")


def _columns_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(t(("Column", "컬럼"))),
                rx.table.column_header_cell(t(("Type", "타입"))),
                rx.table.column_header_cell(t(("Notes", "비고"))),
            )
        ),
        rx.table.body(
            rx.foreach(
                DataState.selected_columns,
                lambda column: rx.table.row(
                    rx.table.cell(rx.code(column["name"], variant="ghost", size="2")),
                    rx.table.cell(rx.text(column["type"], size="1", color=rx.color("gray", 11))),
                    rx.table.cell(
                        rx.hstack(
                            rx.cond(
                                column["key"] != "",
                                rx.badge(t(("primary key", "기본 키")), color_scheme="violet", size="1"),
                            ),
                            rx.cond(
                                column["nullable"] != "",
                                rx.badge(t(("may be empty", "빈 값 허용")), color_scheme="gray", size="1"),
                            ),
                            spacing="1",
                        )
                    ),
                ),
            )
        ),
        size="1",
        variant="surface",
        width="100%",
        id="table-columns",
    )


def _empty_preview() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t(("No rows yet.", "아직 행이 없습니다.")), weight="bold"),
            rx.match(
                DataState.selected_group,
                *[
                    (key, rx.hstack(rx.text(t(text), size="2"), rx.code(command), wrap="wrap", spacing="2"))
                    for key, (text, command) in GROUP_HINTS.items()
                ],
                rx.fragment(),
            ),
            spacing="1",
        ),
        icon="inbox",
        color_scheme="gray",
        size="1",
        id="preview-empty",
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t(("First rows", "처음 몇 행")), size="3"),
            rx.text(
                t(("in primary-key order, at most 20", "기본 키 순서, 최대 20행")), size="1", color=rx.color("gray", 10)
            ),
            align="baseline",
            spacing="2",
        ),
        rx.cond(
            DataState.preview_loading,
            rx.skeleton(rx.box(height="8rem", width="100%")),
            rx.cond(
                DataState.preview_error != "",
                rx.callout(DataState.preview_error, icon="triangle-alert", color_scheme="red", size="1"),
                rx.cond(
                    DataState.preview_rows.length() > 0,
                    result_grid(
                        DataState.preview_columns,
                        DataState.preview_rows,
                        DataState.preview_cut,
                        "table-preview",
                        "18rem",
                    ),
                    _empty_preview(),
                ),
            ),
        ),
        spacing="2",
        width="100%",
    )


def table_detail() -> rx.Component:
    """The selected table: description, row count, columns and first rows."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.icon("table-2", size=20, color=rx.color("accent", 10)),
                        rx.heading(
                            DataState.selected, size="5", font_family="var(--code-font-family)", id="table-name"
                        ),
                        rx.badge(
                            DataState.counts[DataState.selected],
                            " ",
                            t(("rows", "행")),
                            variant="surface",
                            id="table-rows",
                        ),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(
                        rx.cond(
                            LocaleState.is_korean, DataState.selected_description_ko, DataState.selected_description
                        ),
                        size="2",
                        color=rx.color("gray", 11),
                        id="table-description",
                    ),
                    spacing="2",
                    min_width="0",
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("terminal", size=16),
                    t(("Query in SQL lab", "SQL 실습실에서 조회")),
                    on_click=DataState.query_table(DataState.selected),
                    variant="soft",
                    size="2",
                    id="query-table",
                    disabled=DataState.selected == "runs",
                ),
                align="start",
                width="100%",
            ),
            rx.cond(
                DataState.selected_hidden.length() > 0,
                rx.callout(
                    t(
                        (
                            "truth is hidden here and in the SQL lab: it is revealed only after you decide.",
                            "truth 컬럼은 이 페이지와 SQL 실습실에서 숨겨집니다. 결정을 내린 뒤에만 공개됩니다.",
                        )
                    ),
                    icon="eye-off",
                    color_scheme="amber",
                    size="1",
                ),
            ),
            _columns_table(),
            _preview(),
            spacing="4",
            width="100%",
        ),
        width="100%",
        size="2",
        id="table-detail",
    )


def schema_browser() -> rx.Component:
    """The tables tab."""
    return rx.grid(
        table_list(),
        table_detail(),
        columns=rx.breakpoints(initial="1", md="16rem 1fr"),
        spacing="4",
        width="100%",
        align_items="start",
    )
