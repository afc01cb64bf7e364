"""Step 3, metrics: the primary metric (the OEC), secondary metrics and guardrails with their margins."""

import reflex as rx

from marts.metrics import CATALOG as METRIC_CATALOG
from novarium_app.builder.labels import metric_description, metric_label
from novarium_app.components.builder_fields import bi, bi_fields, error_or_hint, label, problem_text, section
from novarium_app.components.builder_problem import metric_select
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import t


def _primary() -> rx.Component:
    return section(
        "target",
        ("Primary metric (OEC)", "주 지표 (OEC)"),
        (
            "The one metric the decision rests on; it is the metric of your hypothesis.",
            "결정의 기준이 되는 단 하나의 지표로, 가설의 지표와 같습니다.",
        ),
        rx.vstack(
            label(("Primary metric", "주 지표"), "builder-primary"),
            metric_select("metric", "builder-primary"),
            error_or_hint("metric", ("Changing it here changes the hypothesis too.", "여기서 바꾸면 가설도 바뀝니다.")),
            spacing="1",
            width="100%",
        ),
    )


def _secondary_option(key: str) -> rx.Component:
    """A secondary metric's card: the whole card is the checkbox's label, so a click anywhere on it toggles the
    metric, and the checkbox inside takes the keyboard (Tab, Space)."""
    is_primary = BuilderState.form["metric"] == key
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=BuilderState.secondary.contains(key),
                on_change=lambda on: BuilderState.toggle_secondary(key, on),
                disabled=is_primary,
                id=f"secondary-{key}",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(t(metric_label(key)), size="2", weight="medium"),
                    rx.cond(is_primary, rx.badge(t(("primary", "주 지표")), size="1", variant="soft")),
                    spacing="2",
                    align="center",
                ),
                rx.text(t(metric_description(key)), size="1", color=rx.color("gray", 10)),
                spacing="0",
                min_width="0",
            ),
            spacing="3",
            align="start",
        ),
        display="block",
        padding="0.75rem",
        border_radius="var(--radius-3)",
        border=f"1px solid {rx.color('gray', 4)}",
        opacity=rx.cond(is_primary, "0.55", "1"),
        cursor=rx.cond(is_primary, "default", "pointer"),
        _hover={"background": rx.cond(is_primary, "transparent", rx.color("gray", 2))},
        class_name="secondary-card",
        custom_attrs={"data-metric": key},
    )


def _secondary() -> rx.Component:
    return section(
        "list-checks",
        ("Secondary metrics", "보조 지표"),
        (
            "Reported beside the primary one, to explain it; they do not decide.",
            "주 지표를 설명하려고 함께 보고하며, 결정에는 쓰지 않습니다.",
        ),
        rx.grid(
            *[_secondary_option(metric.key) for metric in METRIC_CATALOG],
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="2",
            width="100%",
        ),
        error_or_hint("secondary"),
    )


def _guardrail_row(row: rx.Var) -> rx.Component:
    index = row["index"]
    return rx.vstack(
        rx.grid(
            rx.select.root(
                rx.select.trigger(width="100%", placeholder=t(("Choose a metric", "지표 선택"))),
                rx.select.content(
                    *[rx.select.item(t(metric_label(metric.key)), value=metric.key) for metric in METRIC_CATALOG]
                ),
                value=row["metric"],
                on_change=lambda value: BuilderState.set_guardrail(index, "metric", value),
            ),
            rx.input(
                rx.input.slot(
                    rx.text(rx.cond(row["margin_type"] == "relative", "%", ""), size="2", color=rx.color("gray", 10)),
                    side="right",
                ),
                value=row["margin"],
                on_change=lambda value: BuilderState.set_guardrail(index, "margin", value),
                input_mode="decimal",
                class_name="guardrail-margin",
                color_scheme=rx.cond(row["margin_error_en"] != "", "red", "gray"),
            ),
            rx.segmented_control.root(
                rx.segmented_control.item(t(("Relative", "상대")), value="relative"),
                rx.segmented_control.item(t(("Absolute", "절대")), value="absolute"),
                value=row["margin_type"],
                on_change=lambda value: BuilderState.set_guardrail(index, "margin_type", value),
                size="1",
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                on_click=BuilderState.remove_guardrail(index),
                variant="ghost",
                color_scheme="gray",
                aria_label="Remove guardrail",
            ),
            grid_template_columns="minmax(0, 1fr) 7rem auto auto",
            spacing="2",
            align_items="center",
            width="100%",
        ),
        rx.cond(row["metric_error_en"] != "", problem_text(bi_fields(row, "metric_error"), "")),
        rx.cond(row["margin_error_en"] != "", problem_text(bi_fields(row, "margin_error"), "")),
        spacing="1",
        width="100%",
        class_name="guardrail-row",
    )


def _guardrails() -> rx.Component:
    return section(
        "shield-check",
        ("Guardrails", "가드레일"),
        (
            "Metrics that must not get worse by more than a margin (a one-sided non-inferiority test).",
            "허용 범위 이상 나빠지면 안 되는 지표입니다(단측 비열등성 검정).",
        ),
        rx.cond(
            BuilderState.guardrail_rows.length() > 0,
            rx.vstack(
                rx.grid(
                    rx.text(t(("Metric", "지표")), size="1", color=rx.color("gray", 11)),
                    rx.text(t(("Margin", "허용 범위")), size="1", color=rx.color("gray", 11)),
                    rx.text(t(("Type", "방식")), size="1", color=rx.color("gray", 11)),
                    grid_template_columns="minmax(0, 1fr) 7rem auto auto",
                    spacing="2",
                    width="100%",
                ),
                rx.foreach(BuilderState.guardrail_rows, _guardrail_row),
                spacing="2",
                width="100%",
                id="guardrails",
            ),
            rx.text(
                t(
                    (
                        "No guardrail yet. Average order value is a common one.",
                        "아직 가드레일이 없습니다. 평균 주문 금액이 흔히 쓰입니다.",
                    )
                ),
                size="2",
                color=rx.color("gray", 10),
            ),
        ),
        rx.button(
            rx.icon("plus", size=14),
            t(("Add guardrail", "가드레일 추가")),
            on_click=BuilderState.add_guardrail,
            variant="soft",
            size="2",
            id="add-guardrail",
        ),
        rx.cond(
            BuilderState.shown.contains("guardrails"),
            problem_text(bi(BuilderState.shown["guardrails"]), "error-guardrails"),
        ),
    )


def metrics_step() -> rx.Component:
    """The third step's panel."""
    return rx.grid(
        rx.vstack(_primary(), _guardrails(), spacing="4", width="100%", min_width="0"),
        _secondary(),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="repeat(2, minmax(0, 1fr))"),
        spacing="4",
        width="100%",
        align_items="start",
        id="step-metrics",
    )
