"""A scrollable grid of query results: column headers and text cells, NULL shown muted, cut cells marked."""

import reflex as rx

from novarium_app.components.data_format import NULL
from novarium_app.i18n import t

CUT_TITLE = ("Cut: only the first characters came back", "잘림: 앞부분만 가져왔습니다")


def _cell(value: rx.Var, cut: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            cut,
            rx.hstack(
                rx.icon("scissors", size=12, color=rx.color("amber", 10), flex_shrink="0"),
                rx.text(value, color=rx.color("amber", 12)),
                spacing="1",
                align="center",
                class_name="cut-cell",
                title=t(CUT_TITLE),
                custom_attrs={"data-cut": "true"},
            ),
            rx.cond(
                value == NULL,
                rx.text(NULL, color=rx.color("gray", 9), font_style="italic"),
                rx.text(value),
            ),
        ),
        white_space="nowrap",
        max_width="28rem",
        overflow="hidden",
        text_overflow="ellipsis",
    )


def result_grid(columns: rx.Var, rows: rx.Var, cut: rx.Var, grid_id: str, max_height: str = "28rem") -> rx.Component:
    """Rows (lists of text) under their column names, cut cells (``cut[i][j]``) marked, scrolling inside the box."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.foreach(
                        columns,
                        lambda name: rx.table.column_header_cell(
                            name, white_space="nowrap", background=rx.color("gray", 2), position="sticky", top="0"
                        ),
                    )
                )
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda row, i: rx.table.row(
                        rx.foreach(row, lambda value, j: _cell(value, cut[i][j])), class_name="result-row"
                    ),
                )
            ),
            size="1",
            variant="ghost",
            width="100%",
        ),
        font_family="var(--code-font-family)",
        font_size="var(--font-size-1)",
        max_height=max_height,
        overflow="auto",
        width="100%",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 1),
        id=grid_id,
    )
