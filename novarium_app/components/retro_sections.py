"""The parts of a retrospective's detail page, each rendering a slice of the read model (``RetroView``)."""

import reflex as rx

from novarium_app.components.retro_words import (
    CORRECT,
    CORRECT_COLORS,
    COVERED,
    DECISION_COLORS,
    DECISIONS,
    GUARDRAIL_VERDICTS,
    KINDS,
    ROLES,
    SRM,
    SRM_COLORS,
    VERDICT_COLORS,
    badge,
    tone_color,
    word,
)
from novarium_app.components.tables import scroll_table
from novarium_app.i18n import Text, t

MUTED = rx.color("gray", 11)
FAINT = rx.color("gray", 10)


def section(title: Text, icon: str, *children: rx.Component, section_id: str = "", **props) -> rx.Component:
    """A titled card."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18, color=rx.color("accent", 10)),
                rx.heading(t(title), size="4"),
                spacing="2",
                align="center",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id=section_id or None,
        **props,
    )


def fact(label: Text, value: rx.Var, fact_id: str = "") -> rx.Component:
    """A labelled value, hidden when the value is empty."""
    return rx.cond(
        value != "",
        rx.data_list.item(
            rx.data_list.label(t(label), min_width="9rem"),
            rx.data_list.value(value, id=fact_id or None),
        ),
    )


def tile(label: Text, *children: rx.Component, tile_id: str = "") -> rx.Component:
    """A headline figure."""
    return rx.card(
        rx.vstack(
            rx.text(t(label), size="1", weight="medium", color=MUTED, text_transform="uppercase"),
            *children,
            spacing="2",
        ),
        size="2",
        id=tile_id or None,
    )


def headline_tiles(view: rx.Var) -> rx.Component:
    """Lift on the primary metric, the decision against the ship rule, the truth and the split."""
    return rx.grid(
        tile(
            ("Primary metric lift", "주요 지표 변화"),
            rx.text(view.lift, size="7", weight="bold", color=tone_color(view.lift_tone), class_name="tabular-nums"),
            rx.cond(
                view.lift_variant != "",
                rx.text(view.primary_label, " · ", view.lift_ci, size="1", color=FAINT, class_name="tabular-nums"),
                rx.text(t(("No results saved", "저장된 결과 없음")), size="1", color=FAINT),
            ),
            tile_id="retro-lift",
        ),
        tile(
            ("Decision", "결정"),
            badge(view.decision, DECISIONS, DECISION_COLORS, size="3", variant="solid"),
            rx.text(
                t(("Ship rule: ", "배포 규칙: ")),
                word(view.recommendation, DECISIONS),
                size="1",
                color=FAINT,
            ),
            tile_id="retro-decision",
        ),
        tile(
            ("The truth", "실제 효과"),
            badge(view.correct, CORRECT, CORRECT_COLORS, size="3", default=("Not judged", "판정 없음")),
            rx.text(t(("adjusted p ", "보정 p ")), view.lift_p, size="1", color=FAINT, class_name="tabular-nums"),
            tile_id="retro-truth-tile",
        ),
        tile(
            ("Sample ratio", "표본 비율"),
            badge(view.srm_status, SRM, SRM_COLORS, size="3", default=("Not saved", "저장 안 됨")),
            rx.text(t(("p-value ", "p-값 ")), rx.cond(view.srm_p != "", view.srm_p, "—"), size="1", color=FAINT),
            tile_id="retro-srm-tile",
        ),
        columns=rx.breakpoints(initial="2", lg="4"),
        spacing="4",
        width="100%",
    )


def design(view: rx.Var) -> rx.Component:
    """The hypothesis' test: metrics, guardrails, traffic and the analysis settings."""
    empty = (
        (view.primary_label == "")
        & (view.variants.length() == 0)
        & (view.facts.length() == 0)
        & (view.alpha == "")
        & (view.allocation == "")
    )
    return section(
        ("Design", "설계"),
        "drafting-compass",
        rx.cond(empty, _missing(("No design recorded.", "기록된 설계가 없습니다."))),
        rx.data_list.root(
            fact(("Primary metric", "주요 지표"), view.primary_label, "retro-primary"),
            fact(("Secondary metrics", "보조 지표"), view.secondary),
            fact(("Guardrails", "가드레일"), view.guardrail_design),
            fact(("Traffic", "트래픽"), view.allocation),
            fact(("Alpha", "유의수준"), view.alpha),
            fact(("Correction", "다중 검정 보정"), view.correction),
            fact(("Analysis", "분석"), view.analysis, "retro-analysis"),
            rx.foreach(
                view.facts,
                lambda item: rx.data_list.item(
                    rx.data_list.label(item.label, min_width="9rem"), rx.data_list.value(item.value)
                ),
            ),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
            size="2",
        ),
        rx.cond(
            view.variants.length() > 0,
            rx.vstack(
                rx.text(t(("Variants", "변형")), size="2", weight="bold"),
                rx.foreach(view.variants, _variant),
                spacing="2",
                width="100%",
            ),
        ),
        section_id="retro-design",
    )


def _variant(variant: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(variant.name, variant="surface", color_scheme="gray"),
        rx.text(variant.weight, size="1", color=FAINT, class_name="tabular-nums"),
        rx.text(
            rx.cond(variant.config != "", variant.config, t(("defaults", "기본값"))),
            size="1",
            color=MUTED,
            font_family="var(--code-font-family)",
            word_break="break-word",
        ),
        spacing="2",
        align="center",
        width="100%",
        class_name="retro-variant",
    )


def _result_row(row: rx.Var) -> rx.Component:
    def cell(*children: rx.Component | rx.Var, name: str = "", **props) -> rx.Component:
        return rx.table.cell(*children, class_name=f"tabular-nums {name}".strip(), white_space="nowrap", **props)

    def lift(value: rx.Var, interval: rx.Var, name: str, **props) -> rx.Component:
        return cell(
            rx.vstack(
                rx.text(value, class_name=name, **props),
                rx.cond(~row.control, rx.text(interval, size="1", color=FAINT, class_name=f"{name}-ci")),
                spacing="0",
            )
        )

    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(row.variant, weight="medium"),
                rx.cond(row.control, rx.badge(t(("control", "대조군")), size="1", color_scheme="gray")),
                spacing="2",
                align="center",
            )
        ),
        cell(row.n, name="n"),
        cell(row.mean, name="mean"),
        lift(row.abs_lift, row.abs_ci, "abs"),
        lift(row.rel_lift, row.rel_ci, "rel", weight="bold", color=tone_color(row.tone)),
        cell(row.p_value, name="p"),
        cell(row.p_adjusted, name="p-adj"),
        cell(row.chance, name="chance"),
        cell(row.loss, name="loss"),
        custom_attrs={"data-variant": row.variant},
    )


def _metric(metric: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(metric.label, size="3"),
            rx.code(metric.metric, size="1", variant="ghost"),
            rx.badge(word(metric.kind, KINDS), size="1", variant="surface", color_scheme="gray"),
            rx.badge(
                word(metric.role, ROLES),
                size="1",
                color_scheme=rx.cond(metric.role == "guardrail", "amber", "violet"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        scroll_table(
            (
                ("Variant", "변형"),
                ("Units", "단위 수"),
                ("Mean", "평균"),
                ("Abs. lift (CI)", "절대 변화 (신뢰구간)"),
                ("Rel. lift (CI)", "상대 변화 (신뢰구간)"),
                ("p-value", "p-값"),
                ("Adj. p", "보정 p"),
                ("Chance to beat", "이길 확률"),
                ("Expected loss", "기대 손실"),
            ),
            metric.rows,
            _result_row,
            size="1",
            variant="surface",
        ),
        rx.foreach(
            metric.rows,
            lambda row: rx.cond(
                row.message != "", rx.text(row.variant, ": ", row.message, size="1", color=rx.color("amber", 11))
            ),
        ),
        spacing="2",
        width="100%",
        class_name="retro-metric",
        custom_attrs={"data-metric": metric.metric},
    )


def results(view: rx.Var) -> rx.Component:
    """Every metric's estimates, intervals and p-values."""
    return section(
        ("Results", "결과"),
        "chart-column",
        rx.cond(
            view.metrics.length() > 0,
            rx.vstack(
                rx.foreach(
                    view.warnings,
                    lambda warning: rx.callout(warning, icon="triangle-alert", color_scheme="amber", size="1"),
                ),
                rx.cond(
                    view.control == "control",
                    rx.text(
                        t(("Each treatment against the control.", "각 처리군을 대조군과 비교합니다.")),
                        size="2",
                        color=MUTED,
                    ),
                    rx.cond(
                        view.control != "",
                        rx.text(
                            t(("Each treatment against the control, ", "각 처리군을 대조군과 비교: ")),
                            rx.code(view.control),
                            size="2",
                            color=MUTED,
                        ),
                    ),
                ),
                rx.foreach(view.metrics, _metric),
                spacing="5",
                width="100%",
            ),
            _missing(("No results were saved with this retrospective.", "이 회고에는 결과가 저장되지 않았습니다.")),
        ),
        section_id="retro-results",
    )


def _verdict_table(rows: rx.Var, words: dict[str, Text], colors: dict[str, str], with_metric: bool) -> rx.Component:
    first = [("Guardrail", "가드레일")] if with_metric else []

    def row(item: rx.Var) -> rx.Component:
        cells = [rx.table.row_header_cell(item.metric)] if with_metric else []
        return rx.table.row(
            *cells,
            rx.table.cell(item.variant) if with_metric else rx.table.row_header_cell(item.variant),
            rx.table.cell(badge(item.verdict, words, colors, size="1")),
            rx.table.cell(item.reasons, color=MUTED, min_width="16rem"),
        )

    return scroll_table(
        (*first, ("Variant", "변형"), ("Verdict", "판정"), ("Why", "이유")), rows, row, size="1", variant="surface"
    )


def guardrails_and_split(view: rx.Var) -> rx.Component:
    """Guardrail verdicts and the sample ratio check."""
    return section(
        ("Guardrails and split", "가드레일과 분할"),
        "shield-check",
        rx.cond(
            view.guardrails.length() > 0,
            _verdict_table(view.guardrails, GUARDRAIL_VERDICTS, VERDICT_COLORS, with_metric=True),
            _missing(("No guardrails were checked.", "확인한 가드레일이 없습니다.")),
        ),
        rx.cond(
            view.srm_rows.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.text(t(("Sample ratio", "표본 비율")), size="2", weight="bold"),
                    badge(view.srm_status, SRM, SRM_COLORS, size="1"),
                    rx.text(t(("p-value ", "p-값 ")), view.srm_p, size="1", color=FAINT, class_name="tabular-nums"),
                    spacing="2",
                    align="center",
                ),
                scroll_table(
                    (("Variant", "변형"), ("Units", "단위 수"), ("Observed", "관측 비율"), ("Planned", "계획 비율")),
                    view.srm_rows,
                    lambda row: rx.table.row(
                        rx.table.row_header_cell(row.variant),
                        rx.table.cell(row.units, class_name="tabular-nums"),
                        rx.table.cell(row.observed, class_name="tabular-nums"),
                        rx.table.cell(row.expected, class_name="tabular-nums"),
                    ),
                    size="1",
                    variant="surface",
                    width=None,
                ),
                rx.cond(view.srm_message != "", rx.text(view.srm_message, size="2", color=MUTED)),
                spacing="2",
                width="100%",
            ),
        ),
        section_id="retro-guardrails",
    )


def decision(view: rx.Var) -> rx.Component:
    """The learner's decision, its reasons and the ship rule's verdict per variant."""
    return section(
        ("Decision", "결정"),
        "scale",
        rx.hstack(
            rx.text(t(("You decided", "내 결정")), size="2", color=MUTED),
            badge(view.decision, DECISIONS, DECISION_COLORS),
            rx.text(t(("· the ship rule recommended", "· 배포 규칙의 권고")), size="2", color=MUTED),
            badge(view.recommendation, DECISIONS, DECISION_COLORS, default=("Nothing saved", "저장 안 됨")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            view.reasons.length() > 0,
            rx.unordered_list(
                rx.foreach(view.reasons, lambda r: rx.list_item(rx.text(r, size="2"))), margin_left="1.25rem"
            ),
        ),
        rx.cond(
            (view.rule.length() > 1) | ((view.rule.length() == 1) & (view.reasons.length() == 0)),
            _verdict_table(view.rule, DECISIONS, DECISION_COLORS, with_metric=False),
        ),
        section_id="retro-decision-section",
    )


def truth(view: rx.Var) -> rx.Component:
    """The true effects the simulator built in, and whether the decision was right."""
    return section(
        ("The truth", "실제 효과"),
        "target",
        rx.cond(
            view.truth_revealed,
            rx.vstack(
                rx.callout.root(
                    rx.callout.icon(rx.cond(view.correct == "wrong", rx.icon("circle-x"), rx.icon("circle-check"))),
                    rx.callout.text(
                        rx.text(word(view.correct, CORRECT, ("Not judged", "판정 없음")), weight="bold"),
                        rx.cond(view.truth_rule != "", rx.text(view.truth_rule, size="2")),
                        rx.cond(view.truth_explanation != "", rx.text(view.truth_explanation, size="2")),
                    ),
                    color_scheme=rx.match(view.correct, ("right", "grass"), ("wrong", "tomato"), "gray"),
                    width="100%",
                    id="retro-correct",
                ),
                rx.cond(
                    view.truth_rows.length() > 0,
                    scroll_table(
                        (
                            ("Metric", "지표"),
                            ("Variant", "변형"),
                            ("True rel. effect", "실제 상대 효과"),
                            ("True abs. effect", "실제 절대 효과"),
                            ("Interval", "신뢰구간"),
                        ),
                        view.truth_rows,
                        _truth_row,
                        size="1",
                        variant="surface",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            _missing(("The truth was not revealed for this experiment.", "이 실험의 실제 효과는 공개되지 않았습니다.")),
        ),
        section_id="retro-truth",
    )


def _truth_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.metric),
        rx.table.cell(row.variant),
        rx.table.cell(row.relative, class_name="tabular-nums"),
        rx.table.cell(row.absolute, class_name="tabular-nums"),
        rx.table.cell(
            rx.cond(
                row.covered != "",
                rx.badge(
                    word(row.covered, COVERED),
                    color_scheme=rx.cond(row.covered == "yes", "grass", "tomato"),
                    size="1",
                ),
                "—",
            )
        ),
    )


def coach_text(view: rx.Var) -> rx.Component:
    """The coach's saved write-up and who wrote it, or the empty slot it will fill."""
    return rx.cond(
        view.coach_writeup != "",
        rx.vstack(
            rx.markdown(view.coach_writeup, class_name="retro-coach-text"),
            rx.cond(
                view.coach_source != "",
                rx.text(
                    t(("Written by ", "작성: ")), view.coach_source, size="1", color=FAINT, id="retro-coach-source"
                ),
            ),
            spacing="2",
            width="100%",
        ),
        rx.vstack(
            rx.text(t(("No coach write-up yet.", "아직 코치 피드백이 없습니다.")), size="2", weight="medium"),
            rx.text(
                t(
                    (
                        "Press Write it up: the coach reads this retrospective and writes what went well and what to "
                        "try next.",
                        "작성하기를 누르면 코치가 이 회고를 읽고 잘한 점과 다음에 시도할 점을 적습니다.",
                    )
                ),
                size="2",
                color=MUTED,
            ),
            spacing="1",
            padding="1rem",
            width="100%",
            border=f"1px dashed {rx.color('gray', 6)}",
            border_radius="var(--radius-3)",
        ),
    )


def _missing(text: Text) -> rx.Component:
    return rx.text(t(text), size="2", color=FAINT, font_style="italic")
