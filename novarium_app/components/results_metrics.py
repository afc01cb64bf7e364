"""Metric results: the estimate-and-interval plot and one table card per metric, in the readout's analysis."""

import reflex as rx

from novarium_app.components.results_widgets import bi, section_title, tone_scheme
from novarium_app.components.tables import scroll_table
from novarium_app.i18n import LocaleState, t


def forest_card(
    figure_en: rx.Var, figure_ko: rx.Var, cuped_on: rx.Var, on_cuped: rx.EventHandler, note_en: rx.Var, note_ko: rx.Var
) -> rx.Component:
    """Every metric × variant's relative lift and interval, with the CUPED switch."""
    plot = {"width": "100%", "config": {"displayModeBar": False, "responsive": True}}
    return rx.card(
        rx.vstack(
            rx.hstack(
                section_title(
                    ("Estimates and intervals", "추정치와 신뢰구간"),
                    (
                        "Relative lift against control with its 95% interval; the primary metric on top",
                        "대조군 대비 상대 변화와 95% 신뢰구간, 1차 지표가 맨 위",
                    ),
                    "chart-no-axes-gantt",
                ),
                rx.spacer(),
                cuped_switch(cuped_on, on_cuped),
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.cond(
                LocaleState.is_korean,
                rx.plotly(data=figure_ko, id="forest-chart-ko", **plot),
                rx.plotly(data=figure_en, id="forest-chart", **plot),
            ),
            rx.cond(
                cuped_on & (note_en != ""),
                rx.hstack(
                    rx.icon("sparkles", size=14, color=rx.color("violet", 10), flex_shrink="0", margin_top="0.2rem"),
                    rx.text(bi(note_en, note_ko), size="1", color=rx.color("gray", 11)),
                    spacing="2",
                    align="start",
                    id="cuped-note",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def cuped_switch(cuped_on: rx.Var, on_cuped: rx.EventHandler) -> rx.Component:
    """CUPED on or off."""
    return rx.tooltip(
        rx.hstack(
            rx.text("CUPED", as_="label", html_for="cuped-switch", size="2", weight="medium"),
            rx.switch(checked=cuped_on, on_change=on_cuped, id="cuped-switch"),
            rx.badge(
                rx.cond(cuped_on, t(("On", "켜짐")), t(("Off", "꺼짐"))),
                variant="soft",
                color_scheme=rx.cond(cuped_on, "violet", "gray"),
            ),
            spacing="2",
            align="center",
        ),
        content=t(
            (
                "Read every figure (tiles, tables, plot, adjusted p-values and the ship rule) adjusted for users' "
                "pre-experiment revenue (not ratio metrics)",
                "모든 수치(타일, 표, 그래프, 보정 p-값, 배포 규칙)를 실험 전 사용자 매출로 "
                "보정해 읽습니다(비율 지표 제외)",
            )
        ),
    )


ROLE_WORDS = {
    "primary": ("Primary", "1차 지표", "violet"),
    "secondary": ("Secondary", "보조 지표", "blue"),
    "guardrail": ("Guardrail", "가드레일", "tomato"),
}


def role_badge(role: rx.Var) -> rx.Component:
    """A metric's role."""
    return rx.badge(
        rx.match(role, *[(key, t((en, ko))) for key, (en, ko, _) in ROLE_WORDS.items()], role),
        color_scheme=rx.match(role, *[(key, color) for key, (_, _, color) in ROLE_WORDS.items()], "gray"),
        variant="surface",
        radius="full",
    )


def _two_lines(top: rx.Var, *bottom: rx.Var, names: tuple[str, str] = ("", "")) -> list[rx.Component]:
    return [
        rx.text(top, class_name=f"tabular-nums {names[0]}".strip()),
        rx.text(*bottom, size="1", color=rx.color("gray", 10), class_name=f"tabular-nums {names[1]}".strip()),
    ]


def _row(row: rx.Var) -> rx.Component:
    lift = rx.hstack(
        rx.badge(
            row.rel,
            color_scheme=tone_scheme(row.tone),
            variant="soft",
            size="2",
            class_name="tabular-nums rel-lift",
        ),
        rx.text(
            row.rel_ci,
            size="1",
            color=rx.color("gray", 10),
            class_name="tabular-nums rel-ci",
        ),
        spacing="2",
        align="center",
    )
    absolute = rx.text(
        rx.text.span(row.abs, class_name="abs-lift"),
        " ",
        rx.text.span(row.abs_ci, class_name="abs-ci"),
        size="1",
        color=rx.color("gray", 10),
        class_name="tabular-nums",
    )
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(row.variant, weight="medium"),
                rx.cond(row.is_control, rx.badge(t(("Control", "대조군")), variant="soft", color_scheme="gray")),
                spacing="2",
                align="center",
            ),
            rx.text(
                rx.text.span(row.n, class_name="n-cell"),
                t((" users", "명")),
                size="1",
                color=rx.color("gray", 10),
                class_name="tabular-nums",
            ),
        ),
        rx.table.cell(row.mean, class_name="tabular-nums mean-cell"),
        rx.cond(
            row.is_control,
            rx.table.cell(t(("Baseline", "기준")), col_span=3, color=rx.color("gray", 10), font_style="italic"),
            rx.fragment(
                rx.table.cell(lift, absolute),
                rx.table.cell(
                    *_two_lines(
                        row.p, t(("adj. ", "보정 ")), rx.text.span(row.p_adj, class_name="p-adj"), names=("p-raw", "")
                    ),
                    class_name="p-cell",
                ),
                rx.table.cell(
                    *_two_lines(
                        row.chance,
                        t(("loss ", "손실 ")),
                        rx.text.span(row.loss, class_name="loss"),
                        names=("chance", ""),
                    )
                ),
            ),
        ),
        custom_attrs={"data-variant": row.variant},
    )


def metric_card(card: rx.Var) -> rx.Component:
    """One metric: its role, what it means, and a row per variant."""
    notes = rx.foreach(
        card.rows,
        lambda row: rx.cond(
            row.note_en != "",
            rx.text(row.variant, ": ", bi(row.note_en, row.note_ko), size="1", color=rx.color("amber", 11)),
        ),
    )
    has_cuped = card.has_cuped
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(bi(card.label_en, card.label_ko), size="4"),
                role_badge(card.role),
                rx.spacer(),
                rx.cond(
                    card.analysis_en != "",
                    rx.badge(
                        bi(card.analysis_en, card.analysis_ko),
                        color_scheme=rx.cond(has_cuped, "violet", "gray"),
                        variant="soft",
                        class_name="metric-analysis",
                    ),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.text(
                bi(card.description_en, card.description_ko),
                " ",
                bi(card.unit_en, card.unit_ko),
                ".",
                size="2",
                color=rx.color("gray", 10),
            ),
            scroll_table(
                (
                    ("Variant", "변형"),
                    ("Estimate", "추정치"),
                    ("Lift vs control (95% CI)", "대조군 대비 변화(95% CI)"),
                    ("p-value", "p-값"),
                    ("Chance to beat", "이길 확률"),
                ),
                card.rows,
                _row,
                variant="ghost",
                size="2",
                class_name="results-table",
            ),
            notes,
            rx.cond(
                has_cuped,
                rx.text(
                    t(("CUPED variance reduction: ", "CUPED 분산 감소: ")),
                    rx.foreach(
                        card.rows,
                        lambda row: rx.cond(row.has_cuped, rx.text.span(row.variant, " ", row.cuped_vr, "  ")),
                    ),
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="metric-card",
        custom_attrs={"data-metric": card.metric, "data-role": card.role},
    )
