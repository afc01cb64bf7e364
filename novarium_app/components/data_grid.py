"""A scrollable grid of query results: column headers and text cells, NULL shown muted."""

import reflex as rx

from novarium_app.components.data_format import NULL


def _cell(value: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            value == NULL,
            rx.text(NULL, color=rx.color("gray", 9), font_style="italic"),
            rx.text(value),
        ),
        white_space="nowrap",
        max_width="28rem",
        overflow="hidden",
        text_overflow="ellipsis",
    )


def result_grid(columns: rx.Var, rows: rx.Var, grid_id: str, max_height: str = "28rem") -> rx.Component:
    """Rows (lists of text) under their column names, scrolling both ways inside ``max_height``."""
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
            rx.table.body(rx.foreach(rows, lambda row: rx.table.row(rx.foreach(row, _cell), class_name="result-row"))),
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
