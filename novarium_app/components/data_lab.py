"""The SQL lab: examples, a monospace editor (Ctrl/Cmd+Enter runs it), and the result or the reason it did not run."""

import reflex as rx

from novarium_app.components.data_examples import EXAMPLES
from novarium_app.components.data_grid import result_grid
from novarium_app.components.data_state import LIMITS_TEXT, DataState
from novarium_app.i18n import LocaleState, t


def _examples() -> rx.Component:
    return rx.hstack(
        rx.text(t(("Try:", "예제:")), size="2", color=rx.color("gray", 10)),
        *[
            rx.button(
                t(example.title),
                on_click=DataState.use_example(example.key),
                variant="soft",
                color_scheme="gray",
                size="1",
                radius="full",
                disabled=DataState.running,
                class_name="sql-example",
                custom_attrs={"data-example": example.key},
            )
            for example in EXAMPLES
        ],
        spacing="2",
        wrap="wrap",
        align="center",
        id="sql-examples",
    )


def _editor() -> rx.Component:
    has_problem = DataState.sql_problem != ""
    return rx.vstack(
        rx.text(t(("SQL", "SQL")), as_="label", html_for="sql-editor", size="2", weight="medium"),
        rx.text_area(
            value=DataState.sql,
            on_change=DataState.set_sql,
            on_key_down=DataState.key_down,
            id="sql-editor",
            name="sql",
            rows="9",
            resize="vertical",
            spell_check=False,
            auto_complete=False,
            size="3",
            variant="surface",
            color_scheme=rx.cond(has_problem, "red", "gray"),
            width="100%",
            style={"font_family": "var(--code-font-family)", "font_size": "var(--font-size-2)"},
            custom_attrs={"aria-describedby": "sql-hint"},
        ),
        rx.cond(
            has_problem,
            rx.text(
                rx.cond(LocaleState.is_korean, DataState.sql_problem_ko, DataState.sql_problem),
                size="1",
                color=rx.color("red", 11),
                id="sql-hint",
            ),
            rx.text(
                t(
                    (
                        "One SELECT (or WITH … SELECT) on the tables of this page. Ctrl+Enter runs it (⌘+Enter on a "
                        "Mac).",
                        "이 페이지의 테이블에 대한 SELECT(또는 WITH … SELECT) 한 문장. Ctrl+Enter로 실행합니다"
                        "(Mac은 ⌘+Enter).",
                    )
                ),
                size="1",
                color=rx.color("gray", 10),
                id="sql-hint",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("play", size=16),
            t(("Run", "실행")),
            on_click=DataState.run_query,
            loading=DataState.running,
            size="2",
            id="run-sql",
        ),
        rx.text.kbd("Ctrl ↵", size="1"),
        rx.spacer(),
        rx.cond(
            DataState.ran,
            rx.hstack(
                rx.badge(
                    rx.icon("rows-3", size=13),
                    rx.cond(LocaleState.is_korean, DataState.result_label_ko, DataState.result_label),
                    variant="soft",
                    color_scheme=rx.cond(DataState.truncated, "amber", "green"),
                    id="sql-rows",
                ),
                rx.badge(
                    rx.icon("timer", size=13), DataState.elapsed, variant="soft", color_scheme="gray", id="sql-ms"
                ),
                spacing="2",
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
    )


def _result() -> rx.Component:
    return rx.cond(
        DataState.problem != "",
        rx.callout(
            rx.cond(LocaleState.is_korean, DataState.problem_ko, DataState.problem),
            icon=rx.match(
                DataState.problem_code,
                ("timeout", "timer-off"),
                ("memory", "memory-stick"),
                ("busy", "hourglass"),
                "shield-alert",
            ),
            color_scheme=rx.match(DataState.problem_code, ("database", "orange"), ("busy", "amber"), "red"),
            size="2",
            id="sql-problem",
            custom_attrs={"data-code": DataState.problem_code, "role": "alert"},
        ),
        rx.cond(
            DataState.ran,
            rx.cond(
                DataState.result_rows.length() > 0,
                rx.vstack(
                    rx.cond(
                        DataState.truncated,
                        rx.callout(
                            rx.cond(LocaleState.is_korean, DataState.truncated_note_ko, DataState.truncated_note),
                            icon="scissors",
                            color_scheme="amber",
                            size="1",
                            id="sql-truncated",
                        ),
                    ),
                    rx.cond(
                        DataState.cut_count > 0,
                        rx.callout(
                            rx.cond(LocaleState.is_korean, DataState.cut_note_ko, DataState.cut_note),
                            icon="scissors",
                            color_scheme="amber",
                            size="1",
                            id="sql-cut",
                        ),
                    ),
                    result_grid(DataState.result_columns, DataState.result_rows, DataState.result_cut, "sql-result"),
                    spacing="2",
                    width="100%",
                ),
                rx.callout(
                    t(
                        (
                            "The query ran and returned no rows. Loosen the WHERE, or check the table has rows on "
                            "the Tables tab.",
                            "쿼리는 실행됐지만 결과 행이 없습니다. WHERE 조건을 완화하거나, 테이블 탭에서 행이 있는지 "
                            "확인하세요.",
                        )
                    ),
                    icon="inbox",
                    color_scheme="gray",
                    size="1",
                    id="sql-empty",
                ),
            ),
            rx.center(
                rx.vstack(
                    rx.icon("terminal", size=28, color=rx.color("gray", 8)),
                    rx.text(
                        t(
                            (
                                "Run a query or pick an example to see rows here.",
                                "쿼리를 실행하거나 예제를 고르면 결과가 여기에 나옵니다.",
                            )
                        ),
                        size="2",
                        color=rx.color("gray", 10),
                    ),
                    align="center",
                    spacing="2",
                ),
                padding="2rem",
                width="100%",
                border=f"1px dashed {rx.color('gray', 6)}",
                border_radius="var(--radius-3)",
                id="sql-idle",
            ),
        ),
    )


def sql_lab() -> rx.Component:
    """The SQL lab tab."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("terminal", size=20, color=rx.color("accent", 10)),
                rx.heading(t(("SQL lab", "SQL 실습실")), size="4"),
                rx.spacer(),
                rx.badge(rx.icon("shield-check", size=13), t(LIMITS_TEXT), variant="surface", color_scheme="green"),
                align="center",
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            _examples(),
            _editor(),
            _toolbar(),
            _result(),
            spacing="4",
            width="100%",
        ),
        size="2",
        width="100%",
        id="sql-lab",
    )
